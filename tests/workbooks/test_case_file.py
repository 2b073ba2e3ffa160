"""Reading a case file: every problem listed at once as file:line: field: message, YAML and the XLSX form alike;
Medicare amounts priced with the claim rules; the XLSX form round-trips."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
import pytest

from udfs.errors import FileError
from udfs.reference import template_path
from workbooks.case_file import read_case
from workbooks.case_source import form_rows, load_case_source

GOOD = """\
case: Spine case
date_of_service: 2025-09-02
fee_schedule: {year: 2025, locality: TX-18, setting: facility}
payer: {method: Percent of Medicare, factor: 1.2}
lines:
  - {hcpcs: "22633", billed: 24000}
  - {hcpcs: "63030", modifier: "50", billed: 9000}
"""


def errors(path) -> list[str]:
    with pytest.raises(FileError) as err:
        read_case(path)
    return str(err.value).splitlines()


def test_the_listing_is_complete_and_in_file_order(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(
        "case: Bad case\n"  # 1
        "date_of_service: 2025-10-06\n"  # 2
        "payer: {method: Percent of Medicaid, factor: -1}\n"  # 3
        "nsa: maybe\n"  # 4
        "patient:\n"  # 5
        "  coinsurance: 1.2\n"  # 6
        "  colour: red\n"  # 7
        "lines:\n"  # 8
        "  - {hcpcs: '21-41', units: 0, billed: abc}\n"  # 9
        "stages:\n"  # 10
        "  - {stage: reconsideration}\n"  # 11
        "  - {stage: appeal_1, probability: 1.4}\n"  # 12
        "  - {stage: appeal_9, days: -3}\n"  # 13
        "escalation: {discount_rate: 80%, contingency_fee: -0.1}\n"  # 14
    )
    assert errors(path) == [
        "case.yaml:3: payer.method: 'Percent of Medicaid' is not one of Percent of Medicare, Charge percentile, "
        "Percent of billed, Flat rate",
        "case.yaml:3: payer.factor: -1 is below 0",
        "case.yaml:4: nsa: 'maybe' is not true or false (yes/no)",
        "case.yaml:6: patient.coinsurance: 1.2 is not between 0 and 1",
        "case.yaml:7: patient.colour: unknown field (fields here: deductible_remaining, coinsurance, copay, "
        "oop_remaining)",
        "case.yaml:9: lines[1].hcpcs: '21-41' is not a HCPCS/CPT code (5 letters or digits)",
        "case.yaml:9: lines[1].units: 0 is not between 1 and 999",
        "case.yaml:9: lines[1].billed: 'abc' is not a number",
        "case.yaml:12: stages[2].probability: 1.4 is not between 0 and 1",
        "case.yaml:13: stages[3].days: -3 is not between 0 and 3650",
        "case.yaml:13: stages[3].stage: 'appeal_9' is not an escalation stage (one of reconsideration, appeal_1, "
        "appeal_2, peer_to_peer, external_review, nsa_open_negotiation, idr, complaint)",
        "case.yaml:14: escalation.contingency_fee: -0.1 is not between 0 and 1",
    ]


def test_semantic_problems_are_listed_too(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text(
        "date_of_service: 2025-10-06\n"  # 1
        "payer: {method: Charge percentile}\n"  # 2
        "nsa: true\n"  # 3
        "lines:\n"  # 4
        "  - {hcpcs: '21141', billed: 9000, benchmark: 7000, qpa: 900}\n"  # 5
        "  - {hcpcs: '21196', billed: 0}\n"  # 6
        "idr: {line_items: 1, dispute_date: 2023-12-01}\n"  # 7
    )
    assert errors(path) == [
        "case.yaml:6: lines[2].billed: 0 is not more than 0",
        "case.yaml:6: lines[2]: benchmark is missing: the payer's method is Charge percentile",
        "case.yaml:6: lines[2]: qpa is missing: under NSA the patient's cost sharing is computed on it",
        "case.yaml:7: idr.line_items: 1 is fewer than the case's 2 lines",
        "case.yaml:7: idr.dispute_date: IDR disputes started on 2023-12-01 predate the first federal IDR fee on "
        "record (2024-01-22); give idr.dispute_date",
    ]


def test_lines_the_fee_schedule_cannot_price_need_a_medicare_amount(tmp_path):
    # 64999 (unlisted nervous system procedure) is carrier-priced, status C in PPRRVU25_JAN1: no national amount.
    path = tmp_path / "case.yaml"
    path.write_text(GOOD + '  - {hcpcs: "64999", billed: 5000}\n')
    assert errors(path) == [
        "case.yaml:8: lines[3].hcpcs: 64999: not priced by the CY2025 fee schedule (carrier-priced (status C): no "
        "national amount); give the line's Medicare amount as medicare"
    ]
    path.write_text(GOOD + '  - {hcpcs: "64999", billed: 5000, medicare: 812.5}\n')
    line = read_case(path).lines[2]
    assert (line.medicare_unit, line.medicare_factor, line.medicare) == (812.5, 1.0, 812.5)
    assert line.rules == "Medicare amount from the case file"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "locality: TX-18",
            "case.yaml:3: fee_schedule.locality: locality 'XX-99' is not a 2025 Medicare locality",
        ),
        (
            "year: 2025",
            "case.yaml:3: fee_schedule.year: year 2031: no CY2031 fee schedule (RVU file) is embedded",
        ),
        (
            "setting: facility",
            "case.yaml:3: fee_schedule.setting: 'moon' is not facility or nonfacility (office)",
        ),
    ],
    ids=["locality", "year", "setting"],
)
def test_fee_schedule_problems_name_the_field(tmp_path, change, message):
    bad = {
        "locality: TX-18": "locality: XX-99",
        "year: 2025": "year: 2031",
        "setting: facility": "setting: moon",
    }
    path = tmp_path / "case.yaml"
    path.write_text(GOOD.replace(change, bad[change]))
    assert errors(path)[0].startswith(message)


def test_syntax_errors_and_repeated_fields(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text("date_of_service: 2025-10-06\nlines: [\n")
    assert errors(path)[0].startswith("case.yaml:3: not valid YAML")
    path.write_text(GOOD + "case: Again\n")
    assert errors(path) == ["case.yaml:8: case: appears twice (first on line 1)"]
    path.write_text("- just a list\n")
    assert errors(path) == [
        "case.yaml:1: a case file is a group of fields (see the README, 'The case file'); got a list of 1 item"
    ]
    path.write_text("# nothing yet\n")
    assert errors(path) == [
        "case.yaml:1: a case file is a group of fields (see the README, 'The case file'); the file is empty"
    ]
    assert errors(tmp_path / "missing.yaml") == ["missing.yaml: file not found"]


def test_claim_rules_price_the_lines(tmp_path):
    # 22633 ranks first (100%); 63030-50 is bilateral (BILAT SURG 1: 150%) and second (MULT PROC 2: 50%): 0.75.
    path = tmp_path / "case.yaml"
    path.write_text(GOOD)
    case = read_case(path)
    assert [x.medicare_factor for x in case.lines] == [1.0, 0.75]
    assert case.lines[1].rules.startswith("modifier 50: bilateral surgery (BILAT SURG 1): 150%")
    assert case.factors["Percent of Medicare"] == 1.2 and case.method == "Percent of Medicare"
    # Defaults: not NSA, so every payer stage is in the path and the NSA stages are listed for when it applies.
    assert [s.id for s in case.stages if s.include] == [
        "reconsideration",
        "appeal_1",
        "appeal_2",
        "external_review",
        "nsa_open_negotiation",
        "idr",
    ]
    # 2025-09-02 + 30 days = 2025-10-02 (Thu), business day 1; IDR may start on business day 31
    # (45 CFR 149.510(b)(2)(i)): October has 21 business days from the 2nd without Columbus Day (10-13), so
    # 10-31 is day 21; November 3-7 are days 22-26, 10 is 27, Veterans Day (11-11) is skipped, 12-14 are
    # 28-30, and Monday 2025-11-17 is day 31.
    assert case.idr_date == dt.date(2025, 11, 17)


def test_xlsx_form_round_trip_gives_the_same_case(tmp_path):
    example = template_path("cases/example.yaml")
    data, _, _ = load_case_source(example)
    wb = openpyxl.Workbook()
    for row in form_rows(data):
        wb.active.append(row)
    form = tmp_path / "case.xlsx"
    wb.save(form)
    from_yaml, from_form = read_case(example), read_case(form)
    assert dataclasses.replace(from_form, source="example.yaml") == from_yaml


def test_xlsx_form_problems_give_the_row(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = [
        ["date_of_service", "2025-02-30"],  # 1
        ["payer.method", "Percent of billed"],  # 2
        ["patient.coinsurance", "120%"],  # 3
        [],  # 4
        ["lines"],  # 5
        ["hcpcs", "billed", "units"],  # 6
        ["27447", "$12,500", 1],  # 7
        ["29881", "-5", 1.5],  # 8
    ]
    for row in rows:
        ws.append(row)
    path = tmp_path / "form.xlsx"
    wb.save(path)
    assert errors(path) == [
        "form.xlsx:1: date_of_service: '2025-02-30' is not a date (YYYY-MM-DD)",
        "form.xlsx:3: patient.coinsurance: '120%' is not between 0 and 1",
        "form.xlsx:8: lines[2].units: 1.5 is not a whole number",
        "form.xlsx:8: lines[2].billed: '-5' is negative",
    ]


def test_the_documented_example_reads(tmp_path):
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    path = tmp_path / "doc.yaml"
    path.write_text(re.search(r"```yaml\n(.*?)```", doc, re.S).group(1))
    case = read_case(path)
    assert [s.id for s in case.stages] == ["reconsideration", "appeal_1", "external_review"]
    assert case.lines[2].rules == "Medicare amount from the case file"


DATED = """\
date_of_service: 2025-09-02
payer: {method: Percent of Medicare}
idr: {dispute_date: 2026-07-01}
lines:
  - {hcpcs: "27447", billed: 12500}
