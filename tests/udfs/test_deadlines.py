"""Deadline rules against calendars counted by hand, day by day, across federal holidays.

Holidays used (OPM schedules, observed days): 2026: Jan 1, Jan 19 (MLK), Jun 19 (Juneteenth, Fri), Jul 3
(Independence Day observed), Sep 7 (Labor Day), Oct 12, Nov 11 (Wed), Nov 26 (Thanksgiving), Dec 25 (Fri).
2027: Jan 1, Jan 18, Jun 18 (Juneteenth observed), Jul 5 (Independence Day observed), Oct 11, Nov 11 (Thu),
Nov 25, Dec 24 (Christmas observed), Dec 31 (New Year's Day 2028 observed). 2028: Jan 17 (MLK).
Counting conventions: 45 CFR 149.510 as CMS words it (see templates/rules/deadlines.yaml and DOMAIN.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs.calendar import is_business_day, networkdays
from udfs.deadlines import (
    FirstDay,
    Roll,
    Rule,
    Unit,
    business_days_left,
    deadline,
    erisa_appeal_deadline,
    external_review_deadline,
    idr_initiation_window,
    load_rules,
    nsa_negotiation_end,
    nsa_open_negotiation_deadline,
    rule_versions,
    timely_filing_deadline,
    window_start,
)
from udfs.errors import InputError, TemplateError

D = dt.date

# ----------------------------------------------------------------- NSA open negotiation (day 1 = receipt)
# Each case lists the business days counted, day number in brackets, holidays and weekends skipped.
OPEN_NEGOTIATION = [
    pytest.param(
        "2026-06-01", D(2026, 7, 14),
        id="Mon 2026-06-01 received",
        # Jun 1-5 [1-5], 8-12 [6-10], 15-18 [11-14], Fri 06-19 skipped (Juneteenth), 22-26 [15-19],
        # 29-30 [20-21], Jul 1-2 [22-23], Fri 07-03 skipped (Independence Day observed), 6-10 [24-28],
        # 13 [29], Tue 07-14 [30]
    ),
    pytest.param(
        "2026-07-04", D(2026, 8, 14),
        id="Sat 2026-07-04 received: Monday is day 1",
        # Jul 6-10 [1-5], 13-17 [6-10], 20-24 [11-15], 27-31 [16-20], Aug 3-7 [21-25], 10-14 [26-30]
    ),
    pytest.param(
        "2026-06-19", D(2026, 8, 3),
        id="received on Juneteenth (Fri holiday)",
        # Jun 22-26 [1-5], 29-30 [6-7], Jul 1-2 [8-9], (07-03 observed), 6-10 [10-14], 13-17 [15-19],
        # 20-24 [20-24], 27-31 [25-29], Mon Aug 3 [30]
    ),
    pytest.param(
        "2027-06-14", D(2027, 7, 27),
        id="2027 Juneteenth and Independence Day both observed",
        # Jun 14-17 [1-4], Fri 06-18 skipped (Juneteenth observed), 21-25 [5-9], 28-30 [10-12],
        # Jul 1-2 [13-14], Mon 07-05 skipped (Independence Day observed), 6-9 [15-18], 12-16 [19-23],
        # 19-23 [24-28], 26 [29], Tue 07-27 [30]
    ),
    pytest.param(
        "2027-12-13", D(2028, 1, 26),
        id="2027 year end: Dec 24 and Dec 31 observed, MLK 2028",
        # Dec 13-17 [1-5], 20-23 [6-9], (24 observed), 27-30 [10-13], (31 observed New Year 2028),
        # Jan 3-7 [14-18], 10-14 [19-23], (Mon 17 MLK), 18-21 [24-27], 24-26 [28-30]
    ),
    pytest.param(
        "2026-11-09", D(2026, 12, 22),
        id="Veterans Day and Thanksgiving week 2026",
        # Nov 9-10 [1-2], (Wed 11 Veterans Day), 12-13 [3-4], 16-20 [5-9], 23-25 [10-12], (Thu 26),
        # 27 [13], 30 [14], Dec 1-4 [15-18], 7-11 [19-23], 14-18 [24-28], 21 [29], Tue 12-22 [30]
    ),
    pytest.param(
        "2026-01-01", D(2026, 2, 13),
        id="received on New Year's Day, MLK Day inside",
        # Fri Jan 2 [1], 5-9 [2-6], 12-16 [7-11], (Mon 19 MLK), 20-23 [12-15], 26-30 [16-20],
        # Feb 2-6 [21-25], 9-13 [26-30]
    ),
]  # fmt: skip


@pytest.mark.parametrize(("received", "expected"), OPEN_NEGOTIATION)
def test_nsa_open_negotiation(received: str, expected: dt.date) -> None:
    assert nsa_open_negotiation_deadline(received) == expected
    assert deadline("nsa_open_negotiation", received) == expected
    assert networkdays(received, expected) == 30  # both ends counted: the receipt day is day 1 (or a weekend)


# ------------------------------------------------- negotiation end and IDR initiation (day 1 = notice sent)
NEGOTIATION = [
    pytest.param(
        "2026-07-14", D(2026, 8, 24), (D(2026, 8, 25), D(2026, 8, 28)),
        id="notice Tue 2026-07-14",
        # Jul 14 [1], 15-17 [2-4], 20-24 [5-9], 27-31 [10-14], Aug 3-7 [15-19], 10-14 [20-24],
        # 17-21 [25-29], Mon 24 [30]; window Tue 25 [31], 26 [32], 27 [33], Fri 28 [34]
    ),
    pytest.param(
        "2026-08-10", D(2026, 9, 21), (D(2026, 9, 22), D(2026, 9, 25)),
        id="Labor Day inside",
        # Aug 10-14 [1-5], 17-21 [6-10], 24-28 [11-15], 31 [16], Sep 1-4 [17-20], (Mon 7 Labor Day),
        # 8-11 [21-24], 14-18 [25-29], Mon 21 [30]; window 22 [31] .. Fri 25 [34]
    ),
    pytest.param(
        "2027-10-11", D(2027, 11, 23), (D(2027, 11, 24), D(2027, 11, 30)),
        id="notice sent on Columbus Day, Thanksgiving inside the window",
        # (Mon 10-11 holiday) Oct 12-15 [1-4], 18-22 [5-9], 25-29 [10-14], Nov 1-5 [15-19], 8-10 [20-22],
        # (Thu 11 Veterans Day), 12 [23], 15-19 [24-28], 22 [29], Tue 23 [30]; window Wed 24 [31],
        # (Thu 25 Thanksgiving), Fri 26 [32], Mon 29 [33], Tue 30 [34]
    ),
]  # fmt: skip


@pytest.mark.parametrize(("notice", "end", "window"), NEGOTIATION)
def test_negotiation_end_and_idr_window(notice: str, end: dt.date, window: tuple[dt.date, dt.date]) -> None:
    assert nsa_negotiation_end(notice) == end
    assert idr_initiation_window(notice) == window
    assert deadline("idr_initiation", notice) == window[1]
    assert window_start("idr_initiation", notice) == window[0]
    assert networkdays(window[0], window[1]) == 4


# ---------------------------------------------------------------- IDR after initiation ("after the date")
IDR_LATER = [
    pytest.param(
        "idr_entity_selection", "2026-11-25", D(2026, 12, 1),
        id="selection: initiated Wed before Thanksgiving",
        # (Thu 26 Thanksgiving) Fri 27 [1], Mon 30 [2], Tue Dec 1 [3]
    ),
    pytest.param(
        "idr_offers_due", "2026-12-22", D(2027, 1, 7),
        id="offers: selected Tue 2026-12-22",
        # 23 [1], 24 [2], (Fri 25), 28-31 [3-6], (Fri Jan 1), Jan 4-7 [7-10]
    ),
    pytest.param(
        "idr_determination", "2027-06-07", D(2027, 7, 21),
        id="determination: selected Mon 2027-06-07",
        # Jun 8-11 [1-4], 14-17 [5-8], (18 observed), 21-25 [9-13], 28-30 [14-16], Jul 1-2 [17-18],
        # (Mon 5 observed), 6-9 [19-22], 12-16 [23-27], 19-21 [28-30]
    ),
    pytest.param(
        "idr_cooling_off", "2026-03-10", D(2026, 6, 8),
        id="cooling-off: 90 calendar days",
        # Mar 11-31 = 21, April 30 -> 51, May 31 -> 82, Jun 1-8 -> 90
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "start", "expected"), IDR_LATER)
def test_idr_later_steps(rule: str, start: str, expected: dt.date) -> None:
    assert deadline(rule, start) == expected


# ----------------------------------------------------------------------------- calendar-day rules
CALENDAR = [
    pytest.param("erisa_internal_appeal", "2026-03-02", None, D(2026, 8, 29),
                 id="ERISA 180: Mar 2 + 180 = Sat Aug 29, no roll"),
    # Mar 3-31 = 29, Apr 30 -> 59, May 31 -> 90, Jun 30 -> 120, Jul 31 -> 151, Aug 1-29 -> 180
    pytest.param("erisa_internal_appeal", "2025-12-31", None, D(2026, 6, 29), id="ERISA 180 over year end"),
    # Jan 31, Feb 28 -> 59, Mar 31 -> 90, Apr 30 -> 120, May 31 -> 151, Jun 1-29 -> 180
    pytest.param("erisa_post_service_appeal_decision", "2026-01-15", None, D(2026, 3, 16),
                 id="ERISA decision 60"),
    # Jan 16-31 = 16, Feb 28 -> 44, Mar 1-16 -> 60
    pytest.param("ma_reconsideration", "2026-11-01", None, D(2026, 12, 31), id="MA 60"),
    # Nov 2-30 = 29, Dec 1-31 -> 60
    pytest.param("timely_filing", "2026-01-15", 90, D(2026, 4, 15), id="timely filing 90"),
    # Jan 16-31 = 16, Feb -> 44, Mar -> 75, Apr 1-15 -> 90
    pytest.param("timely_filing", "2026-01-15", 120, D(2026, 5, 15), id="timely filing 120 (Aetna)"),
    pytest.param("timely_filing", "2026-01-15", 180, D(2026, 7, 14), id="timely filing 180"),
    # Apr 30 -> 105, May 31 -> 136, Jun 30 -> 166, Jul 1-14 -> 180
]  # fmt: skip


@pytest.mark.parametrize(("rule", "start", "days", "expected"), CALENDAR)
def test_calendar_day_rules(rule: str, start: str, days: int | None, expected: dt.date) -> None:
    assert deadline(rule, start, days=days) == expected


def test_convenience_functions() -> None:
    assert erisa_appeal_deadline("2026-03-02") == D(2026, 8, 29)
    assert timely_filing_deadline("2026-01-15", 90) == D(2026, 4, 15)
    assert list(timely_filing_deadline(["2026-01-15", None], [90, 120]).astype(object)) == [
        D(2026, 4, 15),
        None,
    ]


# ---------------------------------------------------------------------- external review: four months
EXTERNAL = [
    ("2025-10-31", D(2026, 3, 2), "no Feb 31 -> first of fifth month Sun Mar 1 -> Mon Mar 2"),
    ("2025-10-30", D(2026, 3, 2), "the rule's own example: no Feb 30 -> Mar 1 (a Sunday in 2026) -> Mon"),
    ("2025-10-28", D(2026, 3, 2), "Feb 28 2026 is a Saturday -> Mon Mar 2"),
    ("2027-10-29", D(2028, 2, 29), "leap year: Feb 29 2028 exists (Tuesday)"),
    ("2027-10-30", D(2028, 3, 1), "no Feb 30 in 2028 either -> Wed Mar 1"),
    ("2026-10-31", D(2027, 3, 1), "no Feb 31 -> Mon Mar 1 2027"),
    ("2026-02-28", D(2026, 6, 29), "Jun 28 2026 is a Sunday -> Mon Jun 29"),
    ("2028-02-29", D(2028, 6, 29), "Feb 29 + 4 months = Thu Jun 29"),
    ("2027-08-31", D(2028, 1, 3), "Dec 31 2027 is New Year 2028 observed (Fri) -> Mon Jan 3"),
    ("2026-07-26", D(2026, 11, 27), "Nov 26 2026 is Thanksgiving -> Fri Nov 27"),
    ("2026-08-31", D(2026, 12, 31), "Dec 31 2026 exists, a Thursday"),
]


@pytest.mark.parametrize(("received", "expected", "why"), EXTERNAL, ids=[c[2] for c in EXTERNAL])
def test_external_review_four_months(received: str, expected: dt.date, why: str) -> None:
    assert external_review_deadline(received) == expected


def test_external_review_last_of_month_variant() -> None:
    """A payer rule counting months like Excel's EDATE (short month: its last day), without roll."""
    rule = dataclasses.replace(load_rules()["external_review"], short_month="last_of_month", roll=Roll.NONE)
    assert deadline(rule, "2025-10-31") == D(2026, 2, 28)
    assert deadline(rule, "2027-10-31") == D(2028, 2, 29)


