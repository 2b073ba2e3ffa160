"""One payer's tracking workbook: Guide, Claims, Escalation log, Deadlines, Payer, Dashboard, Assumptions,
Holidays and the hidden Lists, written in openpyxl's write-only mode (constant memory) with native formulas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from udfs.payers import PayerProfile

from . import names, stages
from .analytics import write_dashboard, write_payer_sheet
from .assumptions import Assumption, payer_assumptions
from .deadline_formulas import deadline_formula
from .fastrows import DeferredRows
from .layout import TableLayout, load_layout
from .saving import save
from .styles import protect, register
from .tables import text_cell, write_table

TEMPLATE_VERSION = 1
SHEETS = [
    "Guide",
    "Claims",
    "Escalation log",
    "Deadlines",
    "Payer",
    "Dashboard",
    "Assumptions",
    "Holidays",
    "Lists",
]
RED = PatternFill("solid", fgColor="F4B6B6")
AMBER = PatternFill("solid", fgColor="FFD966")
AMBER_DAYS = 10


def next_due_formula(profile: PayerProfile) -> str:
    """Log 'Next action due': the stage's deadline rule counted from the entry's date (layout shorthand)."""
    expr = '""'
    for stage in reversed(stages.stage_table()):
        if stage.rule is None:
            continue
        count, name = stages.stage_days(stage, profile)
        days = name or (str(count) if count is not None else None)
        inner = deadline_formula(stage.rule, "Log[[#This Row],[Date]]", "Holidays", days_ref=days)[1:]
        label = stage.label.replace('"', '""')
        expr = f'IF({{Stage}}="{label}",{inner},{expr})'
    return f'=IF(OR({{Claim ID}}="",{{Date}}=""),"",{expr})'


def log_date_formula(spec: dict) -> str:
    """The latest Escalation log date of this row's claim at the given stages (and outcome), or blank."""
    stage_terms = "+".join(f'({{Log:Stage}}="{s}")' for s in spec["stages"])
    outcome = f'*({{Log:Outcome}}="{spec["outcome"]}")' if spec.get("outcome") else ""
    return (
        f'=IF({{Claim ID}}="","",IFERROR(1/(1/SUMPRODUCT(MAX(({{Log:Claim ID}}={{Claim ID}})*({stage_terms})'
        f'{outcome}*{{Log:Date}}))),""))'
    )


def deadline_column_formulas(layout: TableLayout) -> dict[str, str]:
    """Formulas (layout shorthand) of the Deadlines columns computed from the log and from deadline rules."""
    out = {}
    for col in layout.columns:
        if col.log_date:
            out[col.header] = log_date_formula(col.log_date)
        spec = col.deadline
        if not spec:
            continue
        start = f"{layout.name}[[#This Row],[{spec['start']}]]"
        days = spec.get("days")
        rule = spec["rule"]
        window = bool(spec.get("window"))
        if isinstance(rule, dict):
            other = deadline_formula(rule["other"], start, "Holidays", days_ref=days)[1:]
            expr = other
            for plan_type, rid in reversed([(k, v) for k, v in rule.items() if k != "other"]):
                f = deadline_formula(rid, start, "Holidays")[1:]
                expr = f'IF({{Plan type}}="{plan_type}",{f},{expr})'
        else:
            expr = deadline_formula(rule, start, "Holidays", days_ref=days, window=window)[1:]
        when = spec.get("when", "TRUE")
        out[col.header] = f'=IF({{Claim ID}}="","",IF(NOT({when}),"",{expr}))'
    return out


def deadline_range(layout: TableLayout) -> tuple[int, int]:
    """1-based first and last columns of the deadlines the next deadline is chosen from."""
    first = layout.index("Timely filing") + 1
    last = layout.index("Next action due") + 1
    return first, last


def next_deadline_builders(layout: TableLayout):
    first, last = deadline_range(layout)
    a, b = get_column_letter(first), get_column_letter(last)

    def next_deadline(row: int) -> str:
        rng = f"${a}{row}:${b}{row}"
        return (
            f'=IF(OR({layout.name}[[#This Row],[Claim ID]]="",{layout.name}[[#This Row],[Status]]="Closed",'
            f'COUNT({rng})=0),"",IF(COUNTIF({rng},">="&AsOfDate)>0,SMALL({rng},COUNTIF({rng},"<"&AsOfDate)+1),'
            f"MAX({rng})))"
        )

    def label(row: int) -> str:
        rng = f"${a}{row}:${b}{row}"
        return f'=IF({layout.name}[[#This Row],[Next deadline]]="","",INDEX(${a}$1:${b}$1,MATCH({layout.name}[[#This Row],[Next deadline]],{rng},0)))'

    return {"Next deadline": next_deadline, "Deadline": label}


