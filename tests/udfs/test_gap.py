"""Recovery gap, underpayment flag and payment ratios (hand computations in the comments)."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from tests.strategies import amounts
from udfs.gap import paid_ratio, recovery_gap, underpaid


def test_gap_examples():
    # target 1925, paid 950 + patient 250 = 1200 -> 725; overpaid line -> 0; missing payment -> NaN
    np.testing.assert_array_equal(
        recovery_gap([1925.0, 1925.0, 1925.0], [950.0, 2100.0, np.nan], [250.0, 0.0, 0.0]),
        [725.0, 0.0, np.nan],
    )


def test_underpaid_tolerances():
    # gaps 10, 100, 300 on a 1000 target; threshold max(25, 5% x 1000 = 50) = 50
    np.testing.assert_array_equal(
        underpaid(1000, [990, 900, 700], tolerance=25, tolerance_pct=0.05), [False, True, True]
    )
    assert underpaid(1000, np.nan) is False


def test_paid_ratio():
    # 950 / 6000 = 0.158333...; 950 / 1375 = 0.690909...; basis 0 -> NaN
    np.testing.assert_allclose(paid_ratio(950, [6000, 1375, 0]), [950 / 6000, 950 / 1375, np.nan])


@given(amounts, amounts, amounts)
def test_gap_never_negative_and_zero_after_full_payment(target, paid, patient):
    assert recovery_gap(target, paid, patient) >= 0
    assert recovery_gap(target, target + paid, patient) == 0
