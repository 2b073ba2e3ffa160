"""The Payer sheet (profile and behaviour analytics) and the Dashboard (summary tables and charts) of a
payer workbook. Every figure is a live formula over the Claims and Escalation log tables."""

from __future__ import annotations

import datetime as dt

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from udfs.payers import PayerProfile

from . import stages
from .tables import text_cell

#: Aging buckets of days outstanding: (label, first day, last day or None)
AGING = [
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    ("Over 365", 366, None),
]
RECOVERY_MONTHS = 12


def _cell(ws: Worksheet, value, style: str) -> WriteOnlyCell:
    if isinstance(value, str) and not value.startswith("="):
        return text_cell(ws, value, style)
    c = WriteOnlyCell(ws, value)
    c.style = style
    return c


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def overall_formulas() -> list[tuple[str, str, str]]:
    """(label, formula, type) of the payer's overall figures."""
    return [
        ("Claim lines", '=COUNTIF(Claims[Claim ID],"?*")', "integer"),
        ("Billed", "=SUM(Claims[Billed])", "amount"),
        ("Initial payments", "=SUM(Claims[Initial paid])", "amount"),
        (
            "Initial payment as % of billed",
            '=IF(SUM(Claims[Billed])=0,"",SUM(Claims[Initial paid])/SUM(Claims[Billed]))',
            "fraction",
        ),
        (
            "Initial payment as % of Medicare",
            '=IF(SUMIFS(Claims[Medicare],Claims[Medicare],">0")=0,"",'
            'SUMIFS(Claims[Initial paid],Claims[Medicare],">0")/SUMIFS(Claims[Medicare],Claims[Medicare],">0"))',
            "fraction",
        ),
        ("Expected allowed (payer's method)", "=SUM(Claims[Expected allowed])", "amount"),
        ("Lines underpaid by the payer's own method", "=COUNTIF(Claims[Underpaid],TRUE)", "integer"),
        ("Recovered through escalation", "=SUM(Claims[Recovered])", "amount"),
        ("Gap to target", "=SUM(Claims[Gap])", "amount"),
        (
            "Settlement as % of billed (closed claims)",
            '=IF(SUMIFS(Claims[Billed],Claims[Status],"Closed")=0,"",'
            'SUMIFS(Claims[Total paid],Claims[Status],"Closed")/SUMIFS(Claims[Billed],Claims[Status],"Closed"))',
            "fraction",
        ),
        (
            "IDR win rate",
            '=IF(COUNTIFS(Log[Stage],"IDR",Log[Outcome],"Won")+COUNTIFS(Log[Stage],"IDR",Log[Outcome],"Lost")'
            '+COUNTIFS(Log[Stage],"IDR",Log[Outcome],"Partial")=0,"",COUNTIFS(Log[Stage],"IDR",Log[Outcome],"Won")'
            '/(COUNTIFS(Log[Stage],"IDR",Log[Outcome],"Won")+COUNTIFS(Log[Stage],"IDR",Log[Outcome],"Lost")'
            '+COUNTIFS(Log[Stage],"IDR",Log[Outcome],"Partial")))',
            "fraction",
        ),
    ]


def stage_formulas(stage_cell: str, row: int) -> list[tuple[str, object, str]]:
    """(header, formula, type) of one stage's row in the appeal-success table; ``stage_cell`` holds the label."""
    lists = stages.lists()
    s = stage_cell
    decided = "+".join(
        f"COUNTIFS(Log[Stage],{s},Log[Outcome],{_quoted(o)})" for o in lists["decided_outcomes"]
    )
    won = "+".join(f"COUNTIFS(Log[Stage],{s},Log[Outcome],{_quoted(o)})" for o in lists["success_outcomes"])
    median = ArrayFormula(
        f"D{row}",
        f'=IFERROR(MEDIAN(IF((Log[Stage]={s})*ISNUMBER(Log[Response days]),Log[Response days])),"")',
    )
    return [
        ("Entries", f"=COUNTIF(Log[Stage],{s})", "integer"),
        ("Decided", f"={decided}", "integer"),
        ("Median response days", median, "integer"),
        ("Success rate", f'=IF(({decided})=0,"",({won})/({decided}))', "fraction"),
        ("Recovered", f"=SUMIFS(Log[Amount paid],Log[Stage],{s})", "amount"),
    ]


