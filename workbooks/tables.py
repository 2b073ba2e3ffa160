"""Writing one layout table (Claims, Escalation log, Deadlines) to a write-only sheet: header, typed input
cells, formulas, the Excel table object with its calculated columns, widths, validation and notes.

Text from outside (claims files, remits, notes) is always written as text, whatever it starts with: the cell
is typed as a string and marked with Excel's quote prefix, so that editing it in Excel keeps it text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import copy
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableFormula, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from . import fastrows
from .fastrows import DeferredRows
from .layout import Column, TableLayout, expand
from .styles import style_name

FORMULA_START = ("=", "+", "-", "@")


def text_cell(ws: Worksheet, value: str, style: str | None = None) -> WriteOnlyCell:
    """A cell holding ``value`` as text even when it looks like a formula."""
    cell = WriteOnlyCell(ws, value)
    if style:
        cell.style = style
    cell.data_type = "s"
    if value.startswith(FORMULA_START):
        cell.quotePrefix = True
    return cell


def style_arrays(ws: Worksheet, style: str) -> tuple[StyleArray, StyleArray]:
    """The style of a named style as openpyxl stores it on a cell, plain and with the quote prefix: copying
    it onto a cell is 2.5 times cheaper than assigning the style by name, which matters on 100k-row sheets."""
    plain = WriteOnlyCell(ws)
    plain.style = style
    quoted = WriteOnlyCell(ws)
    quoted.style = style
    quoted.quotePrefix = True
    return plain._style, quoted._style


def _value(v: Any, type_: str) -> Any:
    """A Python value for a cell of ``type_``; None for missing."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if type_ == "date":
        if isinstance(v, pd.Timestamp | np.datetime64):
            return pd.Timestamp(v).date()
        return v
    if type_ in ("amount", "fraction"):
        return float(v)
    if type_ == "integer":
        return int(v)
    if type_ == "flag":
        return bool(v)
    if type_ == "choice" and isinstance(v, bool | np.bool_):
        return "Y" if v else "N"
    return v


def column_formula(col: Column, table: str, overrides: dict[str, str]) -> str | None:
    if col.kind != "computed":
        return None
    formula = overrides.get(col.header, col.formula)
    return expand(formula, table) if formula else None