# ------------------------------------------------------------------------------ vectorisation, rows


def test_vectorised_over_rule_ids_and_dates_equals_scalar_calls() -> None:
    rules = ["nsa_open_negotiation", "erisa_internal_appeal", "", "external_review", "timely_filing", None]
    starts = ["2026-06-01", "2026-03-02", "2026-03-02", "2025-10-31", "2026-01-15", "2026-01-15"]
    days = [np.nan, np.nan, np.nan, np.nan, 90, np.nan]
    out = deadline(rules, starts, days=days)
    assert out.dtype == np.dtype("datetime64[D]")
    expected = [D(2026, 7, 14), D(2026, 8, 29), None, D(2026, 3, 2), D(2026, 4, 15), None]
    assert list(out.astype(object)) == expected


def test_broadcast_rules_against_dates() -> None:
    rules = np.array([["nsa_open_negotiation"], ["idr_initiation"]], dtype=object)
    starts = np.array(["2026-06-01", "2026-07-14", None], dtype=object)
    out = deadline(rules, starts)
    assert out.shape == (2, 3)
    assert out[0, 0] == np.datetime64("2026-07-14")
    assert out[1, 1] == np.datetime64("2026-08-28")
    assert np.isnat(out[:, 2]).all()


def test_days_override_a_rule_count() -> None:
    # a plan granting 30-day levels (two-level appeals): 29 CFR 2560.503-1(i)(2)(iii)(B)
    assert deadline("erisa_post_service_appeal_decision", "2026-01-15", days=30) == D(2026, 2, 14)