def write_payer_sheet(ws: Worksheet, profile: PayerProfile) -> None:
    """Profile fields, overall figures and the table of results by escalation stage."""
    ws.column_dimensions["A"].width = 44
    for col in "BCDEF":
        ws.column_dimensions[col].width = 16
    rows: list[list] = [[_cell(ws, f"{profile.name}: profile and behaviour", "oon title")], []]
    rows.append([_cell(ws, "Profile (templates/payers or --payers)", "oon label")])
    fields = [
        ("Payer id", profile.id),
        ("Method", profile.method),
        ("Factor", profile.factor),
        ("Percentile", profile.percentile if profile.percentile is not None else ""),
        ("Pays the lesser of billed", "Yes" if profile.lesser_of else "No"),
        ("Timely filing (days from service)", profile.timely_filing_days),
        ("Appeal window (days)", profile.appeal_window_days),
        ("Appeal levels", profile.appeal_levels),
        ("Reconsideration answered within (days)", profile.reconsideration_response_days),
        ("Notes", profile.notes),
        ("Source", profile.source),
    ]
    for label, value in fields:
        style = (
            "oon text"
            if isinstance(value, str)
            else "oon value fraction"
            if label == "Factor"
            else "oon value integer"
        )
        rows.append([_cell(ws, label, "oon label"), _cell(ws, value, style)])
    rows += [[], [_cell(ws, "Behaviour (live formulas over Claims and the Escalation log)", "oon label")]]
    for label, formula, type_ in overall_formulas():
        rows.append([_cell(ws, label, "oon label"), _cell(ws, formula, f"oon value {type_}")])
    rows += [[], [_cell(ws, "Results by escalation stage", "oon label")]]
    heads = [h for h, _, _ in stage_formulas("$A1", 1)]
    rows.append(
        [_cell(ws, "Stage", "oon header computed"), *[_cell(ws, h, "oon header computed") for h in heads]]
    )
    for label in stages.labels():
        row = len(rows) + 1
        cells = [_cell(ws, label, "oon text")]
        for _, stage_formula, type_ in stage_formulas(f"$A{row}", row):
            c = WriteOnlyCell(ws, stage_formula)
            c.style = f"oon value {type_}"
            cells.append(c)
        rows.append(cells)
    for r in rows:
        ws.append(r)