def _guide(ws, profile: PayerProfile, as_of: dt.date) -> None:
    ws.column_dimensions["A"].width = 110
    lines = [
        (f"{profile.name}: out-of-network claims tracker", "oon title"),
        (
            f"Built by oonkit (template version {TEMPLATE_VERSION}); deadlines and ages counted to {as_of:%Y-%m-%d} "
            "(Assumptions, AsOfDate).",
            "oon note",
        ),
        ("", None),
        ("What each sheet is for", "oon label"),
        (
            "Claims: one row per claim line. Yellow columns are inputs you may type or correct; blue-grey columns are "
            "formulas (expected allowed by the payer's method, patient share, target, gap, days outstanding, current "
            "stage, next deadline). Hover over a header for its meaning.",
            "oon text",
        ),
        (
            "Escalation log: one row per action you take or receive (reconsideration, appeal, peer-to-peer, external "
            "review, NSA open negotiation, IDR, complaint, settlement). The claim's current stage and next deadline "
            "follow its latest entry.",
            "oon text",
        ),
        (
            "Deadlines: one row per claim with every clock that applies (timely filing, NSA open negotiation and IDR "
            "initiation in federal business days, appeal, external review, the log's next action). Amber: 10 business "
            "days or fewer left; red: past.",
            "oon text",
        ),
        (
            "Payer: how this payer prices out-of-network claims, and how it behaves: payment as % of billed and of "
            "Medicare, success rate and median response days by stage, settlement as % of billed, IDR win rate.",
            "oon text",
        ),
        (
            "Dashboard: gap by stage, aging, billed / allowed / paid / recovered, recoveries by month.",
            "oon text",
        ),
        (
            "Assumptions: the payer's method and factor, your target, tolerance, discount rate, IDR fees and the "
            "payer's day counts. Every formula refers to these named cells; change them here.",
            "oon text",
        ),
        (
            "Holidays: federal holidays and observed days used for business-day deadlines. Add a closure in the "
            "empty rows at the bottom if you need to.",
            "oon text",
        ),
        ("", None),
        ("How to log an escalation step", "oon label"),
        (
            "1. Go to Escalation log and type in the first empty row (the yellow cells): the claim ID (pick it from "
            "the list), the date of the action, the stage and what you did.",
            "oon text",
        ),
        ("2. Add the channel, the payer representative and the reference number you were given.", "oon text"),
        (
            "3. When the payer answers, fill in the outcome, the response date and any amount offered or paid. "
            "Amounts paid are added to the claim's Recovered column.",
            "oon text",
        ),
        (
            "4. Next action due fills itself from the stage's rule (for example IDR initiation 4 business days "
            "after the 30-business-day open negotiation).",
            "oon text",
        ),
        ("", None),
        ("Protection", "oon label"),
        (
            "Sheets are protected without a password so that formulas are not overwritten by accident; your input "
            "cells stay editable. To change a formula: Review > Unprotect Sheet. Filters work on protected sheets. "
            "Type new claims and log entries into the empty rows at the bottom of each table; oonkit update adds "
            "more rows when they run out.",
            "oon text",
        ),
    ]
    for text, style in lines:
        ws.append([text_cell(ws, text, style)] if text else [])


def _assumptions(wb: Workbook, ws, rows: list[Assumption]) -> None:
    ws.column_dimensions["A"].width = 58
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 90
    ws.append([text_cell(ws, "Assumptions", "oon title")])
    ws.append(
        [
            text_cell(
                ws,
                "Yellow cells are yours to change; every formula in this workbook refers to them by name.",
                "oon note",
            )
        ]
    )
    ws.append([text_cell(ws, h, "oon header computed") for h in ("Assumption", "Value", "Name and source")])
    for i, a in enumerate(rows, start=4):
        value = a.value
        if a.type == "choice" or (a.type == "text" and isinstance(value, str)):
            vcell = text_cell(ws, str(value), "oon input text")
        else:
            vcell = WriteOnlyCell(ws, None if value == "" else value)
            vcell.style = f"oon input {a.type if a.type != 'flag' else 'flag'}"
        ws.append(
            [
                text_cell(ws, a.label, "oon label"),
                vcell,
                text_cell(ws, f"{a.name}. {a.source}".strip(), "oon note"),
            ]
        )
        names.define(wb, a.name, ws.title, f"$B${i}")


