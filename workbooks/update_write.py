"""The part edits of an update: cells filled in existing rows, rows put into a table's spare rows, tables
extended when the spare rows run out (rows with the same formulas and styles, the table's range, the ranges
of its validation and conditional formatting, names such as ``ClaimIDs``), the *Remit imports* sheet, and
``fullCalcOnLoad`` so that Excel and LibreOffice recalculate on open. Every other part is copied unchanged.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from udfs.errors import FileError, Problem

from . import sheet_xml
from .layout import Column
from .tables import FORMULA_START, _value
from .tracker import Table, Tracker
from .update_imports import COLUMNS, NAME, SHEET
from .xlsx_package import (
    CT_WORKSHEET,
    NS_MAIN,
    NS_REL,
    REL_STYLES,
    REL_WORKSHEET,
    Writer,
    relative,
    rels_part,
)

_RANGE = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)(?::(\$?)([A-Z]{1,3})(\$?)(\d+))?")


class Cells:
    """Cell XML for values, giving formula-like text a quote-prefixed copy of its style (added to
    styles.xml when the workbook has none), as the generator does.

    Rows are written while the package is streamed, after styles.xml is decided: the styles text will need
    are registered beforehand (:meth:`quote` with the table's styles); once :meth:`styles_part` has run,
    a style without a quote-prefixed copy keeps its own (the cell is still text; only editing it in Excel
    would read it as a formula)."""

    def __init__(self, tracker: Tracker):
        self.date1904 = tracker.date1904
        parts = tracker.package.related(tracker.package.workbook_part, REL_STYLES)
        self.part = parts[0] if parts else None
        self.styles = tracker.package.read(self.part) if self.part else b""
        m = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", self.styles, re.S)
        self.xfs = re.findall(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", m.group(1), re.S) if m else []
        self.added: list[bytes] = []
        self.quoted: dict[bytes | None, bytes | None] = {}
        self.frozen = False

    def make(self, ref: str, style: bytes | None, value: Any) -> bytes:
        if isinstance(value, str) and value.startswith(FORMULA_START):
            style = self.quote(style)
        return sheet_xml.cell_xml(ref, style, value, self.date1904)

    def quote(self, style: bytes | None) -> bytes | None:
        if style in self.quoted:
            return self.quoted[style]
        index = int(style or b"0")
        out = style
        if index < len(self.xfs) and not re.search(
            rb'quotePrefix="(1|true)"', self.xfs[index].split(b">")[0]
        ):
            xf = self.xfs[index]
            want = re.sub(rb"\s*quotePrefix=\"[^\"]*\"", b"", xf, count=1)
            want = want.replace(b"<xf", b'<xf quotePrefix="1"', 1)
            all_xfs = self.xfs + self.added
            if want in all_xfs:
                out = str(all_xfs.index(want)).encode()
            elif not self.frozen:
                self.added.append(want)
                out = str(len(all_xfs)).encode()
        self.quoted[style] = out
        return out

    def styles_part(self) -> bytes | None:
        """styles.xml with the added styles, or None when none was needed; no style is added after it."""
        self.frozen = True
        if not self.added:
            return None
        xfs = self.xfs + self.added

        def put(m: re.Match[bytes]) -> bytes:
            start = re.sub(rb'count="\d+"', b'count="' + str(len(xfs)).encode() + b'"', m.group(1))
            return start + b"".join(xfs) + b"</cellXfs>"

        return re.sub(rb"(<cellXfs\b[^>]*>).*?</cellXfs>", put, self.styles, count=1, flags=re.S)


def typed(col: Column, value: Any) -> Any:
    """A value as the generator writes it in a column of this type (dates as dates, Y/N for choices...)."""
    v = _value(value, col.type)
    if isinstance(v, str) and not v.strip():
        return None
    return v


class TableWriter:
    """Edits of one table: fills of existing rows, new rows into spare rows, then past the end."""

    def __init__(self, table: Table, cells: Cells, source: str):
        self.t = table
        self.cells = cells
        self.source = source
        self.template = table.read.last_row_xml
        if not self.template:
            raise FileError(
                [
                    Problem(
                        source, table.data_last, None, f"the {table.layout.name} table's last row is missing"
                    )
                ]
            )
        self.fallback = sheet_xml.styles_by_letter(self.template)
        self.edits = sheet_xml.SheetEdits(make=cells.make, fallback=self.fallback)
        self.inputs = {c.source: c for c in table.layout.columns if c.kind == "input" and c.source}
        self.next_row = max(table.read.last_used, table.header_row) + 1
        self.formulas = sheet_xml.FormulaSource(
            self.template, table.data_last, table.calculated, table.read.shared
        )
        self.new_last = table.data_last
        self.count = 0

    def letters_values(self, values: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for source, v in values.items():
            col = self.inputs.get(source)
            if col is not None:
                letter = self.t.letters[col.header]
                out[letter] = typed(col, v)
                if isinstance(out[letter], str) and out[letter].startswith(FORMULA_START):
                    self.cells.quote(self.fallback.get(letter))  # registered before styles.xml is written
        return out

    def fill(self, row: int, values: dict[str, Any]) -> None:
        self.edits.fills.setdefault(row, {}).update(self.letters_values(values))

    def add(self, values: dict[str, Any]) -> int:
        """Put a new row in the first spare row, or past the table's end; returns its sheet row."""
        row = self.next_row
        self.next_row += 1
        self.count += 1
        cells = {k: v for k, v in self.letters_values(values).items() if v is not None}
        if row <= self.t.data_last:
            self.fill(row, {})
            self.edits.fills[row].update(cells)
            return row
        if self.t.totals:
            raise FileError(
                [
                    Problem(
                        self.source,
                        None,
                        self.t.layout.name,
                        "the table has a total row and no spare row left: turn off its Total Row, update, turn it on again",
                    )
                ]
            )
        taken = self.t.read.beyond.get(row, set()) & set(self.t.all_letters)
        if taken:
            raise FileError(
                [
                    Problem(
                        self.source,
                        row,
                        self.t.layout.name,
                        f"the table must grow into row {row} but cells {', '.join(sorted(taken))}{row} hold data: move them down or out",
                    )
                ]
            )
        xml = {}
        for letter in self.t.all_letters:
            ref = f"{letter}{row}"
            style = self.fallback.get(letter)
            if letter in cells:
                xml[letter] = self.cells.make(ref, style, cells[letter])
            elif letter in self.formulas and letter not in self.input_letters:
                xml[letter] = sheet_xml.formula_cell_xml(ref, style, self.formulas.formula(letter, row))
            elif letter in self.fallback:
                xml[letter] = self.cells.make(ref, style, None)
        self.edits.added[row] = sheet_xml.new_row(self.template, row, xml, self.t.all_letters)
        self.new_last = row
        return row

    @property
    def input_letters(self) -> set[str]:
        return set(self.t.input_letters())

    def extended(self) -> bool:
        return self.new_last > self.t.data_last

    def grow(self, text: str) -> str:
        """Ranges in ``text`` that covered the table's rows, extended to its new last row."""
        t = self.t
        return extend_ranges(text, t.first_col, t.last_col, t.header_row + 1, t.data_last, self.new_last)

    def finish(self) -> None:
        """Once every row is placed: the sheet's dimension and ranges follow a grown table."""
        if self.extended():
            self.edits.head = partial(grow_dimension, new_last=self.new_last)
            self.edits.tail = partial(_sqrefs, grow=self.grow)

    def table_part(self) -> bytes:
        t = self.t
        old = f"{get_column_letter(t.first_col)}{t.header_row}:{get_column_letter(t.last_col)}{t.last_row}"
        new = f"{get_column_letter(t.first_col)}{t.header_row}:{get_column_letter(t.last_col)}{self.new_last}"
        old_data = (
            f"{get_column_letter(t.first_col)}{t.header_row + 1}:{get_column_letter(t.last_col)}{t.last_row}"
        )
        new_data = f"{get_column_letter(t.first_col)}{t.header_row + 1}:{get_column_letter(t.last_col)}{self.new_last}"
        xml = t.xml.replace(f'ref="{old}"'.encode(), f'ref="{new}"'.encode())
        return xml.replace(f'ref="{old_data}"'.encode(), f'ref="{new_data}"'.encode())


def extend_ranges(
    text: str, first_col: int, last_col: int, first_row: int, old_last: int, new_last: int
) -> str:
    """Ranges in ``text`` that cover rows of a table down to its last row, extended to its new last row.

    >>> extend_ranges("AN2:AN56 B3 AT2:AT56", 1, 45, 2, 56, 80)
    'AN2:AN80 B3 AT2:AT56'
    >>> extend_ranges("'Claims'!$A$2:$A$56", 1, 45, 2, 56, 80)
    "'Claims'!$A$2:$A$80"
    """

    def sub(m: re.Match[str]) -> str:
        if not m.group(6):
            return m.group(0)
        c1, r1 = column_index_from_string(m.group(2)), int(m.group(4))
        c2, r2 = column_index_from_string(m.group(6)), int(m.group(8))
        if r2 != old_last or r1 < first_row or r1 > old_last or c1 < first_col or c2 > last_col:
            return m.group(0)
        return m.group(0)[: m.start(8) - m.start(0)] + str(new_last)

    return _RANGE.sub(sub, text)


def _sqrefs(tail: bytes, grow: Callable[[str], str]) -> bytes:
    tail = re.sub(
        rb'(\ssqref=")([^"]*)(")',
        lambda m: m.group(1) + grow(m.group(2).decode()).encode() + m.group(3),
        tail,
    )
    return re.sub(
        rb"(<xm:sqref>)([^<]*)(</xm:sqref>)",
        lambda m: m.group(1) + grow(m.group(2).decode()).encode() + m.group(3),
        tail,
    )


def grow_dimension(head: bytes, new_last: int) -> bytes:
    """The sheet's ``<dimension>`` reaching row ``new_last`` (never shrunk)."""

    def sub(m: re.Match[bytes]) -> bytes:
        ref = m.group(2).decode()
        if ":" not in ref:
            return m.group(0)
        a, b = ref.split(":")
        end = re.match(r"([A-Z]+)(\d+)", b)
        if end is None or int(end.group(2)) >= new_last:
            return m.group(0)
        return m.group(1) + f"{a}:{end.group(1)}{new_last}".encode() + m.group(3)

    return re.sub(rb'(<dimension ref=")([^"]*)(")', sub, head, count=1)


def extend_names(workbook_xml: bytes, sheet: str, grow: Callable[[str], str]) -> bytes:
    """Defined names pointing at a table's rows on ``sheet`` (``ClaimIDs``) extended with the table."""

    def sub(m: re.Match[bytes]) -> bytes:
        body = html.unescape(m.group(2).decode())
        target = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^!']+))!(.+)", body)
        if not target or (target.group(1) or target.group(2)).replace("''", "'") != sheet:
            return m.group(0)
        new = body[: target.start(3)] + grow(target.group(3))
        return m.group(1) + html.escape(new, quote=False).encode() + m.group(3)

    return re.sub(rb"(<definedName\b[^>]*>)([^<]*)(</definedName>)", sub, workbook_xml)


def full_calc_on_load(workbook_xml: bytes) -> bytes:
    """Ask Excel and LibreOffice to recalculate every formula when the workbook opens."""
    m = re.search(rb"<calcPr\b[^>]*?/?>", workbook_xml)
    if m:
        tag = re.sub(rb'\sfullCalcOnLoad="[^"]*"', b"", m.group(0))
        tag = tag.replace(b"<calcPr", b'<calcPr fullCalcOnLoad="1"', 1)
        return workbook_xml[: m.start()] + tag + workbook_xml[m.end() :]
    return _insert_before(workbook_xml, _AFTER_CALC, b'<calcPr fullCalcOnLoad="1"/>')


_AFTER_CALC = [b"<oleSize", b"<customWorkbookViews", b"<pivotCaches", b"<smartTagPr", b"<smartTagTypes",
               b"<webPublishing", b"<fileRecoveryPr", b"<webPublishObjects", b"<extLst", b"</workbook>"]  # fmt: skip


def _insert_before(xml: bytes, anchors: list[bytes], new: bytes) -> bytes:
    for a in anchors:
        i = xml.find(a)
        if i >= 0:
            return xml[:i] + new + xml[i:]
    raise ValueError("no place to insert")


def import_rows(
    records: list[dict[str, Any]], first_row: int, letters: dict[str, str], cells: Cells
) -> dict[int, bytes]:
    """Rows of the Remit imports sheet for ``records``, numbered from ``first_row``."""
    out = {}
    order = sorted(letters.items(), key=lambda kv: column_index_from_string(kv[1]))
    for i, rec in enumerate(records):
        r = first_row + i
        body = b"".join(cells.make(f"{letter}{r}", None, _plain(rec.get(source))) for source, letter in order)
        out[r] = f'<row r="{r}">'.encode() + body + b"</row>"
    return out


def _plain(v: Any) -> Any:
    return None if v is None or v == "" else v


def new_imports_sheet(records: list[dict[str, Any]], cells: Cells) -> bytes:
    letters = {source: get_column_letter(i) for i, (source, _, _) in enumerate(COLUMNS, start=1)}
    header = b"".join(cells.make(f"{letters[s]}1", None, h) for s, h, _ in COLUMNS)
    rows = b'<row r="1">' + header + b"</row>" + b"".join(import_rows(records, 2, letters, cells).values())
    cols = b"".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'.encode()
        for i, (_, _, w) in enumerate(COLUMNS, start=1)
    )
    last = f"{get_column_letter(len(COLUMNS))}{len(records) + 1}"
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + f'<worksheet xmlns="{NS_MAIN}"><dimension ref="A1:{last}"/>'.encode()
        + b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        b'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + b"<cols>" + cols + b"</cols><sheetData>" + rows + b"</sheetData>"
        + b'<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'
    )  # fmt: skip


