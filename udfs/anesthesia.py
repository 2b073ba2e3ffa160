"""Medicare anesthesia payment: (base units + time units) x locality-adjusted anesthesia conversion factor.

Base units come from CMS's anesthesia base unit file (one value per anesthesia code 00100-01999), which
this project does not ship: the caller supplies them.

References
----------
Medicare Claims Processing Manual, Pub. 100-04, ch. 12, s. 50 (anesthesia; s. 50.G time units); CMS
"Locality-Adjusted Anesthesia Conversion Factors" (work, PE and MP shares); CY2025 and CY2026 PFS final
rules (national anesthesia CFs). Values in templates/rules/.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .arrays import check_range, floats, scalar_out
from .errors import InputError
from .medicare import factorized
from .money import round_cents
from .pfs_data import conversion_factor, load_pfs, rules


def anesthesia_shares(year: int) -> dict[str, float]:
    """Work, PE and MP shares weighting the GPCIs for the anesthesia CF (latest entry not after ``year``).

    >>> anesthesia_shares(2025)
    {'work': 0.784, 'pe': 0.154, 'mp': 0.062}
    """
    entries = [e for e in rules()["anesthesia"]["shares"] if int(e["from_year"]) <= int(year)]
    if not entries:
        raise InputError(f"year {year}: no anesthesia work/PE/MP shares in pfs_payment_rules.yaml")
    best = max(entries, key=lambda e: int(e["from_year"]))
    return {k: float(best[k]) for k in ("work", "pe", "mp")}


def time_units(minutes: npt.ArrayLike) -> Any:
    """Anesthesia time units: minutes / 15, rounded to one decimal place (half away from zero).

    References
    ----------
    Medicare Claims Processing Manual ch. 12 s. 50.G: "computes time units by dividing reported anesthesia
    time by 15 minutes. Round the time unit to one decimal place."

    >>> time_units(99), time_units([60, 68, 37])
    (6.6, array([4. , 4.5, 2.5]))
    """
    spec = rules()["anesthesia"]
    m = floats(minutes, "minutes")
    check_range(m, "minutes", 0)
    return round_cents(m / float(spec["time_unit_minutes"]), int(spec["time_unit_decimals"]))


def anesthesia_cf(locality: Any = "", year: Any = 2025, qp: Any = False) -> Any:
    """Locality-adjusted anesthesia conversion factor, rounded to cents as CMS publishes it (national: the
    national CF as published, e.g. 20.3178).

    Notes
    -----
    CF_locality = round(CF_national x (s_work x GPCI_work + s_PE x GPCI_PE + s_MP x GPCI_MP), 2);
    the shares of CY2016 are the latest this project could verify (see pfs_payment_rules.yaml).

    References
    ----------
    CMS "Locality-Adjusted Anesthesia Conversion Factors" (published to the cent); shares in
    pfs_payment_rules.yaml; GPCI2025.

    Examples
    --------
    >>> anesthesia_cf(), anesthesia_cf("AL-00")
    (20.3178, 19.37)
    """
    lc, lc_u = factorized(locality, "locality")
    yr = np.asarray(year)
    q = np.asarray(qp).astype(bool)
    lc, yr, q = np.broadcast_arrays(lc, yr, q)
    out = np.empty(lc.shape)
    flat_l, flat_y, flat_q, flat_o = lc.reshape(-1), yr.reshape(-1), q.reshape(-1), out.reshape(-1)
    for key in set(zip(flat_l.tolist(), flat_y.tolist(), flat_q.tolist(), strict=True)):
        li, y, qq = key
        lid = lc_u[li]
        factor = 1.0
        if lid:
            gpci = load_pfs(int(y)).gpci
            if gpci is None:
                raise InputError(
                    f"locality {lid!r}: no CY{int(y)} GPCIs are embedded or imported; "
                    f"import them with oonkit data import-pfs --year {int(y)} ... --gpci GPCI....csv"
                )
            if lid not in gpci.index:
                raise InputError(f"locality {lid!r} is not a {int(y)} Medicare locality")
            s = anesthesia_shares(int(y))
            g = gpci.loc[lid]
            factor = s["work"] * g["gpci_work"] + s["pe"] * g["gpci_pe"] + s["mp"] * g["gpci_mp"]
        mask = (flat_l == li) & (flat_y == y) & (flat_q == qq)
        cf = conversion_factor(int(y), bool(qq), "anesthesia")
        flat_o[mask] = round_cents(cf * factor) if lid else cf
    return scalar_out(out, locality, year, qp)


def anesthesia_amount(
    base_units: Any, minutes: Any, locality: Any = "", year: Any = 2025, qp: Any = False
) -> Any:
    """Medicare anesthesia allowed amount.

    Parameters
    ----------
    base_units : float or array_like
        Base units of the anesthesia code (from CMS's anesthesia base unit file, supplied by the caller).
    minutes : float or array_like
        Anesthesia time in minutes.
    locality : str or array_like, default "" (national)
        Locality id "ST-NN".
    year : int, default 2025
    qp : bool, default False
        Qualifying APM participant (its own anesthesia CF from 2026).

    Returns
    -------
    float or ndarray

    Notes
    -----
    amount = (base units + round(minutes / 15, 1)) x locality anesthesia CF

    References
    ----------
    Medicare Claims Processing Manual ch. 12 s. 50; national anesthesia CF 2025 $20.3178.

    Examples
    --------
    Base 7 units, 99 minutes (6.6 time units), national 2025 CF $20.3178: 13.6 x 20.3178 = 276.32208

    >>> round(anesthesia_amount(7, 99), 2)
    276.32
    """
    b = floats(base_units, "base_units")
    check_range(b, "base_units", 0)
    units = b + time_units(minutes)
    return scalar_out(units * anesthesia_cf(locality, year, qp), base_units, minutes, locality, year, qp)
