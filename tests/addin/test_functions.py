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
    "OON_MEDICARE": (dict(hcpcs=cell("27447"), locality=cell("CA-18")), "hcpcs"),
    # argument None: every argument is optional or a text the generic spoilers cannot spoil; see the own tests
    "OON_LOCALITY": (dict(state=cell("CA"), locality_or_county=cell(18.0)), None),
    "OON_MEDICARE_CLAIM": (dict(claim_id=cell("A"), hcpcs=cell(27447.0)), None),
    "OON_ANESTHESIA": (dict(base_units=cell(7.0), minutes=cell(99.0)), "base_units"),
    "OON_LIMITING_CHARGE": (dict(amount=cell(1257.63)), "amount"),
    "OON_DEADLINE": (dict(rule=cell("nsa_open_negotiation"), start=cell(dt.datetime(2026, 6, 1))), "start"),
    "OON_WORKDAY": (dict(start_date=cell(dt.datetime(2026, 7, 2)), days=cell(1.0)), "days"),
    "OON_NETWORKDAYS": (
        dict(start_date=cell(dt.date(2026, 11, 23)), end_date=cell(dt.date(2026, 11, 27))),
        "end_date",
    ),
    "OON_BUSINESS_DAYS_LEFT": (dict(deadline=cell("2026-07-14"), as_of=cell(dt.date(2026, 7, 1))), "as_of"),
}

CF25 = 32.3465  # CY2025 PFS conversion factor (PPRRVU25_JAN1 CONV FACTOR)

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
    # PPRRVU25_JAN1 row 27447: work 19.60, facility PE 15.30, MP 3.98; GPCI2025 CA-18 (01182, LOS
    # ANGELES-LONG BEACH-ANAHEIM): 1.042, 1.194, 0.690 -> 1,340.36 (tests/udfs/test_medicare.py)
    "OON_MEDICARE": (19.60 * 1.042 + 15.30 * 1.194 + 3.98 * 0.690) * CF25,
    "OON_LOCALITY": "CA-18",  # GPCI2025: MAC 01182, state CA, locality 18
    "OON_MEDICARE_CLAIM": 38.88
    * CF25,  # a one-line claim: 27447's national facility amount, 19.60+15.30+3.98 RVUs
    # 7 base units + 99 minutes / 15 = 6.6 time units; CY2025 national anesthesia CF 20.3178 (CY2025 PFS final rule)
    "OON_ANESTHESIA": 13.6 * 20.3178,
    "OON_LIMITING_CHARGE": 1257.63 * 1.0925,  # SSA 1848(g)(2)(C): 115% of the 95% non-par amount
    # Mon 2026-06-01 is business day 1; Fri 06-19 (Juneteenth) and Fri 07-03 (July 4 observed) are not
    # business days: June 1-5 (5), 8-12 (10), 15-18 (14), 22-26 (19), 29-30 (21), July 1-2 (23), 6-10 (28),
    # 13 (29), 14 (30)
    "OON_DEADLINE": dt.date(2026, 7, 14),
    "OON_WORKDAY": dt.date(2026, 7, 6),  # Thu 07-02 + 1 business day: Fri 07-03 is July 4 observed
    "OON_NETWORKDAYS": 4.0,  # Mon 11-23 to Fri 11-27 2026 less Thanksgiving (Thu 11-26)
    "OON_BUSINESS_DAYS_LEFT": 9.0,  # July 1, 2, 6, 7, 8, 9, 10, 13, 14 of 2026 (July 3 observed holiday)
}


def same(actual, expected):
    if isinstance(expected, (dt.date, str)):
        return actual == expected and type(actual) is type(expected)
    return actual == pytest.approx(expected)


def test_every_public_function_has_a_case():
    assert set(VALID) == {n for n in dir(F) if n.startswith("OON_")}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_call(name):
    kwargs, _ = VALID[name]
    out = getattr(F, name)(**kwargs)
    assert out.shape == (1, 1)
    assert same(out[0, 0], EXPECTED[name]), out[0, 0]


SPOILERS = [
    (None, "is empty"),
    (np.nan, "is empty"),
    ("", "is empty"),
    ("abc", "must be "),
    ("#DIV/0!", "is an error value (#DIV/0!)"),
    ("#N/A", "is an error value (#N/A)"),
]


@pytest.mark.parametrize("name", sorted(n for n, (_, arg) in VALID.items() if arg))
@pytest.mark.parametrize(("bad", "message"), SPOILERS, ids=["none", "nan", "blank", "text", "div0", "na"])
def test_bad_cell_answers_with_a_message_naming_function_and_argument(name, bad, message):
    kwargs, arg = VALID[name]
    spoiled = dict(kwargs)
    spoiled[arg] = np.array([[kwargs[arg][0, 0]], [bad]], dtype=object)
    out = getattr(F, name)(**spoiled)
    assert out.shape == (2, 1)
    assert same(out[0, 0], EXPECTED[name])  # the good row is untouched
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


def test_claim_id_applies_the_deductible_and_cap_once_per_claim():
    """Two lines of claim A, 1,400 allowed each, 500 deductible left, 20%, 600 out of pocket left: the claim's
    share is min(500 + 0.2 x 2,300, 600) = 600, 300 a line; claim B's line alone: 500 + 0.2 x 500 = 600.
    A bad row is its own message and is left out of its claim."""
    args = (col(1400.0, 1400.0, 1000.0, -5.0), cell(500.0), cell(0.2), None, cell(600.0))
    ids = col("A", "A", "B", "A")
    out = F.OON_PATIENT_SHARE(*args, claim_id=ids)
    assert out[:3, 0].tolist() == [300.0, 300.0, 600.0]
    assert out[3, 0] == "OON_PATIENT_SHARE: allowed must be at least 0, got -5"
    plan = F.OON_PLAN_PAYMENT(*args, claim_id=ids)
    assert plan[:3, 0].tolist() == [1100.0, 1100.0, 400.0]
    per_line = F.OON_PATIENT_SHARE(*args)  # without claim ids each line is a claim of its own
    assert per_line[:3, 0].tolist() == [600.0, 600.0, 600.0]
    blank = F.OON_PATIENT_SHARE(col(100.0, 200.0), claim_id=col("A", None))
    assert blank[1, 0].startswith("OON_PATIENT_SHARE: claim_id")


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
