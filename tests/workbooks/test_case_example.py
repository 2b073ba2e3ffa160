"""The worked example (templates/cases/example.yaml) recomputed by hand, figure by figure, with the source of every
input; the workbook's formulas are tied to the same figures by the LibreOffice parity test (test_case_parity)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs.money import round_cents
from workbooks.case_expected import expected
from workbooks.case_file import read_case

# CMS PPRRVU25_JAN1 (work RVU, facility PE RVU, MP RVU), GPCI2025 locality CA-18 Los Angeles (work 1.042,
# PE 1.194, MP 0.690), CY2025 conversion factor $32.3465 (templates/fees/pfs/2025, conversion_factors.yaml).
GPCI, CF = (1.042, 1.194, 0.690), 32.3465
RVU = {
    "21196": (20.83, 19.94, 2.13),
    "21141": (19.57, 18.50, 1.99),
    "21121": (7.81, 7.62, 0.74),
    "30140": (3.00, 1.93, 0.44),
}
# Claim rules (Medicare Claims Processing Manual ch. 12 s. 40.6-40.7; MULT PROC 2, BILAT SURG 1 in the RVU file):
# 21196 ranks first (100%), 21141 second, 21121 third and 30140-50 fourth (50% each); 30140-50 is bilateral (150%).
FACTOR = {"21196": 1.0, "21141": 0.5, "21121": 0.5, "30140": 1.5 * 0.5}
QPA = {"21196": 1854, "21141": 865, "21121": 350, "30140": 170}  # example.yaml (122% of Medicare, rounded)


def fs(code: str) -> float:
    w, pe, mp = RVU[code]
    return (w * GPCI[0] + pe * GPCI[1] + mp * GPCI[2]) * CF


MEDICARE = {c: fs(c) * FACTOR[c] for c in RVU}
MEDICARE_TOTAL = sum(MEDICARE.values())  # 1519.73 + 709.26 + 287.03 + 139.11 = 2655.13


@pytest.fixture(scope="module")
def example():
    case = read_case()
    return case, expected(case)


def cents(x: float) -> float:
    return round_cents(x)


def test_medicare_per_line_by_hand(example):
    case, e = example
    for i, line in enumerate(case.lines, start=1):
        assert cents(line.medicare_unit) == cents(fs(line.hcpcs))
        assert line.medicare_factor == pytest.approx(FACTOR[line.hcpcs], rel=1e-12)
        assert cents(e[f"line.{i}.medicare"]) == cents(MEDICARE[line.hcpcs])
    assert [cents(MEDICARE[c]) for c in RVU] == [1519.73, 709.26, 287.03, 139.11]
    assert cents(e["total.medicare"]) == cents(MEDICARE_TOTAL) == 2655.13


def test_pre_service_estimate_by_hand(example):
    _, e = example
    # Summit Health: 140% of Medicare, lesser of billed (templates/payers/summit-health.yaml); no line is capped.
    allowed = 1.4 * MEDICARE_TOTAL
    assert cents(e["est.allowed"]) == cents(allowed) == 3717.18
    # Percent of billed at the default 29% (defaults.yaml): 0.29 x 33,900 billed.
    assert cents(e["method.Percent of billed.allowed"]) == cents(0.29 * 33_900) == 9831.0
    # NSA: cost sharing on the recognized amount, the lesser of QPA and billed per line (45 CFR 149.140(a)(15)).
    recognized = sum(QPA.values())
    assert e["est.basis"] == recognized == 3239
    # Deductible $1,000 first, then 20% coinsurance on the rest, capped by the $3,500 out-of-pocket remainder.
    patient = min(1000 + 0.2 * (recognized - 1000), 3500)
    assert cents(e["est.patient"]) == cents(patient) == 1447.80
    assert cents(e["est.plan_expected"]) == cents(allowed - patient) == 2269.38
    assert e["est.balance"] == 0.0  # NSA forbids a balance bill (45 CFR 149.410)
    assert cents(e["est.deposit"]) == 1447.80  # 100% of the patient's estimate, no balance bill to add
    assert e["est.exposure"].startswith("None: the No Surprises Act")


def test_escalation_path_by_hand(example):
    _, e = example
    allowed = 1.4 * MEDICARE_TOTAL
    target = 3.7 * MEDICARE_TOTAL  # Brookings 3.7x Medicare; every line's target is below its billed charge
    gap = target - allowed  # received = plan payment + patient responsibility = the allowed amount
    assert cents(e["esc.gap"]) == cents(gap) == 6106.79
    # Open negotiation: p .25, share .5, cost $100, 42 days (stages.yaml); then IDR: p .8 (the win probability),
    # share 1 (the offer, 3.5 x QPA = 11,336.50, exceeds received + gap), cost = $115 admin fee + (1 - .8) x the
    # $720.50 entity fee (middle of the $268-$1,173 batched range, 88 FR 88494), 90 days. 8% a year, days/365.
    v = lambda days: 1.08 ** (-days / 365)  # noqa: E731
    idr_cost = 115 + 0.2 * 720.5
    stage1 = 0.25 * 0.5 * gap * v(42) - 100
    stage2 = 0.75 * (0.8 * gap * v(132) - idr_cost * v(42))
    assert cents(e["path.4.npv"]) == cents(stage1) == 656.62
    assert cents(e["path.5.npv"]) == cents(stage1 + stage2) == 4027.51
    assert e["best.stop"] == 5 and e["best.label"] == "Through IDR"
    assert cents(e["best.recovery"]) == cents(0.125 * gap + 0.75 * 0.8 * gap) == 4427.42
    assert cents(e["best.cost"]) == cents(100 + 0.75 * idr_cost) == 294.33
    # Expected days to cash, weighted by the chance of each recovery: (.125 x 42 + .6 x 132) / .725 = 116.48 days.
    assert e["best.months"] == pytest.approx((0.125 * 42 + 0.6 * 132) / 0.725 * 12 / 365, rel=1e-12)
    # The payer stages are listed but out of the path: their stopping points equal accepting (0).
    assert [e[f"path.{m}.npv"] for m in range(4)] == [0.0, 0.0, 0.0, 0.0]


def test_idr_decision_by_hand(example):
    case, e = example
    # Dispute start: payment 30 days after 2025-10-06 (2025-11-05, business day 1), IDR from business day 31:
    # 2025-12-19 (Veterans Day 11-11 and Thanksgiving 11-27 skipped). Admin fee $115 until 2026-06-10.
    assert case.idr_date == dt.date(2025, 12, 19)
    assert e["idr.admin_fee"] == 115.0
    assert (e["idr.entity_low"], e["idr.entity_high"]) == (268.0, 1173.0)  # 4 line items: a batched dispute
    a, b, x, w = 3.5 * 3239, 1.05 * 3239, 1.4 * MEDICARE_TOTAL, 0.8
    gain = w * (a - x) + (1 - w) * (b - x) - 115 - (1 - w) * 720.5
    assert cents(e["idr.gain"]) == cents(gain) == 5773.11
    break_even = (115 + 720.5 - (b - x)) / ((a - b) + 720.5)
    assert e["idr.break_even"] == pytest.approx(break_even, rel=1e-12)
    assert round(break_even, 4) == 0.1331
    # Batching the case with 21 more items (25 in all): the case bears 4/25 of the fees.
    assert case.batch_sizes[2] == 25
    assert cents(e["batch.3.gain"]) == cents(
        w * (a - x) + (1 - w) * (b - x) - 115 * 4 / 25 - 0.2 * 720.5 * 4 / 25
    )
    # 26 items enter the next $75-$250 tier: 343-1,423.
    assert (e["batch.4.low"], e["batch.4.high"]) == (343.0, 1423.0)


@settings(max_examples=40, deadline=None)
@given(
    offer=st.floats(0, 20_000),
    rate=st.floats(0, 0.5),
    win=st.floats(0, 1),
    oop=st.floats(0, 5_000),
)
def test_invariants(example, offer, rate, win, oop):
    """The best stopping point has the highest NPV and is never worse than accepting the offer; the patient never
    pays more than the out-of-pocket remainder; the gap is never negative."""
    import dataclasses

    case = dataclasses.replace(example[0], offer=offer, discount_rate=rate, idr_win=win, oop_remaining=oop)
    e = expected(case)
    npvs = [e[f"path.{m}.npv"] for m in range(len(case.stages) + 1)]
    assert e["best.npv"] == max(npvs) >= offer
    assert e["est.patient"] <= oop + 1e-9
    assert e["esc.gap"] >= 0
