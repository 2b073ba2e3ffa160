"""Medicare Physician Fee Schedule amount of a HCPCS code + modifier in a locality and setting.

amount = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor

The facility setting uses the FACILITY PE RVU, the non-facility setting the NON-FAC PE RVU. Codes whose
status is not payable (carrier-priced, bundled, non-covered, invalid...) or whose PE is flagged NA in the
setting get no amount (NaN) and a note saying why in plain words: never a number CMS does not publish.

Inputs broadcast against each other with numpy's rules; look-ups go through the unique values of each
input (``pandas.factorize``), so a million lines cost a few factorizations and gathers.

References
----------
42 CFR 414.22 (RVUs), 414.26 (GPCIs); CMS "PFS Relative Value Files" documentation (status codes, NA
indicators, modifiers 26/TC/53); templates/rules/conversion_factors.yaml and pfs_payment_rules.yaml.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .arrays import scalar_out, texts
from .errors import InputError
from .pfs_data import PfsYear, cf_date_problem, conversion_factor, load_pfs, rules

SETTINGS = {
    "FACILITY": False,
    "F": False,
    "FAC": False,
    "HOSPITAL": False,
    "INPATIENT": False,
    "OUTPATIENT": False,
    "ASC": False,
    "NONFACILITY": True,
    "NON-FACILITY": True,
    "NON FACILITY": True,
    "NF": True,
    "NONFAC": True,
    "NON-FAC": True,
    "OFFICE": True,
}
ROW_MODS = ("", "26", "TC", "53", "CONFLICT")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
OUTPUT_COLUMNS = [
    "hcpcs",
    "modifier",
    "locality",
    "setting",
    "year",
    "status",
    "priced",
    "row_modifier",
    "work_rvu",
    "pe_rvu",
    "mp_rvu",
    "gpci_work",
    "gpci_pe",
    "gpci_mp",
    "cf",
    "amount",
    "note",
]


def split_modifiers(text: str) -> list[str]:
    """Modifiers in one string: separated by commas, spaces, hyphens, colons or written together.

    >>> split_modifiers("LT,50"), split_modifiers("62 LT"), split_modifiers("26"), split_modifiers("-80")
    (['LT', '50'], ['62', 'LT'], ['26'], ['80'])
    """
    out: list[str] = []
    for part in re.split(r"[\s,;:/\-]+", str(text).upper()):
        if len(part) > 2 and len(part) % 2 == 0:
            out += [part[i : i + 2] for i in range(0, len(part), 2)]
        elif part:
            out.append(part)
    return out


def factorized(value: Any, name: str, pad_hcpcs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) of ``value`` after :func:`~udfs.arrays.texts` normalisation, shaped like ``value``.

    A pandas Categorical (or categorical Series) is not hashed again: its codes are used as they are.

    >>> codes, uniques = factorized([" 27447", "27447", None, 100], "hcpcs", pad_hcpcs=True)
    >>> codes.tolist(), uniques.tolist()
    ([0, 0, 2, 1], ['27447', '00100', ''])
    """
    if isinstance(value, pd.Series) and isinstance(value.dtype, pd.CategoricalDtype):
        value = value.array
    if isinstance(value, pd.Categorical):
        codes = np.asarray(value.codes, dtype=np.int64)
        cats = np.asarray(value.categories, dtype=object)
        norm = texts(
            np.append(cats, np.array([None], dtype=object)) if (codes < 0).any() or cats.size == 0 else cats,
            name,
        )
        if pad_hcpcs:
            norm = np.array([v.zfill(5) if v.isdigit() and len(v) < 5 else v for v in norm], dtype=object)
        codes2, uniq2 = pd.factorize(norm)
        return np.asarray(codes2)[codes], np.asarray(uniq2, dtype=object)
    arr = (
        value.to_numpy(dtype=object)
        if isinstance(value, pd.Series | pd.Index)
        else np.asarray(value, dtype=object)
    )
    shape = arr.shape
    codes, uniq = pd.factorize(arr.reshape(-1))  # None/NaN -> -1, which picks the '' appended below
    norm = texts(np.asarray(uniq, dtype=object), name)
    if len(norm) == 0 or codes.min() < 0:
        norm = np.append(norm, "").astype(object)
    if pad_hcpcs:
        norm = np.array([v.zfill(5) if v.isdigit() and len(v) < 5 else v for v in norm], dtype=object)
    codes2, uniq2 = pd.factorize(norm)
    return np.asarray(codes2)[codes].reshape(shape), np.asarray(uniq2, dtype=object)


