"""The ``OON_*`` Excel functions: xlwings user-defined functions over ``udfs``.

Each function takes whole ranges (a column of 100,000 claim lines is one call), reads them through
``addin.convert`` and returns a column of the same height. A row that cannot be computed shows a short message
naming the function and the argument. No math lives here: every function converts its cells and calls ``udfs``.

Percentages are fractions, as Excel stores them: a cell showing 140% holds 1.4.

The Medicare fee schedule functions live in ``addin.fn_medicare`` and the deadline and business-day functions
in ``addin.fn_deadlines``; they are imported here because xlwings registers the functions it finds (by
``dir``) in the one module named in ``UDF Modules``: ``addin.functions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from udfs import allowed, charges, gap, idr, share, value
from udfs.errors import FileError

from .convert import Column, date, flag, number, rows_of, run, stage_rows, text
from .fn_deadlines import (
    OON_BUSINESS_DAYS_LEFT,
    OON_DEADLINE,
    OON_NETWORKDAYS,
    OON_WORKDAY,
)
from .fn_medicare import (
    OON_ANESTHESIA,
    OON_LIMITING_CHARGE,
    OON_LOCALITY,
    OON_MEDICARE,
    OON_MEDICARE_CLAIM,
)
from .register import CATEGORY, RANGE_OPTIONS, Cells, excel_function

__all__ = [
    "CATEGORY",
    "OON_ALLOWED",
    "OON_ANESTHESIA",
    "OON_BALANCE_BILL",
    "OON_BEST_STOP",
    "OON_BUSINESS_DAYS_LEFT",
    "OON_CASE_NPV",
    "OON_CHARGE_PCTL",
    "OON_DEADLINE",
    "OON_GAP",
    "OON_IDR_ADMIN_FEE",
    "OON_IDR_BREAKEVEN",
    "OON_IDR_GAIN",
    "OON_LIMITING_CHARGE",
    "OON_LOCALITY",
    "OON_MEDICARE",
    "OON_MEDICARE_CLAIM",
    "OON_NETWORKDAYS",
    "OON_PAID_PCT",
    "OON_PATIENT_SHARE",
    "OON_PLAN_PAYMENT",
    "OON_UNDERPAID",
    "OON_WORKDAY",
    "RANGE_OPTIONS",
    "excel_function",
]

_FRACTION_HINT = " (a fraction: 20% is 0.2)"
_METHOD_ALIASES = [a for aliases in allowed.METHODS.values() for a in aliases]
_BASIS_MISSING = np.array(
    [
        f"{m} needs {b}, which is empty"
        for m, b in zip(allowed.METHODS, ["medicare", "benchmark", "billed", "rate"], strict=True)
    ],
    dtype=object,
)


# --- allowed amount ---------------------------------------------------------------------------------------
@excel_function(
    method="Payer method: Percent of Medicare, Charge percentile, Percent of billed or Flat rate.",
    billed="Billed charges of each line.",
    medicare="Medicare amount of each line (for Percent of Medicare); see OON_MEDICARE.",
    factor="Multiplier: 140% of Medicare is 1.4 (or 140%), 35% of billed is 0.35; default 1.",
    benchmark="Charge benchmark at the payer's percentile (for Charge percentile); see OON_CHARGE_PCTL.",
    rate="Agreed flat rate (single case agreement or gap exception).",
    lesser_of="TRUE to pay the lesser of billed and the computed amount (default TRUE).",
)
def OON_ALLOWED(
    method, billed, medicare=None, factor=None, benchmark=None, rate=None, lesser_of=None
) -> Cells:
    """Expected allowed amount under the payer's out-of-network method: percent of Medicare, charge percentile, percent of billed or flat rate, with the lesser-of-billed rule."""
    fn = "OON_ALLOWED"
    cols = [
        text(fn, "method", method, choices=list(allowed.METHODS), aliases=_METHOD_ALIASES),
        number(fn, "billed", billed, low=0),
        number(fn, "medicare", medicare, default=None, low=0),
        number(fn, "factor", factor, default=1.0, low=0),
        number(fn, "benchmark", benchmark, default=None, low=0),
        number(fn, "rate", rate, default=None, low=0),
        flag(fn, "lesser_of", lesser_of, default=True),
    ]

    def compute(m, b, med, f, bench, r, lesser):
        m = np.where(m == "", "Flat rate", m)  # rows with a problem carry '' here
        result = allowed.allowed_amount(m, b, med, f, bench, r, lesser)
        return result, _BASIS_MISSING[allowed.method_code(m)]

    return run(fn, cols, compute)


