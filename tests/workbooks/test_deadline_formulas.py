"""Excel formulas for the deadline rules: their text, and parity with ``udfs`` after a real recalculation.

The parity test writes a workbook with openpyxl (no cached values), recalculates it in headless LibreOffice
(tests/libreoffice.py, recalculation forced on load) and compares every date with ``udfs.deadlines`` row by
row: a few hundred start dates, hand-picked around observed holidays and month ends plus random ones,
times every rule; WORKDAY and NETWORKDAYS themselves against ``udfs.calendar`` (Excel semantics on weekend
and holiday starts, negative and zero day counts); a versioned rules file with a gap between versions.
"""

from __future__ import annotations

import datetime as dt
import doctest
import re
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName

import workbooks.deadline_formulas as formulas_module
from udfs.calendar import federal_holidays, networkdays, workday
from udfs.deadlines import business_days_left, deadline, load_rules, window_start
from udfs.errors import InputError
from workbooks.deadline_formulas import (
    business_days_left_formula,
    deadline_formula,
    holiday_rows,
    window_start_formula,
)

D = dt.date
RULE_IDS = sorted(load_rules())
DATE_FORMAT = "yyyy-mm-dd"


def test_module_doctests() -> None:
    result = doctest.testmod(formulas_module)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------------------------- formula text

FORMULAS = [
    ("nsa_open_negotiation", None,
     '=IF(B2="","",IF(B2<DATE(2022,1,1),"nsa_open_negotiation: no rule in force before 2022-01-01",'
     "WORKDAY(B2-1,30,Holidays)))"),
    ("idr_entity_selection", None,
     '=IF(B2="","",IF(B2<DATE(2022,1,1),"idr_entity_selection: no rule in force before 2022-01-01",'
     "WORKDAY(B2,3,Holidays)))"),
    ("erisa_internal_appeal", None, '=IF(B2="","",B2+180)'),
    ("erisa_internal_appeal", "C2", '=IF(B2="","",B2+IF(ISNUMBER(C2),C2,180))'),
    ("timely_filing", "C2", '=IF(B2="","",IF(ISNUMBER(C2),B2+C2,"timely_filing: days missing"))'),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "days_ref", "expected"), FORMULAS, ids=[f"{r}-{d}" for r, d, _ in FORMULAS])
def test_formula_text(rule: str, days_ref: str | None, expected: str) -> None:
    assert deadline_formula(rule, "B2", days_ref=days_ref) == expected


def test_every_rule_has_a_formula_of_common_functions() -> None:
    allowed = {"IF", "WORKDAY", "EDATE", "DAY", "DATE", "ISNUMBER"}
    for rule in RULE_IDS:
        text = deadline_formula(rule, "Claims!$B$2", days_ref="Claims!$C$2")
        assert text.startswith('=IF(Claims!$B$2="","",')
        names = set(re.findall(r"([A-Z][A-Z.]*)\(", text))
        assert names <= allowed, (rule, names - allowed)
        assert text.count("(") == text.count(")")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rule_id": "nope", "start_ref": "B2"}, "unknown rule 'nope'"),
        (
            {"rule_id": "timely_filing", "start_ref": "B2"},
            "timely_filing has no default count: give days_ref",
        ),
        ({"rule_id": "timely_filing", "start_ref": "=B2"}, "start_ref must be a cell reference"),
        ({"rule_id": "timely_filing", "start_ref": "B2", "holidays_ref": ""}, "holidays_ref must be"),
    ],
)
def test_formula_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        deadline_formula(**kwargs)


def test_holiday_rows_match_the_calendar() -> None:
    rows = holiday_rows(2026, 2028)
    assert [np.datetime64(d, "D") for d, _ in rows] == list(federal_holidays(2026, 2028))
    assert (D(2027, 12, 31), "New Year's Day (observed)") in rows


# ---------------------------------------------------------------------------- parity in LibreOffice

VERSIONED_RULES = """\
version: 1
rules:
  - id: demo_appeal
    label: Demo appeal, old rule
    event: notice
    count: 60
    unit: calendar_days
    first_day: excluded
    roll: none
    effective_from: 2023-01-01
    effective_to: 2024-12-31
    source: demo section (a)
    wording: within 60 days
  - id: demo_appeal
    label: Demo appeal, new rule (after a gap)
    event: notice
    count: 20
    unit: business_days
    first_day: included
    roll: none
    effective_from: 2025-03-01
    effective_to: 2026-12-31
    source: demo section (a) as amended
    wording: within 20 business days beginning on the day of the notice
"""


