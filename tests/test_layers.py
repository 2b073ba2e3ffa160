"""The packages import one way: udfs is the base (no Excel library), addin and workbooks build on udfs,
the command line builds on all, and nothing imports the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> top-level modules it must never import
FORBIDDEN = {
    "udfs": {"xlwings", "openpyxl", "xlsxwriter", "addin", "workbooks", "oonkit", "remits"},
    "addin": {"openpyxl", "workbooks", "oonkit"},
    "workbooks": {"xlwings", "addin", "oonkit"},
    "remits": {"xlwings", "addin", "oonkit"},
    "templates": {"numpy", "pandas", "xlwings", "openpyxl"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


CASES = [(pkg, p) for pkg in FORBIDDEN for p in sorted((ROOT / pkg).rglob("*.py")) if (ROOT / pkg).exists()]


@pytest.mark.parametrize(("package", "path"), CASES, ids=[str(p.relative_to(ROOT)) for _, p in CASES])
def test_imports_point_one_way(package: str, path: Path) -> None:
    bad = imported_modules(path) & FORBIDDEN[package]
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
