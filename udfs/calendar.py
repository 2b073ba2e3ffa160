"""The US federal business-day calendar and business-day arithmetic with Excel's semantics.

A *business day* is a Monday to Friday that is not a federal holiday. Federal holidays are the legal public
holidays of 5 U.S.C. 6103(a) as the ``holidays`` package lists them (``holidays.US``, category ``public``),
with their observed days: a holiday on a Saturday is observed on the Friday before, one on a Sunday on the
Monday after (Executive Order 11582); New Year's Day 2028, a Saturday, is observed on Friday 2027-12-31.
Days on which the President closes federal offices by executive order (for example 2025-12-24) are *not*
federal holidays and count as business days here, as they do in the holiday package.

The arithmetic is vectorised on :func:`numpy.busday_offset` and :func:`numpy.busday_count` and follows
Excel's ``WORKDAY`` and ``NETWORKDAYS`` exactly, so a workbook with a holiday table computes the same dates.

Inputs are dates in any of these forms, alone or in array_like: ``datetime64``, :class:`datetime.date`,
:class:`datetime.datetime` (the time is dropped), ISO 8601 text (``"2026-07-03"``), pandas ``Timestamp``;
``None``, ``NaT``, ``NaN`` and ``""`` are missing dates and give missing results (``NaT``). Numbers are
refused: an Excel serial number is converted at the Excel boundary, never guessed here.
Scalar inputs give a scalar: a :class:`datetime.date` (or ``numpy.datetime64('NaT')``).
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Any

import holidays as holidays_pkg
import numpy as np
import numpy.typing as npt
import pandas as pd

from .arrays import broadcast, check_range, floats
from .errors import InputError

__all__ = [
    "federal_holiday_names",
    "federal_holidays",
    "is_business_day",
    "networkdays",
    "next_business_day",
    "to_dates",
    "workday",
]

NAT = np.datetime64("NaT", "D")
_FIRST_YEAR, _LAST_YEAR = 1900, 2200  # span the holiday package can compute and a date64 calendar holds
_BUSINESS_DAYS_PER_YEAR_MIN = 240  # fewer business days than any year has (260 weekdays less 11 holidays)


# --------------------------------------------------------------------------------------------- dates in


def _one_date(value: Any, name: str) -> np.datetime64:
    """One value of an object array as datetime64[D]; raises naming ``name`` for anything not a date."""
    if value is None or value is NAT:
        return NAT
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]")
    if isinstance(value, dt.datetime):  # pandas Timestamp is a datetime; NaT is caught by the != test below
        if value != value:
            return NAT
        return np.datetime64(value.date(), "D")
    if isinstance(value, dt.date):
        return np.datetime64(value, "D")
    if isinstance(value, float) and math.isnan(value):
        return NAT
    if isinstance(value, str):
        text = value.strip()
        if not text or text.upper() == "NAT":
            return NAT
        try:
            return np.datetime64(dt.datetime.fromisoformat(text).date(), "D")
        except ValueError:
            raise InputError(f"{name} must be a date (YYYY-MM-DD), got {value!r}") from None
    if type(value).__name__ == "NaTType":  # pandas.NaT without importing pandas
        return NAT
    raise InputError(f"{name} must be a date, got {value!r}")


def _strings_to_dates(arr: np.ndarray, name: str) -> np.ndarray:
    """ISO 8601 text as datetime64[D], vectorised; text too short to be a whole date is refused (numpy
    would read ``"2026"`` as 2026-01-01)."""
    stripped = np.char.strip(arr)
    length = np.char.str_len(stripped)
    missing = (length == 0) | (np.char.upper(stripped) == "NAT")
    short = ~missing & (length < 10)
    if short.any():
        raise InputError(f"{name} must be a date (YYYY-MM-DD), got {str(arr[short].reshape(-1)[0])!r}")
    try:
        return np.where(missing, "NaT", stripped).astype("datetime64[D]")
    except ValueError:
        flat = arr.reshape(-1)
        for v in flat:
            _one_date(str(v), name)  # raises on the first bad value, naming it
        raise InputError(f"{name} must hold dates (YYYY-MM-DD)") from None


def to_dates(value: Any, name: str = "date") -> np.ndarray:
    """``value`` as a ``datetime64[D]`` array (0-d for a scalar); missing values become ``NaT``.

    Parameters
    ----------
    value : date-like or array_like of date-like
        See the module docstring for the accepted forms.
    name : str
        Argument name quoted in the error message.

    Raises
    ------
    InputError
        For a number, or text that is not an ISO 8601 date, naming ``name`` and the value.

    Examples
    --------
    >>> import datetime
    >>> to_dates(["2026-07-03", None, datetime.date(2027, 12, 31)])
    array(['2026-07-03',        'NaT', '2027-12-31'], dtype='datetime64[D]')
    >>> to_dates(45000, "start")
    Traceback (most recent call last):
    ...
    udfs.errors.InputError: start must be a date, got 45000
    """
    if isinstance(value, (str, dt.date, np.datetime64)) or value is None:  # one value: no array machinery
        return np.asarray(_one_date(value, name))
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):  # pandas Series / Index / array
        value = value.to_numpy()
    # a list is read as objects: numpy would turn [nan, "2026-07-02"] into the strings 'nan', '2026-07-02'
    arr = np.array(value, dtype=object) if isinstance(value, (list, tuple)) else np.asarray(value)
    kind = arr.dtype.kind
    if kind == "M":
        return arr.astype("datetime64[D]")
    if kind in "iub":
        first = arr.reshape(-1)[0].item() if arr.size else value
        raise InputError(f"{name} must be a date, got {first!r}")
    if kind == "f":
        if np.isnan(arr).all():
            return np.full(arr.shape, NAT)
        first = arr[~np.isnan(arr)].reshape(-1)[0].item()
        raise InputError(f"{name} must be a date, got {first!r}")
    if kind in "US":
        return _strings_to_dates(arr.astype(str), name)
    flat = np.asarray(arr, dtype=object).reshape(-1)
    if flat.size and {type(v) for v in flat} == {str}:
        return _strings_to_dates(arr.astype(str), name)
    out = np.empty(flat.shape, dtype="datetime64[D]")
    for i, v in enumerate(flat):
        out[i] = _one_date(v, name)
    return out.reshape(arr.shape)


def _date_out(result: np.ndarray, *inputs: Any) -> Any:
    """``result`` as a :class:`datetime.date` (or NaT) when every input was a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs) and np.ndim(result) == 0:
        value = np.asarray(result)[()]
        return NAT if np.isnat(value) else value.item()
    return result


