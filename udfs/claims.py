"""Pricing claim lines: the Medicare amount of each line with the claim-level surgical rules, for a claims file
(``price_claims``) or remittance lines (``price_lines``), and the checks of their Medicare localities.

Lines are priced per claim and date of service (the multiple-procedure rules apply to procedures on one day,
Medicare Claims Processing Manual ch. 12 s. 40.6). A line that cannot be priced gets a note saying why (a year
without a fee schedule, a locality without GPCIs for the year, a carrier-priced code...) instead of stopping the
rest; a claim whose data the pricing refuses (an :class:`~udfs.errors.InputError`, such as an unknown
setting) gets the message as the note of each of its lines, and the other claims are priced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .charges import ChargeBenchmark
from .errors import InputError
from .payers import PayerProfile, profile_for
from .pfs_data import available_years, load_pfs
from .surgery import price_claim

PRICE_CHUNK = 20_000  # lines per call of price_claim (whole claims): its working memory grows with its input
_LOCALITY = re.compile(r"([A-Z]{2})\s*-?\s*(\d{1,2})")


def locality_id(text: Any) -> str | None:
    """``CA-18`` for ``ca 18``, ``CA18``...; '' for blank; None when it is not a locality id.

    >>> locality_id("ca 8"), locality_id(""), locality_id("Los Angeles")
    ('CA-08', '', None)
    """
    t = "" if text is None else str(text).strip().upper()
    if not t:
        return ""
    m = _LOCALITY.fullmatch(t)
    return f"{m.group(1)}-{m.group(2).zfill(2)}" if m else None


def gpci_localities(year: int) -> set[str] | None:
    """The localities with GPCIs embedded or imported for ``year``; None when the year has none."""
    table = load_pfs(year).gpci
    return None if table is None else set(table.index)


def locality_problems(localities: Iterable[Any], years: Iterable[int]) -> list[tuple[int, str]]:
    """(position, message) of each locality that is not an id such as CA-18, or not a Medicare locality in
    the line's year when oonkit has that year's GPCIs (a year without GPCIs is a pricing note, not an error)."""
    known = set(available_years())
    cache: dict[int, set[str] | None] = {}
    out = []
    for i, (text, year) in enumerate(zip(localities, years, strict=True)):
        loc = locality_id(text)
        if loc is None:
            out.append((i, f"{text!r} is not a locality id such as CA-18"))
            continue
        if not loc or year not in known:
            continue
        if year not in cache:
            cache[year] = gpci_localities(year)
        ids = cache[year]
        if ids is not None and loc not in ids:
            out.append((i, f"{text!r} is not a {year} Medicare locality"))
    return out


def claim_chunks(keys: np.ndarray, size: int) -> list[slice]:
    """Slices of about ``size`` rows that never split a claim (the rows of a claim are contiguous): a slice
    ends at the first claim boundary at or after ``size`` rows.

    >>> claim_chunks(np.array([0, 0, 1, 1, 1, 2, 3, 3, 4]), 3)
    [slice(0, 5, None), slice(5, 8, None), slice(8, 9, None)]
    """
    n = keys.size
    if n <= size:
        return [slice(0, n)] if n else []
    starts = np.append(np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]), n)
    out, begin = [], 0
    while begin < n:
        cut = int(starts[np.searchsorted(starts, begin + size, side="left")]) if begin + size < n else n
        out.append(slice(begin, cut))
        begin = cut
    return out


def _price_claims_or_notes(
    at: np.ndarray, key: np.ndarray, args: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``price_claim`` on the lines ``at`` (whole claims, contiguous by key): (allowed, note, priced).

    A claim that raises :class:`InputError` (a data problem of that claim) is found by halving the lines at
    claim boundaries, and its lines get the error's message as their note; any other exception propagates.
    """
    code, mods, unit, loc, place, yr, dos = (a[at] for a in args)
    try:
        out = price_claim(key[at], code, mods, unit, loc, place, yr, date_of_service=dos)
    except InputError as exc:
        starts = np.flatnonzero(np.r_[True, key[at][1:] != key[at][:-1]])
        if starts.size == 1:
            n = at.size
            return np.full(n, np.nan), np.full(n, str(exc), dtype=object), np.zeros(n, dtype=bool)
        half = int(starts[starts.size // 2])
        first, second = (_price_claims_or_notes(a, key, args) for a in (at[:half], at[half:]))
        return (
            np.concatenate([first[0], second[0]]),
            np.concatenate([first[1], second[1]]),
            np.concatenate([first[2], second[2]]),
        )
    ok = out["priced"].to_numpy(dtype=bool)
    note = np.where(ok, out["adjustments"].to_numpy(dtype=object), out["note"].to_numpy(dtype=object))
    return out["allowed"].to_numpy(dtype=float), note, ok


def price_lines(
    claim_key: Any,
    hcpcs: Any,
    modifier: Any,
    units: Any,
    locality: Any,
    setting: Any,
    year: Any,
    date_of_service: Any,
    chunk: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Medicare amount, note and priced flag of each line (``udfs.surgery.price_claim`` per claim key).

    Parameters
    ----------
    claim_key : array_like
        Lines with the same key are priced together: give the claim id and the date of service.
    hcpcs, modifier, units, locality, setting, year, date_of_service : array_like
        As :func:`udfs.surgery.price_claim` takes them (broadcast to the lines); ``locality`` a canonical
        id or ''.

    Returns
    -------
    medicare : ndarray
        The allowed amount after the claim-level rules; NaN where not priced.
    note : ndarray of str
        The adjustments applied, or why the line is not priced: a claim the pricing refuses as a whole
        (:class:`~udfs.errors.InputError`, e.g. an unknown setting on one of its lines) has the message on
        each of its lines, and the other claims are still priced.
    priced : ndarray of bool
    """
    key = np.asarray(claim_key, dtype=object).reshape(-1)
    n = key.size

    def per_line(value: Any, dtype: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=dtype), (n,))

    code = per_line(hcpcs, object)
    mods = per_line(modifier, object)
    unit = per_line(units, float)
    loc = per_line(locality, object)
    place = per_line(setting, object)
    yr = per_line(year, np.int64)
    dos = per_line(date_of_service, "datetime64[D]")
    note = np.full(n, "", dtype=object)
    known = set(available_years())
    for y in np.unique(yr):
        if int(y) not in known:
            note[yr == y] = f"no {int(y)} Medicare fee schedule in oonkit (oonkit data import-pfs adds one)"
    for y in np.unique(yr[(note == "") & (loc != "")]):
        if gpci_localities(int(y)) is None:
            at = (note == "") & (yr == y) & (loc != "")
            note[at] = (
                f"no {int(y)} GPCIs in oonkit for the locality: oonkit data import-pfs adds them, or set "
                "medicare_year in the payer profile"
            )
    medicare = np.full(n, np.nan)
    priced = np.zeros(n, dtype=bool)
    todo = np.flatnonzero(note == "")
    todo = todo[np.argsort(key[todo].astype(str), kind="stable")]  # a claim's lines together
    text_key = key.astype(str)
    args = (code, mods, unit, loc, place, yr, dos)
    for part in claim_chunks(text_key[todo], chunk or PRICE_CHUNK):
        at = todo[part]
        medicare[at], note[at], priced[at] = _price_claims_or_notes(at, text_key, args)
    note = np.array(["" if x in (None, "nan", "None") or x != x else str(x) for x in note], dtype=object)
    return medicare, note, priced


def price_claims(
    claims: pd.DataFrame,
    profiles: dict[str, PayerProfile],
    benchmark: ChargeBenchmark | None = None,
) -> pd.DataFrame:
    """Add ``payer_id``, ``medicare``, ``medicare_note`` and ``benchmark_rate`` to claim lines.

    Notes
    -----
    The Medicare year is the payer profile's ``medicare_year`` or else the year of the date of service. A
    fixed ``medicare_year`` prices services of any date with that year's fee schedule and conversion factor;
    when that year's CF changed within it (2024), a line whose date of service is outside the year cannot
    pick one and gets a note instead (:func:`udfs.pfs_data.cf_date_problem`). Lines of one claim are priced
    together so that multiple-procedure, bilateral, assistant, co-surgeon and status T rules apply
    (``udfs.surgery.price_claim``). The note says why a line has no Medicare amount, or which
    adjustments were applied. The benchmark is the user's table interpolated at the payer's percentile
    (``udfs.charges``), keyed by code, locality as geo, and modifier.
    """
    out = claims.copy()
    out["payer_id"] = [profile_for(p, profiles).id for p in out["payer"]]
    year_of_profile = {pid: profiles[pid].medicare_year for pid in out["payer_id"].unique()}
    dos_year = pd.to_datetime(out["date_of_service"]).dt.year.to_numpy()
    years = np.array([year_of_profile[p] or y for p, y in zip(out["payer_id"], dos_year, strict=True)])
    dos = pd.to_datetime(out["date_of_service"]).to_numpy(dtype="datetime64[D]")
    key = out["claim_id"].astype(str).to_numpy(dtype=object) + "|" + dos.astype(str).astype(object)
    medicare, note, _ = price_lines(
        key,
        out["hcpcs"].to_numpy(dtype=object),
        out["modifier"].fillna("").to_numpy(dtype=object),
        out["units"].fillna(1).to_numpy(),
        np.array([locality_id(x) or "" for x in out["locality"]], dtype=object),
        out["setting"].fillna("facility").to_numpy(dtype=object),
        years,
        dos,
    )
    out["medicare"] = medicare
    out["medicare_note"] = note
    if benchmark is not None:
        pct = np.array(
            [profiles[p].percentile if profiles[p].percentile else np.nan for p in out["payer_id"]]
        )
        amount, _ = benchmark.amount(
            out["hcpcs"].to_numpy(dtype=object),
            pct,
            out["locality"].fillna("").to_numpy(dtype=object),
            out["modifier"].fillna("").to_numpy(dtype=object),
        )
        given = out["benchmark_rate"].to_numpy(dtype=float)
        out["benchmark_rate"] = np.where(np.isnan(given), amount, given)
    return out
