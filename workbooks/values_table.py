"""Tables of values written as Excel tables (the remittance report's Lines, Claims, Reversals and Imbalances):
a title, a row of SUBTOTAL formulas, the header, and one row per record whose cells are serialised column by
column and streamed into the saved package (``workbooks.fastrows``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from .fastrows import DeferredRows, excel_text
from .tables import FORMULA_START, style_arrays, text_cell


@dataclass(frozen=True)
class Col:
    """One column of a values table: header, key in the DataFrame, type (a key of
    ``workbooks.styles.NUMBER_FORMATS`` or ``days``), width, and the header's note."""

    header: str
    key: str
    type: str
    width: float
    note: str = ""


def style_of(type_: str) -> str:
    return f"oon value {'integer' if type_ == 'days' else type_}"


@dataclass
class _Rows:
    """Data rows of a values table, written straight into the sheet's XML after openpyxl saved the rest."""

    first: int  # sheet row of the first record
    columns: Sequence[Col]
    data: pd.DataFrame
    styles: list[tuple[int, int]]  # cell style ids per column: plain, quote-prefixed


def write_values_table(
    ws,
    name: str,
    title: str,
    columns: Sequence[Col],
    data: pd.DataFrame,
    subtotals: bool = True,
    empty: str = "",
    deferred: DeferredRows | None = None,
) -> tuple[int, int]:
    """A title on row 1, the header on row 3 and one row per record below, as an Excel table named
    ``name`` with filters. Row 2 holds SUBTOTAL(109, ...) of the amount columns (the rows the filter shows)
    when ``subtotals``, or the text ``empty`` when there is no record. Returns (header row, last row).

    The records are not written through openpyxl (about 20 microseconds a cell): they are added to
    ``deferred`` and streamed into the saved package (``workbooks.fastrows``), about 30 times faster."""
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    header_row = 3
    ws.append([text_cell(ws, title, "oon title")])
    if not len(data):
        ws.append([text_cell(ws, empty, "oon value text")] if empty else [])
    elif subtotals:
        totals: list[Any] = [text_cell(ws, "Rows shown", "oon label")]
        for col in columns[1:]:
            if col.type == "amount":
                c = WriteOnlyCell(ws, f"=SUBTOTAL(109,{name}[{col.header}])")
                c.style = "oon value amount"
                totals.append(c)
            else:
                totals.append(None)
        ws.append(totals)
    else:
        ws.append([])
    header = []
    for col in columns:
        cell = text_cell(ws, col.header, "oon header computed")
        if col.note:
            cell.comment = Comment(col.note, "oonkit", width=300, height=110)
        header.append(cell)
    ws.append(header)
    last = header_row + max(len(data), 1)
    if len(data):
        wb = ws.parent
        styles = []
        for col in columns:
            plain, quoted = style_arrays(ws, style_of(col.type))
            styles.append((wb._cell_styles.add(plain), wb._cell_styles.add(quoted)))
        if deferred is None:
            raise ValueError("write_values_table: give a DeferredRows for the records")
        rows = _Rows(header_row + 1, columns, data, styles)
        deferred.add(ws, lambda: _row_chunks(rows), len(columns), last)
        ref = f"A{header_row}:{get_column_letter(len(columns))}{last}"
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        table._initialise_columns()
        for column, col in zip(table.tableColumns, columns, strict=True):
            column.name = col.header
        ws._tables.add(table)
    return header_row, last


_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_CHUNK = 5000


def _column_cells(
    col: Col, letter: str, values: np.ndarray, rows: range, style: tuple[int, int]
) -> list[str]:
    """The ``<c>`` element of each value of one column ('' for an empty cell)."""
    plain, quoted = style
    if col.type in ("amount", "fraction", "integer", "days"):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
        if col.type in ("integer", "days"):
            return [
                "" if v != v else f'<c r="{letter}{r}" s="{plain}"><v>{int(v)}</v></c>'
                for r, v in zip(rows, numbers.tolist(), strict=True)
            ]
        return [
            "" if v != v else f'<c r="{letter}{r}" s="{plain}"><v>{v!r}</v></c>'
            for r, v in zip(rows, numbers.tolist(), strict=True)
        ]
    if col.type == "date":
        days = pd.to_datetime(pd.Series(values, dtype=object)).to_numpy(dtype="datetime64[D]")
        serial = np.where(np.isnat(days), -1, (days - _EXCEL_EPOCH).astype(np.int64))
        return [
            "" if v < 0 else f'<c r="{letter}{r}" s="{plain}"><v>{v}</v></c>'
            for r, v in zip(rows, serial.tolist(), strict=True)
        ]
    if col.type == "flag":
        return [
            ""
            if v is None or v is pd.NA or v != v
            else f'<c r="{letter}{r}" s="{plain}" t="b"><v>{int(bool(v))}</v></c>'
            for r, v in zip(rows, values.tolist(), strict=True)
        ]
    out = []
    for r, v in zip(rows, values.tolist(), strict=True):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            out.append("")
            continue
        text = str(v)
        if not text:
            out.append("")
            continue
        sid = quoted if text.startswith(FORMULA_START) else plain
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        out.append(
            f'<c r="{letter}{r}" s="{sid}" t="inlineStr"><is><t{space}>{excel_text(text)}</t></is></c>'
        )
    return out


def _row_chunks(rows: _Rows) -> Iterator[bytes]:
    """The ``<row>`` elements of the deferred records, a few thousand rows at a time."""
    letters = [get_column_letter(i) for i in range(1, len(rows.columns) + 1)]
    arrays = [rows.data[c.key].to_numpy(dtype=object) for c in rows.columns]
    n = len(rows.data)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        numbers = range(rows.first + start, rows.first + stop)
        columns = [
            _column_cells(col, letter, values[start:stop], numbers, style)
            for col, letter, values, style in zip(rows.columns, letters, arrays, rows.styles, strict=True)
        ]
        text = "".join(
            f'<row r="{r}">' + "".join(cells) + "</row>" for r, *cells in zip(numbers, *columns, strict=True)
        )
        yield text.encode("utf-8", "replace")
