"""``workbooks.saving.Outputs``: the rules every command follows before it replaces a file, and the staged writes
that make a set of workbooks appear together or not at all."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from udfs.errors import InputError, OonError
from workbooks.saving import Outputs, backup_path, is_payer_workbook, save, write_encrypted

NOW = dt.datetime(2026, 3, 9, 10, 15)


def workbook(value: str) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.active["A1"] = value
    return wb


def a1(path) -> str:
    return openpyxl.load_workbook(path).active["A1"].value


def test_staged_workbooks_appear_only_when_the_transaction_ends(tmp_path):
    outputs = Outputs("build", backup=True, now=NOW)
    with outputs.transaction():
        save(workbook("one"), tmp_path / "a.xlsx")
        save(workbook("two"), tmp_path / "b.xlsx")
        assert not (tmp_path / "a.xlsx").exists()  # staged beside it under a temporary name
    assert (a1(tmp_path / "a.xlsx"), a1(tmp_path / "b.xlsx")) == ("one", "two")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx"]


def test_an_error_in_the_transaction_leaves_every_file_as_it_was(tmp_path):
    save(workbook("old"), tmp_path / "a.xlsx")
    with pytest.raises(RuntimeError), Outputs("build", backup=True).transaction():
        save(workbook("new"), tmp_path / "a.xlsx")
        save(workbook("new"), tmp_path / "b.xlsx")
        raise RuntimeError("the portfolio failed")
    assert a1(tmp_path / "a.xlsx") == "old" and [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_build_keeps_the_previous_file_and_names_it_as_update_does(tmp_path):
    save(workbook("staff"), tmp_path / "summit-health.xlsx")
    outputs = Outputs("build", backup=True, now=NOW)
    with outputs.transaction():
        save(workbook("rebuilt"), tmp_path / "summit-health.xlsx")
    backup = tmp_path / "summit-health.before-build-20260309-101500.xlsx"
    assert [(r.path.name, r.backup) for r in outputs.replaced] == [("summit-health.xlsx", backup)]
    assert (a1(backup), a1(tmp_path / "summit-health.xlsx")) == ("staff", "rebuilt")
    assert backup_path(tmp_path / "summit-health.xlsx", NOW, "build").name.endswith("-101500-2.xlsx")


def test_a_report_replaces_its_earlier_self_without_a_backup_but_an_encrypted_file_is_kept(tmp_path):
    save(workbook("last week"), tmp_path / "report.xlsx")
    write_encrypted((tmp_path / "report.xlsx").read_bytes(), tmp_path / "locked.xlsx", "pw")
    outputs = Outputs("remit", now=NOW)
    with outputs.transaction():
        save(workbook("this week"), tmp_path / "report.xlsx")
        save(workbook("this week"), tmp_path / "locked.xlsx")
    assert {r.path.name: r.backup for r in outputs.replaced} == {
        "report.xlsx": None,  # its own earlier output: replaced, and the command says so
        "locked.xlsx": tmp_path / "locked.before-remit-20260309-101500.xlsx",  # cannot be looked into: kept
    }


def test_is_payer_workbook(tmp_path):
    wb = workbook("x")
    from openpyxl.workbook.defined_name import DefinedName

    wb.defined_names["oonkit_template_version"] = DefinedName("oonkit_template_version", attr_text="1")
    save(wb, tmp_path / "payer.xlsx")
    save(workbook("x"), tmp_path / "other.xlsx")
    (tmp_path / "text.xlsx").write_text("not a zip")
    write_encrypted((tmp_path / "payer.xlsx").read_bytes(), tmp_path / "encrypted.xlsx", "pw")
    assert [is_payer_workbook(tmp_path / f"{n}.xlsx") for n in ("payer", "other", "text", "encrypted")] == [
        True,
        False,
        False,
        None,
    ]


def test_checks_name_the_argument(tmp_path):
    (tmp_path / "claims.csv").write_text("claim_id\n")
    outputs = Outputs("remit", {tmp_path / "claims.csv": "claims file", None: "unused"})
    with pytest.raises(
        InputError, match=r"^--csv .*claims.csv is the claims file itself; choose another name$"
    ):
        outputs.check(tmp_path / "claims.csv", "--csv")
    with pytest.raises(InputError, match=r"^--out .*: is a folder; give a file name$"):
        outputs.check(tmp_path, "--out")
    (tmp_path / "f").write_text("")
    with pytest.raises(OonError, match=r"^cannot write .*f/x.xlsx: Not a directory"):
        outputs.check(tmp_path / "f" / "x.xlsx", "--out")
