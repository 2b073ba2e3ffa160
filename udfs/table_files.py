"""Reading a table file (CSV or XLSX, headers in its first row) as raw cells, naming the file, and the row where
there is one, of every reason it cannot be read.

CSV text is UTF-8, with or without a byte-order mark, or UTF-16 with its mark (Excel's "Unicode Text"). A line
that is not UTF-8 is read as Windows-1252, which Excel on Windows and many billing systems write (a note says
which rows); a byte that is text in neither is a problem at its row and column. The separator is found from the
header line: a comma, a semicolon (Excel where the decimal separator is a comma writes ``;``; such a file's
amounts are read with a decimal comma, :func:`decimal_comma_text`) or a tab. Excel's ``sep=;`` first line is
honoured.

An XLSX file is checked before it is opened: an encrypted workbook, an Excel 97-2003 ``.xls``, a CSV or another
file renamed ``.xlsx``, and a truncated or damaged zip package each get their own message.

Rows whose cells are all blank (Excel leaves rows of separators, ``,,,,``, at the end of exports) are skipped;
the other rows keep their numbers, as Excel shows them (a CSV record is one row, even when a quoted value
spans lines).

References
----------
Excel specifications and limits; RFC 4180 (CSV); ECMA-376 Part 2 (the zip package of an .xlsx); MS-OFFCRYPTO
(an encrypted workbook is an OLE compound file holding ``EncryptionInfo`` and ``EncryptedPackage`` streams).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import FileError, Problem

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: an encrypted workbook or an .xls
ZIP_MAGIC = b"PK\x03\x04"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: The separators a CSV header is searched for, with their names in messages, in order of preference.
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
_UNDEFINED_CP1252 = "\x81\x8d\x8f\x90\x9d"  # bytes Windows-1252 leaves undefined, as latin-1 decodes them
_SEP_LINE = re.compile(r"^sep=(.)\s*$")  # Excel's hint line: sep=; or sep=,
Fail = Callable[..., FileError]  # fail(message, row=None): the FileError naming the file (and row)


@dataclass(frozen=True)
class RawTable:
    """The cells of a table file, before any column is checked.

    Attributes
    ----------
    source : str
        The file's name, for messages.
    header_row : int
        Row number of the headers.
    headers : list of str
        Header texts, stripped ('' for an empty one).
    rows : list of list
        The data rows that are not all blank, each as long as ``headers``: text for CSV; for XLSX the cell
        values (str, int, float, datetime, bool or None).
    lines : list of int
        File row of each data row (1-based, as Excel numbers rows).
    separator : str
        The CSV separator; '' for XLSX.
    problems : list of Problem
        Rows that cannot be read (more values than headers; bytes that are not text). Those rows are left out of
        ``rows``.
    notes : list of Problem
        How the file was read where a user may want to know (rows read as Windows-1252).
    """

    source: str
    header_row: int
    headers: list[str]
    rows: list[list[Any]]
    lines: list[int]
    separator: str = ","
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def decimal_comma(self) -> bool:
        """True for a semicolon-separated file, whose amounts are written with a decimal comma."""
        return self.separator == ";"


def is_blank(value: Any) -> bool:
    """True for an empty cell: None, NaN, or text of only spaces."""
    if value is None:
        return True
    if isinstance(value, float):
        return bool(np.isnan(value))
    return isinstance(value, str) and not value.strip()


def header_text(value: Any) -> str:
    """A header cell as text: ``2025`` for the number 2025.0, '' for an empty cell."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_letter(position: int) -> str:
    """Excel's letter of a 0-based column position.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    n = position + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_COMMA_AMOUNT = re.compile(r"^([^\d,.]*?)(\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+|\d+)(?:,(\d+))?([^\d,.]*)$")


def decimal_comma_text(text: str) -> str:
    """An amount written with a decimal comma (``1.234,56``, ``1 234,56``, ``12,5``) as one with a decimal point
    (``1234.56``); other text unchanged, for the reader of amounts to accept or refuse.

    >>> [decimal_comma_text(t) for t in ["1.234,56", "1\u00a0234,5", "12,5", "-$12,50", "22000", "1.234", "1234.56", "abc"]]
    ['1234.56', '1234.5', '12.5', '-$12.50', '22000', '1234', '1234.56', 'abc']
    """
    m = _COMMA_AMOUNT.match(text.strip())
    if not m:
        return text
    before, whole, decimals, after = m.groups()
    number = re.sub(r"[.\s\u00a0\u202f]", "", whole) + (f".{decimals}" if decimals else "")
    return f"{before}{number}{after}"


def read_table_file(path: str | Path) -> RawTable:
    """The headers and non-blank rows of a CSV or XLSX file (see the module docstring).

    Raises
    ------
    FileError
        With one problem naming the file when it cannot be read as a table at all: not found, a folder, empty,
        an .xlsx that is not one (encrypted, an .xls, another file renamed, truncated, damaged), a workbook
        named .csv, a quote never closed.
    """
    path = Path(path)
    src = path.name

    def fail(message: str, line: int | None = None) -> FileError:
        return FileError([Problem(src, line, None, message)])

    if path.is_dir():
        raise fail("is a folder, not a file")
    if not path.exists():
        raise fail("file not found")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot be read: {exc.strerror or exc}") from None
    if not raw:
        raise fail("empty file: no header row")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        problem = xlsx_problem(raw)
        if problem:
            raise fail(problem)
        return _from_cells(src, _workbook_cells(raw, fail), "")
    if raw.startswith(OLE_MAGIC):
        raise fail(_ole_problem(raw))
    if suffix == ".xls":
        raise fail("not an Excel 97-2003 workbook (.xls) either: a CSV or another file renamed .xls?")
    if raw.startswith(ZIP_MAGIC):
        raise fail(_zip_not_text(raw))
    return _read_text(src, raw, fail)


def _zip_not_text(raw: bytes) -> str:
    """What a zip package given as a text table is."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            names = set(package.namelist())
            mimetype = package.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return "a zip package (a workbook?), not CSV text, and damaged: copy or download it again"
    if "xl/workbook.xml" in names:
        return "an Excel workbook (.xlsx), not CSV text: name it .xlsx"
    if b"opendocument.spreadsheet" in mimetype:
        return "an OpenDocument spreadsheet (.ods), not CSV text: save it as .xlsx or CSV"
    return "a zip package, not CSV text: save the table as CSV or .xlsx"


