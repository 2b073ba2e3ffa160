"""``oonkit update`` on workbooks a spreadsheet program saved, and recalculated by one afterwards.

* A workbook re-saved by LibreOffice (shared strings, its own part names and attributes, cached values, no
  calculated-column formulas in the table parts) is updated, and every part the update does not need to
  change keeps its bytes.
* An extension block of the kind Excel 2010+ writes for cross-sheet drop-downs (``x14:dataValidations``),
  which openpyxl drops on a round trip, survives byte for byte; when the table grows only its
  ``xm:sqref`` follows.
* LibreOffice recalculates the updated workbooks (grown tables included) to the values ``workbooks.expected``
  computes from the updated inputs: the parity check of ``test_parity.py``, on the workbook after the update.
"""

from __future__ import annotations

import re
import shutil

import openpyxl
import pandas as pd
import pytest

from tests.libreoffice import recalculate
from udfs.payers import load_profiles
from workbooks.analytics import overall_formulas
from workbooks.expected import compute
from workbooks.update import update_workbook

from .test_parity import CLAIMS_COLUMNS, DEADLINE_COLUMNS, LOG_COLUMNS, compare, same, table_rows
from .test_update_support import AS_OF, PROFILE, make_case, parts, table_frame

pytestmark = pytest.mark.libreoffice

X14_NS = (
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"'
)


def x14_block(sqref: str) -> bytes:
    """A cross-sheet drop-down as Excel 2010+ stores it (ECMA-376 extension list, MS-XLSX 2.6.x)."""
    return (
        f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" {X14_NS}><x14:dataValidations count="1" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" '
        'allowBlank="1" showErrorMessage="1"><x14:formula1><xm:f>Lists!$F$2:$F$8</xm:f></x14:formula1>'
        f"<xm:sqref>{sqref}</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
    ).encode()


def add_x14(path, part: str, sqref: str) -> bytes:
    data = parts(path)
    block = x14_block(sqref)
    data[part] = data[part].replace(b"</worksheet>", block + b"</worksheet>")
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in data.items():
            z.writestr(k, v)
    return block


@pytest.fixture(scope="module")
def resaved(tmp_path_factory):
    """A case workbook re-saved by LibreOffice, before and after an update that grows every table."""
    root = tmp_path_factory.mktemp("resaved")
    case = make_case(root / "case", seed=2, claims=300, keep_every=2)
    out = recalculate([case.workbook], root / "lo")[0]
    shutil.copy(out, case.workbook)
    before = parts(case.workbook)
    report = update_workbook(case.workbook, [case.remit_path])
    return case, before, report


