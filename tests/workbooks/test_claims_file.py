"""Reading a claims file: documented columns, every problem listed with file:line: column, text kept as text."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from udfs.errors import FileError
from udfs.reference import template_path
from workbooks.claims_file import column_specs, read_claims

HEADER = "claim_id,payer,date_of_service,hcpcs,billed,initial_paid,nsa,setting,notes\n"


def test_demo_file_reads_with_types():
    frame = read_claims(template_path("demo/claims.csv"))
    assert len(frame) == 15
    assert frame["billed"].dtype == float and frame["nsa"].dtype == bool
    assert str(frame["date_of_service"].dtype).startswith("datetime64")
    c1003 = frame[frame.claim_id == "C1003"].iloc[0]
    assert (c1003.nsa, c1003.qpa, c1003.hcpcs) == (True, 410.0, "99285")


def test_every_problem_listed_at_once(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(
        HEADER
        + "A1,summit-health,2025-10-14,27447,12,O0,0,N,facility,\n".replace("12,O0", '"12,O0"')
        + "A2,,2025-13-40,29881,9800,abc,maybe,office,\n"
        + "A3,summit-health,2025-11-03,,-5,0,Y,facility,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "claims.csv:2: billed: '12,O0' is not an amount",
        "claims.csv:3: payer: empty",
        "claims.csv:3: date_of_service: '2025-13-40' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "claims.csv:3: initial_paid: 'abc' is not an amount",
        "claims.csv:3: nsa: 'maybe' is not Y or N",
        "claims.csv:3: setting: 'office' is not one of facility, nonfacility",
        "claims.csv:4: hcpcs: empty",
        "claims.csv:4: billed: '-5' is negative",
    ]


def test_unknown_and_missing_columns(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("claim,payer,cpt,charge,colour\nA1,x,99285,100,red\n")
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:1: colour: unknown column (see README, 'Claims file columns')",
        "c.csv:1: date_of_service: required column missing",
    ]


def test_claim_level_fields_must_agree_and_lines_are_unique(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,line,payer,date_of_service,hcpcs,billed\n"
        "A1,1,summit-health,2025-10-14,21196,100\n"
        "A1,1,northwind-trust,2025-10-14,21194,100\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:3: line: duplicate of line 2 (A1 line 1)",
        "c.csv:3: payer: differs from the claim's first line (summit-health vs northwind-trust)",
    ]


def test_formula_like_text_stays_text_and_aliases_work(tmp_path):
    path = tmp_path / "c.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Claim #", "Payer", "DOS", "CPT", "Billed Charges", "Comments", "Coinsurance"])
    ws.append(
        [
            "A1",
            "Summit Health Plan",
            pd.Timestamp("2025-10-14").to_pydatetime(),
            27447,
            22000,
            "=HYPERLINK(1)",
            "30%",
        ]
    )
    ws["F2"].data_type = "s"
    wb.save(path)
    frame = read_claims(path)
    row = frame.iloc[0]
    assert (row.claim_id, row.hcpcs, row.notes, row.coinsurance, row.line) == (
        "A1",
        "27447",
        "=HYPERLINK(1)",
        0.3,
        1,
    )


def test_specs_document_every_column():
    for spec in column_specs():
        assert spec.description, spec.name


def test_dates_are_read_only_in_the_documented_forms(tmp_path):
    # YYYY-MM-DD (a time part ignored) and M/D/YYYY; no guessing of day-first or partial dates
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,payment_date\n"
        "A1,x,2025-10-14 00:00:00,99285,10,3/4/2025\n"
        "A2,x,31/12/2025,99285,10,\n"
        "A3,x,2025,99285,10,10/14\n"
        "A4,x,Oct 2025,99285,10,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:3: date_of_service: '31/12/2025' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "c.csv:4: date_of_service: '2025' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "c.csv:4: payment_date: '10/14' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "c.csv:5: date_of_service: 'Oct 2025' is not a date (YYYY-MM-DD or M/D/YYYY)",
    ]


def test_header_only_long_text_codes_without_zeros_and_shared_payer_claim_ids(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("claim_id,payer,date_of_service,hcpcs,billed\n")
    with pytest.raises(FileError, match="e.csv: no rows: the file has a header but no claim lines"):
        read_claims(empty)
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,payer_claim_id,notes\n"
        f"A1,x,2025-10-14,100,10,ICN1,{'n' * 40_000}\n"
        "A2,x,2025-10-14,99285,10,ICN1,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:2: notes: 40,000 characters: longer than the 32,767 an Excel cell holds"
    ]
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,payer_claim_id\n"
        "A1,x,2025-10-14,100,10,ICN1\n"
        "A2,x,2025-10-14,99285,10,ICN1\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:3: payer_claim_id: 'ICN1' is also the payer claim ID of claim A1 (line 2)"
    ]
    path.write_text("claim_id,payer,date_of_service,hcpcs,billed\nA1,x,2025-10-14,100,10\n")
    assert read_claims(path)["hcpcs"].tolist() == ["00100"]  # anesthesia code 00100 typed as a number