def _span(*arrays: np.ndarray) -> tuple[int, int] | None:
    """First and last calendar year among the non-missing dates, or None when every date is missing."""
    lo: np.datetime64 | None = None
    hi: np.datetime64 | None = None
    for a in arrays:
        valid = a[~np.isnat(a)]
        if valid.size:
            a_lo, a_hi = valid.min(), valid.max()
            lo = a_lo if lo is None or a_lo < lo else lo
            hi = a_hi if hi is None or a_hi > hi else hi
    if lo is None or hi is None:
        return None
    return int(str(lo)[:4]), int(str(hi)[:4])


# ----------------------------------------------------------------------------------- federal holidays


@lru_cache(maxsize=64)
def federal_holiday_names(first_year: int, last_year: int) -> tuple[tuple[dt.date, str], ...]:
    """Federal holidays and their names for the calendar years ``first_year`` to ``last_year``, by date.

    Both the holiday and, when it falls on a weekend, its observed weekday are listed (the observed day of
    New Year's Day of ``last_year + 1`` is included when it falls on December 31 of ``last_year``).

    Examples
    --------
    >>> for day, name in federal_holiday_names(2027, 2027)[-3:]:
    ...     print(day, day.strftime("%a"), name)
    2027-12-24 Fri Christmas Day (observed)
    2027-12-25 Sat Christmas Day
    2027-12-31 Fri New Year's Day (observed)
    """
    if not isinstance(first_year, int) or not isinstance(last_year, int):
        raise InputError(f"years must be whole numbers, got {first_year!r} and {last_year!r}")
    if not _FIRST_YEAR <= first_year <= last_year <= _LAST_YEAR:
        raise InputError(
            f"federal holidays: years must satisfy {_FIRST_YEAR} <= first_year <= last_year <= {_LAST_YEAR}, "
            f"got {first_year} and {last_year}"
        )
    calendar = holidays_pkg.US(years=range(first_year, last_year + 1), categories=("public",), observed=True)
    rows = [(day, str(name)) for day, name in calendar.items() if first_year <= day.year <= last_year]
    rows.sort()
    return tuple(rows)


@lru_cache(maxsize=64)
def federal_holidays(first_year: int, last_year: int) -> np.ndarray:
    """Federal holidays and observed days of the years ``first_year`` to ``last_year``, sorted, unique.

    Parameters
    ----------
    first_year, last_year : int
        Calendar years, inclusive.

    Returns
    -------
    ndarray of datetime64[D]
        Read-only (the result is cached). Holidays that fall on a weekend are listed as well as their
        observed weekday; a weekend date has no effect on business-day arithmetic.

    References
    ----------
    5 U.S.C. 6103(a) (legal public holidays) and (b) (observed days: Executive Order 11582);
    the ``holidays`` package, ``holidays.US``, category ``public``.

    Examples
    --------
    >>> federal_holidays(2026, 2026)[5:7]
    array(['2026-07-03', '2026-07-04'], dtype='datetime64[D]')
    """
    days = np.unique(
        np.array([d for d, _ in federal_holiday_names(first_year, last_year)], dtype="datetime64[D]")
    )
    days.setflags(write=False)
    return days


