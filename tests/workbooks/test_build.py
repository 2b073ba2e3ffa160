"""Building a set: outside text stays text, bad inputs write nothing, files appear whole or not at all."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from udfs.errors import FileError
from udfs.reference import template_path
from workbooks.build import build_set, safe_file_name
from workbooks.payer_workbook import SHEETS

DEMO = template_path("demo/claims.csv").parent
AS_OF = dt.date(2026, 2, 20)
INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def write_claims(path: Path, notes: list[str]) -> Path:
    head = "claim_id,payer,date_of_service,hcpcs,billed,initial_paid,payment_date,patient_ref,notes\n"
    rows = [
        f'X{i},summit-health,2025-10-0{i + 1},27447,22000,1400,2025-11-0{i + 1},"{n.replace(chr(34), 2 * chr(34))}","{n.replace(chr(34), 2 * chr(34))}"\n'
        for i, n in enumerate(notes)
    ]
    path.write_text(head + "".join(rows))
    return path


def test_formula_like_text_is_written_as_text(tmp_path):
    claims = write_claims(tmp_path / "claims.csv", INJECTIONS)
    result = build_set(claims, tmp_path / "out", as_of=AS_OF)
    path = result.workbooks["summit-health"]
    wb = openpyxl.load_workbook(path)
    ws = wb["Claims"]
    headers = [c.value for c in ws[1]]
    notes_col, patient_col = headers.index("Notes") + 1, headers.index("Patient ref") + 1
    for row, text in enumerate(INJECTIONS, start=2):
        for col in (notes_col, patient_col):
            cell = ws.cell(row, col)
            assert cell.value == text and cell.data_type == "s", (row, col, cell.value, cell.data_type)
            if text.startswith("="):
                assert cell.quotePrefix, "editing the cell in Excel must keep it text"
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    assert "HYPERLINK" not in sheet.split("<f>")[0] or "<f>HYPERLINK" not in sheet
    assert "cmd|" not in "".join(part.split("</f>")[0] for part in sheet.split("<f>")[1:])


@pytest.mark.libreoffice
def test_injected_text_survives_recalculation_as_text(tmp_path, recalc):
    claims = write_claims(tmp_path / "claims.csv", INJECTIONS)
    result = build_set(claims, tmp_path / "out", as_of=AS_OF)
    [out] = recalc([result.workbooks["summit-health"]])
    ws = openpyxl.load_workbook(out, data_only=True)["Claims"]
    headers = [c.value for c in ws[1]]
    assert [ws.cell(r, headers.index("Notes") + 1).value for r in range(2, 2 + len(INJECTIONS))] == INJECTIONS


def test_bad_inputs_list_every_problem_and_write_nothing(tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\nA1,summit-health,2025-10-01,27447,abc\nA2,summit-health,,99285,10\n"
    )
    log = tmp_path / "log.csv"
    log.write_text("claim_id,date,stage\nZZ9,2025-12-01,Appeal to the moon\n")
    payers = tmp_path / "payers"
    payers.mkdir()
    (payers / "bad.yaml").write_text("id: bad\nname: Bad\nmethod: Guesswork\nfactor: -1\n")
    out = tmp_path / "out"
    with pytest.raises(FileError) as err:
        build_set(claims, out, payers, AS_OF, log)
    lines = str(err.value).splitlines()
    assert (
        "bad.yaml:3: method: 'Guesswork' is not one of Percent of Medicare, Charge percentile, Percent of billed, Flat rate"
        in lines
    )
    assert "bad.yaml:4: factor: -1 is not a number >= 0" in lines
    assert "claims.csv:2: billed: 'abc' is not an amount" in lines
    assert "claims.csv:3: date_of_service: empty" in lines
    assert any(line.startswith("log.csv:2: stage: 'Appeal to the moon' is not one of") for line in lines)
    assert not out.exists()


def test_a_failed_save_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    claims = write_claims(tmp_path / "claims.csv", ["note"])
    out = tmp_path / "out"
    first = build_set(claims, out, as_of=AS_OF)
    before = first.workbooks["summit-health"].read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    real_save = openpyxl.Workbook.save

    def half_save(self, target):
        real_save(self, tmp_path / "discarded.xlsx")  # closes the write-only streams
        if hasattr(target, "write"):
            target.write(b"PK half")  # then the disk fills up mid-file
        else:
            Path(target).write_bytes(b"PK half")
        broken()

    monkeypatch.setattr(openpyxl.Workbook, "save", half_save)
    with pytest.raises(OSError, match="disk full"):
        build_set(claims, out, as_of=dt.date(2026, 3, 1))
    assert first.workbooks["summit-health"].read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["portfolio.xlsx", "summit-health.xlsx"]


def test_with_udfs_adds_the_xlwings_configuration_sheet(tmp_path):
    claims = write_claims(tmp_path / "claims.csv", ["note"])
    result = build_set(claims, tmp_path / "out", as_of=AS_OF, with_udfs=True)
    wb = openpyxl.load_workbook(result.workbooks["summit-health"])
    assert wb.sheetnames == [*SHEETS, "xlwings.conf"]
    assert (wb["xlwings.conf"]["A1"].value, wb["xlwings.conf"]["B1"].value) == (
        "UDF Modules",
        "addin.functions",
    )


def test_file_names_are_sanitised():
    assert safe_file_name("../../etc/passwd") == "etc-passwd"
    assert safe_file_name("Keystone Mutual / PPO: NJ") == "Keystone-Mutual-PPO-NJ"
    assert safe_file_name("???") == "payer"


def test_protection_locks_formulas_not_inputs(tmp_path):
    claims = write_claims(tmp_path / "claims.csv", ["note"])
    result = build_set(claims, tmp_path / "out", as_of=AS_OF)
    ws = openpyxl.load_workbook(result.workbooks["summit-health"])["Claims"]
    headers = [c.value for c in ws[1]]
    assert ws.protection.sheet
    assert ws.cell(2, headers.index("Billed") + 1).protection.locked is False
    assert ws.cell(2, headers.index("Gap") + 1).protection.locked is True
    assert ws.cell(40, headers.index("Claim ID") + 1).protection.locked is False  # spare rows take new claims


def test_demo_sheets_and_names(tmp_path):
    result = build_set(DEMO / "claims.csv", tmp_path, None, AS_OF, DEMO / "log.csv", DEMO / "benchmark.csv")
    assert sorted(result.workbooks) == [
        "harbor-advantage",
        "keystone-mutual",
        "northwind-trust",
        "summit-health",
    ]
    wb = openpyxl.load_workbook(result.workbooks["keystone-mutual"])
    assert wb.sheetnames == SHEETS and wb["Lists"].sheet_state == "hidden"
    assert {"Method", "Factor", "AsOfDate", "Holidays", "ClaimIDs", "Stages"} <= set(wb.defined_names)
    assert wb["Assumptions"]["B5"].value == "Charge percentile"


def test_control_characters_in_outside_text_do_not_break_the_workbook(tmp_path):
    # XML 1.0 cannot hold most control characters; they are written as Excel writes them (_xHHHH_).
    claims = tmp_path / "claims.csv"
    claims.write_text(
        'claim_id,payer,date_of_service,hcpcs,billed,notes\nA1,summit-health,2025-10-01,27447,100,"bell\x07 tab\x0bend"\n'
    )
    result = build_set(claims, tmp_path / "out", as_of=AS_OF)
    ws = openpyxl.load_workbook(result.workbooks["summit-health"])["Claims"]
    headers = [c.value for c in ws[1]]
    assert ws.cell(2, headers.index("Notes") + 1).value == "bell_x0007_ tab_x000B_end"


def test_a_year_without_gpcis_leaves_medicare_empty_with_a_note_and_bad_localities_are_listed(tmp_path):
    # No CY2026 GPCIs are embedded (templates/fees/README.md): a 2026 line in CA-18 is built with an empty
    # Medicare amount and the reason; a locality that is not an id, or not a 2025 locality, is a file problem.
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,locality\n"
        "A1,summit-health,2026-03-02,27447,22000,CA-18\n"
        "A2,summit-health,2025-10-01,27447,22000,ca 18\n"
    )
    result = build_set(claims, tmp_path / "out", as_of=AS_OF)
    ws = openpyxl.load_workbook(result.workbooks["summit-health"])["Claims"]
    headers = [c.value for c in ws[1]]
    medicare, note = headers.index("Medicare") + 1, headers.index("Medicare note") + 1
    assert ws.cell(2, medicare).value is None
    assert ws.cell(2, note).value.startswith("no 2026 GPCIs in oonkit for the locality")
    assert ws.cell(3, medicare).value == pytest.approx(
        1340.3613, abs=1e-4
    )  # CA-18 2025, README's oonkit price
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,locality\n"
        "A1,summit-health,2025-03-02,27447,22000,Los Angeles\n"
        "A2,summit-health,2025-10-01,27447,22000,CA-99\n"
    )
    with pytest.raises(FileError) as err:
        build_set(bad, tmp_path / "out2", as_of=AS_OF)
    assert str(err.value).splitlines() == [
        "bad.csv:2: locality: 'Los Angeles' is not a locality id such as CA-18",
        "bad.csv:3: locality: 'CA-99' is not a 2025 Medicare locality",
    ]


def test_each_payer_without_a_profile_gets_its_own_workbook_under_its_name(tmp_path):
    """Payers no profile answers to are priced by the default profile (100% of Medicare) but are not merged:
    "Aetna" and "aetna " are one payer, "Cigna" another, each with its own workbook and portfolio row."""
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\n"
        "A1,Aetna,2025-03-01,27447,5000\n"
        "A2,aetna ,2025-03-02,27447,5000\n"
        "C1,Cigna,2025-03-01,27447,6000\n"
        "S1,Summit Health Plan,2025-03-01,27447,5000\n"
    )
    result = build_set(claims, tmp_path / "out", as_of=AS_OF)
    assert {p.name for p in result.workbooks.values()} == {"aetna.xlsx", "cigna.xlsx", "summit-health.xlsx"}
    assert result.unprofiled == ["Aetna", "Cigna"]
    assert list(result.summary["payer"]) == ["Aetna", "Cigna", "Summit Health Plan"]
    wb = openpyxl.load_workbook(result.workbooks["aetna"])
    labels = {r[0]: r[1] for r in wb["Payer"].iter_rows(min_row=1, max_row=40, max_col=2, values_only=True)}
    assert labels["Payer id"] == "aetna"
    assert [c.value for c in wb["Claims"]["A"][1:3]] == ["A1", "A2"]
    assert "Percent of Medicare" in labels.values()  # the default profile's method, 100% of Medicare


def test_update_adds_claims_of_unprofiled_payers_to_a_workbook_of_every_such_payer(tmp_path):
    """Builds before 2026-11-23 put every payer without a profile into one workbook whose payer id is
    ``_default``; ``oonkit update --claims`` still adds those payers' new lines to it."""
    from udfs.payers import load_profiles
    from workbooks.build import prepare
    from workbooks.log_file import empty_log
    from workbooks.payer_workbook import build_payer_workbook
    from workbooks.update import update_workbook

    head = "claim_id,payer,date_of_service,hcpcs,billed\n"
    first = tmp_path / "first.csv"
    first.write_text(head + "A1,Aetna,2025-03-01,27447,5000\nC1,Cigna,2025-03-01,27447,6000\n")
    lines, _, _ = prepare(first)
    book = build_payer_workbook(
        tmp_path / "other-payers.xlsx", load_profiles()["_default"], lines, empty_log(), AS_OF
    )
    more = tmp_path / "more.csv"
    more.write_text(head + "A2,Aetna,2025-04-01,27447,5000\nS1,Summit Health Plan,2025-04-01,27447,5000\n")
    report = update_workbook(book, claims=more)
    assert [v["claim_id"] for v in report.plan.new_lines] == ["A2"]  # not Summit's: it has a profile


def test_a_payer_named_portfolio_does_not_lose_its_workbook(tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text("claim_id,payer,date_of_service,hcpcs,billed\nP1,Portfolio,2025-03-01,27447,5000\n")
    result = build_set(claims, tmp_path / "out", as_of=AS_OF)
    assert result.workbooks["portfolio"].name == "portfolio-2.xlsx"
    assert result.portfolio.name == "portfolio.xlsx" and result.workbooks["portfolio"].exists()
