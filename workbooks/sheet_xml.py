"""Worksheet XML read and rewritten as a stream of rows, for sheets of any size.

A sheet part is split into its head (up to ``<sheetData>``), chunks of whole ``<row>`` elements, and its tail
(from ``</sheetData>``: protection, conditional formatting, validation, extension blocks...). Reading picks
the values of chosen columns with one regular expression per chunk; rewriting copies every row it does not
change byte for byte and rebuilds only the rows it fills or adds.

Cells are written the way Excel reads them most plainly: numbers as ``<v>``, text as inline strings (so the
shared-string table never changes), formulas as ``<f>`` without a cached value.

References
----------
ECMA-376 Part 1, 18.3.1 (worksheet: sheetData, row, c, f, v, is), 18.4 (shared strings), 18.17.2.3 (Excel's
date serial numbers: days since 1899-12-30, or since 1904-01-01 in the 1904 date system).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string

from udfs.errors import FileError, Problem

BLOCK = 1 << 22  # bytes read at a time
_ROW = re.compile(rb'<row r="(\d+)"')
_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(/>|>.*?</c>)', re.S)
_T = re.compile(rb"<t(?: [^>]*)?>([^<]*)</t>|<t(?: [^>]*)?/>")
_RPH = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_TYPE = re.compile(rb'\bt="(\w+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>([^<]*)</f>)")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EPOCH_1900 = dt.date(1899, 12, 30)
EPOCH_1904 = dt.date(1904, 1, 1)


def chunks(stream: IO[bytes], source: str) -> Iterator[tuple[str, bytes]]:
    """``("head", bytes)``, then ``("rows", bytes)`` chunks of whole rows, then ``("tail", bytes)``.

    The head ends with the ``<sheetData>`` start tag and the tail starts with ``</sheetData>`` (an empty
    ``<sheetData/>`` is given as the pair).
    """
    buf = b""
    start = end = -1
    while end < 0:  # read until the whole <sheetData ...> start tag is in (a block may end inside it)
        block = stream.read(BLOCK)
        if not block:
            raise FileError([Problem(source, None, None, "worksheet without <sheetData>")])
        buf += block
        start = buf.find(b"<sheetData")
        if start >= 0:
            end = buf.find(b">", start)
    end += 1
    if buf[end - 2 : end] == b"/>":
        yield "head", buf[:start] + b"<sheetData>"
        yield "tail", b"</sheetData>" + buf[end:] + stream.read()
        return
    yield "head", buf[:end]
    buf = buf[end:]
    while True:
        close = buf.find(b"</sheetData>")
        if close >= 0:
            if close:
                yield "rows", buf[:close]
            yield "tail", buf[close:] + stream.read()
            return
        cut = buf.rfind(b"<row")
        if cut > 0:
            yield "rows", buf[:cut]
            buf = buf[cut:]
        block = stream.read(BLOCK)
        if not block:
            raise FileError([Problem(source, None, None, "worksheet ends inside <sheetData>")])
        buf += block


def check_form(chunk: bytes, source: str) -> None:
    """Refuse rows and cells without a leading ``r`` reference (valid XML, but not what Excel, LibreOffice or
    openpyxl write, and this module locates cells by it). A writer writes every row alike, so the first
    chunk of a sheet is checked."""
    if chunk.count(b"<row") != chunk.count(b'<row r="') or chunk.count(b"<c") != chunk.count(b'<c r="'):
        raise FileError(
            [
                Problem(
                    source,
                    None,
                    None,
                    "rows or cells without an r= reference first; open and save it in Excel or LibreOffice",
                )
            ]
        )


def shared_strings(data: bytes | None) -> list[str]:
    """The shared-string table (sharedStrings.xml), rich text flattened, phonetic runs left out."""
    if not data:
        return []
    out = []
    for si in re.finditer(rb"<si>(.*?)</si>|<si/>", data, re.S):
        body = _RPH.sub(b"", si.group(1) or b"")
        out.append(html.unescape("".join(t.decode() for t in _T.findall(body))))
    return out


class _Formula:
    def __repr__(self) -> str:
        return "FORMULA"


#: The value read from a cell holding a formula (its result is not known without recalculating).
FORMULA = _Formula()


@dataclass
class TableRead:
    """What a read pass found in one table's rows."""

    columns: dict[str, dict[int, Any]] = field(default_factory=dict)  # letter -> row -> value (not blank)
    last_used: int = 0  # the last row with a non-blank input cell (0: none)
    last_row_xml: bytes = b""
    beyond: dict[int, set[str]] = field(default_factory=dict)  # rows after the table: letters of cells
    shared: dict[bytes, tuple[str, str]] = field(default_factory=dict)  # si -> (master cell, formula)


