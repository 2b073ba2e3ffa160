"""The rows of the underpayment detection (:mod:`remits.underpayment`): one per remit service line, plus one
per claim without service lines, with the claim's and the payment's fields, the amounts received (claim-level
adjustments shared among the claim's lines in whole cents) and the flags and texts of their adjustment and
remark codes, read by category from ``templates/codes``.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from udfs.money import round_cents

from .codes import carc_codes, group_codes, rarc_codes
from .reader import Remit


def text_array(values: Any) -> np.ndarray:
    """Object array of str with '' for missing."""
    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), "").astype(str).to_numpy(dtype=object)


def date_array(values: Any) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def line_rows(remit: Remit) -> pd.DataFrame:
    """One row per service line, plus one per claim without a service line, in file order."""
    claims, lines, pay = remit.claims, remit.lines, remit.payments
    n_claims = len(claims)
    line_claim = lines["claim_id"].to_numpy(dtype=np.int64)
    has_lines = np.bincount(line_claim, minlength=n_claims) > 0 if n_claims else np.zeros(0, dtype=bool)
    whole = np.flatnonzero(~has_lines)
    modifiers = _join_words(lines[["modifier_1", "modifier_2", "modifier_3", "modifier_4"]])
    service = pd.DataFrame(
        {
            "claim_id": line_claim,
            "line_id": lines["line_id"].to_numpy(dtype=np.int64),
            "line_number": lines["line_number"].to_numpy(dtype=np.int64),
            "qualifier": text_array(lines["qualifier"]),
            "procedure_code": text_array(lines["procedure_code"]),
            "modifiers": modifiers,
            "units": lines["units"].to_numpy(dtype=float),
            "charge": lines["charge"].to_numpy(dtype=float),
            "paid": lines["paid"].to_numpy(dtype=float),
            "payer_allowed": lines["allowed"].to_numpy(dtype=float),
            "line_control_number": text_array(lines["line_control_number"]),
            "line_remarks": text_array(lines["remark_codes"]),
            "service_from": date_array(lines["service_from"]),
            "original_code": text_array(lines["original_procedure_code"]),
            "original_modifiers": text_array(lines["original_modifiers"]),
            "file": text_array(lines["file"]),
            "segment": lines["segment"].to_numpy(dtype=np.int64),
        }
    )
    c = claims.iloc[whole]
    no_line = np.full(len(whole), "", dtype=object)
    whole_rows = pd.DataFrame(
        {
            "claim_id": c["claim_id"].to_numpy(dtype=np.int64),
            "line_id": np.full(len(whole), -1, dtype=np.int64),
            "line_number": np.full(len(whole), -1, dtype=np.int64),
            "qualifier": no_line,
            "procedure_code": no_line,
            "modifiers": no_line,
            "units": np.full(len(whole), np.nan),
            "charge": c["billed"].to_numpy(dtype=float),
            "paid": c["paid"].to_numpy(dtype=float),
            "payer_allowed": np.full(len(whole), np.nan),
            "line_control_number": no_line,
            "line_remarks": no_line,
            "service_from": np.full(len(whole), np.datetime64("NaT"), dtype="datetime64[D]"),
            "original_code": no_line,
            "original_modifiers": no_line,
            "file": text_array(c["file"]),
            "segment": c["segment"].to_numpy(dtype=np.int64),
        }
    )
    rows = pd.concat([service, whole_rows], ignore_index=True) if len(whole) else service
    rows = rows.sort_values(["claim_id", "line_number"], kind="stable").reset_index(drop=True)
    cid = rows["claim_id"].to_numpy(dtype=np.int64)
    rows["whole_claim"] = rows["line_id"].to_numpy() < 0
    for out, column in (
        ("payment_id", "payment_id"),
        ("patient_control_number", "patient_control_number"),
        ("payer_claim_id", "payer_claim_id"),
        ("status", "status"),
        ("filing_indicator", "filing_indicator"),
        ("claim_remarks", "remark_codes"),
        ("payer_name", "payer"),
        ("payer_id", "payer_id"),
        ("trace_number", "trace_number"),
    ):
        values = claims[column].to_numpy()
        rows[out] = values[cid] if out == "payment_id" else text_array(values)[cid]
    rows["statement_from"] = date_array(claims["statement_from"])[cid]
    for column in ("reversal_of", "reversed_by", "corrected_by"):
        rows[column] = claims[column].to_numpy(dtype=np.int64, na_value=-1)[cid]
    payment = rows["payment_id"].to_numpy(dtype=np.int64)
    paid_on = date_array(pay["payment_date"])
    produced = date_array(pay["production_date"])
    rows["payment_date"] = np.where(np.isnat(paid_on), produced, paid_on)[payment]
    rows["payment_date_from"] = np.where(np.isnat(paid_on), "DTM*405", "BPR16")[payment]
    rows["payer_reference"] = text_array(pay["payer_reference"])[payment]
    return rows


def _join_words(frame: pd.DataFrame) -> np.ndarray:
    """Non-blank values of each row joined by spaces."""
    out = np.full(len(frame), "", dtype=object)
    for column in frame.columns:
        part = text_array(frame[column])
        out = np.where(part == "", out, np.where(out == "", part, out + " " + part))
    return out.astype(object)


def _money(values: Any) -> list[str]:
    cents = np.asarray(round_cents(np.asarray(values, dtype=float)), dtype=float)
    return [f"{v:,.2f}" for v in cents.tolist()]


def _allocate_cents(group: np.ndarray, weight: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Split each group's ``total`` (integer cents, indexed by group) over its rows in proportion to
    ``weight`` (equal shares where a group's weights add to zero), in whole cents that add up exactly: each
    row gets the truncated share, and the cents left go one each to the rows with the largest remainders.

    >>> _allocate_cents(np.array([0, 0, 0]), np.array([1.0, 1.0, 1.0]), np.array([100]))
    array([34, 33, 33])
    """
    n = group.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    w = np.abs(np.asarray(weight, dtype=float))
    sums = np.bincount(group, w, minlength=total.size)
    w = np.where(sums[group] > 0, w, 1.0)
    sums = np.bincount(group, w, minlength=total.size)
    share = total[group] * w / sums[group]
    base = np.trunc(share).astype(np.int64)
    left = total - np.bincount(group, base, minlength=total.size).astype(np.int64)
    frac = np.abs(share - base)
    order = np.lexsort((np.arange(n), -frac, group))
    g = group[order]
    start = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    rank = np.arange(n) - np.repeat(start, np.diff(np.r_[start, n]))
    extra = np.zeros(n, dtype=np.int64)
    extra[order] = np.where(rank < np.abs(left[g]), np.sign(left[g]), 0)
    return base + extra


