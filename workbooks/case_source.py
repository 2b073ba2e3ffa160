"""Loading a case file with the line of every field: YAML, or the one-sheet XLSX form.

Both give the same nested data (mappings, lists, scalars) and a map from each field's path (``lines[2].billed``,
lists counted from 1) to its line in the YAML file or its row in the XLSX sheet, so that validation can say
``case.yaml:12: stages[2].probability: 1.4 is not between 0 and 1``.

The XLSX form: column A holds a field's dotted path (``payer.method``) and column B its value; a row with ``lines``
(or ``stages``) in column A starts a table: the next row holds the column names (``hcpcs``, ``billed``...), then one
row per item until an empty row. Rows whose column A starts with ``#`` are comments.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import yaml

from udfs.errors import FileError, Problem

TABLES = ("lines", "stages")
LINE_COLUMNS = ("hcpcs", "modifier", "units", "billed", "qpa", "benchmark", "sca_rate", "medicare")
STAGE_COLUMNS = ("stage", "include", "probability", "share", "cost", "days")


def child(path: str, key: str | int) -> str:
    """Path of a mapping field (``key`` str) or list item (``key`` int, counted from 1)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _walk(
    node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem], source: str, walked: set[int]
) -> None:
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        # An alias (*name) is the node of its anchor again: walked once, its fields have the anchor's lines there
        # and the alias's line elsewhere; a node that holds itself, or aliases of aliases, are walked no further.
        if id(node) in walked:
            return
        walked.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = int(key.start_mark.line) + 1
            if name in seen:
                problems.append(
                    Problem(source, line, child(path, name), f"appears twice (first on line {seen[name]})")
                )
                continue
            seen[name] = line
            lines[child(path, name)] = line
            _walk(value, child(path, name), lines, problems, source, walked)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, start=1):
            lines[child(path, i)] = int(item.start_mark.line) + 1
            _walk(item, child(path, i), lines, problems, source, walked)


class _CaseLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a scalar PyYAML cannot construct stays text, for the check of its field to
    report: a date-like scalar that is no date (``2025-02-30``: PyYAML's timestamp constructor raises
    ``ValueError``), an integer of more digits than Python converts (``ValueError`` too)."""


def _or_text(construct: Any) -> Any:
    def run(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    return run


_CaseLoader.add_constructor("tag:yaml.org,2002:timestamp", _or_text(yaml.SafeLoader.construct_yaml_timestamp))
_CaseLoader.add_constructor("tag:yaml.org,2002:int", _or_text(yaml.SafeLoader.construct_yaml_int))


def load_yaml_case(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parsed YAML and the line of every field; a syntax error or a repeated field raises :class:`FileError`."""
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=_CaseLoader)
        data = yaml.load(text, Loader=_CaseLoader)  # a SafeLoader subclass
        if node is not None:
            _walk(node, "", lines, problems, source, set())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        raise FileError(
            [Problem(source, mark.line + 1 if mark else None, None, f"not valid YAML: {what}")]
        ) from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise FileError([Problem(source, None, None, "nested too deeply to read as a case file")]) from None
    if problems:
        raise FileError(problems)
    return data, lines


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    return value


