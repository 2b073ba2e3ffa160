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


def _walk(node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem], source: str) -> None:
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
            _walk(value, child(path, name), lines, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, start=1):
            lines[child(path, i)] = int(item.start_mark.line) + 1
            _walk(item, child(path, i), lines, problems, source)


def load_yaml_case(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """Parsed YAML and the line of every field; a syntax error or a repeated field raises :class:`FileError`."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        raise FileError(
            [Problem(source, mark.line + 1 if mark else None, None, f"not valid YAML: {what}")]
        ) from None
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, "", lines, problems, source)
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
            path = child(table, len(items))
            lines[path] = r
            for name, value in zip(header, cells, strict=False):
                if name is None or value is None:
                    continue
                items[-1][name] = value
                lines[child(path, name)] = r
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


def form_rows(data: dict[str, Any]) -> list[list[Any]]:
    """Rows of the XLSX form for nested case data (the inverse of :func:`load_xlsx_case`)."""
    rows: list[list[Any]] = [["# oonkit case file: field in column A, value in column B (docs/case.md)"]]

    def scalars(mapping: dict[str, Any], prefix: str) -> None:
        for key, value in mapping.items():
            if key in TABLES and not prefix:
                continue
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                scalars(value, f"{name}.")
            else:
                rows.append([name, value])

    scalars(data, "")
    for table, columns in (("lines", LINE_COLUMNS), ("stages", STAGE_COLUMNS)):
        if table not in data:
            continue
        used = [c for c in columns if any(c in item for item in data[table])]
        rows += [[], [table], used]
        rows += [[item.get(c) for c in used] for item in data[table]]
    return rows
