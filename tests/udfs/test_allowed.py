"""Allowed amount by method. Expected numbers are computed by hand in each case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import amount_arrays, factors, mutually_broadcastable
from udfs.allowed import METHODS, allowed_amount, lesser_of, method_code
from udfs.errors import InputError

CASES = [
    # id, kwargs, expected (hand computation in the id's comment)
    (
        "140pct-medicare",
        dict(method="Percent of Medicare", billed=5000, medicare=1375.50, factor=1.4),
        1925.70,
    ),
    # 1375.50 x 1.4 = 1925.70 < 5000
    (
        "lesser-of-billed",
        dict(method="Percent of Medicare", billed=1500, medicare=1375.50, factor=1.4),
        1500.0,
    ),
    # 1925.70 > 1500 -> billed
    (
        "lesser-of-off",
        dict(method="pct_medicare", billed=1500, medicare=1375.50, factor=1.4, apply_lesser_of=False),
        1925.70,
    ),
    ("percentile-80th", dict(method="Charge percentile", billed=12000, benchmark=8900), 8900.0),
    ("percent-of-billed", dict(method="Percent of billed", billed=6000, factor=0.35), 2100.0),
    # 6000 x 0.35 = 2100
    ("sca-flat", dict(method="SCA", billed=9000, rate=7500), 7500.0),
    ("sca-above-billed", dict(method="Flat rate", billed=7000, rate=7500), 7000.0),
    ("no-billed-no-cap", dict(method="Flat rate", billed=np.nan, rate=7500), 7500.0),
    ("missing-medicare", dict(method="Percent of Medicare", billed=5000, factor=1.4), np.nan),
]


@pytest.mark.parametrize(("kwargs", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_allowed_amount(kwargs, expected):
    np.testing.assert_allclose(allowed_amount(**kwargs), expected, rtol=0, atol=1e-9)


def test_method_spellings_and_unknown():
    assert list(method_code(["Percent of Medicare", " ucr ", "% of billed", "gap exception"])) == [0, 1, 2, 3]
    assert len(METHODS) == 4
    with pytest.raises(InputError, match="method must be one of .*got 'RBRVS'"):
        allowed_amount("rbrvs", 100)


def test_method_column_as_categorical_matches_object_array():
    methods = np.array(["Percent of Medicare", "Percent of billed", "Flat rate"] * 4, dtype=object)
    billed = np.arange(12) * 100.0 + 1000
    kwargs = dict(billed=billed, medicare=800.0, factor=1.2, rate=900.0)
    np.testing.assert_array_equal(
        allowed_amount(pd.Categorical(methods), **kwargs), allowed_amount(methods, **kwargs)
    )


def test_negative_factor_is_refused_naming_the_argument():
    with pytest.raises(InputError, match="factor must be between 0 and inf, got -1.4"):
        allowed_amount("Percent of Medicare", 100, 100, -1.4)


@given(mutually_broadcastable(3), st.data())
def test_broadcasting_shape(shapes, data):
    result_shape, (s1, s2, s3) = shapes
    out = allowed_amount(
        "Percent of Medicare",
        data.draw(amount_arrays(s1)),
        data.draw(amount_arrays(s2)),
        data.draw(amount_arrays(s3).map(lambda a: a / 1e6)),
    )
    assert np.shape(out) == result_shape


@given(st.lists(st.tuples(st.integers(0, 3), st.floats(0, 1e6), st.floats(0, 1e6), factors), min_size=1))
def test_lesser_of_never_above_billed(rows):
    codes, billed, basis, factor = (np.array(x) for x in zip(*rows, strict=True))
    names = np.array(list(METHODS), dtype=object)[codes]
    out = allowed_amount(names, billed, medicare=basis, factor=factor, benchmark=basis, rate=basis)
    assert np.all(out <= billed)
    assert np.all(out >= 0)


def test_lesser_of_helper():
    np.testing.assert_array_equal(lesser_of([1200.0, 900.0], [1000.0, np.nan]), [1000.0, 900.0])