def load_xlsx_case(path: Path, source: str) -> tuple[Any, dict[str, int]]:
    """The one-sheet XLSX form as nested data and the row of every field."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise FileError([Problem(source, None, None, f"cannot be read as an XLSX workbook: {exc}")]) from None
    with warnings.catch_warnings():
        # A date-formatted cell whose number is no date is read as #VALUE! (the check of its field reports it)
        # with a warning that would only repeat it.
        warnings.filterwarnings("ignore", "Cell .* is marked as a date", UserWarning)
        return _read_form(wb, source)


def _read_form(wb: Any, source: str) -> tuple[Any, dict[str, int]]:
    ws = wb.worksheets[0]
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    table: str | None = None
    header: list[str | None] = []
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in row]
        first = cells[0] if cells else None
        if all(v is None for v in cells):
            table, header = None, []
            continue
        if isinstance(first, str) and first.startswith("#"):
            continue
        if table is not None and not header:
            header = [str(v).strip().lower() if v is not None else None for v in cells]
            continue
        if table is not None:
            items = data.setdefault(table, [])
            items.append({})
            item_path = child(table, len(items))
            lines[item_path] = r
            for name, value in zip(header, cells, strict=False):
                if name is None or value is None:
                    continue
                items[-1][name] = value
                lines[child(item_path, name)] = r
            continue
        if first in TABLES:
            table, header = str(first), []
            data[table] = []
            lines[table] = r
            continue
        if not isinstance(first, str):
            problems.append(Problem(source, r, None, f"column A must name a field, got {first!r}"))
            continue
        value = cells[1] if len(cells) > 1 else None
        if value is None:  # a blank value: the field takes its default
            continue
        parts = first.split(".")
        target = data
        for depth, part in enumerate(parts[:-1]):
            prefix = ".".join(parts[: depth + 1])
            lines.setdefault(prefix, r)
            nested = target.setdefault(part, {})
            if not isinstance(nested, dict):
                problems.append(Problem(source, r, first, f"{prefix} is a value, not a group of fields"))
                break
            target = nested
        else:
            if first in lines and lines[first] != r and parts[-1] in target:
                problems.append(Problem(source, r, first, f"appears twice (first on row {lines[first]})"))
                continue
            target[parts[-1]] = value
            lines[first] = r
    wb.close()
    for name in TABLES:
        if name in data and not data[name]:
            del data[name]  # an empty table: as if absent
    if problems:
        raise FileError(problems)
    return data, lines


def load_case_source(path: Path) -> tuple[Any, dict[str, int], str]:
    """(data, lines, source name) of a YAML or XLSX case file."""
    source = path.name
    if not path.exists():
        raise FileError([Problem(source, None, None, "file not found")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        data, lines = load_xlsx_case(path, source)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise FileError([Problem(source, None, None, f"cannot be read as text: {exc}")]) from None
        data, lines = load_yaml_case(text, source)
    return data, lines, source


#: Scalar fields of a case file in form order, with what each means (the README's 'The case file' says more).
FORM_FIELDS: list[tuple[str, str]] = [
    ("case", "name of the case"),
    ("date_of_service", "date of service, YYYY-MM-DD (required)"),
    ("fee_schedule.year", "Medicare PFS year (default 2025)"),
    ("fee_schedule.locality", "Medicare locality id such as CA-18 (blank: national)"),
    ("fee_schedule.setting", "facility (default) or nonfacility"),
    ("payer.profile", "a payer profile id (templates/payers) to take method, factor and lesser-of from"),
    ("payer.name", "payer name"),
    ("payer.method", "Percent of Medicare, Charge percentile, Percent of billed or Flat rate"),
    ("payer.factor", "factor of the payer's method (1.4 = 140% of Medicare)"),
    ("payer.lesser_of", "the payer pays the lesser of billed and its amount (yes/no, default yes)"),
    ("methods.percent_of_medicare", "factor for the side-by-side comparison (default 1.4)"),
    ("methods.charge_percentile", "factor applied to the benchmark amounts (default 1)"),
    ("methods.percent_of_billed", "factor of billed charges (default 0.29)"),
    ("methods.flat_rate", "factor applied to the SCA rates (default 1)"),
    ("nsa", "the No Surprises Act applies (yes/no, default no)"),
    ("balance_billing_allowed", "state law and your agreements allow a balance bill (yes/no, default yes)"),
    ("paid", "plan payment received, once known (blank before the service)"),
    ("patient.deductible_remaining", "deductible the patient has left (default 0)"),
    ("patient.coinsurance", "coinsurance, 0.2 or 20% (default 0)"),
    ("patient.copay", "copay (default 0)"),
    ("patient.oop_remaining", "out-of-pocket maximum left (blank: no limit)"),
    ("deposit.share", "share of the patient's estimate to collect before the service (default 100%)"),
    ("deposit.include_balance_bill", "the deposit includes the balance bill (yes/no, default yes)"),
    ("escalation.discount_rate", "your annual cost of capital (default 0.08)"),
    ("escalation.contingency_fee", "share of recoveries paid to a billing advocate (default 0)"),
    ("escalation.offer", "settlement offer on the table now (default 0)"),
    ("escalation.target.method", "method of your defensible target (default Percent of Medicare)"),
    ("escalation.target.factor", "its factor (default 3.7)"),
    ("idr.dispute_date", "IDR dispute start date (default: first day IDR may start)"),
    ("idr.win_probability", "chance the IDR entity picks your offer (default 0.8)"),
    ("idr.offer_pct_qpa", "your IDR offer as a multiple of the QPA (default 3.5)"),
    ("idr.payer_offer_pct_qpa", "the payer's offer as a multiple of the QPA (default 1.05)"),
    ("idr.entity_fee", "certified IDR entity fee (default: middle of the range)"),
    ("idr.line_items", "line items in the dispute (default: the case's lines)"),
]


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        if part not in value and dotted.startswith("methods."):
            wanted = part.replace("_", " ").lower()
            part = next((k for k in value if str(k).replace("_", " ").lower() == wanted), part)
        value = value.get(part)
    return value


def form_rows(data: dict[str, Any]) -> list[list[Any]]:
    """Rows of the XLSX form holding nested case ``data``: every field (blank where the data has none) with what it
    means, then the lines and stages tables (the inverse of :func:`load_xlsx_case`)."""
    rows: list[list[Any]] = [
        [
            "# oonkit case file: field in column A, value in column B; blank = default (README, 'The case file')"
        ]
    ]
    rows += [[path, _get(data, path), f"# {text}"] for path, text in FORM_FIELDS]
    for table, columns in (("lines", LINE_COLUMNS), ("stages", STAGE_COLUMNS)):
        rows += [[], [table], list(columns)]
        rows += [[item.get(c) for c in columns] for item in data.get(table) or []]
    return rows