def _deadline_colours(ws, layout: TableLayout, last_row: int) -> None:
    next_col = get_column_letter(layout.index("Next deadline") + 1)
    left_col = get_column_letter(layout.index("Business days left") + 1)
    rng = f"{next_col}2:{left_col}{last_row}"
    ws.conditional_formatting.add(
        rng,
        FormulaRule(
            formula=[f"AND(ISNUMBER(${next_col}2),${next_col}2<AsOfDate)"], fill=RED, font=Font(bold=True)
        ),
    )
    ws.conditional_formatting.add(
        rng, FormulaRule(formula=[f"AND(ISNUMBER(${left_col}2),${left_col}2<={AMBER_DAYS})"], fill=AMBER)
    )


def build_payer_workbook(
    path: Path,
    profile: PayerProfile,
    claims: pd.DataFrame,
    log: pd.DataFrame,
    as_of: dt.date,
    with_udfs: bool = False,
    password: str | None = None,
) -> Path:
    """Write one payer's workbook to ``path`` (temporary file, then rename).

    ``claims`` holds the claims-file columns plus ``medicare``, ``medicare_note`` and ``benchmark_rate`` (see
    :func:`workbooks.pricing.price_claims`); ``log`` the escalation-log columns.
    """
    layout = load_layout()
    wb = Workbook(write_only=True)
    register(wb)
    ws = {name: wb.create_sheet(name) for name in SHEETS}
    _guide(ws["Guide"], profile, as_of)
    deferred = DeferredRows()  # the big tables' rows are streamed in at save time (workbooks.fastrows)
    claims_last = write_table(ws["Claims"], layout["claims"], claims, deferred=deferred)
    names.define(wb, "ClaimIDs", "Claims", names.absolute(1, 2, claims_last))
    write_table(
        ws["Escalation log"],
        layout["log"],
        log,
        overrides={"Next action due": next_due_formula(profile)},
        deferred=deferred,
    )
    claim_ids = pd.DataFrame({"claim_id": pd.unique(claims["claim_id"])})
    dl = layout["deadlines"]
    dl_last = write_table(
        ws["Deadlines"],
        dl,
        claim_ids,
        overrides=deadline_column_formulas(dl),
        row_formulas=next_deadline_builders(dl),
        deferred=deferred,
    )
    _deadline_colours(ws["Deadlines"], dl, dl_last)
    claims_layout = layout["claims"]
    under = get_column_letter(claims_layout.index("Underpaid") + 1)
    ws["Claims"].conditional_formatting.add(
        f"{under}2:{under}{claims_last}", FormulaRule(formula=[f"${under}2=TRUE"], fill=RED)
    )
    write_payer_sheet(ws["Payer"], profile)
    write_dashboard(ws["Dashboard"], profile.name, as_of)
    _assumptions(wb, ws["Assumptions"], payer_assumptions(profile, as_of))
    dates = [d.date() for d in pd.concat([claims["date_of_service"], claims["payment_date"]]).dropna()]
    names.write_holidays(wb, ws["Holidays"], *names.holiday_years(dates, as_of))
    names.write_lists(wb, ws["Lists"])
    for name in ("Claims", "Escalation log", "Deadlines", "Payer", "Dashboard"):
        protect(ws[name], tables=True)
    for name in ("Claims", "Escalation log", "Deadlines"):
        ws[name].freeze_panes = "B2"
    if with_udfs:
        conf = wb.create_sheet("xlwings.conf")
        conf.append([text_cell(conf, "UDF Modules"), text_cell(conf, "addin.functions")])
    wb.defined_names["oonkit_template_version"] = DefinedName(
        "oonkit_template_version", attr_text=str(TEMPLATE_VERSION), hidden=True
    )
    return save(wb, path, password, deferred)
