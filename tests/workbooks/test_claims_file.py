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
        "claims.csv:3: date_of_service: '2025-13-40' is not a date",
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
