"""What every formula of a payer workbook computes, computed in Python with ``udfs``.

The workbook's formulas and these functions are two implementations of the same rules; the parity tests
recalculate generated workbooks in LibreOffice and compare the two row by row, to the cent. The portfolio also
uses these values (it links payers by value, not by external reference).

Blank results (Excel's ``""``) are NaN for numbers, NaT for dates and '' for text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from udfs import allowed, calendar, gap, share
from udfs.deadlines import deadline, window_start
from udfs.payers import PayerProfile

from . import stages
from .analytics import AGING, RECOVERY_MONTHS
from .assumptions import payer_assumptions
from .layout import load_layout


@dataclass
class Expected:
    claims: pd.DataFrame
    log: pd.DataFrame
    deadlines: pd.DataFrame
    overall: dict[str, float]
    by_stage: pd.DataFrame
    dashboard: dict[str, pd.DataFrame]


def _num(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)


def _dates(s: pd.Series) -> np.ndarray:
    return pd.to_datetime(s).to_numpy(dtype="datetime64[D]")


def assumptions_of(profile: PayerProfile, as_of: dt.date) -> dict[str, Any]:
    return {a.name: a.value for a in payer_assumptions(profile, as_of)}


def log_columns(log: pd.DataFrame, profile: PayerProfile, a: dict[str, Any]) -> pd.DataFrame:
    """Next action due, response days and the latest entry per claim."""
    out = log.copy().reset_index(drop=True)
    n = len(out)
    due = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    dates = _dates(out["date"]) if n else np.array([], dtype="datetime64[D]")
    for stage in stages.stage_table():
        if stage.rule is None:
            continue
        rows = (out["stage"] == stage.label).to_numpy() & ~np.isnat(dates)
        if rows.any():
            count, name = stages.stage_days(stage, profile)
            days = a[name] if name else count
            due[rows] = deadline(stage.rule, dates[rows], days=days)
    out["next_action_due"] = due
    if n:
        delta = _dates(out["response_date"]) - dates
        out["response_days"] = np.where(
            np.isnat(delta), np.nan, delta.astype("timedelta64[D]").astype(np.int64)
        )
    else:
        out["response_days"] = np.array([], dtype=float)
    out["seq"] = np.arange(n) + 2  # =ROW()-1 with the header on row 1
    latest = np.zeros(n, dtype=bool)
    if n:
        order = out.assign(_d=dates).sort_values(["claim_id", "_d", "seq"])
        last = order.groupby("claim_id").tail(1).index
        latest[last] = True
        latest &= ~np.isnat(dates) & (out["claim_id"] != "").to_numpy()
    out["latest"] = latest
    return out


def claims_columns(
    claims: pd.DataFrame, log: pd.DataFrame, profile: PayerProfile, a: dict[str, Any]
) -> pd.DataFrame:
    c = claims.copy().reset_index(drop=True)
    billed, medicare, bench = _num(c["billed"]), _num(c["medicare"]), _num(c["benchmark_rate"])
    sca = _num(c["sca_rate"])
    has_sca = ~np.isnan(sca)
    method = np.where(has_sca, "Flat rate", a["Method"])
    factor = np.where(has_sca, 1.0, float(a["Factor"]))
    c["expected_allowed"] = allowed.allowed_amount(
        method, billed, medicare, factor, bench, sca, bool(a["LesserOf"])
    )
    nsa = c["nsa"].map(lambda v: v is True or v == "Y").to_numpy(dtype=bool)
    s = share.claim_cost_share(
        c["claim_id"].to_numpy(dtype=object),
        c["expected_allowed"].to_numpy(dtype=float),
        np.nan_to_num(_num(c["deductible_remaining"])),
        np.nan_to_num(_num(c["coinsurance"])),
        np.nan_to_num(_num(c["copay"])),
        np.where(np.isnan(_num(c["oop_remaining"])), np.inf, _num(c["oop_remaining"])),
        nsa,
        _num(c["qpa"]),
        billed,
    )
    # a line without an expected allowed amount has no share nor plan payment (NaN from claim_cost_share)
    c["expected_patient_share"] = s.patient
    c["expected_plan_payment"] = s.plan_paid
    blank = np.isnan(c["expected_allowed"].to_numpy(dtype=float))
    paid_by_claim = (
        log.groupby("claim_id")["amount_paid"].apply(lambda x: np.nansum(_num(x)))
        if len(log)
        else pd.Series(dtype=float)
    )
    billed_by_claim = c.groupby("claim_id")["billed"].transform("sum").to_numpy(dtype=float)
    logged = c["claim_id"].map(paid_by_claim).fillna(0.0).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        recovered = np.where(billed_by_claim != 0, logged * billed / billed_by_claim, 0.0)
    c["recovered"] = recovered
    c["total_paid"] = np.nan_to_num(_num(c["initial_paid"])) + recovered
    # Medicare Advantage: what original Medicare pays is owed (42 CFR 422.214(a)(1)), the target whatever the method
    is_ma = (c["plan_type"] == "Medicare Advantage").to_numpy()
    tmethod = np.where(has_sca, "Flat rate", np.where(is_ma, "Percent of Medicare", a["TargetMethod"]))
    tfactor = np.where(has_sca | is_ma, 1.0, float(a["TargetFactor"]))
    by_target = allowed.allowed_amount(tmethod, billed, medicare, tfactor, bench, sca, False)
    # never below what the payer's own method allows (np.fmax ignores a NaN side; both NaN stay NaN), never
    # above billed
    higher = np.fmax(by_target, c["expected_allowed"].to_numpy(dtype=float))
    c["target"] = np.minimum(higher, billed)
    patient_paid = np.nan_to_num(_num(c["patient_paid"]))
    closed = (c["status"] == "Closed").to_numpy()
    c["gap"] = np.where(
        closed,
        np.nan,
        gap.recovery_gap(
            c["target"].to_numpy(dtype=float), c["total_paid"].to_numpy(dtype=float), patient_paid
        ),
    )
    under = gap.underpaid(
        c["expected_allowed"].to_numpy(dtype=float),
        c["total_paid"].to_numpy(dtype=float),
        patient_paid,
        float(a["Tolerance"]),
        float(a["TolerancePct"]),
    )
    c["underpaid"] = pd.Series(np.asarray(under, dtype=object)).where(~blank, None)
    c["paid_of_billed"] = gap.paid_ratio(c["total_paid"].to_numpy(dtype=float), billed)
    c["paid_of_medicare"] = gap.paid_ratio(c["total_paid"].to_numpy(dtype=float), medicare)
    as_of = np.datetime64(a["AsOfDate"], "D")
    open_ = (c["status"] != "Closed").to_numpy()
    age = np.asarray(as_of - _dates(c["date_of_service"]), dtype="timedelta64[D]").astype(float)
    c["days_outstanding"] = np.where(open_, age, np.nan)
    latest = log[log["latest"]].set_index("claim_id")["stage"] if len(log) else pd.Series(dtype=object)
    default = np.where(
        c["status"] == "Closed",
        "Settled / closed",
        np.where(c["payment_date"].isna(), "Initial claim", "Payment review"),
    )
    c["current_stage"] = [latest.get(cid, d) for cid, d in zip(c["claim_id"], default, strict=True)]
    return c


def deadline_columns(
    claims: pd.DataFrame, log: pd.DataFrame, profile: PayerProfile, a: dict[str, Any]
) -> pd.DataFrame:
    first = claims.drop_duplicates("claim_id", keep="first").reset_index(drop=True)
    d = pd.DataFrame({"claim_id": first["claim_id"]})
    d["plan_type"] = first["plan_type"].to_numpy()
    nsa = first["nsa"]
    d["nsa"] = nsa.map(
        lambda v: "Y" if v is True or v == "Y" else "N" if v is False or v == "N" else ""
    ).to_numpy()
    d["status"] = first["status"].to_numpy()
    dos, paid = _dates(first["date_of_service"]), _dates(first["payment_date"])
    d["date_of_service"], d["payment_date"] = dos, paid

    log_dates = _dates(log["date"]) if len(log) else np.array([], dtype="datetime64[D]")

    def latest_date(spec: dict) -> np.ndarray:
        """Latest log date of each claim at spec's stages (and outcome), as the log_date formulas compute."""
        if not len(log):
            return np.full(len(d), np.datetime64("NaT"), dtype="datetime64[D]")
        mask = log["stage"].isin(spec["stages"]).to_numpy() & ~np.isnat(log_dates)
        if spec.get("outcome"):
            mask &= (log["outcome"] == spec["outcome"]).to_numpy()
        m = pd.Series(log_dates[mask]).groupby(log["claim_id"].to_numpy()[mask]).max()
        return np.array([m.get(cid, np.datetime64("NaT")) for cid in d["claim_id"]], dtype="datetime64[D]")

    derived = {c.header: latest_date(c.log_date) for c in load_layout()["deadlines"].columns if c.log_date}
    notice, denial = derived["Negotiation notice"], derived["Final internal denial"]
    idr_started, appeal_filed = derived["IDR initiated"], derived["Appeal filed"]
    review = derived["External review requested"]
    for header, values in derived.items():
        d[header.lower().replace(" ", "_")] = values
    nat = np.full(len(d), np.datetime64("NaT"), dtype="datetime64[D]")

    def where(cond: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.where(cond, values, nat)

    is_nsa = d["nsa"].to_numpy() == "Y"
    d["timely_filing"] = where(np.isnat(paid), deadline("timely_filing", dos, days=a["TimelyFilingDays"]))
    d["nsa_open_negotiation"] = where(is_nsa & np.isnat(notice), deadline("nsa_open_negotiation", paid))
    d["idr_initiation"] = where(is_nsa & np.isnat(idr_started), deadline("idr_initiation", notice))
    d["idr_window_opens"] = where(is_nsa & np.isnat(idr_started), window_start("idr_initiation", notice))
    pt = d["plan_type"].to_numpy()
    rule = np.where(
        pt == "ERISA",
        "erisa_internal_appeal",
        np.where(pt == "Medicare Advantage", "ma_reconsideration", "payer_appeal"),
    )
    reconsidered = ~np.isnat(derived["Reconsideration filed"]) & (pt == "Medicare Advantage")
    d["appeal"] = where(
        np.isnat(denial) & np.isnat(appeal_filed) & ~reconsidered,
        deadline(rule, paid, days=np.where(rule == "payer_appeal", a["AppealWindowDays"], np.nan)),
    )
    d["external_review"] = where(np.isnat(review), deadline("external_review", denial))
    latest_due = (
        log[log["latest"]].set_index("claim_id")["next_action_due"]
        if len(log)
        else pd.Series(dtype="datetime64[D]")
    )
    d["next_action_due"] = np.array(
        [latest_due.get(cid, np.datetime64("NaT")) for cid in d["claim_id"]], dtype="datetime64[D]"
    )
    cols = [
        "timely_filing",
        "nsa_open_negotiation",
        "idr_initiation",
        "appeal",
        "external_review",
        "next_action_due",
    ]
    labels = [
        "Timely filing",
        "NSA open negotiation",
        "IDR initiation",
        "Appeal",
        "External review",
        "Next action due",
    ]
    as_of = np.datetime64(a["AsOfDate"], "D")
    # The Next deadline formula: the earliest deadline not before the as-of date, else the latest past one;
    # its label is the first column (left to right) holding that date.
    grid = np.stack([d[col].to_numpy(dtype="datetime64[D]") for col in cols], axis=1)
    present = ~np.isnat(grid)
    days = grid.astype("int64")
    big = np.iinfo(np.int64).max
    future = present & (grid >= as_of)
    earliest_future = np.where(future, days, big).min(axis=1)
    latest = np.where(present, days, -big).max(axis=1)
    chosen = np.where(future.any(axis=1), earliest_future, latest)
    keep = present.any(axis=1) & (d["status"].to_numpy() != "Closed")
    nxt = np.where(keep, chosen, np.iinfo(np.int64).min).astype("datetime64[D]")  # int64 min is NaT
    first_match = np.argmax(present & (days == chosen[:, None]), axis=1)
    d["next_deadline"] = nxt
    d["deadline"] = np.where(keep, np.array(labels, dtype=object)[first_match], "")
    d["business_days_left"] = calendar.networkdays(
        np.full(len(d), as_of), d["next_deadline"].to_numpy(dtype="datetime64[D]")
    )
    return d


def compute(claims: pd.DataFrame, log: pd.DataFrame, profile: PayerProfile, as_of: dt.date) -> Expected:
    """Every computed column and figure of the workbook built from ``claims`` and ``log``."""
    a = assumptions_of(profile, as_of)
    lg = log_columns(log, profile, a)
    c = claims_columns(claims, lg, profile, a)
    dl = deadline_columns(claims, lg, profile, a)
    c["next_deadline"] = c["claim_id"].map(dict(zip(dl["claim_id"], dl["next_deadline"], strict=True)))
    overall, by_stage = _payer_figures(c, lg)
    return Expected(c, lg, dl, overall, by_stage, _dashboard(c, lg, as_of))


def _payer_figures(c: pd.DataFrame, lg: pd.DataFrame) -> tuple[dict[str, float], pd.DataFrame]:
    billed = c["billed"].sum()
    med = c["medicare"].astype(float)
    med_pos = med > 0
    closed = c["status"] == "Closed"
    lists = stages.lists()

    def count(stage: str, outcomes: list[str]) -> int:
        return int(((lg["stage"] == stage) & lg["outcome"].isin(outcomes)).sum()) if len(lg) else 0

    idr_decided = count("IDR", lists["decided_outcomes"])
    overall = {
        "Claim lines": float(len(c)),
        "Billed": billed,
        "Initial payments": c["initial_paid"].fillna(0).sum(),
        "Initial payment as % of billed": c["initial_paid"].fillna(0).sum() / billed if billed else np.nan,
        "Initial payment as % of Medicare": (
            c.loc[med_pos, "initial_paid"].fillna(0).sum() / med[med_pos].sum()
        )
        if med_pos.any()
        else np.nan,
        "Expected allowed (payer's method)": np.nansum(c["expected_allowed"].to_numpy(dtype=float)),
        "Lines underpaid by the payer's own method": float((c["underpaid"] == True).sum()),  # noqa: E712
        "Recovered through escalation": c["recovered"].sum(),
        "Gap to target": np.nansum(c["gap"].to_numpy(dtype=float)),
        "Settlement as % of billed (closed claims)": c.loc[closed, "total_paid"].sum()
        / c.loc[closed, "billed"].sum()
        if c.loc[closed, "billed"].sum()
        else np.nan,
        "IDR win rate": count("IDR", ["Won"]) / idr_decided if idr_decided else np.nan,
    }
    rows = []
    for label in stages.labels():
        at = lg["stage"] == label if len(lg) else pd.Series(dtype=bool)
        decided = count(label, lists["decided_outcomes"])
        won = count(label, lists["success_outcomes"])
        days = lg.loc[at, "response_days"].dropna() if len(lg) else pd.Series(dtype=float)
        rows.append(
            {
                "Stage": label,
                "Entries": float(at.sum()) if len(lg) else 0.0,
                "Decided": float(decided),
                "Median response days": float(np.median(days)) if len(days) else np.nan,
                "Success rate": won / decided if decided else np.nan,
                "Recovered": float(np.nansum(_num(lg.loc[at, "amount_paid"]))) if len(lg) else 0.0,
            }
        )
    return overall, pd.DataFrame(rows)


def _dashboard(c: pd.DataFrame, lg: pd.DataFrame, as_of: dt.date) -> dict[str, pd.DataFrame]:
    labels = stages.labels()
    by_stage = pd.DataFrame(
        {
            "stage": labels,
            "lines": [float((c["current_stage"] == s).sum()) for s in labels],
            "gap": [
                float(np.nansum(c.loc[c["current_stage"] == s, "gap"].to_numpy(dtype=float))) for s in labels
            ],
        }
    )
    days = c["days_outstanding"].to_numpy(dtype=float)
    aging = []
    for label, lo, hi in AGING:
        m = (days >= lo) & ((days <= hi) if hi is not None else True)
        aging.append(
            {
                "bucket": label,
                "lines": float(m.sum()),
                "gap": float(np.nansum(c["gap"].to_numpy(dtype=float)[m])),
            }
        )
    chain = pd.DataFrame(
        {
            "label": ["Billed", "Expected allowed", "Target", "Initial paid", "Recovered"],
            "amount": [
                c["billed"].sum(),
                np.nansum(c["expected_allowed"].to_numpy(dtype=float)),
                np.nansum(c["target"].to_numpy(dtype=float)),
                c["initial_paid"].fillna(0).sum(),
                c["recovered"].sum(),
            ],
        }
    )
    first = (pd.Timestamp(as_of).to_period("M") - (RECOVERY_MONTHS - 1)).to_timestamp()
    months = pd.date_range(first, periods=RECOVERY_MONTHS, freq="MS")
    log_dates = pd.to_datetime(lg["date"]) if len(lg) else pd.Series(dtype="datetime64[ns]")
    paid = _num(lg["amount_paid"]) if len(lg) else np.array([])
    rec = [
        float(np.nansum(paid[((log_dates >= m) & (log_dates < m + pd.DateOffset(months=1))).to_numpy()]))
        for m in months
    ]
    return {
        "by_stage": by_stage,
        "aging": pd.DataFrame(aging),
        "chain": chain,
        "months": pd.DataFrame({"month": months.date, "recovered": rec}),
    }
