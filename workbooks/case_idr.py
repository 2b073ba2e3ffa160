"""The IDR sheet of a case workbook: the federal IDR decision for the case (expected net gain, break-even win
probability), the fees chosen by dispute start date from the fee tables on the sheet, the effect of batching on
the case's share of the fees, and a sensitivity table (win probability x offer as a multiple of the QPA) with a
colour scale.

The case is one dispute of ``IDRItems`` line items, its own lines among them; fees are per dispute, so the case
bears ``CaseLines / IDRItems`` of them: ``udfs.idr.idr_expected_gain`` with ``batch_size = IDRItems / CaseLines``.
Offers are totals for the case's lines; the amount already received (plan payment + patient responsibility) is
what the award replaces.
"""

from __future__ import annotations

from openpyxl.formatting.rule import ColorScaleRule

from udfs.reference import load_yaml

from .case_cells import Sheet
from .case_context import context_for
from .case_model import Case

STATUS = {
    "yes": "The No Surprises Act applies: federal IDR is open to this case after 30 business days of open "
    "negotiation (45 CFR 149.510(b))",
    "no": "The No Surprises Act does not apply: federal IDR is not open to this case (figures for reference only)",
}
DECISION = {
    "none": "No IDR figures: a QPA for every line and a fee for the dispute date are needed",
    "go": "IDR pays off: expected net gain above 0 (your win probability is above break-even)",
    "stop": "IDR does not pay off: expected net gain at or below 0",
}
BATCH_HEADERS = [
    "Line items in the dispute",
    "Dispute",
    "Entity fee, lowest",
    "Entity fee, highest",
    "Entity fee, midpoint",
    "Case's share of fees",
    "Case's fees if you win",
    "Case's fees if you lose",
    "Expected net gain",
]


def _gain(w: str, offer: str, fa_n: str, fe_n: str) -> str:
    return f"{w}*({offer}-Received)+(1-{w})*(IDRPayerOffer-Received)-{fa_n}-(1-{w})*({fe_n})"


def _inputs(s: Sheet, case: Case) -> None:
    s.text("A4", "Your assumptions", "oon label")
    entity = (
        case.idr_entity_fee
        if case.idr_entity_fee is not None
        else '=IF(IDREntityLow="","",(IDREntityLow+IDREntityHigh)/2)'
    )
    rows = [
        (5, "Dispute start date", case.idr_date, "date", "IDRDate", None),
        (6, "Win probability (the entity picks your offer)", case.idr_win, "fraction", "IDRWin", None),
        (7, "Your offer, as % of the QPA", case.idr_offer_pct, "fraction", "IDROfferPct", None),
        (8, "Payer's offer, as % of the QPA", case.idr_payer_pct, "fraction", "IDRPayerPct", None),
        (
            9,
            "Line items in the dispute (this case's lines and any batched with them)",
            case.idr_items,
            "integer",
            "IDRItems",
            None,
        ),
        (10, "Certified IDR entity fee per dispute", entity, "amount", "IDREntityFee", "idr.entity_fee"),
    ]
    notes = {
        "IDRDate": "Fees depend on it (tables below). Default: the first day IDR may be initiated if the payment "
        "arrives 30 days after the service and open negotiation starts that day.",
        "IDRWin": context_for("IDRWin"),
        "IDROfferPct": context_for("IDROfferPct"),
        "IDRPayerPct": context_for("IDRPayerPct"),
        "IDRItems": "Batching: same provider and plan, similar services within one 30-business-day period. Fees are "
        "paid once per dispute.",
        "IDREntityFee": "Each certified entity publishes its fee within the range below; default: the middle of it.",
    }
    for row, label, value, type_, name, key in rows:
        s.text(f"A{row}", label, "oon label")
        s.input(f"B{row}", value, type_, name, key=key if isinstance(value, str) else None)
        if notes.get(name):
            s.text(f"C{row}", notes[name], "oon case note")


