"""The remittance report workbook: LibreOffice recalculates its formulas to the Python figures, outside text
stays text, a line reclassified by hand moves the Summary, and the demo report matches its reviewed parts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from remits.reader import read_835, read_remits
from remits.synthetic import RemitClaim, RemitLine, RemitPayment, build_835, synthetic_835
from remits.underpayment import LineClass, find_underpayments
from tests.xlsx_golden import assert_workbook_matches
from udfs.charges import ChargeBenchmark
from udfs.payers import load_profiles
from udfs.reference import template_path
from workbooks.claims_file import read_claims
from workbooks.remit_report import MEASURE_KEYS, MEASURES, build_remit_report

GOLDEN = Path(__file__).parent / "golden" / "remit_report"
DEMO = template_path("demo/claims.csv").parent
AS_OF = dt.date(2026, 2, 20)  # the demo's as-of date (templates/demo/demo.yaml)
PROFILES = load_profiles()


def demo_result(files=None):
    remit = read_remits(files or sorted((DEMO / "remits").glob("*.835")))
    return find_underpayments(
        remit,
        PROFILES,
        read_claims(DEMO / "claims.csv"),
        ChargeBenchmark.read(DEMO / "benchmark.csv"),
        as_of=AS_OF,
        claims_source="claims.csv",
    )


def tricky_result():
    """Payer names that look like formulas or wildcards, and claim numbers that start with = + - @."""

    def paid(pcn: str, paid: float) -> RemitClaim:
        line = RemitLine("99285", 1000, paid, (("CO", "45", 1000 - paid),), service_date="20250610")
        return RemitClaim(pcn, f"ICN{pcn}", (line,))

    payments = [
        RemitPayment("=HYPERLINK(1)", "20250701", "EFT1", (paid("=1+1", 100), paid("+2", 200))),
        RemitPayment("ACME?HEALTH", "20250701", "EFT2", (paid("-3", 300),)),
        RemitPayment("ACMEXHEALTH", "20250701", "EFT3", (paid("@4", 50),)),
        RemitPayment("acme?health", "20250702", "EFT4", (paid("C5", 0),)),
    ]
    return find_underpayments(read_835(build_835(payments), "tricky.835"), PROFILES, as_of=AS_OF)


def synthetic_result():
    return find_underpayments(
        read_835(synthetic_835(claims=150, seed=7), "synthetic.835"), PROFILES, as_of=AS_OF
    )


def summary_values(path: Path, result) -> dict:
    """The recalculated Summary blocks read back: by payer, by payer and reason, the matrix."""
    ws = openpyxl.load_workbook(path, data_only=True)["Summary"]
    n_pay = len(result.by_payer())
    n_pr = len(result.summary())
    width = len(MEASURES)

    def rows(first: int, count: int, skip: int):
        return [
            [ws.cell(r, c).value for c in range(1, 1 + skip + width)] for r in range(first, first + count)
        ]

    pay_first = 6
    pr_first = pay_first + n_pay + 4
    return {
        "by_payer": rows(pay_first, n_pay, 1),
        "by_payer_total": rows(pay_first + n_pay, 1, 1)[0],
        "by_reason": rows(pr_first, n_pr, 2),
        "by_reason_total": rows(pr_first + n_pr, 1, 2)[0],
        "matrix_first": pr_first + n_pr + 4,
        "ws": ws,
    }


@pytest.mark.libreoffice
def test_libreoffice_computes_the_python_figures(tmp_path, recalc):
    results = {"demo": demo_result(), "synthetic": synthetic_result(), "tricky": tricky_result()}
    paths = []
    for name, result in results.items():
        paths.append(build_remit_report(result, tmp_path / f"{name}.xlsx", PROFILES))
    for path, (name, result) in zip(recalc(paths), results.items(), strict=True):
        got = summary_values(path, result)
        by_payer = result.by_payer()
        for row, want in zip(got["by_payer"], by_payer.itertuples(index=False), strict=True):
            assert row[0] == want.payer, name
            # lines, billed, plan paid, patient responsibility, received, expected, gap: the sums of the lines
            assert row[1:] == pytest.approx([getattr(want, k) for k in MEASURE_KEYS], abs=0.005), (name, row)
        total = got["by_payer_total"]
        assert total[1:] == pytest.approx([by_payer[k].sum() for k in MEASURE_KEYS], abs=0.005)
        by_reason = result.summary()
        for row, want in zip(got["by_reason"], by_reason.itertuples(index=False), strict=True):
            assert row[:2] == [want.payer, want.classification]
            assert row[2:] == pytest.approx([getattr(want, k) for k in MEASURE_KEYS], abs=0.005), (name, row)
        # the matrix: gap by payer and reason, and its totals
        ws = got["ws"]
        first = got["matrix_first"]
        header = [ws.cell(first - 1, c).value for c in range(2, ws.max_column + 1)]
        classes = header[: header.index("Total")]
        for k, payer in enumerate(by_payer["payer"]):
            for j, cls in enumerate(classes):
                mine = by_reason[(by_reason["payer"] == payer) & (by_reason["classification"] == cls)]
                assert ws.cell(first + k, 2 + j).value == pytest.approx(mine["gap"].sum(), abs=0.005)
            assert ws.cell(first + k, 2 + len(classes)).value == pytest.approx(
                by_payer["gap"].iloc[k], abs=0.005
            )
        # Lines row 2: SUBTOTAL of every amount column over all the rows (no filter)
        lines_ws = openpyxl.load_workbook(path, data_only=True)["Lines"]
        headers = [c.value for c in lines_ws[3]]
        for column, key in (("Billed", "charge"), ("Received", "received"), ("Gap", "gap")):
            cell = lines_ws.cell(2, headers.index(column) + 1).value
            assert cell == pytest.approx(np.nansum(result.lines[key].to_numpy(dtype=float)), abs=0.005)


@pytest.mark.libreoffice
def test_a_line_reclassified_by_hand_moves_the_summary(tmp_path, recalc):
    result = demo_result()
    path = build_remit_report(result, tmp_path / "report.xlsx", PROFILES)
    wb = openpyxl.load_workbook(path)
    ws = wb["Lines"]
    headers = [c.value for c in ws[3]]
    cls_col = headers.index("Classification") + 1
    # the first Northwind underpaid line (C2001 line 1, gap 8,300.00 = 30% of 62,000 - 10,300) becomes
    # "paid as expected": the Northwind underpaid row loses a line and 8,300.00 of gap
    row = next(
        r
        for r in range(4, ws.max_row + 1)
        if ws.cell(r, 2).value == "C2001" and ws.cell(r, cls_col).value == "underpaid"
    )
    ws.cell(row, cls_col).value = str(LineClass.AS_EXPECTED)
    wb.save(path)
    [done] = recalc([path])
    summary = openpyxl.load_workbook(done, data_only=True)["Summary"]
    values = {
        (summary.cell(r, 1).value, summary.cell(r, 2).value): summary.cell(r, 3 + len(MEASURES) - 1).value
        for r in range(1, summary.max_row + 1)
    }
    assert values[("Northwind Employee Benefit Trust", "underpaid")] == pytest.approx(18150 - 8300)
    # the by-payer block still totals the payer's gap: 19,410.00 (underpaid 18,150.00 + denied 1,260.00)
    by_payer = {summary.cell(r, 1).value: summary.cell(r, 8).value for r in range(6, 10)}
    assert by_payer["Northwind Employee Benefit Trust"] == pytest.approx(19410 - 8300)


def test_outside_text_stays_text(tmp_path):
    result = tricky_result()
    path = build_remit_report(result, tmp_path / "tricky.xlsx", PROFILES)
    wb = openpyxl.load_workbook(path)
    lines = wb["Lines"]
    cells = {lines.cell(r, 2).value: lines.cell(r, 2) for r in range(4, lines.max_row + 1)}
    for text in ("=1+1", "+2", "-3", "@4"):
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text
    payers = {lines.cell(r, 1).value for r in range(4, lines.max_row + 1)}
    # three payers: =HYPERLINK(1) (text), ACME?HEALTH (with acme?health: one payer, Excel ignores case),
    # ACMEXHEALTH (not matched by the wildcard)
    assert payers == {"=HYPERLINK(1)", "ACME?HEALTH", "ACMEXHEALTH"}
    summary = wb["Summary"]
    assert summary["A6"].data_type == "s" and summary["A6"].value == "=HYPERLINK(1)"


def test_report_without_lines(tmp_path):
    empty = RemitPayment("ACME HEALTH", "20250701", "EFT1", ())
    result = find_underpayments(read_835(build_835([empty])), PROFILES, as_of=AS_OF)
    path = build_remit_report(result, tmp_path / "empty.xlsx", PROFILES)
    wb = openpyxl.load_workbook(path)
    assert wb["Lines"]["A2"].value == "No lines."
    assert wb["Reversals"]["A2"].value == "No reversals in these files."
    assert wb["Imbalances"]["A2"].value == "No imbalances: every payment, claim and line adds up."


def test_demo_report_matches_its_reviewed_parts(tmp_path, monkeypatch):
    # file names as a user in templates/demo/remits would type them, so the parts do not depend on the checkout
    monkeypatch.chdir(DEMO / "remits")
    result = demo_result(sorted(p.name for p in Path(".").glob("*.835")))
    path = build_remit_report(result, tmp_path / "demo.xlsx", PROFILES)
    assert_workbook_matches(path, GOLDEN)


def test_saves_are_identical_but_for_the_masked_times(tmp_path):
    from tests.xlsx_golden import parts

    result = demo_result()
    a = parts(build_remit_report(result, tmp_path / "a.xlsx", PROFILES))
    b = parts(build_remit_report(result, tmp_path / "b.xlsx", PROFILES))
    assert a == b
