"""`oonkit demo`, the README's main job: the demo's workbooks, portfolio and remit report, and its summary."""

from __future__ import annotations

import openpyxl

from oonkit.cli import main


def test_demo_builds_the_set_and_the_remit_report(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "harbor-advantage.xlsx",
        "keystone-mutual.xlsx",
        "northwind-trust.xlsx",
        "portfolio.xlsx",
        "remit-report.xlsx",
        "summit-health.xlsx",
    ]
    out = capsys.readouterr().out
    # the per-payer table: Summit pays 140% of Medicare but paid 3,135.00 on 93,500.00 billed (templates/demo)
    assert "Summit Health Plan" in out and "93,500.00" in out and "3,135.00" in out
    assert "Read the demo payers' 835 remittances (4 files" in out
    wb = openpyxl.load_workbook(tmp_path / "remit-report.xlsx", read_only=True)
    assert wb.sheetnames[:2] == ["Summary", "Lines"]
