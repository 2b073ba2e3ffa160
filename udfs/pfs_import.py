"""Reading the CMS Physician Fee Schedule files: the RVU file (PPRRVU), the GPCI table (Addendum E) and the
county-to-locality crosswalk (LOCCO), in their official CSV layout or as one-header-row cleaned copies.

Every reader collects every problem it finds as a :class:`~udfs.errors.Problem` (``file:line: column:
problem``) and returns the rows it could read; :func:`import_pfs` writes nothing unless all files are clean.

Official layouts (CSV versions in the CMS "PFS Relative Value Files" zip, e.g. RVU25A):

* ``PPRRVU*.csv``: five title/copyright rows (text in the third column only), then a header of five rows
  whose cells stack per column (``STATUS`` over ``CODE``, ``NOT USED`` / ``FOR`` / ``MEDICARE`` /
  ``PAYMENT``); the last header row starts with ``HCPCS``. Data rows follow; the third column holds the
  AMA short descriptor, which is never read.
* ``GPCI*.csv``: a title row (``ADDENDUM E. FINAL CY 2025 GEOGRAPHIC PRACTICE COST INDICES``), a blank row,
  the header, 109 data rows (MAC, state, locality number, name, PW/PE/MP GPCI), then footnotes.
* ``*LOCCO*.csv``: a title row, the header (MAC, locality number, state, fee schedule area, counties), data
  rows where the state is written only on its first row, blank separator rows and a footnote.

Numbers that lost their leading zeros in a spreadsheet round trip (HCPCS ``100`` for ``00100``, MAC
``1112``, locality ``5``) are padded back; this is counted in the import report.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .errors import FileError, Problem
from .localities import STATE_CODES, county_key

RVU_COLUMNS = {
    # canonical header (collapsed, upper case) -> stored column
    "HCPCS": "hcpcs",
    "MOD": "mod",
    "STATUS CODE": "status",
    "NOT USED FOR MEDICARE PAYMENT": "not_for_medicare",
    "WORK RVU": "work_rvu",
    "NON-FAC PE RVU": "nf_pe_rvu",
    "NON-FAC NA INDICATOR": "nf_na",
    "FACILITY PE RVU": "f_pe_rvu",
    "FACILITY NA INDICATOR": "f_na",
    "MP RVU": "mp_rvu",
    "PCTC IND": "pctc",
    "GLOB DAYS": "glob_days",
    "MULT PROC": "mult_proc",
    "BILAT SURG": "bilat_surg",
    "ASST SURG": "asst_surg",
    "CO-SURG": "co_surg",
    "TEAM SURG": "team_surg",
    "ENDO BASE": "endo_base",
    "CONV FACTOR": "cf",
    "DIAGNOSTIC IMAGING FAMILY INDICATOR": "image_family",
}
OPTIONAL_RVU = {"not_for_medicare"}
RVU_NUMBERS = ["work_rvu", "nf_pe_rvu", "f_pe_rvu", "mp_rvu", "cf"]
RVU_INDICATORS = ["pctc", "mult_proc", "bilat_surg", "asst_surg", "co_surg", "team_surg"]
GLOBAL_DAYS = {"000", "010", "090", "XXX", "YYY", "ZZZ", "MMM"}
GPCI_FIELDS = ["locality_id", "mac", "state", "locality", "name", "gpci_work", "gpci_pe", "gpci_mp"]
LOCCO_FIELDS = ["state", "county", "locality_id", "kind", "mac", "locality", "area", "line"]
# Known typing errors in CMS's 2025 crosswalk, corrected on import (the GPCI file names the locality
# "LOS ANGELES-LONG BEACH-ANAHEIM (LOS ANGELES/ORANGE CNTY)").
COUNTY_ERRATA = {"ORAGNGE": "ORANGE"}


@dataclass
class ReadResult:
    """Rows read from one file, the problems found, and facts for the import report."""

    table: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


def _rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    # CMS files end with a DOS end-of-file mark (Ctrl-Z, 0x1A) on a line of its own
    text = text.replace("\x1a", "")
    return list(csv.reader(io.StringIO(text, newline="")))


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().upper())
    return re.sub(r"-\s+", "-", text)


def _pad_code(code: str, width: int) -> str:
    return code.zfill(width) if code.isdigit() and len(code) < width else code


def _year_in(text: str, year: int | None, source: str, line: int, problems: list[Problem]) -> None:
    found = re.search(r"\b(20\d\d)\b", text)
    if year is not None and found and int(found.group(1)) != year:
        problems.append(
            Problem(source, line, None, f"file is for {found.group(1)}, not {year}: {text.strip()!r}")
        )


def read_rvu(path: str | os.PathLike[str], year: int | None = None) -> ReadResult:
    """Read a PPRRVU file (official multi-row header or one header row) into the stored RVU table.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "rvu.csv"
    >>> _ = f.write_text("HCPCS,MOD,STATUS CODE,WORK RVU,NON-FAC PE RVU,NON-FAC NA INDICATOR,FACILITY PE RVU,"
    ...     "FACILITY NA INDICATOR,MP RVU,PCTC IND,GLOB DAYS,MULT PROC,BILAT SURG,ASST SURG,"
    ...     "CO- SURG,TEAM SURG,"
    ...     "ENDO BASE,CONV FACTOR,DIAGNOSTIC IMAGING FAMILY INDICATOR\\n"
    ...     "99285,,A,4,0.79,NA,0.79,,0.43,0,XXX,0,0,0,0,0,,32.3465,99\\n")
    >>> r = read_rvu(f)
    >>> r.problems, r.table.loc[0, ["hcpcs", "work_rvu", "nf_na", "cf"]].astype(str).tolist()
    ([], ['99285', '4.0', 'True', '32.3465'])
    """
    path = Path(path)
    src = path.name
    problems: list[Problem] = []
    rows = _rows(path)
    head = next((i for i, r in enumerate(rows[:60]) if r and _norm(r[0]) == "HCPCS"), None)
    if head is None:
        return ReadResult(
            pd.DataFrame(),
            [Problem(src, None, None, "no header row starting with HCPCS in the first 60 lines")],
        )
    start = head
    while start > 0 and rows[start - 1] and not any(c.strip() for c in rows[start - 1][:3]):
        start -= 1
    for i in range(start):
        if any(c.strip() for c in rows[i]):
            _year_in(" ".join(rows[i]), year, src, i + 1, problems) if "FEE SCHEDULE" in _norm(
                " ".join(rows[i])
            ) else None
    width = len(rows[head])
    names = []
    for j in range(width):
        parts = [rows[i][j] for i in range(start, head + 1) if j < len(rows[i]) and rows[i][j].strip()]
        names.append(_norm(" ".join(parts)))
    where = {RVU_COLUMNS[n]: j for j, n in enumerate(names) if n in RVU_COLUMNS}
    missing = [n for n, c in RVU_COLUMNS.items() if c not in where and c not in OPTIONAL_RVU]
    if missing:
        problems.append(Problem(src, head + 1, None, f"missing columns: {', '.join(missing)}"))
        return ReadResult(pd.DataFrame(), problems)
    header_of = {c: n for n, c in RVU_COLUMNS.items()}
    out: dict[str, list[Any]] = {c: [] for c in RVU_COLUMNS.values()}
    padded = 0
    seen: dict[tuple[str, str], int] = {}
    for i in range(head + 1, len(rows)):
        row = rows[i]
        if not any(c.strip() for c in row):
            continue
        line = i + 1
        cell = {c: (row[j].strip() if j < len(row) else "") for c, j in where.items()}
        code = cell["hcpcs"].upper()
        if not code:
            problems.append(Problem(src, line, "HCPCS", "empty HCPCS on a row that has other data"))
            continue
        if code.isdigit() and len(code) < 5:
            code, padded = code.zfill(5), padded + 1
        if not re.fullmatch(r"[0-9A-Z]{5}", code):
            problems.append(Problem(src, line, "HCPCS", f"{cell['hcpcs']!r} is not a 5-character HCPCS code"))
            continue
        mod = cell["mod"].upper()
        if mod and not re.fullmatch(r"[0-9A-Z]{2}", mod):
            problems.append(Problem(src, line, "MOD", f"{cell['mod']!r} is not a 2-character modifier"))
        if (code, mod) in seen:
            problems.append(
                Problem(
                    src, line, "HCPCS", f"{code}{'-' + mod if mod else ''} repeats line {seen[code, mod]}"
                )
            )
        seen[code, mod] = line
        status = cell["status"].upper()
        if not re.fullmatch(r"[A-Z]", status):
            problems.append(
                Problem(src, line, "STATUS CODE", f"{cell['status']!r} is not a one-letter status")
            )
        values: dict[str, Any] = {"hcpcs": code, "mod": mod, "status": status}
        for c in RVU_NUMBERS:
            try:
                values[c] = float(cell[c].replace(",", "")) if cell[c] else 0.0
            except ValueError:
                problems.append(Problem(src, line, header_of[c], f"{cell[c]!r} is not a number"))
                values[c] = float("nan")
        if values["cf"] == 0.0 or values["cf"] != values["cf"]:
            problems.append(Problem(src, line, "CONV FACTOR", f"{cell['cf']!r} is not a conversion factor"))
        for c in ("nf_na", "f_na"):
            if cell[c].upper() not in ("", "NA"):
                problems.append(Problem(src, line, header_of[c], f"{cell[c]!r} should be NA or empty"))
            values[c] = cell[c].upper() == "NA"
        for c in RVU_INDICATORS:
            if not re.fullmatch(r"\d", cell[c]):
                problems.append(Problem(src, line, header_of[c], f"{cell[c]!r} is not a one-digit indicator"))
            values[c] = cell[c]
        days = cell["glob_days"].upper()
        days = days.zfill(3) if days.isdigit() else days
        if days not in GLOBAL_DAYS:
            problems.append(Problem(src, line, "GLOB DAYS", f"{cell['glob_days']!r} is not a global period"))
        values["glob_days"] = days
        base = _pad_code(cell["endo_base"].upper(), 5)
        if base and not re.fullmatch(r"[0-9A-Z]{5}", base):
            problems.append(Problem(src, line, "ENDO BASE", f"{cell['endo_base']!r} is not a HCPCS code"))
        values["endo_base"] = base
        values["image_family"] = cell["image_family"]
        values["not_for_medicare"] = cell.get("not_for_medicare", "") == "+"
        for c in out:
            out[c].append(values[c])
    table = pd.DataFrame(out)
    cfs = sorted(set(table["cf"].dropna())) if len(table) else []
    if len(cfs) > 1:
        problems.append(Problem(src, None, "CONV FACTOR", f"more than one conversion factor: {cfs}"))
    info = {"rows": len(table), "padded_hcpcs": padded, "cf": cfs[0] if len(cfs) == 1 else None}
    return ReadResult(table, problems, info)


def _header_index(rows: list[list[str]], needles: tuple[str, ...]) -> int | None:
    for i, r in enumerate(rows[:30]):
        text = _norm(" ".join(r))
        if sum(bool(c.strip()) for c in r) >= 3 and all(n in text for n in needles):
            return i
    return None


def read_gpci(path: str | os.PathLike[str], year: int | None = None) -> ReadResult:
    """Read a GPCI table (Addendum E, official or cleaned) keyed by canonical locality id ``ST-NN``.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "gpci.csv"
    >>> _ = f.write_text("Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,"
    ...     "2025 PW GPCI (with 1.0 Floor),2025 PE GPCI,2025 MP GPCI\\n"
    ...     "1182,CA,18,LOS ANGELES,1.042,1.194,0.69\\n")
    >>> print(read_gpci(f).table.to_string(index=False))
    locality_id   mac state locality        name  gpci_work  gpci_pe  gpci_mp
          CA-18 01182    CA       18 LOS ANGELES      1.042    1.194     0.69
    """
    path = Path(path)
    src = path.name
    problems: list[Problem] = []
    rows = _rows(path)
    head = _header_index(rows, ("STATE", "LOCALITY"))
    if head is None:
        return ReadResult(
            pd.DataFrame(columns=GPCI_FIELDS),
            [Problem(src, None, None, "no header row naming State and Locality")],
        )
    for i in range(head):
        if "GPCI" in _norm(" ".join(rows[i])):
            _year_in(" ".join(rows[i]), year, src, i + 1, problems)
    names = [_norm(c) for c in rows[head]]

    def col(*keys: str) -> int | None:
        return next((j for j, n in enumerate(names) if any(k in n for k in keys)), None)

    found = {
        "mac": col("CONTRACTOR", "MAC"),
        "state": col("STATE"),
        "locality": col("LOCALITY NUMBER", "LOCALITY NO"),
        "name": col("LOCALITY NAME"),
        "gpci_work": col("PW GPCI", "WORK GPCI"),
        "gpci_pe": col("PE GPCI"),
        "gpci_mp": col("MP GPCI"),
    }
    if None in found.values():
        missing = [k for k, v in found.items() if v is None]
        return ReadResult(
            pd.DataFrame(columns=GPCI_FIELDS),
            [Problem(src, head + 1, None, f"missing columns: {', '.join(missing)}")],
        )
    where = {k: int(v) for k, v in found.items() if v is not None}
    header = {k: rows[head][j].strip() for k, j in where.items()}
    _year_in(" ".join(rows[head]), year, src, head + 1, problems)
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i in range(head + 1, len(rows)):
        row, line = rows[i], i + 1
        cell = {k: (row[j].strip() if j < len(row) else "") for k, j in where.items()}
        if not cell["mac"].isdigit():
            continue  # blank rows and footnotes ("MAC Assignments as of ...", "*Work GPCI reflects ...")
        rec: dict[str, Any] = {
            "mac": cell["mac"].zfill(5),
            "state": cell["state"].upper(),
            "name": cell["name"],
        }
        if rec["state"] not in STATE_CODES.values():
            problems.append(Problem(src, line, header["state"], f"{cell['state']!r} is not a state code"))
        if not cell["locality"].isdigit():
            problems.append(
                Problem(src, line, header["locality"], f"{cell['locality']!r} is not a locality number")
            )
        rec["locality"] = cell["locality"].zfill(2)
        for k in ("gpci_work", "gpci_pe", "gpci_mp"):
            try:
                rec[k] = float(cell[k])
                if not 0.1 < rec[k] < 5:
                    raise ValueError
            except ValueError:
                problems.append(Problem(src, line, header[k], f"{cell[k]!r} is not a GPCI"))
                rec[k] = float("nan")
        rec["locality_id"] = f"{rec['state']}-{rec['locality']}"
        if rec["locality_id"] in seen:
            problems.append(
                Problem(
                    src, line, None, f"locality {rec['locality_id']} repeats line {seen[rec['locality_id']]}"
                )
            )
        seen[rec["locality_id"]] = line
        out.append(rec)
    table = pd.DataFrame(out, columns=GPCI_FIELDS)
    if table.empty:
        problems.append(Problem(src, None, None, "no GPCI rows found"))
    return ReadResult(table, problems, {"rows": len(table)})


def _split_counties(text: str) -> list[tuple[str, str]]:
    """Counties of one crosswalk cell as (state name or '', county key); 'IN VIRGINIA' switches the state."""
    out: list[tuple[str, str]] = []
    for segment in _norm(text).split(";"):
        state = ""
        found = re.search(r"\bIN ([A-Z ]+)$", segment.strip())
        if found and found.group(1).strip() in STATE_CODES:
            state = found.group(1).strip()
            segment = segment[: found.start()]
        for name in re.split(r",|/|\bAND\b", segment):
            key = county_key(name)
            key = COUNTY_ERRATA.get(key, key)
            if key:
                out.append((state, key))
    return out


def read_locco(path: str | os.PathLike[str], year: int | None = None) -> ReadResult:
    """Read the county-to-locality crosswalk into rows (state, county key, locality id, kind).

    ``kind`` is ``county`` for a named county, ``rest`` for "ALL OTHER COUNTIES" (rest of state) and ``all``
    for a statewide locality ("ALL COUNTIES", "ALL COUNTY EQUIVALENTS").

    >>> _split_counties("DISTRICT OF COLUMBIA; ARLINGTON, FAIRFAX IN VIRGINIA; KENT IN MARYLAND")
    [('', 'DISTRICT OF COLUMBIA'), ('VIRGINIA', 'ARLINGTON'), ('VIRGINIA', 'FAIRFAX'), ('MARYLAND', 'KENT')]
    """
    path = Path(path)
    src = path.name
    problems: list[Problem] = []
    rows = _rows(path)
    head = _header_index(rows, ("LOCALITY", "COUNTIES"))
    if head is None:
        return ReadResult(
            pd.DataFrame(columns=LOCCO_FIELDS),
            [Problem(src, None, None, "no header row naming Locality and Counties")],
        )
    for i in range(head):
        _year_in(" ".join(rows[i]), year, src, i + 1, problems)
    out: list[dict[str, Any]] = []
    state_name = ""
    for i in range(head + 1, len(rows)):
        row, line = [c.strip() for c in rows[i]] + [""] * 5, i + 1
        if not row[0].isdigit():
            continue  # blank separators and the footnote
        if row[2]:
            state_name = _norm(row[2])
        if state_name not in STATE_CODES:
            problems.append(Problem(src, line, "State", f"{row[2] or state_name!r} is not a state name"))
            continue
        if not row[1].isdigit():
            problems.append(Problem(src, line, "Locality Number", f"{row[1]!r} is not a locality number"))
            continue
        st = STATE_CODES[state_name]
        loc = row[1].zfill(2)
        base = {
            "mac": row[0].zfill(5),
            "locality": loc,
            "locality_id": f"{st}-{loc}",
            "area": _norm(row[3]),
            "line": line,
        }
        counties = _norm(row[4])
        if counties.startswith("ALL OTHER COUNTIES") or counties.startswith("REST OF STATE"):
            out.append({**base, "state": st, "county": "", "kind": "rest"})
            continue
        if counties.startswith("ALL COUNT"):  # ALL COUNTIES [, EXCEPT ...], ALL COUNTY EQUIVALENTS
            out.append({**base, "state": st, "county": "", "kind": "all"})
            continue
        for other, key in _split_counties(row[4]):
            out.append(
                {**base, "state": STATE_CODES[other] if other else st, "county": key, "kind": "county"}
            )
    table = pd.DataFrame(out, columns=LOCCO_FIELDS).drop_duplicates(
        ["state", "county", "locality_id", "kind"]
    )
    if table.empty:
        problems.append(Problem(src, None, None, "no crosswalk rows found"))
    return ReadResult(table.reset_index(drop=True), problems, {"rows": len(table)})


def sha256(path: str | os.PathLike[str]) -> str:
    """SHA256 of a file, hex.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "empty"
    >>> _ = f.write_bytes(b"")
    >>> sha256(f)[:16]
    'e3b0c44298fc1c14'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_csv(table: pd.DataFrame, target: Path) -> None:
    data = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if target.suffix == ".gz":
        with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
            fh.write(data)
    else:
        target.write_bytes(data)