@excel_function(
    code="Procedure code of each line (as in the benchmark table).",
    percentile="Percentile on the 0-100 scale: 80 for the 80th.",
    benchmark_table="The benchmark table with headers: code, optional geo and modifier, and columns p50, p75, p80...",
    geo="Geography of each line as in the table's geo column (optional).",
)
def OON_CHARGE_PCTL(code, percentile, benchmark_table, geo=None) -> Cells:
    """Charge at a percentile of a charge benchmark table you supply, interpolated between published percentiles; never extrapolated."""
    fn = "OON_CHARGE_PCTL"
    table = np.asarray(benchmark_table, dtype=object)
    try:
        frame = pd.DataFrame(table[1:], columns=[str(h) for h in table[0]])
        bench = charges.ChargeBenchmark.from_frame(frame, source="benchmark_table")
    except FileError as exc:
        return np.array([[f"{fn}: {exc.problems[0]}"]], dtype=object)
    except (IndexError, ValueError):
        return np.array([[f"{fn}: benchmark_table must be a range with a header row"]], dtype=object)
    cols = [text(fn, "code", code), number(fn, "percentile", percentile), text(fn, "geo", geo, default="")]
    return run(fn, cols, lambda c, p, g: bench.amount(c, p, g))


# --- patient share ----------------------------------------------------------------------------------------
_SHARE_DOCS = dict(
    allowed="Allowed amount (out-of-network rate) of each line.",
    deductible_remaining="Deductible the patient has yet to meet (default 0).",
    coinsurance="Coinsurance after the deductible, e.g. 30% (default 0).",
    copay="Fixed copay (default 0).",
    oop_remaining="Out-of-pocket maximum left this year (default: no limit).",
    nsa="TRUE where the No Surprises Act protects the line (cost share on the lesser of QPA and billed).",
    qpa="Qualifying payment amount (needed where nsa is TRUE).",
    billed="Billed charges (for the NSA recognized amount).",
    claim_id="Claim of each line (optional): the deductible, copay and out-of-pocket cap then apply once per claim, shared among its lines in proportion to their amounts.",
)


def _share_columns(fn: str, args: tuple[Any, ...]) -> list[Column]:
    a, ded, coins, cop, oop, nsa, qpa, billed, claim = args
    columns = [
        number(fn, "allowed", a, low=0),
        number(fn, "deductible_remaining", ded, default=0.0, low=0),
        number(fn, "coinsurance", coins, default=0.0, low=0, high=1, hint=_FRACTION_HINT),
        number(fn, "copay", cop, default=0.0, low=0),
        number(fn, "oop_remaining", oop, default=np.inf, low=0),
        flag(fn, "nsa", nsa, default=False),
        number(fn, "qpa", qpa, default=None, low=0),
        number(fn, "billed", billed, default=None, low=0),
    ]
    if claim is not None:
        columns.append(text(fn, "claim_id", claim))
    return columns


def _share(part: str) -> Callable[..., Any]:
    def compute(*values):
        if len(values) == 9:  # with claim ids: the claim's share, spread over its lines
            shape = np.shape(values[0])
            flat = [np.broadcast_to(v, shape).reshape(-1) for v in values]
            s = share.claim_cost_share(flat[8], *flat[:8])
            result = getattr(s, part).reshape(shape)
        else:
            result = getattr(share.cost_share(*values), part)
        return result, np.where(values[5], "nsa is TRUE but qpa is empty", "no answer for these inputs")

    return compute


@excel_function(**_SHARE_DOCS)
def OON_PATIENT_SHARE(
    allowed,
    deductible_remaining=None,
    coinsurance=None,
    copay=None,
    oop_remaining=None,
    nsa=None,
    qpa=None,
    billed=None,
    claim_id=None,
) -> Cells:
    """Patient cost share of each line: deductible, then copay, then coinsurance, capped by the out-of-pocket remainder; under NSA computed on the lesser of QPA and billed. With claim_id, once per claim."""
    args = (allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed, claim_id)
    return run("OON_PATIENT_SHARE", _share_columns("OON_PATIENT_SHARE", args), _share("patient"))


@excel_function(**_SHARE_DOCS)
def OON_PLAN_PAYMENT(
    allowed,
    deductible_remaining=None,
    coinsurance=None,
    copay=None,
    oop_remaining=None,
    nsa=None,
    qpa=None,
    billed=None,
    claim_id=None,
) -> Cells:
    """Expected plan payment of each line: the allowed amount minus the patient cost share (see OON_PATIENT_SHARE)."""
    args = (allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed, claim_id)
    return run("OON_PLAN_PAYMENT", _share_columns("OON_PLAN_PAYMENT", args), _share("plan_paid"))


