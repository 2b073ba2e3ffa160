"""Medicare payment localities: from state + locality number, MAC + locality number, or state + county to
the canonical locality id ``"ST-NN"`` (state postal code + two-digit locality number, e.g. ``"CA-18"``,
unique among the 109 localities of 2025; MAC + locality number is unique too, MAC alone is not).

An empty id ``""`` means national pricing (GPCIs of 1).

References
----------
CMS, CY2025 PFS final rule Addendum E (GPCIs by locality) and the county-to-locality file 25LOCCO.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .arrays import broadcast, scalar_out
from .errors import InputError

# State (and territory) names as the crosswalk writes them -> postal codes.
STATE_CODES = {
    "ALABAMA": "AL",
    "ALASKA": "AK",
    "ARIZONA": "AZ",
    "ARKANSAS": "AR",
    "CALIFORNIA": "CA",
    "COLORADO": "CO",
    "CONNECTICUT": "CT",
    "DELAWARE": "DE",
    "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL",
    "GEORGIA": "GA",
    "HAWAII": "HI",
    "HAWAII/GUAM": "HI",
    "IDAHO": "ID",
    "ILLINOIS": "IL",
    "INDIANA": "IN",
    "IOWA": "IA",
    "KANSAS": "KS",
    "KENTUCKY": "KY",
    "LOUISIANA": "LA",
    "MAINE": "ME",
    "MARYLAND": "MD",
    "MASSACHUSETTS": "MA",
    "MICHIGAN": "MI",
    "MINNESOTA": "MN",
    "MISSISSIPPI": "MS",
    "MISSOURI": "MO",
    "MONTANA": "MT",
    "NEBRASKA": "NE",
    "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ",
    "NEW MEXICO": "NM",
    "NEW YORK": "NY",
    "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND",
    "OHIO": "OH",
    "OKLAHOMA": "OK",
    "OREGON": "OR",
    "PENNSYLVANIA": "PA",
    "PUERTO RICO": "PR",
    "RHODE ISLAND": "RI",
    "SOUTH CAROLINA": "SC",
    "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN",
    "TEXAS": "TX",
    "UTAH": "UT",
    "VERMONT": "VT",
    "VIRGIN ISLANDS": "VI",
    "VIRGINIA": "VA",
    "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV",
    "WISCONSIN": "WI",
    "WYOMING": "WY",
}
# Territories priced in another state's locality (GPCI locality "HAWAII, GUAM").
STATE_ALIASES = {"GU": "HI", "GUAM": "HI"}
_SUFFIX = re.compile(r"\b(COUNTY|CNTY|CO|PARISH|BOROUGH|CENSUS AREA|MUNICIPALITY)\b\.?$")


def county_key(name: Any) -> str:
    """County name as the crosswalk is matched: upper case, single spaces, no periods or apostrophes, hyphens
    as spaces, no 'COUNTY' suffix, 'SAINT' written 'ST'.

    >>> county_key(" Los Angeles County"), county_key("St. Louis"), county_key("saint louis")
    ('LOS ANGELES', 'ST LOUIS', 'ST LOUIS')
    >>> county_key("Prince Georges"), county_key("PRINCE GEORGE'S"), county_key("Miami-Dade")
    ('PRINCE GEORGES', 'PRINCE GEORGES', 'MIAMI DADE')
    """
    text = str(name or "").upper().replace(".", " ").replace("-", " ")
    text = re.sub(r"['\u2019]", "", text)  # PRINCE GEORGE'S, typed with or without the apostrophe
    text = re.sub(r"\s+", " ", text).strip()
    text = _SUFFIX.sub("", text).strip()
    return re.sub(r"^SAINT\b", "ST", text)


def _clean(value: Any) -> str:
    """Cell value as stripped text ('' for None/NaN; 18.0 -> '18'), in the user's spelling for messages."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _state(value: str) -> str:
    value = value.strip().upper()
    value = STATE_ALIASES.get(value, value)
    if len(value) > 2:
        value = STATE_CODES.get(re.sub(r"\s+", " ", value), value)
    return value


