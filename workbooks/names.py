"""Defined names of generated workbooks, and the hidden Lists and the Holidays sheets they point to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from udfs.allowed import METHODS
from udfs.reference import load_yaml

from . import stages
from .deadline_formulas import holiday_rows
from .tables import text_cell

HOLIDAY_SPARE_ROWS = 20


def define(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    """Workbook-level name ``name`` for ``ref`` (absolute A1 range) on ``sheet``."""
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(sheet)}!{ref}")


def absolute(col: int, first_row: int, last_row: int) -> str:
    letter = get_column_letter(col)
    return (
        f"${letter}${first_row}:${letter}${last_row}" if last_row != first_row else f"${letter}${first_row}"
    )


def drop_down_lists() -> dict[str, list[str]]:
    """Every drop-down list by its name."""
    claims_cols = {c["name"]: c for c in load_yaml("layouts/claims_input.yaml")["columns"]}
    lists = stages.lists()
    return {
        "PlanTypes": list(claims_cols["plan_type"]["choices"]),
        "YesNo": ["Y", "N"],
        "Settings": list(claims_cols["setting"]["choices"]),
        "Statuses": list(claims_cols["status"]["choices"]),
        "Stages": stages.labels(),
        "Channels": lists["channels"],
        "Outcomes": lists["outcomes"],
        "Methods": list(METHODS),
    }


def write_lists(wb: Workbook, ws: Worksheet) -> None:
    """The hidden Lists sheet: one column per drop-down list, each with a defined name."""
    lists = drop_down_lists()
    ws.append([text_cell(ws, name, "oon label") for name in lists])
    depth = max(len(v) for v in lists.values())
    for r in range(depth):
        ws.append([text_cell(ws, v[r]) if r < len(v) else None for v in lists.values()])
    for i, (name, values) in enumerate(lists.items(), start=1):
        define(wb, name, ws.title, absolute(i, 2, 1 + len(values)))
        ws.column_dimensions[get_column_letter(i)].width = max(12, max(len(v) for v in values) + 2)
    ws.sheet_state = "hidden"


def holiday_years(dates: Sequence[dt.date], as_of: dt.date) -> tuple[int, int]:
    """Years a holiday table must cover: from the earliest date to three years past the latest date or as-of
    date (the longest deadline, an 18-month filing window plus appeals, stays inside)."""
    years = [d.year for d in dates if d is not None] + [as_of.year]
    return min(years), max(years) + 3


def write_holidays(wb: Workbook, ws: Worksheet, first_year: int, last_year: int) -> None:
    """The Holidays sheet: federal holidays and observed days, named ``Holidays``; spare rows let staff add
    closures their payers observe."""
    ws.append([text_cell(ws, "Date", "oon header computed"), text_cell(ws, "Holiday", "oon header computed")])
    rows = holiday_rows(first_year, last_year)
    for day, name in rows:
        cell = WriteOnlyCell(ws, day)
        cell.style = "oon input date"
        ws.append([cell, text_cell(ws, name, "oon input text")])
    for _ in range(HOLIDAY_SPARE_ROWS):
        a, b = WriteOnlyCell(ws, None), WriteOnlyCell(ws, None)
        a.style, b.style = "oon input date", "oon input text"
        ws.append([a, b])
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 44
    define(wb, "Holidays", ws.title, absolute(1, 2, 1 + len(rows) + HOLIDAY_SPARE_ROWS))
