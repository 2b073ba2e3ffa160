"""``oonkit case [CASE_FILE] --out case.xlsx``: the case economics workbook of one out-of-network case (pre-service
estimate, escalation paths, IDR decision), from a case file or, without one, from the worked example."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from udfs.money import round_cents
from udfs.reference import template_path
from workbooks.case_expected import expected
from workbooks.case_file import EXAMPLE, read_case
from workbooks.case_source import form_rows, load_case_source
from workbooks.case_workbook import build_case_workbook
from workbooks.saving import Outputs, save


def register(sub: Any) -> None:
    p = sub.add_parser(
        "case",
        help="case economics workbook: pre-service estimate, escalation paths and the IDR decision for one case",
        description=(
            "Build the case economics workbook of one out-of-network case from CASE_FILE (YAML or the one-sheet "
            "XLSX form; README, 'The case file'), or of the worked example without one. Exit status: 0 written; 1 the case "
            "file has problems (each listed as file:line: field: message; nothing written); 2 bad arguments."
        ),
    )
    p.add_argument("case_file", nargs="?", type=Path, metavar="CASE_FILE", help="case file (.yaml or .xlsx)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("case.xlsx"),
        metavar="FILE",
        help="workbook to write (default case.xlsx)",
    )
    p.add_argument(
        "--write-form",
        type=Path,
        metavar="FILE",
        help="write the case (or the worked example) as the one-sheet XLSX form to fill in, and stop",
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.set_defaults(func=run)


def _money(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(round_cents(x))


def _write_form(source: Path | None, out: Path, outputs: Outputs) -> None:
    import openpyxl

    path = source or template_path(EXAMPLE)
    data, _, _ = load_case_source(path)
    read_case(source)  # a form is only written from a valid case
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Case"
    for row in form_rows(data):
        ws.append(row)
    for cell in ws["B"]:
        if hasattr(cell.value, "year"):
            cell.number_format = "yyyy-mm-dd"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40
    with outputs.transaction():
        save(wb, out)


def run(args: argparse.Namespace) -> int:
    outputs = Outputs("case", {args.case_file: "case file"})
    if args.write_form is not None:
        outputs.check(args.write_form, "--write-form")
        _write_form(args.case_file, args.write_form, outputs)
        print(
            f"Wrote the case form {args.write_form}{_replaced(outputs)}: fill in column B and the lines and stages "
            "tables."
        )
        return 0
    outputs.check(args.out, "--out")
    case = read_case(args.case_file)
    with outputs.transaction():
        book = build_case_workbook(case, args.out)
    e = expected(case)
    summary = {
        "workbook": str(book.path),
        "case": case.name,
        "deposit": _money(e["est.deposit"]),
        "expected_allowed": _money(e["est.allowed"]),
        "gap": _money(e["esc.gap"]),
        "best_path": e["best.label"],
        "best_npv": _money(e["best.npv"]),
        "idr_expected_gain": _money(e["idr.gain"]),
        "idr_break_even": None if math.isnan(e["idr.break_even"]) else round(e["idr.break_even"], 4),
        "idr_available": case.nsa,
        "replaced": [
            {"path": str(r.path), "backup": str(r.backup) if r.backup else None} for r in outputs.replaced
        ],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"Wrote {book.path}{_replaced(outputs)}: {case.name} ({len(case.lines)} lines, {case.payer_name}).")
    print(f"  deposit to collect      ${summary['deposit']:,.2f}")
    print(f"  expected allowed        ${summary['expected_allowed']:,.2f}  ({case.method})")
    if summary["best_npv"] is not None:
        print(f"  best path               {summary['best_path']}: NPV ${summary['best_npv']:,.2f}")
    be = summary["idr_break_even"]
    note = "" if case.nsa else " (NSA does not apply: IDR not available)"
    if be is not None and summary["idr_expected_gain"] is not None:
        print(
            f"  IDR break-even win      {100 * be:.1f}%  (expected net gain ${summary['idr_expected_gain']:,.2f}){note}"
        )
    else:
        print(f"  IDR                     no figures (a QPA for every line is needed){note}")
    print("Open it in Excel or LibreOffice: change any yellow cell and the figures follow.", file=sys.stderr)
    return 0


def _replaced(outputs: Outputs) -> str:
    """`` (replaced the previous file)`` when the command replaced one, else nothing."""
    return "".join(f" ({r.describe()})" for r in outputs.replaced)
