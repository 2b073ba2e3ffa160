"""The Case sheet of a case workbook: the case's inputs (payer, NSA, the patient's benefits, deposit policy), the
expected allowed amount under each payer method side by side, and the pre-service estimate under the payer's
likely method: patient responsibility, deposit to collect, plan payment and balance-billing exposure.

The formulas compute what ``udfs.allowed.allowed_amount`` and ``udfs.share.cost_share`` compute (mirror:
:mod:`workbooks.case_expected`).
"""

from __future__ import annotations

from .case_cells import Sheet
from .case_context import context_for
from .case_lines import METHOD_COLUMN, LinesLayout
from .case_model import FACTOR_NAMES, METHOD_NAMES, Case

OOP_NONE = "9.99E+307"  # an out-of-pocket remainder left blank: no limit
EXPOSURE = {
    "nsa": "None: the No Surprises Act forbids balance billing; the patient owes in-network cost sharing only",
    "law": "None: balance billing is not allowed for this case",
    "yes": "The patient may be billed the difference between billed charges and the allowed amount",
}
METHOD_HEADERS = [
    "Method",
    "Factor",
    "Allowed",
    "Allowed % of billed",
    "Allowed % of Medicare",
    "Cost-share basis",
    "Patient pays",
    "Plan pays",
    "Balance bill",
    "",
]


def yes_no(flag: bool) -> str:
    return "Y" if flag else "N"


def _inputs(s: Sheet, case: Case, lines: LinesLayout) -> None:
    s.text("A4", "The case", "oon label")
    rows = [
        (5, "Case", case.name, "text", "CaseName", None),
        (6, "Date of service", case.date_of_service, "date", "DateOfService", None),
        (8, "Payer", case.payer_name, "text", "PayerName", None),
        (9, "Payer's likely out-of-network method", case.method, "choice", "LikelyMethod", "Methods"),
        (
            10,
            "Payer pays the lesser of billed and its amount",
            yes_no(case.lesser_of),
            "choice",
            "LesserOf",
            "YesNo",
        ),
        (11, "No Surprises Act applies", yes_no(case.nsa), "choice", "NSA", "YesNo"),
        (
            12,
            "Balance billing allowed (state law, your agreements)",
            yes_no(case.balance_bill_allowed),
            "choice",
            "BalanceBillAllowed",
            "YesNo",
        ),
        (13, "Plan payment received (blank before the service)", case.paid, "amount", "PaidReceived", None),
        (17, "Deductible remaining", case.deductible_remaining, "amount", "DeductibleLeft", None),
        (18, "Coinsurance", case.coinsurance, "fraction", "Coinsurance", None),
        (19, "Copay", case.copay, "amount", "Copay", None),
        (
            20,
            "Out-of-pocket maximum remaining (blank: no limit)",
            case.oop_remaining,
            "amount",
            "OOPLeft",
            None,
        ),
        (
            21,
            "Deposit: share of the patient's estimate to collect",
            case.deposit_share,
            "fraction",
            "DepositShare",
            None,
        ),
        (
            22,
            "Deposit includes the balance bill",
            yes_no(case.deposit_balance_bill),
            "choice",
            "DepositBalanceBill",
            "YesNo",
        ),
    ]
    notes = {
        "NSA": "Y for emergency care, or out-of-network care at an in-network facility without the patient's "
        "signed notice and consent (45 CFR 149.410, 149.420): in-network cost sharing on the recognized amount, "
        "no balance bill.",
        "LikelyMethod": "How the payer prices out-of-network claims (plan documents; payer profile). "
        + context_for("LikelyMethod"),
        "DeductibleLeft": "Out-of-network benefits; under NSA the in-network deductible, coinsurance and "
        "out-of-pocket maximum.",
        "DepositShare": "Project default 100%: change it to your practice's policy.",
    }
    for row, label, value, type_, name, choices in rows:
        s.text(f"A{row}", label, "oon label")
        s.input(f"B{row}", value, "text" if type_ == "choice" else type_, name, choices=choices)
        if name in notes:
            s.text(f"C{row}", notes[name], "oon case note")
    s.text("A7", "Medicare fee schedule", "oon label")
    s.text("B7", case.fee_schedule, "oon text")
    s.text("A14", "Procedure lines (Lines sheet)", "oon label")
    s.formula("B14", f"=SUMPRODUCT(--(LEN({lines.rng('B')})>0))", "integer", "case.lines")
    s.define("CaseLines", "B14")
    s.text("A16", "The patient's benefits and your deposit policy", "oon label")


