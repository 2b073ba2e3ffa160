"""The remittance report workbook of ``oonkit remit --out report.xlsx``: Summary (by payer, by payer and
reason, gap by payer and reason with its chart), Lines, Claims, Reversals, Imbalances and a Guide.

The Summary's figures are formulas over the Lines table (SUMPRODUCT with exact comparisons, so that a payer
name holding ``*`` or ``?`` is not read as a wildcard), so a line reclassified by hand in Lines moves its
amounts in the Summary; everything else is written as values. Text from the remits and the claims file is
always written as text (:func:`workbooks.tables.text_cell`). The workbook is written atomically, and
encrypted when a password is given (:func:`workbooks.saving.save`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from remits.underpayment import CLASS_MEANING, EXCLUDED, LineClass, Underpayments
from udfs.deadlines import load_rules
from udfs.payers import PayerProfile

from .fastrows import DeferredRows
from .saving import save
from .styles import register
from .tables import text_cell
from .values_table import Col, style_of, write_values_table

SHEETS = ["Summary", "Lines", "Claims", "Reversals", "Imbalances", "Guide"]
AMBER_DAYS = 10
RED = PatternFill("solid", fgColor="F4B6B6")
AMBER = PatternFill("solid", fgColor="FFE699")
#: Bar colours of the classes in the chart (the same class, the same colour in every report).
CLASS_COLOURS = {
    LineClass.UNDERPAID: "C0504D",
    LineClass.DENIED: "7F7F7F",
    LineClass.BUNDLED: "F79646",
    LineClass.NSA: "4F81BD",
    LineClass.PATIENT: "9BBB59",
    LineClass.OTHER_PAYER: "8064A2",
    LineClass.OVERPAID: "4BACC6",
    LineClass.AS_EXPECTED: "1F4E78",
    LineClass.NOT_PRICED: "BFBFBF",
}


LINE_COLUMNS = [
    Col(
        "Payer", "payer", "text", 26, "The payer's profile name when a profile matched, else its N1*PR name."
    ),
    Col("Claim", "patient_control_number", "text", 13, "Your claim number: CLP01, patient control number."),
    Col("Payer claim number", "payer_claim_id", "text", 16, "CLP07, the payer's claim control number."),
    Col(
        "Line", "line_number", "integer", 6, "Service line within the claim; blank for a claim without lines."
    ),
    Col("Code", "procedure_code", "text", 8, "SVC01 procedure code the payer paid."),
    Col("Modifiers", "modifiers", "text", 9),
    Col("Units", "units", "integer", 6, "SVC05 paid units."),
    Col("Service date", "service_date", "date", 11),
    Col("Billed", "charge", "amount", 12, "SVC02 line charge (CLP03 for a claim without lines)."),
    Col("Paid", "paid", "amount", 12, "SVC03 paid on the line (CLP04 for a claim without lines)."),
    Col(
        "Claim-level adjustment",
        "claim_adjustment",
        "amount",
        11,
        "The line's share (by charge, in whole cents) of the adjustments made at claim level (CAS in the "
        "claim loop): they reduce what the claim paid.",
    ),
    Col(
        "Patient responsibility",
        "patient_responsibility",
        "amount",
        12,
        "CAS group PR on the line (deductible, coinsurance, copay...) plus its share of claim-level PR.",
    ),
    Col("Received", "received", "amount", 12, "Paid - Claim-level adjustment + Patient responsibility."),
    Col(
        "Expected allowed",
        "expected",
        "amount",
        12,
        "What the payer's own method allows (payer profile), at the lesser of billed when it pays the lesser.",
    ),
    Col("Gap", "gap", "amount", 12, "max(Expected allowed - Received, 0)."),
    Col("Underpaid", "underpaid", "flag", 9, "TRUE when the gap is above the tolerance (see Guide)."),
    Col("Classification", "classification", "text", 16, "See Guide: the first class that applies."),
    Col("Reason", "reason", "text", 60),
    Col("Next deadline", "deadline", "date", 11, "For lines that call for action (see Guide)."),
    Col("Deadline rule", "deadline_label", "text", 34),
    Col(
        "Days left",
        "days_left",
        "days",
        8,
        "From the as-of date: business days for NSA open negotiation, calendar days for appeals; "
        "negative when past. Amber at 10 or fewer, red when past.",
    ),
    Col("Payer allowed", "payer_allowed", "amount", 12, "AMT*B6, the allowed amount the payer states."),
    Col("Medicare", "medicare", "amount", 11, "Medicare PFS amount of the line (claim-level rules applied)."),
    Col("Method", "method", "text", 18),
    Col("Factor", "factor", "fraction", 8),
    Col("Benchmark", "benchmark", "amount", 11, "Charge benchmark at the payer's percentile."),
    Col("Medicare note", "medicare_note", "text", 30, "Adjustments applied, or why there is no amount."),
    Col(
        "Adjustments", "adjustments", "text", 30, "CAS group-reason amount of the line; claim-level after |."
    ),
    Col("Remarks", "remarks", "text", 16, "Remark codes (MOA at claim level, LQ on the line)."),
    Col("Claim status", "claim_status", "text", 16, "CLP02."),
    Col("Payment date", "payment_date", "date", 11, "BPR16: the payment's effective date."),
    Col("Trace number", "trace_number", "text", 16, "TRN02 check or EFT number."),
    Col("Line control number", "line_control_number", "text", 12, "REF*6R."),
    Col("Claims file line", "claims_line", "integer", 8),
    Col("Claims file match", "claims_match", "text", 18, "How the line was joined to the claims file."),
    Col("Plan type", "plan_type", "text", 14),
    Col("Locality", "locality", "text", 8),
    Col("Setting", "setting", "text", 10),
    Col("Locality from", "place_from", "text", 18),
    Col("Profile", "profile_id", "text", 16),
    Col("Profile matched by", "profile_match", "text", 24),
    Col("File", "file", "text", 24),
    Col("Segment", "segment", "integer", 8, "Segment number of SVC (CLP for a claim without lines)."),
]
CLAIM_COLUMNS = [
    Col("Payer", "payer", "text", 26),
    Col("Claim", "patient_control_number", "text", 13),
    Col("Payer claim number", "payer_claim_id", "text", 16),
    Col("Claim status", "claim_status", "text", 16),
    Col("Plan type", "plan_type", "text", 14),
    Col("Payment date", "payment_date", "date", 11),
    Col("Trace number", "trace_number", "text", 16),
    Col("Billed", "billed", "amount", 12, "CLP03."),
    Col("Paid", "paid", "amount", 12, "CLP04."),
    Col("Patient responsibility", "patient_responsibility", "amount", 12, "CLP05."),
    Col("Lines", "lines", "integer", 6),
    Col("Received", "received", "amount", 12, "Sum of the lines' Received."),
    Col("Expected allowed", "expected", "amount", 12, "Sum over the lines that have one."),
    Col("Priced lines", "priced_lines", "integer", 7),
    Col("Gap", "gap", "amount", 12),
    Col("Underpaid lines", "underpaid_lines", "integer", 9),
    Col("Classes", "classes", "text", 30),
    Col("Next deadline", "deadline", "date", 11, "The earliest of the lines' next deadlines."),
    Col("Deadline rule", "deadline_label", "text", 34),
    Col("Days left", "days_left", "days", 8),
    Col("Counted", "counted", "flag", 8, "FALSE for reversals and the claims they take back."),
    Col("File", "file", "text", 24),
    Col("Segment", "segment", "integer", 8, "Segment number of CLP."),
]
REVERSAL_COLUMNS = [
    Col("Payer", "payer", "text", 26),
    Col("Claim", "patient_control_number", "text", 13),
    Col("Payer claim number", "payer_claim_id", "text", 16),
    Col("Payment date", "payment_date", "date", 11),
    Col("Billed", "billed", "amount", 12),
    Col("Paid", "paid", "amount", 12, "Negative: taken back."),
    Col("Patient responsibility", "patient_responsibility", "amount", 12),
    Col("Original claim number", "original_payer_claim_id", "text", 16),
    Col("Original payment date", "original_payment_date", "date", 11),
    Col("Original paid", "original_paid", "amount", 12),
    Col("Net paid", "net_paid", "amount", 12, "Original paid + reversal paid: 0 when the reversal is whole."),
    Col("Corrected claim number", "corrected_payer_claim_id", "text", 16),
    Col("Corrected paid", "corrected_paid", "amount", 12),
    Col("Note", "note", "text", 40),
    Col("File", "file", "text", 24),
    Col("Segment", "segment", "integer", 8),
]
IMBALANCE_COLUMNS = [
    Col("Check", "check", "text", 20),
    Col("File", "file", "text", 24),
    Col("Segment", "segment", "integer", 8),
    Col("Stated", "stated", "amount", 12),
    Col("Computed", "computed", "amount", 12),
    Col("Difference", "difference", "amount", 12),
    Col("Message", "message", "text", 90),
]
#: The Summary's measures: header, what SUMPRODUCT multiplies the criteria by (over the Lines table), type.
MEASURES = [
    ("Lines", "1", "integer"),
    ("Billed", "Lines[Billed]", "amount"),
    ("Plan paid", "(Lines[Received]-Lines[Patient responsibility])", "amount"),
    ("Patient responsibility", "Lines[Patient responsibility]", "amount"),
    ("Received", "Lines[Received]", "amount"),
    ("Expected allowed", "Lines[Expected allowed]", "amount"),
    ("Gap", "Lines[Gap]", "amount"),
]
#: The Summary's measures as columns of :meth:`Underpayments.summary`.
MEASURE_KEYS = ["lines", "billed", "plan_paid", "patient_responsibility", "received", "expected", "gap"]


def _cell_value(value: Any, type_: str) -> Any:
    """A Python value for a cell; None for missing."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if type_ == "date":
        if isinstance(value, np.datetime64):
            return None if np.isnat(value) else pd.Timestamp(value).date()
        return pd.Timestamp(value).date() if not isinstance(value, dt.date) else value
    if type_ in ("amount", "fraction"):
        return float(value)
    if type_ in ("integer", "days"):
        return int(value)
    if type_ == "flag":
        return bool(value)
    text = str(value)
    return text or None


