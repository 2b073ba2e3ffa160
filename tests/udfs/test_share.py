"""Patient share, plan payment and balance bill. Every expected figure is worked out by hand in its comment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import amounts, fractions
from udfs.errors import InputError
from udfs.share import balance_bill, claim_cost_share, cost_share, patient_share, plan_payment

CASES = [
    # allowed 2000, deductible left 500 -> d=500; coinsurance 30% of 1500 = 450; total 950 < oop 3000
    (
        "deductible-and-coinsurance",
        dict(allowed=2000, deductible_remaining=500, coinsurance=0.3, oop_remaining=3000),
        950.0,
    ),
    # same but only 800 left to the out-of-pocket maximum -> capped at 800
    ("oop-cap", dict(allowed=2000, deductible_remaining=500, coinsurance=0.3, oop_remaining=800), 800.0),
    # allowed below deductible: the whole 400 is deductible
    ("all-deductible", dict(allowed=400, deductible_remaining=500, coinsurance=0.3), 400.0),
    # copay 50 then 20% of (300 - 50) = 50 -> 100
    ("copay-then-coinsurance", dict(allowed=300, copay=50, coinsurance=0.2), 100.0),
    # copay larger than allowed: limited to allowed
    ("copay-above-allowed", dict(allowed=30, copay=50), 30.0),
    # NSA: recognized amount = min(QPA 1200, billed 6000) = 1200; ded 500; 20% of 700 = 140 -> 640
    (
        "nsa-qpa",
        dict(allowed=2000, deductible_remaining=500, coinsurance=0.2, nsa=True, qpa=1200, billed=6000),
        640.0,
    ),
    # NSA with billed below QPA: recognized = billed 1000; ded 500; 20% of 500 = 100 -> 600
    (
        "nsa-billed-below-qpa",
        dict(allowed=1000, deductible_remaining=500, coinsurance=0.2, nsa=True, qpa=1200, billed=1000),
        600.0,
    ),
    # NSA without a QPA: no answer
    ("nsa-no-qpa", dict(allowed=2000, coinsurance=0.2, nsa=True, billed=6000), np.nan),
]


@pytest.mark.parametrize(("kwargs", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_patient_share(kwargs, expected):
    np.testing.assert_allclose(patient_share(**kwargs), expected, atol=1e-9)


def test_plan_payment_and_balance_bill():
    s = cost_share(2000, 500, 0.3, oop_remaining=3000, billed=6000)
    # plan = 2000 - 950 = 1050; balance bill = 6000 - 2000 = 4000
    assert (float(s.plan_paid), float(s.balance_bill)) == (1050.0, 4000.0)
    assert plan_payment(2000, 500, 0.3, oop_remaining=3000) == 1050.0
    # NSA or a state ban: no balance bill
    np.testing.assert_array_equal(
        balance_bill(6000, 2000, nsa=[False, True, False], balance_bill_allowed=[True, True, False]),
        [4000.0, 0.0, 0.0],
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(allowed=100, coinsurance=20), "coinsurance must be between 0 and 1, got 20"),
        (dict(allowed=-5), "allowed must be between 0 and inf, got -5"),
        (dict(allowed="abc"), "allowed must be a number, got 'abc'"),
    ],
    ids=["coinsurance-as-percent", "negative-allowed", "text"],
)
def test_bad_input_names_the_argument(kwargs, message):
    with pytest.raises(InputError, match=message):
        patient_share(**kwargs)


@given(amounts, amounts, fractions, amounts, amounts, st.booleans(), amounts, amounts)
def test_patient_share_never_above_oop_remainder_nor_allowed(
    allowed, ded, coins, copay, oop, nsa, qpa, billed
):
    s = cost_share(allowed, ded, coins, copay, oop, nsa=nsa, qpa=qpa, billed=billed)
    assert s.patient <= oop
    assert s.patient >= 0
    assert s.plan_paid >= 0
    if not nsa:
        assert s.patient <= allowed + 1e-9
        assert s.plan_paid + s.patient == pytest.approx(allowed)


def test_claim_share_applies_the_deductible_and_cap_once():
    """Claim A: 1,400 + 1,400 allowed, 500 deductible left, 20%, 600 out of pocket left: min(500 + 0.2 x 2,300,
    600) = 600 for the claim, 300 a line (per line it would be 600 each). Claim B: 1,000 and 3,000 with no cap:
    500 + 0.2 x 3,500 = 1,200, split 1:3 = 300 and 900. The NSA line of C has no QPA: no share, left out."""
    s = claim_cost_share(
        ["A", "A", "B", "B", "C", "C"],
        [1400, 1400, 1000, 3000, 800, 200],
        500,
        0.2,
        oop_remaining=[600, 600, np.inf, np.inf, np.inf, np.inf],
        nsa=[False, False, False, False, True, False],
        qpa=np.nan,
        billed=[2000, 2000, 2000, 4000, 900, 300],
    )
    np.testing.assert_allclose(s.patient[:4], [300, 300, 300, 900])
    np.testing.assert_allclose(s.plan_paid[:4], [1100, 1100, 700, 2100])
    # C: only its second line has a share, 200, all of it deductible
    assert np.isnan(s.patient[4]) and s.patient[5] == pytest.approx(200)


def test_claim_share_needs_one_claim_id_per_line():
    with pytest.raises(InputError, match="claim: one claim identifier per line"):
        claim_cost_share([["A"]], [100])
    with pytest.raises(InputError, match="allowed: one value per claim line"):
        claim_cost_share(["A", "B"], [100, 200, 300])
    with pytest.raises(InputError, match="claim: line 2 has no claim identifier"):
        claim_cost_share(["A", None], [100, 200])


@given(
    st.lists(st.tuples(st.integers(0, 3), amounts), min_size=1, max_size=12),
    amounts,
    fractions,
    amounts,
    amounts,
)
def test_claim_totals_equal_the_share_of_the_claim_sums(lines, ded, coins, copay, oop):
    """Whatever the lines, each claim's shares add up to cost_share of the claim's total allowed, and a line's
    share never exceeds its allowed amount."""
    ids = np.array([f"C{c}" for c, _ in lines], dtype=object)
    allowed = np.array([a for _, a in lines])
    s = claim_cost_share(ids, allowed, ded, coins, copay, oop)
    for cid in set(ids):
        mine = ids == cid
        whole = cost_share(allowed[mine].sum(), ded, coins, copay, oop)
        assert s.patient[mine].sum() == pytest.approx(float(whole.patient), rel=1e-9, abs=1e-6)
    assert np.all(s.patient <= allowed + 1e-6)
