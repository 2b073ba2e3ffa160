"""Configuration that makes Excel load the ``OON_*`` functions through the xlwings add-in.

The xlwings add-in (installed with ``xlwings addin install`` on Windows or macOS) reads its settings from, in
order: a sheet named ``xlwings.conf`` in the workbook, a file ``xlwings.conf`` beside the workbook, then the user
file ``~/.xlwings/xlwings.conf`` (macOS: ``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf``). The file
holds one ``"KEY","VALUE"`` pair per line; keys are spelled with spaces (``UDF Modules``). oonkit sets:

* ``UDF Modules`` = ``addin.functions``, the module whose functions "Import Functions" registers;
* ``Interpreter_Win`` / ``Interpreter_Mac`` = the Python that has oonkit installed.

Existing keys are kept; the file is replaced atomically.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import xlwings

from udfs.atomic import atomic_path
from udfs.errors import InputError

UDF_MODULE = "addin.functions"
_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


def user_config_file() -> Path:
    """The xlwings user configuration file of this machine."""
    return Path(xlwings.USER_CONFIG_FILE)


def read_config(path: Path) -> dict[str, str]:
    """Keys and values of an xlwings.conf file, in file order (a missing file is empty)."""
    config: dict[str, str] = {}
    if not path.exists():
        return config
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            raise InputError(f'{path}:{number}: not a "KEY","VALUE" line: {line.strip()!r}')
        config[m.group(1)] = m.group(2)
    return config


def oonkit_settings(interpreter: str | None = None) -> dict[str, str]:
    """The keys oonkit needs: the UDF module and the interpreter for this platform."""
    python = interpreter or sys.executable
    settings = {"UDF Modules": UDF_MODULE}
    if sys.platform.startswith("darwin"):
        settings["Interpreter_Mac"] = python
    else:
        settings["Interpreter_Win"] = python
    return settings


def merge_udf_modules(existing: str | None) -> str:
    """Add ``addin.functions`` to a ``UDF Modules`` value (modules separated by ';'), keeping the others.

    >>> merge_udf_modules("mytools;other")
    'mytools;other;addin.functions'
    >>> merge_udf_modules("addin.functions")
    'addin.functions'
    """
    modules = [m.strip() for m in (existing or "").split(";") if m.strip()]
    if UDF_MODULE not in modules:
        modules.append(UDF_MODULE)
    return ";".join(modules)


def install(path: Path | None = None, interpreter: str | None = None) -> tuple[Path, dict[str, str]]:
    """Write oonkit's settings into an xlwings.conf file (the user file by default). Returns the path and the
    resulting configuration."""
    target = path or user_config_file()
    config = read_config(target)
    settings = oonkit_settings(interpreter)
    settings["UDF Modules"] = merge_udf_modules(config.get("UDF Modules"))
    config.update(settings)
    for key, value in config.items():
        if '"' in key or '"' in value:
            raise InputError(f"{target}: a value with a double quote cannot be written: {key}={value}")
    with atomic_path(target) as tmp:
        tmp.write_text("".join(f'"{k}","{v}"\n' for k, v in config.items()), encoding="utf-8")
    return target, config
