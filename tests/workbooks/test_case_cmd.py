"""``oonkit case``: the worked example without a file, a short summary, exit status 1 and nothing written for a bad
case file, the XLSX form written and read back."""

from __future__ import annotations

import json

import openpyxl

from oonkit.cli import main

BAD = """\
date_of_service: 2025-10-06
lines:
  - {hcpcs: "21141", billed: 9000}
stages:
  - {stage: appeal_1, probability: 1.4}
"""


def test_worked_example_and_summary(tmp_path, capsys):
    out = tmp_path / "case.xlsx"
    assert main(["case", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.exists() and "Summary" in openpyxl.load_workbook(out).sheetnames
    # Figures of the worked example (tests/workbooks/test_case_example.py recomputes them by hand).
    assert "deposit to collect      $1,447.80" in printed
    assert "best path               Through IDR: NPV $4,027.51" in printed
    assert "IDR break-even win      13.3%  (expected net gain $5,773.11)" in printed


def test_json_summary(tmp_path, capsys):
    assert main(["case", "--out", str(tmp_path / "c.xlsx"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["best_path"], summary["best_npv"], summary["idr_break_even"]) == (
        "Through IDR",
        4027.51,
        0.1331,
    )


def test_bad_case_file_lists_errors_exits_1_and_writes_nothing(tmp_path, capsys):
    case = tmp_path / "case.yaml"
    case.write_text(BAD + "payer: {method: nope}\n")
    out = tmp_path / "case.xlsx"
    assert main(["case", str(case), "--out", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "oonkit case: error: case.yaml:5: stages[1].probability: 1.4 is not between 0 and 1",
        "case.yaml:6: payer.method: 'nope' is not one of Percent of Medicare, Charge percentile, Percent of billed, "
        "Flat rate",
    ]
    assert not out.exists() and list(tmp_path.iterdir()) == [case]
    # An existing workbook is left as it was.
    out.write_bytes(b"previous")
    assert main(["case", str(case), "--out", str(out)]) == 1
    assert out.read_bytes() == b"previous"


def test_form_round_trip_and_refusing_to_overwrite_the_case_file(tmp_path, capsys):
    form = tmp_path / "form.xlsx"
    assert main(["case", "--write-form", str(form)]) == 0
    assert main(["case", str(form), "--out", str(tmp_path / "from-form.xlsx")]) == 0
    assert "Through IDR: NPV $4,027.51" in capsys.readouterr().out
    assert main(["case", str(form), "--out", str(form)]) == 1
    assert "is the case file itself" in capsys.readouterr().err