def _fee_rows(s: Sheet) -> None:
    s.text("A12", "Fees by dispute start date", "oon label")
    m = "MATCH(IDRDate,EntityFrom,1)"
    early = 'OR(IDRDate="",IDRDate<INDEX({},1))'
    tier = "ROUNDUP(MAX(IDRItems-25,0)/25,0)"
    rows = [
        (
            13,
            "Administrative fee per party",
            f'=IF({early.format("AdminFrom")},"",INDEX(AdminPerParty,MATCH(IDRDate,AdminFrom,1)))',
            "idr.admin_fee",
            "IDRAdminFee",
        ),
        (
            14,
            "Entity fee range, lowest",
            f'=IF({early.format("EntityFrom")},"",IF(IDRItems>1,INDEX(EntityBatchedLow,{m})+{tier}*INDEX(EntityTierLow,{m}),'
            f"INDEX(EntitySingleLow,{m})))",
            "idr.entity_low",
            "IDREntityLow",
        ),
        (
            15,
            "Entity fee range, highest",
            f'=IF({early.format("EntityFrom")},"",IF(IDRItems>1,INDEX(EntityBatchedHigh,{m})+{tier}*INDEX(EntityTierHigh,{m}),'
            f"INDEX(EntitySingleHigh,{m})))",
            "idr.entity_high",
            "IDREntityHigh",
        ),
    ]
    for row, label, formula, key, name in rows:
        s.text(f"A{row}", label, "oon label")
        s.formula(f"B{row}", formula, "amount", key)
        s.define(name, f"B{row}")
    s.text("A16", "Line items per case line (the case bears 1/this of the fees)", "oon label")
    s.formula("B16", "=IDRItems/CaseLines", "fraction", "idr.batch_n", style="oon computed amount")
    s.define("IDRBatchN", "B16")
    s.text("A17", "The case's share of the dispute's fees", "oon label")
    s.formula("B17", "=CaseLines/IDRItems", "fraction", "idr.case_share")


def _decision(s: Sheet) -> None:
    s.text("A19", "Decision", "oon label")
    need = 'OR(QPATotal="",IDRAdminFee="",IDREntityFee="",Received="")'
    fa, fe = "IDRAdminFee/IDRBatchN", "IDREntityFee/IDRBatchN"
    slope = f"(IDROffer-IDRPayerOffer)+{fe}"
    rows = [
        (20, "QPA of the case's lines", "=QPATotal", "idr.qpa", None),
        (21, "Your offer", '=IF(QPATotal="","",IDROfferPct*QPATotal)', "idr.offer", "IDROffer"),
        (22, "Payer's offer", '=IF(QPATotal="","",IDRPayerPct*QPATotal)', "idr.payer_offer", "IDRPayerOffer"),
        (23, "Received so far (plan payment + patient responsibility)", "=Received", "idr.received", None),
        (
            24,
            "Net if you win (your offer - received - admin fee)",
            f'=IF({need},"",IDROffer-Received-{fa})',
            "idr.win_net",
            None,
        ),
        (
            25,
            "Net if you lose (payer's offer - received - admin and entity fees)",
            f'=IF({need},"",IDRPayerOffer-Received-{fa}-{fe})',
            "idr.lose_net",
            None,
        ),
        (
            26,
            "Expected fees of the case (the winner's entity fee is refunded)",
            f'=IF(OR(IDRAdminFee="",IDREntityFee=""),"",{fa}+(1-IDRWin)*({fe}))',
            "idr.case_fees",
            "IDRCaseFees",
        ),
        (
            27,
            "Expected net gain of IDR",
            f'=IF({need},"",{_gain("IDRWin", "IDROffer", fa, fe)})',
            "idr.gain",
            "IDRGain",
        ),
        (
            28,
            "Break-even win probability",
            f'=IF({need},"",IF({slope}=0,"",({fa}+{fe}-(IDRPayerOffer-Received))/({slope})))',
            "idr.break_even",
            "IDRBreakEven",
        ),
    ]
    for row, label, formula, key, name in rows:
        s.text(f"A{row}", label, "oon label")
        s.formula(f"B{row}", formula, "fraction" if key == "idr.break_even" else "amount", key)
        if name:
            s.define(name, f"B{row}")
    s.text("A29", "Verdict", "oon label")
    s.formula(
        "B29",
        f'=IF(IDRGain="","{DECISION["none"]}",IF(IDRGain>0,"{DECISION["go"]}","{DECISION["stop"]}"))',
        "text",
        "idr.decision",
    )
    s.define("IDRDecision", "B29")
    s.text("A30", "Share of the gap an IDR win recovers (Escalation sheet)", "oon label")
    s.formula("B30", "=IFERROR(MIN(1,MAX(0,(IDROffer-Received)/Gap)),0)", "fraction", "idr.stage_share")
    s.define("IDRStageShare", "B30")


