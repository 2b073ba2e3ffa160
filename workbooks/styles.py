"""Cell styles of generated workbooks, registered once per workbook as named styles.

Inputs (what staff type) are pale yellow and unlocked; computed cells are grey-blue and locked, so a protected
sheet keeps its formulas while staff edit their inputs. Number formats follow the column type.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.worksheet.protection import SheetProtection

NUMBER_FORMATS = {
    "text": "@",
    "choice": "General",
    "integer": "0",
    "amount": "#,##0.00",
    "fraction": "0.0%",
    "date": "yyyy-mm-dd",
    "flag": "General",
}
INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
COMPUTED_FILL = PatternFill("solid", fgColor="E8EEF4")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
INPUT_HEADER_FILL = PatternFill("solid", fgColor="7F6000")
THIN = Side(style="thin", color="BFBFBF")


def style_name(kind: str, type_: str) -> str:
    return f"oon {kind} {type_}"


def register(wb: Workbook) -> None:
    """Add every named style generated workbooks use."""
    for kind, fill, locked in (("input", INPUT_FILL, False), ("computed", COMPUTED_FILL, True)):
        for type_, fmt in NUMBER_FORMATS.items():
            wb.add_named_style(
                NamedStyle(
                    name=style_name(kind, type_),
                    number_format=fmt,
                    fill=fill,
                    border=Border(bottom=THIN),
                    protection=Protection(locked=locked),
                    alignment=Alignment(vertical="top", wrap_text=type_ == "text" and kind == "input"),
                )
            )
    for kind, fill in (("input", INPUT_HEADER_FILL), ("computed", HEADER_FILL)):
        wb.add_named_style(
            NamedStyle(
                name=f"oon header {kind}",
                font=Font(bold=True, color="FFFFFF"),
                fill=fill,
                alignment=Alignment(wrap_text=True, vertical="center"),
                protection=Protection(locked=True),
            )
        )
    wb.add_named_style(NamedStyle(name="oon title", font=Font(bold=True, size=14, color="1F4E78")))
    wb.add_named_style(
        NamedStyle(name="oon label", font=Font(bold=True), alignment=Alignment(vertical="top"))
    )
    wb.add_named_style(
        NamedStyle(
            name="oon note",
            font=Font(italic=True, color="595959"),
            alignment=Alignment(wrap_text=True, vertical="top"),
        )
    )
    wb.add_named_style(NamedStyle(name="oon text", alignment=Alignment(wrap_text=True, vertical="top")))
    for type_, fmt in NUMBER_FORMATS.items():
        wb.add_named_style(
            NamedStyle(name=f"oon value {type_}", number_format=fmt, alignment=Alignment(vertical="top"))
        )


def protect(ws, tables: bool = False) -> None:
    """Protect a sheet without a password: locked (computed) cells cannot be overwritten by accident, unlocked
    inputs stay editable, formatting is allowed; with ``tables``, filtering too, while sorting, inserting and
    deleting rows stay locked (they would break the tables' formulas). Review > Unprotect Sheet lifts it."""
    options = dict(
        sheet=True,
        formatColumns=False,
        formatRows=False,
        formatCells=False,
        selectLockedCells=False,
        selectUnlockedCells=False,
    )
    if tables:
        options.update(autoFilter=False, sort=True, insertRows=True, deleteRows=True)
    ws.protection = SheetProtection(**options)
