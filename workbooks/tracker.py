"""A payer workbook built by ``oonkit build`` as ``oonkit update`` finds it: its package, template version,
the Claims, Log and Deadlines tables (located by table name, so renamed or moved sheets are fine), and the
values of the columns an update reads.

Staff may have renamed sheets, added sheets and columns, reordered nothing or everything: the tables are found
through their table parts and their columns by header, never by position.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from udfs.errors import FileError, Problem

from . import sheet_xml
from .layout import TableLayout, load_layout
from .payer_workbook import TEMPLATE_VERSION
from .xlsx_package import NS_MAIN, REL_SHARED_STRINGS, REL_TABLE, Package, SheetEntry, attributes

VERSION_NAME = "oonkit_template_version"
#: Columns of each table an update reads from every row (by layout ``source``).
READ = {
    "claims": [
        "claim_id",
        "line",
        "hcpcs",
        "modifier",
        "initial_paid",
        "patient_paid",
        "payment_date",
        "carc_codes",
        "payer_claim_id",
    ],
    "log": ["claim_id", "reference"],
    "deadlines": ["claim_id"],
}


@dataclass
class Table:
    """One Excel table of the workbook and where it sits."""

    key: str  # claims | log | deadlines
    layout: TableLayout
    sheet: SheetEntry
    part: str  # the table part
    xml: bytes
    first_col: int
    header_row: int
    last_col: int
    last_row: int  # last row of the table's ref (the totals row when it has one)
    totals: int
    letters: dict[str, str]  # header -> column letter
    calculated: dict[str, str]  # column letter -> calculated-column formula
    read: sheet_xml.TableRead = field(default_factory=sheet_xml.TableRead)

    @property
    def data_last(self) -> int:
        return self.last_row - self.totals

    @property
    def all_letters(self) -> list[str]:
        return [get_column_letter(c) for c in range(self.first_col, self.last_col + 1)]

    def letter(self, source: str) -> str:
        for col in self.layout.columns:
            if col.source == source:
                return self.letters[col.header]
        raise KeyError(source)

    def input_letters(self) -> list[str]:
        return [self.letters[c.header] for c in self.layout.columns if c.kind == "input"]

    def records(self, sources: list[str]) -> list[dict[str, Any]]:
        """The read values of ``sources`` for rows header+1 .. last used: one dict per sheet row, with
        ``row``."""
        rows = range(self.header_row + 1, max(self.read.last_used, self.header_row) + 1)
        columns = [(source, self.read.columns.get(self.letter(source), {})) for source in sources]
        return [{"row": r, **{source: values.get(r) for source, values in columns}} for r in rows]


@dataclass
class Tracker:
    """An opened payer workbook."""

    path: Path
    package: Package
    version: int
    date1904: bool
    strings: list[str]
    tables: dict[str, Table]
    payer_id: str | None
    workbook_xml: bytes


def template_version(workbook_xml: bytes) -> int | None:
    """The value of the hidden defined name ``oonkit_template_version``, or None without it."""
    m = re.search(
        rb'<definedName\b[^>]*\bname="' + VERSION_NAME.encode() + rb'"[^>]*>\s*([^<]*)</definedName>',
        workbook_xml,
    )
    if not m:
        return None
    try:
        return int(float(m.group(1)))
    except ValueError:
        return None


def open_tracker(path: Path, package: Package) -> Tracker:
    """Check that ``package`` is a payer workbook this version of oonkit can update and read its tables.

    Raises
    ------
    FileError
        Not an oonkit workbook, a template version this oonkit cannot update, or a table without a column the
        update needs; the message says which and what to do.
    """
    name = path.name
    wb_xml = package.read(package.workbook_part)
    version = template_version(wb_xml)
    if version is None:
        raise FileError(
            [
                Problem(
                    name,
                    None,
                    None,
                    "not a payer workbook of oonkit build (it has no oonkit_template_version name)",
                )
            ]
        )
    if version > TEMPLATE_VERSION:
        raise FileError(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"built by a newer oonkit (template version {version}; this oonkit knows version "
                    f"{TEMPLATE_VERSION}): update oonkit, then run the update again. Nothing was changed.",
                )
            ]
        )
    if version < TEMPLATE_VERSION:  # no older template exists yet; an upgrade would map its columns here
        raise FileError(
            [
                Problem(
                    name,
                    None,
                    None,
                    f"template version {version} has no upgrade path to version {TEMPLATE_VERSION}",
                )
            ]
        )
    pr = re.search(rb"<workbookPr\b[^>]*>", wb_xml)
    date1904 = bool(pr and re.search(rb'date1904="(1|true)"', pr.group(0)))
    strings_parts = package.related(package.workbook_part, REL_SHARED_STRINGS)
    strings = sheet_xml.shared_strings(package.read(strings_parts[0]) if strings_parts else None)
    tables = _locate(package, name)
    for t in tables.values():
        _read(package, t, strings)
    return Tracker(
        path, package, version, date1904, strings, tables, _payer_id(package, strings, tables), wb_xml
    )


def _locate(package: Package, name: str) -> dict[str, Table]:
    layout = load_layout()
    wanted = {t.name: key for key, t in layout.items()}
    found: dict[str, Table] = {}
    for sheet in package.sheets():
        for part in package.related(sheet.part, REL_TABLE):
            xml = package.read(part)
            root = attributes(xml[xml.index(b"<table") : xml.index(b">", xml.index(b"<table")) + 1])
            display = html.unescape(root.get(b"displayName", root.get(b"name", b"")).decode())
            key = wanted.get(display)
            if key is None:
                continue
            found[key] = _table(key, layout[key], sheet, part, xml, root, name)
    missing = [layout[k].name for k in layout if k not in found]
    if missing:
        raise FileError(
            [Problem(name, None, None, f"not an oonkit payer workbook: no table named {', '.join(missing)}")]
        )
    return found


def _table(
    key: str, layout: TableLayout, sheet: SheetEntry, part: str, xml: bytes, root: dict, name: str
) -> Table:
    first_col, header_row, last_col, last_row = range_boundaries(root[b"ref"].decode())
    headers = [html.unescape(h.decode()) for h in re.findall(rb'<tableColumn\b[^>]*?\bname="([^"]*)"', xml)]
    letters = {h: get_column_letter(first_col + i) for i, h in enumerate(headers)}
    calculated = {}
    for i, col in enumerate(re.findall(rb"<tableColumn\b.*?(?:/>|</tableColumn>)", xml, re.S)):
        f = re.search(rb"<calculatedColumnFormula[^>]*>([^<]*)</calculatedColumnFormula>", col)
        if f:
            calculated[get_column_letter(first_col + i)] = html.unescape(f.group(1).decode())
    missing = [c.header for c in layout.columns if c.kind == "input" and c.header not in letters]
    if missing:
        raise FileError(
            [
                Problem(
                    name,
                    None,
                    layout.name,
                    f"the table has no column {', '.join(repr(m) for m in missing)}; restore it to update",
                )
            ]
        )
    totals = int(root.get(b"totalsRowCount", b"0") or 0)
    if int(root.get(b"headerRowCount", b"1") or 1) != 1:
        raise FileError(
            [Problem(name, None, layout.name, "the table's header row is turned off; turn it on to update")]
        )
    return Table(
        key, layout, sheet, part, xml, first_col, header_row, last_col, last_row, totals, letters, calculated
    )


def _read(package: Package, table: Table, strings: list[str]) -> None:
    letters = [table.letter(s) for s in READ[table.key]]
    with package.open(table.sheet.part) as stream:
        table.read = sheet_xml.read_table(
            stream,
            f"{package.name}: sheet {table.sheet.name}",
            table.header_row + 1,
            table.data_last,
            letters,
            table.input_letters(),
            strings,
        )


def _payer_id(package: Package, strings: list[str], tables: dict[str, Table]) -> str | None:
    """The payer profile id written by the build ("Payer id" in column A of the Payer sheet, the id in
    column B), looked for on the sheet named Payer first, then on the other sheets but the tables'."""
    busy = {t.sheet.part for t in tables.values()}
    sheets = sorted((s for s in package.sheets() if s.part not in busy), key=lambda s: s.name != "Payer")
    for sheet in sheets:
        with package.open(sheet.part) as stream:
            read = sheet_xml.read_table(stream, sheet.name, 1, 40, ["A", "B"], ["A"], strings, beyond=False)
        labels = read.columns.get("A", {})
        for row, label in labels.items():
            if label == "Payer id":
                value = read.columns.get("B", {}).get(row)
                return str(value) if value is not None else None
    return None


__all__ = ["NS_MAIN", "READ", "Table", "Tracker", "open_tracker", "template_version"]
