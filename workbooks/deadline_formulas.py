"""Excel formulas that compute the deadlines of ``templates/rules/deadlines.yaml`` inside a workbook.

Each formula computes the same date as :func:`udfs.deadlines.deadline` for the same rule and start date,
using only functions that Excel 2016 and later and LibreOffice 7.4 both compute: ``WORKDAY`` with a
holiday range, ``NETWORKDAYS``, ``EDATE``, ``DAY``, ``DATE``, ``IF``, ``ISNUMBER`` and date arithmetic.
The holiday range (a defined name, ``Holidays`` by default) holds the federal holidays and observed days
from :func:`holiday_rows`; it must cover every year a deadline can reach.

A blank start cell gives ``""`` (an empty-looking text, not 0, which Excel would show as 1900-01-00); a start
date outside a rule's effective dates gives a short text that says so (the Python function raises there).
Cells holding these formulas need a date number format.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from udfs.calendar import federal_holiday_names
from udfs.deadlines import FirstDay, Roll, Rule, ShortMonth, Unit, rule_versions
from udfs.errors import InputError

__all__ = ["business_days_left_formula", "deadline_formula", "holiday_rows", "window_start_formula"]


def _text(message: str) -> str:
    """An Excel string literal."""
    return '"' + message.replace('"', '""') + '"'


def _date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def _ref(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or value.lstrip().startswith("="):
        raise InputError(f"{name} must be a cell reference or name such as B2 or Claims!$C$5, got {value!r}")
    return value.strip()


def _count(rule: Rule, days_ref: str | None) -> str:
    if days_ref is None:
        if rule.count is None:
            raise InputError(f"deadline_formula: rule {rule.id} has no default count: give days_ref")
        return str(rule.count)
    if rule.count is None:
        return days_ref
    return f"IF(ISNUMBER({days_ref}),{days_ref},{rule.count})"


def _expression(rule: Rule, start: str, holidays: str, days_ref: str | None, window: bool) -> str:
    """The formula (without '=') of one rule version for a non-blank start."""
    if rule.unit == Unit.BUSINESS_DAYS:
        n = str(rule.window_first) if window and rule.window_first is not None else _count(rule, days_ref)
        base = f"{start}-1" if rule.first_day == FirstDay.INCLUDED else start
        expr = f"WORKDAY({base},{n},{holidays})"
    elif rule.unit == Unit.CALENDAR_DAYS:
        n = _count(rule, days_ref)
        expr = f"{start}+{n}-1" if rule.first_day == FirstDay.INCLUDED else f"{start}+{n}"
    else:
        n = _count(rule, days_ref)
        edate = f"EDATE({start},{n})"
        if rule.short_month == ShortMonth.FIRST_OF_NEXT_MONTH:
            # EDATE clamps to the month's last day; that day is then before the start's day of month
            expr = f"{edate}+IF(DAY({edate})<DAY({start}),1,0)"
        else:
            expr = edate
    if rule.roll == Roll.NEXT_BUSINESS_DAY:
        expr = f"WORKDAY({expr}-1,1,{holidays})"
    if rule.count is None and days_ref is not None:
        expr = f"IF(ISNUMBER({days_ref}),{expr},{_text(f'{rule.id}: days missing')})"
    return expr


def _by_start_date(
    versions: tuple[Rule, ...], start: str, holidays: str, days_ref: str | None, window: bool
) -> str:
    """Nested IFs choosing the version in force on the start date, and a text where none is.

    Versions are sorted and do not overlap (checked when the rules are loaded), so every version but the
    last has an ``effective_to``.
    """
    rid = versions[0].id

    def from_version(i: int) -> str:
        version = versions[i]
        body = _expression(version, start, holidays, days_ref, window)
        if version.effective_to is None:
            return body
        if i + 1 < len(versions):
            later = versions[i + 1]
            rest = from_version(i + 1)
            assert later.effective_from is not None
            if version.effective_to + dt.timedelta(days=1) < later.effective_from:
                gap = _text(f"{rid}: no rule in force from {version.effective_to} to {later.effective_from}")
                rest = f"IF({start}<{_date(later.effective_from)},{gap},{rest})"
        else:
            rest = _text(f"{rid}: no rule in force after {version.effective_to}")
        return f"IF({start}<={_date(version.effective_to)},{body},{rest})"

    formula = from_version(0)
    first = versions[0].effective_from
    if first is not None:
        formula = f"IF({start}<{_date(first)},{_text(f'{rid}: no rule in force before {first}')},{formula})"
    return formula


def deadline_formula(
    rule_id: str,
    start_ref: str,
    holidays_ref: str = "Holidays",
    days_ref: str | None = None,
    *,
    window: bool = False,
    rules_file: str | Path | None = None,
) -> str:
    """The Excel formula (with its ``=``) of the deadline of ``rule_id`` for the start date in ``start_ref``.

    Parameters
    ----------
    rule_id : str
        A rule of ``templates/rules/deadlines.yaml``.
    start_ref : str
        Reference or name of the start-date cell (``B2``, ``$C5``, ``Claims!D2``, ``[@[Paid date]]``).
    holidays_ref : str, default "Holidays"
        Range or defined name of the holiday dates (see :func:`holiday_rows`).
    days_ref : str, optional
        Cell with a per-row count (the payer's timely-filing days); required for rules without a count,
        and for others used when it holds a number.
    window : bool, default False
        The first day of the rule's window (``idr_initiation``: business day 31) instead of its last day.
    rules_file : path, optional
        Rules file in the format of ``templates/rules/deadlines.yaml`` (default: that file).

    Returns
    -------
    str
        For example ``=IF(B2="","",IF(B2<DATE(2022,1,1),"nsa_open_negotiation: no rule in force before
        2022-01-01",WORKDAY(B2-1,30,Holidays)))``.

    Examples
    --------
    >>> deadline_formula("erisa_internal_appeal", "B2")
    '=IF(B2="","",B2+180)'
    >>> formula = deadline_formula("external_review", "B2")
    >>> formula[formula.index("WORKDAY") :]
    'WORKDAY(EDATE(B2,4)+IF(DAY(EDATE(B2,4))<DAY(B2),1,0)-1,1,Holidays)))'
    """
    start = _ref(start_ref, "start_ref")
    holidays = _ref(holidays_ref, "holidays_ref")
    days = None if days_ref is None else _ref(days_ref, "days_ref")
    table = rule_versions(rules_file)
    if rule_id not in table:
        raise InputError(
            f"deadline_formula: unknown rule {rule_id!r}; known rules: {', '.join(sorted(table))}"
        )
    body = _by_start_date(table[rule_id], start, holidays, days, window)
    return f'=IF({start}="","",{body})'


def window_start_formula(
    rule_id: str,
    start_ref: str,
    holidays_ref: str = "Holidays",
    days_ref: str | None = None,
    *,
    rules_file: str | Path | None = None,
) -> str:
    """The formula of the first day of a rule's window (IDR initiation: business day 31); for a rule
    without a window, the same as :func:`deadline_formula` (as :func:`udfs.deadlines.window_start`).

    Examples
    --------
    >>> formula = window_start_formula("idr_initiation", "B2")
    >>> formula[formula.index("WORKDAY") :]
    'WORKDAY(B2-1,31,Holidays)))'
    """
    return deadline_formula(rule_id, start_ref, holidays_ref, days_ref, window=True, rules_file=rules_file)


def business_days_left_formula(deadline_ref: str, as_of_ref: str, holidays_ref: str = "Holidays") -> str:
    """``NETWORKDAYS(as_of, deadline, Holidays)``, blank when the deadline cell is blank or holds a message
    (as :func:`udfs.deadlines.business_days_left`).

    Examples
    --------
    >>> business_days_left_formula("F2", "AsOf")
    '=IF(ISNUMBER(F2),NETWORKDAYS(AsOf,F2,Holidays),"")'
    """
    deadline = _ref(deadline_ref, "deadline_ref")
    as_of = _ref(as_of_ref, "as_of_ref")
    holidays = _ref(holidays_ref, "holidays_ref")
    return f'=IF(ISNUMBER({deadline}),NETWORKDAYS({as_of},{deadline},{holidays}),"")'


def holiday_rows(first_year: int, last_year: int) -> list[tuple[dt.date, str]]:
    """Rows ``(date, name)`` of a holiday table covering ``first_year`` to ``last_year``: every federal
    holiday and its observed weekday (5 U.S.C. 6103), sorted by date.

    Examples
    --------
    >>> for day, name in holiday_rows(2026, 2026)[5:7]:
    ...     print(day, name)
    2026-07-03 Independence Day (observed)
    2026-07-04 Independence Day
    """
    return list(federal_holiday_names(first_year, last_year))
