"""The demo workbooks compared part by part with reviewed reference parts (tests/workbooks/golden/demo/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.xlsx_golden import assert_workbook_matches
from udfs.reference import template_path
from workbooks.build import build_set

GOLDEN = Path(__file__).parent / "golden" / "demo"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = template_path("demo/claims.csv").parent
    out = tmp_path_factory.mktemp("demo")
    return build_set(
        folder / "claims.csv", out, None, dt.date(2026, 2, 20), folder / "log.csv", folder / "benchmark.csv"
    )


@pytest.mark.parametrize("name", ["summit-health", "northwind-trust", "portfolio"])
def test_demo_workbook_matches_reference(demo, name):
    path = demo.portfolio if name == "portfolio" else demo.workbooks[name]
    assert_workbook_matches(path, GOLDEN / name)
