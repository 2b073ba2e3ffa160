"""Writing the cells of a case workbook (openpyxl normal mode: a small workbook laid out in blocks).

Every formula cell is registered under a key (``line.2.allowed.Percent of Medicare``) with the kind of value it
holds, so that the parity test can compare each one with :mod:`workbooks.case_expected`, which computes the same
keys with ``udfs``. Text from outside (case names, notes) is always written as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.comments import Comment
from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .tables import FORMULA_START

#: Kind of value each cell type holds, for comparisons: money to the cent, ratios to 1e-9.
KINDS = {
    "amount": "amount",
    "fraction": "ratio",
    "integer": "ratio",
    "date": "date",
    "text": "text",
    "choice": "text",
    "flag": "flag",
}


@dataclass(frozen=True)
class CellRef:
    sheet: str
    coordinate: str
    kind: str


@dataclass
class CellMap:
    """Formula cells by key, and the defined names of the workbook."""

    cells: dict[str, CellRef] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


class Sheet:
    """One worksheet with helpers that style cells, define names and register formula cells."""

    def __init__(self, ws: Worksheet, cells: CellMap):
        self.ws, self.map = ws, cells
        self._validations: dict[tuple[str, str | None], DataValidation] = {}

    @property
    def title(self) -> str:
        return self.ws.title

    def text(self, ref: str, text: str, style: str = "oon text", note: str | None = None) -> None:
        """``text`` as text, even when it starts like a formula."""
        cell = self.ws[ref]
        cell.value = text
        cell.style = style  # before the quote prefix, which assigning a named style clears
        cell.data_type = "s"
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
        if note:
            cell.comment = Comment(note, "oonkit", width=320, height=120)

    def value(self, ref: str, value: Any, style: str) -> None:
        """A number, date or boolean (not a formula)."""
        cell = self.ws[ref]
        cell.value = value
        cell.style = style

    def formula(self, ref: str, formula: str, type_: str, key: str, style: str | None = None) -> None:
        """A computed cell: locked, grey-blue, registered under ``key``."""
        if key in self.map.cells:
            raise ValueError(f"cell key {key} used twice")
        cell = self.ws[ref]
        cell.value = formula
        cell.style = style or f"oon computed {type_}"
        self.map.cells[key] = CellRef(self.title, ref, KINDS[type_])

    def input(
        self,
        ref: str,
        value: Any,
        type_: str,
        name: str | None = None,
        key: str | None = None,
        choices: str | None = None,
    ) -> None:
        """An input cell (yellow, unlocked). With a ``key``, ``value`` is a default formula the owner may type over;
        without one, text is written as text whatever it starts with. ``choices`` names a list (drop-down)."""
        cell = self.ws[ref]
        # The named style first: assigning one replaces the cell's whole style, quote prefix included.
        cell.style = f"oon input {type_}"
        if key is not None:
            if not (isinstance(value, str) and value.startswith("=")):
                raise ValueError(f"{self.title}!{ref}: key {key} given for a value that is not a formula")
            cell.value = value
            self.map.cells[key] = CellRef(self.title, ref, KINDS[type_])
        elif isinstance(value, str):
            cell.value = value
            cell.data_type = "s"
            if value.startswith(FORMULA_START):
                cell.quotePrefix = True
        else:
            cell.value = value
        if name:
            self.define(name, ref)
        self.validate(ref, type_, choices)

    def define(self, name: str, ref: str) -> None:
        """Workbook-level name for ``ref`` (a cell or range on this sheet, made absolute)."""
        parts = [p.replace("$", "") for p in ref.split(":")]
        absolute = ":".join(_absolute(p) for p in parts)
        text = f"{quote_sheetname(self.title)}!{absolute}"
        wb = self.ws.parent
        wb.defined_names[name] = DefinedName(name, attr_text=text)
        self.map.names[name] = text

    def validate(self, ref: str, type_: str, choices: str | None) -> None:
        """Data validation of an input cell; cells of one type on a sheet share one rule."""
        known = self._validations.get((type_, choices))
        if known is not None:
            known.add(ref)
            return
        if choices:
            dv = DataValidation(type="list", formula1=f"={choices}", allow_blank=True)
            dv.error = f"Pick a value from the list ({choices})."
        elif type_ == "amount":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "Type an amount of 0 or more."
        elif type_ == "fraction":
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "Type a percentage of 0% or more (20% or 0.2)."
        elif type_ == "integer":
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "Type a whole number."
        elif type_ == "date":
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            dv.error = "Type a date after 2000-01-01 (for example 2026-03-09)."
        else:
            return
        dv.showErrorMessage = True
        dv.add(ref)
        self.ws.add_data_validation(dv)
        self._validations[(type_, choices)] = dv

    def widths(self, **columns: float) -> None:
        for letter, width in columns.items():
            self.ws.column_dimensions[letter].width = width


def _absolute(coordinate: str) -> str:
    letters = "".join(ch for ch in coordinate if ch.isalpha())
    digits = coordinate[len(letters) :]
    return f"${letters}${digits}" if digits else f"${letters}"
