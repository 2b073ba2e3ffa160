"""``oonkit remit ... --out report.xlsx``: the report, underpayments.csv beside the other tables, every bad
input refused with nothing written, and the demo remits the project ships."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from oonkit.cli import main
from remits.reader import read_remits
from remits.synthetic import demo_remits
from remits.underpayment import find_underpayments
from udfs.reference import template_path
from workbooks.saving import decrypt, is_encrypted

from .conftest import CORRECTED, DATA

DEMO = template_path("demo/claims.csv").parent
REMITS = sorted(str(p) for p in (DEMO / "remits").glob("*.835"))
DEMO_ARGS = [
    *REMITS,
    "--claims",
    str(DEMO / "claims.csv"),
    "--benchmark",
    str(DEMO / "benchmark.csv"),
    "--as-of",
    "2026-02-20",
]


def test_the_shipped_demo_remits_are_what_the_generator_makes():
    # regenerate with remits.synthetic.write_demo_remits("templates/demo/remits")
    made = demo_remits()
    assert sorted(made) == sorted(Path(p).name for p in REMITS)
    for name, data in made.items():
        assert (DEMO / "remits" / name).read_bytes() == data, name


def test_demo_remits_match_the_demo_claims():
    remit = read_remits(REMITS)
    claims = pd.read_csv(DEMO / "claims.csv", dtype=str, keep_default_na=False)
    counted = remit.claims[remit.claims["status"] != "22"].drop_duplicates("patient_control_number")
    assert sorted(counted["patient_control_number"]) == sorted(claims["claim_id"].unique())
    paid = remit.lines.merge(remit.claims[["claim_id", "patient_control_number", "status"]], on="claim_id")
    first = paid[paid["status"] != "22"].drop_duplicates(["patient_control_number", "line_number"])
    want = claims.assign(paid=claims["initial_paid"].astype(float), billed=claims["billed"].astype(float))
    got = first.set_index(["patient_control_number", "line_number"])
    for row in want.itertuples():
        line = got.loc[(row.claim_id, int(row.line))]
        assert (line["charge"], line["paid"], line["procedure_code"]) == (row.billed, row.paid, row.hcpcs)


def test_report_and_csv(tmp_path, capsys):
    out, tables = tmp_path / "report.xlsx", tmp_path / "tables"
    assert main(["remit", *DEMO_ARGS, "--out", str(out), "--csv", str(tables)]) == 0
    printed = capsys.readouterr().out
    assert "underpayments as of 2026-02-20:" in printed
    assert f"report written to {out}" in printed
    # Northwind: 4 lines at 30% of billed, 18,150.00 short, and a denial of 1,260.00 (30% of 4,200)
    assert (
        "Northwind Employee Benefit Trust      5  17,400.00  36,810.00  19,410.00          4       1"
        in printed
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Lines", "Claims", "Reversals", "Imbalances", "Guide"]
    csv = pd.read_csv(tables / "underpayments.csv", dtype=str, keep_default_na=False)
    assert len(csv) == 17 and csv["gap"].iloc[0] == "612.87"
    assert (tables / "lines.csv").exists()


def test_csv_alone_writes_the_reader_tables_only(tmp_path):
    tables = tmp_path / "tables"
    assert main(["remit", *REMITS, "--csv", str(tables)]) == 0
    assert not (tables / "underpayments.csv").exists()
    assert main(["remit", *REMITS, "--csv", str(tables), "--locality", "NJ-01"]) == 0
    assert (tables / "underpayments.csv").exists()


def test_bad_835_nothing_written(tmp_path, capsys):
    out = tmp_path / "report.xlsx"
    assert main(["remit", str(DATA / "managed-care.835"), *DEMO_ARGS[len(REMITS) :], "--out", str(out)]) == 1
    assert "segment 4: BPR16 payment date '20002316' is not a date" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_bad_claims_file_every_problem_listed_nothing_written(tmp_path, capsys):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,locality\n"
        'C1,summit-health,2025-10-14,21196,"12,O0",CA-18\n'
        "C2,summit-health,yesterday,21196,100,CA-18\n"
    )
    out = tmp_path / "report.xlsx"
    assert main(["remit", *REMITS, "--claims", str(claims), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "claims.csv:2: billed: '12,O0' is not an amount" in err
    assert "claims.csv:3: date_of_service: 'yesterday' is not a date" in err
    assert not out.exists()
    claims.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,locality\n"
        "C1,summit-health,2025-10-14,21196,100,CA-99\n"
        "C2,summit-health,2025-10-14,21196,100,nowhere\n"
    )
    assert main(["remit", *REMITS, "--claims", str(claims), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "claims.csv:2: locality: 'CA-99' is not a 2025 Medicare locality" in err
    assert "claims.csv:3: locality: 'nowhere' is not a locality id such as CA-18" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "report.csv"], "--out report.csv: the report is an Excel workbook: name it .xlsx"),
        (["--password"], "--password encrypts the report workbook: give --out REPORT.xlsx too"),
        (["--locality", "ZZ-01"], "--locality: ZZ-01 is not a Medicare locality in 2025"),
    ],
    ids=["not-xlsx", "password-without-out", "bad-locality"],
)
def test_bad_arguments(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["remit", *REMITS, *args]) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_password_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("OONKIT_PASSWORD", "s3cret remit")
    out = tmp_path / "report.xlsx"
    assert main(["remit", *DEMO_ARGS, "--out", str(out), "--password"]) == 0
    assert is_encrypted(out)
    assert b"Summit" not in out.read_bytes()  # nothing readable without the password
    plain = decrypt(out, "s3cret remit")
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        assert "xl/worksheets/sheet2.xml" in z.namelist()
    wb = openpyxl.load_workbook(io.BytesIO(plain))
    lines = wb["Lines"]
    assert lines["A3"].value == "Payer" and lines["B4"].value == "C4002"
    from udfs.errors import InputError

    with pytest.raises(InputError, match="the password does not open this workbook"):
        decrypt(out, "wrong")


def test_samples_classify_without_errors():
    # the shared samples (tests/remits/data): old dates (2002, 2005) and institutional claims: no fee schedule
    # for those years, so no expected amount, and the reasons say so; secondary and tertiary claims are
    # "other payer"
    files = [*sorted(CORRECTED.glob("*.835")), DATA / "medicare-part-a.835"]
    result = find_underpayments(read_remits(files))
    classes = result.lines.set_index("patient_control_number")["classification"]
    assert classes["0001000054"] == "other payer"  # tertiary-payment.835: CLP02 3
    assert classes["L0004828311"] == "other payer"  # secondary-payment.835: CLP02 2, no service lines
    # managed-care.835 claim 8765432112: PR-1 600.00 and paid 550.00 - CO-A2 55.00 at claim level = 495.00
    assert classes["8765432112"] == "patient responsibility"
    assert len(result.imbalances) == 0
