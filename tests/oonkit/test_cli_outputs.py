"""Every command that writes a workbook refuses a target open in Excel or LibreOffice, one of its own input files
and (but for build) a payer workbook staff fill in; build and demo keep the files they replace as backups and say
so. Nothing is changed when a command refuses (workbooks.saving.Outputs)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import workbooks.build
from oonkit.cli import main

from .conftest import AS_OF, DEMO, REMITS, files

BACKUP = re.compile(r"^(?P<stem>.+)\.before-(?P<command>build|demo)-\d{8}-\d{6}\.xlsx$")


def err(capsys) -> str:
    return capsys.readouterr().err


# --- oonkit remit --out: the mix-up with oonkit update ---------------------------------------------------------


def test_remit_refuses_to_write_its_report_over_a_payer_workbook(demo_set, capsys):
    before = files(demo_set)
    assert main(["remit", *REMITS, "--out", str(demo_set / "summit-health.xlsx")]) == 1
    message = err(capsys)
    assert "summit-health.xlsx is a payer workbook of oonkit build" in message
    assert "use oonkit update" in message and "Traceback" not in message
    assert files(demo_set) == before


def test_case_refuses_to_write_over_a_payer_workbook(demo_set, capsys):
    before = files(demo_set)
    assert main(["case", "--out", str(demo_set / "keystone-mutual.xlsx")]) == 1
    assert "keystone-mutual.xlsx is a payer workbook of oonkit build" in err(capsys)
    assert files(demo_set) == before


def test_remit_replaces_its_own_earlier_report_and_says_so(tmp_path, capsys):
    report = tmp_path / "report.xlsx"
    assert main(["remit", *REMITS, "--out", str(report), "--as-of", AS_OF]) == 0
    assert "report written to" in capsys.readouterr().out
    assert main(["remit", *REMITS, "--out", str(report), "--as-of", AS_OF]) == 0
    assert f"report written to {report} (replaced the previous file)" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


# --- a command's own input files -------------------------------------------------------------------------------


def test_remit_refuses_to_write_over_its_claims_file(tmp_path, capsys):
    claims = tmp_path / "claims.xlsx"
    pd.read_csv(DEMO / "claims.csv", dtype=str, keep_default_na=False).to_excel(claims, index=False)
    before = claims.read_bytes()
    assert main(["remit", *REMITS, "--claims", str(claims), "--out", str(claims)]) == 1
    assert f"--out {claims} is the claims file itself; choose another name" in err(capsys)
    assert claims.read_bytes() == before


def test_remit_csv_tables_refuse_to_replace_the_claims_file(tmp_path, capsys):
    claims = tmp_path / "claims.csv"  # the remit's claims table is claims.csv too
    claims.write_bytes((DEMO / "claims.csv").read_bytes())
    assert main(["remit", *REMITS, "--claims", str(claims), "--csv", str(tmp_path)]) == 1
    assert "claims.csv is the claims file itself; choose another name" in err(capsys)
    assert claims.read_bytes() == (DEMO / "claims.csv").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["claims.csv"]


def test_build_refuses_to_write_a_workbook_over_its_claims_file(tmp_path, capsys):
    out = tmp_path / "set"
    out.mkdir()
    claims = out / "portfolio.xlsx"  # an unlucky name: the build's portfolio would replace it
    pd.read_csv(DEMO / "claims.csv", dtype=str, keep_default_na=False).to_excel(claims, index=False)
    before = files(out)
    assert main(["build", str(claims), "--out", str(out), "--as-of", AS_OF]) == 1
    assert "portfolio.xlsx is the claims file itself; choose another name" in err(capsys)
    assert files(out) == before


# --- open in Excel or LibreOffice ------------------------------------------------------------------------------

LOCKS = ["~$summit-health.xlsx", ".~lock.summit-health.xlsx#"]


@pytest.mark.parametrize("lock", LOCKS, ids=["excel", "libreoffice"])
def test_build_over_a_set_refuses_while_a_workbook_is_open(demo_set, capsys, lock):
    (demo_set / lock).write_bytes(b"staff")
    before = files(demo_set)
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(demo_set), "--as-of", "2026-03-01"]) == 1
    message = err(capsys)
    assert f"summit-health.xlsx is open in Excel or LibreOffice (lock file {lock})" in message
    assert files(demo_set) == before  # no workbook replaced, no backup, no temporary file left


def test_demo_over_a_set_refuses_while_a_workbook_is_open(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    (out / "~$summit-health.xlsx").write_bytes(b"staff")
    capsys.readouterr()
    before = files(out)
    assert main(["demo", "--out", str(out)]) == 1
    assert "summit-health.xlsx is open in Excel or LibreOffice" in err(capsys)
    assert files(out) == before


def test_a_workbook_opened_during_the_build_is_not_replaced(demo_set, capsys, monkeypatch):
    """The targets are checked again just before the rename: a workbook opened while the set was being built
    stops the whole set (the staged files are removed)."""
    real = workbooks.build.build_portfolio

    def opened_meanwhile(*args, **kwargs):
        (demo_set / "~$northwind-trust.xlsx").write_bytes(b"staff")
        return real(*args, **kwargs)

    monkeypatch.setattr(workbooks.build, "build_portfolio", opened_meanwhile)
    before = {k: v for k, v in files(demo_set).items()}
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(demo_set), "--as-of", "2026-03-01"]) == 1
    assert "northwind-trust.xlsx is open in Excel or LibreOffice" in err(capsys)
    after = files(demo_set)
    del after["~$northwind-trust.xlsx"]
    assert after == before


@pytest.mark.parametrize("command", ["remit", "case"])
def test_remit_and_case_refuse_a_report_open_in_excel(tmp_path, capsys, command):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the report the practice owner has open")
    (tmp_path / "~$out.xlsx").write_bytes(b"owner")
    args = [*REMITS, "--out", str(out)] if command == "remit" else ["--out", str(out)]
    assert main([command, *args]) == 1
    assert "out.xlsx is open in Excel or LibreOffice (lock file ~$out.xlsx)" in err(capsys)
    assert out.read_bytes() == b"the report the practice owner has open"


# --- build and demo keep what they replace --------------------------------------------------------------------


def test_build_over_a_set_keeps_the_previous_workbooks_and_says_so(demo_set, capsys):
    wb = openpyxl.load_workbook(demo_set / "summit-health.xlsx")
    previous = {name: data for name, data in files(demo_set).items()}
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(demo_set), "--as-of", "2026-03-01"]) == 0
    printed = capsys.readouterr().out
    backups = {p.name: p for p in demo_set.iterdir() if BACKUP.match(p.name)}
    assert sorted(BACKUP.match(b)["stem"] for b in backups) == sorted(Path(n).stem for n in previous)
    for name, path in backups.items():
        original = BACKUP.match(name)["stem"] + ".xlsx"
        assert path.read_bytes() == previous[original]  # the staff's version, byte for byte
        assert f"{original}  (the previous file kept as {name})" in printed
    assert (demo_set / "summit-health.xlsx").read_bytes() != previous[
        "summit-health.xlsx"
    ]  # as of 2026-03-01
    assert wb["Claims"]["C2"].value == "PT-0417"


def test_demo_keeps_the_previous_set_and_replaces_its_report(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    kept = sorted(BACKUP.match(p.name)["stem"] for p in out.iterdir() if BACKUP.match(p.name))
    assert kept == ["harbor-advantage", "keystone-mutual", "northwind-trust", "portfolio", "summit-health"]
    assert f"report in {out / 'remit-report.xlsx'} (replaced the previous file)" in printed
    assert printed.count("the previous file kept as") == 5


def test_a_new_set_has_no_backups_and_no_notes(tmp_path, capsys):
    out = tmp_path / "new"
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(out), "--as-of", AS_OF]) == 0
    assert "previous" not in capsys.readouterr().out
    assert not any(BACKUP.match(p.name) for p in out.iterdir())
