"""The Lines sheet of a case workbook: one row per procedure line with its Medicare amount, the allowed amount
under each out-of-network method side by side, the NSA recognized amount and the target.

Medicare amounts are inputs computed by oonkit, not formulas: pricing a line needs the CMS RVU and GPCI tables
and the claim-level rules (multiple procedures ranked by amount, bilateral, endoscopy families, assistants,
co-surgeons: ``udfs.surgery.price_claim``), which a workbook formula could only approximate. Each line shows the
fee schedule amount of one unit and the adjustment factor as separate yellow cells, with the rules applied in
words, so an owner sees why a line is paid at 50% and can type over either; the Medicare amount is their product.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from .case_cells import Sheet
from .case_model import FACTOR_NAMES, METHOD_NAMES, Case

SPARE_LINES = 3
HEADER_ROW = 4
FIRST = HEADER_ROW + 1
#: (header, column letter) of every column, in order.
COLUMNS = [
    ("Line", "A"),
    ("HCPCS", "B"),
    ("Modifier", "C"),
    ("Units", "D"),
    ("Billed", "E"),
    ("Medicare, one unit", "F"),
    ("Claim-rule factor", "G"),
    ("Medicare", "H"),
    ("Medicare rules applied", "I"),
    ("Benchmark", "J"),
    ("SCA rate", "K"),
    ("QPA", "L"),
    *zip(METHOD_NAMES, "MNOP", strict=True),
    ("Payer's likely method", "Q"),
    ("NSA recognized amount", "R"),
    ("Target", "S"),
]
#: Column holding each method's basis (Medicare, benchmark, billed, SCA rate).
BASIS = dict(zip(METHOD_NAMES, "HJEK", strict=True))
METHOD_COLUMN = dict(zip(METHOD_NAMES, "MNOP", strict=True))
NOTES = {
    "Medicare, one unit": "CMS PFS amount of one unit: (work RVU x GPCI + PE RVU x GPCI + MP RVU x GPCI) x CF, "
    "priced by oonkit for the case's year, locality and setting.",
    "Claim-rule factor": "Multiple-procedure, bilateral, units, assistant or co-surgeon adjustment as a multiple "
    "of one unit (50% = second procedure; 150% = bilateral), from oonkit (udfs.surgery.price_claim).",
    "Medicare": "Medicare amount after the claim rules = one unit x factor.",
    "Benchmark": "Charge at the payer's percentile of a charge benchmark (e.g. the 80th percentile of FAIR Health "
    "charges), if you have it.",
    "SCA rate": "Rate agreed in a single case agreement or gap exception, if any.",
    "QPA": "Qualifying payment amount (the plan's median in-network rate) from the initial payment notice. "
    "Required under NSA.",
    "NSA recognized amount": "Lesser of the QPA and billed: the amount NSA cost sharing is computed on "
    "(45 CFR 149.140(a)(15)).",
    "Target": "Your defensible amount (Escalation sheet: target method and factor), never above billed.",
}


@dataclass(frozen=True)
class LinesLayout:
    first: int
    last: int
    total: int

    def rng(self, col: str) -> str:
        return f"Lines!${col}${self.first}:${col}${self.last}"

    def total_ref(self, col: str) -> str:
        return f"Lines!${col}${self.total}"


def _allowed(method: str, r: int) -> str:
    basis, factor = f"${BASIS[method]}{r}", FACTOR_NAMES[method]
    return f'=IF(OR($B{r}="",{basis}=""),"",IF(LesserOf="Y",MIN({basis}*{factor},$E{r}),{basis}*{factor}))'


def _target(r: int, hdr: str) -> str:
    pick = f"CHOOSE(MATCH(TargetMethod,{hdr},0),$H{r},$J{r},$E{r},$K{r})"
    return f'=IF($B{r}="","",IF({pick}="","",MIN({pick}*TargetFactor,$E{r})))'


def write_lines(s: Sheet, case: Case) -> LinesLayout:
    """Write the Lines sheet; returns where its rows are."""
    n = len(case.lines)
    last = FIRST + n + SPARE_LINES - 1
    total = last + 1
    s.text("A1", "Procedure lines", "oon title")
    s.text(
        "A2",
        f"Medicare amounts: {case.fee_schedule}, with the claim's multiple-procedure and bilateral rules, priced "
        "by oonkit. Yellow cells are inputs; type over them, or add a line in an empty row.",
        "oon case note",
    )
    for header, col in COLUMNS:
        s.text(f"{col}{HEADER_ROW}", header, "oon header computed", note=NOTES.get(header))
    hdr = f"${METHOD_COLUMN[METHOD_NAMES[0]]}${HEADER_ROW}:${METHOD_COLUMN[METHOD_NAMES[-1]]}${HEADER_ROW}"
    for i in range(n + SPARE_LINES):
        r = FIRST + i
        line = case.lines[i] if i < n else None
        s.value(f"A{r}", i + 1, "oon value integer")
        s.input(f"B{r}", line.hcpcs if line else None, "text")
        s.input(f"C{r}", line.modifier if line and line.modifier else None, "text")
        s.input(f"D{r}", line.units if line else None, "integer")
        s.input(f"E{r}", line.billed if line else None, "amount")
        s.input(f"F{r}", line.medicare_unit if line else None, "amount")
        s.input(f"G{r}", line.medicare_factor if line else None, "fraction")
        s.formula(f"H{r}", f'=IF(OR($B{r}="",$F{r}=""),"",$F{r}*$G{r})', "amount", f"line.{i + 1}.medicare")
        s.input(f"I{r}", line.rules if line else None, "text")
        s.input(f"J{r}", line.benchmark if line else None, "amount")
        s.input(f"K{r}", line.sca_rate if line else None, "amount")
        s.input(f"L{r}", line.qpa if line else None, "amount")
        for m in METHOD_NAMES:
            s.formula(f"{METHOD_COLUMN[m]}{r}", _allowed(m, r), "amount", f"line.{i + 1}.allowed.{m}")
        s.formula(
            f"Q{r}",
            f'=IF($B{r}="","",INDEX($M{r}:$P{r},MATCH(LikelyMethod,{hdr},0)))',
            "amount",
            f"line.{i + 1}.likely",
        )
        s.formula(
            f"R{r}", f'=IF(OR($B{r}="",$L{r}=""),"",MIN($L{r},$E{r}))', "amount", f"line.{i + 1}.recognized"
        )
        s.formula(f"S{r}", _target(r, hdr), "amount", f"line.{i + 1}.target")
    layout = LinesLayout(FIRST, last, total)
    s.text(f"A{total}", "Total", "oon label")
    s.formula(f"E{total}", f"=SUM(E{FIRST}:E{last})", "amount", "total.billed")
    s.define("BilledTotal", f"E{total}")
    totals: dict[str, tuple[str, str | None]] = {
        "H": ("total.medicare", "MedicareTotal"),
        "L": ("total.qpa", "QPATotal"),
    }
    totals.update({METHOD_COLUMN[m]: (f"total.allowed.{m}", None) for m in METHOD_NAMES})
    totals.update({"Q": ("total.likely", None), "R": ("total.recognized", "RecognizedTotal")})
    totals["S"] = ("total.target", "TargetTotal")
    for col, (key, name) in totals.items():
        rng = f"{col}{FIRST}:{col}{last}"
        s.formula(f"{col}{total}", f'=IF(COUNT({rng})<CaseLines,"",SUM({rng}))', "amount", key)
        if name:
            s.define(name, f"{col}{total}")
    widths = {"A": 6, "B": 9, "C": 9, "D": 6, "E": 12, "F": 12, "G": 10, "H": 12, "I": 44}
    widths.update({get_column_letter(c): 13 for c in range(10, 20)})
    s.widths(**widths)
    s.ws.freeze_panes = f"C{FIRST}"
    return layout