def _methods(s: Sheet, case: Case, lines: LinesLayout) -> None:
    s.text("A24", "Expected allowed by method, side by side", "oon label")
    for col, header in zip("ABCDEFGHIJ", METHOD_HEADERS, strict=True):
        if header:
            s.text(f"{col}25", header, "oon header computed")
    first, last = 26, 25 + len(METHOD_NAMES)
    s.define("MethodNames", f"A{first}:A{last}")
    s.define("MethodAllowed", f"C{first}:C{last}")
    s.define("MethodBasis", f"F{first}:F{last}")
    s.define("MethodBalance", f"I{first}:I{last}")
    for i, m in enumerate(METHOD_NAMES):
        r, k = first + i, f"method.{m}"
        s.text(f"A{r}", m, "oon text")
        s.input(f"B{r}", case.factors[m], "fraction", FACTOR_NAMES[m])
        s.formula(f"C{r}", f"={lines.total_ref(METHOD_COLUMN[m])}", "amount", f"{k}.allowed")
        s.formula(
            f"D{r}", f'=IF(OR(C{r}="",N(BilledTotal)<=0),"",C{r}/BilledTotal)', "fraction", f"{k}.pct_billed"
        )
        s.formula(
            f"E{r}",
            f'=IF(OR(C{r}="",N(MedicareTotal)<=0),"",C{r}/MedicareTotal)',
            "fraction",
            f"{k}.pct_medicare",
        )
        s.formula(f"F{r}", f'=IF(C{r}="","",IF(NSA="Y",RecognizedTotal,C{r}))', "amount", f"{k}.basis")
        ded = f"MIN(F{r},N(DeductibleLeft))"
        cop = f"MIN(N(Copay),F{r}-{ded})"
        s.formula(
            f"G{r}",
            f'=IF(F{r}="","",MIN({ded}+{cop}+N(Coinsurance)*(F{r}-{ded}-{cop}),'
            f'IF(OOPLeft="",{OOP_NONE},OOPLeft)))',
            "amount",
            f"{k}.patient",
        )
        s.formula(f"H{r}", f'=IF(OR(C{r}="",G{r}=""),"",MAX(C{r}-G{r},0))', "amount", f"{k}.plan")
        s.formula(
            f"I{r}",
            f'=IF(C{r}="","",IF(OR(NSA="Y",BalanceBillAllowed="N"),0,MAX(BilledTotal-C{r},0)))',
            "amount",
            f"{k}.balance",
        )
        s.formula(f"J{r}", f'=IF(A{r}=LikelyMethod,"payer\'s likely method","")', "text", f"{k}.likely")
    context = [f"{m}: {context_for(FACTOR_NAMES[m])}" for m in METHOD_NAMES if context_for(FACTOR_NAMES[m])]
    s.text(f"A{last + 1}", "Published context. " + " ".join(context), "oon case note")


def _estimate(s: Sheet) -> None:
    s.text("A32", "Estimate under the payer's likely method", "oon label")
    pick = "INDEX({},MATCH(LikelyMethod,MethodNames,0))"
    rows = [
        (33, "Billed charges", "=BilledTotal", "amount", "est.billed", None),
        (34, "Medicare amount (after the claim rules)", "=MedicareTotal", "amount", "est.medicare", None),
        (
            35,
            "Expected allowed",
            "=" + pick.format("MethodAllowed"),
            "amount",
            "est.allowed",
            "AllowedLikely",
        ),
        (
            36,
            "Cost-share basis (allowed; under NSA the lesser of QPA and billed)",
            "=" + pick.format("MethodBasis"),
            "amount",
            "est.basis",
            "CostBasis",
        ),
        (
            37,
            "Deductible",
            '=IF(CostBasis="","",MIN(CostBasis,N(DeductibleLeft)))',
            "amount",
            "est.deductible",
            "DedPart",
        ),
        (
            38,
            "Copay",
            '=IF(CostBasis="","",MIN(N(Copay),CostBasis-DedPart))',
            "amount",
            "est.copay",
            "CopayPart",
        ),
        (
            39,
            "Coinsurance",
            '=IF(CostBasis="","",N(Coinsurance)*(CostBasis-DedPart-CopayPart))',
            "amount",
            "est.coinsurance",
            "CoinsPart",
        ),
        (
            40,
            "Patient responsibility (capped by the out-of-pocket remainder)",
            f'=IF(CostBasis="","",MIN(DedPart+CopayPart+CoinsPart,IF(OOPLeft="",{OOP_NONE},OOPLeft)))',
            "amount",
            "est.patient",
            "PatientShare",
        ),
        (
            41,
            "Expected plan payment",
            '=IF(OR(AllowedLikely="",PatientShare=""),"",MAX(AllowedLikely-PatientShare,0))',
            "amount",
            "est.plan_expected",
            "PlanExpected",
        ),
        (
            42,
            "Plan payment (received, else expected)",
            '=IF(PaidReceived="",PlanExpected,PaidReceived)',
            "amount",
            "est.plan_paid",
            "PlanPaid",
        ),
        (43, "Balance bill", "=" + pick.format("MethodBalance"), "amount", "est.balance", "BalanceBill"),
        (
            44,
            "Balance-billing exposure",
            f'=IF(NSA="Y","{EXPOSURE["nsa"]}",IF(BalanceBillAllowed="N","{EXPOSURE["law"]}","{EXPOSURE["yes"]}"))',
            "text",
            "est.exposure",
            "Exposure",
        ),
        (
            45,
            "Deposit to collect before the service",
            '=IF(PatientShare="","",N(DepositShare)*(PatientShare+IF(DepositBalanceBill="Y",N(BalanceBill),0)))',
            "amount",
            "est.deposit",
            "Deposit",
        ),
        (
            46,
            "Received (plan payment + patient responsibility)",
            '=IF(OR(PlanPaid="",PatientShare=""),"",PlanPaid+PatientShare)',
            "amount",
            "est.received",
            "Received",
        ),
    ]
    for row, label, formula, type_, key, name in rows:
        s.text(f"A{row}", label, "oon label")
        s.formula(f"B{row}", formula, type_, key)
        if name:
            s.define(name, f"B{row}")


def write_case_sheet(s: Sheet, case: Case, lines: LinesLayout) -> None:
    """Write the Case sheet (inputs, methods side by side, estimate)."""
    s.text("A1", f"{case.name}: pre-service estimate", "oon title")
    s.text(
        "A2",
        "Yellow cells are inputs: change one and every figure follows. Blue-grey cells are formulas. "
        "Procedure lines, Medicare amounts and QPAs are on the Lines sheet.",
        "oon case note",
    )
    _inputs(s, case, lines)
    _methods(s, case, lines)
    _estimate(s)
    s.widths(A=52, B=18, C=14, D=12, E=12, F=14, G=13, H=13, I=13, J=20)
