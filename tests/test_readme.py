"""The README documents what users meet: every claims-file column, every OON_* function, every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from addin import functions
from oonkit.cli import build_parser
from workbooks.claims_file import column_specs

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [s.name for s in column_specs()])
def test_claims_columns_documented(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize("name", [n for n in dir(functions) if n.startswith("OON_")])
def test_functions_documented(name):
    assert f"`{name}(" in README or f"{name}(" in README


@pytest.mark.parametrize("command", list(build_parser()._subparsers._group_actions[0].choices))
def test_commands_documented(command):
    assert f"`oonkit {command}" in README


def test_the_two_setup_commands_come_first():
    lines = [line.strip() for line in README.splitlines()]
    demo = next(i for i, line in enumerate(lines) if "oonkit demo" in line)
    tox = next(i for i, line in enumerate(lines) if line.endswith("&& tox"))
    assert lines[demo] == "pip install . && oonkit demo"
    assert lines[tox] == "pip install tox && tox"
    assert "pip install tox && tox" in (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
