"""What every formula of a case workbook computes, computed in Python with ``udfs``: the Python mirror of
:mod:`workbooks.case_workbook`.

:func:`expected` returns a value for every key the workbook registers (``line.2.allowed.Percent of Medicare``,
``path.3.npv``, ``sens.2.5``...). The parity test recalculates generated workbooks in LibreOffice and compares each
formula cell with this mirror (money to the cent, ratios to 1e-9, text exactly). Blank results (Excel's ``""``) are
NaN for numbers and '' for text. The allowed amounts come from ``udfs.allowed.allowed_amount``, cost sharing from
``udfs.share.cost_share``, the gap from ``udfs.gap.recovery_gap``, the path from ``udfs.value.escalation_value`` and
the IDR figures from ``udfs.idr``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from udfs import allowed as al
from udfs import gap as gp
from udfs import idr, value
from udfs import share as sh
from udfs.errors import OonError

from .case_estimate import EXPOSURE
from .case_idr import DECISION, STATUS
from .case_lines import SPARE_LINES
from .case_model import METHOD_NAMES, Case
from .case_paths import stop_label
from .case_workbook import WATERFALL

NAN = float("nan")


def _opt(values: list[float | None]) -> np.ndarray:
    return np.array([NAN if v is None else float(v) for v in values])


def _total(a: np.ndarray) -> float:
    """SUM when every line has a value, else blank (the sheet's IF(COUNT(...)<CaseLines,"",SUM(...)))."""
    return float(a.sum()) if a.size and not np.isnan(a).any() else NAN


def _f(x: Any) -> float:
    return float(np.asarray(x, dtype=float))


def _lines(case: Case, out: dict[str, Any]) -> dict[str, Any]:
    lines = case.lines
    billed = np.array([x.billed for x in lines])
    medicare = np.array([x.medicare_unit * x.medicare_factor for x in lines])
    bench, sca, qpa = (_opt([getattr(x, k) for x in lines]) for k in ("benchmark", "sca_rate", "qpa"))
    allowed = {
        m: np.asarray(
            al.allowed_amount(m, billed, medicare, case.factors[m], bench, sca, case.lesser_of), dtype=float
        )
        for m in METHOD_NAMES
    }
    recognized = np.asarray(sh.cost_share(billed, nsa=True, qpa=qpa, billed=billed).basis, dtype=float)
    target = np.asarray(
        al.allowed_amount(case.target_method, billed, medicare, case.target_factor, bench, sca, True),
        dtype=float,
    )
    for i in range(len(lines) + SPARE_LINES):
        k = f"line.{i + 1}"
        here = i < len(lines)
        out[f"{k}.medicare"] = medicare[i] if here else NAN
        for m in METHOD_NAMES:
            out[f"{k}.allowed.{m}"] = allowed[m][i] if here else NAN
        out[f"{k}.likely"] = allowed[case.method][i] if here else NAN
        out[f"{k}.recognized"] = recognized[i] if here else NAN
        out[f"{k}.target"] = target[i] if here else NAN
    totals = {
        "billed": float(billed.sum()),
        "medicare": _total(medicare),
        "qpa": _total(qpa),
        "likely": _total(allowed[case.method]),
        "recognized": _total(recognized),
        "target": _total(target),
    }
    totals.update({f"allowed.{m}": _total(allowed[m]) for m in METHOD_NAMES})
    out.update({f"total.{k}": v for k, v in totals.items()})
    out["case.lines"] = len(lines)
    return totals


def _estimate(case: Case, totals: dict[str, Any], out: dict[str, Any]) -> dict[str, float]:
    oop = np.inf if case.oop_remaining is None else case.oop_remaining
    billed = totals["billed"]
    shares = {}
    for m in METHOD_NAMES:
        a = totals[f"allowed.{m}"]
        s = sh.cost_share(
            a,
            case.deductible_remaining,
            case.coinsurance,
            case.copay,
            oop,
            case.nsa,
            totals["recognized"],
            billed,
            case.balance_bill_allowed,
        )
        blank = np.isnan(a)
        k = f"method.{m}"
        out[f"{k}.allowed"] = a
        out[f"{k}.pct_billed"] = _f(gp.paid_ratio(a, billed))
        out[f"{k}.pct_medicare"] = _f(gp.paid_ratio(a, totals["medicare"]))
        out[f"{k}.basis"] = NAN if blank else _f(s.basis)
        out[f"{k}.patient"] = NAN if blank else _f(s.patient)
        out[f"{k}.plan"] = NAN if blank else _f(s.plan_paid)
        out[f"{k}.balance"] = NAN if blank else _f(s.balance_bill)
        out[f"{k}.likely"] = "payer's likely method" if m == case.method else ""
        shares[m] = s
    s = shares[case.method]
    patient = _f(s.patient)
    plan_paid = _f(s.plan_paid) if case.paid is None else case.paid
    balance = _f(s.balance_bill)
    exposure = (
        EXPOSURE["nsa"] if case.nsa else EXPOSURE["yes"] if case.balance_bill_allowed else EXPOSURE["law"]
    )
    est = {
        "billed": billed,
        "medicare": totals["medicare"],
        "allowed": totals[f"allowed.{case.method}"],
        "basis": _f(s.basis),
        "deductible": _f(s.deductible),
        "copay": _f(s.copay),
        "coinsurance": _f(s.coinsurance),
        "patient": patient,
        "plan_expected": _f(s.plan_paid),
        "plan_paid": plan_paid,
        "balance": balance,
        "exposure": exposure,
        "deposit": case.deposit_share * (patient + (balance if case.deposit_balance_bill else 0.0)),
        "received": plan_paid + patient,
    }
    out.update({f"est.{k}": v for k, v in est.items()})
    return est


def _idr(
    case: Case, totals: dict[str, Any], est: dict[str, Any], gap: float, out: dict[str, Any]
) -> dict[str, float]:
    lines, items, w = len(case.lines), case.idr_items, case.idr_win
    qpa, received = totals["qpa"], est["received"]
    try:
        admin = _f(idr.admin_fee(case.idr_date.isoformat()))
    except OonError:
        admin = NAN
    low, high = idr.entity_fee_range(batched=items > 1, lines=items, on=case.idr_date)
    entity = case.idr_entity_fee if case.idr_entity_fee is not None else (low + high) / 2
    n = items / lines
    offer, payer = case.idr_offer_pct * qpa, case.idr_payer_pct * qpa
    gain = _f(idr.idr_expected_gain(offer, payer, received, w, admin, entity, n))
    share = (offer - received) / gap if gap and not np.isnan(gap) else NAN
    v = {
        "status": STATUS["yes" if case.nsa else "no"],
        "admin_fee": admin,
        "entity_low": low,
        "entity_high": high,
        "batch_n": n,
        "case_share": lines / items,
        "qpa": qpa,
        "offer": offer,
        "payer_offer": payer,
        "received": received,
        "win_net": offer - received - admin / n,
        "lose_net": payer - received - admin / n - entity / n,
        "case_fees": admin / n + (1 - w) * (entity / n),
        "gain": gain,
        "break_even": _f(idr.idr_break_even(offer, payer, received, admin, entity, n)),
        "decision": DECISION["none"] if np.isnan(gain) else DECISION["go" if gain > 0 else "stop"],
        "stage_share": 0.0 if np.isnan(share) else min(1.0, max(0.0, share)),
    }
    if case.idr_entity_fee is None:
        v["entity_fee"] = entity
    out.update({f"idr.{k}": x for k, x in v.items()})
    for j, size in enumerate(case.batch_sizes, start=1):
        k = f"batch.{j}"
        if size < lines:
            out.update(
                {f"{k}.{p}": NAN for p in ("low", "high", "mid", "share", "fees_win", "fees_lose", "gain")}
            )
            out[f"{k}.kind"] = ""
            continue
        lo, hi = idr.entity_fee_range(batched=size > 1, lines=size, on=case.idr_date)
        mid, nn = (lo + hi) / 2, size / lines
        out.update(
            {
                f"{k}.kind": "batched" if size > 1 else "single",
                f"{k}.low": lo,
                f"{k}.high": hi,
                f"{k}.mid": mid,
                f"{k}.share": lines / size,
                f"{k}.fees_win": admin / nn,
                f"{k}.fees_lose": admin / nn + mid / nn,
                f"{k}.gain": _f(idr.idr_expected_gain(offer, payer, received, w, admin, mid, nn)),
            }
        )
    for i, wi in enumerate(case.win_grid, start=1):
        for j, pct in enumerate(case.offer_grid, start=1):
            out[f"sens.{i}.{j}"] = _f(idr.idr_expected_gain(pct * qpa, payer, received, wi, admin, entity, n))
    return v


def _path(case: Case, gap: float, v_idr: dict[str, float], out: dict[str, Any]) -> dict[str, Any]:
    fees = v_idr["case_fees"]  # N(): no fee on record for the dispute date counts as 0 in the path
    linked = {
        "probability": case.idr_win,
        "share": v_idr["stage_share"],
        "cost": 0.0 if np.isnan(fees) else fees,
    }
    rows = []
    for k, st in enumerate(case.stages, start=1):
        vals = {f: linked[f] if f in st.linked else getattr(st, f) for f in ("probability", "share", "cost")}
        for f in st.linked:
            out[f"stage.{k}.{f}"] = linked[f]
        on = st.include and (st.applies_to != "nsa" or case.nsa)
        rows.append((on, vals["probability"], vals["share"], vals["cost"], st.days))
    in_path = np.array([r[0] for r in rows])
    p = np.where(in_path, [r[1] for r in rows], 0.0)
    s = np.array([r[2] for r in rows], dtype=float)
    c = np.where(in_path, [r[3] for r in rows], 0.0)
    d = np.where(in_path, [r[4] for r in rows], 0.0)
    reach = np.cumprod(np.r_[1.0, 1.0 - p[:-1]])
    start = np.cumsum(d) - d
    g = NAN if np.isnan(gap) else gap
    v = value.escalation_value(
        0.0 if np.isnan(g) else g, p, s, c, d, case.discount_rate, case.contingency_fee, case.offer
    )
    stage_npv = np.diff(v.npv[1:], prepend=0.0)
    for k in range(1, len(rows) + 1):
        i, key = k - 1, f"stage.{k}"
        out[f"{key}.in_path"] = bool(in_path[i])
        if k > 1:
            out[f"{key}.reach"], out[f"{key}.start"] = reach[i], start[i]
        out[f"{key}.end"] = start[i] + d[i]
        out[f"{key}.gain"] = NAN if np.isnan(g) else v.recovery[k] - (v.recovery[k - 1] if k > 1 else 0.0)
        out[f"{key}.cost_expected"] = reach[i] * c[i]
        out[f"{key}.npv"] = NAN if np.isnan(g) else stage_npv[i]
        out[f"{key}.weight"] = reach[i] * p[i] * s[i]
        out[f"{key}.weight_day"] = reach[i] * p[i] * s[i] * (start[i] + d[i])
    best = -1 if np.isnan(g) else int(v.best_stop)
    for m in range(len(rows) + 1):
        key = f"path.{m}"
        blank = np.isnan(g) and m > 0
        out[f"{key}.recovery"] = NAN if blank else v.recovery[m]
        out[f"{key}.npv"] = NAN if blank else v.npv[m]
        if m > 0:
            out[f"{key}.label"] = stop_label(case.stages[m - 1].label, bool(in_path[m - 1]))
            out[f"{key}.cost"] = v.cost[m]
            out[f"{key}.months"] = v.days_to_cash[m] * 12 / 365
        out[f"{key}.best"] = "best" if best == m else ""
    labels = ["Accept now (the payment and any offer)"] + [
        out[f"path.{m}.label"] for m in range(1, len(rows) + 1)
    ]
    months = np.r_[0.0, v.days_to_cash[1:] * 12 / 365]
    pick = (lambda a: NAN) if np.isnan(g) else (lambda a: a[best])
    result = {
        "stop": NAN if best < 0 else best,
        "label": "" if np.isnan(g) else labels[best],
        "npv": pick(v.npv),
        "recovery": pick(v.recovery),
        "cost": pick(v.cost),
        "months": pick(months),
    }
    out.update({f"best.{k}": x for k, x in result.items()})
    return result


def _summary(
    est: dict[str, Any], gap: float, target: float, best: dict[str, Any], v_idr: dict, case: Case, out: dict
) -> None:
    out.update(
        {
            "summary.allowed": est["allowed"],
            "summary.patient": est["patient"],
            "summary.deposit": est["deposit"],
            "summary.balance": est["balance"],
            "summary.exposure": est["exposure"],
            "summary.plan": est["plan_expected"],
            "summary.target": target,
            "summary.gap": gap,
            "summary.best": best["label"],
            "summary.best_npv": best["npv"],
            "summary.best_recovery": best["recovery"],
            "summary.best_months": best["months"],
            "summary.idr_status": v_idr["status"],
            "summary.idr_gain": v_idr["gain"],
            "summary.idr_break_even": v_idr["break_even"],
            "summary.idr_win": case.idr_win,
            "summary.idr_decision": v_idr["decision"],
        }
    )
    billed, allowed, received, rec = est["billed"], est["allowed"], est["received"], best["recovery"]
    steps = [
        {"total": billed},
        {"base": min(billed, allowed), "down": max(billed - allowed, 0.0), "up": max(allowed - billed, 0.0)},
        {"total": allowed},
        {
            "base": min(allowed, received),
            "down": max(allowed - received, 0.0),
            "up": max(received - allowed, 0.0),
        },
        {"total": received},
        {"base": received, "up": rec},
        {"total": received + rec},
    ]
    assert len(steps) == len(WATERFALL)
    for i, step in enumerate(steps, start=1):
        out.update({f"wf.{i}.{k}": x for k, x in step.items()})


def expected(case: Case) -> dict[str, Any]:
    """Value of every formula cell of the case workbook, by key (see module docstring)."""
    out: dict[str, Any] = {}
    totals = _lines(case, out)
    est = _estimate(case, totals, out)
    target = totals["target"]
    gap = _f(gp.recovery_gap(target, est["plan_paid"], est["patient"]))
    out.update({"esc.target": target, "esc.received": est["received"], "esc.gap": gap})
    v_idr = _idr(case, totals, est, gap, out)
    best = _path(case, gap, v_idr, out)
    _summary(est, gap, target, best, v_idr, case, out)
    return out
