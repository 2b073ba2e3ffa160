"""The Physician Fee Schedule tables pricing reads: the RVU, GPCI and county crosswalk tables of one year,
from the user's imports (``oonkit data import-pfs``) in preference to the data embedded in
``templates/fees/pfs/<year>/``, loaded once and cached; and the conversion factors by date of service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .errors import InputError, TemplateError
from .reference import load_yaml, user_data_dir

TABLE_FILES = {"rvu": "rvu.csv.gz", "gpci": "gpci.csv", "locco": "locco.csv"}
TEXT_COLUMNS = [
    "hcpcs",
    "mod",
    "status",
    "pctc",
    "glob_days",
    "mult_proc",
    "bilat_surg",
    "asst_surg",
    "co_surg",
    "team_surg",
    "endo_base",
    "image_family",
    "locality_id",
    "mac",
    "state",
    "locality",
    "name",
    "county",
    "kind",
    "area",
]


@dataclass
class PfsYear:
    """The fee schedule tables of one calendar year.

    Attributes
    ----------
    year : int
    rvu : DataFrame
        One row per HCPCS + MOD (columns as written by :mod:`udfs.pfs_import`).
    key : Index
        ``"HCPCS|MOD"`` of each ``rvu`` row, for ``get_indexer`` look-ups.
    gpci : DataFrame or None
        GPCIs indexed by locality id ``ST-NN``; None when no GPCI table exists for the year.
    locco : DataFrame or None
        County crosswalk rows (state, county, locality_id, kind).
    sources : dict
        Table kind -> where it was read from (``embedded`` or ``imported``), and its folder.
    file_cf, file_qp_cf : float or None
        Conversion factor printed in the RVU file, and the QP CF given at import.
    """

    year: int
    rvu: pd.DataFrame
    key: pd.Index
    gpci: pd.DataFrame | None
    locco: pd.DataFrame | None
    sources: dict[str, dict[str, str]] = field(default_factory=dict)
    file_cf: float | None = None
    file_qp_cf: float | None = None
    status_notes: tuple[np.ndarray, np.ndarray] | None = None


def embedded_root() -> Path:
    """Folder of the embedded tables (``templates/fees/pfs``).

    >>> (embedded_root() / "2025" / "rvu.csv.gz").is_file()
    True
    """
    return Path(str(resources.files("templates").joinpath("fees", "pfs")))


def user_root() -> Path:
    """Folder of the user's imported tables (``user_data_dir()/pfs``).

    >>> user_root().name
    'pfs'
    """
    return user_data_dir() / "pfs"


def _read(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype={c: str for c in TEXT_COLUMNS}, keep_default_na=False, na_values=[])
    except (OSError, ValueError) as exc:
        raise TemplateError(f"{path}: cannot read fee schedule table: {exc}") from None
    for c in ("nf_na", "f_na", "not_for_medicare"):
        if c in table:
            table[c] = table[c].astype(str).str.upper().eq("TRUE")
    return table


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.yaml"
    if not path.is_file():
        return {}
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: {exc}") from None


def _locate(year: int) -> dict[str, tuple[str, Path]]:
    """Table kind -> (source label, folder) for ``year``: user imports first, then embedded data."""
    found: dict[str, tuple[str, Path]] = {}
    for label, root in (("imported", user_root()), ("embedded", embedded_root())):
        folder = root / str(year)
        if label == "imported" and not (folder / "manifest.yaml").is_file():
            continue
        for kind, name in TABLE_FILES.items():
            if kind not in found and (folder / name).is_file():
                found[kind] = (label, folder)
    return found


_CACHE: dict[tuple[Any, ...], PfsYear] = {}


def load_pfs(year: int) -> PfsYear:
    """Tables of ``year`` (cached; a new import is picked up by the next call).

    >>> t = load_pfs(2025)
    >>> len(t.gpci), t.sources["rvu"]["source"] in ("embedded", "imported")
    (109, True)
    """
    year = int(year)
    where = _locate(year)
    stamp = tuple(sorted((k, str(f), (f / TABLE_FILES[k]).stat().st_mtime_ns) for k, (_, f) in where.items()))
    cached = _CACHE.get((year, stamp))
    if cached is not None:
        return cached
    if "rvu" not in where:
        years = ", ".join(str(y) for y in available_years()) or "none"
        raise InputError(
            f"year {year}: no CY{year} fee schedule (RVU file) is embedded or imported "
            f"(years available: {years}); "
            f"import it with: oonkit data import-pfs --year {year} --rvu PPRRVU....csv --gpci GPCI....csv"
        )
    rvu = _read(where["rvu"][1] / TABLE_FILES["rvu"])
    key = pd.Index(rvu["hcpcs"].str.cat(rvu["mod"], sep="|"))
    gpci = _read(where["gpci"][1] / TABLE_FILES["gpci"]).set_index("locality_id") if "gpci" in where else None
    locco = _read(where["locco"][1] / TABLE_FILES["locco"]) if "locco" in where else None
    manifest = _manifest(where["rvu"][1])
    sources = {k: {"source": label, "folder": str(folder)} for k, (label, folder) in where.items()}
    table = PfsYear(year, rvu, key, gpci, locco, sources, manifest.get("cf"), manifest.get("qp_cf"))
    _CACHE.clear() if len(_CACHE) > 8 else None
    _CACHE[(year, stamp)] = table
    return table


def available_years() -> list[int]:
    """Years with an RVU table, embedded or imported.

    >>> {2025, 2026} <= set(available_years())
    True
    """
    years = set()
    for root in (user_root(), embedded_root()):
        if root.is_dir():
            years |= {
                int(p.name) for p in root.iterdir() if p.name.isdigit() and (p / TABLE_FILES["rvu"]).is_file()
            }
    return sorted(years)


def inventory() -> pd.DataFrame:
    """One row per year and table: where pricing reads it from (for ``oonkit data list``).

    >>> inventory().columns.tolist()
    ['year', 'table', 'source', 'folder']
    """
    rows = []
    for year in available_years():
        where = _locate(year)
        for kind in TABLE_FILES:
            label, folder = where.get(kind, ("missing", Path("")))
            rows.append(
                {
                    "year": year,
                    "table": kind,
                    "source": label,
                    "folder": str(folder) if label != "missing" else "",
                }
            )
    return pd.DataFrame(rows, columns=["year", "table", "source", "folder"])


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def cf_periods(year: int, kind: str = "pfs") -> list[dict[str, Any]]:
    """The entries of ``templates/rules/conversion_factors.yaml`` for ``year`` (several when the CF changed
    within the year), in file order.

    >>> [(e["non_qp"], str(e["from"])) for e in cf_periods(2024)]
    [(32.7442, '2024-01-01'), (33.2875, '2024-03-09')]
    """
    return [
        e for e in load_yaml("rules/conversion_factors.yaml")[kind] if _as_date(e["from"]).year == int(year)
    ]


def _periods_text(entries: list[dict[str, Any]]) -> str:
    return "; ".join(f"${e['non_qp']} from {e['from']} to {e['to']}" for e in entries)


def cf_date_problem(year: int, date_of_service: Any, kind: str = "pfs") -> str:
    """Why no conversion factor of ``year`` can be chosen for ``date_of_service``; '' when one can.

    Only a year with several CFs needs the date, and then the date must fall in one of their periods. A
    year with a single CF takes any date (or none): a payer profile's ``medicare_year`` prices a service of
    another year with that year's fee schedule and CF.

    >>> cf_date_problem(2025, "2026-02-03"), cf_date_problem(2024, "2024-05-01")
    ('', '')
    >>> cf_date_problem(2024, "2026-02-03")  # doctest: +ELLIPSIS
    'date of service 2026-02-03 is outside 2024, whose conversion factor changed within the year (...'
    """
    entries = cf_periods(year, kind)
    if len(entries) < 2 or date_of_service is None:
        return ""
    day = _as_date(date_of_service)
    if any(_as_date(e["from"]) <= day <= _as_date(e["to"]) for e in entries):
        return ""
    return (
        f"date of service {day} is outside {int(year)}, whose conversion factor changed within the year "
        f"({_periods_text(entries)}): which one applies cannot be told, so the line is not priced"
    )


def conversion_factor(year: int, qp: bool = False, kind: str = "pfs", date_of_service: Any = None) -> float:
    """Conversion factor of ``year`` (dollars per RVU) from ``templates/rules/conversion_factors.yaml``.

    Parameters
    ----------
    year : int
        The fee schedule year (a payer may benchmark against a fixed year: the date of service may then
        fall in another year).
    qp : bool
        Qualifying APM participant (a separate CF from 2026).
    kind : {'pfs', 'anesthesia'}
    date_of_service : date, optional
        Needed only when the CF changed within the year (2024), and must then fall in that year
        (:func:`cf_date_problem`); a year with a single CF ignores it.

    References
    ----------
    ``templates/rules/conversion_factors.yaml`` (final rules and RVU files cited per entry).

    >>> conversion_factor(2026), conversion_factor(2026, qp=True), conversion_factor(2025, kind="anesthesia")
    (33.4009, 33.5675, 20.3178)
    >>> conversion_factor(2024, date_of_service="2024-03-09")
    33.2875
    >>> conversion_factor(2025, date_of_service="2026-02-03")  # a 2026 service priced on the 2025 schedule
    32.3465
    """
    entries = cf_periods(year, kind)
    if len(entries) > 1:
        if date_of_service is None:
            periods = _periods_text(entries)
            raise InputError(
                f"year {year} has more than one conversion factor ({periods}): give date_of_service"
            )
        problem = cf_date_problem(year, date_of_service, kind)
        if problem:
            raise InputError(problem)
        day = _as_date(date_of_service)
        entries = [e for e in entries if _as_date(e["from"]) <= day <= _as_date(e["to"])]
    if entries:
        return float(entries[0]["qp" if qp else "non_qp"])
    if kind == "pfs":
        try:
            table = load_pfs(year)
        except InputError:
            table = None
        file_cf = None if table is None else (table.file_qp_cf if qp else table.file_cf)
        if file_cf:
            return float(file_cf)
        if table is not None and qp:
            raise InputError(f"year {year}: no qualifying-APM conversion factor known; import with --qp-cf")
    raise InputError(f"year {year}: no {kind} conversion factor in templates/rules/conversion_factors.yaml")


def rules() -> dict[str, Any]:
    """The payment rules file ``templates/rules/pfs_payment_rules.yaml``.

    >>> rules()["co_surg"]["percent"], rules()["asst_surg"]["percent"]
    (0.625, 0.16)
    """
    return load_yaml("rules/pfs_payment_rules.yaml")
