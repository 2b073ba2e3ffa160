"""Files the commands write get the permissions a plain ``open()`` gives (0666 less the umask; folders 0777 less
it), so a set shared on a network drive is readable by the team; a file replaced in place keeps its mode."""

from __future__ import annotations

import os
import stat

import pytest

from oonkit.cli import main

from .conftest import AS_OF, DEMO, REMITS

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix permission bits")


@pytest.fixture(autouse=True)
def umask_002():
    old = os.umask(0o002)  # a team share: group-writable
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_build_writes_files_with_the_umask_and_a_rebuild_keeps_their_modes(tmp_path, capsys):
    out = tmp_path / "set"
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(out), "--as-of", AS_OF]) == 0
    assert {p.name: mode(p) for p in out.iterdir()} == {
        "harbor-advantage.xlsx": 0o664,
        "keystone-mutual.xlsx": 0o664,
        "northwind-trust.xlsx": 0o664,
        "portfolio.xlsx": 0o664,
        "summit-health.xlsx": 0o664,
    }
    (out / "summit-health.xlsx").chmod(0o640)  # the consultant narrowed one workbook
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(out), "--as-of", "2026-03-01"]) == 0
    assert mode(out / "summit-health.xlsx") == 0o640
    assert mode(out / "portfolio.xlsx") == 0o664


def test_update_keeps_the_workbook_mode(demo_set):
    workbook = demo_set / "summit-health.xlsx"
    workbook.chmod(0o660)
    summit = [r for r in REMITS if r.endswith("summit-health.835")]
    assert main(["update", str(workbook), "--remit", *summit]) == 0
    assert mode(workbook) == 0o660


def test_remit_report_and_tables(tmp_path):
    report, tables = tmp_path / "report.xlsx", tmp_path / "tables"
    assert main(["remit", *REMITS, "--out", str(report), "--csv", str(tables), "--as-of", AS_OF]) == 0
    assert mode(report) == 0o664 and mode(tables) == 0o775
    assert {mode(p) for p in tables.iterdir()} == {0o664}
    (tables / "claims.csv").chmod(0o600)
    assert main(["remit", *REMITS, "--csv", str(tables)]) == 0
    assert mode(tables / "claims.csv") == 0o600 and mode(tables / "lines.csv") == 0o664


def test_case_workbook_and_form(tmp_path):
    assert main(["case", "--out", str(tmp_path / "case.xlsx")]) == 0
    assert main(["case", "--write-form", str(tmp_path / "form.xlsx")]) == 0
    assert mode(tmp_path / "case.xlsx") == 0o664 and mode(tmp_path / "form.xlsx") == 0o664


def test_encrypted_workbooks_too(tmp_path, monkeypatch):
    monkeypatch.setenv("OONKIT_PASSWORD", "s3cret")
    out = tmp_path / "set"
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(out), "--as-of", AS_OF, "--password"]) == 0
    assert {mode(p) for p in out.iterdir()} == {0o664}