def import_pfs(
    year: int,
    rvu: str | os.PathLike[str],
    gpci: str | os.PathLike[str] | None = None,
    locco: str | os.PathLike[str] | None = None,
    qp_cf: float | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    command: str = "",
) -> dict[str, Any]:
    """Validate the CMS files for ``year`` and write them as the tables pricing reads.

    The tables go to ``out_dir/<year>/`` (default ``user_data_dir()/pfs``): ``rvu.csv.gz``, ``gpci.csv``
    and ``locco.csv`` when given, and ``manifest.yaml`` with the inputs' SHA256. The whole folder is
    replaced at once; on any problem nothing is written and :class:`FileError` lists every problem.

    Returns the manifest as a dict.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> rvu = folder / "rvu.csv"
    >>> _ = rvu.write_text("HCPCS,MOD,STATUS CODE,WORK RVU,NON-FAC PE RVU,NON-FAC NA INDICATOR,"
    ...     "FACILITY PE RVU,FACILITY NA INDICATOR,MP RVU,PCTC IND,GLOB DAYS,MULT PROC,BILAT SURG,"
    ...     "ASST SURG,CO- SURG,TEAM SURG,ENDO BASE,CONV FACTOR,DIAGNOSTIC IMAGING FAMILY INDICATOR\\n"
    ...     "99285,,A,4,0.79,NA,0.79,,0.43,0,XXX,0,0,0,0,0,,33.4009,99\\n")
    >>> m = import_pfs(2030, rvu, out_dir=folder / "pfs")
    >>> m["cf"], m["tables"]["rvu"]["rows"], sorted(p.name for p in (folder / "pfs" / "2030").iterdir())
    (33.4009, 1, ['manifest.yaml', 'rvu.csv.gz'])
    >>> bad = folder / "bad.csv"
    >>> _ = bad.write_text(rvu.read_text().replace("0.43", "x"))
    >>> import_pfs(2030, bad, out_dir=folder / "pfs")
    Traceback (most recent call last):
    ...
    udfs.errors.FileError: ...bad.csv:2: MP RVU: 'x' is not a number
    """
    from .reference import user_data_dir

    if not 1992 <= int(year) <= 2100:
        raise FileError([Problem(str(rvu), None, None, f"year {year} is outside 1992-2100")])
    year = int(year)
    problems: list[Problem] = []
    results: dict[str, ReadResult] = {}
    sources: dict[str, Path] = {"rvu": Path(rvu)}
    if gpci:
        sources["gpci"] = Path(gpci)
    if locco:
        sources["locco"] = Path(locco)
    readers = {"rvu": read_rvu, "gpci": read_gpci, "locco": read_locco}
    for kind, p in sources.items():
        if not p.is_file():
            problems.append(Problem(str(p), None, None, "file not found"))
            continue
        results[kind] = readers[kind](p, year)
        problems += [Problem(str(p), q.line, q.column, q.message) for q in results[kind].problems]
    if "gpci" in results and "locco" in results and not problems:
        known = set(results["gpci"].table["locality_id"])
        for rec in results["locco"].table.itertuples():
            if rec.locality_id not in known:
                problems.append(
                    Problem(
                        str(sources["locco"]),
                        int(str(rec.line)),
                        "Locality Number",
                        f"locality {rec.locality_id} is not in the GPCI file",
                    )
                )
    if qp_cf is not None and not 10 < float(qp_cf) < 100:
        problems.append(Problem("--qp-cf", None, None, f"{qp_cf} is not a conversion factor"))
    if problems:
        raise FileError(problems)
    manifest: dict[str, Any] = {
        "year": year,
        "command": command,
        "cf": results["rvu"].info["cf"],
        "qp_cf": float(qp_cf) if qp_cf is not None else None,
        "tables": {},
    }
    root = Path(out_dir) if out_dir else user_data_dir() / "pfs"
    root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{year}.", dir=root))
    stage.chmod(0o755)
    try:
        names = {"rvu": "rvu.csv.gz", "gpci": "gpci.csv", "locco": "locco.csv"}
        for kind, res in results.items():
            table = res.table.drop(columns=["line"]) if kind == "locco" else res.table
            _write_csv(table, stage / names[kind])
            manifest["tables"][kind] = {
                "file": names[kind],
                "source": sources[kind].name,
                "sha256": sha256(sources[kind]),
                **res.info,
            }
        (stage / "manifest.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
        target = root / str(year)
        old = root / f".{year}.old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            os.replace(target, old)
        os.replace(stage, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return manifest