def _pattern(letters: Iterable[str]) -> re.Pattern[bytes]:
    codes = sorted({x for x in letters}, key=lambda x: -len(x))
    alternation = "|".join(codes).encode()
    return re.compile(
        rb'<c r="(' + alternation + rb')(\d+)"([^>]*?)(?:/>|>(?:(<f)|<v>([^<]*)</v>|<is>(.*?)</is>)?)', re.S
    )


def _inline(body: bytes) -> str | None:
    if body.startswith(b"<t>") and body.endswith(b"</t>") and body.count(b"<") == 2:
        text = body[3:-4]
    else:
        text = b"".join(_T.findall(_RPH.sub(b"", body)))
    return html.unescape(text.decode()) if text else None


def _value(attrs: bytes, f: bytes, v: bytes, inline: bytes, strings: list[str]) -> Any:
    if f:
        return FORMULA
    if v:
        if b't="' not in attrs or b't="n"' in attrs:
            return float(v)
        if b't="s"' in attrs:
            return strings[int(v)]
        if b't="b"' in attrs:
            return v.strip() in (b"1", b"true")
        return html.unescape(v.decode())
    if inline:
        return _inline(inline)
    return None


def read_table(
    stream: IO[bytes],
    source: str,
    first: int,
    last: int,
    letters: Iterable[str],
    inputs: Iterable[str],
    strings: list[str],
    beyond: bool = True,
) -> TableRead:
    """Read one table's rows ``first``..``last`` from a sheet part.

    Returns the values of the cells in ``letters`` (a formula gives :data:`FORMULA`), the last row with a
    non-blank cell in ``inputs``, the XML of row ``last``, the cells on rows after ``last``, and
    shared-formula masters. With ``beyond=False`` reading stops at the first chunk past ``last``.
    """
    pattern = _pattern(letters)
    used = _pattern(inputs)
    out = TableRead()
    first_chunk = True
    for kind, chunk in chunks(stream, source):
        if kind != "rows":
            continue
        if first_chunk:
            check_form(chunk, source)
            first_chunk = False
        if not beyond:
            head = _ROW.search(chunk)
            if head and int(head.group(1)) > last:
                break
        for letter, row, attrs, f, v, inline in pattern.findall(chunk):
            r = int(row)
            if first <= r <= last:
                value = _value(attrs, f, v, inline, strings)
                if value is not None:
                    out.columns.setdefault(letter.decode(), {})[r] = value
        out.last_used = max(out.last_used, _last_used(chunk, used, first, last, strings))
        if b't="shared"' in chunk:
            out.shared.update(_shared_masters(chunk))
        tail_row = chunk.rfind(b'<row r="')
        if tail_row >= 0 and int(_ROW.match(chunk, tail_row).group(1)) >= last:  # type: ignore[union-attr]
            for m in _ROW.finditer(chunk):
                r = int(m.group(1))
                end = chunk.find(b"<row", m.end())
                row_xml = chunk[m.start() : end if end >= 0 else len(chunk)]
                if r == last:
                    out.last_row_xml = row_xml
                elif r > last:
                    letters_here = {c[0].decode() for c in _CELL.findall(row_xml) if c[3] != b"/>"}
                    if letters_here:
                        out.beyond[r] = letters_here
    return out