@excel_function(
    billed="Billed charges of each line.",
    allowed="Allowed amount of each line.",
    nsa="TRUE where the No Surprises Act protects the line (no balance bill).",
    allowed_by_law="FALSE where state law or an agreement forbids balance billing (default TRUE).",
)
def OON_BALANCE_BILL(billed, allowed, nsa=None, allowed_by_law=None) -> Cells:
    """Amount the provider may bill the patient beyond cost sharing: billed minus allowed; 0 under NSA or where the law forbids it."""
    fn = "OON_BALANCE_BILL"
    cols = [
        number(fn, "billed", billed, low=0),
        number(fn, "allowed", allowed, low=0),
        flag(fn, "nsa", nsa, default=False),
        flag(fn, "allowed_by_law", allowed_by_law, default=True),
    ]
    return run(fn, cols, share.balance_bill)


# --- gap --------------------------------------------------------------------------------------------------
_GAP_DOCS = dict(
    target="Defensible total allowed amount of each line (e.g. 140% of Medicare).",
    plan_paid="What the plan has paid so far.",
    patient_paid="Patient responsibility for the line (default 0).",
)


@excel_function(**_GAP_DOCS)
def OON_GAP(target, plan_paid, patient_paid=None) -> Cells:
    """Amount still to recover: target minus plan payment minus patient responsibility, never below 0."""
    fn = "OON_GAP"
    cols = [
        number(fn, "target", target, low=0),
        number(fn, "plan_paid", plan_paid),
        number(fn, "patient_paid", patient_paid, default=0.0),
    ]
    return run(fn, cols, gap.recovery_gap)


@excel_function(
    **_GAP_DOCS,
    tolerance="Gap in dollars not worth pursuing (default 0).",
    tolerance_pct="Gap as a share of the target not worth pursuing, e.g. 5% (default 0).",
)
def OON_UNDERPAID(target, plan_paid, patient_paid=None, tolerance=None, tolerance_pct=None) -> Cells:
    """TRUE where a line's gap exceeds the larger of the dollar tolerance and the percentage tolerance of the target."""
    fn = "OON_UNDERPAID"
    cols = [
        number(fn, "target", target, low=0),
        number(fn, "plan_paid", plan_paid),
        number(fn, "patient_paid", patient_paid, default=0.0),
        number(fn, "tolerance", tolerance, default=0.0, low=0),
        number(fn, "tolerance_pct", tolerance_pct, default=0.0, low=0, high=1, hint=_FRACTION_HINT),
    ]
    return run(fn, cols, gap.underpaid)


@excel_function(
    paid="Amount paid (plan payment, or plan plus patient).",
    basis="Amount to compare with: billed charges, or the Medicare amount.",
)
def OON_PAID_PCT(paid, basis) -> Cells:
    """Paid as a fraction of a basis (billed charges or Medicare); format the cells as %."""
    fn = "OON_PAID_PCT"
    cols = [number(fn, "paid", paid), number(fn, "basis", basis)]
    return run(fn, cols, lambda p, b: (gap.paid_ratio(p, b), "basis must be above 0"))


# --- case value -------------------------------------------------------------------------------------------
_PATH_DOCS = dict(
    gap="Amount still to recover for each case.",
    probabilities="Probability of success of each stage: one row per case (or one row for all), one column per stage.",
    shares="Share of the gap recovered when the stage succeeds (1 = all), same layout as probabilities.",
    costs="Cost of each stage, paid when it starts; same layout.",
    days="Duration of each stage in days; its recovery arrives at its end; same layout.",
    rate="Annual discount rate, e.g. 8%.",
    fee_rate="Contingency fee on recoveries, e.g. 25% (default 0).",
)


def _path(fn: str, args: tuple[Any, ...], offer: Any = None) -> tuple[list[Column], Callable[..., Any]]:
    g, p, s, c, d, r, f = args
    stage_cols = [
        number(fn, "probabilities", p, low=0, high=1, hint=_FRACTION_HINT),
        number(fn, "shares", s, low=0, high=1, hint=_FRACTION_HINT),
        number(fn, "costs", c, low=0),
        number(fn, "days", d, low=0),
    ]
    widths = {col.values.shape[1] for col in stage_cols}
    if len(widths) != 1:
        raise ValueError(
            f"{fn}: probabilities, shares, costs and days must have the same number of stage columns"
        )
    indexed = [stage_rows(col) for col in stage_cols]
    cols = [
        number(fn, "gap", g, low=0),
        number(fn, "rate", r, low=-0.99),
        number(fn, "fee_rate", f, default=0.0, low=0, high=1, hint=_FRACTION_HINT),
        number(fn, "offer", offer, default=0.0, low=0),
        *(ix for ix, _ in indexed),
    ]
    stages = [m for _, m in indexed]

    def evaluate(gv, rv, fv, ov, *idx):
        picked = [np.where(np.isnan(np.asarray(m, dtype=float)), 0.0, m) for m in stages]
        rows = [rows_of(m.astype(float), i) for m, i in zip(picked, idx, strict=True)]
        return value.escalation_value(gv[..., 0], *rows, rv[..., 0], fv[..., 0], ov[..., 0])

    return cols, evaluate


