"""Patient share, plan payment and balance bill. Every expected figure is worked out by hand in its comment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import amounts, fractions
from udfs.errors import InputError
from udfs.share import balance_bill, cost_share, patient_share, plan_payment

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