@lru_cache(maxsize=64)
def _federal_calendar(first_year: int, last_year: int) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask="1111100", holidays=federal_holidays(first_year, last_year))


def _calendar(holidays: npt.ArrayLike | None, *dates: np.ndarray, margin_years: int = 1) -> np.busdaycalendar:
    """The business-day calendar: the federal one covering ``dates`` (plus a margin) or the given holidays."""
    if holidays is not None:
        if isinstance(holidays, np.busdaycalendar):
            return holidays
        days = to_dates(holidays, "holidays").reshape(-1)
        return np.busdaycalendar(weekmask="1111100", holidays=days[~np.isnat(days)])
    span = _span(*dates)
    if span is None:
        return _federal_calendar(2000, 2000)
    first, last = span[0] - margin_years, span[1] + margin_years
    first, last = max(first, _FIRST_YEAR), min(last, _LAST_YEAR)
    if span[0] < _FIRST_YEAR or span[1] > _LAST_YEAR:
        raise InputError(
            f"dates must lie between {_FIRST_YEAR} and {_LAST_YEAR}, got years {span[0]} to {span[1]}"
        )
    return _federal_calendar(first, last)


# ---------------------------------------------------------------------------------------- arithmetic


#: Largest day count accepted: about 380 years of business days, far past any deadline and inside the
#: calendar's span (beyond it the date arithmetic would overflow).
MAX_DAYS = 100_000


def _whole_days(days: npt.ArrayLike, name: str) -> np.ndarray:
    """``days`` as float64 truncated toward zero, as Excel truncates a non-integer day count (NaN kept);
    counts beyond +/- MAX_DAYS are refused naming the argument."""
    out = np.trunc(floats(days, name))
    check_range(out, name, low=-MAX_DAYS, high=MAX_DAYS)
    return out


