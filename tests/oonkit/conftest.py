"""Fixtures of the command-line tests: the demo inputs and a payer-workbook set built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from oonkit.cli import main
from udfs.reference import template_path

DEMO = template_path("demo/claims.csv").parent
REMITS = sorted(str(p) for p in (DEMO / "remits").glob("*.835"))
AS_OF = "2026-02-20"  # the demo's date (templates/demo/demo.yaml)


def files(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` (not recursive) and its bytes: to show that nothing changed."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def demo_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``oonkit build`` of the demo claims into ``tmp_path/set``: four payer workbooks and portfolio.xlsx."""
    out = tmp_path / "set"
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(out), "--as-of", AS_OF]) == 0
    capsys.readouterr()
    return out
