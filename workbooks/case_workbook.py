"""The case economics workbook (``oonkit case``): Summary, Case, Lines, Escalation, IDR, Context and the hidden
Lists, with native formulas everywhere an owner may change an input (Excel 2016+ and LibreOffice 7.4 common
ground: INDEX/MATCH, SUMPRODUCT, CHOOSE, ROUNDUP; no XLOOKUP, LET, MAXIFS or dynamic arrays).

A small workbook laid out in blocks, so it is written in openpyxl's normal mode (the tracking workbooks, with
thousands of rows, use write-only mode), and saved through ``workbooks.saving.save``. Every formula cell is
registered in a :class:`~workbooks.case_cells.CellMap`; :mod:`workbooks.case_expected` computes the same cells
with ``udfs`` and the parity test compares them after a LibreOffice recalculation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.workbook.defined_name import DefinedName

from udfs.allowed import METHODS

from .case_cells import CellMap, Sheet
from .case_context import write_context_sheet
from .case_estimate import write_case_sheet
from .case_idr import write_idr_sheet
from .case_lines import write_lines
from .case_model import Case
from .case_paths import PathLayout, write_paths_sheet
from .saving import save
from .styles import protect, register

TEMPLATE_VERSION = 1
SHEETS = ["Summary", "Case", "Lines", "Escalation", "IDR", "Context", "Lists"]
WATERFALL = [  # step, base, total, decrease, increase (formulas; None = empty)
    ("Billed", None, "=BilledTotal", None, None),
    (
        "Payer's reduction to allowed",
        '=IF(AllowedLikely="","",MIN(BilledTotal,AllowedLikely))',
        None,
        '=IF(AllowedLikely="","",MAX(BilledTotal-AllowedLikely,0))',
        '=IF(AllowedLikely="","",MAX(AllowedLikely-BilledTotal,0))',
    ),
    ("Allowed", None, "=AllowedLikely", None, None),
    (
        "Paid short of allowed",
        '=IF(OR(AllowedLikely="",Received=""),"",MIN(AllowedLikely,Received))',
        None,
        '=IF(OR(AllowedLikely="",Received=""),"",MAX(AllowedLikely-Received,0))',
        '=IF(OR(AllowedLikely="",Received=""),"",MAX(Received-AllowedLikely,0))',
    ),
    ("Received (plan + patient)", None, "=Received", None, None),
    ("Expected recovery (best stopping point)", "=Received", None, None, "=BestRecovery"),
    ("Expected total", None, '=IF(OR(Received="",BestRecovery=""),"",Received+BestRecovery)', None, None),
]
# An input is never returned bare (=IDRWin): Excel shows a reference to an empty cell as 0, LibreOffice as an empty
# cell (which tests equal to ""); N() gives 0 in both. tests/workbooks/test_bare_references.py holds this.
SUMMARY = [  # row, label, formula, type, key
    (4, "Before the service", None, None, None),
    (5, "Expected allowed (the payer's likely method)", "=AllowedLikely", "amount", "summary.allowed"),
    (6, "Patient responsibility", "=PatientShare", "amount", "summary.patient"),
    (7, "Deposit to collect before the service", "=Deposit", "amount", "summary.deposit"),
    (8, "Balance bill", "=BalanceBill", "amount", "summary.balance"),
    (9, "Expected plan payment", "=PlanExpected", "amount", "summary.plan"),
    (11, "After the payment: how far to push", None, None, None),
    (12, "Target", "=Target", "amount", "summary.target"),
    (13, "Gap to recover", "=Gap", "amount", "summary.gap"),
    (14, "Best stopping point", "=BestLabel", "text", "summary.best"),
    (15, "Its NPV at your discount rate", "=BestNPV", "amount", "summary.best_npv"),
    (16, "Its expected recovery", "=BestRecovery", "amount", "summary.best_recovery"),
    (17, "Its months to cash", "=BestMonths", "fraction", "summary.best_months"),
    (19, "IDR decision", None, None, None),
    (20, "Status", "=IDRStatus", "text", "summary.idr_status"),
    (21, "Expected net gain of IDR", "=IDRGain", "amount", "summary.idr_gain"),
    (22, "Break-even win probability", "=IDRBreakEven", "fraction", "summary.idr_break_even"),
    (23, "Your win probability", "=N(IDRWin)", "fraction", "summary.idr_win"),
    (24, "Verdict", "=IDRDecision", "text", "summary.idr_decision"),
]
GUIDE = [
    "How to use it",
    "1. Case sheet: check the payer's likely method, NSA, the patient's benefits and your deposit policy.",
    "2. Lines sheet: billed charges, Medicare amounts (priced by oonkit with the claim rules), QPAs under NSA.",
    "3. Escalation sheet: your discount rate, target and the stages you would pursue, with their odds, costs and days.",
    "4. IDR sheet: your offer and win probability; the fees follow the dispute start date.",
    "Figures on this sheet follow every input. Context lists the published figures to hold your assumptions against.",
]
WF_FIRST = 28


@dataclass(frozen=True)
class CaseWorkbook:
    """A written case workbook: its path and the formula cells by key."""

    path: Path
    cells: CellMap


def _styles(wb: Workbook) -> None:
    register(wb)
    wb.add_named_style(
        NamedStyle(
            name="oon case note",
            font=Font(italic=True, color="595959"),
            alignment=Alignment(vertical="top", wrap_text=False),
        )
    )


def _lists(s: Sheet) -> None:
    s.text("A1", "Methods", "oon label")
    for i, m in enumerate(METHODS, start=2):
        s.text(f"A{i}", m, "oon text")
    s.define("Methods", f"A2:A{1 + len(METHODS)}")
    s.text("B1", "YesNo", "oon label")
    s.text("B2", "Y", "oon text")
    s.text("B3", "N", "oon text")
    s.define("YesNo", "B2:B3")
    s.widths(A=22, B=8)
    s.ws.sheet_state = "hidden"


def _summary(s: Sheet, case: Case, paths_ws, layout: PathLayout) -> None:
    s.text("A1", f"{case.name}: case economics", "oon title")
    s.text(
        "A2",
        f"Built by oonkit case (template version {TEMPLATE_VERSION}) from {case.source}. {case.fee_schedule}. "
        "Every figure is a formula over the inputs on the other sheets.",
        "oon case note",
    )
    for row, label, formula, type_, key in SUMMARY:
        if formula is None:
            s.text(f"A{row}", label, "oon label")
            continue
        assert type_ is not None and key is not None
        s.text(f"A{row}", label, "oon text")
        s.formula(
            f"B{row}", formula, type_, key, style="oon computed amount" if key.endswith("months") else None
        )
    s.formula("C8", "=Exposure", "text", "summary.exposure", style="oon case note")
    s.text(f"A{WF_FIRST - 2}", "Waterfall: billed to allowed to received to recovered", "oon label")
    for col, h in zip("ABCDE", ("Step", "Base", "Total", "Decrease", "Increase"), strict=True):
        s.text(f"{col}{WF_FIRST - 1}", h, "oon header computed")
    for i, (step, *cells) in enumerate(WATERFALL):
        r = WF_FIRST + i
        s.text(f"A{r}", step, "oon text")
        for col, part, formula in zip("BCDE", ("base", "total", "down", "up"), cells, strict=True):
            if formula:
                s.formula(f"{col}{r}", formula, "amount", f"wf.{i + 1}.{part}")
    last = WF_FIRST + len(WATERFALL) - 1
    for i, line in enumerate(GUIDE):
        s.text(f"A{last + 2 + i}", line, "oon label" if i == 0 else "oon text")
    _waterfall_chart(s, last)
    npv = BarChart()
    npv.type = "col"
    npv.title = "NPV by stopping point"
    npv.y_axis.title = "$"
    npv.legend = None
    npv.add_data(
        Reference(paths_ws, min_col=5, min_row=layout.first - 1, max_row=layout.last), titles_from_data=True
    )
    text_categories(npv, Reference(paths_ws, min_col=1, min_row=layout.first, max_row=layout.last))
    npv.height, npv.width = 8, 16
    s.ws.add_chart(npv, "G21")
    s.widths(A=44, B=18, C=14, D=14, E=14)


def text_categories(chart: BarChart, ref: Reference) -> None:
    """Categories read as text (strRef): the labels are text, and Excel shows 1, 2, 3... for a numRef to text."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))


