"""IDR economics: fees by date from templates/rules/idr_fees.yaml and the expected gain (hand computations)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from udfs.errors import InputError
from udfs.idr import admin_fee, entity_fee_range, idr_break_even, idr_expected_gain


@pytest.mark.parametrize(
    ("date", "fee"),
    [
        ("2024-01-22", 115.0),  # 88 FR 88494: $115 from the rule's effective date
        ("2026-06-10", 115.0),  # last day before the 2026 operations rule
        ("2026-06-11", 15.0),  # IDR operations final rule (released 2026-05-28): $15 from 2026-06-11
        ("2026-11-22", 15.0),
    ],
)
def test_admin_fee_by_dispute_date(date, fee):
    assert admin_fee(date) == fee


def test_admin_fee_before_record_is_refused():
    with pytest.raises(InputError, match="no IDR administrative fee on record before 2024-01-22"):
        admin_fee("2023-06-01")


def test_entity_fee_ranges():
    # 88 FR 88494: single 200-840; batched 268-1173, plus 75-250 per 25 lines beyond 25 (26..50 -> one tier)
    assert entity_fee_range() == (200.0, 840.0)
    assert entity_fee_range(batched=True, lines=25) == (268.0, 1173.0)
    assert entity_fee_range(batched=True, lines=26) == (343.0, 1423.0)


def test_expected_gain_by_hand_and_batching():
    # 0.8 x (4500 - 1200) + 0.2 x (1300 - 1200) - 15 - 0.2 x 400 = 2640 + 20 - 15 - 80 = 2565
    assert idr_expected_gain(4500, 1300, 1200, 0.8, 15, 400) == pytest.approx(2565.0)
    # batch of 10 items: fees per item 1.5 and 40 -> 2640 + 20 - 1.5 - 0.2 x 40 = 2650.5
    assert idr_expected_gain(4500, 1300, 1200, 0.8, 15, 400, batch_size=10) == pytest.approx(2650.5)
    # no refund: the entity fee is paid whatever happens -> 2640 + 20 - 15 - 400 = 2245
    assert idr_expected_gain(4500, 1300, 1200, 0.8, 15, 400, refund=False) == pytest.approx(2245.0)
    # small claim, old fee: 0.8 x 60 + 0.2 x 0 - 115 - 0.2 x 400 = 48 - 195 = -147 (IDR does not pay)
    assert idr_expected_gain(360, 300, 300, 0.8, 115, 400) == pytest.approx(-147.0)


def test_break_even_by_hand():
    # (15 + 400 - (1300 - 1200)) / ((4500 - 1300) + 400) = 315 / 3600 = 0.0875
    assert idr_break_even(4500, 1300, 1200, 15, 400) == pytest.approx(0.0875)
    # small claim: (115 + 400 - 0) / (60 + 400) = 1.1196 > 1: never pays off
    assert idr_break_even(360, 300, 300, 115, 400) == pytest.approx(515 / 460)
    # equal offers and no refund -> gain independent of w -> NaN
    assert np.isnan(idr_break_even(300, 300, 300, 15, 400, refund=False))


@given(
    st.floats(0, 1e5),
    st.floats(0, 1e5),
    st.floats(0, 1e5),
    st.floats(0, 500),
    st.floats(0, 1200),
    st.integers(1, 100),
)
def test_gain_is_zero_at_break_even(a, b, paid, fa, fe, n):
    w = idr_break_even(a, b, paid, fa, fe, n)
    if np.isfinite(w) and 0 <= w <= 1:
        assert idr_expected_gain(a, b, paid, w, fa, fe, n) == pytest.approx(
            0.0, abs=1e-6 * max(a, b, paid, fa, fe, 1)
        )