def test_a_libreoffice_workbook_keeps_every_part_the_update_does_not_need(resaved):
    case, before, report = resaved
    after = parts(case.workbook)
    assert report.extended.keys() == {"claims", "log", "deadlines"}
    assert "xl/sharedStrings.xml" in before and "docProps/custom.xml" in before  # LibreOffice's own parts
    changed = {n for n in before if after.get(n) != before[n]}
    sheets = {"xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"}
    tables = {"xl/tables/table1.xml", "xl/tables/table2.xml", "xl/tables/table3.xml"}
    assert changed <= sheets | tables | {
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    assert set(after) - set(before) == {"xl/worksheets/sheet10.xml"}
    wb_xml = after["xl/workbook.xml"]
    assert b'fullCalcOnLoad="1"' in wb_xml
    assert re.sub(
        rb"<calcPr[^>]*>|<sheet [^>]*Remit imports[^>]*/>|<definedName[^>]*(ClaimIDs|oonkit_remit)[^<]*</definedName>",
        b"",
        wb_xml,
    ) == re.sub(
        rb"<calcPr[^>]*>|<definedName[^>]*ClaimIDs[^<]*</definedName>", b"", before["xl/workbook.xml"]
    )


def test_a_libreoffice_workbook_gets_the_remit_values(resaved):
    case, _, report = resaved
    claims = table_frame(case.workbook, "claims")
    left_out = claims[claims["claim_id"].isin(case.left_out)]
    assert len(left_out) == len(report.plan.new_lines)
    paid = case.remit.claims.set_index("patient_control_number")["paid"]
    by_claim = claims.groupby("claim_id")["initial_paid"].sum()
    for cid in set(claims["claim_id"]):
        assert by_claim[cid] == pytest.approx(paid[cid], abs=0.01)  # CLP04 = sum of its lines' SVC03


def test_an_excel_extension_block_survives_byte_for_byte(tmp_path):
    case = make_case(tmp_path, seed=5, claims=40)
    block = add_x14(case.workbook, "xl/worksheets/sheet2.xml", "AB2:AB91")
    payer_block = add_x14(case.workbook, "xl/worksheets/sheet5.xml", "B20:B21")
    with pytest.warns(UserWarning, match="extension is not supported and will be removed"):
        openpyxl.load_workbook(case.workbook)  # what an openpyxl round trip would lose
    update_workbook(case.workbook, [case.remit_path])
    after = parts(case.workbook)
    assert after["xl/worksheets/sheet2.xml"].endswith(block + b"</worksheet>")
    assert after["xl/worksheets/sheet5.xml"].endswith(payer_block + b"</worksheet>")


def test_an_extension_block_follows_a_growing_table(tmp_path):
    case = make_case(tmp_path, seed=2, claims=300, keep_every=2)
    last = int(
        re.search(rb'<table [^>]*ref="A1:[A-Z]+(\d+)"', parts(case.workbook)["xl/tables/table1.xml"]).group(1)
    )
    block = add_x14(case.workbook, "xl/worksheets/sheet2.xml", f"AB2:AB{last}")
    report = update_workbook(case.workbook, [case.remit_path])
    new_last = last + report.extended["claims"]
    tail = parts(case.workbook)["xl/worksheets/sheet2.xml"].rsplit(b"<extLst>", 1)[1]
    assert (
        b"<extLst>" + tail
        == block.replace(f"AB2:AB{last}".encode(), f"AB2:AB{new_last}".encode()) + b"</worksheet>"
    )


def expected_inputs(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    claims = table_frame(path, "claims")
    log = table_frame(path, "log")
    for col in ("date_of_service", "payment_date"):
        claims[col] = pd.to_datetime(claims[col])
    return claims, log


def test_libreoffice_recalculates_updated_workbooks_to_the_python_values(resaved, tmp_path):
    case, _, _ = resaved
    built = make_case(tmp_path / "built", seed=2, claims=300, keep_every=2)
    update_workbook(built.workbook, [built.remit_path])
    renamed = tmp_path / "built-updated.xlsx"
    shutil.copy(built.workbook, renamed)
    lo_updated = tmp_path / "resaved-updated.xlsx"
    shutil.copy(case.workbook, lo_updated)
    recalculated = recalculate([renamed, lo_updated], tmp_path / "recalculated")
    profile = load_profiles()[PROFILE]
    problems, checked = [], 0
    for source, result in zip([renamed, lo_updated], recalculated, strict=True):
        claims, log = expected_inputs(source)
        e = compute(claims, log, profile, AS_OF)
        wb = openpyxl.load_workbook(result, data_only=True)
        key = source.name
        problems += compare(
            table_rows(wb["Claims"], len(e.claims)), e.claims, CLAIMS_COLUMNS, f"{key} Claims"
        )
        problems += compare(table_rows(wb["Escalation log"], len(e.log)), e.log, LOG_COLUMNS, f"{key} Log")
        problems += compare(
            table_rows(wb["Deadlines"], len(e.deadlines)), e.deadlines, DEADLINE_COLUMNS, f"{key} Deadlines"
        )
        values = {r[0]: r[1] for r in wb["Payer"].iter_rows(values_only=True) if r and isinstance(r[0], str)}
        for label, _, type_ in overall_formulas():
            if not same(values[label], e.overall[label], "amount" if type_ == "amount" else "ratio"):
                problems.append(f"{key} Payer {label}: {values[label]!r} vs {e.overall[label]!r}")
        checked += (
            len(e.claims) * len(CLAIMS_COLUMNS) + len(e.deadlines) * len(DEADLINE_COLUMNS) + len(e.log) * 2
        )
        assert len(e.claims) > 700 and len(e.log) >= 300  # the grown tables are part of the check
    assert not problems, f"{len(problems)} of {checked} cells differ:\n" + "\n".join(problems[:40])
