"""``oonkit remit FILES... --csv DIR``: all tables or none, a summary, every bad file listed with exit 1."""

from __future__ import annotations

import pandas as pd

from oonkit.cli import main

from .conftest import CORRECTED, DATA

FILES = [str(CORRECTED / "managed-care.835"), str(DATA / "medicare-part-a.835")]
TABLES = ["payments", "claims", "lines", "adjustments", "remarks", "plb", "amounts", "imbalances"]


def test_csv_tables_and_summary(tmp_path, capsys) -> None:
    out = tmp_path / "tables"
    assert main(["remit", *FILES, "--csv", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    claims = pd.read_csv(out / "claims.csv", dtype=str, keep_default_na=False)
    required = [
        "payer_claim_id",
        "patient_control_number",
        "status",
        "billed",
        "paid",
        "patient_responsibility",
        "payer",
    ]
    assert list(claims.columns[:7]) == required
    # managed-care: CLP 800.00/450.00/300.00 and 1200.00/495.00/600.00;
    # medicare-part-a: 211366.97/138018.40 and 15000.00/11980.33, CLP05 absent
    assert claims[["patient_control_number", "billed", "paid", "patient_responsibility"]].values.tolist() == [
        ["5554555444", "800.00", "450.00", "300.00"],
        ["8765432112", "1200.00", "495.00", "600.00"],
        ["666123", "211366.97", "138018.40", "0.00"],
        ["777777", "15000.00", "11980.33", "0.00"],
    ]
    assert claims["payer"].tolist() == ["RUSHMORE LIFE"] * 2 + ["INSURANCE COMPANY OF TIMBUCKTU"] * 2
    payments = pd.read_csv(out / "payments.csv", dtype=str)
    assert payments["isa_control"].tolist() == ["000000907", "000000907"]  # leading zeros kept
    assert payments["payment_date"].tolist() == ["2002-03-16", "2002-09-13"]
    assert pd.read_csv(out / "plb.csv", dtype=str)["amount"].tolist() == ["-1.27"]
    assert pd.read_csv(out / "imbalances.csv").empty
    printed = capsys.readouterr().out
    # BPR02 945.00 + 150000.00; CLP04 450.00 + 495.00 + 138018.40 + 11980.33 = 150943.73
    for line in [
        "files: 2",
        "transactions: 2",
        "claims: 4 (0 reversals)",
        "service lines: 2",
        "total paid (BPR02, debits negative): 150,945.00",
        "claims paid (CLP04): 150,943.73",
        "imbalances found: 0",
    ]:
        assert line in printed


def test_imbalances_are_printed(tmp_path, capsys) -> None:
    bad = tmp_path / "unbalanced.835"
    bad.write_text((CORRECTED / "managed-care.835").read_text().replace("BPR*I*945.00", "BPR*I*940.00"))
    assert main(["remit", str(bad)]) == 0
    printed = capsys.readouterr().out
    assert "imbalances found: 1" in printed
    assert f"{bad}: segment 3: transaction 112233 (trace 7170066655): BPR02 says 940.00" in printed


def test_bad_files_listed_exit_1_nothing_written(tmp_path, capsys) -> None:
    out = tmp_path / "tables"
    code = main(
        ["remit", *FILES, str(DATA / "managed-care.835"), str(tmp_path / "nope.835"), "--csv", str(out)]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert f"{DATA / 'managed-care.835'}: segment 4: BPR16 payment date '20002316' is not a date" in err
    assert f"{tmp_path / 'nope.835'}: cannot read the file" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_all_or_nothing(tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "claims.csv").write_text("old\n")
    (out / "notes.txt").write_text("mine\n")
    calls = []
    original = pd.DataFrame.to_csv

    def failing(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing)
    assert main(["remit", *FILES, "--csv", str(out)]) == 1
    assert "cannot write the tables (No space left on device); nothing was written" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["claims.csv", "notes.txt"]
    assert (out / "claims.csv").read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # no staging folder left behind
    monkeypatch.setattr(pd.DataFrame, "to_csv", original)
    assert main(["remit", *FILES, "--csv", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{t}.csv" for t in TABLES] + ["notes.txt"])


def test_csv_target_is_a_file(tmp_path, capsys) -> None:
    target = tmp_path / "x.csv"
    target.write_text("keep")
    assert main(["remit", *FILES, "--csv", str(target)]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err
    assert target.read_text() == "keep"


def test_csv_text_that_looks_like_a_formula_is_neutralised(tmp_path):
    # CLP01 from a payer's file starting with "=": a spreadsheet opening claims.csv must see text
    from remits.synthetic import synthetic_835

    data = synthetic_835(claims=3, seed=2).decode("ascii")
    clp01 = data.split("CLP*", 1)[1].split("*", 1)[0]
    path = tmp_path / "x.835"
    path.write_text(data.replace(f"CLP*{clp01}*", "CLP*=1+1*", 1))
    assert main(["remit", str(path), "--csv", str(tmp_path / "csv")]) == 0
    text = (tmp_path / "csv" / "claims.csv").read_text()
    assert "'=1+1" in text and ",=1+1" not in text