def add_sheet(
    tracker: Tracker,
    workbook_xml: bytes,
    replace: dict[str, bytes | Writer],
    add: dict[str, bytes | Writer],
    content: bytes,
) -> bytes:
    """Add the hidden Remit imports sheet: its part, relationship, content type, ``<sheet>`` entry and name."""
    pkg = tracker.package
    numbers = [int(m.group(1)) for n in pkg.names if (m := re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", n))]
    part = f"xl/worksheets/sheet{max(numbers, default=0) + 1}.xml"
    add[part] = content
    rels_name = rels_part(pkg.workbook_part)
    rels = pkg.read(rels_name)
    ids = set(re.findall(rb'Id="([^"]*)"', rels))
    n = 1
    while f"rId{n}".encode() in ids:
        n += 1
    rid = f"rId{n}"
    rel = f'<Relationship Id="{rid}" Type="{REL_WORKSHEET}" Target="{relative(pkg.workbook_part, part)}"/>'
    replace[rels_name] = rels.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
    types = replace.get("[Content_Types].xml") or pkg.read("[Content_Types].xml")
    assert isinstance(types, bytes)
    override = f'<Override PartName="/{part}" ContentType="{CT_WORKSHEET}"/>'
    replace["[Content_Types].xml"] = types.replace(b"</Types>", override.encode() + b"</Types>")
    sheet_ids = [int(x) for x in re.findall(rb'<sheet\b[^>]*\bsheetId="(\d+)"', workbook_xml)]
    names = {
        html.unescape(x.decode()).lower() for x in re.findall(rb'<sheet\b[^>]*\bname="([^"]*)"', workbook_xml)
    }
    name, k = SHEET, 2
    while name.lower() in names:
        name, k = f"{SHEET} {k}", k + 1
    entry = f'<sheet xmlns:r="{NS_REL}" name="{name}" sheetId="{max(sheet_ids, default=0) + 1}" state="hidden" r:id="{rid}"/>'
    workbook_xml = workbook_xml.replace(b"</sheets>", entry.encode() + b"</sheets>", 1)
    quoted = "'" + name.replace("'", "''") + "'"
    defined = f'<definedName name="{NAME}" hidden="1">{html.escape(quoted, quote=False)}!$A$1</definedName>'.encode()
    if b"</definedNames>" in workbook_xml:
        return workbook_xml.replace(b"</definedNames>", defined + b"</definedNames>", 1)
    return _insert_before(
        workbook_xml, [b"<calcPr", *_AFTER_CALC], b"<definedNames>" + defined + b"</definedNames>"
    )