def _waterfall_chart(s: Sheet, last: int) -> None:
    """Excel 2016's waterfall chart type cannot be written with openpyxl: a stacked column chart whose first
    series (the base) has no fill draws the same floating bars."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Billed to allowed to received to recovered"
    chart.y_axis.title = "$"
    chart.add_data(
        Reference(s.ws, min_col=2, max_col=5, min_row=WF_FIRST - 1, max_row=last), titles_from_data=True
    )
    text_categories(chart, Reference(s.ws, min_col=1, min_row=WF_FIRST, max_row=last))
    base, total, down, up = chart.series
    base.graphicalProperties.noFill = True
    base.graphicalProperties.line.noFill = True
    for series, colour in ((total, "1F4E78"), (down, "C0504D"), (up, "70AD47")):
        series.graphicalProperties.solidFill = colour
    chart.height, chart.width = 8, 16
    s.ws.add_chart(chart, "G3")


def build_case_workbook(case: Case, path: str | Path) -> CaseWorkbook:
    """Write the case workbook of ``case`` to ``path`` (temporary file, then rename)."""
    path = Path(path)
    wb = Workbook()
    wb.properties.creator = "oonkit case"
    _styles(wb)
    cells = CellMap()
    wb.remove(wb.active)
    sheets = {name: Sheet(wb.create_sheet(name), cells) for name in SHEETS}
    lines = write_lines(sheets["Lines"], case)
    write_case_sheet(sheets["Case"], case, lines)
    layout = write_paths_sheet(sheets["Escalation"], case)
    write_idr_sheet(sheets["IDR"], case)
    write_context_sheet(sheets["Context"])
    _lists(sheets["Lists"])
    _summary(sheets["Summary"], case, sheets["Escalation"].ws, layout)
    for name in SHEETS[:-1]:
        protect(sheets[name].ws)
    wb.active = 0
    wb.defined_names["oonkit_case_template_version"] = DefinedName(
        "oonkit_case_template_version", attr_text=str(TEMPLATE_VERSION), hidden=True
    )
    save(wb, path)  # within an Outputs transaction (oonkit case), staged and renamed with its checks
    return CaseWorkbook(path, cells)