def _resolve_one(state: str, locality: str, county: str, mac: str, year: int) -> str:
    """Locality id of one combination, or raise InputError naming the argument."""
    from .pfs_data import load_pfs

    if not (state or locality or county or mac):
        return ""
    table = load_pfs(year)
    if table.gpci is None:
        raise InputError(
            f"year {year}: no CY{year} GPCIs are embedded or imported, so a locality cannot be priced; "
            f"price nationally (no locality) or import them with: oonkit data import-pfs --year {year} "
            f"--rvu PPRRVU....csv --gpci GPCI....csv"
        )
    gpci = table.gpci
    st = _state(state)
    if state and st not in set(gpci["state"]):
        raise InputError(f"state {state!r} is not a state with a {year} Medicare locality")
    if re.fullmatch(r"[A-Z]{2}-\d{1,2}", locality):
        st2, num = locality.split("-")
        if state and st2 != st:
            raise InputError(f"locality {locality!r} is not in state {state!r}")
        st, locality = st2, num
    if locality and not locality.isdigit():
        raise InputError(f"locality {locality!r} is not a locality number (for example 18 or CA-18)")
    loc = locality.zfill(2) if locality else ""
    macs = mac.zfill(5) if mac.isdigit() else mac
    if mac and not macs.isdigit():
        raise InputError(f"mac {mac!r} is not a MAC number (5 digits, e.g. 01182)")
    if loc:
        rows = gpci[gpci["locality"] == loc]
        if st:
            rows = rows[rows["state"] == st]
        if mac:
            rows = rows[rows["mac"] == macs]
        if len(rows) == 1:
            if county:
                found = _resolve_one(st, "", county, "", year)
                if found != rows.index[0]:
                    raise InputError(f"county {county!r} is in locality {found}, not {rows.index[0]}")
            return str(rows.index[0])
        if not (st or mac):
            raise InputError(
                f"locality {locality!r} needs a state or a MAC (locality numbers repeat across states)"
            )
        what = " and ".join(x for x in (f"state {state!r}" if st else "", f"mac {mac!r}" if mac else "") if x)
        raise InputError(f"locality {locality!r} does not exist for {what} in {year}")
    if county:
        if not st:
            raise InputError(f"county {county!r} needs a state")
        if table.locco is None:
            raise InputError(
                f"year {year}: no county crosswalk is embedded or imported (import one with --locco)"
            )
        rows = table.locco[table.locco["state"] == st]
        key = county_key(county)
        hit = rows[(rows["kind"] == "county") & (rows["county"].map(county_key) == key)]
        if hit.empty:
            hit = rows[rows["kind"].isin(["rest", "all"])]
        ids = sorted(set(hit["locality_id"]))
        if len(ids) != 1:
            raise InputError(f"county {county!r} in state {st} matches no single {year} locality")
        if mac and gpci.loc[ids[0], "mac"] != macs:
            raise InputError(f"mac {mac!r} does not serve county {county!r} ({ids[0]})")
        return ids[0]
    rows = gpci
    if st:
        rows = rows[rows["state"] == st]
    if mac:
        rows = rows[rows["mac"] == macs]
        if rows.empty:
            raise InputError(
                f"mac {mac!r} serves no {year} locality" + (f" in state {state!r}" if st else "")
            )
    if len(rows) == 1:
        return str(rows.index[0])
    raise InputError(
        f"state {state!r} has {len(rows)} localities in {year}: give the locality number or the county"
        if st
        else f"mac {mac!r} serves {len(rows)} localities: give the locality number"
    )


def county_named(state: Any, county: Any, year: int = 2025) -> bool:
    """True when the CMS county crosswalk names ``county`` in ``state``; False when it would resolve only
    through the state's rest-of-state row (a county of that area, or a misspelling: no list of every US
    county is embedded to tell them apart).

    >>> county_named("CA", "Los Angeles"), county_named("CA", "Nowhere")
    (True, False)
    """
    from .pfs_data import load_pfs

    table = load_pfs(int(year))
    if table.locco is None:
        return False
    rows = table.locco[table.locco["state"] == _state(_clean(state))]
    return bool(((rows["kind"] == "county") & (rows["county"].map(county_key) == county_key(county))).any())


