"""OON_DEADLINE, OON_WORKDAY, OON_NETWORKDAYS and OON_BUSINESS_DAYS_LEFT as Excel calls them.

Calendars written out by hand; federal holidays (5 U.S.C. 6103) met on the way: Juneteenth Friday 2026-06-19;
Independence Day 2026 is a Saturday, observed Friday 2026-07-03; Thanksgiving Thursday 2026-11-26; New Year's
Day 2028 is a Saturday, observed Friday 2027-12-31.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from addin import functions as F
from udfs.deadlines import deadline


def col(*values):
    return np.array([[v] for v in values], dtype=object)


def cell(v):
    return np.array([[v]], dtype=object)


def test_deadline_rule_per_row_and_dates_out():
    out = F.OON_DEADLINE(
        col(
            "nsa_open_negotiation",
            "erisa_internal_appeal",
            "timely_filing",
            "EXTERNAL_REVIEW",
            "idr_initiation",
        ),
        col(46174.0, "2026-01-15", "1/15/2026", dt.date(2025, 10, 31), "2026-07-14"),
        col(None, None, 90.0, None, None),
    )
    assert out[:, 0].tolist() == [
        dt.date(2026, 7, 14),  # serial 46174 = 2026-06-01 (45658 is 2025-01-01, + 516): business day 30
        dt.date(2026, 7, 14),  # 180 days after 01-15: 16 + 28 + 31 + 30 + 31 + 30 = 166 to 06-30, + 14
        dt.date(2026, 4, 15),  # 90 days after 01-15: 16 + 28 + 31 = 75 to 03-31, + 15
        dt.date(2026, 3, 2),  # 4 months after 10-31: no Feb 31 -> March 1, a Sunday -> Monday
        # notice sent Tue 07-14 is day 1; day 34: July 14-31 (14 days), Aug 3-28 (20 more) -> Fri 08-28
        dt.date(2026, 8, 28),
    ]
    assert all(type(v) is dt.date for v in out[:, 0])  # xlwings writes datetime.date as an Excel date


def test_deadline_unknown_rule_names_the_known_ones():
    out = F.OON_DEADLINE(cell("nsa"), cell("2026-06-01"))
    assert out[0, 0].startswith("OON_DEADLINE: rule must be one of erisa_internal_appeal, ")
    assert "nsa_open_negotiation" in out[0, 0] and out[0, 0].endswith('; got "nsa"')


def test_deadline_problems_stay_in_their_rows():
    out = F.OON_DEADLINE(
        col(
            "nsa_open_negotiation", "nsa_open_negotiation", "timely_filing", "timely_filing", "timely_filing"
        ),
        col("2021-06-01", "2026-06-01", "2026-01-15", "2026-01-15", "2301-01-01"),
        col(None, None, None, 2.5, 90),
    )
    assert out[0, 0] == (
        "OON_DEADLINE: rule nsa_open_negotiation is not in force for a clock that starts 2021-06-01 "
        "(in force from 2022-01-01)"
    )
    assert out[1, 0] == dt.date(2026, 7, 14)
    assert out[2, 0] == (
        "OON_DEADLINE: rule timely_filing has no default count: give days (for timely filing, the payer's limit)"
    )
    assert out[3, 0] == "OON_DEADLINE: days must be a whole number, got 2.5"
    assert out[4, 0] == "OON_DEADLINE: start must be a date between 1900-01-01 and 2200-12-31, got 2301-01-01"


def test_deadline_column_matches_udfs():
    rng = np.random.default_rng(5)
    starts = np.datetime64("2022-01-01") + rng.integers(0, 365 * 5, 3000).astype("timedelta64[D]")
    rules = np.array(
        ["nsa_open_negotiation", "idr_initiation", "external_review", "erisa_internal_appeal"], dtype=object
    )
    r = rules[rng.integers(0, 4, starts.size)]
    # a date cell arrives from xlwings as a datetime
    cells = np.array([[dt.datetime.combine(d.item(), dt.time())] for d in starts], dtype=object)
    out = F.OON_DEADLINE(col(*r), cells)[:, 0]
    np.testing.assert_array_equal(out.astype("datetime64[D]"), deadline(r, starts))


def test_workday_across_observed_holidays():
    out = F.OON_WORKDAY(
        col("2026-07-02", "2026-07-06", "2027-12-30", "2026-07-04", "2026-07-02"),
        col(1.0, -1.0, 1.0, 0.0, 1.9),
    )
    assert out[:, 0].tolist() == [
        dt.date(2026, 7, 6),  # Fri 07-03 is July 4 observed
        dt.date(2026, 7, 2),  # back over the weekend and 07-03
        dt.date(2028, 1, 3),  # Fri 2027-12-31 is New Year's Day 2028 observed
        dt.date(2026, 7, 4),  # 0 days: the start itself, as WORKDAY
        dt.date(2026, 7, 6),  # 1.9 is truncated to 1, as WORKDAY
    ]


def test_networkdays_and_days_left():
    out = F.OON_NETWORKDAYS(
        col("2026-11-23", "2026-11-27", "2026-06-15"), col("2026-11-27", "2026-11-23", "#N/A")
    )
    assert out[0, 0] == 4.0 and out[1, 0] == -4.0  # Thanksgiving week; reversed dates count negative
    assert out[2, 0] == "OON_NETWORKDAYS: end_date is an error value (#N/A)"
    left = F.OON_BUSINESS_DAYS_LEFT(
        col("2026-07-14", "2026-07-14", "2026-07-13", "2026-07-18"),
        col("2026-07-01", "2026-07-14", "2026-07-14", "2026-07-18"),
    )
    # July 1, 2, 6-10, 13, 14 = 9; the deadline day itself = 1; a day late: NETWORKDAYS(07-14, 07-13) = -2;
    # a Saturday deadline seen that Saturday: no business day left
    assert left[:, 0].astype(float).tolist() == [9.0, 1.0, -2.0, 0.0]