def _fee_tables(s: Sheet, top: int) -> int:
    fees = load_yaml("rules/idr_fees.yaml")
    s.text(f"A{top}", "Fee tables (templates/rules/idr_fees.yaml)", "oon label")
    for col, h in zip("ABCD", ("Disputes from", "to", "Admin fee per party", "Source"), strict=True):
        s.text(f"{col}{top + 1}", h, "oon header computed")
    rows = fees["administrative_fee"]
    for i, row in enumerate(rows):
        r = top + 2 + i
        s.value(f"A{r}", row["from"], "oon value date")
        s.value(f"B{r}", row["to"], "oon value date")
        s.value(f"C{r}", float(row["per_party"]), "oon value amount")
        s.text(f"D{r}", " ".join(str(row["source"]).split()), "oon case note")
    s.define("AdminFrom", f"A{top + 2}:A{top + 1 + len(rows)}")
    s.define("AdminPerParty", f"C{top + 2}:C{top + 1 + len(rows)}")
    t = top + 3 + len(rows)
    heads = (
        "Disputes from",
        "Single, lowest",
        "Single, highest",
        "Batched, lowest",
        "Batched, highest",
        "Per 25 items beyond 25, lowest",
        "Per 25 items beyond 25, highest",
        "Source",
    )
    for col, h in zip("ABCDEFGH", heads, strict=True):
        s.text(f"{col}{t}", h, "oon header computed")
    entity = fees["certified_entity_fee"]
    for i, row in enumerate(entity):
        r = t + 1 + i
        s.value(f"A{r}", row["from"], "oon value date")
        values = (
            row["single"]["low"],
            row["single"]["high"],
            row["batched"]["low"],
            row["batched"]["high"],
            row["per_25_lines_beyond_25"]["low"],
            row["per_25_lines_beyond_25"]["high"],
        )
        for col, v in zip("BCDEFG", values, strict=True):
            s.value(f"{col}{r}", float(v), "oon value amount")
        s.text(f"H{r}", " ".join(str(row["source"]).split()), "oon case note")
    end = t + len(entity)
    for col, name in zip(
        "ABCDEFG",
        (
            "EntityFrom",
            "EntitySingleLow",
            "EntitySingleHigh",
            "EntityBatchedLow",
            "EntityBatchedHigh",
            "EntityTierLow",
            "EntityTierHigh",
        ),
        strict=True,
    ):
        s.define(name, f"{col}{t + 1}:{col}{end}")
    return end + 2


