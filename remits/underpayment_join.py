"""Joining remit lines with what prices them (:mod:`remits.underpayment`, steps 2 to 5): the payer profile,
the claims file's line, the Medicare locality and setting, the Medicare amount and the expected allowed amount.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from udfs.allowed import allowed_amount, why_no_amount
from udfs.charges import ChargeBenchmark
from udfs.claims import gpci_localities, locality_id, locality_problems
from udfs.claims import price_lines as medicare_of_lines
from udfs.errors import FileError, InputError, Problem
from udfs.money import round_cents
from udfs.payers import PayerProfile, find_profile, match_key
from udfs.pfs_data import available_years

from .underpayment_rows import date_array, text_array


def match_profiles(rows: pd.DataFrame, profiles: Mapping[str, PayerProfile], notes: list[str]) -> None:
    """Add ``profile_id``, ``profile_match`` and the display ``payer`` (in place)."""
    keys = rows[["payer_name", "payer_id", "payer_reference", "claims_payer"]].astype(str)
    codes, combos = pd.MultiIndex.from_frame(keys).factorize()
    found: list[tuple[str, str]] = []
    default = profiles["_default"]
    unknown: list[str] = []
    for combo in combos:
        name, pid, ref, claims_payer = combo
        match = None
        for value, where in ((name, "N1*PR name"), (pid, "N1*PR payer id"), (ref, "REF*2U payer id")):
            hit = find_profile([value], profiles) if value else None
            if hit:
                match = (hit[0].id, f"{where} {value}")
                break
        if match is None and claims_payer:
            hit = find_profile([claims_payer], profiles)
            if hit:
                match = (hit[0].id, f"claims file payer {claims_payer}")
        if match is None:
            match = (default.id, "none: default profile")
            label = name or pid or ref or "(payer not named)"
            if label not in unknown:
                unknown.append(label)
        found.append(match)
    rows["profile_id"] = np.array([m[0] for m in found], dtype=object)[codes]
    rows["profile_match"] = np.array([m[1] for m in found], dtype=object)[codes]
    named = np.where(
        rows["profile_id"].to_numpy() != default.id,
        rows["profile_id"].map(lambda p: profiles[p].name).to_numpy(dtype=object),
        np.where(
            rows["payer_name"] != "",
            rows["payer_name"],
            np.where(rows["payer_id"] != "", rows["payer_id"], "(payer not named)"),
        ),
    )
    # one spelling per payer, as Excel compares text without regard to case
    first: dict[str, str] = {}
    rows["payer"] = np.array([first.setdefault(match_key(p), p) for p in named], dtype=object)
    for label in unknown:
        notes.append(
            f"Payer {label!r} has no profile: its lines use the default profile ({default.method}, factor "
            f"{default.factor:g}). Add a profile, or the name or payer id to a profile's aliases "
            f"(templates/payers/_default.yaml documents the fields)."
        )


_JOIN_STEPS = (
    ("REF*6R line number", "ref6r", "claims_line_key"),
    ("code and modifiers", "code_mods", "claims_code_mods"),
    ("code", "procedure_code", "claims_code"),
    ("billed code and modifiers (SVC06)", "original_code_mods", "claims_code_mods"),
    ("billed code (SVC06)", "original_code", "claims_code"),
)


_SEPARATORS = re.compile(r"[\s,]+")


def _mods_key(code: Any, modifiers: Any) -> np.ndarray:
    """``CODE|MOD1 MOD2`` (modifiers sorted) of each line; '' where there is no code."""
    out = []
    for c, m in zip(text_array(code), text_array(modifiers), strict=True):
        mods = " ".join(sorted(x for x in _SEPARATORS.split(m.strip().upper()) if x))
        out.append(f"{c.strip().upper()}|{mods}" if c.strip() else "")
    return np.array(out, dtype=object)


def join_claims(rows: pd.DataFrame, claims: pd.DataFrame | None) -> None:
    """Add the claims file's values to ``rows`` (in place); see the module docstring, step 3."""
    n = len(rows)
    rows["claims_line"] = np.full(n, -1, dtype=np.int64)
    rows["claims_match"] = np.full(n, "", dtype=object)
    for column, empty in (
        ("claims_payer", ""),
        ("plan_type", ""),
        ("claims_locality", ""),
        ("claims_setting", ""),
        ("claims_nsa", False),
    ):
        rows[column] = np.full(n, empty, dtype=object if empty == "" else bool)
    for column in ("sca_rate", "benchmark_rate"):
        rows[column] = np.full(n, np.nan)
    rows["claims_date"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    rows["claims_source_line"] = np.full(n, -1, dtype=np.int64)
    if claims is None:
        return
    cf = claims.reset_index(drop=True)
    cf_claim = text_array(cf["claim_id"])
    cf_claim = np.array([c.strip() for c in cf_claim], dtype=object)
    icn = text_array(cf["payer_claim_id"]) if "payer_claim_id" in cf else np.full(len(cf), "", dtype=object)
    by_icn: dict[str, str] = {}
    for c, i in zip(cf_claim, icn, strict=True):
        if i.strip():
            by_icn.setdefault(i.strip(), c)
    known = set(cf_claim)
    pcn = np.array([p.strip() for p in rows["patient_control_number"]], dtype=object)
    icn_rows = np.array([p.strip() for p in rows["payer_claim_id"]], dtype=object)
    joined = np.array(
        [p if p in known else by_icn.get(i, "") for p, i in zip(pcn, icn_rows, strict=True)], dtype=object
    )
    via = np.where(pcn == joined, "CLP01", np.where(joined != "", "CLP07", ""))
    has_claim = joined != ""
    rows["claims_match"] = np.where(has_claim, "claim only (" + via + ")", "not in the claims file")
    first_line = pd.Series(np.arange(len(cf))).groupby(cf_claim, sort=False).first()
    first_of = np.array([first_line.get(c, -1) for c in joined], dtype=np.int64)

    # line matching, step by step, on (remit claim, key) with the k-th free row pairing the k-th
    remit_keys = {
        "ref6r": np.array(
            [
                re.sub(r"^0+(?=\d)", "", s.strip()) if s.strip().isdigit() else ""
                for s in rows["line_control_number"]
            ],
            dtype=object,
        ),
        "code_mods": _mods_key(rows["procedure_code"], rows["modifiers"]),
        "procedure_code": np.array([c.strip().upper() for c in rows["procedure_code"]], dtype=object),
        "original_code_mods": _mods_key(rows["original_code"], rows["original_modifiers"]),
        "original_code": np.array([c.strip().upper() for c in rows["original_code"]], dtype=object),
    }
    cf_keys = {
        "claims_line_key": np.array([str(int(v)) for v in cf["line"]], dtype=object),
        "claims_code_mods": _mods_key(cf["hcpcs"], cf["modifier"]),
        "claims_code": np.array([c.strip().upper() for c in text_array(cf["hcpcs"])], dtype=object),
    }
    remit_claim = rows["claim_id"].to_numpy(dtype=np.int64)
    taken_row = np.full(n, -1, dtype=np.int64)
    how = np.full(n, "", dtype=object)
    # a claims line may serve several remit claims (a reversal, its original, the correction), so the
    # claims lines taken are tracked per remit claim, as keys remit claim x len(claims file) + row
    used = np.zeros(0, dtype=np.int64)
    width = max(len(cf), 1)
    candidates = np.flatnonzero(has_claim & ~rows["whole_claim"].to_numpy(dtype=bool))
    cf_rows = pd.DataFrame({"claim": cf_claim, "row": np.arange(len(cf))})
    for label, rkey, ckey in (*_JOIN_STEPS, ("order", None, None)):
        todo = candidates[taken_row[candidates] < 0]
        if not todo.size:
            break
        left = pd.DataFrame(
            {
                "remit_claim": remit_claim[todo],
                "claim": joined[todo],
                "key": remit_keys[rkey][todo] if rkey else "",
                "i": todo,
            }
        )
        right = cf_rows.assign(key=cf_keys[ckey] if ckey else "")
        if rkey and ckey:
            left, right = left[left["key"] != ""], right[right["key"] != ""]
        # the k-th remit line of a (remit claim, key) pairs with the k-th claims line of that key still free
        left = left.assign(k=left.groupby(["remit_claim", "key"], sort=False).cumcount())
        free = left[["remit_claim", "claim", "key"]].drop_duplicates().merge(right, on=["claim", "key"])
        free = free[~np.isin(free["remit_claim"].to_numpy() * width + free["row"].to_numpy(), used)]
        free = free.sort_values(["remit_claim", "key", "row"], kind="stable")
        free = free.assign(k=free.groupby(["remit_claim", "key"], sort=False).cumcount())
        pairs = left.merge(free[["remit_claim", "key", "k", "row"]], on=["remit_claim", "key", "k"])
        i, r = pairs["i"].to_numpy(dtype=np.int64), pairs["row"].to_numpy(dtype=np.int64)
        taken_row[i] = r
        how[i] = label
        used = np.concatenate([used, pairs["remit_claim"].to_numpy(dtype=np.int64) * width + r])
    line_found = taken_row >= 0
    source_row = np.where(line_found, taken_row, first_of)
    ok = source_row >= 0
    src = np.maximum(source_row, 0)
    rows["claims_line"] = np.where(
        line_found, cf["line"].to_numpy(dtype=np.int64)[np.maximum(taken_row, 0)], -1
    )
    rows["claims_match"] = np.where(line_found, how, rows["claims_match"].to_numpy(dtype=object))
    rows["claims_source_line"] = np.where(ok, cf["source_line"].to_numpy(dtype=np.int64)[src], -1)
    rows["claims_payer"] = np.where(ok, text_array(cf["payer"])[src], "")
    rows["plan_type"] = np.where(ok, text_array(cf["plan_type"])[src], "")
    rows["claims_locality"] = np.where(ok, text_array(cf["locality"])[src], "")
    rows["claims_setting"] = np.where(ok, text_array(cf["setting"])[src], "")
    rows["claims_nsa"] = np.where(ok, cf["nsa"].to_numpy(dtype=bool)[src], False)
    rows["claims_date"] = np.where(
        ok, date_array(cf["date_of_service"])[src], np.datetime64("NaT", "D")
    ).astype("datetime64[D]")
    for column in ("sca_rate", "benchmark_rate"):
        values = pd.to_numeric(cf[column], errors="coerce").to_numpy(dtype=float)
        rows[column] = np.where(line_found, values[np.maximum(taken_row, 0)], np.nan)


def check_locality(locality: str, years: Iterable[int] | None = None) -> str:
    """The canonical id of a ``--locality`` value (``CA-18``), checked against every embedded year with
    GPCIs; raises :class:`InputError` naming the argument when it is not a Medicare locality.

    >>> check_locality("ca 18")
    'CA-18'
    """
    loc = locality_id(locality)
    if loc is None:
        raise InputError(f"--locality: {locality!r} is not a locality id such as CA-18 (state and number)")
    known = [(y, gpci_localities(y)) for y in (years or available_years())]
    with_gpci = [(y, ids) for y, ids in known if ids is not None]
    if loc and with_gpci and all(loc not in ids for _, ids in with_gpci):
        raise InputError(
            f"--locality: {loc} is not a Medicare locality in {', '.join(str(y) for y, _ in with_gpci)}"
        )
    return loc


def place_lines(rows: pd.DataFrame, locality: str | None, setting: str | None) -> None:
    """Locality, setting and where they came from (in place)."""
    from_claims = rows["claims_source_line"].to_numpy() >= 0
    n = len(rows)
    loc = np.full(n, locality or "", dtype=object)
    st = np.full(n, setting or "facility", dtype=object)
    what = []
    if locality:
        what.append("--locality")
    if setting:
        what.append("--setting")
    source = np.full(
        n, " and ".join(what) if what else "national, facility (no locality given)", dtype=object
    )
    if from_claims.any():
        cl = rows["claims_locality"].to_numpy(dtype=object)
        cs = rows["claims_setting"].to_numpy(dtype=object)
        loc = np.where(from_claims, cl, loc)
        st = np.where(from_claims & (cs != ""), cs, st)
        source = np.where(
            from_claims,
            np.where(cl == "", "claims file (no locality: national)", "claims file"),
            source,
        )
    rows["locality"] = np.array([locality_id(x) or "" for x in loc], dtype=object)
    rows["setting"] = st
    rows["place_from"] = source


def check_claims_file(claims: pd.DataFrame, source: str) -> None:
    """Every problem of a claims file that the pricing needs checked (``udfs.claims.locality_problems``: a
    ``locality`` that is not a locality id, or not a Medicare locality in the year of the line's date of
    service). Raises :class:`FileError` listing all."""
    lines = claims["source_line"].to_numpy() if "source_line" in claims else np.arange(len(claims)) + 2
    dates = date_array(claims["date_of_service"])
    years = [int(str(d)[:4]) if not np.isnat(d) else 0 for d in dates]
    problems = [
        Problem(source, int(lines[i]), "locality", message)
        for i, message in locality_problems(text_array(claims["locality"]), years)
    ]
    if problems:
        raise FileError(problems)


def price_lines(
    rows: pd.DataFrame,
    profiles: Mapping[str, PayerProfile],
    benchmark: ChargeBenchmark | None,
) -> None:
    """Medicare amount, method, benchmark and expected allowed of every row (in place)."""
    n = len(rows)
    profile = [profiles[p] for p in rows["profile_id"]]
    service = rows["service_from"].to_numpy(dtype="datetime64[D]")
    service = np.where(np.isnat(service), rows["statement_from"].to_numpy(dtype="datetime64[D]"), service)
    service = np.where(np.isnat(service), rows["claims_date"].to_numpy(dtype="datetime64[D]"), service)
    rows["service_date"] = service
    dos_year = np.where(np.isnat(service), 0, service.astype("datetime64[Y]").astype(np.int64) + 1970)
    year = np.array([p.medicare_year or y for p, y in zip(profile, dos_year, strict=True)], dtype=np.int64)

    status = rows["status"].to_numpy(dtype=object)
    units = rows["units"].to_numpy(dtype=float)
    code = rows["procedure_code"].to_numpy(dtype=object)
    note = np.full(n, "", dtype=object)
    reasons = [
        (rows["whole_claim"].to_numpy(dtype=bool), "no service lines: the claim is paid as a whole"),
        (status == "22", "a reversal is not priced"),
        (rows["qualifier"].to_numpy(dtype=object) != "HC", "not a HCPCS/CPT code (SVC01 qualifier)"),
        (code == "", "no procedure code"),
        (~np.isfinite(units) | (units < 1) | (units != np.round(units)), "units are not a whole number >= 1"),
        (dos_year == 0, "no service date"),
    ]
    for mask, text in reasons:
        note = np.where((note == "") & mask, text, note)
    loc = rows["locality"].to_numpy(dtype=object)
    medicare = np.full(n, np.nan)
    priced_ok = np.zeros(n, dtype=bool)
    at = np.flatnonzero(note == "")
    # lines of a claim and a service date are priced together (the multiple-procedure rules are per day)
    key = (
        rows["claim_id"].to_numpy().astype(str).astype(object)[at]
        + "|"
        + service[at].astype(str).astype(object)
    )
    medicare[at], note[at], priced_ok[at] = medicare_of_lines(
        key,
        code[at],
        rows["modifiers"].to_numpy(dtype=object)[at],
        units[at],
        loc[at],
        rows["setting"].to_numpy(dtype=object)[at],
        year[at],
        service[at],
    )
    rows["medicare_priced"] = priced_ok
    rows["medicare"] = medicare
    rows["medicare_note"] = note
    rows["medicare_year"] = year

    sca = rows["sca_rate"].to_numpy(dtype=float)
    has_sca = ~np.isnan(sca)
    method = np.array([p.method for p in profile], dtype=object)
    factor = np.array([p.factor for p in profile], dtype=float)
    method = np.where(has_sca, "Flat rate", method)
    factor = np.where(has_sca, 1.0, factor)
    percentile = np.array([p.percentile if p.percentile else np.nan for p in profile], dtype=float)
    bench = rows["benchmark_rate"].to_numpy(dtype=float).copy()
    bench_note = np.where(np.isnan(bench), "", "claims file benchmark_rate").astype(object)
    wants = (method == "Charge percentile") & np.isnan(bench)
    if wants.any():
        if benchmark is None:
            bench_note[wants] = "no charge benchmark (give --benchmark, or benchmark_rate in the claims file)"
        else:
            amount, why = benchmark.amount(
                code[wants], percentile[wants], loc[wants], rows["modifiers"].to_numpy(dtype=object)[wants]
            )
            bench[wants] = amount
            bench_note[wants] = np.where(np.isnan(amount), why, f"{benchmark.source}")
    lesser = np.array([p.lesser_of for p in profile], dtype=bool)
    charge = rows["charge"].to_numpy(dtype=float)
    expected = np.asarray(allowed_amount(method, charge, medicare, factor, bench, sca, lesser), dtype=float)
    expected = np.where(status == "22", np.nan, expected)
    rows["method"] = method
    rows["factor"] = factor
    rows["percentile"] = percentile
    rows["benchmark"] = bench
    rows["benchmark_note"] = bench_note
    rows["lesser_of"] = lesser
    rows["expected"] = round_cents(expected)
    basis = np.select(
        [method == "Percent of Medicare", method == "Charge percentile", method == "Flat rate"],
        [medicare, bench, sca],
        charge,
    )
    # why there is no expected amount, for the rows without one (object arrays: no fixed-width copies)
    missing = np.full(n, "", dtype=object)
    whole = rows["whole_claim"].to_numpy(dtype=bool)
    for i in np.flatnonzero(np.isnan(expected)).tolist():
        if status[i] == "22":
            missing[i] = "a reversal is not priced"
        elif method[i] == "Percent of Medicare" and whole[i]:
            missing[i] = note[i]
        else:
            missing[i] = why_no_amount(method[i], note[i], bench_note[i])
    rows["expected_note"] = missing
    rows["basis"] = basis