def test_rule_object_from_a_payer_profile() -> None:
    """A payer that extends a weekend filing deadline to the next business day."""
    rule = dataclasses.replace(load_rules()["timely_filing"], roll=Roll.NEXT_BUSINESS_DAY)
    # DOS 2026-03-02 + 90 = Sun May 31 2026 -> Mon Jun 1
    assert deadline(rule, "2026-03-02", days=90) == D(2026, 6, 1)
    assert deadline("timely_filing", "2026-03-02", days=90) == D(2026, 5, 31)


def test_business_days_left() -> None:
    # as of Wed 2026-07-01 to Tue 07-14: Jul 1, 2, (3 holiday), 6-10, 13, 14 -> 9 days, both counted
    assert business_days_left("2026-07-14", "2026-07-01") == 9
    assert business_days_left("2026-07-14", "2026-07-14") == 1  # the last day itself
    assert business_days_left("2026-07-14", "2026-07-15") == -2  # past: count negative
    assert business_days_left("2026-08-29", "2026-08-29") == 0  # Saturday deadline seen that day: not past
    left = business_days_left(["2026-07-14", None], "2026-07-01")
    assert left[0] == 9 and np.isnan(left[1])


# ------------------------------------------------------------------------------------------ errors


def test_start_before_rule_in_force_is_an_error_naming_rule_and_date() -> None:
    with pytest.raises(
        InputError, match=r"rule nsa_open_negotiation is not in force .* 2021-12-31; in force from 2022-01-01"
    ):
        deadline("nsa_open_negotiation", "2021-12-31")
    with pytest.raises(InputError, match=r"2021-06-01 \(row 2\)"):
        nsa_open_negotiation_deadline(["2026-01-05", "2021-06-01"])