def _start_dates() -> list[dt.date]:
    """Hand-picked edges around observed holidays and month ends, then random dates in 2022-2029."""
    edges: list[dt.date] = []
    for year in (2025, 2026, 2027):
        edges += [D(year, 10, d) for d in (28, 29, 30, 31)]  # four months ahead: Feb 28/29, no Feb 30/31
        edges += [
            D(year, 8, 31),
            D(year, 2, 28),
            D(year, 6, 18),
            D(year, 6, 19),
            D(year, 7, 3),
            D(year, 7, 4),
        ]
        edges += [D(year, 11, d) for d in range(20, 30)]  # Thanksgiving weeks
    edges += [D(2027, 12, 17) + dt.timedelta(days=i) for i in range(20)]  # Dec 24 and Dec 31 2027 observed
    edges += [D(2028, 2, 29), D(2028, 1, 17), D(2026, 1, 19), D(2022, 1, 1), D(2029, 12, 31)]
    rng = np.random.default_rng(20260601)
    first, last = D(2022, 1, 1).toordinal(), D(2029, 12, 31).toordinal()
    randoms = [D.fromordinal(int(o)) for o in rng.integers(first, last + 1, size=220)]
    return edges + randoms


@pytest.mark.libreoffice
def test_formulas_match_udfs_after_libreoffice_recalculation(tmp_path: Path, recalc: Any) -> None:
    rules_file = tmp_path / "versioned.yaml"
    rules_file.write_text(VERSIONED_RULES, encoding="utf-8")
    starts = _start_dates()
    rng = np.random.default_rng(7)

    wb = openpyxl.Workbook()
    hol = wb.active
    hol.title = "Holidays"
    hol.append(["Date", "Holiday"])
    for day, name in holiday_rows(2020, 2032):
        hol.append([day, name])
        hol.cell(hol.max_row, 1).number_format = DATE_FORMAT
    wb.defined_names["Holidays"] = DefinedName("Holidays", attr_text=f"Holidays!$A$2:$A${hol.max_row}")
    wb.defined_names["AsOf"] = DefinedName("AsOf", attr_text="Deadlines!$H$1")

    # --- every rule x every start date (plus blanks and days overrides)
    ws = wb.create_sheet("Deadlines")
    ws.append(
        ["Rule", "Start", "Days", "Deadline", "Window opens", "Business days left", "As of", D(2026, 7, 1)]
    )
    ws["H1"].number_format = DATE_FORMAT
    expected_rows: list[tuple[int, str, dt.date | None, float]] = []
    for rule in RULE_IDS:
        for start in [*starts, None]:
            if load_rules()[rule].count is None:  # timely filing, payer appeal, follow-up: per-payer counts
                days = float(rng.choice([90, 120, 180, 365]))
            elif rule == "erisa_post_service_appeal_decision" and rng.random() < 0.3:
                days = 30.0  # two appeal levels: 30 days each
            else:
                days = float("nan")
            r = ws.max_row + 1
            ws.cell(r, 1, rule)
            ws.cell(r, 2, start).number_format = DATE_FORMAT
            if not np.isnan(days):
                ws.cell(r, 3, int(days))
            ws.cell(r, 4, deadline_formula(rule, f"B{r}", days_ref=f"C{r}")).number_format = DATE_FORMAT
            ws.cell(r, 5, window_start_formula(rule, f"B{r}", days_ref=f"C{r}")).number_format = DATE_FORMAT
            ws.cell(r, 6, business_days_left_formula(f"D{r}", "AsOf"))
            expected_rows.append((r, rule, start, days))

    # --- WORKDAY / NETWORKDAYS themselves, including weekend and holiday starts, 0 and negative counts
    cal = wb.create_sheet("Calendar")
    cal.append(["Start", "Days", "WORKDAY", "End", "NETWORKDAYS"])
    calendar_rows = []
    for i, start in enumerate(starts):
        n = int(rng.integers(-300, 301)) if i % 5 else int(rng.integers(-2, 3))
        end = starts[(i * 7 + 3) % len(starts)]
        r = cal.max_row + 1
        cal.cell(r, 1, start).number_format = DATE_FORMAT
        cal.cell(r, 2, n)
        cal.cell(r, 3, f"=WORKDAY(A{r},B{r},Holidays)").number_format = DATE_FORMAT
        cal.cell(r, 4, end).number_format = DATE_FORMAT
        cal.cell(r, 5, f"=NETWORKDAYS(A{r},D{r},Holidays)")
        calendar_rows.append((r, start, n, end))

    # --- a versioned rules file: nested IFs on the start date, gap and out-of-range messages
    ver = wb.create_sheet("Versioned")
    versioned_rows = []
    for start in [D(2022, 12, 31), D(2023, 1, 1), D(2024, 12, 31), D(2025, 1, 15), D(2025, 3, 1),
                  D(2026, 7, 2), D(2026, 12, 31), D(2027, 1, 1), *starts[-40:]]:  # fmt: skip
        r = ver.max_row + 1
        ver.cell(r, 1, start).number_format = DATE_FORMAT
        ver.cell(
            r, 2, deadline_formula("demo_appeal", f"A{r}", rules_file=rules_file)
        ).number_format = DATE_FORMAT
        versioned_rows.append((r, start))

    source = tmp_path / "deadline_parity.xlsx"
    wb.save(source)
    [result] = recalc([source])
    out = openpyxl.load_workbook(result, data_only=True)

    def value(cell: Any) -> Any:
        v = cell.value
        return v.date() if isinstance(v, dt.datetime) else v

    mismatches: list[str] = []
    compared = 0
    res = out["Deadlines"]
    for r, rule, start, days in expected_rows:
        got, got_window, got_left = (value(res.cell(r, c)) for c in (4, 5, 6))
        if start is None:
            if got not in ("", None) or got_window not in ("", None) or got_left not in ("", None):
                mismatches.append(
                    f"Deadlines row {r} {rule}: blank start gave {got!r}, {got_window!r}, {got_left!r}"
                )
            continue
        rule_obj = load_rules()[rule]
        if not rule_obj.in_force(start):
            with pytest.raises(InputError, match=f"rule {rule} is not in force"):
                deadline(rule, start, days=days)
            if not (isinstance(got, str) and "no rule in force before" in got):
                mismatches.append(
                    f"Deadlines row {r} {rule} {start}: expected a not-in-force text, got {got!r}"
                )
            continue
        want = deadline(rule, start, days=days)
        want_window = window_start(rule, start, days=days)
        want_left = business_days_left(want, D(2026, 7, 1))
        compared += 1
        if (got, got_window, got_left) != (want, want_window, want_left):
            mismatches.append(
                f"Deadlines row {r} {rule} start {start} days {days}: "
                f"LibreOffice {got}, {got_window}, {got_left} / udfs {want}, {want_window}, {want_left}"
            )

    res = out["Calendar"]
    for r, start, n, end in calendar_rows:
        got_wd, got_nd = value(res.cell(r, 3)), value(res.cell(r, 5))
        want_wd, want_nd = workday(start, n), networkdays(start, end)
        compared += 1
        if (got_wd, got_nd) != (want_wd, want_nd):
            mismatches.append(
                f"Calendar row {r} {start} {n} {end}: "
                f"LibreOffice {got_wd}, {got_nd} / udfs {want_wd}, {want_nd}"
            )

    res = out["Versioned"]
    for r, start in versioned_rows:
        got = value(res.cell(r, 2))
        try:
            want: Any = deadline("demo_appeal", start, rules_file=rules_file)
        except InputError:
            if not (isinstance(got, str) and got.startswith("demo_appeal: no rule in force")):
                mismatches.append(f"Versioned row {r} {start}: udfs refuses, LibreOffice gave {got!r}")
            continue
        compared += 1
        if got != want:
            mismatches.append(f"Versioned row {r} {start}: LibreOffice {got} / udfs {want}")

    assert not mismatches, f"{len(mismatches)} mismatches of {compared}:\n" + "\n".join(mismatches[:40])
    assert compared > 3000  # every rule x a few hundred dates really compared
