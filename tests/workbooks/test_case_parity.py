"""Every formula of the case workbook computes what ``udfs`` computes: the worked example and generated case files
(NSA on and off, lesser-of on and off, each payer method, paid or not, offers, stage choices, fee dates on both sides
of the 2026-06-11 fee change, batches beyond the 25-item tiers) are built, recalculated in headless LibreOffice in one
call, and every registered formula cell is compared with ``workbooks.case_expected`` (money to the cent, ratios to
1e-9, text and flags exactly). Every formula cell of each workbook must be registered, so none escapes the check."""

from __future__ import annotations

import datetime as dt
import math
import random

import openpyxl
import pytest
import yaml

from udfs.money import round_cents
from workbooks.case_expected import expected
from workbooks.case_file import read_case
from workbooks.case_model import METHOD_NAMES
from workbooks.case_workbook import build_case_workbook

pytestmark = pytest.mark.libreoffice

POOL = [  # (code, modifier, units): surgical, add-on, bilateral, assistant, endoscopy, imaging, E/M lines
    ("27447", "", 1),
    ("29881", "", 1),
    ("63030", "50", 1),
    ("22633", "", 1),
    ("22614", "", 2),
    ("64483", "", 1),
    ("43239", "", 1),
    ("99285", "", 1),
    ("70553", "26", 1),
    ("21141", "80", 1),
    ("21196", "", 1),
]
LOCALITIES = ["", "CA-18", "TX-18", "NY-01", "FL-04"]
STAGE_IDS = [
    "reconsideration",
    "appeal_1",
    "appeal_2",
    "peer_to_peer",
    "external_review",
    "nsa_open_negotiation",
    "idr",
    "complaint",
]
SEEDS = range(1, 13)


