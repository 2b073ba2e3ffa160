"""Reading and checking a claims file (CSV or XLSX): one row per claim line, columns as documented in
``templates/layouts/claims_input.yaml``.

Every problem is collected and reported at once as ``claims.csv:42: billed: "12,O0" is not an amount``; nothing
is built from a file with problems. Text is kept as text: a note that starts with ``=`` stays a note. What a user
should know but that does not stop the file (columns ignored, rows read as Windows-1252) is returned in the
frame's ``attrs["warnings"]``, as :class:`udfs.errors.Problem` records that print as ``file:row: column: text``.
The file itself is read by :mod:`udfs.table_files` (encodings, separators, blank rows, workbooks that are not).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from udfs.calendar import DATE_TEXT_FORMS, parse_date_texts
from udfs.claims import locality_problems
from udfs.errors import FileError, Problem
from udfs.reference import load_yaml
from udfs.table_files import column_letter, decimal_comma_text, is_blank, read_table_file


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str
    required: bool = False
    default: Any = None
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    description: str = ""
    minimum: int = 0  # the least whole number an integer column takes


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
                minimum=int(c.get("minimum", 0)),
            )
        )
    return specs


_AMOUNT = re.compile(r"^\$?\s*-?\$?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
EXCEL_CELL_LIMIT = 32_767  # characters in one cell (Excel specifications and limits)
_TRUE = {"Y", "YES", "TRUE", "1", "X"}
_FALSE = {"N", "NO", "FALSE", "0"}


_COMMA_HINT = " (the file is separated by semicolons: amounts take a decimal comma, 1.234,56)"
_DAY_MONTH = r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$"


def _blank_mask(column: pd.Series) -> pd.Series:
    """True for each empty cell (:func:`udfs.table_files.is_blank`), without a Python call per cell."""
    values = column.to_numpy(dtype=object)
    return pd.Series(
        [v is None or v != v or (v.__class__ is str and not v.strip()) for v in values],
        index=column.index,
        dtype=bool,
    )


def _cell_text(v: Any) -> str:
    """A cell that is not text (an XLSX number or date) as the text it shows: 27447.0 is '27447'."""
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()


def _convert_column(
    values: pd.Series, spec: ColumnSpec, decimal_comma: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Convert the non-blank cells of one column; returns (values, problem or None per cell). In a file with
    ``decimal_comma`` (separated by semicolons) numbers are read with a decimal comma and a date such as
    3/4/2025, which its locale writes day first, must be unambiguous."""
    problem = pd.Series([None] * len(values), index=values.index, dtype=object)
    text = pd.Series(
        [v.strip() if v.__class__ is str else _cell_text(v) for v in values.to_numpy(dtype=object)],
        index=values.index,
        dtype=object,
    )
    number_text = text.map(decimal_comma_text) if decimal_comma else text
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
        pct = number_text.str.endswith("%")
        cleaned = number_text.str.rstrip("%").str.strip()
        ok = cleaned.str.match(_AMOUNT) & cleaned.str.contains(r"\d", regex=True)
        parsed = pd.to_numeric(cleaned.where(ok).str.replace(r"[$,\s]", "", regex=True), errors="coerce")
        parsed = parsed.where(~pct, parsed / 100)
        out = numeric.fillna(parsed)
        what = "an amount" if spec.type == "amount" else "a fraction"
        hint = _COMMA_HINT if decimal_comma else ""
        problem[out.isna()] = [f"{t!r} is not {what}{hint}" for t in text[out.isna()]]
        if spec.type == "amount":
            neg = out < 0
            problem[neg] = [f"{t!r} is negative" for t in text[neg]]
        else:
            outside = (out < 0) | (out > 1)
            problem[outside] = [f"{t!r} is not between 0 and 1 (write 30% or 0.3)" for t in text[outside]]
        return out, problem
    if spec.type == "integer":
        out = pd.to_numeric(number_text, errors="coerce")
        bad = out.isna() | (out % 1 != 0)
        problem[bad] = [f"{t!r} is not a whole number" for t in text[bad]]
        low = ~bad & (out < spec.minimum)
        problem[low] = [f"{t!r} must be at least {spec.minimum}" for t in text[low]]
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
        if decimal_comma and rest.any():
            parts = text[rest].str.extract(_DAY_MONTH).astype(float)
            either = (parts[0] <= 12) & (parts[1] <= 12) & (parts[0] != parts[1])
            for i in either.index[either]:
                m, d, y = (int(x) for x in parts.loc[i])
                problem[i] = (
                    f"{text[i]!r} could be day/month or month/day in a file separated by semicolons: write "
                    f"{y}-{m:02d}-{d:02d} or {y}-{d:02d}-{m:02d}"
                )
                out[i] = pd.NaT
        return out, problem
    if spec.type == "flag":
        upper = text.str.upper()
        out = upper.isin(_TRUE)
        bad = ~upper.isin(_TRUE | _FALSE)
        problem[bad] = [f"{t!r} is not Y or N" for t in text[bad]]
        return out, problem
    if spec.type == "choice":
        table = {_key(c): c for c in spec.choices}
        out = text.map({t: table.get(_key(t)) for t in pd.unique(text)})  # few distinct values: each once
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