def _setting_codes(setting: Any) -> tuple[np.ndarray, np.ndarray]:
    codes, uniq = factorized(setting, "setting")
    nonfac = np.empty(len(uniq), dtype=bool)
    for i, s in enumerate(uniq):
        if s not in SETTINGS:
            raise InputError(f"setting must be 'facility' or 'nonfacility' (or F, NF, office...), got {s!r}")
        nonfac[i] = SETTINGS[s]
    return codes, nonfac


def _locality_ids(uniq: np.ndarray) -> np.ndarray:
    out = np.empty(len(uniq), dtype=object)
    for i, v in enumerate(uniq):
        m = re.fullmatch(r"([A-Z]{2})\s*-?\s*(\d{1,2})", v)
        if v and not m:
            raise InputError(
                f"locality must be a locality id such as 'CA-18' (see resolve_locality), got {v!r}"
            )
        out[i] = f"{m.group(1)}-{m.group(2).zfill(2)}" if m else ""
    return out


def _status_notes(table: PfsYear) -> tuple[np.ndarray, np.ndarray]:
    """Per RVU row: payable status (bool) and the reason text when not payable (cached on the table)."""
    if table.status_notes is not None:
        return table.status_notes
    spec = rules()["status_codes"]
    status = table.rvu["status"].to_numpy(dtype=object)
    payable = np.isin(status, spec["payable"])
    reason = np.array(
        [spec["reasons"].get(s, spec["other"].format(status=s)) for s in pd.unique(status)], dtype=object
    )
    lookup = dict(zip(pd.unique(status), reason, strict=True))
    table.status_notes = (payable, np.array([lookup[s] for s in status], dtype=object))
    return table.status_notes