def _last_used(chunk: bytes, used: re.Pattern[bytes], first: int, last: int, strings: list[str]) -> int:
    """The last row of the chunk within first..last holding a non-blank input cell, scanning backwards."""
    end = len(chunk)
    while True:
        pos = chunk.rfind(b'<row r="', 0, end)
        if pos < 0:
            return 0
        r = int(_ROW.match(chunk, pos).group(1))  # type: ignore[union-attr]
        if first <= r <= last:
            for _, _, attrs, f, v, inline in used.findall(chunk, pos, end):
                if _value(attrs, f, v, inline, strings) not in (None, ""):
                    return r
        end = pos


def _shared_masters(chunk: bytes) -> dict[bytes, tuple[str, str]]:
    out = {}
    for m in _CELL.finditer(chunk):
        f = _FORMULA.search(m.group(4))
        if f and b't="shared"' in f.group(1) and b"ref=" in f.group(1) and f.group(2):
            si = re.search(rb'si="(\d+)"', f.group(1))
            if si:
                out[si.group(1)] = (
                    m.group(1).decode() + m.group(2).decode(),
                    html.unescape(f.group(2).decode()),
                )
    return out


def escape_text(text: str) -> bytes:
    """Text for XML content: markup escaped, characters XML forbids written as Excel's ``_xHHHH_``."""
    if not text.isprintable():  # rare: control characters (\t and \n pass through unchanged)
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if "&" in text or "<" in text or ">" in text:
        text = html.escape(text, quote=False)
    return text.encode()


def to_serial(day: dt.date, date1904: bool = False) -> int:
    """Excel serial number of a date.

    >>> to_serial(dt.date(2025, 10, 14))
    45944
    """
    return (day - (EPOCH_1904 if date1904 else EPOCH_1900)).days


def from_serial(serial: float, date1904: bool = False) -> dt.date:
    """The date of an Excel serial number (time of day dropped).

    >>> from_serial(45944.0)
    datetime.date(2025, 10, 14)
    """
    return (EPOCH_1904 if date1904 else EPOCH_1900) + dt.timedelta(days=int(serial))