#: How alike (difflib's ratio of the headers without spaces, underscores and case) an unknown header must be to a
#: column name or alias to be taken as its misspelling: "biled" is 0.91 from "billed", "modifier 1" 0.94 from
#: "modifier", while "patient name" (0.80 from "patient id") is an extra column of its own.
NEAR_MISS = 0.85
Check = Callable[[pd.DataFrame, str, dict[str, str], pd.DataFrame], list[Problem]]


class TableFileError(FileError):
    """A :class:`FileError` from :func:`read_table` that keeps what could be read.

    Attributes
    ----------
    frame : pandas.DataFrame or None
        Every documented column of every row, None in each cell that has a problem, so that a log can still be
        checked against the claim IDs of a claims file with problems; None when the file's columns could not
        be matched or a row could not be read at all (more values than headers, bytes that are not text).
    """

    def __init__(self, problems: Iterable[Problem], frame: pd.DataFrame | None = None):
        super().__init__(problems)
        self.frame = frame


def read_table(
    path: str | Path,
    specs: list[ColumnSpec],
    check: Check | None = None,
    doc: str = "README, 'Claims file columns'",
) -> pd.DataFrame:
    """Read, check and type a table file (CSV or XLSX, first row headers) against column specs.

    The file is read by :func:`udfs.table_files.read_table_file` (text encodings, separators, blank rows,
    workbooks that are not). A column no spec names is ignored with a warning, unless its header is close to a
    name or alias (:data:`NEAR_MISS`): a misspelling would drop the column's values, so it is an error.
    ``check(frame, source, headers, bad)`` adds the checks across rows; it runs in the same pass as the cell
    checks, on a frame whose wrong cells are None and flagged True in ``bad``.

    Returns
    -------
    pandas.DataFrame
        One row per line with every documented column (missing optional columns filled with their default, or
        NaN/NaT), dates as ``datetime64``, amounts as float, flags as bool, plus ``source_line`` (the file row).
        ``attrs["warnings"]`` lists, as :class:`Problem` records, what a user should know but does not stop
        the file: columns ignored, rows read as Windows-1252.

    Raises
    ------
    TableFileError
        Listing every problem: unreadable rows, misspelt or missing columns, empty required cells, values of
        the wrong type, and what ``check`` finds.
    """
    raw = read_table_file(path)
    src, header_row = raw.source, raw.header_row
    known: dict[str, tuple[str, ColumnSpec]] = {}
    for s in specs:
        for name in (s.name, *s.aliases):
            known.setdefault(_key(name), (name, s))
    problems: list[Problem] = list(raw.problems)
    warnings: list[Problem] = list(raw.notes)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    misspelt: set[str] = set()  # columns whose header is misspelt: not also reported missing
    for position, header in enumerate(raw.headers):
        if not header:
            if any(not is_blank(row[position]) for row in raw.rows):
                where = f"column {column_letter(position)}"
                warnings.append(Problem(src, header_row, where, "no header: its values are ignored"))
            continue
        entry = known.get(_key(header))
        if entry is None:
            close = difflib.get_close_matches(_key(header), list(known), n=1, cutoff=NEAR_MISS)
            if close:
                name, spec = known[close[0]]
                misspelt.add(spec.name)
                meant = name if name == spec.name else f"{name} ({spec.name})"
                problems.append(
                    Problem(
                        src,
                        header_row,
                        header,
                        f"not a column oonkit reads: did you mean {meant}? Rename it ({doc}): a misspelt "
                        "column's values would be dropped",
                    )
                )
            else:
                warnings.append(Problem(src, header_row, header, "not a column oonkit reads: ignored"))
                ignored.append(header)
        elif entry[1].name in positions:
            problems.append(Problem(src, header_row, header, f"a second column for {entry[1].name}"))
        else:
            positions[entry[1].name] = position
            headers[entry[1].name] = header
    for s in specs:
        if s.required and s.name not in positions and s.name not in misspelt:
            also = f" (columns not read: {', '.join(ignored)})" if ignored else ""
            problems.append(Problem(src, header_row, s.name, f"required column missing{also}"))
    order = {h: i for i, h in enumerate(raw.headers)}

    def fail(frame: pd.DataFrame | None = None) -> TableFileError:
        ranked = sorted(problems, key=lambda p: (p.line or 0, order.get(p.column or "", -1)))
        return TableFileError(ranked, frame)

    if any(p.line == header_row for p in problems):
        raise fail()  # the columns themselves are wrong: the rows cannot be read against them
    if not raw.rows:
        if problems:
            raise fail()
        raise TableFileError([Problem(src, None, None, "no rows: the file has a header but no claim lines")])
    table = pd.DataFrame(raw.rows, dtype=str if raw.separator else object)  # CSV cells are all text
    index = table.index
    data: dict[str, pd.Series] = {}
    bad: dict[str, pd.Series] = {}
    for s in specs:
        full = pd.Series([s.default] * len(table), index=index, dtype=object)
        wrong = pd.Series(False, index=index)
        if s.name in positions:
            header = headers[s.name]
            column = table[positions[s.name]]
            blank = _blank_mask(column)
            if s.required:
                problems += [Problem(src, raw.lines[i], header, "empty") for i in index[blank]]
                wrong |= blank
            values, problem = _convert_column(column[~blank], s, raw.decimal_comma)
            full[~blank] = values.astype(object)
            at = problem.index[problem.notna()]
            problems += [Problem(src, raw.lines[i], header, str(problem[i])) for i in at]
            full[at] = None
            wrong[at] = True
        data[s.name] = full
        bad[s.name] = wrong
    frame = pd.DataFrame(data)
    frame["source_line"] = raw.lines
    if check is not None:
        problems += check(frame, src, headers, pd.DataFrame(bad))
    if problems:
        raise fail(None if raw.problems else frame)
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
    frame.attrs["warnings"] = warnings
    return frame