def generated_case(seed: int) -> dict:
    """A varied but valid case file (as data) drawn from ``seed``."""
    rnd = random.Random(seed)
    method = METHOD_NAMES[seed % 4]
    target = METHOD_NAMES[(seed // 4 + 2 * seed) % 4] if seed % 3 else "Percent of Medicare"
    nsa = seed % 2 == 1
    lines = []
    for code, mod, units in rnd.sample(POOL, 1 if seed in (8, 11) else rnd.randint(1, 5)):
        line = {"hcpcs": code, "units": units, "billed": round(rnd.uniform(150, 30_000), 2)}
        if mod:
            line["modifier"] = mod
        if nsa or rnd.random() < 0.5:
            line["qpa"] = round(rnd.uniform(100, 4_000), 2)
        if "Charge percentile" in (method, target) or rnd.random() < 0.3:
            line["benchmark"] = round(rnd.uniform(500, 20_000), 2)
        if "Flat rate" in (method, target) or rnd.random() < 0.3:
            line["sca_rate"] = round(rnd.uniform(500, 15_000), 2)
        lines.append(line)
    if seed == 4:
        # 64999 is carrier-priced (no national amount): its Medicare amount is given
        lines.append(
            {
                "hcpcs": "64999",
                "billed": 4000,
                "medicare": 612.4,
                "benchmark": 3000,
                "sca_rate": 2500,
                "qpa": 700,
            }
        )
    stages = []
    for sid in rnd.sample(STAGE_IDS, rnd.randint(1, len(STAGE_IDS))):
        stage = {"stage": sid, "include": rnd.random() < 0.8}
        for field, draw in (
            ("probability", lambda: round(rnd.random(), 3)),
            ("share", lambda: round(rnd.random(), 3)),
            ("cost", lambda: round(rnd.uniform(0, 900), 2)),
            ("days", lambda: rnd.randint(0, 200)),
        ):
            if rnd.random() < 0.4:
                stage[field] = draw()
        stages.append(stage)
    items = [None, len(lines), 30, 60][seed % 4]
    data = {
        "case": f"=SUM(1,2) generated case {seed}",  # text that looks like a formula stays text
        "date_of_service": dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randint(0, 360)),
        "fee_schedule": {"year": 2025, "locality": rnd.choice(LOCALITIES), "setting": "facility"},
        "payer": {
            "name": f"Payer {seed}",
            "method": method,
            "factor": round(rnd.uniform(0.2, 3), 3),
            "lesser_of": seed % 3 != 0,
        },
        "methods": {
            m: round(rnd.uniform(0.2, 4), 3) for m in METHOD_NAMES if m != method and rnd.random() < 0.5
        },
        "nsa": nsa,
        "balance_billing_allowed": rnd.random() < 0.7,
        "paid": round(rnd.uniform(0, 5_000), 2) if seed % 4 == 2 else None,
        "patient": {
            "deductible_remaining": round(rnd.uniform(0, 3_000), 2),
            "coinsurance": round(rnd.uniform(0, 0.5), 3),
            "copay": rnd.choice([0, 50, 250]),
            "oop_remaining": None if seed % 5 == 0 else round(rnd.uniform(0, 6_000), 2),
        },
        "deposit": {"share": round(rnd.uniform(0.5, 1), 2), "include_balance_bill": rnd.random() < 0.5},
        "lines": lines,
        "escalation": {
            "discount_rate": rnd.choice([0.0, 0.05, 0.12, 0.25]),
            "contingency_fee": rnd.choice([0.0, 0.2, 0.33]),
            "offer": 50_000.0 if seed == 6 else rnd.choice([0.0, round(rnd.uniform(0, 3_000), 2)]),
            "target": {"method": target, "factor": round(rnd.uniform(1, 5), 2)},
        },
        "stages": stages,
        "idr": {
            "dispute_date": dt.date(2026, 6, 10) + dt.timedelta(days=rnd.choice([-400, -1, 0, 1, 200])),
            "win_probability": round(rnd.random(), 3),
            "offer_pct_qpa": round(rnd.uniform(1, 5), 2),
            "payer_offer_pct_qpa": round(rnd.uniform(0.8, 1.5), 2),
            "entity_fee": None if seed % 2 else round(rnd.uniform(200, 1_200), 2),
            "line_items": items,
        },
    }
    return data


def blank(v) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def same(actual, exp, kind: str) -> bool:
    if blank(exp):
        return blank(actual)
    if blank(actual) or (isinstance(actual, str) and kind != "text"):
        return False
    if kind == "amount":
        return round_cents(float(actual)) == round_cents(float(exp))
    if kind == "ratio":
        return abs(float(actual) - float(exp)) <= 1e-9 * max(1.0, abs(float(exp)))
    if kind == "flag":
        return bool(actual) is bool(exp)
    if kind == "date":
        return actual.date() == exp
    return str(actual) == str(exp)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from tests.libreoffice import recalculate

    root = tmp_path_factory.mktemp("case-parity")
    cases = [("example", read_case())]
    for seed in SEEDS:
        path = root / f"case-{seed}.yaml"
        path.write_text(yaml.safe_dump(generated_case(seed), sort_keys=False))
        cases.append((f"case-{seed}", read_case(path)))
    books = [build_case_workbook(case, root / "in" / f"{label}.xlsx") for label, case in cases]
    outs = recalculate([b.path for b in books], root / "recalculated")
    return [(label, case, book, out) for (label, case), book, out in zip(cases, books, outs, strict=True)]


def test_generated_cases_cover_the_variations(built):
    cases = [case for _, case, _, _ in built]
    values = [expected(case) for case in cases]
    assert {c.nsa for c in cases} == {True, False}
    assert {c.lesser_of for c in cases} == {True, False}
    assert {c.method for c in cases} == set(METHOD_NAMES)
    assert any(c.paid is not None for c in cases) and any(c.oop_remaining is None for c in cases)
    assert {e["best.stop"] == 0 for e in values} == {True, False}  # accepting is sometimes best
    assert {e["idr.admin_fee"] for e in values} == {115.0, 15.0}  # both sides of the 2026-06-11 fee change
    assert any(c.idr_items > 25 for c in cases) and any(c.idr_items == 1 for c in cases)
    assert any(math.isnan(e["idr.gain"]) for e in values)  # no QPA on some line: IDR figures blank
    assert any(not s.include for c in cases for s in c.stages) and any(
        s.linked for c in cases for s in c.stages
    )


def test_every_formula_cell_is_registered(built):
    for label, _, book, _ in built:
        wb = openpyxl.load_workbook(book.path)
        formulas = {
            (ws.title, cell.coordinate)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.data_type == "f"
        }
        registered = {(ref.sheet, ref.coordinate) for ref in book.cells.cells.values()}
        assert formulas == registered, f"{label}: unregistered {sorted(formulas - registered)[:5]}"


def test_every_formula_cell_matches_udfs(built):
    problems, checked = [], 0
    for label, case, book, out in built:
        e = expected(case)
        assert set(e) == set(book.cells.cells), (
            f"{label}: keys differ {sorted(set(e) ^ set(book.cells.cells))[:5]}"
        )
        wb = openpyxl.load_workbook(out, data_only=True)
        for key, ref in book.cells.cells.items():
            actual = wb[ref.sheet][ref.coordinate].value
            checked += 1
            if not same(actual, e[key], ref.kind):
                problems.append(
                    f"{label} {key} ({ref.sheet}!{ref.coordinate}): LibreOffice {actual!r}, udfs {e[key]!r}"
                )
    assert not problems, f"{len(problems)} of {checked} cells differ:\n" + "\n".join(problems[:40])
    assert checked > 2_500


def test_no_error_values_and_text_stays_text(built):
    for label, case, _, out in built:
        wb = openpyxl.load_workbook(out, data_only=True)
        errors = [
            f"{ws.title}!{c.coordinate}={c.value}"
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("#") and c.value.endswith(("!", "?", "A"))
        ]
        assert not errors, f"{label}: {errors[:5]}"
        assert wb["Case"]["B5"].value == case.name


EDITS = {  # what an owner may do to a built workbook: no edit may leave an error value (#VALUE!...) anywhere
    "method without data": [("Case", "B9", "Charge percentile")],
    "target without data": [("Escalation", "B8", "Flat rate")],
    "NSA off, a QPA and the out-of-pocket remainder cleared, a payment typed": [
        ("Case", "B11", "N"),
        ("Lines", "L6", None),
        ("Case", "B20", None),
        ("Case", "B13", 1500),
    ],
    "new line without a Medicare amount": [("Lines", "B9", "99285"), ("Lines", "E9", 900)],
    "benefits and the dispute date cleared": [
        ("Case", "B17", None),
        ("Case", "B18", None),
        ("Case", "B19", None),
        ("IDR", "B5", None),
    ],
    "dispute date before the first fee": [("IDR", "B5", dt.date(2023, 1, 1))],
}


def test_owner_edits_leave_no_error_values(tmp_path):
    from tests.libreoffice import recalculate

    paths = []
    for i, edits in enumerate(EDITS.values()):
        path = build_case_workbook(read_case(), tmp_path / f"edit-{i}.xlsx").path
        wb = openpyxl.load_workbook(path)
        for sheet, ref, value in edits:
            wb[sheet][ref].value = value
        wb.save(path)
        paths.append(path)
    for name, out in zip(EDITS, recalculate(paths, tmp_path / "recalculated"), strict=True):
        wb = openpyxl.load_workbook(out, data_only=True)
        errors = [
            f"{ws.title}!{c.coordinate}={c.value}"
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("#") and c.value.endswith(("!", "?", "A"))
        ]
        assert not errors, f"{name}: {errors[:5]}"


CLEARED = ["Summary!B23", "Escalation!E20", "Escalation!B24", "Escalation!E24"]  # =N(IDRWin), =N(Offer)


def test_cleared_win_probability_and_offer_are_0_as_in_excel(tmp_path):
    """Excel shows a formula returning a cleared input as 0; LibreOffice gives an empty result that tests equal
    to "" and is no number (while the .xlsx it saves stores 0, so the values alone cannot tell): the cells that
    show IDRWin and Offer must be the number 0 in LibreOffice too."""
    from tests.libreoffice import recalculate

    path = build_case_workbook(read_case(), tmp_path / "cleared.xlsx").path
    wb = openpyxl.load_workbook(path)
    wb["IDR"]["B6"].value = None
    wb["Escalation"]["B7"].value = None
    assert [wb[ref.split("!")[0]][ref.split("!")[1]].value for ref in CLEARED] == [
        "=N(IDRWin)",
        "=N(IDRWin)",
        "=N(Offer)",
        "=N(Offer)",
    ]
    probe = wb.create_sheet("Probe")
    for i, ref in enumerate(CLEARED, start=1):
        probe.cell(i, 1).value = f"=ISNUMBER({ref})"
        probe.cell(i, 2).value = f'={ref}=""'
    wb.save(path)
    out = openpyxl.load_workbook(recalculate([path], tmp_path / "recalculated")[0], data_only=True)
    for i, ref in enumerate(CLEARED, start=1):
        sheet, cell = ref.split("!")
        assert out[sheet][cell].value == 0, ref
        assert out["Probe"].cell(i, 1).value is True and out["Probe"].cell(i, 2).value is False, ref
