"""The Escalation sheet of a case workbook: the owner's discount rate, target and path of stages (accept,
reconsideration, appeals, external review, NSA open negotiation, IDR), and for every stopping point the expected
recovery, expected cost, months to cash and NPV; the best stopping point; a chart of NPV by stopping point.

The formulas compute exactly what ``udfs.value.escalation_value`` computes: with stage k reached with probability
q_k = q_(k-1) (1 - p_(k-1)), starting on day S_k and paying on day E_k = S_k + d_k,
NPV_m = sum_(k<=m) q_k [p_k s_k G (1-f) (1+r)^(-E_k/365) - c_k (1+r)^(-S_k/365)], NPV_0 = the offer on the table.
A stage left out of the path (not included, or an NSA stage when NSA does not apply) counts with probability,
cost and duration 0, which leaves every later figure as if it were absent.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef

from .case_cells import Sheet
from .case_context import context_for
from .case_estimate import yes_no
from .case_model import Case

FIRST_STAGE = 16
#: Default formulas of the IDR stage's linked inputs. N() makes a cleared IDRWin 0 in Excel and LibreOffice alike
#: (a bare reference to an empty cell is 0 in Excel, empty in LibreOffice) and a blank IDRCaseFees 0.
LINKED = {"probability": "=N(IDRWin)", "share": "=IDRStageShare", "cost": "=N(IDRCaseFees)"}
APPLIES = {"nsa": "NSA only"}
ACCEPT = "Accept now (the payment and any offer)"
STAGE_HEADERS = [
    "Stage",
    "Applies to",
    "Include",
    "In path",
    "Probability of success",
    "Share of the gap recovered",
    "Cost",
    "Days",
    "Chance of reaching",
    "Starts on day",
    "Cash on day",
    "Expected recovery",
    "Expected cost",
    "Stage NPV",
    "Weight",
    "Weight x day",
    "Source of the defaults",
]


@dataclass(frozen=True)
class PathLayout:
    first: int  # row of "accept"
    last: int

    def labels(self) -> str:
        return f"$A${self.first}:$A${self.last}"


def stop_label(label: str, in_path: bool) -> str:
    """Label of the stopping point after a stage (the formula's result)."""
    return f"Through {label}" if in_path else f"Through {label} (not in path)"


def _assumptions(s: Sheet, case: Case) -> None:
    s.text("A4", "Your assumptions", "oon label")
    rows = [
        (
            5,
            "Discount rate (your annual cost of capital)",
            case.discount_rate,
            "fraction",
            "DiscountRate",
            None,
        ),
        (6, "Contingency fee on recoveries", case.contingency_fee, "fraction", "ContingencyFee", None),
        (7, "Settlement offer on the table now", case.offer, "amount", "Offer", None),
        (8, "Target method", case.target_method, "text", "TargetMethod", "Methods"),
        (9, "Target factor", case.target_factor, "fraction", "TargetFactor", None),
    ]
    notes = {
        "DiscountRate": "8% is a placeholder for a practice borrowing on a line of credit "
        "(templates/rules/assumptions.yaml).",
        "TargetFactor": context_for("TargetFactor"),
        "Offer": "Accepting it closes the claim: the value of stopping now.",
    }
    for row, label, value, type_, name, choices in rows:
        s.text(f"A{row}", label, "oon label")
        s.input(f"B{row}", value, type_, name, choices=choices)
        if notes.get(name):
            s.text(f"C{row}", notes[name], "oon case note")
    s.text("A10", "Target (Lines sheet, capped at billed)", "oon label")
    s.formula("B10", "=TargetTotal", "amount", "esc.target")
    s.define("Target", "B10")
    s.text("A11", "Received (plan payment + patient responsibility)", "oon label")
    s.formula("B11", "=Received", "amount", "esc.received")
    s.text("A12", "Gap to recover", "oon label")
    s.formula(
        "B12",
        '=IF(OR(Target="",PlanPaid="",PatientShare=""),"",MAX(Target-PlanPaid-PatientShare,0))',
        "amount",
        "esc.gap",
    )
    s.define("Gap", "B12")
    s.text("C12", "Target minus everything received, never below 0 (udfs.gap.recovery_gap).", "oon case note")


def _stage_row(s: Sheet, case: Case, k: int) -> None:
    stage, r = case.stages[k - 1], FIRST_STAGE + k - 1
    key = f"stage.{k}"
    s.text(f"A{r}", stage.label, "oon text")
    s.text(f"B{r}", APPLIES.get(stage.applies_to, "All cases"), "oon text")
    s.input(f"C{r}", yes_no(stage.include), "text", choices="YesNo")
    s.formula(f"D{r}", f'=AND(C{r}="Y",OR(B{r}<>"NSA only",NSA="Y"))', "flag", f"{key}.in_path")
    for col, name, type_ in (
        ("E", "probability", "fraction"),
        ("F", "share", "fraction"),
        ("G", "cost", "amount"),
    ):
        value = LINKED[name] if name in stage.linked else getattr(stage, name)
        s.input(f"{col}{r}", value, type_, key=f"{key}.{name}" if name in stage.linked else None)
    s.input(f"H{r}", stage.days, "integer")
    p, d, c = f"IF($D{r},$E{r},0)", f"IF($D{r},$H{r},0)", f"IF($D{r},$G{r},0)"
    if k == 1:
        s.value(f"I{r}", 1.0, "oon computed fraction")
        s.value(f"J{r}", 0, "oon computed integer")
    else:
        q = r - 1
        s.formula(f"I{r}", f"=I{q}*(1-IF($D{q},$E{q},0))", "fraction", f"{key}.reach")
        s.formula(f"J{r}", f"=J{q}+IF($D{q},$H{q},0)", "integer", f"{key}.start")
    s.formula(f"K{r}", f"=J{r}+{d}", "integer", f"{key}.end")
    s.formula(f"L{r}", f'=IF(Gap="","",I{r}*{p}*$F{r}*Gap*(1-ContingencyFee))', "amount", f"{key}.gain")
    s.formula(f"M{r}", f"=I{r}*{c}", "amount", f"{key}.cost_expected")
    s.formula(
        f"N{r}",
        f'=IF(L{r}="","",L{r}*(1+DiscountRate)^(-K{r}/365)-M{r}*(1+DiscountRate)^(-J{r}/365))',
        "amount",
        f"{key}.npv",
    )
    s.formula(f"O{r}", f"=I{r}*{p}*$F{r}", "fraction", f"{key}.weight")
    s.formula(f"P{r}", f"=O{r}*K{r}", "fraction", f"{key}.weight_day", style="oon computed amount")
    s.text(f"Q{r}", stage.source, "oon case note")


def _stopping_points(s: Sheet, case: Case) -> PathLayout:
    k_count = len(case.stages)
    top = FIRST_STAGE + k_count + 1
    s.text(f"A{top}", "Value of each stopping point", "oon label")
    for col, header in zip(
        "ABCDEF",
        ("Stop after", "Expected recovery", "Expected cost", "Months to cash", "NPV", ""),
        strict=True,
    ):
        if header:
            s.text(f"{col}{top + 1}", header, "oon header computed")
    first = top + 2
    last = first + k_count
    npvs = f"$E${first}:$E${last}"
    for m in range(k_count + 1):
        r, key = first + m, f"path.{m}"
        s0, sm = FIRST_STAGE, FIRST_STAGE + m - 1
        if m == 0:
            s.text(f"A{r}", ACCEPT, "oon text")
            # N(): a cleared offer is 0 in both engines (a bare =Offer is empty in LibreOffice, 0 in Excel)
            s.formula(f"B{r}", "=N(Offer)", "amount", f"{key}.recovery")
            s.value(f"C{r}", 0, "oon computed amount")
            s.value(f"D{r}", 0, "oon computed fraction")
            s.formula(f"E{r}", "=N(Offer)", "amount", f"{key}.npv")
        else:
            st = FIRST_STAGE + m - 1
            s.formula(
                f"A{r}",
                f'=IF($D${st},"Through "&$A${st},"Through "&$A${st}&" (not in path)")',
                "text",
                f"{key}.label",
            )
            s.formula(f"B{r}", f'=IF(Gap="","",SUM($L${s0}:L{sm}))', "amount", f"{key}.recovery")
            s.formula(f"C{r}", f"=SUM($M${s0}:M{sm})", "amount", f"{key}.cost")
            s.formula(
                f"D{r}",
                f'=IF(SUM($O${s0}:O{sm})>0,SUM($P${s0}:P{sm})/SUM($O${s0}:O{sm})*12/365,"")',
                "fraction",
                f"{key}.months",
                style="oon computed amount",
            )
            s.formula(f"E{r}", f'=IF(Gap="","",SUM($N${s0}:N{sm}))', "amount", f"{key}.npv")
        s.formula(f"F{r}", f'=IF(BestStop="","",IF(BestStop={m},"best",""))', "text", f"{key}.best")
    b = last + 2
    s.text(f"A{b}", "Best stopping point", "oon label")
    s.formula(f"B{b}", f'=IF(Gap="","",INDEX($A${first}:$A${last},BestStop+1))', "text", "best.label")
    s.define("BestLabel", f"B{b}")
    rows = [
        (
            "Stages pursued (0 = accept)",
            f'=IF(Gap="","",MATCH(MAX({npvs}),{npvs},0)-1)',
            "integer",
            "best.stop",
            "BestStop",
        ),
        ("Its NPV", f'=IF(BestStop="","",INDEX({npvs},BestStop+1))', "amount", "best.npv", "BestNPV"),
        (
            "Its expected recovery",
            f'=IF(BestStop="","",INDEX($B${first}:$B${last},BestStop+1))',
            "amount",
            "best.recovery",
            "BestRecovery",
        ),
        (
            "Its expected cost",
            f'=IF(BestStop="","",INDEX($C${first}:$C${last},BestStop+1))',
            "amount",
            "best.cost",
            "BestCost",
        ),
        (
            "Its months to cash",
            f'=IF(BestStop="","",INDEX($D${first}:$D${last},BestStop+1))',
            "fraction",
            "best.months",
            "BestMonths",
        ),
    ]
    for i, (label, formula, type_, key, name) in enumerate(rows, start=1):
        s.text(f"A{b + i}", label, "oon label")
        style = "oon computed amount" if key == "best.months" else None
        s.formula(f"B{b + i}", formula, type_, key, style=style)
        s.define(name, f"B{b + i}")
    return PathLayout(first, last)


def _chart(s: Sheet, layout: PathLayout) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.title = "NPV by stopping point"
    chart.y_axis.title = "$"
    chart.legend = None
    chart.add_data(
        Reference(s.ws, min_col=5, min_row=layout.first - 1, max_row=layout.last), titles_from_data=True
    )
    for series in chart.series:
        ref = Reference(s.ws, min_col=1, min_row=layout.first, max_row=layout.last)
        series.cat = AxDataSource(strRef=StrRef(f=str(ref)))
    chart.height, chart.width = 8, 16
    s.ws.add_chart(chart, f"H{layout.first - 1}")


def write_paths_sheet(s: Sheet, case: Case) -> PathLayout:
    """Write the Escalation sheet; returns where the stopping points are (for the Summary chart)."""
    s.text("A1", "Escalation paths: how far to push the claim", "oon title")
    s.text(
        "A2",
        "Each stage is tried only if the ones before it failed; a success recovers its share of the gap and ends the "
        "path. Costs are paid when a stage starts, recoveries arrive when it ends; both are discounted at your rate "
        "as Excel's XNPV does ((1 + rate)^(-days/365)).",
        "oon case note",
    )
    _assumptions(s, case)
    s.text("A14", "Stages of the path, in order", "oon label")
    overturn = context_for("Stages")
    if overturn:
        s.text("C14", f"Published context: {overturn}", "oon case note")
    for col, header in zip("ABCDEFGHIJKLMNOPQ", STAGE_HEADERS, strict=True):
        s.text(f"{col}{FIRST_STAGE - 1}", header, "oon header computed")
    for k in range(1, len(case.stages) + 1):
        _stage_row(s, case, k)
    layout = _stopping_points(s, case)
    _chart(s, layout)
    s.widths(A=46, B=16, C=9, D=9, E=12, F=12, G=10, H=8, I=11, J=9, K=9, L=13, M=12, N=12, O=8, P=8, Q=60)
    for col in "OP":
        s.ws.column_dimensions[col].hidden = True
    return layout