def price_arrays(
    hcpcs: Any,
    modifier: Any = "",
    locality: Any = "",
    setting: Any = "facility",
    year: Any = 2025,
    qp: Any = False,
    date_of_service: Any = None,
    detail: bool = True,
) -> dict[str, Any]:
    """Flat arrays of every priced quantity (the engine behind :func:`price_pfs` and :func:`medicare_amount`).

    Returns a dict with ``shape`` and flat arrays: the normalised inputs (``hcpcs``, ``modifier``,
    ``locality``, ``nonfacility``, ``year``, ``qp``), ``row`` (index into the year's RVU table, -1 when
    absent), the RVU and GPCI parts, ``cf``, ``amount`` (NaN when not priced), ``priced`` and, with
    ``detail`` (the default), the text columns ``status``, ``row_modifier`` and ``note``.

    >>> a = price_arrays(["99285", "64999"], detail=True)
    >>> a["priced"].tolist(), a["status"].tolist(), a["work_rvu"].tolist()
    ([True, False], ['A', 'C'], [4.0, 0.0])
    """
    hc, hc_u = factorized(hcpcs, "hcpcs", pad_hcpcs=True)
    md, md_u = factorized(modifier, "modifier")
    lc, lc_u = factorized(locality, "locality")
    st, nonfac_u = _setting_codes(setting)
    yr_in = np.asarray(year)
    if yr_in.dtype.kind not in "iuf" or (yr_in.dtype.kind == "f" and np.any(yr_in != np.round(yr_in))):
        raise InputError(f"year must be a calendar year such as 2025, got {year!r}")
    yr = yr_in.astype(np.int64)
    qp_in = np.asarray(qp)
    if qp_in.dtype.kind not in "bui":
        raise InputError(f"qp must be True or False, got {qp!r}")
    qpa = qp_in.astype(bool)
    dos = np.asarray(
        np.datetime64("NaT") if date_of_service is None else date_of_service, dtype="datetime64[D]"
    )
    hc, md, lc, st, yr, qpa, dos = np.broadcast_arrays(hc, md, lc, st, yr, qpa, dos)
    shape = hc.shape
    hc, md, lc, st, yr, qpa, dos = (a.reshape(-1) for a in (hc, md, lc, st, yr, qpa, dos))
    hc = hc.astype(np.int64)
    n = hc.size

    mods = [split_modifiers(m) for m in md_u]
    rm_of_mod = np.zeros(len(md_u), dtype=np.int64)
    for i, ms in enumerate(mods):
        picked = [m for m in ms if m in ("26", "TC", "53")]
        rm_of_mod[i] = (
            ROW_MODS.index("CONFLICT") if len(set(picked)) > 1 else ROW_MODS.index(picked[0]) if picked else 0
        )
    rm = rm_of_mod[md]
    # a modifier is two letters or digits (CMS HCPCS modifiers); anything else is a typo or stray text
    bad_mod_u = np.array(
        [next((m for m in ms if not _MODIFIER.fullmatch(m)), "") for ms in mods], dtype=object
    )
    bad_mod = bad_mod_u[md] != ""
    loc_ids = _locality_ids(lc_u)
    nonfac = nonfac_u[st]

    out: dict[str, Any] = {"shape": shape, "nonfacility": nonfac, "year": yr, "qp": qpa}
    row = np.full(n, -1, dtype=np.int64)
    row_mod = np.zeros(n, dtype=np.int64)
    for name in (
        "work_rvu",
        "pe_rvu",
        "mp_rvu",
        "gpci_work",
        "gpci_pe",
        "gpci_mp",
        "cf",
        "amount",
        "pe_na",
        "payable",
    ):
        out[name] = np.zeros(n, dtype=bool) if name in ("pe_na", "payable") else np.full(n, np.nan)
    cf_note = np.full(n, "", dtype=object)
    tables: dict[int, PfsYear] = {}
    years = np.unique(yr_in)  # the distinct years, from the input before broadcasting
    for y in years:
        sel = slice(None) if len(years) == 1 else np.flatnonzero(yr == y)
        table = tables.setdefault(int(y), load_pfs(int(y)))
        # RVU row of each (code, row modifier) pair, falling back to the code's own row
        pair_codes, pairs = pd.factorize(hc[sel] * len(ROW_MODS) + rm[sel])
        pairs = np.asarray(pairs)
        p_code, p_rm = hc_u[pairs // len(ROW_MODS)], pairs % len(ROW_MODS)
        wanted = np.array([ROW_MODS[r] if r < 4 else "" for r in p_rm], dtype=object)
        idx = table.key.get_indexer(p_code + "|" + wanted)
        base = table.key.get_indexer(p_code + "|")
        p_row = np.where(idx >= 0, idx, base)
        p_used = np.where(idx >= 0, p_rm, 0)
        r = p_row[pair_codes]
        row[sel], row_mod[sel] = r, np.where(p_rm == 4, 4, p_used)[pair_codes]
        found = r >= 0
        rr = np.where(found, r, 0)
        rvu = table.rvu
        nf = nonfac[sel]
        pe = np.where(nf, rvu["nf_pe_rvu"].to_numpy()[rr], rvu["f_pe_rvu"].to_numpy()[rr])
        na = np.where(nf, rvu["nf_na"].to_numpy()[rr], rvu["f_na"].to_numpy()[rr]) & found
        payable_row, _ = _status_notes(table)
        out["work_rvu"][sel] = np.where(found, rvu["work_rvu"].to_numpy()[rr], np.nan)
        out["pe_rvu"][sel] = np.where(found, pe, np.nan)
        out["mp_rvu"][sel] = np.where(found, rvu["mp_rvu"].to_numpy()[rr], np.nan)
        out["pe_na"][sel] = na
        out["payable"][sel] = payable_row[rr] & found
        # GPCIs of each locality id (national: 1, 1, 1)
        l_codes, l_u = pd.factorize(lc[sel])
        ids = loc_ids[np.asarray(l_u)]
        g = np.ones((len(ids), 3))
        wanted_loc = ids != ""
        if wanted_loc.any():
            if table.gpci is None:
                raise InputError(
                    f"locality {ids[wanted_loc][0]!r}: no CY{int(y)} GPCIs are embedded or imported; price "
                    f"nationally (no locality) or import them with: oonkit data import-pfs --year {int(y)} "
                    f"--rvu PPRRVU....csv --gpci GPCI....csv"
                )
            at = table.gpci.index.get_indexer(ids[wanted_loc])
            if (at < 0).any():
                raise InputError(
                    f"locality {ids[wanted_loc][at < 0][0]!r} is not a {int(y)} Medicare locality"
                )
            g[wanted_loc] = table.gpci[["gpci_work", "gpci_pe", "gpci_mp"]].to_numpy(dtype=float)[at]
        for k, name in enumerate(("gpci_work", "gpci_pe", "gpci_mp")):
            out[name][sel] = g[l_codes, k]
        # conversion factor per (qp, date of service)
        d = dos[sel]
        offset = 1 << 40
        dkey = np.where(np.isnat(d), -offset, d.astype(np.int64)) + offset
        c_codes, c_u = pd.factorize(qpa[sel].astype(np.int64) + 2 * dkey)
        cfs = np.empty(len(c_u))
        c_note = np.full(len(c_u), "", dtype=object)
        for i, k in enumerate(np.asarray(c_u)):
            day = int(k // 2) - offset
            when = None if day == -offset else np.datetime64(day, "D").astype(object)
            # a date outside a year whose CF changed within it is a note on its lines, not an error
            c_note[i] = cf_date_problem(int(y), when)
            cfs[i] = np.nan if c_note[i] else conversion_factor(int(y), bool(k % 2), "pfs", when)
        out["cf"][sel] = cfs[c_codes]
        cf_note[sel] = c_note[c_codes]

    conflict = rm == ROW_MODS.index("CONFLICT")
    no_code = (hc_u == "")[hc]
    found_all = row >= 0
    no_cf = cf_note != ""
    priced = out["payable"] & ~out["pe_na"] & ~conflict & ~no_code & ~no_cf & ~bad_mod
    amount = (
        out["work_rvu"] * out["gpci_work"] + out["pe_rvu"] * out["gpci_pe"] + out["mp_rvu"] * out["gpci_mp"]
    ) * out["cf"]
    out["amount"] = np.where(priced, amount, np.nan)
    out.update(row=row, priced=priced)
    if not detail:
        return out
    # reasons in plain words: 1 status, 2 absent, 3/4 PE NA, 5 conflicting modifiers, 6 no code,
    # 7 no conversion factor for the date of service
    # 8 a modifier that is not one, and 9 (priced) a 26, TC or 53 the code has no RVU row for
    reason = np.select(
        [no_code, bad_mod, conflict, ~found_all, ~out["payable"], out["pe_na"] & nonfac, out["pe_na"], no_cf],
        [6, 8, 5, 2, 1, 4, 3, 7],
        0,
    )
    reason[(reason == 0) & (rm > 0) & (rm < 4) & (row_mod == 0)] = 9
    note = np.full(n, "", dtype=object)
    status = np.full(n, "", dtype=object)
    fixed = {
        3: "PE not payable in the facility setting (NA)",
        4: "PE not payable in the non-facility setting (NA)",
        5: "modifiers 26 and TC (or 53) cannot be combined on one line",
        6: "no HCPCS code",
    }
    for code, text in fixed.items():
        note[reason == code] = text
    note[reason == 7] = cf_note[reason == 7]
    for j in np.flatnonzero(reason == 8).tolist():
        note[j] = f"modifier {md_u[md[j]]!r}: {bad_mod_u[md[j]]!r} is not a modifier (two letters or digits)"
    for j in np.flatnonzero(reason == 9).tolist():
        m = ROW_MODS[rm[j]]
        note[j] = (
            f"modifier {m} does not apply to {hc_u[hc[j]]} (the fee schedule has no {m} row): priced as the code"
        )
    for y, table in tables.items():
        at = np.flatnonzero(yr == y) if len(tables) > 1 else np.arange(n)
        hit = at[found_all[at]]
        status[hit] = table.rvu["status"].to_numpy(dtype=object)[row[hit]]
        why = at[reason[at] == 1]
        note[why] = _status_notes(table)[1][row[why]]
        note[at[reason[at] == 2]] = f"code not in the {y} fee schedule"
    out.update(
        hcpcs=hc_u[hc],
        modifier=md_u[md],
        locality=loc_ids[lc],
        row_modifier=np.array(["", "26", "TC", "53", ""], dtype=object)[row_mod],
        status=status,
        note=note,
    )
    return out


def price_pfs(
    hcpcs: Any,
    modifier: Any = "",
    locality: Any = "",
    setting: Any = "facility",
    year: Any = 2025,
    qp: Any = False,
    date_of_service: Any = None,
) -> pd.DataFrame:
    """Medicare PFS amount and its parts, one row per input line (inputs broadcast).

    Parameters
    ----------
    hcpcs : str or array_like
        HCPCS/CPT code ("27447"; all-digit codes that lost leading zeros are padded: 100 -> "00100").
    modifier : str or array_like, default ""
        One or more modifiers ("26", "TC", "LT,50", "62 LT"). 26, TC and 53 select their RVU row when the
        file has one; other modifiers do not change this amount (see :func:`udfs.surgery.price_claim`).
    locality : str or array_like, default ""
        Locality id "ST-NN" from :func:`udfs.localities.resolve_locality`; "" prices nationally (GPCIs 1).
    setting : {'facility', 'nonfacility'} or array_like, default 'facility'
        Also accepted: 'non-facility', 'office', 'F', 'NF'.
    year : int or array_like, default 2025
    qp : bool or array_like, default False
        Qualifying APM participant (its own CF from 2026).
    date_of_service : date or array_like, optional
        Only needed for a year whose CF changed mid-year (2024). It may fall in another year than
        ``year`` (a payer benchmarking a fixed fee schedule year) when ``year`` has a single CF; for a year
        with several CFs such a line is not priced and its note says why.

    Returns
    -------
    DataFrame
        Columns hcpcs, modifier, locality, setting, year, status, priced, row_modifier (the RVU row used),
        work_rvu, pe_rvu, mp_rvu, gpci_work, gpci_pe, gpci_mp, cf, amount (NaN when not priced) and note
        ('' when priced, else the reason).

    Notes
    -----
    amount = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF, unrounded; PE RVU is the
    facility or non-facility PE by setting. Payable statuses are A, R and T.

    References
    ----------
    CMS PPRRVU25_JAN1 (RVU25A), GPCI2025 (Addendum E), CY2025 CF $32.3465.

    Examples
    --------
    >>> p = price_pfs("27447", locality="CA-18")
    >>> round(float(p.amount[0]), 2), float(p.work_rvu[0]), float(p.gpci_pe[0])
    (1340.36, 19.6, 1.194)
    >>> price_pfs("70553", ["", "26", "TC"]).amount.round(2).tolist()
    [nan, 104.8, nan]
    >>> price_pfs("70553", "TC").note[0]
    'PE not payable in the facility setting (NA)'
    """
    a = price_arrays(hcpcs, modifier, locality, setting, year, qp, date_of_service)
    return pd.DataFrame(
        {
            "hcpcs": a["hcpcs"],
            "modifier": a["modifier"],
            "locality": a["locality"],
            "setting": np.where(a["nonfacility"], "nonfacility", "facility").astype(object),
            "year": a["year"],
            "status": a["status"],
            "priced": a["priced"],
            "row_modifier": a["row_modifier"],
            **{k: a[k] for k in OUTPUT_COLUMNS[8:16]},
            "note": a["note"],
        }
    )


def medicare_amount(
    hcpcs: Any,
    modifier: Any = "",
    locality: Any = "",
    setting: Any = "facility",
    year: Any = 2025,
    qp: Any = False,
    date_of_service: Any = None,
) -> Any:
    """Medicare PFS amount only: same arguments as :func:`price_pfs`; NaN where not priced.

    Returns a float for scalar input, else an ndarray of the broadcast shape.

    Notes
    -----
    amount = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF

    References
    ----------
    CMS PPRRVU25_JAN1 row 99285: work 4.00, facility PE 0.79, MP 0.43; CF 32.3465.

    Examples
    --------
    >>> round(medicare_amount("99285"), 2)
    168.85
    >>> medicare_amount(["99285", "G0008"]).round(2)
    array([168.85,    nan])
    """
    a = price_arrays(hcpcs, modifier, locality, setting, year, qp, date_of_service, detail=False)
    out = a["amount"].reshape(a["shape"])
    return scalar_out(out, hcpcs, modifier, locality, setting, year, qp)


def limiting_charge(amount: npt.ArrayLike) -> Any:
    """Most a non-participating physician may charge a Medicare patient: 109.25% of the fee schedule amount.

    Notes
    -----
    limiting charge = 1.15 x (0.95 x amount) = 1.0925 x amount (factor in pfs_payment_rules.yaml).

    References
    ----------
    Social Security Act s. 1848(g)(2)(C); 42 CFR 414.48.

    Examples
    --------
    >>> round(limiting_charge(100.0), 4)
    109.25
    """
    from .arrays import floats

    factor = float(rules()["limiting_charge"]["factor"])
    values = floats(amount, "amount")
    return scalar_out(values * factor, amount)
