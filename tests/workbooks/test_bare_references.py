"""No formula of the case workbook or the remit report returns a bare reference to a cell that may be empty.

Excel shows ``=IDRWin`` with IDRWin cleared as 0; LibreOffice gives an empty result (it tests equal to "" and is
not a number, though the .xlsx it saves stores 0, so the LibreOffice parity tests cannot see the difference).
Every formula of the generated workbooks is walked with :func:`tests.xlsx_bare_refs.bare_references`; the
checker itself is tested on a small workbook of formulas it must flag and formulas it must accept.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import yaml
from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table

from remits.reader import read_835, read_remits
from remits.synthetic import synthetic_835
from remits.underpayment import find_underpayments
from tests.workbooks.test_case_parity import SEEDS, generated_case
from tests.workbooks.test_remit_report import AS_OF, DEMO, PROFILES, demo_result, tricky_result
from tests.xlsx_bare_refs import bare_references
from udfs.reference import template_path
from workbooks.build import build_set
from workbooks.case_file import read_case
from workbooks.case_workbook import build_case_workbook
from workbooks.remit_report import build_remit_report


def test_payer_workbooks_return_no_bare_input(tmp_path):
    """The demo set: every payer workbook and the portfolio (a stage left empty on a log entry shows as empty
    in both engines, not as 0 in Excel)."""
    demo = template_path("demo/claims.csv").parent
    result = build_set(
        demo / "claims.csv",
        tmp_path,
        None,
        dt.date(2026, 2, 20),
        demo / "log.csv",
        template_path("demo/benchmark.csv"),
    )
    books = [*result.workbooks.values(), result.portfolio]
    found = [f"{path.name}: {line}" for path in books for line in bare_references(path)]
    assert not found, "\n".join(found[:20])


def test_case_workbooks_return_no_bare_input(tmp_path):
    """The worked example and the generated cases of the parity test (linked IDR stages at every position,
    NSA on and off, entity fee typed or a default formula)."""
    books = [build_case_workbook(read_case(), tmp_path / "example.xlsx").path]
    for seed in SEEDS:
        path = tmp_path / f"case-{seed}.yaml"
        path.write_text(yaml.safe_dump(generated_case(seed), sort_keys=False))
        books.append(build_case_workbook(read_case(path), tmp_path / f"case-{seed}.xlsx").path)
    found = [f"{path.name}: {line}" for path in books for line in bare_references(path)]
    assert not found, "\n".join(found[:20])


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(demo_result, id="demo-priced"),
        pytest.param(
            lambda: find_underpayments(
                read_remits(sorted((DEMO / "remits").glob("*.835"))), PROFILES, as_of=AS_OF
            ),
            id="demo-unpriced",
        ),
        pytest.param(tricky_result, id="formula-like-text"),
        pytest.param(
            lambda: find_underpayments(
                read_835(synthetic_835(claims=40, seed=3), "s.835"), PROFILES, as_of=AS_OF
            ),
            id="synthetic",
        ),
    ],
)
def test_remit_reports_return_no_bare_reference(tmp_path, result):
    path = build_remit_report(result(), tmp_path / "report.xlsx", PROFILES)
    assert bare_references(path) == []


# --- the checker itself: IDR!B2 is an input (unlocked on a protected sheet), B3 a locked constant, B4 a locked
# formula, B5 never written, B6 an input holding a default formula; T is a table whose Stage column is typed
FLAGGED = {
    "direct": "=Win",
    "sheet reference": "=IDR!B2",
    "absolute, parenthesised, unary plus": "=+($B$2)",
    "cell never written": "=B5",
    "input with a default formula": "=B6",
    "IF branch": '=IF(B3>0,Win,"")',
    "IF guarded on another cell": '=IF(B3="","",Win)',
    "AND guards only the true branch": '=IF(AND(Win="",B3=""),"",Win)',
    "IFERROR": '=IFERROR(Win,"")',
    "nested IF in IFERROR": '=IFERROR(IF(B3>0,"",B2),0)',
    "CHOOSE": "=CHOOSE(2,B3,B2)",
    "INDEX over inputs": "=INDEX(B2:B4,1)",
    "INDEX of a name": "=INDEX(Inputs,2)",
    "VLOOKUP": "=VLOOKUP(1,A2:B3,2,FALSE)",
    "lookup in a table column": '=IFERROR(INDEX(T[Stage],MATCH(1,T[Seq],0)),"")',
    "OFFSET": "=OFFSET(B3,-1,0)",
    "_xlfn.IFNA": "=_xlfn.IFNA(Win,0)",
}
ACCEPTED = {
    "N()": "=N(Win)",
    'text: &""': '=Win&""',
    "arithmetic": "=Win*1",
    'guarded by x=""': '=IF(Win="","",Win)',
    'guarded by x<>""': '=IF(Win<>"",Win,0)',
    "guarded by OR": '=IF(OR(B3="",Win=""),"",Win)',
    "guarded by AND of <>": '=IF(AND(B3<>"",Win<>""),Win,"")',
    "guarded by NOT": '=IF(NOT(Win=""),Win,"")',
    "guarded by ISBLANK": "=IF(ISBLANK(Win),0,Win)",
    "guarded by ISNUMBER": '=IF(ISNUMBER(Win),Win,"")',
    "guarded lookup": '=IF(INDEX(B2:B4,1)="","",INDEX(B2:B4,1))',
    "locked constant": "=B3",
    "locked formula": "=B4",
    "INDEX over locked cells": "=INDEX(B3:B4,2)",
    "lookup in a computed table column": "=INDEX(T[Seq],1)",
    "aggregate": "=SUM(B2:B6)",
    "MIN of one input": "=MIN(Win)",
    "condition only": '=IF(Win>0,"yes","no")',
    "constant name": "=Version",
    "text literal": '="=B2"',
}


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> dict[str, list[str]]:
    """Every case of FLAGGED and ACCEPTED in one workbook: formula text -> what the checker says."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "IDR"
    ws["A2"], ws["A3"] = 1, 2
    ws["B2"], ws["B3"], ws["B4"], ws["B6"] = 0.7, 115, "=B3*2", "=B3/1000"
    for ref in ("B2", "B6"):
        ws[ref].protection = Protection(locked=False)
    ws.protection.sheet = True
    wb.defined_names["Win"] = DefinedName("Win", attr_text="IDR!$B$2")
    wb.defined_names["Inputs"] = DefinedName("Inputs", attr_text="IDR!$B$2:$B$4")
    wb.defined_names["Version"] = DefinedName("Version", attr_text="1")
    ws["D1"], ws["E1"] = "Seq", "Stage"
    for r in (2, 3):
        ws[f"D{r}"], ws[f"E{r}"] = "=ROW()-1", "Appeal"
        ws[f"E{r}"].protection = Protection(locked=False)
    ws.add_table(Table(displayName="T", ref="D1:E3"))
    ws["F2"] = "=T[[#This Row],[Stage]]"  # the Stage of its own row: an input
    ws["F3"] = '=T[[#This Row],[Stage]]&""'
    cases = {**FLAGGED, **ACCEPTED}
    for i, formula in enumerate(cases.values(), start=1):
        ws.cell(i, 8).value = formula  # column H, below nothing the probes refer to
    path = tmp_path_factory.mktemp("probes") / "probes.xlsx"
    wb.save(path)
    said: dict[str, list[str]] = {formula: [] for formula in cases.values()}
    for line in bare_references(path):
        where, formula = line.split(" ", 1)[0], line.split(" ", 1)[1].split(": ")[0]
        if where.startswith("IDR!H"):
            said[formula].append(line)
        else:
            said.setdefault(f"{where} {formula}", []).append(line)
    return said


@pytest.mark.parametrize("formula", FLAGGED.values(), ids=FLAGGED.keys())
def test_checker_flags(probes, formula):
    assert probes[formula], f"{formula} should be reported"


@pytest.mark.parametrize("formula", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_checker_accepts(probes, formula):
    assert not probes[formula], probes[formula]


def test_checker_reads_this_row_in_the_formulas_row(probes):
    assert probes.get("IDR!F2 =T[[#This Row],[Stage]]") and not probes.get(
        'IDR!F3 =T[[#This Row],[Stage]]&""'
    )