@excel_function(**_PATH_DOCS)
def OON_CASE_NPV(gap, probabilities, shares, costs, days, rate, fee_rate=None) -> Cells:
    """Net present value of pursuing every stage of an escalation path: expected recoveries net of fees, minus expected costs, discounted by days/365 as XNPV does."""
    fn = "OON_CASE_NPV"
    try:
        cols, evaluate = _path(fn, (gap, probabilities, shares, costs, days, rate, fee_rate))
    except ValueError as exc:
        return np.array([[str(exc)]], dtype=object)
    return run(fn, cols, lambda *v: evaluate(*v).npv[..., -1][..., None])


@excel_function(**_PATH_DOCS, offer="Amount the payer offers now to close the claim (default 0).")
def OON_BEST_STOP(gap, probabilities, shares, costs, days, rate, fee_rate=None, offer=None) -> Cells:
    """Number of stages worth pursuing (0 = accept the payment or offer): the stopping point with the highest expected NPV."""
    fn = "OON_BEST_STOP"
    try:
        cols, evaluate = _path(fn, (gap, probabilities, shares, costs, days, rate, fee_rate), offer)
    except ValueError as exc:
        return np.array([[str(exc)]], dtype=object)
    return run(fn, cols, lambda *v: evaluate(*v).best_stop.astype(float)[..., None])


# --- IDR --------------------------------------------------------------------------------------------------
_IDR_DOCS = dict(
    provider_offer="Your offer: the total out-of-network payment asked for the item.",
    payer_offer="The payer's offer, or the QPA when unknown.",
    paid="Total the payer has already paid for the item.",
    admin_fee="Administrative fee per party per dispute; see OON_IDR_ADMIN_FEE.",
    entity_fee="Certified IDR entity fee per dispute ($200-$840 single, $268-$1,173 batched).",
    batch_size="Number of items in the batched dispute sharing the fees (default 1).",
    refund="TRUE: the prevailing party's entity fee is refunded (the rule; default TRUE).",
)


def _idr_columns(fn: str, a, b, paid, fa, fe, n, refund) -> list[Column]:
    return [
        number(fn, "provider_offer", a, low=0),
        number(fn, "payer_offer", b, low=0),
        number(fn, "paid", paid, low=0),
        number(fn, "admin_fee", fa, low=0),
        number(fn, "entity_fee", fe, low=0),
        number(fn, "batch_size", n, default=1.0, low=1),
        flag(fn, "refund", refund, default=True),
    ]


@excel_function(**_IDR_DOCS, win_probability="Probability that the entity picks your offer, e.g. 80%.")
def OON_IDR_GAIN(
    provider_offer, payer_offer, paid, win_probability, admin_fee, entity_fee, batch_size=None, refund=None
) -> Cells:
    """Expected net gain of taking an item to IDR instead of keeping what was paid, after its share of the fees."""
    fn = "OON_IDR_GAIN"
    cols = _idr_columns(fn, provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size, refund)
    cols.insert(3, number(fn, "win_probability", win_probability, low=0, high=1, hint=_FRACTION_HINT))

    def compute(a, b, p, w, fa, fe, n, rf):
        return idr.idr_expected_gain(a, b, p, w, fa, fe, n, rf)

    return run(fn, cols, compute)


@excel_function(**_IDR_DOCS)
def OON_IDR_BREAKEVEN(
    provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size=None, refund=None
) -> Cells:
    """Win probability at which IDR breaks even; above 100% it never pays off, at or below 0% it pays even when you lose."""
    fn = "OON_IDR_BREAKEVEN"
    cols = _idr_columns(fn, provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size, refund)
    return run(
        fn, cols, lambda *v: (idr.idr_break_even(*v), "the gain does not depend on the win probability")
    )


@excel_function(dispute_date="Date the IDR dispute was (or will be) initiated.")
def OON_IDR_ADMIN_FEE(dispute_date) -> Cells:
    """Federal IDR administrative fee per party for a dispute started on the date: $115 from 2024-01-22, $15 from 2026-06-11."""
    fn = "OON_IDR_ADMIN_FEE"
    return run(fn, [date(fn, "dispute_date", dispute_date)], idr.admin_fee)