def _ole_problem(raw: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in raw:
        return "encrypted: open it in Excel and save it without a password, or export CSV"
    return "an Excel 97-2003 workbook (.xls): save it as .xlsx (Excel Workbook) or CSV"


def xlsx_problem(raw: bytes) -> str | None:
    """Why the bytes of a file named .xlsx are not a workbook oonkit can open; None when they look like one."""
    if raw.startswith(OLE_MAGIC):
        return _ole_problem(raw)
    if not raw.startswith(ZIP_MAGIC):
        return "not an .xlsx file (it is not a zip package): a CSV renamed .xlsx?"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            if "xl/workbook.xml" not in package.namelist():
                return (
                    "a zip package but not an Excel workbook (no xl/workbook.xml): a .docx, .ods or other file "
                    "renamed .xlsx?"
                )
            bad = package.testzip()
    except zipfile.BadZipFile:
        return "truncated or damaged: its zip package is incomplete (copy or download it again)"
    except (zlib.error, EOFError, OSError, NotImplementedError) as exc:
        return f"damaged: a part cannot be unpacked ({exc}); copy or download it again"
    if bad is not None:
        return f"damaged: part {bad} fails its check; copy or download it again"
    return None


def _workbook_cells(raw: bytes, fail: Fail) -> list[list[Any]]:
    try:
        frame = pd.read_excel(io.BytesIO(raw), header=None, dtype=object, sheet_name=0, engine="openpyxl")
    # a package that passed the zip checks may still fail in openpyxl in many ways: name the file, no traceback
    except Exception as exc:
        raise fail(f"damaged: cannot be read as a workbook ({type(exc).__name__}: {exc})") from None
    return [[None if is_blank(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]


def _from_cells(src: str, cells: list[list[Any]], separator: str) -> RawTable:
    """A RawTable from the rows of a sheet (row i is sheet row i + 1)."""
    numbered = [(i + 1, row) for i, row in enumerate(cells) if not all(is_blank(v) for v in row)]
    if not numbered:
        raise FileError([Problem(src, None, None, "no header row: the first sheet is empty")])
    (header_row, header), *data = numbered
    width = max(len(row) for _, row in numbered)
    headers = [header_text(v) for v in header] + [""] * (width - len(header))
    rows = [list(row) + [None] * (width - len(row)) for _, row in data]
    return RawTable(src, header_row, headers, rows, [n for n, _ in data], separator)


def _decode(raw: bytes, fail: Fail) -> tuple[str, list[int], list[int]]:
    """The text of a CSV, and the physical lines (1-based) read as Windows-1252 and those with bytes that are
    text in neither UTF-8 nor Windows-1252 (read as Latin-1 so the row can be named)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), [], []
        except UnicodeDecodeError:
            raise fail("UTF-16 text (Excel's Unicode Text) that is cut short or damaged") from None
    try:
        return raw.decode("utf-8-sig"), [], []
    except UnicodeDecodeError:
        pass
    parts, fallback, undefined = [], [], []
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            parts.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            try:
                parts.append(line.decode("cp1252"))
                fallback.append(number)
            except UnicodeDecodeError:
                parts.append(line.decode("latin-1"))
                undefined.append(number)
    return "".join(parts), fallback, undefined


def _separator(first_line: str) -> str:
    """The separator a header line uses most, outside quotes; a comma when it has none."""
    bare = re.sub(r'"[^"]*"', "", first_line)
    counts = {s: bare.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return f"rows {shown}{', ...' if len(rows) > 10 else ''}" if len(rows) > 1 else f"row {shown}"


def _read_text(src: str, raw: bytes, fail: Fail) -> RawTable:
    text, fallback, undefined = _decode(raw, fail)
    first = next((line for line in text.splitlines() if line.strip()), "")
    hint = _SEP_LINE.match(first)
    separator = hint.group(1) if hint else _separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[list[str]] = []
    ends: list[int] = []  # last physical line of each record
    try:
        for record in reader:
            records.append(record)
            ends.append(reader.line_num)
    except csv.Error as exc:
        row = len(records) + 1
        if "field larger than field limit" in str(exc):
            raise fail(
                f"a value longer than {csv.field_size_limit():,} characters starts here: a quote never closed?",
                row,
            ) from None
        if "unexpected end of data" in str(exc):
            raise fail(
                "a quote opened here is never closed: the rest of the file would be one value", row
            ) from None
        raise fail(
            f'not CSV from here: {exc} (a quote inside a quoted value is written twice: "")', row
        ) from None
    if hint:  # the sep= line is no row of the table; it keeps its number
        records[next(i for i, r in enumerate(records) if "".join(r).strip())] = []
    numbered = [(i + 1, r) for i, r in enumerate(records) if "".join(r).strip()]
    if not numbered:
        raise fail("no header row: the file has only blank lines")
    (header_row, header), *data = numbered
    headers = [v.strip() for v in header]
    width = len(headers)
    problems, rows, lines = [], [], []
    name = SEPARATORS.get(separator, repr(separator))
    for row_number, record in data:
        if len(record) > width and any(v.strip() for v in record[width:]):
            problems.append(
                Problem(
                    src,
                    row_number,
                    None,
                    f"{len(record)} values where the header has {width} columns: quote a value that holds a "
                    + (f'{name} ("12,000")' if separator == "," else name),
                )
            )
            continue
        rows.append(record[:width] + [""] * (width - len(record)))
        lines.append(row_number)

    def row_of(physical: int) -> int:
        return bisect.bisect_left(ends, physical) + 1

    notes = []
    if fallback:
        read_as = sorted({row_of(n) for n in fallback})
        notes.append(
            Problem(
                src,
                None,
                None,
                f"not UTF-8: {_rows_text(read_as)} read as Windows-1252 (Latin-1), as Excel on Windows saves CSV",
            )
        )
    for row_number in sorted({row_of(n) for n in undefined}):
        record = records[row_number - 1]
        for position, value in enumerate(record):
            bad = next((ch for ch in value if ch in _UNDEFINED_CP1252), None)
            if bad is None:
                continue
            column = headers[position] if position < width and row_number != header_row else None
            problems.append(
                Problem(
                    src,
                    row_number,
                    column or None,
                    f"byte 0x{ord(bad):02X} is not text in UTF-8 or Windows-1252: save the file as CSV UTF-8",
                )
            )
    bad_rows = {p.line for p in problems}
    keep = [i for i, n in enumerate(lines) if n not in bad_rows]
    return RawTable(
        src,
        header_row,
        headers,
        [rows[i] for i in keep],
        [lines[i] for i in keep],
        separator,
        problems,
        notes,
    )