def _first_by(keys: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """For each key 0..size-1 the first value given for it ('' where none)."""
    out = np.full(size, "", dtype=object)
    if keys.size:
        first = np.unique(keys[::-1], return_index=True)
        idx = keys.size - 1 - first[1]
        out[first[0]] = values[idx]
    return out


def _joined_by(keys: np.ndarray, values: np.ndarray, size: int, sep: str) -> np.ndarray:
    """For each key 0..size-1 its values joined in order ('' where none)."""
    out = np.full(size, "", dtype=object)
    if keys.size:
        order = np.argsort(keys, kind="stable")
        k, v = keys[order], values[order].tolist()
        bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True]).tolist()
        for a, b in itertools.pairwise(bounds):
            out[k[a]] = sep.join(v[a:b])
    return out


def add_amounts_and_codes(rows: pd.DataFrame, remit: Remit) -> None:
    """Add the received amounts, the CAS and remark flags and texts to ``rows`` (in place)."""
    n = len(rows)
    n_claims = len(remit.claims)
    adj = remit.adjustments
    cid = rows["claim_id"].to_numpy(dtype=np.int64)
    whole = rows["whole_claim"].to_numpy(dtype=bool)
    # row of each line id; the extra last entry (-1) serves claim-level codes, which have no line id
    row_of_line = np.full(len(remit.lines) + 1, -1, dtype=np.int64)
    row_of_line[rows["line_id"].to_numpy()[~whole]] = np.flatnonzero(~whole)
    row_of_whole_claim = np.full(n_claims, -1, dtype=np.int64)
    row_of_whole_claim[cid[whole]] = np.flatnonzero(whole)

    a_claim = adj["claim_id"].to_numpy(dtype=np.int64)
    a_line = adj["line_id"].to_numpy(dtype=np.int64, na_value=-1)
    at_line = a_line >= 0
    group = text_array(adj["group"])
    reason = text_array(adj["reason"])
    amount = adj["amount"].to_numpy(dtype=float)
    groups = group_codes()
    # the patient's share: adjustments of a group billable to the patient (PR, templates/codes/groups.csv)
    is_pr = np.isin(group, groups.index[groups["billable_to_patient"]].to_numpy(dtype=object))
    carc = carc_codes()
    category = pd.Series(reason).map(carc["category"]).fillna("").to_numpy(dtype=object)
    # the row each adjustment belongs to: its line's, or the whole-claim row of a claim without lines
    a_row = np.where(at_line, row_of_line[np.where(at_line, a_line, -1)], row_of_whole_claim[a_claim])
    own = a_row >= 0  # line-level, or claim-level of a claim without lines
    shared = ~at_line & ~own  # claim-level CAS of a claim with lines: shared among its lines

    pr_own = np.bincount(a_row[own & is_pr], amount[own & is_pr], minlength=n)
    claim_total = np.bincount(a_claim[shared], amount[shared], minlength=n_claims)
    claim_pr = np.bincount(a_claim[shared & is_pr], amount[shared & is_pr], minlength=n_claims)
    service = np.flatnonzero(~whole)
    weight = rows["charge"].to_numpy(dtype=float)[service]
    to_cents = np.vectorize(lambda v: int(round_cents(v * 100, 0)), otypes=[np.int64])
    share_all = np.zeros(n)
    share_pr = np.zeros(n)
    if service.size and (claim_total != 0).any():
        share_all[service] = _allocate_cents(cid[service], weight, to_cents(claim_total)) / 100.0
    if service.size and (claim_pr != 0).any():
        share_pr[service] = _allocate_cents(cid[service], weight, to_cents(claim_pr)) / 100.0
    rows["claim_adjustment"] = np.where(whole, 0.0, share_all)
    patient = np.where(whole, rows["charge"].to_numpy() * 0.0, pr_own + share_pr)
    claim_pr_stated = remit.claims["patient_responsibility"].to_numpy(dtype=float)
    patient[whole] = claim_pr_stated[cid[whole]]
    rows["patient_responsibility"] = patient
    rows["received"] = rows["paid"].to_numpy() - rows["claim_adjustment"].to_numpy() + patient

    # flags by category: line level (or whole claim), else claim level spread to the claim's rows
    def flag(mask: np.ndarray) -> np.ndarray:
        hit = np.zeros(n, dtype=bool)
        hit[a_row[mask & own]] = True
        by_claim = np.zeros(n_claims, dtype=bool)
        by_claim[a_claim[mask & shared]] = True
        return hit | by_claim[cid]

    def first_code(mask: np.ndarray) -> np.ndarray:
        codes = np.array([f"{g}-{r}" for g, r in zip(group, reason, strict=True)], dtype=object)
        mine = _first_by(a_row[mask & own], codes[mask & own], n)
        claim_level = _first_by(a_claim[mask & shared], codes[mask & shared], n_claims)[cid]
        return np.where(mine != "", mine, claim_level)

    denial = np.isin(category, ["denial", "duplicate"]) & ~is_pr
    bundled = (category == "bundled") & ~is_pr
    coordination = category == "coordination"
    rows["cas_denial"] = flag(denial)
    rows["cas_denial_code"] = first_code(denial)
    rows["cas_bundled"] = flag(bundled)
    rows["cas_bundled_code"] = first_code(bundled)
    rows["cas_coordination"] = flag(coordination)
    rows["cas_coordination_code"] = first_code(coordination)
    rows["cas_patient_code"] = first_code(is_pr)

    texts = np.array(
        [f"{g}-{r} {m}" for g, r, m in zip(group, reason, _money(amount), strict=True)], dtype=object
    )
    own_text = _joined_by(a_row[own], texts[own], n, "; ")
    claim_text = _joined_by(a_claim[shared], texts[shared], n_claims, "; ")[cid]
    rows["adjustments"] = np.where(
        claim_text == "", own_text, np.where(own_text == "", "claim: ", own_text + " | claim: ") + claim_text
    )
    _remarks(rows, remit, row_of_line)