def test_unknown_rule_lists_known_ones() -> None:
    with pytest.raises(InputError, match=r"unknown rule 'erisa_appeal'; known rules: .*erisa_internal"):
        deadline("erisa_appeal", "2026-01-01")


def test_timely_filing_without_days_is_an_error() -> None:
    with pytest.raises(InputError, match="rule timely_filing has no default count"):
        deadline("timely_filing", "2026-01-15")
    with pytest.raises(InputError, match=r"\(row 2\)"):
        timely_filing_deadline(["2026-01-15", "2026-01-16"], [90, None])


@pytest.mark.parametrize("days", [-1, 2.5])
def test_bad_days(days: float) -> None:
    with pytest.raises(InputError, match="days must be a whole number >= 0"):
        deadline("timely_filing", "2026-01-15", days=days)


# ---------------------------------------------------------------------------------- the rules file


def test_shipped_rules() -> None:
    rules = load_rules()
    assert {
        "nsa_open_negotiation", "nsa_negotiation_end", "idr_initiation", "idr_entity_selection",
        "idr_offers_due", "idr_determination", "idr_cooling_off", "erisa_internal_appeal",
        "erisa_post_service_appeal_decision", "external_review", "ma_reconsideration", "timely_filing",
    } <= set(rules)  # fmt: skip
    for rule in rules.values():
        assert isinstance(rule, Rule)
        assert rule.source and rule.wording, rule.id
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules["timely_filing"].count = 90  # type: ignore[misc]
    assert rules["idr_initiation"].window_first == 31
    assert rules["external_review"].unit == Unit.MONTHS