def _shown(value: Any) -> str:
    """A value as a message shows it: dates without a time."""
    return str(value.date()) if isinstance(value, pd.Timestamp) else str(value)


def _check_claims(frame: pd.DataFrame, src: str, headers: dict[str, str], bad: pd.DataFrame) -> list[Problem]:
    """The checks across lines of a claims file. A cell that is itself wrong (``bad``) takes no part: its row is
    left out of each check that needs it, so one wrong cell is reported once."""
    problems = []
    seen: dict[tuple[Any, Any], int] = {}
    # rows as dicts from the columns' lists: what to_dict("records") gives, without its per-cell boxing
    # (to_dict took 2.8 of the 8.8 s a 100,000-line file took to read)
    names = list(frame.columns)
    records = [
        dict(zip(names, row, strict=True)) for row in zip(*(frame[c].tolist() for c in names), strict=True)
    ]
    no = {c: bad[c].to_numpy(dtype=bool) for c in bad.columns}
    for i, row in enumerate(records):
        key = (row["claim_id"], row["line"])
        line = int(row["source_line"])
        if row["line"] is not None and not no["claim_id"][i] and not no["line"][i]:
            if key in seen:
                problems.append(
                    Problem(
                        src,
                        line,
                        headers.get("line", "line"),
                        f"duplicate of line {seen[key]} ({key[0]} line {key[1]})",
                    )
                )
            seen.setdefault(key, line)
        if (
            row["payment_date"] is not None
            and row["date_of_service"] is not None
            and row["payment_date"] < row["date_of_service"]
        ):
            problems.append(Problem(src, line, headers.get("payment_date"), "is before the date of service"))
    # the workbooks find a claim's lines with SUMIFS, COUNTIFS and MATCH, which compare text ignoring case and
    # read * ? ~ as wildcards: claim IDs must stay apart under those rules
    spelled: dict[str, tuple[str, int]] = {}
    for i, row in enumerate(records):
        cid = row["claim_id"]
        if no["claim_id"][i] or cid is None:
            continue
        column, line = headers.get("claim_id", "claim_id"), int(row["source_line"])
        wild = sorted(set(str(cid)) & set("*?~"))
        if wild:
            problems.append(
                Problem(
                    src,
                    line,
                    column,
                    f"{cid!r} contains {' '.join(wild)}: spreadsheet lookups read * ? ~ as wildcards, so the "
                    "workbook could mix this claim with others; use another character",
                )
            )
        first = spelled.setdefault(str(cid).casefold(), (str(cid), line))
        if first[0] != cid:
            problems.append(
                Problem(
                    src,
                    line,
                    column,
                    f"{cid!r} differs from claim {first[0]!r} (line {first[1]}) only in upper and lower case, "
                    "which spreadsheet lookups do not tell apart",
                )
            )
    first_claim: dict[str, tuple[Any, int]] = {}
    for i, row in enumerate(records):
        pcn = row.get("payer_claim_id") or ""
        if not pcn or no["claim_id"][i]:
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
        skip = no[column] | no["claim_id"]
        for i, row in enumerate(records):
            v, cid = row[column], row["claim_id"]
            if skip[i] or (optional and v is None):
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