def _remarks(rows: pd.DataFrame, remit: Remit, row_of_line: np.ndarray) -> None:
    n, n_claims = len(rows), len(remit.claims)
    cid = rows["claim_id"].to_numpy(dtype=np.int64)
    rem = remit.remarks
    rem = rem[text_array(rem["code_list"]) == "HE"] if len(rem) else rem
    code = text_array(rem["code"])
    rarc = rarc_codes()
    category = pd.Series(code).map(rarc["category"]).fillna("").to_numpy(dtype=object)
    clock = pd.Series(code).map(rarc["starts_nsa_clock"]).fillna(False).to_numpy(dtype=bool)
    r_claim = rem["claim_id"].to_numpy(dtype=np.int64)
    r_line = rem["line_id"].to_numpy(dtype=np.int64, na_value=-1)
    at_line = r_line >= 0
    r_row = np.where(at_line, row_of_line[np.where(at_line, r_line, -1)], -1)

    def codes_of(mask: np.ndarray) -> np.ndarray:
        mine = _joined_by(r_row[mask & at_line], code[mask & at_line], n, " ")
        claim_level = _joined_by(r_claim[mask & ~at_line], code[mask & ~at_line], n_claims, " ")[cid]
        both = np.where(mine == "", claim_level, np.where(claim_level == "", mine, claim_level + " " + mine))
        return np.array([" ".join(dict.fromkeys(s.split())) for s in both], dtype=object)

    rows["nsa_codes"] = codes_of(category == "nsa")
    rows["nsa_clock"] = pd.Series(codes_of(clock)).str.len().to_numpy() > 0 if n else np.zeros(0, dtype=bool)
    bundled_line = (category == "bundled") & at_line
    rows["rarc_bundled_code"] = _first_by(r_row[bundled_line], code[bundled_line], n)
    claim_rem = rows["claim_remarks"].to_numpy(dtype=object)
    line_rem = rows["line_remarks"].to_numpy(dtype=object)
    rows["remarks"] = np.where(
        claim_rem == "",
        line_rem,
        np.where(line_rem == "", "claim: " + claim_rem, "claim: " + claim_rem + " | " + line_rem),
    )
