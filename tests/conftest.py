"""Shared fixtures. Keep this file small and generic: fixtures specific to one area live beside its tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from tests.libreoffice import find_soffice, recalculate


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``libreoffice`` skip where soffice is missing, but fail under CI (env ``CI`` set):
    CI must run them."""
    if item.get_closest_marker("libreoffice") is None or find_soffice() is not None:
        return
    if os.environ.get("CI"):
        pytest.fail("CI is set but LibreOffice (soffice) is not installed: the recalculation tests must run")
    pytest.skip("LibreOffice (soffice) is not installed")


@pytest.fixture
def recalc(tmp_path: Path) -> Callable[[Iterable[Path]], list[Path]]:
    """``recalc(paths)``: the workbooks recalculated by LibreOffice into a fresh folder (one soffice call)."""
    counter = iter(range(1_000_000))

    def run(paths: Iterable[Path]) -> list[Path]:
        return recalculate(paths, tmp_path / f"recalculated-{next(counter)}")

    return run