def write_dashboard(ws: Worksheet, title: str, as_of: dt.date) -> None:
    """Summary tables (formulas) and four charts: gap by stage, aging, money chain, recoveries by month."""
    ws.column_dimensions["A"].width = 26
    for col in "BCDE":
        ws.column_dimensions[col].width = 15
    ws.append([_cell(ws, f"{title}: dashboard", "oon title")])
    ws.append(
        [
            _cell(
                ws,
                "Figures follow the Claims and Escalation log sheets; dates are counted to AsOfDate.",
                "oon note",
            )
        ]
    )
    ws.append([])
    # Block 1: gap by current stage (rows 4..)
    labels = stages.labels()
    r0 = 4
    ws.append(
        [
            _cell(ws, "Current stage", "oon header computed"),
            _cell(ws, "Lines", "oon header computed"),
            _cell(ws, "Gap", "oon header computed"),
        ]
    )
    for i, label in enumerate(labels):
        r = r0 + 1 + i
        ws.append(
            [
                _cell(ws, label, "oon text"),
                _cell(ws, f"=COUNTIF(Claims[Current stage],$A{r})", "oon value integer"),
                _cell(ws, f"=SUMIFS(Claims[Gap],Claims[Current stage],$A{r})", "oon value amount"),
            ]
        )
    stage_end = r0 + len(labels)
    ws.append([])
    # Block 2: aging
    a0 = stage_end + 2
    ws.append(
        [
            _cell(ws, "Days outstanding", "oon header computed"),
            _cell(ws, "Lines", "oon header computed"),
            _cell(ws, "Gap", "oon header computed"),
        ]
    )
    for label, lo, hi in AGING:
        crit = f'Claims[Days outstanding],">={lo}"' + (
            f',Claims[Days outstanding],"<={hi}"' if hi is not None else ""
        )
        ws.append(
            [
                _cell(ws, label, "oon text"),
                _cell(ws, f"=COUNTIFS({crit})", "oon value integer"),
                _cell(ws, f"=SUMIFS(Claims[Gap],{crit})", "oon value amount"),
            ]
        )
    aging_end = a0 + len(AGING)
    ws.append([])
    # Block 3: money chain
    m0 = aging_end + 2
    ws.append([_cell(ws, "Money chain", "oon header computed"), _cell(ws, "Amount", "oon header computed")])
    chain = [
        ("Billed", "=SUM(Claims[Billed])"),
        ("Expected allowed", "=SUM(Claims[Expected allowed])"),
        ("Target", "=SUM(Claims[Target])"),
        ("Initial paid", "=SUM(Claims[Initial paid])"),
        ("Recovered", "=SUM(Claims[Recovered])"),
    ]
    for label, formula in chain:
        ws.append([_cell(ws, label, "oon text"), _cell(ws, formula, "oon value amount")])
    chain_end = m0 + len(chain)
    ws.append([])
    # Block 4: recoveries by month, the 12 months up to the as-of date
    t0 = chain_end + 2
    ws.append([_cell(ws, "Month", "oon header computed"), _cell(ws, "Recovered", "oon header computed")])
    for k in range(RECOVERY_MONTHS):
        r = t0 + 1 + k
        back = RECOVERY_MONTHS - 1 - k
        ws.append(
            [
                _cell(ws, f"=EDATE(EOMONTH(AsOfDate,-1)+1,-{back})", "oon value date"),
                _cell(
                    ws,
                    f'=SUMIFS(Log[Amount paid],Log[Date],">="&$A{r},Log[Date],"<"&EDATE($A{r},1))',
                    "oon value amount",
                ),
            ]
        )
    months_end = t0 + RECOVERY_MONTHS
    _charts(ws, r0, stage_end, a0, aging_end, m0, chain_end, t0, months_end)


def _charts(ws, r0, stage_end, a0, aging_end, m0, chain_end, t0, months_end) -> None:
    def bar(title, cats, vals, anchor, horizontal=False, y_title="$"):
        ch = BarChart()
        ch.type = "bar" if horizontal else "col"
        ch.title = title
        ch.y_axis.title = y_title
        ch.legend = None
        ch.add_data(vals, titles_from_data=True)
        ch.set_categories(cats)
        ch.height, ch.width = 7.5, 15
        ws.add_chart(ch, anchor)

    bar(
        "Gap by current stage",
        Reference(ws, min_col=1, min_row=r0 + 1, max_row=stage_end),
        Reference(ws, min_col=3, min_row=r0, max_row=stage_end),
        "G2",
        horizontal=True,
    )
    bar(
        "Lines by days outstanding",
        Reference(ws, min_col=1, min_row=a0 + 1, max_row=aging_end),
        Reference(ws, min_col=2, min_row=a0, max_row=aging_end),
        "G18",
        y_title="lines",
    )
    bar(
        "Billed, allowed, target, paid, recovered",
        Reference(ws, min_col=1, min_row=m0 + 1, max_row=chain_end),
        Reference(ws, min_col=2, min_row=m0, max_row=chain_end),
        "G34",
    )
    line = LineChart()
    line.title = "Recoveries by month"
    line.y_axis.title = "$"
    line.legend = None
    line.add_data(Reference(ws, min_col=2, min_row=t0, max_row=months_end), titles_from_data=True)
    line.set_categories(Reference(ws, min_col=1, min_row=t0 + 1, max_row=months_end))
    line.x_axis.number_format = "mmm yyyy"
    line.height, line.width = 7.5, 15
    ws.add_chart(line, "G50")
