"""oonkit addin install writes the xlwings configuration that loads addin.functions."""

from __future__ import annotations

import pytest

from addin import install
from udfs.errors import InputError


def test_install_into_new_file(tmp_path):
    path = tmp_path / ".xlwings" / "xlwings.conf"
    install.install(path, interpreter=r"C:\Python311\python.exe")
    lines = path.read_text().splitlines()
    assert '"UDF Modules","addin.functions"' in lines
    assert any(line.startswith('"Interpreter_') and "python" in line for line in lines)


def test_install_keeps_existing_keys_and_modules(tmp_path):
    path = tmp_path / "xlwings.conf"
    path.write_text('"UDF Modules","mytools"\n"Show Console","True"\n')
    _, config = install.install(path, interpreter="/usr/bin/python3")
    assert config["UDF Modules"] == "mytools;addin.functions"
    assert config["Show Console"] == "True"
    # idempotent
    _, again = install.install(path, interpreter="/usr/bin/python3")
    assert again == config


def test_malformed_config_is_refused_with_line(tmp_path):
    path = tmp_path / "xlwings.conf"
    path.write_text('"UDF Modules","a"\nnot a pair\n')
    with pytest.raises(InputError, match=r"xlwings.conf:2: not a \"KEY\",\"VALUE\" line"):
        install.install(path)
    assert path.read_text() == '"UDF Modules","a"\nnot a pair\n'


def test_the_file_is_what_xlwings_reads(tmp_path, monkeypatch):
    # xlwings.utils.read_user_config parses "KEY","VALUE" lines with a regex; check it reads ours.
    import xlwings
    import xlwings.utils

    path = tmp_path / "xlwings.conf"
    install.install(path, interpreter="/opt/py/bin/python")
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(path))
    assert xlwings.utils.read_user_config()["udf modules"] == "addin.functions"