def workday(start: Any, days: npt.ArrayLike, holidays: npt.ArrayLike | None = None) -> Any:
    """The date ``days`` business days after (or before, when negative) ``start``: Excel's ``WORKDAY``.

    Parameters
    ----------
    start : date-like or array_like
        Start date; it need not be a business day and is never counted itself.
    days : int or array_like
        Business days to move; positive forward, negative backward, 0 returns ``start`` unchanged.
        Non-integers are truncated toward zero (as Excel does); NaN gives NaT.
    holidays : array_like of date-like, optional
        Non-working days. Default: the federal holidays (observed days included) of the years the
        dates span, with a margin wide enough for ``days``.

    Returns
    -------
    datetime.date or ndarray of datetime64[D]
        Broadcast shape of ``start`` and ``days``.

    Notes
    -----
    For ``days > 0`` the result is the ``days``-th business day after ``start``. Excel counts from
    ``start`` without moving it first, so a start on a weekend or holiday is rolled *backward* before
    offsetting (``numpy.busday_offset(start, days, roll='backward')``): ``WORKDAY(Sat, 1)`` is the Monday.
    For ``days < 0`` the start is rolled *forward*: ``WORKDAY(Sat, -1)`` is the Friday before.

    References
    ----------
    Microsoft, "WORKDAY function" (Excel help). 5 U.S.C. 6103 for the holidays.

    Examples
    --------
    Friday 2026-07-03 is Independence Day observed (July 4 is a Saturday):

    >>> workday("2026-07-02", 1)
    datetime.date(2026, 7, 6)
    >>> workday("2026-07-04", 1), workday("2026-07-04", -1)
    (datetime.date(2026, 7, 6), datetime.date(2026, 7, 2))
    >>> workday(["2026-07-04", None], [0, 5])
    array(['2026-07-04',        'NaT'], dtype='datetime64[D]')
    """
    start_arr = to_dates(start, "start")
    n = _whole_days(days, "days")
    start_b, n_b = broadcast(start_arr, n)
    ok = ~np.isnat(start_b) & np.isfinite(n_b)
    reach = int(np.abs(n_b[ok]).max()) if ok.any() else 0
    cal = _calendar(holidays, start_b, margin_years=reach // _BUSINESS_DAYS_PER_YEAR_MIN + 1)
    out = np.full(start_b.shape, NAT)
    s = start_b[ok]
    k = n_b[ok].astype(np.int64)
    res = s.copy()
    forward, backward = k > 0, k < 0
    if forward.any():
        res[forward] = np.busday_offset(s[forward], k[forward], roll="backward", busdaycal=cal)
    if backward.any():
        res[backward] = np.busday_offset(s[backward], k[backward], roll="forward", busdaycal=cal)
    out[ok] = res
    return _date_out(out, start, days)


def networkdays(start: Any, end: Any, holidays: npt.ArrayLike | None = None) -> Any:
    """Business days from ``start`` to ``end``, both counted: Excel's ``NETWORKDAYS``.

    Parameters
    ----------
    start, end : date-like or array_like
        Either may be any day; the count is negative when ``end`` is before ``start``.
    holidays : array_like of date-like, optional
        Default: the federal holidays of the years the dates span.

    Returns
    -------
    int or ndarray of float64
        Whole numbers; NaN where a date is missing (an int for scalar inputs, NaN if missing).

    Notes
    -----
    ``NETWORKDAYS(s, e) = busday_count(s, e + 1)`` when ``e >= s`` and ``-busday_count(e, s + 1)`` when
    ``e < s`` (``busday_count`` counts ``[begin, end)``).

    References
    ----------
    Microsoft, "NETWORKDAYS function" (Excel help).

    Examples
    --------
    Week of Thanksgiving 2026 (Thursday 11-26): Monday to Friday holds four business days.

    >>> networkdays("2026-11-23", "2026-11-27")
    4
    >>> networkdays("2026-11-27", "2026-11-23")
    -4
    """
    s = to_dates(start, "start")
    e = to_dates(end, "end")
    s_b, e_b = broadcast(s, e)
    cal = _calendar(holidays, s_b, e_b)
    ok = ~np.isnat(s_b) & ~np.isnat(e_b)
    out = np.full(s_b.shape, np.nan)
    ss, ee = s_b[ok], e_b[ok]
    one = np.timedelta64(1, "D")
    after = ee >= ss
    count = np.empty(ss.shape, dtype=np.int64)
    count[after] = np.busday_count(ss[after], ee[after] + one, busdaycal=cal)
    count[~after] = -np.busday_count(ee[~after], ss[~after] + one, busdaycal=cal)
    out[ok] = count
    if np.ndim(start) == 0 and np.ndim(end) == 0:
        value = float(out[()])
        return value if math.isnan(value) else int(value)
    return out


def is_business_day(date: Any, holidays: npt.ArrayLike | None = None) -> Any:
    """True for a Monday to Friday that is not a (federal, by default) holiday; False for a missing date.

    Examples
    --------
    >>> is_business_day(["2027-06-18", "2027-06-21", "2027-06-19", None])
    array([False,  True, False, False])
    """
    d = to_dates(date, "date")
    cal = _calendar(holidays, d)
    out = np.zeros(d.shape, dtype=bool)
    ok = ~np.isnat(d)
    out[ok] = np.is_busday(d[ok], busdaycal=cal)
    return bool(out[()]) if np.ndim(date) == 0 else out


def next_business_day(date: Any, holidays: npt.ArrayLike | None = None) -> Any:
    """``date`` itself when it is a business day, else the next business day (``WORKDAY(date - 1, 1)``).

    Examples
    --------
    >>> next_business_day("2026-03-01")  # a Sunday
    datetime.date(2026, 3, 2)
    """
    d = to_dates(date, "date")
    cal = _calendar(holidays, d)
    out = np.full(d.shape, NAT)
    ok = ~np.isnat(d)
    out[ok] = np.busday_offset(d[ok], 0, roll="forward", busdaycal=cal)
    return _date_out(out, date)


#: The date forms accepted in text (files and cells): ISO and the US month/day/year, nothing guessed.
DATE_TEXT_FORMS = "YYYY-MM-DD or M/D/YYYY"
_ISO_TEXT = r"^(\d{4}-\d{1,2}-\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_US_TEXT = r"^(\d{1,2}/\d{1,2}/\d{4})$"


def parse_date_texts(texts: pd.Series) -> pd.Series:
    """Dates written as ``YYYY-MM-DD`` (a time part is ignored) or ``M/D/YYYY``; anything else (``2025``,
    ``Oct 2025``, ``31/12/2025``, ``10/14``) is NaT rather than a guess.

    >>> parse_date_texts(pd.Series(["2025-10-14", "3/4/2025", "2025-10-14 00:00:00", "31/12/2025", "2025"])).tolist()
    [Timestamp('2025-10-14 00:00:00'), Timestamp('2025-03-04 00:00:00'), Timestamp('2025-10-14 00:00:00'), NaT, NaT]
    """
    text = texts.astype(str).str.strip()
    iso = pd.to_datetime(text.str.extract(_ISO_TEXT, expand=False), format="%Y-%m-%d", errors="coerce")
    us = pd.to_datetime(text.str.extract(_US_TEXT, expand=False), format="%m/%d/%Y", errors="coerce")
    return iso.fillna(us)