"""


@pytest.mark.parametrize(
    ("field", "given", "message"),
    [
        # YAML reads a date-like scalar as a timestamp: an impossible one must be reported, not raised.
        (
            "date_of_service: 2025-09-02",
            "date_of_service: 2025-02-30",
            "case.yaml:1: date_of_service: '2025-02-30'",
        ),
        (
            "dispute_date: 2026-07-01",
            "dispute_date: 2026-13-01",
            "case.yaml:3: idr.dispute_date: '2026-13-01'",
        ),
        (
            "dispute_date: 2026-07-01",
            "dispute_date: 0000-01-01",
            "case.yaml:3: idr.dispute_date: '0000-01-01'",
        ),
        (
            "date_of_service: 2025-09-02",
            "date_of_service: 2025-09-02T25:00:00",
            "case.yaml:1: date_of_service: '2025-09-02T25:00:00'",
        ),
        # Only the documented form is a date: not a number, not an ISO week.
        ("dispute_date: 2026-07-01", "dispute_date: 20260701", "case.yaml:3: idr.dispute_date: 20260701"),
        (
            "date_of_service: 2025-09-02",
            "date_of_service: '2025-W36-2'",
            "case.yaml:1: date_of_service: '2025-W36-2'",
        ),
    ],
    ids=["day-30-of-february", "month-13", "year-0", "hour-25", "number", "iso-week"],
)
def test_impossible_dates_are_listed_not_raised(tmp_path, field, given, message):
    path = tmp_path / "case.yaml"
    path.write_text(DATED.replace(field, given))
    assert errors(path) == [f"{message} is not a date (YYYY-MM-DD)"]


@pytest.mark.parametrize(
    ("field", "given", "message"),
    [
        (
            "date_of_service: 2025-09-02",
            "date_of_service: 9999-12-31",
            "case.yaml:1: date_of_service: 9999-12-31",
        ),
        (
            "date_of_service: 2025-09-02",
            "date_of_service: 1899-12-31",
            "case.yaml:1: date_of_service: 1899-12-31",
        ),
        ("dispute_date: 2026-07-01", "dispute_date: 2300-01-01", "case.yaml:3: idr.dispute_date: 2300-01-01"),
    ],
    ids=["year-9999", "year-1899", "year-2300"],
)
def test_dates_outside_the_calendar_are_listed(tmp_path, field, given, message):
    # The federal holiday calendar behind every deadline spans 1900-2200 (udfs.calendar); the workbook's date
    # cells accept dates from 2000.
    path = tmp_path / "case.yaml"
    path.write_text(DATED.replace(field, given))
    assert errors(path) == [f"{message} is not between 2000-01-01 and 2199-12-31"]
    if field.startswith("date_of_service"):  # and without idr.dispute_date, computed from the date of service
        path.write_text(DATED.replace(field, given).replace("idr: {dispute_date: 2026-07-01}\n", ""))
        assert errors(path) == [f"{message} is not between 2000-01-01 and 2199-12-31"]


def test_a_date_of_service_without_a_default_idr_date_names_the_field(tmp_path):
    # Without idr.dispute_date the IDR start date is computed from the date of service: the rule is in force from
    # 2022-01-01 (45 CFR 149.510), so a 2015 service has none.
    path = tmp_path / "case.yaml"
    path.write_text(
        DATED.replace("2025-09-02", "2015-03-02").replace("idr: {dispute_date: 2026-07-01}\n", "")
    )
    assert errors(path) == [
        "case.yaml:1: date_of_service: no IDR start date can be computed from 2015-03-02 (deadline: rule "
        "idr_initiation is not in force for a clock that starts 2015-04-01; in force from 2022-01-01); give "
        "idr.dispute_date"
    ]


@pytest.mark.parametrize(
    ("path_", "value", "message"),
    [
        (
            "date_of_service",
            "2025-02-30",
            "form.xlsx:1: date_of_service: '2025-02-30' is not a date (YYYY-MM-DD)",
        ),
        (
            "idr.dispute_date",
            "2026-13-01",
            "form.xlsx:3: idr.dispute_date: '2026-13-01' is not a date (YYYY-MM-DD)",
        ),
        ("idr.dispute_date", 46000, "form.xlsx:3: idr.dispute_date: 46000 is not a date (YYYY-MM-DD)"),
        ("idr.dispute_date", True, "form.xlsx:3: idr.dispute_date: true is not a date (YYYY-MM-DD)"),
        (
            "idr.dispute_date",
            dt.time(9, 30),
            "form.xlsx:3: idr.dispute_date: 09:30:00 is not a date (YYYY-MM-DD)",
        ),
        (
            "idr.dispute_date",
            dt.date(1950, 1, 2),
            "form.xlsx:3: idr.dispute_date: 1950-01-02 is not between 2000-01-01 and 2199-12-31",
        ),
    ],
    ids=["text-february-30", "text-month-13", "number", "flag", "time", "too-early"],
)
def test_xlsx_form_date_fields(tmp_path, path_, value, message):
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = {"date_of_service": dt.date(2025, 9, 2), "payer.method": "Percent of Medicare"}
    rows["idr.dispute_date"] = dt.date(2026, 7, 1)
    rows[path_] = value
    for key, v in rows.items():
        ws.append([key, v])
    ws.append([])
    ws.append(["lines"])
    ws.append(["hcpcs", "billed"])
    ws.append(["27447", 12500])
    path = tmp_path / "form.xlsx"
    wb.save(path)
    assert errors(path) == [message]


def test_xlsx_form_date_cell_excel_cannot_show(tmp_path):
    # A number too large for a date in a date-formatted cell: Excel shows ####; openpyxl reads #VALUE!.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["date_of_service", 1e9])
    ws["B1"].number_format = "yyyy-mm-dd"
    ws.append(["payer.method", "Percent of Medicare"])
    ws.append([])
    ws.append(["lines"])
    ws.append(["hcpcs", "billed"])
    ws.append(["27447", 12500])
    path = tmp_path / "form.xlsx"
    wb.save(path)
    assert errors(path) == ["form.xlsx:1: date_of_service: '#VALUE!' is not a date (YYYY-MM-DD)"]