def write_table(
    ws: Worksheet,
    layout: TableLayout,
    rows: pd.DataFrame,
    overrides: dict[str, str] | None = None,
    row_formulas: dict[str, Callable[[int], str]] | None = None,
    spare_rows: int | None = None,
    style: str = "TableStyleLight9",
    deferred: DeferredRows | None = None,
) -> int:
    """Write ``layout`` as an Excel table starting at A1 of ``ws`` (a write-only sheet with no rows yet).

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per table row; input columns are read from the column named by each layout column's
        ``source``.
    overrides : dict, optional
        Formula (layout shorthand) replacing a computed column's layout formula.
    row_formulas : dict, optional
        Per-row formula builders (given the sheet row number) for formulas that are not the same on every row.
    spare_rows : int, optional
        Empty rows after the data, formulas included, for staff to type new rows into on a protected sheet.
    deferred : DeferredRows, optional
        Collect the data rows as SpreadsheetML text to be streamed into the saved package (fast path for big
        tables); without it the rows go through openpyxl.

    Returns
    -------
    int
        The last row of the table.
    """
    overrides = overrides or {}
    row_formulas = row_formulas or {}
    spare = layout.spare_rows if spare_rows is None else spare_rows
    cols = layout.columns
    for i, col in enumerate(cols, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = col.width
        if col.hidden:
            dim.hidden = True
            dim.outlineLevel = 1
    header = []
    for col in cols:
        cell = text_cell(ws, col.header, f"oon header {col.kind}")
        if col.note:
            cell.comment = Comment(col.note, "oonkit", width=300, height=110)
        header.append(cell)
    ws.append(header)
    formulas = [column_formula(c, layout.name, overrides) for c in cols]
    templates = [style_arrays(ws, style_name(c.kind, c.type)) for c in cols]
    sources: list[Sequence[Any] | None] = []
    for col in cols:
        if col.kind == "input" and col.source in rows.columns:
            sources.append(rows[col.source].tolist())
        else:
            sources.append(None)
    n = len(rows)
    last = 1 + n + spare
    if deferred is not None:
        _defer_rows(ws, deferred, cols, formulas, templates, sources, row_formulas, n, spare)
    for r in range(n + spare if deferred is None else 0):
        sheet_row = r + 2
        out = []
        for j, col in enumerate(cols):
            plain, quoted = templates[j]
            if col.kind == "computed":
                builder = row_formulas.get(col.header)
                cell = WriteOnlyCell(ws, builder(sheet_row) if builder else formulas[j])
                cell._style = copy(plain)
            else:
                src = sources[j]
                value = _value(src[r], col.type) if src is not None and r < n else None
                cell = WriteOnlyCell(ws, value)
                if isinstance(value, str):  # outside text: always a string, quote-prefixed if formula-like
                    cell.data_type = "s"
                    cell._style = copy(quoted if value.startswith(FORMULA_START) else plain)
                else:
                    cell._style = copy(plain)
            out.append(cell)
        ws.append(out)
    ref = f"A1:{get_column_letter(len(cols))}{max(last, 2)}"
    table = Table(displayName=layout.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=True)
    table.tableColumns = [
        TableColumn(
            id=i,
            name=c.header,
            calculatedColumnFormula=TableFormula(attr_text=str(formulas[i - 1]).lstrip("="))
            if formulas[i - 1] and c.header not in row_formulas
            else None,
        )
        for i, c in enumerate(cols, start=1)
    ]
    table.autoFilter = AutoFilter(ref=ref)
    ws._tables.add(table)  # add_table only warns that write-only sheets need the columns set, as done above
    _validations(ws, cols, last)
    return last


def _defer_rows(
    ws: Worksheet,
    deferred: DeferredRows,
    cols: Sequence[Column],
    formulas: list[str | None],
    templates: list[tuple[StyleArray, StyleArray]],
    sources: list[Sequence[Any] | None],
    row_formulas: dict[str, Callable[[int], str]],
    n: int,
    spare: int,
) -> None:
    """Register the data rows of a table with ``deferred``, as the text openpyxl would write for them."""
    cell_styles = ws.parent._cell_styles
    plain = [cell_styles.add(p) for p, _ in templates]
    quoted = [cell_styles.add(q) for _, q in templates]
    letters = [get_column_letter(j) for j in range(1, len(cols) + 1)]
    builders = [row_formulas.get(c.header) if c.kind == "computed" else None for c in cols]

    def rows():
        for r in range(n + spare):
            row = r + 2
            out = [f'<row r="{row}">']
            for j, col in enumerate(cols):
                ref = f"{letters[j]}{row}"
                if col.kind == "computed":
                    builder = builders[j]
                    out.append(
                        fastrows.formula_cell(ref, plain[j], builder(row) if builder else str(formulas[j]))
                    )
                    continue
                src = sources[j]
                value = _value(src[r], col.type) if src is not None and r < n else None
                if isinstance(value, str) and value:
                    style = quoted[j] if value.startswith(FORMULA_START) else plain[j]
                    out.append(fastrows.text_cell(ref, style, value))
                else:
                    out.append(fastrows.value_cell(ref, plain[j], value))
            out.append("</row>")
            yield "".join(out)

    deferred.add(ws, rows, len(cols), 1 + n + spare)


def _validations(ws: Worksheet, cols: Sequence[Column], last: int) -> None:
    for i, col in enumerate(cols, start=1):
        if col.kind != "input":
            continue
        letter = get_column_letter(i)
        rng = f"{letter}2:{letter}{last}"
        dv = None
        if col.list:
            # a defined name, written without "=" as Excel writes it
            dv = DataValidation(type="list", formula1=col.list, allow_blank=True)
            dv.error = f"Pick a value from the list ({col.list} on the Lists sheet)."
        elif col.type == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            dv.error = "Type a date after 2000-01-01 (for example 2026-03-09)."
        elif col.type in ("amount",):
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "Type an amount of 0 or more."
        elif col.type == "fraction":
            dv = DataValidation(
                type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True
            )
            dv.error = "Type a percentage between 0% and 100%."
        elif col.type == "integer":
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "Type a whole number."
        if dv is not None:
            dv.showErrorMessage = True
            dv.errorTitle = col.header
            dv.add(rng)
            ws.data_validations.append(dv)