VERSIONED = """\
version: 1
rules:
  - id: demo_appeal
    label: Demo appeal, old rule
    event: notice
    count: 60
    unit: calendar_days
    first_day: excluded
    roll: none
    effective_from: 2024-01-01
    effective_to: 2025-12-31
    source: demo section (a)
    wording: within 60 days
  - id: demo_appeal
    label: Demo appeal, new rule
    event: notice
    count: 65
    unit: calendar_days
    first_day: excluded
    roll: none
    effective_from: 2026-03-01
    effective_to: null
    source: demo section (a) as amended
    wording: within 65 days
"""


def test_rule_versions_by_start_date_and_as_of(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(VERSIONED, encoding="utf-8")
    assert [r.count for r in rule_versions(path)["demo_appeal"]] == [60, 65]
    assert load_rules(path)["demo_appeal"].count == 65
    assert load_rules(path, on="2025-06-01")["demo_appeal"].count == 60
    assert load_rules(path, on="2026-01-15") == {}
    # clock starting 2025-12-15 under the old rule: +60 = 2026-02-13
    assert deadline("demo_appeal", "2025-12-15", rules_file=path) == D(2026, 2, 13)
    # the same clock counted by the rule in force on 2026-03-01: +65 = 2026-02-18
    assert deadline("demo_appeal", "2025-12-15", as_of="2026-03-01", rules_file=path) == D(2026, 2, 18)
    with pytest.raises(InputError, match="not in force for a clock that starts 2026-01-15"):
        deadline("demo_appeal", "2026-01-15", rules_file=path)


def test_malformed_rules_file_lists_every_problem_with_lines(tmp_path: Path) -> None:
    text = VERSIONED.replace("unit: calendar_days", "unit: weeks", 1).replace("count: 65", "count: -5")
    text = text.replace("effective_from: 2026-03-01", "effective_from: 2025-06-01")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        rule_versions(path)
    message = str(info.value)
    assert f"{path}:7: unit: 'weeks' is not one of business_days, calendar_days, months" in message
    assert f"{path}:17: count: -5 must be a whole number >= 0 or null" in message


def test_overlapping_versions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "overlap.yaml"
    path.write_text(
        VERSIONED.replace("effective_from: 2026-03-01", "effective_from: 2025-06-01"), encoding="utf-8"
    )
    with pytest.raises(
        TemplateError, match="demo_appeal: versions from 2024-01-01 to 2025-12-31 and from 2025-06-01 overlap"
    ):
        rule_versions(path)


# ---------------------------------------------------------------------------------------- properties

# Rules with a default count (the others, timely filing, payer appeal and follow-up, take a per-row count)
RULE_IDS = [rid for rid, r in load_rules().items() if r.count is not None]


@settings(max_examples=200)
@given(
    rule=st.sampled_from(RULE_IDS),
    start=st.dates(min_value=D(2022, 1, 1), max_value=D(2030, 12, 31)),
)
def test_deadline_never_before_start_and_window_inside(rule: str, start: dt.date) -> None:
    end = deadline(rule, start)
    assert end >= start
    opens = window_start(rule, start)
    assert start <= opens <= end
    if load_rules()[rule].unit == Unit.BUSINESS_DAYS:
        assert is_business_day(end)


@given(
    start=st.dates(min_value=D(2022, 1, 1), max_value=D(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=400),
)
def test_timely_filing_is_start_plus_days(start: dt.date, days: int) -> None:
    assert deadline("timely_filing", start, days=days) == start + dt.timedelta(days=days)


@given(st.lists(st.dates(min_value=D(2022, 1, 1), max_value=D(2030, 12, 31)), min_size=1, max_size=20))
def test_array_equals_scalar_calls(starts: list[dt.date]) -> None:
    out = nsa_open_negotiation_deadline(starts)
    assert list(out.astype(object)) == [nsa_open_negotiation_deadline(s) for s in starts]


def test_calendar_days_with_the_start_day_counted() -> None:
    """A rule "within 10 calendar days beginning on the day of the notice": day 1 is the notice day."""
    rule = Rule(
        id="demo_ten_days",
        label="demo",
        event="notice",
        count=10,
        unit=Unit.CALENDAR_DAYS,
        first_day=FirstDay.INCLUDED,
        source="demo",
        wording="within 10 calendar days beginning on the day of the notice",
    )
    # Jan 5 [1], 6 [2], ..., Jan 14 [10]
    assert deadline(rule, "2026-01-05") == D(2026, 1, 14)
