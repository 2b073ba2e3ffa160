"""Property: whatever a range holds, every OON_* function answers every row, never with an empty cell.

A column of random cells (numbers, NaN, infinities, empty cells, text, numbers stored as text, error values,
dates, booleans) replaces one argument of each function's valid call (tests/addin/test_functions.py): the
result has one row per input row, and each row is a finite number, a boolean, a date, a locality id
(OON_LOCALITY), or a message that names the function. xlwings shows None and NaN as an empty cell, so neither may come back.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin import functions as F
from tests.addin.test_functions import VALID

cells = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=1e6),
    st.integers(min_value=-5, max_value=50_000).map(float),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "#N/A", "#DIV/0!", "#VALUE!", "$1,925.00", "35%", "27447", "CA-18", "2026-06-01"]
    ),
    st.sampled_from(["nsa_open_negotiation", "timely_filing", "Percent of Medicare", "facility", "TRUE"]),
    st.datetimes(min_value=dt.datetime(1890, 1, 1), max_value=dt.datetime(2300, 1, 1)),
)


def answered(value, name: str) -> bool:
    if isinstance(value, str):
        if name == "OON_LOCALITY" and re.fullmatch(r"[A-Z]{2}-\d{2}", value):
            return True  # the answer is a locality id
        return value.startswith(f"{name}: ") and len(value) > len(name) + 2
    if isinstance(value, (bool, np.bool_, dt.date)):
        return True
    return isinstance(value, (float, int, np.floating, np.integer)) and math.isfinite(value)


@pytest.mark.parametrize("name", sorted(VALID))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_row_gets_an_answer_or_a_message(name, data):
    kwargs, _ = VALID[name]
    arg = data.draw(st.sampled_from(sorted(kwargs)), label="argument")
    column = data.draw(st.lists(cells, min_size=1, max_size=6), label="cells")
    stages = arg in ("probabilities", "shares", "costs", "days") and name in ("OON_CASE_NPV", "OON_BEST_STOP")
    if stages:
        spoiled = np.array([column + [0.5] * (2 - len(column))][:1], dtype=object)[:, :2]  # one row of stages
    elif arg == "benchmark_table":
        spoiled = np.array([["code", "p50", "p80"], ["27447", column[0], 8900.0]], dtype=object)
    else:
        spoiled = np.array([[v] for v in column], dtype=object)
    out = getattr(F, name)(**{**kwargs, arg: spoiled})
    assert out.ndim == 2 and out.shape[1] == 1
    rows = 1 if stages or arg == "benchmark_table" else len(column)
    assert out.shape[0] in (1, rows)  # one row per input row (or one message for the whole call)
    for value in out[:, 0]:
        assert answered(value, name), (arg, column, value)
