"""The deadline and business-day functions: ``OON_DEADLINE``, ``OON_WORKDAY``, ``OON_NETWORKDAYS`` and
``OON_BUSINESS_DAYS_LEFT`` (re-exported by :mod:`addin.functions`).

Business days are Monday to Friday except the federal holidays and their observed days
(:mod:`udfs.calendar`), built in: unlike Excel's WORKDAY and NETWORKDAYS these functions need no holiday range.
Dates come back as dates (xlwings writes them as Excel dates; format the cells as dates if Excel shows a
number). Rule ids are those of ``templates/rules/deadlines.yaml``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from udfs import calendar, deadlines

from .convert import Column, date, number, run, text
from .register import Cells, excel_function

#: The span of the federal holiday calendar (udfs.calendar): dates outside it are refused row by row.
FIRST_DAY, LAST_DAY = "1900-01-01", "2200-12-31"


def _date(fn: str, arg: str, value: Any) -> Column:
    return date(fn, arg, value, low=FIRST_DAY, high=LAST_DAY)


def _rule_problems(rule: np.ndarray, start: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Per row, why the rule cannot count from this start (None where it can): no version of the rule is in
    force for a clock starting that day, or the rule has no count and ``days`` is empty."""
    versions = deadlines.rule_versions()
    why = np.full(rule.shape, None, dtype=object)
    for rid in pd.unique(rule[rule != ""]):
        rows = (rule == rid) & ~np.isnat(start)
        covered = np.zeros(rule.shape, dtype=bool)
        for v in versions[rid]:
            here = rows.copy()
            if v.effective_from is not None:
                here &= start >= np.datetime64(v.effective_from, "D")
            if v.effective_to is not None:
                here &= start <= np.datetime64(v.effective_to, "D")
            covered |= here
            if v.count is None:
                no_days = here & np.isnan(days)
                why[no_days] = (
                    f"rule {rid} has no default count: give days (for timely filing, the payer's limit)"
                )
        spans = "; ".join(v.period() for v in versions[rid])
        for i in zip(*np.nonzero(rows & ~covered), strict=True):
            why[i] = f"rule {rid} is not in force for a clock that starts {start[i]} (in force {spans})"
    return why


@excel_function(
    rule="Deadline rule id, e.g. nsa_open_negotiation, idr_initiation, erisa_internal_appeal, external_review, timely_filing.",
    start="Date of the event that starts the clock (e.g. the day the initial payment or denial was received).",
    days="Count replacing the rule's own, in its unit (a payer's timely filing limit in days); needed for timely_filing.",
)
def OON_DEADLINE(rule, start, days=None) -> Cells:
    """Last day allowed by a deadline rule (NSA negotiation, IDR, appeals, external review, timely filing) counted in federal business days, calendar days or months from the start date."""
    fn = "OON_DEADLINE"
    known = sorted(deadlines.rule_versions())
    cols = [
        text(fn, "rule", rule, choices=known),
        _date(fn, "start", start),
        number(fn, "days", days, default=None, low=0, whole=True),
    ]

    def compute(r, s, d):
        why = _rule_problems(r, s, d)
        r = np.where(why == None, r, "")  # noqa: E711 (a blank rule gives no date)
        return deadlines.deadline(r, s, d), why

    return run(fn, cols, compute)


@excel_function(
    start_date="Start date (never counted itself).",
    days="Business days to move: positive forward, negative backward (fractions are truncated, as in WORKDAY).",
)
def OON_WORKDAY(start_date, days) -> Cells:
    """The date a number of federal business days after (or before) start_date. Unlike Excel's WORKDAY it needs no holiday range: federal holidays and observed days are built in."""
    fn = "OON_WORKDAY"
    cols = [
        _date(fn, "start_date", start_date),
        number(fn, "days", days, low=-calendar.MAX_DAYS, high=calendar.MAX_DAYS),
    ]
    return run(fn, cols, calendar.workday)


@excel_function(
    start_date="First date (counted when a business day).",
    end_date="Last date (counted when a business day); before start_date gives a negative count.",
)
def OON_NETWORKDAYS(start_date, end_date) -> Cells:
    """Federal business days from start_date to end_date, both counted. Unlike Excel's NETWORKDAYS it needs no holiday range: federal holidays and observed days are built in."""
    fn = "OON_NETWORKDAYS"
    cols = [_date(fn, "start_date", start_date), _date(fn, "end_date", end_date)]
    return run(fn, cols, calendar.networkdays)


@excel_function(
    deadline="The deadline (e.g. from OON_DEADLINE).",
    as_of="The day to count from, e.g. =TODAY().",
)
def OON_BUSINESS_DAYS_LEFT(deadline, as_of) -> Cells:
    """Federal business days left from as_of to the deadline, both counted: 1 means as_of is the last business day, 0 or less that none is left. No holiday range needed."""
    fn = "OON_BUSINESS_DAYS_LEFT"
    cols = [_date(fn, "deadline", deadline), _date(fn, "as_of", as_of)]
    return run(fn, cols, deadlines.business_days_left)