def resolve_locality(
    state: Any = None,
    locality: Any = None,
    county: Any = None,
    mac: Any = None,
    year: Any = 2025,
    errors: str = "raise",
) -> Any:
    """Canonical Medicare locality id ``"ST-NN"`` for each combination of state, locality, county and MAC.

    Parameters
    ----------
    state : str or array_like, optional
        Postal code ("CA") or name ("California").
    locality : str, int or array_like, optional
        Locality number (18, "18", "05") or a canonical id ("CA-18").
    county : str or array_like, optional
        County name, matched case- and space-insensitively without "County"; counties the crosswalk does not
        name resolve to the state's rest-of-state (or statewide) locality.
    mac : str or array_like, optional
        Medicare Administrative Contractor number ("01182" or 1182).
    year : int or array_like, default 2025
    errors : {'raise', 'coerce'}
        ``'raise'`` raises :class:`~udfs.errors.InputError` for the first unknown combination, naming the
        argument and value; ``'coerce'`` returns ``(ids, reasons)`` with ``""`` and the reason text where a
        row cannot be resolved (reason ``""`` where it can).

    Returns
    -------
    str or ndarray of str
        ``""`` (national) where no argument is given.

    Notes
    -----
    Look-ups, in order: a canonical id in ``locality``; state and/or MAC + locality number in the GPCI
    table; state + county in the county crosswalk; a state or MAC with a single locality.

    References
    ----------
    CMS CY2025 PFS Addendum E (GPCI2025) and the 2025 county crosswalk (25LOCCO).

    Examples
    --------
    >>> resolve_locality("CA", 18), resolve_locality(mac="01112", locality=5), resolve_locality()
    ('CA-18', 'CA-05', '')
    >>> resolve_locality("ca", county="Los Angeles County"), resolve_locality("CA", county="Alpine")
    ('CA-18', 'CA-75')
    >>> resolve_locality(["TX", "AL"], [18, None])
    array(['TX-18', 'AL-00'], dtype=object)
    >>> resolve_locality("ZZ", 1)
    Traceback (most recent call last):
    ...
    udfs.errors.InputError: state 'ZZ' is not a state with a 2025 Medicare locality
    >>> resolve_locality(["CA", "TX"], [18, 77], errors="coerce")[1][1]
    "locality '77' does not exist for state 'TX' in 2025"
    """
    if errors not in ("raise", "coerce"):
        raise InputError(f"errors must be 'raise' or 'coerce', got {errors!r}")
    args = [np.asarray(a, dtype=object) for a in (state, locality, county, mac)]
    years = np.asarray(year, dtype=object)
    b = broadcast(*args, years)
    flat = pd.DataFrame({k: v.reshape(-1) for k, v in zip(("s", "l", "c", "m", "y"), b, strict=True)})
    flat["y"] = flat["y"].astype(int)
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(flat))
    ids = np.empty(len(uniques), dtype=object)
    why = np.empty(len(uniques), dtype=object)
    for i, (s, loc, c, m, y) in enumerate(uniques):
        try:
            ids[i], why[i] = _resolve_one(_clean(s), _clean(loc).upper(), _clean(c), _clean(m), int(y)), ""
        except InputError as exc:
            if errors == "raise":
                raise
            ids[i], why[i] = "", str(exc)
    shape = b[0].shape
    out = ids[codes].reshape(shape)
    inputs = (state, locality, county, mac, year)
    if errors == "coerce":
        return scalar_out(out, *inputs), scalar_out(why[codes].reshape(shape), *inputs)
    return scalar_out(out, *inputs)


def locality_name(locality_id: str, year: int = 2025) -> str:
    """Name of a locality as CMS writes it ('' for national).

    >>> locality_name("CA-18")
    'LOS ANGELES-LONG BEACH-ANAHEIM (LOS ANGELES/ORANGE CNTY)'
    """
    from .pfs_data import load_pfs

    if not locality_id:
        return "national (GPCIs of 1)"
    gpci = load_pfs(year).gpci
    if gpci is None or locality_id not in gpci.index:
        raise InputError(f"locality {locality_id!r} is not a {year} Medicare locality")
    return str(gpci.loc[locality_id, "name"])
