"""Reading and checking a claims file (CSV or XLSX): one row per claim line, columns as documented in
``templates/layouts/claims_input.yaml``.

Every problem is collected and reported at once as ``claims.csv:42: billed: "12,O0" is not an amount``; nothing
is built from a file with problems. Text is kept as text: a note that starts with ``=`` stays a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from udfs.calendar import DATE_TEXT_FORMS, parse_date_texts
from udfs.claims import locality_problems
from udfs.errors import FileError, Problem
from udfs.reference import load_yaml


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool = False
    default: Any = None
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    description: str = ""


def _key(header: str) -> str:
    return re.sub(r"[\s_.\-/#]+", "", str(header)).lower()


def column_specs() -> list[ColumnSpec]:
    """The documented columns, in order."""
    specs = []
    for c in load_yaml("layouts/claims_input.yaml")["columns"]:
        specs.append(
            ColumnSpec(
                name=c["name"],
                type=c["type"],
                required=bool(c.get("required", False)),
                default=c.get("default"),
                aliases=tuple(c.get("aliases", ())),
                choices=tuple(c.get("choices", ())),
                description=c.get("description", ""),
            )
        )
    return specs


def _read_raw(path: Path) -> tuple[pd.DataFrame, int]:
    """The file as text cells, and the file line/row of its first data row."""
    if not path.exists():
        raise FileError([Problem(path.name, None, None, "file not found")])
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=object, sheet_name=0, engine="openpyxl")
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise FileError([Problem(path.name, None, None, f"cannot be read as a table: {exc}")]) from None
    return frame, 2


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


_AMOUNT = re.compile(r"^\$?\s*-?\$?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
EXCEL_CELL_LIMIT = 32_767  # characters in one cell (Excel specifications and limits)
_TRUE = {"Y", "YES", "TRUE", "1", "X"}
_FALSE = {"N", "NO", "FALSE", "0"}


def _convert_column(values: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, pd.Series]:
    """Convert the non-blank cells of one column; returns (values, problem or None per cell)."""
    problem = pd.Series([None] * len(values), index=values.index, dtype=object)
    text = values.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip())
    if spec.type == "text":
        long = text.str.len() > EXCEL_CELL_LIMIT
        problem[long] = [
            f"{len(t):,} characters: longer than the {EXCEL_CELL_LIMIT:,} an Excel cell holds"
            for t in text[long]
        ]
        return text, problem
    if spec.type in ("amount", "fraction"):
        numeric = pd.to_numeric(
            values.where(values.map(lambda v: isinstance(v, int | float))), errors="coerce"
        )
        pct = text.str.endswith("%")
        cleaned = text.str.rstrip("%").str.strip()
        ok = cleaned.str.match(_AMOUNT) & cleaned.str.contains(r"\d", regex=True)
        parsed = pd.to_numeric(cleaned.where(ok).str.replace(r"[$,\s]", "", regex=True), errors="coerce")
        parsed = parsed.where(~pct, parsed / 100)
        out = numeric.fillna(parsed)
        what = "an amount" if spec.type == "amount" else "a fraction"
        problem[out.isna()] = [f"{t!r} is not {what}" for t in text[out.isna()]]
        if spec.type == "amount":
            neg = out < 0
            problem[neg] = [f"{t!r} is negative" for t in text[neg]]
        else:
            outside = (out < 0) | (out > 1)
            problem[outside] = [f"{t!r} is not between 0 and 1 (write 30% or 0.3)" for t in text[outside]]
        return out, problem
    if spec.type == "integer":
        out = pd.to_numeric(text, errors="coerce")
        bad = out.isna() | (out % 1 != 0) | (out < 0)
        problem[bad] = [f"{t!r} is not a whole number" for t in text[bad]]
        return out, problem
    if spec.type == "date":
        is_date = values.map(lambda v: hasattr(v, "year"))
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        if is_date.any():
            out[is_date] = pd.to_datetime(values[is_date]).dt.normalize()
        rest = ~is_date
        if rest.any():
            out[rest] = parse_date_texts(text[rest])
        bad = out.isna()
        problem[bad] = [f"{t!r} is not a date ({DATE_TEXT_FORMS})" for t in text[bad]]
        return out, problem
    if spec.type == "flag":
        upper = text.str.upper()
        out = upper.isin(_TRUE)
        bad = ~upper.isin(_TRUE | _FALSE)
        problem[bad] = [f"{t!r} is not Y or N" for t in text[bad]]
        return out, problem
    if spec.type == "choice":
        table = {_key(c): c for c in spec.choices}
        out = text.map(lambda t: table.get(_key(t)))
        bad = out.isna()
        problem[bad] = [f"{t!r} is not one of {', '.join(spec.choices)}" for t in text[bad]]
        return out, problem
    raise ValueError(spec.type)


#: Claim-level benefit columns: the deductible, copay and out-of-pocket cap apply once per claim
#: (``udfs.share.claim_cost_share``), so lines of a claim must not give different values.
BENEFIT_COLUMNS = ("deductible_remaining", "coinsurance", "copay", "oop_remaining")


def read_claims(path: str | Path) -> pd.DataFrame:
    """Read, check and type a claims file (see :func:`read_table`), with the claim-level checks: duplicate
    lines, and payer, patient, date of service, plan type and NSA equal on every line of a claim; the patient's
    benefits (deductible and out-of-pocket remaining, coinsurance, copay) given once per claim or equal on the
    lines that give them (:data:`BENEFIT_COLUMNS`; blanks take the claim's value).
    """
    frame = read_table(path, column_specs(), _check_claims)
    # the patient's benefits are the claim's: a line that leaves them blank takes its claim's values
    for column in BENEFIT_COLUMNS:
        frame[column] = frame.groupby("claim_id", sort=False)[column].transform("first")
    # a code typed as a number lost its leading zeros in a spreadsheet (100 for 00100): HCPCS codes are 5 long
    digits = frame["hcpcs"].str.fullmatch(r"\d{1,4}")
    frame.loc[digits, "hcpcs"] = frame.loc[digits, "hcpcs"].str.zfill(5)
    return frame


def read_table(path: str | Path, specs: list[ColumnSpec], check=None) -> pd.DataFrame:
    """Read, check and type a table file (CSV or XLSX, first row headers) against column specs.

    Returns
    -------
    pandas.DataFrame
        One row per line with every documented column (missing optional columns filled with their default, or
        NaN/NaT), dates as ``datetime64``, amounts as float, flags as bool, plus ``source_line`` (the file line).

    Raises
    ------
    FileError
        Listing every problem: unknown or missing columns, empty required cells, values of the wrong type, and
        what ``check(frame, source, headers)`` finds.
    """
    path = Path(path)
    raw, first = _read_raw(path)
    src = path.name
    lookup = {}
    for s in specs:
        for name in (s.name, *s.aliases):
            lookup[_key(name)] = s
    problems: list[Problem] = []
    mapping: dict[str, str] = {}
    for header in raw.columns:
        spec = lookup.get(_key(header))
        if spec is None:
            problems.append(
                Problem(src, 1, str(header), "unknown column (see README, 'Claims file columns')")
            )
        elif spec.name in mapping.values():
            problems.append(Problem(src, 1, str(header), f"a second column for {spec.name}"))
        else:
            mapping[str(header)] = spec.name
    for s in specs:
        if s.required and s.name not in mapping.values():
            problems.append(Problem(src, 1, s.name, "required column missing"))
    if problems:
        raise FileError(problems)
    if not len(raw):
        raise FileError([Problem(src, None, None, "no rows: the file has a header but no claim lines")])
    inverse = {v: k for k, v in mapping.items()}
    lines = pd.Series(np.arange(first, first + len(raw)), index=raw.index)
    data: dict[str, pd.Series] = {}
    for s in specs:
        column_header = inverse.get(s.name)
        if column_header is None:
            data[s.name] = pd.Series([s.default] * len(raw), index=raw.index, dtype=object)
            continue
        column = raw[column_header]
        blank = column.map(_blank)
        if s.required:
            problems += [Problem(src, int(line), column_header, "empty") for line in lines[blank]]
        values, problem = _convert_column(column[~blank], s)
        full = pd.Series([s.default] * len(raw), index=raw.index, dtype=object)
        full[~blank] = values.astype(object)
        data[s.name] = full
        bad = problem.notna()
        problems += [Problem(src, int(lines[i]), column_header, str(problem[i])) for i in problem.index[bad]]
    frame = pd.DataFrame(data)
    frame["source_line"] = np.arange(first, first + len(raw))
    if not problems and check is not None:
        problems += check(frame, src, inverse)
    if problems:
        order = {str(h): i for i, h in enumerate(raw.columns)}
        raise FileError(sorted(problems, key=lambda p: (p.line or 0, order.get(p.column or "", -1))))
    if "line" in frame and frame["line"].isna().any():
        numbered = frame.groupby("claim_id", sort=False).cumcount() + 1
        frame["line"] = frame["line"].fillna(numbered).astype(int)
    for s in specs:
        if s.type in ("amount", "fraction"):
            frame[s.name] = pd.to_numeric(frame[s.name]).astype(float)
        elif s.type == "date":
            frame[s.name] = pd.to_datetime(frame[s.name])
        elif s.type == "flag":
            frame[s.name] = frame[s.name].astype(bool)
        elif s.type in ("text", "choice"):
            frame[s.name] = frame[s.name].map(lambda x: "" if x is None else str(x)).astype(object)
    return frame


def _shown(value: Any) -> str:
    """A value as a message shows it: dates without a time."""
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


def _check_claims(frame: pd.DataFrame, src: str, headers: dict[str, str]) -> list[Problem]:
    problems = []
    seen: dict[tuple[Any, Any], int] = {}
    records = cast(list[dict[str, Any]], frame.to_dict("records"))
    for row in records:
        key = (row["claim_id"], row["line"])
        line = int(row["source_line"])
        if row["line"] is not None and key in seen:
            problems.append(
                Problem(
                    src,
                    line,
                    headers.get("line", "line"),
                    f"duplicate of line {seen[key]} ({key[0]} line {key[1]})",
                )
            )
        seen.setdefault(key, line)
        if row["payment_date"] is not None and row["payment_date"] < row["date_of_service"]:
            problems.append(Problem(src, line, headers.get("payment_date"), "is before the date of service"))
    first_claim: dict[str, tuple[Any, int]] = {}
    for row in records:
        pcn = row.get("payer_claim_id") or ""
        if not pcn:
            continue
        if pcn in first_claim and first_claim[pcn][0] != row["claim_id"]:
            problems.append(
                Problem(
                    src,
                    int(row["source_line"]),
                    headers.get("payer_claim_id", "payer_claim_id"),
                    f"{pcn!r} is also the payer claim ID of claim {first_claim[pcn][0]} (line {first_claim[pcn][1]})",
                )
            )
        first_claim.setdefault(pcn, (row["claim_id"], int(row["source_line"])))
    years = [row["date_of_service"].year if row["date_of_service"] is not None else 0 for row in records]
    for i, message in locality_problems([row["locality"] for row in records], years):
        problems.append(
            Problem(src, int(records[i]["source_line"]), headers.get("locality", "locality"), message)
        )
    for column in ("payer", "patient_ref", "date_of_service", "plan_type", "nsa", *BENEFIT_COLUMNS):
        firsts: dict[Any, Any] = {}
        optional = column in BENEFIT_COLUMNS
        for row in records:
            v, cid = row[column], row["claim_id"]
            if optional and v is None:
                continue
            if cid in firsts and firsts[cid] != v:
                problems.append(
                    Problem(
                        src,
                        int(row["source_line"]),
                        headers.get(column, column),
                        f"differs from the claim's first line ({_shown(firsts[cid])} vs {_shown(v)})",
                    )
                )
            firsts.setdefault(cid, v)
    return problems
