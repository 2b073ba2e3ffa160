"""Text from a case file that starts like a formula (``=``, ``+``, ``-``, ``@``) is written to the case workbook as
text with Excel's quote prefix, so that editing the cell in Excel keeps it text (as the payer workbooks do); no
other cell carries the prefix."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from workbooks.case_file import read_case
from workbooks.case_workbook import build_case_workbook
from workbooks.tables import FORMULA_START


@pytest.mark.parametrize("start", FORMULA_START)
def test_formula_like_text_keeps_the_quote_prefix(tmp_path, start):
    case_file = tmp_path / "case.yaml"
    case_file.write_text(
        f"case: '{start}1+1 case'\n"
        "date_of_service: 2025-10-06\n"
        f"payer: {{name: '{start}SUM(A1)', method: Percent of Medicare}}\n"
        "lines:\n"
        "  - {hcpcs: '27447', billed: 12500}\n"
    )
    case = read_case(case_file)
    # Pricing leaves a line with such a modifier unpriced (udfs.medicare: a modifier is two letters or digits), so
    # the case file brings it only with a Medicare amount; the writer must not rely on that.
    case = dataclasses.replace(case, lines=(dataclasses.replace(case.lines[0], modifier=f"{start}X"),))
    out = tmp_path / "case.xlsx"
    build_case_workbook(case, out)
    wb = openpyxl.load_workbook(out)
    inputs = {
        ("Case", "B5"): f"{start}1+1 case",  # CaseName, a yellow input cell
        ("Case", "B8"): f"{start}SUM(A1)",  # PayerName
        ("Lines", "C5"): f"{start}X",  # the first line's modifier
    }
    for (sheet, ref), text in inputs.items():
        cell = wb[sheet][ref]
        assert (cell.value, cell.data_type) == (text, "s"), (sheet, ref)
        assert cell.quotePrefix, f"{sheet}!{ref}: editing the cell in Excel must keep it text"
        assert cell.fill.fgColor.rgb == wb["Case"]["B6"].fill.fgColor.rgb, "still a yellow input cell"
    # Only text that starts like a formula carries the prefix: no formula, number or other text does.
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                looks = cell.data_type == "s" and str(cell.value).startswith(FORMULA_START)
                assert bool(cell.quotePrefix) == looks, f"{ws.title}!{cell.coordinate}: {cell.value!r}"