def number_text(value: float) -> bytes:
    """Shortest text that reads back as the same double (``repr``), whole numbers without ``.0``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value)).encode()
    return repr(float(value)).encode()


def cell_xml(ref: str, style: bytes | None, value: Any, date1904: bool = False) -> bytes:
    """One ``<c>`` element: None blank, bool, number, date (serial number) or text (inline string).

    >>> cell_xml("B7", b"11", 1420.5), cell_xml("A2", None, "R&D <x>")
    (b'<c r="B7" s="11"><v>1420.5</v></c>', b'<c r="A2" t="inlineStr"><is><t>R&amp;D &lt;x&gt;</t></is></c>')
    """
    head = b'<c r="%s" s="%s"' % (ref.encode(), style) if style else b'<c r="%s"' % ref.encode()
    if value is None:
        return head + b"/>"
    if isinstance(value, bool):
        return head + (b' t="b"><v>1</v></c>' if value else b' t="b"><v>0</v></c>')
    if isinstance(value, dt.date):
        return head + b"><v>%d</v></c>" % to_serial(value, date1904)
    if isinstance(value, int | float):
        return head + b"><v>" + number_text(value) + b"</v></c>"
    text = str(value)
    space = b' xml:space="preserve"' if text != text.strip() or "\n" in text else b""
    return head + b' t="inlineStr"><is><t' + space + b">" + escape_text(text) + b"</t></is></c>"


def formula_cell_xml(ref: str, style: bytes | None, formula: str) -> bytes:
    """A formula cell (``formula`` without the leading ``=``) with no cached value."""
    s = b' s="' + style + b'"' if style else b""
    return (
        b'<c r="'
        + ref.encode()
        + b'"'
        + s
        + b"><f>"
        + html.escape(formula, quote=False).encode()
        + b"</f></c>"
    )


def split_row(row: bytes) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    """(start tag, [(column letter, cell XML)], the rest) of one ``<row>`` element."""
    end = row.index(b">") + 1
    if row[end - 2 : end] == b"/>":
        return row[: end - 2] + b">", [], b"</row>" + row[end:]
    cells = [(m.group(1).decode(), m.group(0)) for m in _CELL.finditer(row, end)]
    close = row.rindex(b"</row>")
    return row[:end], cells, row[close:]


def style_of(cell: bytes) -> bytes | None:
    head = cell[: cell.index(b">")]
    m = _STYLE.search(head)
    return m.group(1) if m else None


Maker = Callable[[str, bytes | None, Any], bytes]


_CACHED = re.compile(rb"(</f>|<f\b[^>]*/>)<v>[^<]*</v>|(</f>|<f\b[^>]*/>)<v/>")
_CELL_START = re.compile(rb'<c r="([A-Z]{1,3})\d+"')


def fill_row(
    row: bytes, number: int, values: dict[str, Any], make: Maker, fallback: dict[str, bytes | None]
) -> bytes:
    """``row`` with ``values`` (column letter -> value) written into its cells, keeping each cell's style
    (``fallback`` styles for cells the row lacks), and formula cells' cached values removed. A cell holding
    a formula is never replaced. Only the cells written are parsed; the rest of the row is copied."""
    row = _CACHED.sub(lambda m: m.group(1) or m.group(2), row)
    missing: dict[str, bytes] = {}
    for letter, value in values.items():
        ref = f"{letter}{number}"
        pos = row.find(b'<c r="' + ref.encode() + b'"')
        if pos < 0:
            missing[letter] = make(ref, fallback.get(letter), value)
            continue
        head_end = row.index(b">", pos) + 1
        end = head_end if row[head_end - 2 : head_end] == b"/>" else row.index(b"</c>", head_end) + 4
        cell = row[pos:end]
        if b"<f" not in cell:
            row = row[:pos] + make(ref, style_of(cell), value) + row[end:]
    if missing:
        if b"</row>" not in row:  # an empty, self-closing row: open it
            close = row.index(b"/>")
            row = row[:close] + b"></row>" + row[close + 2 :]
        body_end = row.rindex(b"</row>")
        starts = [
            (column_index_from_string(m.group(1).decode()), m.start()) for m in _CELL_START.finditer(row)
        ]
        for letter, xml in sorted(missing.items(), key=lambda kv: -column_index_from_string(kv[0])):
            col = column_index_from_string(letter)
            at = next((p for c, p in starts if c > col), body_end)
            row = row[:at] + xml + row[at:]
    return row


def styles_by_letter(row: bytes) -> dict[str, bytes | None]:
    return {letter: style_of(xml) for letter, xml in split_row(row)[1]}


def new_row(template: bytes, number: int, cells: dict[str, bytes], table_letters: list[str]) -> bytes:
    """A row after the table's last row, from that row (``template``): its attributes (not ``hidden``), and
    the given cells; the table's other columns are left for :func:`FormulaSource` to fill."""
    start, _, _ = split_row(template)
    start = re.sub(rb'\s(?:hidden|collapsed)="[^"]*"', b"", start)
    start = re.sub(rb'<row r="\d+"', b'<row r="' + str(number).encode() + b'"', start, count=1)
    body = b"".join(cells[k] for k in table_letters if k in cells)
    return start + body + b"</row>"


