"""The Medicare Physician Fee Schedule functions: ``OON_MEDICARE``, ``OON_LOCALITY``, ``OON_MEDICARE_CLAIM``,
``OON_ANESTHESIA`` and ``OON_LIMITING_CHARGE`` (re-exported by :mod:`addin.functions`).

Each converts its cells with :mod:`addin.convert` and calls ``udfs.medicare``, ``udfs.localities``,
``udfs.surgery`` or ``udfs.anesthesia`` once for the whole column. A locality or year that cannot be priced
(unknown locality, no GPCIs for the year, a year without a fee schedule) answers in the rows that use it; the
other rows are priced as usual.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from udfs import anesthesia, localities, medicare, surgery
from udfs.errors import OonError

from .convert import Column, flag, number, run, text
from .register import Cells, excel_function

#: The fee schedule year when the year cell is empty (the default of ``udfs.medicare.price_pfs``).
DEFAULT_YEAR = int(inspect.signature(medicare.price_pfs).parameters["year"].default)
_SETTING_ALIASES = [s for s in medicare.SETTINGS if s not in ("FACILITY", "NONFACILITY")]
_LOCALITY_NUMBER = re.compile(r"\d{1,2}|[A-Za-z]{2}-\d{1,2}")

_DOCS = dict(
    hcpcs="HCPCS/CPT code of each line, e.g. 27447 (leading zeros may be lost: 100 is read as 00100).",
    modifier="Modifiers, e.g. 26, TC, 50, LT, 80, 62; several as 'LT,50' (default none).",
    locality='Medicare locality id as "CA-18" (see OON_LOCALITY); empty prices nationally.',
    setting="facility or nonfacility (also office, F, NF); default facility.",
    year="Fee schedule year, e.g. 2025 (default 2025).",
    qp="TRUE for a qualifying APM participant (its own conversion factor from 2026); default FALSE.",
)


def _hcpcs(fn: str, value: Any) -> Column:
    # five letters and digits (27447, G0008, 0075T); all-digit codes may have lost leading zeros (100: 00100)
    return text(fn, "hcpcs", value, pattern=r"[A-Za-z0-9]{5}|\d{1,4}", what="a 5-character HCPCS/CPT code")


def _setting(fn: str, value: Any) -> Column:
    return text(
        fn,
        "setting",
        value,
        default="facility",
        choices=["facility", "nonfacility"],
        aliases=_SETTING_ALIASES,
    )


def _year(fn: str, value: Any) -> Column:
    return number(fn, "year", value, default=float(DEFAULT_YEAR), low=1900, high=2200, whole=True)


def _years(y: np.ndarray) -> np.ndarray:
    """Year values as int; rows with a problem (NaN) take the default year (their answer is masked)."""
    return np.where(np.isnan(y), DEFAULT_YEAR, y).astype(np.int64)


def _pair_failures(check: Callable[[str, int], Any], locality: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Per row, why ``check(locality, year)`` fails for its pair (None where it does not); one check per
    distinct pair, so a column with all 109 localities costs 109 checks."""
    codes, pairs = pd.factorize(pd.MultiIndex.from_arrays([locality.reshape(-1), year.reshape(-1)]))
    why = np.full(len(pairs), None, dtype=object)
    for i, (loc, y) in enumerate(pairs):
        try:
            check(str(loc), int(y))
        except OonError as exc:
            why[i] = str(exc)
    return why[np.asarray(codes)].reshape(locality.shape)


def _check_pfs(loc: str, y: int) -> None:
    medicare.price_arrays("", "", loc, "facility", y, detail=False)


def _check_anesthesia(loc: str, y: int) -> None:
    anesthesia.anesthesia_cf(loc, y)


