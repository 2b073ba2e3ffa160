"""Federal holidays and Excel-style business-day arithmetic, against calendars written out by hand.

Holiday dates are OPM's published federal holiday schedules (opm.gov, "Federal Holidays" for 2025, 2026 and
2027): a Saturday holiday is observed on the Friday before, a Sunday holiday on the Monday after (5 U.S.C.
6103(b), Executive Order 11582). Excel semantics are Microsoft's WORKDAY and NETWORKDAYS help pages, and are
checked against LibreOffice itself in tests/workbooks/test_deadline_formulas.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from udfs.calendar import (
    NAT,
    federal_holiday_names,
    federal_holidays,
    is_business_day,
    networkdays,
    next_business_day,
    to_dates,
    workday,
)
from udfs.errors import InputError

D = dt.date

# OPM schedules: the weekday on which federal offices close for each holiday.
OPM_2025 = ["2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04",
            "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25"]  # fmt: skip
OPM_2026 = ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19",
            "2026-07-03",  # Independence Day, Saturday July 4, observed Friday
            "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"]  # fmt: skip
OPM_2027 = ["2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31",
            "2027-06-18",  # Juneteenth, Saturday June 19, observed Friday
            "2027-07-05",  # Independence Day, Sunday July 4, observed Monday
            "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25",
            "2027-12-24",  # Christmas, Saturday December 25, observed Friday
            "2027-12-31"]  # New Year's Day 2028, a Saturday, observed Friday December 31, 2027  # fmt: skip


@pytest.mark.parametrize(
    ("year", "opm"), [(2025, OPM_2025), (2026, OPM_2026), (2027, OPM_2027)], ids=["2025", "2026", "2027"]
)
def test_weekday_holidays_match_opm_schedule(year: int, opm: list[str]) -> None:
    days = federal_holidays(year, year)
    weekday_days = days[np.is_busday(days)]  # drop the Saturday/Sunday dates of observed holidays
    assert [str(d) for d in weekday_days] == opm


def test_holidays_list_actual_and_observed_days_with_names() -> None:
    rows = dict(federal_holiday_names(2027, 2027))
    assert rows[D(2027, 6, 18)] == "Juneteenth National Independence Day (observed)"
    assert rows[D(2027, 6, 19)] == "Juneteenth National Independence Day"
    assert rows[D(2027, 12, 31)] == "New Year's Day (observed)"


def test_executive_order_closures_are_not_federal_holidays() -> None:
    # 2025-12-24 (Wednesday) federal offices were closed by executive order: not a 5 U.S.C. 6103 holiday.
    assert D(2025, 12, 24) not in dict(federal_holiday_names(2025, 2025))
    assert is_business_day("2025-12-24")
    # Inauguration Day (5 U.S.C. 6103(c)) is a holiday only for employees in the Washington DC area
    assert not is_business_day("2025-01-20")  # MLK Day fell on it in 2025
    assert "Inauguration" not in " ".join(name for _, name in federal_holiday_names(2029, 2029))


def test_federal_holidays_sorted_unique_readonly_and_cached() -> None:
    days = federal_holidays(2020, 2030)
    assert np.all(np.diff(days).astype(int) > 0)
    assert federal_holidays(2020, 2030) is days
    with pytest.raises(ValueError, match="read-only"):
        days[0] = np.datetime64("2000-01-01")


def test_federal_holidays_refuses_bad_years() -> None:
    with pytest.raises(InputError, match="first_year <= last_year"):
        federal_holidays(2027, 2026)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2026, 250),  # 261 weekdays (365 days from a Thursday) - 11 weekday holidays
        (
            2027,
            249,
        ),  # 261 weekdays (365 days from a Friday) - 12 weekday holidays (Dec 24 and Dec 31 observed)
    ],
)
def test_business_days_in_a_year(year: int, expected: int) -> None:
    assert networkdays(f"{year}-01-01", f"{year}-12-31") == expected


# WORKDAY(start, days): Microsoft's definition, hand-counted on the 2026/2027 calendar above.
WORKDAY_CASES = [
    ("2026-07-02", 1, D(2026, 7, 6), "Thu -> Fri 07-03 is Independence Day observed -> Mon"),
    ("2026-07-04", 1, D(2026, 7, 6), "Saturday start is not rolled first: next business day after it"),
    ("2026-07-04", -1, D(2026, 7, 2), "Saturday start, backward: Fri 07-03 holiday, so Thu 07-02"),
    ("2026-07-03", 1, D(2026, 7, 6), "holiday start, forward"),
    ("2026-07-03", -1, D(2026, 7, 2), "holiday start, backward"),
    ("2026-07-05", 0, D(2026, 7, 5), "0 days returns the start unchanged, even a Sunday"),
    ("2026-11-25", 1, D(2026, 11, 27), "Thanksgiving Thu 11-26 skipped"),
    ("2027-12-23", 1, D(2027, 12, 27), "Fri 12-24 Christmas observed"),
    ("2027-12-30", 1, D(2028, 1, 3), "Fri 12-31 New Year 2028 observed, weekend"),
    ("2028-01-03", -1, D(2027, 12, 30), "back over New Year observed"),
    ("2026-01-16", 1, D(2026, 1, 20), "Mon 01-19 MLK Day"),
    ("2026-07-02", 1.9, D(2026, 7, 6), "days truncated toward zero like Excel: 1.9 -> 1"),
    ("2026-07-06", -1.9, D(2026, 7, 2), "-1.9 -> -1"),
]


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"), WORKDAY_CASES, ids=[c[3] for c in WORKDAY_CASES]
)
def test_workday_hand_cases(start: str, days: float, expected: dt.date, why: str) -> None:
    assert workday(start, days) == expected


def test_workday_vectorised_equals_scalar_calls() -> None:
    starts = [c[0] for c in WORKDAY_CASES]
    days = [c[1] for c in WORKDAY_CASES]
    out = workday(starts, days)
    assert out.dtype == np.dtype("datetime64[D]")
    assert list(out.astype(object)) == [c[2] for c in WORKDAY_CASES]


def test_workday_with_explicit_holidays_and_none() -> None:
    # with no holidays at all, Friday 2026-07-03 is a business day
    assert workday("2026-07-02", 1, holidays=[]) == D(2026, 7, 3)
    assert workday("2026-07-02", 1, holidays=["2026-07-03", "2026-07-06"]) == D(2026, 7, 7)


NETWORKDAYS_CASES = [
    ("2026-11-23", "2026-11-27", 4, "Thanksgiving week: Mon-Fri less Thu 11-26"),
    ("2026-11-27", "2026-11-23", -4, "reversed: negative"),
    ("2026-11-23", "2026-11-23", 1, "same business day counts 1"),
    ("2026-11-28", "2026-11-28", 0, "same Saturday counts 0"),
    ("2027-12-20", "2027-12-31", 8, "10 weekdays less Dec 24 and Dec 31 observed"),
    ("2026-06-15", "2026-06-22", 5, "Mon..Mon: 15,16,17,18 (19 Juneteenth) 22"),
    ("2026-01-16", "2026-01-20", 2, "Fri, (Mon MLK), Tue"),
]


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"), NETWORKDAYS_CASES, ids=[c[3] for c in NETWORKDAYS_CASES]
)
def test_networkdays_hand_cases(start: str, end: str, expected: int, why: str) -> None:
    assert networkdays(start, end) == expected


def test_is_business_day_and_next_business_day() -> None:
    days = ["2026-07-03", "2026-07-04", "2026-07-05", "2026-07-06", "2027-12-31", None]
    assert list(is_business_day(days)) == [False, False, False, True, False, False]
    assert list(next_business_day(days).astype(object)) == [
        D(2026, 7, 6), D(2026, 7, 6), D(2026, 7, 6), D(2026, 7, 6), D(2028, 1, 3), None
    ]  # fmt: skip


# ------------------------------------------------------------------------------------- input forms


def test_accepts_every_date_form() -> None:
    forms = [
        np.datetime64("2026-07-04"),
        D(2026, 7, 4),
        dt.datetime(2026, 7, 4, 17, 30),
        "2026-07-04",
        " 2026-07-04T09:00 ",
        pd.Timestamp("2026-07-04 23:59"),
    ]
    for form in forms:
        assert workday(form, 1) == D(2026, 7, 6), form
    assert list(workday(pd.Series(forms[:4], dtype=object), 1).astype(object)) == [D(2026, 7, 6)] * 4
    assert list(workday(pd.to_datetime(pd.Series(["2026-07-04", None])), 1).astype(object)) == [
        D(2026, 7, 6),
        None,
    ]


@pytest.mark.parametrize("missing", [None, np.nan, "", "NaT", pd.NaT, np.datetime64("NaT")])
def test_missing_in_missing_out(missing: object) -> None:
    assert np.isnat(workday(missing, 5))
    assert np.isnat(workday([missing, "2026-07-02"], 1)[0])
    assert np.isnan(networkdays(missing, "2026-07-02"))
    assert not is_business_day(missing)


def test_missing_days_gives_nat() -> None:
    assert np.isnat(workday("2026-07-02", [np.nan])[0])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (45000, "start must be a date, got 45000"),  # an Excel serial is converted at the Excel boundary
        ("2026", "start must be a date (YYYY-MM-DD), got '2026'"),  # numpy would read 2026-01-01
        ("07/04/2026", "start must be a date (YYYY-MM-DD), got '07/04/2026'"),
        (["2026-07-04", "soon"], "start must be a date (YYYY-MM-DD), got 'soon'"),
        ([D(2026, 7, 4), 3.5], "start must be a date, got 3.5"),
    ],
)
def test_bad_dates_are_named(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        workday(value, 1)


def test_to_dates_keeps_shape() -> None:
    assert to_dates([["2026-01-01"], ["2026-01-02"]]).shape == (2, 1)
    assert to_dates("2026-01-01").shape == ()
    assert to_dates(NAT).shape == ()


# ------------------------------------------------------------------------------------- properties

business_years = st.dates(min_value=D(2021, 1, 1), max_value=D(2030, 12, 31))


@given(start=business_years, n=st.integers(min_value=0, max_value=600))
def test_networkdays_of_workday_round_trip(start: dt.date, n: int) -> None:
    """From a business day, NETWORKDAYS(start, WORKDAY(start, n)) = n + 1 (both ends counted)."""
    start = next_business_day(start)
    assert networkdays(start, workday(start, n)) == n + 1


@given(start=business_years, n=st.integers(min_value=1, max_value=600))
def test_workday_lands_on_the_nth_business_day_after_any_start(start: dt.date, n: int) -> None:
    end = workday(start, n)
    assert is_business_day(end)
    assert networkdays(start + dt.timedelta(days=1), end) == n
    back = workday(start, -n)
    assert is_business_day(back)
    assert networkdays(back, start - dt.timedelta(days=1)) == n


@given(
    rows=st.integers(min_value=1, max_value=4),
    cols=st.integers(min_value=1, max_value=4),
    start=business_years,
)
def test_broadcasting_shapes(rows: int, cols: int, start: dt.date) -> None:
    starts = np.full((rows, 1), np.datetime64(start, "D"))
    days = np.arange(cols)
    out = workday(starts, days)
    assert out.shape == (rows, cols)
    assert networkdays(starts, out).shape == (rows, cols)
    assert is_business_day(out).shape == (rows, cols)