class FormulaSource:
    """Formulas of the table's computed columns for new rows: the table's calculated-column formula when it
    has one, else the template row's formula translated to the new row (as Excel fills a column down)."""

    def __init__(
        self,
        template: bytes,
        template_row: int,
        calculated: dict[str, str],
        shared: dict[bytes, tuple[str, str]],
    ):
        self.calculated = calculated
        self.template_row = template_row
        self.origin: dict[str, tuple[str, str]] = {}
        self.row_free: dict[str, bool] = {}
        for letter, xml in split_row(template)[1]:
            f = _FORMULA.search(xml)
            if f is None:
                continue
            attrs, text = f.group(1), f.group(2)
            if text:
                self.origin[letter] = (f"{letter}{template_row}", html.unescape(text.decode()))
            else:
                si = re.search(rb'si="(\d+)"', attrs)
                if si and si.group(1) in shared:
                    self.origin[letter] = shared[si.group(1)]

    def __contains__(self, letter: str) -> bool:
        return letter in self.calculated or letter in self.origin

    def formula(self, letter: str, row: int) -> str:
        if letter in self.calculated:
            return self.calculated[letter]
        ref, text = self.origin[letter]
        if self.row_free.get(letter):
            return text
        out = Translator("=" + text, origin=ref).translate_formula(f"{letter}{row}")[1:]
        if letter not in self.row_free:
            other = Translator("=" + text, origin=ref).translate_formula(f"{letter}{row + 7}")[1:]
            self.row_free[letter] = out == other == text
        return out


@dataclass
class SheetEdits:
    """Changes to one sheet: cells to fill in existing rows, whole rows to add, and the range extension."""

    make: Maker
    fallback: dict[str, bytes | None] = field(default_factory=dict)  # styles of cells a row lacks
    fills: dict[int, dict[str, Any]] = field(default_factory=dict)  # row -> letter -> value
    added: dict[int, bytes] = field(default_factory=dict)  # row -> row XML
    head: Callable[[bytes], bytes] | None = None
    tail: Callable[[bytes], bytes] | None = None

    def empty(self) -> bool:
        return not (self.fills or self.added)


def rewrite(src: IO[bytes], dst: BinaryIO, edits: SheetEdits, source: str) -> None:
    """Copy a sheet part from ``src`` to ``dst`` with ``edits`` applied."""
    fill_rows = sorted(edits.fills)
    added = sorted(edits.added)
    fi = ai = 0
    for kind, chunk in chunks(src, source):
        if kind == "head":
            dst.write(edits.head(chunk) if edits.head else chunk)
            continue
        if kind == "tail":
            for r in added[ai:]:
                dst.write(edits.added[r])
            dst.write(edits.tail(chunk) if edits.tail else chunk)
            continue
        last = chunk.rfind(b'<row r="')
        last_no = int(_ROW.match(chunk, last).group(1)) if last >= 0 else 0  # type: ignore[union-attr]
        if (fi >= len(fill_rows) or fill_rows[fi] > last_no) and (ai >= len(added) or added[ai] > last_no):
            dst.write(chunk)
            continue
        out: list[bytes] = []
        starts = [(m.start(), int(m.group(1))) for m in _ROW.finditer(chunk)]
        out.append(chunk[: starts[0][0]] if starts else chunk)
        for i, (pos, r) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(chunk)
            row = chunk[pos:end]
            while ai < len(added) and added[ai] < r:
                out.append(edits.added[added[ai]])
                ai += 1
            if ai < len(added) and added[ai] == r:  # a row below the table holding cells of other columns
                row = _merge_rows(row, edits.added[r])
                ai += 1
            if fi < len(fill_rows) and fill_rows[fi] == r:
                row = fill_row(row, r, edits.fills[r], edits.make, edits.fallback)
                fi += 1
            out.append(row)
        dst.write(b"".join(out))


def _merge_rows(existing: bytes, new: bytes) -> bytes:
    start, cells, rest = split_row(existing)
    _, new_cells, _ = split_row(new)
    merged = dict(cells)
    merged.update(dict(new_cells))
    return start + b"".join(merged[k] for k in sorted(merged, key=column_index_from_string)) + rest
