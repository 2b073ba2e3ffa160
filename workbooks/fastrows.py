"""Table rows written straight to SpreadsheetML, for the big sheets of a workbook.

openpyxl spends about 8 microseconds a cell building a cell object, binding its value and serialising it; a
100k-line Claims sheet has 4.5 million cells. The layout tables (Claims, Escalation log, Deadlines) therefore
have only their header written by openpyxl, which still writes everything around the cells (column widths,
the table object, validation, conditional formatting, comments, protection); their data rows are produced
here as text, streamed into the saved package in place of the empty ``<sheetData>`` tail, and compressed
once. The cells are the ones openpyxl would write: the same style ids, ``inlineStr`` text, ``%.16g`` numbers,
Excel serial dates, ``<f>`` formulas.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

_EXCEL_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
# Characters XML 1.0 cannot carry; Excel writes them as _xHHHH_ (and a literal _xHHHH_ as _x005F_xHHHH_).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED = re.compile("_(x[0-9A-Fa-f]{4}_)")
_ROWS_PER_CHUNK = 2000


def excel_text(value: str) -> str:
    """XML-escaped text with characters XML cannot hold written the way Excel writes them (``_x0001_``), and
    a literal ``_xHHHH_`` protected as ``_x005F_xHHHH_`` so that Excel does not decode it.

    >>> excel_text("a<b & _x0041_ \x07")
    'a&lt;b &amp; _x005F_x0041_ _x0007_'
    """
    text = escape(value)
    if "_x" in text:
        text = _ESCAPED.sub(r"_x005F_\1", text)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def text_cell(ref: str, style: int, value: str) -> str:
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{excel_text(value)}</t></is></c>'


def value_cell(ref: str, style: int, value: object) -> str:
    """A cell for a Python value: None, str, bool, int/float, date/datetime."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, str):
        return text_cell(ref, style, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style}" t="n"><v>{value.toordinal() - _EXCEL_EPOCH_ORDINAL}</v></c>'
    return f'<c r="{ref}" s="{style}" t="n"><v>{float(value):.16g}</v></c>'  # type: ignore[arg-type]


def formula_cell(ref: str, style: int, formula: str) -> str:
    return f'<c r="{ref}" s="{style}"><f>{escape(formula.lstrip("="))}</f><v></v></c>'


@dataclass
class DeferredRows:
    """Rows to stream into worksheets after openpyxl has saved the package, by worksheet."""

    sheets: dict[object, tuple[Callable[[], Iterator[str | bytes]], str]] = field(default_factory=dict)

    def add(
        self, ws: object, rows: Callable[[], Iterator[str | bytes]], last_col: int, last_row: int
    ) -> None:
        """``rows()`` yields the XML of the rows after those openpyxl wrote to ``ws`` (text or UTF-8 bytes,
        one row or many at a time); ``last_row`` and ``last_col`` give the sheet's dimension."""
        self.sheets[ws] = (rows, f"A1:{get_column_letter(last_col)}{max(last_row, 1)}")

    def inject(self, source: Path | io.BytesIO, target: Path | io.BytesIO) -> None:
        """Copy the package ``source`` to ``target`` with the deferred rows in their worksheets."""
        parts = {ws.path.lstrip("/"): spec for ws, spec in self.sheets.items()}  # type: ignore[attr-defined]
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename not in parts:
                    with zin.open(info) as src, zout.open(info, "w") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    continue
                rows, dimension = parts[info.filename]
                xml = zin.read(info).decode("utf-8")
                head, tail = xml.split("</sheetData>", 1)
                head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', head, count=1)
                part = zipfile.ZipInfo(info.filename, info.date_time)
                part.compress_type = zipfile.ZIP_DEFLATED
                with zout.open(part, "w", force_zip64=True) as dst:
                    dst.write(head.encode("utf-8"))
                    chunk: list[str] = []
                    for row in rows():
                        if isinstance(row, bytes):
                            dst.write("".join(chunk).encode("utf-8", "replace"))
                            chunk.clear()
                            dst.write(row)
                            continue
                        chunk.append(row)
                        if len(chunk) >= _ROWS_PER_CHUNK:
                            dst.write("".join(chunk).encode("utf-8", "replace"))
                            chunk.clear()
                    dst.write("".join(chunk).encode("utf-8", "replace"))
                    dst.write(("</sheetData>" + tail).encode("utf-8"))
