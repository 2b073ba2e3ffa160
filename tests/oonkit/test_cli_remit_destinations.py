"""``oonkit remit --out REPORT --csv DIR``: both destinations are checked before anything is written, and what
the command says it wrote is what it wrote ("nothing was written" only when nothing was)."""

from __future__ import annotations

import errno
import os

import pandas as pd

import oonkit.cmd_remit
from oonkit.cli import main

from .conftest import AS_OF, REMITS


def test_an_unwritable_csv_folder_stops_the_report_too(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    report = tmp_path / "rep.xlsx"
    assert main(["remit", *REMITS, "--csv", str(tmp_path / "afile" / "t"), "--out", str(report)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert not report.exists()


def test_a_failure_while_writing_the_tables_leaves_no_report(tmp_path, capsys, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    report = tmp_path / "rep.xlsx"
    assert main(["remit", *REMITS, "--csv", str(tmp_path / "t"), "--out", str(report), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "cannot write the tables (No space left on device); nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # the message is true: no report, no tables


def test_a_report_refused_after_the_tables_were_written_says_so(tmp_path, capsys, monkeypatch):
    report, tables = tmp_path / "rep.xlsx", tmp_path / "t"
    real = oonkit.cmd_remit.write_csv

    def then_opened(*args, **kwargs):
        real(*args, **kwargs)
        (tmp_path / "~$rep.xlsx").write_text("owner")  # someone opens a report of that name meanwhile

    monkeypatch.setattr(oonkit.cmd_remit, "write_csv", then_opened)
    assert main(["remit", *REMITS, "--csv", str(tables), "--out", str(report), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "rep.xlsx is open in Excel or LibreOffice" in err
    assert err.rstrip().endswith(f"; the tables were written to {tables}, the report was not")
    assert not report.exists() and (tables / "claims.csv").exists()