def _days_colours(ws, columns: Sequence[Col], first: int, last: int) -> None:
    keys = [c.key for c in columns]
    if "days_left" not in keys or last < first:
        return
    col = get_column_letter(keys.index("days_left") + 1)
    rng = f"{col}{first}:{col}{last}"
    ws.conditional_formatting.add(
        rng, CellIsRule(operator="lessThan", formula=["0"], fill=RED, font=Font(bold=True))
    )
    ws.conditional_formatting.add(
        rng, CellIsRule(operator="between", formula=["0", str(AMBER_DAYS)], fill=AMBER)
    )


def _text_categories(chart: BarChart, ref: Reference) -> None:
    """Categories read as text (strRef): Excel shows 1, 2, 3... for a numRef to text."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))


def _quote(text: str) -> str:
    """A text literal for a formula."""
    return '"' + text.replace('"', '""') + '"'


def _formula(ws, text: str, style: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, text)
    cell.style = style
    return cell


def _value(ws, value: Any, type_: str) -> Any:
    v = _cell_value(value, type_)
    if v is None:
        return None
    if isinstance(v, str):
        return text_cell(ws, v, style_of(type_))
    cell = WriteOnlyCell(ws, v)
    cell.style = style_of(type_)
    return cell


def _summary(ws, result: Underpayments) -> dict[str, Any]:
    """The Summary sheet: by payer, by payer and reason, gap by payer and reason (with the chart); returns
    the rows and columns of each block (the tests read the recalculated values there)."""
    counted = result.counted()
    by_reason = result.summary()
    payers = list(dict.fromkeys(by_reason["payer"]))
    classes = [
        str(c) for c in LineClass if c not in EXCLUDED and (by_reason["classification"] == str(c)).any()
    ]
    lines = result.lines
    n_pay, n_pr, n_m = len(payers), len(by_reason), len(MEASURES)
    payments = len(lines.drop_duplicates(["file", "trace_number", "payment_date"])) if len(lines) else 0
    dates = pd.to_datetime(lines["payment_date"]).dropna() if len(lines) else pd.Series([], dtype=object)
    span = f"payments dated {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}; " if len(dates) else ""
    for i, w in enumerate([30, 16, 12, 12, 12, 12, 12, 12, 12, 10, 10, 12, 50], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w  # before the first row (a write-only sheet)
    ws.append([text_cell(ws, "Remittance review: underpayments, denials and deadlines", "oon title")])
    ws.append(
        [
            text_cell(
                ws,
                f"{len(result.files)} files, {payments} payments, {lines['claim_id'].nunique()} claims, "
                f"{len(lines)} lines; {span}as of {result.as_of:%Y-%m-%d}. Reversals and the claims they take "
                "back are not counted (see Reversals). The figures are formulas over the Lines table: "
                "reclassify a line there and they follow. The Guide sheet explains every class and figure.",
                "oon value text",
            )
        ]
    )
    ws.append([])
    # row numbers of the three blocks: label, header, first, last, total
    pay_first = 6
    pay_total = pay_first + n_pay
    pr_header = pay_total + 3
    pr_first = pr_header + 1
    pr_total = pr_first + n_pr
    mx_header = pr_total + 3
    mx_first = mx_header + 1
    mx_total = mx_first + n_pay

    def block(col: int) -> str:
        """Column ``col`` (1-based) of the payer-and-reason block."""
        letter = get_column_letter(col)
        return f"${letter}${pr_first}:${letter}${max(pr_total - 1, pr_first)}"

    def total_row(label_cols: int, first: int, last: int, columns: Sequence[tuple[int, str]]) -> None:
        row: list[Any] = [text_cell(ws, "All payers", "oon label")] + [None] * (label_cols - 1)
        for col, type_ in columns:
            letter = get_column_letter(col)
            text = f"=SUM({letter}{first}:{letter}{last})" if last >= first else "=0"
            row.append(_formula(ws, text, f"oon value {type_}"))
        ws.append(row)

    # --- by payer: sums of the payer-and-reason block
    ws.append([text_cell(ws, "By payer", "oon label")])
    heads = ["Payer", *[m[0] for m in MEASURES], "Underpaid lines", "Denied lines", "Next deadline", "For"]
    ws.append([text_cell(ws, h, "oon header computed") for h in heads])
    upcoming = counted[pd.to_datetime(counted["deadline"]) >= pd.Timestamp(result.as_of)]
    upcoming = upcoming.sort_values("deadline", kind="stable")
    for k, payer in enumerate(payers):
        r = pay_first + k
        row: list[Any] = [text_cell(ws, payer, "oon value text")]
        for j, (_, _, type_) in enumerate(MEASURES):
            row.append(_formula(ws, f"=SUMPRODUCT(({block(1)}=$A{r})*{block(3 + j)})", f"oon value {type_}"))
        for cls in (LineClass.UNDERPAID, LineClass.DENIED):
            criteria = f"({block(1)}=$A{r})*({block(2)}={_quote(str(cls))})"
            row.append(_formula(ws, f"=SUMPRODUCT({criteria}*{block(3)})", "oon value integer"))
        mine = upcoming[upcoming["payer"] == payer]
        if len(mine):
            first = mine.iloc[0]
            row.append(_value(ws, first["deadline"], "date"))
            row.append(
                text_cell(
                    ws, f"{first['patient_control_number']}: {first['deadline_label']}", "oon value text"
                )
            )
        ws.append(row)
    total_row(
        1,
        pay_first,
        pay_total - 1,
        [(2 + j, m[2]) for j, m in enumerate(MEASURES)] + [(2 + n_m, "integer"), (3 + n_m, "integer")],
    )
    ws.append([])

    # --- by payer and reason: SUMPRODUCT over the Lines table, exact comparisons
    ws.append([text_cell(ws, "By payer and reason", "oon label")])
    ws.append(
        [text_cell(ws, h, "oon header computed") for h in ["Payer", "Reason", *[m[0] for m in MEASURES]]]
    )
    for k, rec in enumerate(by_reason.itertuples(index=False)):
        r = pr_first + k
        criteria = f"(Lines[Payer]=$A{r})*(Lines[Classification]=$B{r})"
        row = [
            text_cell(ws, str(rec.payer), "oon value text"),
            text_cell(ws, str(rec.classification), "oon value text"),
        ]
        for _, what, type_ in MEASURES:
            row.append(_formula(ws, f"=SUMPRODUCT({criteria}*{what})", f"oon value {type_}"))
        ws.append(row)
    total_row(2, pr_first, pr_total - 1, [(3 + j, m[2]) for j, m in enumerate(MEASURES)])
    ws.append([])

    # --- gap by payer and reason: the chart's data
    ws.append([text_cell(ws, "Gap by payer and reason (the chart's data)", "oon label")])
    ws.append([text_cell(ws, h, "oon header computed") for h in ["Payer", *classes, "Total"]])
    gap = block(3 + [m[0] for m in MEASURES].index("Gap"))
    for k, payer in enumerate(payers):
        r = mx_first + k
        row = [text_cell(ws, payer, "oon value text")]
        for j in range(len(classes)):
            head = f"{get_column_letter(2 + j)}${mx_header}"
            row.append(
                _formula(ws, f"=SUMPRODUCT(({block(1)}=$A{r})*({block(2)}={head})*{gap})", "oon value amount")
            )
        row.append(
            _formula(
                ws,
                f"=SUM(B{r}:{get_column_letter(1 + len(classes))}{r})" if classes else "=0",
                "oon value amount",
            )
        )
        ws.append(row)
    total_row(1, mx_first, mx_total - 1, [(2 + j, "amount") for j in range(len(classes) + 1)])

    if n_pay and classes:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "Gap by payer and reason"
        chart.y_axis.title = "$"
        chart.add_data(
            Reference(ws, min_col=2, max_col=1 + len(classes), min_row=mx_header, max_row=mx_total - 1),
            titles_from_data=True,
        )
        _text_categories(chart, Reference(ws, min_col=1, min_row=mx_first, max_row=mx_total - 1))
        for series, name in zip(chart.series, classes, strict=True):
            series.graphicalProperties.solidFill = CLASS_COLOURS[LineClass(name)]
            series.graphicalProperties.line.solidFill = CLASS_COLOURS[LineClass(name)]
        chart.height, chart.width = max(7.5, 1.2 * n_pay + 4), 18
        ws.add_chart(chart, f"{get_column_letter(len(heads) + 2)}4")
    return {
        "by_payer": (pay_first, pay_total),
        "by_reason": (pr_first, pr_total),
        "matrix": (mx_header, mx_first, mx_total, classes),
        "payers": payers,
    }


def _guide(ws, result: Underpayments, profiles: dict[str, PayerProfile]) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110

    def line(a: str, b: str = "", style: str = "oon text") -> None:
        ws.append(
            [text_cell(ws, a, "oon label" if b else style), text_cell(ws, b, "oon text") if b else None]
        )

    tol = result.tolerance
    ws.append([text_cell(ws, "How to read this report", "oon title")])
    line(
        "Each line of each remit is compared with what the payer's own out-of-network method allows "
        "(its payer profile), classified, and given the next deadline when it calls for action."
    )
    ws.append([])
    line("Sheets", "", "oon label")
    for name, what in (
        ("Summary", "Totals by payer, by payer and reason, and the gap by payer and reason with its chart."),
        (
            "Lines",
            "One row per service line (a claim without service lines is one row): amounts, expected "
            "allowed, gap, classification, reason and next deadline. Filter it; row 2 totals the rows shown.",
        ),
        (
            "Claims",
            "One row per claim: CLP amounts, the sums of its lines, its classes, its earliest deadline.",
        ),
        ("Reversals", "Each reversal (CLP02 22) with the claim it takes back and the corrected claim."),
        (
            "Imbalances",
            "Where a payment, claim or line does not add up (TR3 1.10.2.1): reported, never hidden.",
        ),
    ):
        line(name, what)
    ws.append([])
    line("Classes, in the order tried", "The first that applies is the line's class.", "oon label")
    for cls in LineClass:
        line(str(cls), CLASS_MEANING[cls])
    ws.append([])
    line("Figures", "", "oon label")
    for name, what in (
        (
            "Received",
            "Plan paid (SVC03 less the line's share of claim-level adjustments) + patient responsibility.",
        ),
        (
            "Expected allowed",
            "The payer profile's method and factor: percent of Medicare (Medicare PFS with the "
            "claim's multiple-procedure, bilateral, assistant and co-surgeon rules, year of the service date, "
            "locality and setting from the claims file or --locality/--setting, else national and facility), a "
            "percentile of a charge benchmark, a percent of billed, or an agreed flat rate (sca_rate); at the "
            "lesser of billed when the payer pays the lesser. Rounded to cents.",
        ),
        ("Gap", "max(Expected allowed - Received, 0): what the payer's own method still owes."),
        (
            "Tolerance",
            f"A line is underpaid when its gap exceeds the larger of {tol.dollars:,.2f} dollars and "
            f"{tol.fraction:.0%} of the expected allowed amount. {tol.source}",
        ),
        ("Plan paid (Summary)", "Received - Patient responsibility: adds up to the claims' CLP04."),
    ):
        line(name, what)
    ws.append([])
    line(
        "Deadlines",
        "For denied, bundled, NSA-processed, underpaid and unpriced lines, counted from the payment "
        "date BPR16 (the day an EFT settles or a check is issued: the earliest the remit can arrive).",
        "oon label",
    )
    rules = load_rules()
    for rid, words in (
        (
            "nsa_open_negotiation",
            "when a remark that starts the NSA clock (N830, N859, N876, N877) is present",
        ),
        ("erisa_internal_appeal", "plan type ERISA (claims file)"),
        ("ma_reconsideration", "plan type Medicare Advantage (claims file, or CLP06 16)"),
        ("payer_appeal", "otherwise: the payer profile's appeal window"),
    ):
        rule = rules[rid]
        line(rule.label, f"{words}. Source: {rule.source}")
    ws.append([])
    line("This run", f"As of {result.as_of:%Y-%m-%d}.", "oon label")
    for note in result.notes:
        line("", note)
    for f in result.files:
        line("File read", f)
    ws.append([])
    line("Payer profiles used", "", "oon label")
    used = list(dict.fromkeys(result.lines["profile_id"])) if len(result.lines) else []
    for pid in used:
        p = profiles[pid]
        pct = f", {p.percentile:g}th percentile" if p.percentile else ""
        lesser = ", lesser of billed" if p.lesser_of else ""
        line(
            f"{p.name} ({p.id})",
            f"{p.method} x {p.factor:g}{pct}{lesser}; appeal window {p.appeal_window_days} days. {p.source}",
        )


def build_remit_report(
    result: Underpayments,
    path: str | Path,
    profiles: dict[str, PayerProfile],
    password: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the report workbook of ``result`` to ``path`` (atomically; encrypted with ``password``).

    Parameters
    ----------
    result : Underpayments
        From :func:`remits.underpayment.find_underpayments`.
    path : path
        The .xlsx to write.
    profiles : dict
        The payer profiles the run used (for the Guide).
    password : str, optional
        Encrypt the workbook (OOXML agile encryption).
    progress : callable, optional
        Called with the name of each sheet as it is written.

    Returns
    -------
    Path
        ``path``.
    """
    wb = Workbook(write_only=True)
    wb.properties.creator = "oonkit remit"
    register(wb)
    ws = {name: wb.create_sheet(name) for name in SHEETS}
    # a write-only sheet writes its view with its first row: freeze the panes before any row
    for name, cell in (("Summary", "B4"), ("Lines", "F4"), ("Claims", "D4")):
        ws[name].freeze_panes = cell
    deferred = DeferredRows()  # the records are streamed into the saved package
    tell = progress or (lambda _: None)
    tell("Summary")
    _summary(ws["Summary"], result)
    tell("Lines")
    first, last = write_values_table(
        ws["Lines"], "Lines", "Lines", LINE_COLUMNS, result.lines, empty="No lines.", deferred=deferred
    )
    _days_colours(ws["Lines"], LINE_COLUMNS, first + 1, last)
    tell("Claims")
    first, last = write_values_table(
        ws["Claims"], "Claims", "Claims", CLAIM_COLUMNS, result.claims, empty="No claims.", deferred=deferred
    )
    _days_colours(ws["Claims"], CLAIM_COLUMNS, first + 1, last)
    tell("Reversals")
    write_values_table(
        ws["Reversals"],
        "Reversals",
        "Reversals (CLP02 22) and what they reverse",
        REVERSAL_COLUMNS,
        result.reversals,
        subtotals=False,
        empty="No reversals in these files.",
        deferred=deferred,
    )
    tell("Imbalances")
    write_values_table(
        ws["Imbalances"],
        "Imbalances",
        "Imbalances: where a payment, claim or line does not add up",
        IMBALANCE_COLUMNS,
        result.imbalances,
        subtotals=False,
        empty="No imbalances: every payment, claim and line adds up.",
        deferred=deferred,
    )
    tell("Guide")
    _guide(ws["Guide"], result, profiles)
    tell("saving")
    return save(wb, Path(path), password, deferred)
