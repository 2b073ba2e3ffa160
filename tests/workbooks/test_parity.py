"""Every formula of the generated workbooks computes what ``udfs`` computes: workbooks built from the demo and
from a varied synthetic claim set are recalculated in headless LibreOffice, and each computed cell is compared
row by row with ``workbooks.expected`` (amounts to the cent, ratios to 1e-9, dates and text exactly)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest

from udfs.money import round_cents
from udfs.payers import load_profiles
from udfs.reference import template_path
from workbooks import stages
from workbooks.analytics import overall_formulas
from workbooks.build import build_set, by_payer, prepare
from workbooks.expected import compute
from workbooks.layout import load_layout
from workbooks.portfolio import COLUMNS, RATIOS, payer_rows
from workbooks.synthetic import write_files

pytestmark = pytest.mark.libreoffice

AS_OF = dt.date(2026, 1, 15)
PAYERS = [
    "summit-health",
    "northwind-trust",
    "keystone-mutual",
    "harbor-advantage",
    "Acme Unknown",
    "flat-payer",
    "no-cap",
]
FLAT_PAYER = """id: flat-payer
name: Flat Rate Dental & Oral Surgery
method: Flat rate
factor: 1.0
notes: A payer whose claims are all priced by single case agreements (test profile).
source: test profile
"""

NO_CAP_PAYER = """id: no-cap
name: Uncapped Benefit Plan
method: Percent of Medicare
factor: 6.0
lesser_of: false
notes: Pays 600% of Medicare even above billed charges (test profile for the lesser-of switch).
source: test profile
"""

CLAIMS_COLUMNS = {  # header -> (expected column, kind)
    "Expected allowed": ("expected_allowed", "amount"),
    "Expected patient share": ("expected_patient_share", "amount"),
    "Expected plan payment": ("expected_plan_payment", "amount"),
    "Recovered": ("recovered", "amount"),
    "Total paid": ("total_paid", "amount"),
    "Target": ("target", "amount"),
    "Gap": ("gap", "amount"),
    "Underpaid": ("underpaid", "flag"),
    "Paid of billed": ("paid_of_billed", "ratio"),
    "Paid of Medicare": ("paid_of_medicare", "ratio"),
    "Days outstanding": ("days_outstanding", "ratio"),
    "Current stage": ("current_stage", "text"),
    "Next deadline": ("next_deadline", "date"),
}
LOG_COLUMNS = {"Next action due": ("next_action_due", "date"), "Response days": ("response_days", "ratio")}
DEADLINE_COLUMNS = {
    c.header: (
        c.header.lower().replace(" ", "_"),
        "date" if c.type == "date" else "text" if c.type == "text" else "ratio",
    )
    for c in load_layout()["deadlines"].columns
    if c.kind == "computed"
}


def blank(v) -> bool:
    return v is None or v == "" or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT


def same(actual, expected, kind: str) -> bool:
    if blank(expected) or (kind == "flag" and expected is None):
        return blank(actual)
    if blank(actual):
        return False
    if kind == "amount":
        return round_cents(float(actual)) == round_cents(float(expected))
    if kind == "ratio":
        return abs(float(actual) - float(expected)) <= 1e-9 * max(1.0, abs(float(expected)))
    if kind == "date":
        return pd.Timestamp(actual).date() == pd.Timestamp(expected).date()
    if kind == "flag":
        return bool(actual) == bool(expected)
    return str(actual) == str(expected)


def table_rows(ws, n: int) -> list[dict]:
    rows = list(ws.iter_rows(min_row=1, max_row=n + 1, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def compare(rows: list[dict], frame: pd.DataFrame, columns: dict, where: str) -> list[str]:
    problems = []
    for i, (row, exp) in enumerate(zip(rows, frame.to_dict("records"), strict=True)):
        for header, (key, kind) in columns.items():
            if not same(row[header], exp[key], kind):
                problems.append(
                    f"{where} row {i + 2} {header}: LibreOffice {row[header]!r}, udfs {exp[key]!r}"
                )
    return problems


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("parity")
    payers = root / "payers"
    payers.mkdir()
    (payers / "flat-payer.yaml").write_text(FLAT_PAYER)
    (payers / "no-cap.yaml").write_text(NO_CAP_PAYER)
    claims_csv, log_csv = write_files(root / "input", 400, PAYERS, seed=11, log_share=0.6)
    bench = template_path("demo/benchmark.csv")
    result = build_set(claims_csv, root / "out", payers, AS_OF, log_csv, bench)
    claims, log, profiles = prepare(claims_csv, payers, log_csv, bench)
    demo = template_path("demo/claims.csv").parent
    demo_result = build_set(
        demo / "claims.csv", root / "demo", None, dt.date(2026, 2, 20), demo / "log.csv", bench
    )
    demo_inputs = prepare(demo / "claims.csv", None, demo / "log.csv", bench)
    return result, (claims, log, profiles), demo_result, demo_inputs, root


@pytest.fixture(scope="module")
def recalculated(built):
    from tests.libreoffice import recalculate

    result, _, demo_result, _, root = built
    found = {}
    for label, paths in (
        ("out", [*result.workbooks.values(), result.portfolio]),
        ("demo", list(demo_result.workbooks.values())),
    ):
        out = recalculate(paths, root / f"recalculated-{label}")
        found.update({f"{label}/{p.name}": o for p, o in zip(paths, out, strict=True)})
    return found


def cases(built):
    result, inputs, demo_result, demo_inputs, _ = built
    for res, (claims, log, profiles), as_of, label in (
        (result, inputs, AS_OF, "out"),
        (demo_result, demo_inputs, dt.date(2026, 2, 20), "demo"),
    ):
        for payer_id, lines, payer_log in by_payer(claims, log):
            yield f"{label}/{res.workbooks[payer_id].name}", profiles[payer_id], lines, payer_log, as_of


def test_every_formula_column_matches_udfs(built, recalculated):
    problems, checked = [], 0
    for key, profile, lines, payer_log, as_of in cases(built):
        e = compute(lines, payer_log, profile, as_of)
        wb = openpyxl.load_workbook(recalculated[key], data_only=True)
        problems += compare(
            table_rows(wb["Claims"], len(e.claims)), e.claims, CLAIMS_COLUMNS, f"{key} Claims"
        )
        problems += compare(table_rows(wb["Escalation log"], len(e.log)), e.log, LOG_COLUMNS, f"{key} Log")
        problems += compare(
            table_rows(wb["Deadlines"], len(e.deadlines)), e.deadlines, DEADLINE_COLUMNS, f"{key} Deadlines"
        )
        latest = [r["Latest for"] for r in table_rows(wb["Escalation log"], len(e.log))]
        expected_latest = [
            cid if flag else "" for cid, flag in zip(e.log["claim_id"], e.log["latest"], strict=True)
        ]
        problems += [
            f"{key} Log Latest for row {i + 2}"
            for i, (a, b) in enumerate(zip(latest, expected_latest, strict=True))
            if (a or "") != b
        ]
        checked += (
            len(e.claims) * len(CLAIMS_COLUMNS) + len(e.deadlines) * len(DEADLINE_COLUMNS) + len(e.log) * 3
        )
    assert not problems, f"{len(problems)} of {checked} cells differ:\n" + "\n".join(problems[:40])
    assert checked > 10_000


def test_payer_sheet_and_dashboard_match_udfs(built, recalculated):
    problems = []
    for key, profile, lines, payer_log, as_of in cases(built):
        e = compute(lines, payer_log, profile, as_of)
        ws = openpyxl.load_workbook(recalculated[key], data_only=True)["Payer"]
        values = {r[0]: r[1:] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)}
        for label, _, type_ in overall_formulas():
            kind = "amount" if type_ == "amount" else "ratio"
            if not same(values[label][0], e.overall[label], kind):
                problems.append(f"{key} Payer {label}: {values[label][0]!r} vs {e.overall[label]!r}")
        for row in e.by_stage.to_dict("records"):
            got = values[row["Stage"]]
            for j, col in enumerate(
                ["Entries", "Decided", "Median response days", "Success rate", "Recovered"]
            ):
                if not same(got[j], row[col], "amount" if col == "Recovered" else "ratio"):
                    problems.append(f"{key} Payer {row['Stage']} {col}: {got[j]!r} vs {row[col]!r}")
        dash = openpyxl.load_workbook(recalculated[key], data_only=True)["Dashboard"]
        cells = {r[0]: r[1:] for r in dash.iter_rows(values_only=True) if r and r[0] is not None}
        for row in e.dashboard["by_stage"].to_dict("records"):
            if not (
                same(cells[row["stage"]][0], row["lines"], "ratio")
                and same(cells[row["stage"]][1], row["gap"], "amount")
            ):
                problems.append(f"{key} Dashboard stage {row['stage']}: {cells[row['stage']][:2]} vs {row}")
        for row in e.dashboard["aging"].to_dict("records"):
            if not (
                same(cells[row["bucket"]][0], row["lines"], "ratio")
                and same(cells[row["bucket"]][1], row["gap"], "amount")
            ):
                problems.append(f"{key} Dashboard aging {row['bucket']}")
        for row in e.dashboard["chain"].to_dict("records"):
            if not same(cells[row["label"]][0], row["amount"], "amount"):
                problems.append(
                    f"{key} Dashboard chain {row['label']}: {cells[row['label']][0]} vs {row['amount']}"
                )
        months = [(pd.Timestamp(k).date(), v[0]) for k, v in cells.items() if isinstance(k, dt.datetime)]
        exp_months = list(
            zip(e.dashboard["months"]["month"], e.dashboard["months"]["recovered"], strict=True)
        )
        if [(m, round_cents(v)) for m, v in months] != [(m, round_cents(v)) for m, v in exp_months]:
            problems.append(f"{key} Dashboard months {months} vs {exp_months}")
    assert not problems, "\n".join(problems[:40])


def test_portfolio_values_and_ratios(built, recalculated):
    result, (claims, log, profiles), *_ = built
    ws = openpyxl.load_workbook(recalculated["out/portfolio.xlsx"], data_only=True)["Portfolio"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    header, data = rows[0], rows[1:]
    expected = payer_rows(claims, log, profiles, AS_OF, result.workbooks)
    by_payer_name = {r[0]: dict(zip(header, r, strict=True)) for r in data if r[0] and r[0] != "Total"}
    headers = {c[1]: c[0] for c in COLUMNS}

    def ratio(values: dict, numerators, denominator):
        bottom = values[headers_by_title[denominator]]
        return sum(values[headers_by_title[h]] for h in numerators) / bottom if bottom else None

    headers_by_title = {c[0]: c[1] for c in COLUMNS}
    for row in expected.to_dict("records"):
        got = by_payer_name[row["payer"]]
        for key, value in row.items():
            kind = "text" if isinstance(value, str) else "amount"
            assert same(got[headers[key]], value, kind), (row["payer"], key, got[headers[key]], value)
        for title, numerators, denominator in RATIOS:
            assert same(got[title], ratio(row, numerators, denominator), "ratio"), (row["payer"], title)
    total = dict(zip(header, next(r for r in data if r[0] == "Total"), strict=True))
    sums = {
        key: expected[key].sum()
        for key in expected.columns
        if key not in ("payer", "workbook", "method", "factor")
    }
    sums["median_response_days"] = expected.attrs["median_response_days"]
    for key, value in sums.items():
        assert same(total[headers[key]], value, "amount"), (key, total[headers[key]], value)
    for title, numerators, denominator in RATIOS:
        assert same(total[title], ratio(sums, numerators, denominator), "ratio"), title


def test_every_stage_is_exercised(built):
    _, (_, log, _), *_ = built
    used = set(log["stage"])
    assert used >= set(stages.labels()) - {"Initial claim", "Settled / closed"}
    assert len(load_profiles(built[4] / "payers")) >= 7