def _priced_rows(
    price: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    check: Callable[[str, int], Any],
    locality: np.ndarray,
    year: np.ndarray,
    claim: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``price(rows)`` (amounts and notes of the rows selected by a boolean mask) for every row. If a locality
    or year fails, the rows of the failing pairs get its reason and the others are priced without them; with
    ``claim``, the other lines of a claim with a failing line are left unpriced too (they are priced together)."""
    every = np.ones(locality.shape, dtype=bool)
    try:
        amount, note = price(every)
        return amount.reshape(locality.shape), note.reshape(locality.shape)
    except OonError:
        why = _pair_failures(check, locality, year)
    ok = why == None  # noqa: E711 (elementwise)
    note = why
    if claim is not None:
        failing = pd.Series(why[~ok], index=claim[~ok]).groupby(level=0).first()
        spoiled = ok & np.isin(claim, failing.index)
        for i in zip(*np.nonzero(spoiled), strict=True):
            note[i] = f"claim {claim[i]} has a line that cannot be priced: {failing[claim[i]]}"
        ok &= ~spoiled
    amount = np.full(locality.shape, np.nan)
    if ok.any():
        amount[ok], note[ok] = price(ok)
    return amount, note


# --- fee schedule amount ----------------------------------------------------------------------------------
@excel_function(**_DOCS)
def OON_MEDICARE(hcpcs, modifier=None, locality=None, setting=None, year=None, qp=None) -> Cells:
    """Medicare Physician Fee Schedule amount of each line: RVUs x GPCIs x conversion factor. Codes CMS does not price (carrier-priced, non-covered, bundled, NA setting) say why instead."""
    fn = "OON_MEDICARE"
    cols = [
        _hcpcs(fn, hcpcs),
        text(fn, "modifier", modifier, default=""),
        text(fn, "locality", locality, default=""),
        _setting(fn, setting),
        _year(fn, year),
        flag(fn, "qp", qp, default=False),
    ]

    def compute(h, m, loc, st, y, q):
        st = np.where(st == "", "facility", st)
        yr = _years(y)

        def price(rows):
            a = medicare.price_arrays(h[rows], m[rows], loc[rows], st[rows], yr[rows], q[rows], detail=False)
            amount = a["amount"]
            note = np.full(amount.shape, "", dtype=object)
            unpriced = np.isnan(amount)
            if unpriced.any():  # the reasons: once per distinct code, modifier, setting and year unpriced
                at = np.flatnonzero(rows.reshape(-1))[unpriced]
                keys = [x.reshape(-1)[at] for x in (h, m, st, yr)]
                codes, combos = pd.factorize(pd.MultiIndex.from_arrays(keys))
                parts = [combos.get_level_values(i).to_numpy(dtype=object) for i in range(4)]
                why = medicare.price_arrays(parts[0], parts[1], "", parts[2], parts[3].astype(np.int64))
                note[unpriced] = why["note"][np.asarray(codes)]
            return amount, note

        return _priced_rows(price, _check_pfs, loc, yr)

    return run(fn, cols, compute)


# --- locality ---------------------------------------------------------------------------------------------
@excel_function(
    state="State postal code (CA) or name; needed with a locality number or a county.",
    locality_or_county='Locality number (18), locality id ("CA-18") or county name (Los Angeles).',
    mac="Medicare Administrative Contractor number, e.g. 01182 (with a locality number, instead of the state).",
    year="Fee schedule year whose localities to use (default 2025).",
)
def OON_LOCALITY(state, locality_or_county=None, mac=None, year=None) -> Cells:
    """Medicare locality id ("CA-18") from state + locality number, MAC + locality number, or state + county, for OON_MEDICARE's locality argument."""
    fn = "OON_LOCALITY"
    cols = [
        text(fn, "state", state, default=""),
        text(fn, "locality_or_county", locality_or_county, default=""),
        text(fn, "mac", mac, default=""),
        _year(fn, year),
    ]

    def compute(s, lc, m, y):
        is_number = np.array([bool(_LOCALITY_NUMBER.fullmatch(v)) for v in lc.reshape(-1)]).reshape(lc.shape)
        ids, why = localities.resolve_locality(
            s,
            np.where(is_number, lc, ""),
            np.where(is_number, "", lc),
            m,
            _years(y),
            errors="coerce",
        )
        ids = np.asarray(ids, dtype=object)
        found = ids != ""
        nothing = "give a state with a locality number or county, or a MAC (no locality: leave it empty)"
        note = np.where(np.asarray(why, dtype=object) == "", nothing, why)
        return np.where(found, ids, None), note

    return run(fn, cols, compute)


# --- claim-level adjustments ------------------------------------------------------------------------------
@excel_function(
    claim_id="Claim of each line: lines with the same id are priced together (one date, one surgeon).",
    hcpcs=_DOCS["hcpcs"],
    modifier=_DOCS["modifier"],
    units="Units of service of each line (default 1); each unit beyond the first counts as another procedure.",
    locality=_DOCS["locality"],
    setting=_DOCS["setting"],
    year=_DOCS["year"],
    qp=_DOCS["qp"],
)
def OON_MEDICARE_CLAIM(
    claim_id, hcpcs, modifier=None, units=None, locality=None, setting=None, year=None, qp=None
) -> Cells:
    """Medicare allowed amount of each claim line after the multiple-procedure, bilateral, assistant-at-surgery and co-surgeon rules applied across the lines of its claim."""
    fn = "OON_MEDICARE_CLAIM"
    cols = [
        text(fn, "claim_id", claim_id),
        _hcpcs(fn, hcpcs),
        text(fn, "modifier", modifier, default=""),
        number(fn, "units", units, default=1.0, low=1, whole=True),
        text(fn, "locality", locality, default=""),
        _setting(fn, setting),
        _year(fn, year),
        flag(fn, "qp", qp, default=False),
    ]
    # A line that cannot be read leaves its claim unpriced: the others' ranking depends on it.
    shape = np.broadcast_shapes(*(c.values.shape for c in cols))
    ids = np.broadcast_to(cols[0].values, shape).reshape(-1)
    problem = np.zeros(shape, dtype=bool)
    for c in cols:
        problem |= np.broadcast_to(c.problems != None, shape)  # noqa: E711 (elementwise)
    at = np.flatnonzero(problem.reshape(-1) & (ids != ""))
    held = pd.Series(at + 1, index=ids[at]).groupby(level=0).first()  # claim -> first unreadable row

    def compute(cid, h, m, u, loc, st, y, q):
        st = np.where(st == "", "facility", st)
        yr = _years(y)
        u = np.where(np.isnan(u), 1.0, u)
        row_of_held = pd.Series(cid.reshape(-1)).map(held).to_numpy().reshape(cid.shape)
        usable = np.isnan(row_of_held.astype(float))

        def price(rows):
            take = usable[rows]
            amount = np.full(take.shape, np.nan)
            note = np.full(take.shape, "", dtype=object)
            if take.any():
                sel = rows & usable
                lines = surgery.price_claim(
                    cid[sel], h[sel], m[sel], u[sel], loc[sel], st[sel], yr[sel], q[sel]
                )
                amount[take] = lines["allowed"].to_numpy()
                note[take] = lines["note"].to_numpy(dtype=object)
            return amount, note

        amount, note = _priced_rows(price, _check_pfs, loc, yr, claim=cid)
        for i in zip(*np.nonzero(~usable), strict=True):
            note[i] = (
                f"claim {cid[i]} has a line that cannot be read (row {int(row_of_held[i])} of the range); "
                "fix it to price the claim"
            )
        return amount, note

    return run(fn, cols, compute)


# --- anesthesia and limiting charge -----------------------------------------------------------------------
@excel_function(
    base_units="Base units of the anesthesia code (CMS anesthesia base unit file).",
    minutes="Anesthesia time in minutes (time units = minutes / 15, to one decimal).",
    locality=_DOCS["locality"],
    year=_DOCS["year"],
    qp=_DOCS["qp"],
)
def OON_ANESTHESIA(base_units, minutes, locality=None, year=None, qp=None) -> Cells:
    """Medicare anesthesia amount: (base units + minutes / 15, to one decimal) x the locality's anesthesia conversion factor."""
    fn = "OON_ANESTHESIA"
    cols = [
        number(fn, "base_units", base_units, low=0),
        number(fn, "minutes", minutes, low=0),
        text(fn, "locality", locality, default=""),
        _year(fn, year),
        flag(fn, "qp", qp, default=False),
    ]

    def compute(b, mins, loc, y, q):
        yr = _years(y)

        def price(rows):
            amount = anesthesia.anesthesia_amount(b[rows], mins[rows], loc[rows], yr[rows], q[rows])
            return amount, np.full(amount.shape, "", dtype=object)

        return _priced_rows(price, _check_anesthesia, loc, yr)

    return run(fn, cols, compute)


@excel_function(
    amount="Medicare fee schedule amount (non-participating amounts: the par amount; see OON_MEDICARE)."
)
def OON_LIMITING_CHARGE(amount) -> Cells:
    """Most a non-participating physician may charge a Medicare patient: 109.25% of the fee schedule amount (115% of the 95% non-par amount)."""
    fn = "OON_LIMITING_CHARGE"
    return run(fn, [number(fn, "amount", amount, low=0)], medicare.limiting_charge)
