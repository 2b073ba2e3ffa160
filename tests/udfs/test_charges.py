"""Charge benchmark percentiles: interpolation by hand, refusal to extrapolate, file validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from udfs.charges import ChargeBenchmark
from udfs.errors import FileError

TABLE = pd.DataFrame(
    {
        "code": ["27447", "27447", "29881"],
        "geo": ["100", "", ""],
        "p50": [6500, 6000, 2400],
        "p75": [8200, 7600, 3100],
        "p80": [8900, 8000, 3300],
        "90th": [10100, 9500, 3900],
    }
)


def test_interpolation_and_fallback_by_hand():
    t = ChargeBenchmark.from_frame(TABLE)
    amount, note = t.amount(
        ["27447", "27447", "27447", "29881"], [80, 85, 60, 77.5], geo=["100", "100", "999", ""]
    )
    # 27447 geo 100 p80 = 8900 (published)
    # 27447 geo 100 p85: 8900 + (85-80)/(90-80) x (10100-8900) = 8900 + 600 = 9500
    # 27447 geo 999 falls back to the row without geo; p60 = 6000 + (60-50)/(75-50) x 1600 = 6640
    # 29881 p77.5 = 3100 + 2.5/5 x 200 = 3200
    np.testing.assert_allclose(amount, [8900, 9500, 6640, 3200])
    assert list(note) == ["", "", "", ""]


def test_no_silent_extrapolation():
    t = ChargeBenchmark.from_frame(TABLE)
    amount, note = t.amount("27447", [95, 40])
    assert np.isnan(amount).all()
    assert note[0] == "percentile 95 is outside the published 50-90; not extrapolated"


def test_every_problem_in_a_bad_file_is_listed(tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text("code,p50,p80\n27447,6500,8900\n,100,200\n29881,abc,3300\n27447,7000,6000\n")
    with pytest.raises(FileError) as err:
        ChargeBenchmark.read(path)
    assert str(err.value).splitlines() == [
        "bench.csv:3: code: code is empty",
        "bench.csv:4: p50: 'abc' is not an amount",
        "bench.csv:5: code: duplicate row for 27447||",
        "bench.csv:5: charges decrease as the percentile rises",
    ]


def test_components_are_never_priced_at_the_global_charge():
    # A 26 or TC line takes the row of its own component; other modifiers (LT, 50...) the code's row.
    table = pd.DataFrame(
        {"code": ["70553", "70553"], "modifier": ["", "26"], "p50": [1400, 310], "p80": [2000, 450]}
    )
    t = ChargeBenchmark.from_frame(table)
    amount, note = t.amount(["70553", "70553", "70553", "70553"], 80, modifier=["26", "26 LT", "LT", "TC"])
    np.testing.assert_allclose(amount, [450, 450, 2000, np.nan])
    assert note[3] == "code 70553-TC not in benchmark"


def test_a_benchmark_file_as_excel_writes_it_outside_the_us(tmp_path):
    # semicolons and decimal commas, Windows-1252 text, rows of separators at the end: read, not refused
    path = tmp_path / "bench.csv"
    path.write_bytes("code;geo;p50;p80;Source\n27447;;6.500,50;8900;Région\n;;;;\n".encode("cp1252"))
    t = ChargeBenchmark.read(path)
    amount, _ = t.amount("27447", [50, 80])
    np.testing.assert_allclose(amount, [6500.5, 8900])


def test_blank_rows_of_a_benchmark_keep_the_row_numbers(tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text("code,p50,p80\n27447,6500,8900\n,,\n29881,abc,3300\n")
    with pytest.raises(FileError) as err:
        ChargeBenchmark.read(path)
    assert str(err.value).splitlines() == ["bench.csv:4: p50: 'abc' is not an amount"]


def test_columns_without_a_header_are_ignored_and_a_repeated_one_is_named(tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text("code,p50,p80,,\n27447,6500,8900,,\n")
    assert ChargeBenchmark.read(path).amount("27447", 80)[0] == 8900
    path.write_text("code,p50,P50,p80\n27447,6500,6500,8900\n")
    with pytest.raises(FileError) as err:
        ChargeBenchmark.read(path)
    assert str(err.value).splitlines() == ["bench.csv:1: P50: a second column of that name"]
