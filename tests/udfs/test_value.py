"""Case value of an escalation path: NPV against numpy-financial and against hand computations."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from udfs.errors import InputError
from udfs.value import discount_factor, escalation_npv, escalation_value


def test_discount_factor_matches_numpy_financial_npv_on_yearly_periods():
    # A flow of 1 at day 365 and 730 discounted at 10%: npf.npv with yearly periods gives 1/1.1 and 1/1.21.
    expected = npf.npv(0.10, [0, 1, 1])  # = 0.909090... + 0.826446... = 1.735537...
    assert discount_factor(0.10, 365) + discount_factor(0.10, 730) == pytest.approx(expected, rel=1e-12)


def test_stage_npv_equals_numpy_financial_npv_on_daily_periods():
    # One stage: cost 100 at day 0, recovery 0.5 x 2000 = 1000 at day 30; rate 8%/year -> daily rate r_d.
    r_d = 1.08 ** (1 / 365) - 1
    flows = np.zeros(31)
    flows[0], flows[30] = -100.0, 1000.0
    v = escalation_value(2000, [0.5], [1.0], [100.0], [30], 0.08)
    assert v.npv[-1] == pytest.approx(npf.npv(r_d, flows), rel=1e-12)


def test_two_stage_path_by_hand():
    # Gap 10,000; appeal p=.4 share 1 cost 150 60 days; external review p=.5 share 1 cost 500 45 days; 10%/yr.
    # v(60) = 1.1^(-60/365) = 0.98445462; v(105) = 1.1^(-105/365) = 0.97295438
    # stop 1: 0.4 x 10000 x v(60) - 150 = 3787.8185
    # stop 2: + 0.6 x (0.5 x 10000 x v(105) - 500 x v(60)) = + 2623.5268 -> 6411.3453
    v = escalation_value(10_000, [0.4, 0.5], [1, 1], [150, 500], [60, 45], 0.10)
    np.testing.assert_allclose(v.npv, [0.0, 3787.8185, 6411.3453], atol=1e-3)
    # expected recovery: 0.4 x 10000 = 4000, + 0.6 x 0.5 x 10000 = 3000 -> 7000; expected cost 150 + 0.6 x 500 = 450
    np.testing.assert_allclose(v.recovery, [0.0, 4000.0, 7000.0])
    np.testing.assert_allclose(v.cost, [0.0, 150.0, 450.0])
    # days to cash given recovery: (0.4 x 60 + 0.3 x 105) / 0.7 = 79.2857
    assert v.days_to_cash[-1] == pytest.approx((0.4 * 60 + 0.3 * 105) / 0.7)
    assert v.best_stop == 2
    assert escalation_npv(10_000, [0.4, 0.5], [1, 1], [150, 500], [60, 45], 0.10) == pytest.approx(
        6411.3453, abs=1e-3
    )


def test_best_stop_skips_a_losing_last_stage_and_an_offer_can_win():
    # Last stage costs 5,000 for a 10% chance at 10,000 (expected 1,000): stop after stage 1.
    v = escalation_value(10_000, [0.5, 0.1], [1, 1], [100, 5000], [30, 30], 0.0)
    assert v.best_stop == 1
    np.testing.assert_allclose(v.npv, [0.0, 4900.0, 4900.0 + 0.5 * (1000 - 5000)])
    # An offer of 6,000 now beats pursuing (4,900): accept.
    assert escalation_value(10_000, [0.5, 0.1], [1, 1], [100, 5000], [30, 30], 0.0, offer=6000).best_stop == 0


def test_contingency_fee_reduces_recoveries():
    # 25% fee on a 1 x 1 x 1000 recovery at 0% with no cost: 750
    assert escalation_value(1000, [1.0], [1.0], [0.0], [10], 0.0, fee_rate=0.25).npv[-1] == pytest.approx(750)


def test_vectorised_over_cases_matches_case_by_case():
    rng = np.random.default_rng(7)
    n, k = 50, 4
    gap = rng.uniform(0, 20_000, n)
    p, s = rng.uniform(0, 1, (n, k)), rng.uniform(0, 1, (n, k))
    c, d = rng.uniform(0, 900, (n, k)), rng.integers(5, 120, (n, k))
    rate = rng.uniform(0, 0.2, n)
    together = escalation_value(gap, p, s, c, d, rate)
    for i in range(n):
        alone = escalation_value(gap[i], p[i], s[i], c[i], d[i], rate[i])
        np.testing.assert_allclose(together.npv[i], alone.npv, rtol=1e-12)
        assert together.best_stop[i] == alone.best_stop


def test_bad_probability_names_the_argument():
    with pytest.raises(InputError, match="probability must be between 0 and 1, got 1.4"):
        escalation_value(1000, [0.5, 1.4], [1, 1], [0, 0], [10, 10], 0.05)


@given(
    st.floats(0, 1e6),
    st.lists(
        st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1e4), st.integers(0, 400)),
        min_size=1,
        max_size=7,
    ),
    st.floats(0, 0.5),
)
def test_best_npv_at_least_accepting_and_recovery_at_most_gap(gap, stages, rate):
    p, s, c, d = (np.array(x, dtype=float) for x in zip(*stages, strict=True))
    v = escalation_value(gap, p, s, c, d, rate)
    assert v.best_npv >= 0
    assert v.recovery[-1] <= gap * (1 + 1e-12)
    assert v.npv.shape == (len(stages) + 1,)