def _batching(s: Sheet, case: Case, top: int) -> int:
    s.text(
        f"A{top}",
        "Batching: the case's share of the fees by the number of line items in the dispute",
        "oon label",
    )
    for col, h in zip("ABCDEFGHI", BATCH_HEADERS, strict=True):
        s.text(f"{col}{top + 1}", h, "oon header computed")
    m = "MATCH(IDRDate,EntityFrom,1)"
    for j, items in enumerate(case.batch_sizes, start=1):
        r, a, key = top + 1 + j, f"$A{top + 1 + j}", f"batch.{j}"
        ok = f"AND(ISNUMBER({a}),{a}>=CaseLines)"
        n = f"({a}/CaseLines)"
        tier = f"ROUNDUP(MAX({a}-25,0)/25,0)"
        s.input(f"A{r}", items, "integer")
        s.formula(f"B{r}", f'=IF(NOT({ok}),"",IF({a}>1,"batched","single"))', "text", f"{key}.kind")
        for col, lo_hi in (("C", "Low"), ("D", "High")):
            s.formula(
                f"{col}{r}",
                f'=IF(OR(NOT({ok}),IDRDate="",IDRDate<INDEX(EntityFrom,1)),"",IF({a}>1,INDEX(EntityBatched{lo_hi},{m})'
                f"+{tier}*INDEX(EntityTier{lo_hi},{m}),INDEX(EntitySingle{lo_hi},{m})))",
                "amount",
                f"{key}.{lo_hi.lower()}",
            )
        s.formula(f"E{r}", f'=IF(C{r}="","",(C{r}+D{r})/2)', "amount", f"{key}.mid")
        s.formula(f"F{r}", f'=IF(NOT({ok}),"",CaseLines/{a})', "fraction", f"{key}.share")
        s.formula(f"G{r}", f'=IF(OR(E{r}="",IDRAdminFee=""),"",IDRAdminFee/{n})', "amount", f"{key}.fees_win")
        s.formula(f"H{r}", f'=IF(G{r}="","",IDRAdminFee/{n}+E{r}/{n})', "amount", f"{key}.fees_lose")
        s.formula(
            f"I{r}",
            f'=IF(OR(G{r}="",IDROffer="",Received=""),"",{_gain("IDRWin", "IDROffer", f"IDRAdminFee/{n}", f"E{r}/{n}")})',
            "amount",
            f"{key}.gain",
        )
    return top + 2 + len(case.batch_sizes) + 1


def _sensitivity(s: Sheet, case: Case, top: int) -> None:
    s.text(
        f"A{top}",
        "Sensitivity: expected net gain by win probability (rows) and your offer as % of the QPA (columns)",
        "oon label",
    )
    hdr = top + 1
    s.text(f"A{hdr}", "Win probability \\ your offer (% of QPA)", "oon header computed")
    cols = [chr(ord("B") + j) for j in range(len(case.offer_grid))]
    for col, pct in zip(cols, case.offer_grid, strict=True):
        s.input(f"{col}{hdr}", pct, "fraction")
    need = 'QPATotal="",IDRAdminFee="",IDREntityFee="",Received=""'
    for i, w in enumerate(case.win_grid, start=1):
        r = hdr + i
        s.input(f"A{r}", w, "fraction")
        for j, col in enumerate(cols, start=1):
            offer = f"({col}${hdr}*QPATotal)"
            s.formula(
                f"{col}{r}",
                f'=IF(OR($A{r}="",{col}${hdr}="",{need}),"",'
                f"{_gain(f'$A{r}', offer, 'IDRAdminFee/IDRBatchN', 'IDREntityFee/IDRBatchN')})",
                "amount",
                f"sens.{i}.{j}",
            )
    grid = f"B{hdr + 1}:{cols[-1]}{hdr + len(case.win_grid)}"
    s.ws.conditional_formatting.add(
        grid,
        ColorScaleRule(
            start_type="min",
            start_color="F8696B",
            mid_type="num",
            mid_value=0,
            mid_color="FFFFFF",
            end_type="max",
            end_color="63BE7B",
        ),
    )


def write_idr_sheet(s: Sheet, case: Case) -> None:
    s.text("A1", "IDR decision: No Surprises Act independent dispute resolution", "oon title")
    s.formula(
        "A2", f'=IF(NSA="Y","{STATUS["yes"]}","{STATUS["no"]}")', "text", "idr.status", style="oon case note"
    )
    s.define("IDRStatus", "A2")
    _inputs(s, case)
    _fee_rows(s)
    _decision(s)
    top = _fee_tables(s, 32)
    top = _batching(s, case, top)
    _sensitivity(s, case, top)
    s.widths(A=58, B=16, C=14, D=14, E=14, F=14, G=14, H=14, I=14)
