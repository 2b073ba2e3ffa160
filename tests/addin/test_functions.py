"""The OON_* functions as Excel calls them: 2-D object arrays in, a column out, a message for every bad row.

Ranges arrive as xlwings' ``np.array`` converter builds them with ``dtype=object, ndim=2``: numbers as float,
empty cells as NaN (the converter's ``empty=np.nan``) or None, text as str, errors as their text.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from addin import functions as F
from udfs.gap import recovery_gap
from udfs.share import cost_share


def col(*values):
    return np.array([[v] for v in values], dtype=object)


def cell(v):
    return np.array([[v]], dtype=object)


# One valid call per function (each argument one row) and the argument to spoil in the bad-input tests.
VALID = {
    "OON_ALLOWED": (
        dict(
            method=cell("Percent of Medicare"), billed=cell(5000.0), medicare=cell(1375.5), factor=cell(1.4)
        ),
        "billed",
    ),
    "OON_CHARGE_PCTL": (
        dict(
            code=cell("27447"),
            percentile=cell(80.0),
            benchmark_table=np.array([["code", "p50", "p80"], ["27447", 6500.0, 8900.0]], dtype=object),
        ),
        "percentile",
    ),
    "OON_PATIENT_SHARE": (
        dict(allowed=cell(2000.0), deductible_remaining=cell(500.0), coinsurance=cell(0.3)),
        "allowed",
    ),
    "OON_PLAN_PAYMENT": (
        dict(allowed=cell(2000.0), deductible_remaining=cell(500.0), coinsurance=cell(0.3)),
        "allowed",
    ),
    "OON_BALANCE_BILL": (dict(billed=cell(6000.0), allowed=cell(2000.0)), "allowed"),
    "OON_GAP": (dict(target=cell(1925.0), plan_paid=cell(950.0), patient_paid=cell(250.0)), "plan_paid"),
    "OON_UNDERPAID": (dict(target=cell(1000.0), plan_paid=cell(900.0), tolerance=cell(25.0)), "target"),
    "OON_PAID_PCT": (dict(paid=cell(950.0), basis=cell(6000.0)), "paid"),
    "OON_CASE_NPV": (
        dict(
            gap=cell(10_000.0),
            probabilities=np.array([[0.4, 0.5]], dtype=object),
            shares=np.array([[1.0, 1.0]], dtype=object),
            costs=np.array([[150.0, 500.0]], dtype=object),
            days=np.array([[60.0, 45.0]], dtype=object),
            rate=cell(0.1),
        ),
        "gap",
    ),
    "OON_BEST_STOP": (
        dict(
            gap=cell(10_000.0),
            probabilities=np.array([[0.4, 0.5]], dtype=object),
            shares=np.array([[1.0, 1.0]], dtype=object),
            costs=np.array([[150.0, 500.0]], dtype=object),
            days=np.array([[60.0, 45.0]], dtype=object),
            rate=cell(0.1),
        ),
        "rate",
    ),
    "OON_IDR_GAIN": (
        dict(
            provider_offer=cell(4500.0),
            payer_offer=cell(1300.0),
            paid=cell(1200.0),
            win_probability=cell(0.8),
            admin_fee=cell(15.0),
            entity_fee=cell(400.0),
        ),
        "win_probability",
    ),
    "OON_IDR_BREAKEVEN": (
        dict(
            provider_offer=cell(4500.0),
            payer_offer=cell(1300.0),
            paid=cell(1200.0),
            admin_fee=cell(15.0),
            entity_fee=cell(400.0),
        ),
        "entity_fee",
    ),
    "OON_IDR_ADMIN_FEE": (dict(dispute_date=cell(dt.datetime(2026, 7, 1))), "dispute_date"),
}

# Expected value of each valid call, by hand (see tests/udfs for the derivations).
EXPECTED = {
    "OON_ALLOWED": 1375.5 * 1.4,
    "OON_CHARGE_PCTL": 8900.0,
    "OON_PATIENT_SHARE": 950.0,  # 500 + 0.3 x 1500
    "OON_PLAN_PAYMENT": 1050.0,
    "OON_BALANCE_BILL": 4000.0,
    "OON_GAP": 725.0,
    "OON_UNDERPAID": True,
    "OON_PAID_PCT": 950.0 / 6000.0,
    "OON_CASE_NPV": 6411.345668318043,
    "OON_BEST_STOP": 2.0,
    "OON_IDR_GAIN": 2565.0,
    "OON_IDR_BREAKEVEN": 0.0875,
    "OON_IDR_ADMIN_FEE": 15.0,
}


def test_every_public_function_has_a_case():
    assert set(VALID) == {n for n in dir(F) if n.startswith("OON_")}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_call(name):
    kwargs, _ = VALID[name]
    out = getattr(F, name)(**kwargs)
    assert out.shape == (1, 1)
    assert out[0, 0] == pytest.approx(EXPECTED[name])


SPOILERS = [
    (None, "is empty"),
    (np.nan, "is empty"),
    ("", "is empty"),
    ("abc", "must be "),
    ("#DIV/0!", "is an error value (#DIV/0!)"),
    ("#N/A", "is an error value (#N/A)"),
]


@pytest.mark.parametrize("name", sorted(VALID))
@pytest.mark.parametrize(("bad", "message"), SPOILERS, ids=["none", "nan", "blank", "text", "div0", "na"])
def test_bad_cell_answers_with_a_message_naming_function_and_argument(name, bad, message):
    kwargs, arg = VALID[name]
    spoiled = dict(kwargs)
    spoiled[arg] = np.array([[kwargs[arg][0, 0]], [bad]], dtype=object)
    out = getattr(F, name)(**spoiled)
    assert out.shape == (2, 1)
    assert out[0, 0] == pytest.approx(EXPECTED[name])  # the good row is untouched
    assert isinstance(out[1, 0], str)
    assert out[1, 0].startswith(f"{name}: {arg} ")
    assert message in out[1, 0]


def test_column_matches_udfs_row_by_row():
    rng = np.random.default_rng(3)
    n = 500
    allowed = rng.uniform(0, 5000, n)
    ded = rng.uniform(0, 2000, n)
    coins = rng.uniform(0, 0.5, n)
    out = F.OON_PATIENT_SHARE(col(*allowed), col(*ded), col(*coins))
    np.testing.assert_array_equal(out[:, 0].astype(float), cost_share(allowed, ded, coins).patient)
    paid = rng.uniform(0, 5000, n)
    np.testing.assert_array_equal(
        F.OON_GAP(col(*allowed), col(*paid))[:, 0].astype(float), recovery_gap(allowed, paid)
    )


def test_scalar_arguments_broadcast_down_the_column():
    out = F.OON_ALLOWED(cell("Percent of billed"), col(1000.0, 2000.0, 3000.0), factor=cell("35%"))
    np.testing.assert_allclose(out[:, 0].astype(float), [350.0, 700.0, 1050.0])


def test_text_numbers_and_percent_text_are_read():
    out = F.OON_GAP(col("$1,925.00"), col(" 950 "), col("250"))
    assert out[0, 0] == 725.0


def test_out_of_range_fraction_suggests_the_fix():
    out = F.OON_PATIENT_SHARE(cell(2000.0), cell(0.0), cell(30.0))
    assert (
        out[0, 0] == "OON_PATIENT_SHARE: coinsurance must be between 0 and 1, got 30 (a fraction: 20% is 0.2)"
    )


def test_nsa_without_qpa_says_why():
    out = F.OON_PATIENT_SHARE(cell(2000.0), nsa=cell(True), billed=cell(6000.0))
    assert out[0, 0] == "OON_PATIENT_SHARE: nsa is TRUE but qpa is empty"


def test_missing_basis_says_which():
    out = F.OON_ALLOWED(cell("Percent of Medicare"), cell(5000.0), factor=cell(1.4))
    assert out[0, 0] == "OON_ALLOWED: Percent of Medicare needs medicare, which is empty"


def test_unknown_method_lists_the_choices():
    out = F.OON_ALLOWED(cell("RBRVS"), cell(5000.0))
    assert out[0, 0] == (
        'OON_ALLOWED: method must be one of Percent of Medicare, Charge percentile, Percent of billed, Flat rate; got "RBRVS"'
    )


def test_stage_layout_mismatch_is_reported():
    kwargs, _ = VALID["OON_CASE_NPV"]
    out = F.OON_CASE_NPV(**{**kwargs, "days": np.array([[60.0]], dtype=object)})
    assert out[0, 0].startswith(
        "OON_CASE_NPV: probabilities, shares, costs and days must have the same number"
    )


def test_dates_in_every_form():
    out = F.OON_IDR_ADMIN_FEE(
        col(dt.datetime(2026, 6, 10), dt.date(2026, 6, 11), "2026-06-10", "6/11/2026", 46183.0)
    )
    # serial 46183 = 2026-06-10 (45658 is 2025-01-01, + 525 days)
    np.testing.assert_array_equal(out[:, 0].astype(float), [115.0, 15.0, 115.0, 15.0, 115.0])


def test_empty_optional_argument_takes_its_default():
    # coinsurance is optional: an empty cell means 0, so the share is the deductible alone (500)
    out = F.OON_PATIENT_SHARE(cell(2000.0), cell(500.0), col(0.3, None))
    np.testing.assert_array_equal(out[:, 0].astype(float), [950.0, 500.0])
