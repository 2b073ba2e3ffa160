"""Deadlines in federal business days, calendar days or months, from rules kept as data.

The rules (No Surprises Act open negotiation and IDR, ERISA appeals, external review, Medicare Advantage
reconsideration, timely filing...) live in ``templates/rules/deadlines.yaml`` with their source, wording and
effective dates; :func:`load_rules` reads them into :class:`Rule` records and :func:`deadline` applies them to
whole columns of start dates at once. The counting conventions:

- **business days** are Monday to Friday except federal holidays and their observed days
  (:mod:`udfs.calendar`); with ``first_day: included`` the start day is business day 1 when it is a business
  day ("within 30 business days beginning on the day ..."), so the last day is ``WORKDAY(start - 1, N)``;
  with ``excluded`` ("N business days after ...") it is ``WORKDAY(start, N)``;
- **calendar days** after the start: ``start + N`` (``start + N - 1`` when the start day counts);
- **months**: the same day N months later; where that day does not exist the rule says whether the deadline
  is the first day of the following month (federal external review) or the month's last day (Excel EDATE);
- **roll**: ``next_business_day`` moves a deadline on a weekend or federal holiday to the next business day;
  ``none`` keeps it (the earlier, safe reading where the source is silent).

A rule applies to clocks that *start* within its effective dates; a start date outside every version of a
rule is an error that names the rule and the date. Dates go in and come out as in :mod:`udfs.calendar`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

from .arrays import broadcast, floats
from .calendar import NAT, _calendar, _date_out, networkdays, to_dates
from .errors import InputError, TemplateError
from .reference import template_path

__all__ = [
    "RULES_FILE",
    "FirstDay",
    "Roll",
    "Rule",
    "ShortMonth",
    "Unit",
    "business_days_left",
    "deadline",
    "erisa_appeal_deadline",
    "external_review_deadline",
    "idr_initiation_window",
    "load_rules",
    "nsa_negotiation_end",
    "nsa_open_negotiation_deadline",
    "rule_versions",
    "timely_filing_deadline",
    "window_start",
]

RULES_FILE = "rules/deadlines.yaml"
ONE_DAY = np.timedelta64(1, "D")


class Unit(StrEnum):
    """What a rule counts."""

    BUSINESS_DAYS = "business_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


class FirstDay(StrEnum):
    """Whether the start day itself is day 1 (``included``) or day 1 is the day after (``excluded``)."""

    INCLUDED = "included"
    EXCLUDED = "excluded"


class Roll(StrEnum):
    """What happens to a deadline that falls on a weekend or federal holiday."""

    NONE = "none"
    NEXT_BUSINESS_DAY = "next_business_day"


class ShortMonth(StrEnum):
    """For month counts: the deadline when the target month has no such day (Oct 31 + 4 months)."""

    FIRST_OF_NEXT_MONTH = "first_of_next_month"
    LAST_OF_MONTH = "last_of_month"


@dataclasses.dataclass(frozen=True)
class Rule:
    """One deadline rule, as reviewed in ``templates/rules/deadlines.yaml``.

    Attributes
    ----------
    id : str
        Identifier (``nsa_open_negotiation``); several versions of a rule share it.
    label : str
        Plain words for a person.
    event : str
        The event whose date starts the clock.
    count : int or None
        Number of units; None when each payer or row supplies it (timely filing).
    unit : Unit
        Business days, calendar days or months.
    first_day : FirstDay
        Whether the start day is day 1.
    roll : Roll
        Whether a deadline on a weekend or holiday moves to the next business day.
    short_month : ShortMonth or None
        Month counts only: the deadline when the day does not exist in the target month.
    window_first : int or None
        Business-day rules only: the period opens on this business day (IDR initiation: 31).
    effective_from, effective_to : datetime.date or None
        The first and last start dates the rule applies to (None: unbounded).
    source : str
        Statute, regulation or guidance, with section.
    wording : str
        The words of the source the counting rests on.
    notes : str
        Choices made and why.
    """

    id: str
    label: str
    event: str
    count: int | None
    unit: Unit
    first_day: FirstDay
    roll: Roll = Roll.NONE
    short_month: ShortMonth | None = None
    window_first: int | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    source: str = ""
    wording: str = ""
    notes: str = ""

    def in_force(self, start: dt.date) -> bool:
        """True when a clock starting on ``start`` is counted by this rule."""
        return (self.effective_from is None or start >= self.effective_from) and (
            self.effective_to is None or start <= self.effective_to
        )

    def period(self) -> str:
        """The effective dates in words, for messages."""
        lo = f"from {self.effective_from}" if self.effective_from else ""
        hi = f"to {self.effective_to}" if self.effective_to else ""
        return " ".join(p for p in (lo, hi) if p) or "always"


# ------------------------------------------------------------------------------------------- loading

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED = ("id", "label", "event", "count", "unit", "first_day", "roll", "source", "wording")
_KNOWN = {f.name for f in dataclasses.fields(Rule)}


def _lines(text: str) -> dict[tuple[int, str | None], int]:
    """1-based line of each rule, keyed (index, None), and of each of its keys, keyed (index, key)."""
    out: dict[tuple[int, str | None], int] = {}
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return out
    for key, value in root.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                out[(i, None)] = item.start_mark.line + 1
                if isinstance(item, yaml.MappingNode):
                    for k, v in item.value:
                        out[(i, k.value)] = v.start_mark.line + 1
    return out


def _parse(text: str, where: str) -> dict[str, tuple[Rule, ...]]:
    """Rules by id (versions sorted by effective_from) from YAML text; every problem is reported at once."""
    try:
        data = yaml.safe_load(text)
        lines = _lines(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{where}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise TemplateError(f"{where}: expected a mapping with a 'rules' list")
    problems: list[str] = []
    rules: list[Rule] = []

    for i, entry in enumerate(data["rules"]):

        def bad(key: str | None, message: str, i: int = i) -> None:
            line = lines.get((i, key), lines.get((i, None), 0))
            problems.append(f"{where}:{line}: {key + ': ' if key else ''}{message}")

        if not isinstance(entry, dict):
            bad(None, "each rule must be a mapping")
            continue
        for key in _REQUIRED:
            if key not in entry:
                bad(None, f"rule {entry.get('id', i + 1)!r} lacks {key}")
        for key in entry:
            if key not in _KNOWN:
                bad(key, f"unknown field (known: {', '.join(sorted(_KNOWN))})")
        if any(key not in entry for key in _REQUIRED) or any(key not in _KNOWN for key in entry):
            continue
        fields: dict[str, Any] = dict(entry)
        rid = fields["id"]
        if not isinstance(rid, str) or not _ID.match(rid):
            bad("id", f"{rid!r} must be lower-case letters, digits and underscores")
        for key, enum in (
            ("unit", Unit),
            ("first_day", FirstDay),
            ("roll", Roll),
            ("short_month", ShortMonth),
        ):
            value = fields.get(key)
            if value is None and key == "short_month":
                continue
            try:
                fields[key] = enum(str(value))
            except ValueError:
                bad(key, f"{value!r} is not one of {', '.join(e.value for e in enum)}")
        count = fields["count"]
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            bad("count", f"{count!r} must be a whole number >= 0 or null")
        for key in ("effective_from", "effective_to"):
            value = fields.get(key)
            if value is not None and not (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
                bad(key, f"{value!r} must be a date YYYY-MM-DD or null")
        lo, hi = fields.get("effective_from"), fields.get("effective_to")
        if isinstance(lo, dt.date) and isinstance(hi, dt.date) and hi < lo:
            bad("effective_to", f"{hi} is before effective_from {lo}")
        for key in ("label", "event", "source", "wording"):
            if not isinstance(fields[key], str) or not fields[key].strip():
                bad(key, "must be non-empty text")
        for key in ("label", "event", "source", "wording", "notes"):
            if isinstance(fields.get(key), str):
                fields[key] = " ".join(fields[key].split())
        unit, window = fields.get("unit"), fields.get("window_first")
        if unit == Unit.MONTHS:
            if fields.get("short_month") is None:
                bad("short_month", "months rules must say first_of_next_month or last_of_month")
            if fields.get("first_day") == FirstDay.INCLUDED:
                bad("first_day", "months rules count from the day after the start: use excluded")
        elif fields.get("short_month") is not None:
            bad("short_month", "only months rules have short_month")
        if window is not None:
            if unit != Unit.BUSINESS_DAYS:
                bad("window_first", "only business_days rules have a window")
            elif isinstance(window, bool) or not isinstance(window, int) or window < 1:
                bad("window_first", f"{window!r} must be a whole number >= 1 or null")
            elif isinstance(count, int) and window > count:
                bad("window_first", f"{window} is after the last day, business day {count}")
        if len(problems) == 0:
            rules.append(Rule(**fields))

    by_id: dict[str, list[Rule]] = {}
    for rule in rules:
        by_id.setdefault(rule.id, []).append(rule)
    result: dict[str, tuple[Rule, ...]] = {}
    for rid, versions in by_id.items():
        versions.sort(key=lambda r: r.effective_from or dt.date.min)
        for a, b in itertools.pairwise(versions):
            a_end = a.effective_to or dt.date.max
            b_start = b.effective_from or dt.date.min
            if b_start <= a_end:
                problems.append(f"{where}: rule {rid}: versions {a.period()} and {b.period()} overlap")
        result[rid] = tuple(versions)
    if problems:
        raise TemplateError("\n".join(problems))
    return result


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, tuple[Rule, ...]]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read the rules file: {exc.strerror}") from None
    return _parse(text, path)


@lru_cache(maxsize=1)
def _default_path() -> str:
    return str(template_path(RULES_FILE))


def _path(path: str | Path | None) -> str:
    return _default_path() if path is None else str(Path(path))


def rule_versions(path: str | Path | None = None) -> dict[str, tuple[Rule, ...]]:
    """Every version of every rule, by id, oldest first (``path``: another rules file in the same format)."""
    return dict(_load(_path(path)))


def load_rules(path: str | Path | None = None, on: Any = None) -> dict[str, Rule]:
    """The deadline rules by id: for each id the version in force on ``on``, or the latest version.

    Parameters
    ----------
    path : path, optional
        A rules file in the format of ``templates/rules/deadlines.yaml`` (default: that file).
    on : date-like, optional
        Keep the version of each rule in force for clocks starting that day (rules not in force are left out).

    Returns
    -------
    dict of str to Rule

    Raises
    ------
    TemplateError
        Listing every problem in the file as ``file:line: field: message``.

    Examples
    --------
    >>> rule = load_rules()["nsa_open_negotiation"]
    >>> rule.count, rule.unit.value, rule.first_day.value
    (30, 'business_days', 'included')
    """
    versions = _load(_path(path))
    if on is None:
        return {rid: vs[-1] for rid, vs in versions.items()}
    day = to_dates(on, "on")
    if np.ndim(day) != 0 or np.isnat(day):
        raise InputError(f"load_rules: on must be one date, got {on!r}")
    when = day[()].item()
    return {rid: v for rid, vs in versions.items() for v in vs if v.in_force(when)}


# ------------------------------------------------------------------------------------------ counting


def _offset_business(base: np.ndarray, n: np.ndarray, cal: np.busdaycalendar) -> np.ndarray:
    """Excel WORKDAY(base, n) for arrays without missing values (n >= 0)."""
    out = base.copy()
    pos = n > 0
    if pos.any():
        out[pos] = np.busday_offset(base[pos], n[pos], roll="backward", busdaycal=cal)
    return out


def _add_months(start: np.ndarray, n: np.ndarray, short: ShortMonth) -> np.ndarray:
    """``start`` plus ``n`` months; a day the target month lacks gives its last day or the next 1st."""
    month = start.astype("datetime64[M]")
    day_index = (start - month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month
    target = month + n.astype("timedelta64[M]")
    first = target.astype("datetime64[D]")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - first).astype(np.int64)
    missing = day_index >= length
    out = first + np.minimum(day_index, length - 1).astype("timedelta64[D]")
    if short == ShortMonth.FIRST_OF_NEXT_MONTH:
        out[missing] = (target[missing] + np.timedelta64(1, "M")).astype("datetime64[D]")
    return out


def _apply(rule: Rule, start: np.ndarray, n: np.ndarray, cal: np.busdaycalendar, window: bool) -> np.ndarray:
    """Deadline (or window opening) of ``rule`` for start dates and counts without missing values."""
    if rule.unit == Unit.BUSINESS_DAYS:
        if window and rule.window_first is not None:
            n = np.full(n.shape, rule.window_first, dtype=np.int64)
        base = start - ONE_DAY if rule.first_day == FirstDay.INCLUDED else start
        out = _offset_business(base, n, cal)
    elif rule.unit == Unit.CALENDAR_DAYS:
        shift = n - 1 if rule.first_day == FirstDay.INCLUDED else n
        out = start + shift.astype("timedelta64[D]")
    else:
        out = _add_months(start, n, rule.short_month or ShortMonth.LAST_OF_MONTH)
    if rule.roll == Roll.NEXT_BUSINESS_DAY:
        out = np.busday_offset(out, 0, roll="forward", busdaycal=cal)
    return out


def _where(index: int, shape: tuple[int, ...]) -> str:
    return (
        ""
        if shape == ()
        else f" (row {index + 1})"
        if len(shape) == 1
        else f" (element {np.unravel_index(index, shape)})"
    )


def _rule_keys(rule: Any, shape: tuple[int, ...]) -> tuple[list[Any], np.ndarray | None]:
    """Distinct rules and, for arrays, the index of each row's rule in that list (-1 for a blank id)."""
    if isinstance(rule, (str, Rule)) or rule is None:
        return [rule], None
    arr = np.broadcast_to(np.asarray(rule, dtype=object), shape).reshape(-1)
    codes, uniques = pd.factorize(arr)  # hash-based, one pass; None and NaN get -1
    codes = np.asarray(codes)
    keys: list[Any] = []
    remap = np.empty(len(uniques) + 1, dtype=np.int64)
    remap[-1] = -1  # index -1 (missing) stays -1
    for i, key in enumerate(uniques):
        if isinstance(key, str):
            key = key.strip()
        if key == "" or key is None:
            remap[i] = -1
            continue
        if key not in keys:
            keys.append(key)
        remap[i] = keys.index(key)
    return keys, remap[codes]


def _versions(key: Any, table: Mapping[str, tuple[Rule, ...]]) -> tuple[Rule, ...]:
    if isinstance(key, Rule):
        return (key,)
    if not isinstance(key, str):
        raise InputError(f"deadline: rule must be a rule id or a Rule, got {key!r}")
    try:
        return table[key.strip()]
    except KeyError:
        raise InputError(f"deadline: unknown rule {key!r}; known rules: {', '.join(sorted(table))}") from None


def _deadlines(
    rule: Any,
    start: Any,
    days: npt.ArrayLike | None,
    as_of: Any,
    holidays: npt.ArrayLike | None,
    window: bool,
    rules_file: str | Path | None,
) -> np.ndarray:
    start_d = to_dates(start, "start")
    days_f = floats(np.nan if days is None else days, "days")
    as_of_d = to_dates(as_of, "as_of") if as_of is not None else np.full((), NAT)
    rule_shape = (
        () if isinstance(rule, (str, Rule)) or rule is None else np.shape(np.asarray(rule, dtype=object))
    )
    start_b, days_b, as_of_b, _ = broadcast(start_d, days_f, as_of_d, np.empty(rule_shape))
    shape = start_b.shape
    start_f, days_1, as_of_1 = start_b.reshape(-1), days_b.reshape(-1), as_of_b.reshape(-1)
    bad_days = np.isfinite(days_1) & ((days_1 < 0) | (days_1 != np.trunc(days_1)))
    if bad_days.any():
        i = int(np.flatnonzero(bad_days)[0])
        raise InputError(f"deadline: days must be a whole number >= 0, got {days_1[i]:g}{_where(i, shape)}")
    select = np.where(np.isnat(as_of_1), start_f, as_of_1)  # the date whose rules apply
    table = _load(_path(rules_file))
    keys, codes = _rule_keys(rule, shape)
    out = np.full(start_f.shape, NAT)
    valid = ~np.isnat(start_f)
    # holiday calendar wide enough for the longest count in use
    counts = [v.count or 0 for k in keys if k not in ("", None) for v in _versions(k, table)]
    longest = max([*counts, int(np.nanmax(days_1)) if np.isfinite(days_1).any() else 0])
    cal = _calendar(holidays, start_f, margin_years=longest // 240 + 2)
    for code, key in enumerate(keys):
        if key is None or (isinstance(key, str) and not key.strip()):
            continue  # no rule for these rows: no deadline
        rows = valid if codes is None else valid & (codes == code)
        if not rows.any():
            continue
        versions = _versions(key, table)
        done = np.zeros(rows.shape, dtype=bool)
        for version in versions:
            lo = np.datetime64(version.effective_from, "D") if version.effective_from else None
            hi = np.datetime64(version.effective_to, "D") if version.effective_to else None
            mask = rows.copy()
            if lo is not None:
                mask &= select >= lo
            if hi is not None:
                mask &= select <= hi
            if not mask.any():
                continue
            n = days_1[mask]
            given = np.isfinite(n)
            if version.count is None and not given.all():
                i = int(np.flatnonzero(mask)[np.flatnonzero(~given)[0]])
                raise InputError(
                    f"deadline: rule {version.id} has no default count; give days "
                    f"(for timely filing, the payer's limit){_where(i, shape)}"
                )
            n_int = np.where(given, n, version.count if version.count is not None else 0).astype(np.int64)
            out[mask] = _apply(version, start_f[mask], n_int, cal, window)
            done |= mask
        missing = rows & ~done
        if missing.any():
            i = int(np.flatnonzero(missing)[0])
            rid = versions[0].id
            spans = "; ".join(v.period() for v in versions)
            what = "starts" if np.isnat(as_of_1[i]) else "is counted as of"
            day = select[i]
            raise InputError(
                f"deadline: rule {rid} is not in force for a clock that {what} {day}{_where(i, shape)}; "
                f"in force {spans}"
            )
    return out.reshape(shape)


def deadline(
    rule: Any,
    start: Any,
    days: npt.ArrayLike | None = None,
    as_of: Any = None,
    holidays: npt.ArrayLike | None = None,
    *,
    rules_file: str | Path | None = None,
) -> Any:
    """The last day allowed by ``rule`` for a clock that starts on ``start``.

    Parameters
    ----------
    rule : str, Rule, or array_like of them
        A rule id from ``templates/rules/deadlines.yaml`` (see :func:`load_rules`) or a :class:`Rule`
        (for example one a payer profile changed with :func:`dataclasses.replace`). Per row when an
        array; a blank id (``""`` or None) gives no deadline (NaT).
    start : date-like or array_like
        Date of the event that starts the clock (see each rule's ``event``).
    days : int or array_like, optional
        Per-row count in the rule's unit, replacing the rule's count (a payer's timely-filing limit).
        NaN or None rows use the rule's count; a rule without a count (``timely_filing``) needs it.
    as_of : date-like or array_like, optional
        Select the rule version in force on this date instead of on ``start`` (for a rule change that
        applies to clocks already running).
    holidays : array_like of date-like, optional
        Non-working days; default the federal holidays with observed days.
    rules_file : path, optional
        Rules file in the format of ``templates/rules/deadlines.yaml`` to look rule ids up in.

    Returns
    -------
    datetime.date or ndarray of datetime64[D]
        The broadcast shape of ``rule``, ``start``, ``days`` and ``as_of``; NaT where ``start`` is missing.

    Raises
    ------
    InputError
        Unknown rule; a start date outside every version of its rule; a missing or negative count.

    Notes
    -----
    Business days, first day included: ``WORKDAY(start - 1, N)``; excluded: ``WORKDAY(start, N)``.
    Calendar days: ``start + N`` (``start + N - 1`` when the first day is included). Months: the same day
    ``N`` months later; a day the month lacks gives the first of the next month or the month's last day
    (rule field ``short_month``). ``roll: next_business_day`` then moves a weekend or holiday deadline to
    ``WORKDAY(deadline - 1, 1)``.

    References
    ----------
    Each rule's ``source`` and ``wording`` in ``templates/rules/deadlines.yaml``.

    Examples
    --------
    Initial payment received Monday 2026-06-01; Friday 06-19 (Juneteenth) and Friday 07-03 (Independence
    Day observed) are not business days:

    >>> deadline("nsa_open_negotiation", "2026-06-01")
    datetime.date(2026, 7, 14)
    >>> deadline(["erisa_internal_appeal", "timely_filing"], "2026-01-15", days=[None, 90])
    array(['2026-07-14', '2026-04-15'], dtype='datetime64[D]')
    """
    out = _deadlines(rule, start, days, as_of, holidays, False, rules_file)
    return _date_out(out, rule if not isinstance(rule, Rule) else "", start, days, as_of)


def window_start(
    rule: Any,
    start: Any,
    days: npt.ArrayLike | None = None,
    as_of: Any = None,
    holidays: npt.ArrayLike | None = None,
    *,
    rules_file: str | Path | None = None,
) -> Any:
    """The first day of a rule's window (``window_first``; IDR initiation: business day 31), or, for a rule
    without a window, the same date as :func:`deadline`.

    Examples
    --------
    >>> window_start("idr_initiation", "2026-06-01")  # business day 31; day 30 is 2026-07-14
    datetime.date(2026, 7, 15)
    """
    out = _deadlines(rule, start, days, as_of, holidays, True, rules_file)
    return _date_out(out, rule if not isinstance(rule, Rule) else "", start, days, as_of)


# ------------------------------------------------------------------------------------- convenience


def nsa_open_negotiation_deadline(initial_payment_date: Any, holidays: npt.ArrayLike | None = None) -> Any:
    """Last day to send the NSA open negotiation notice: business day 30 counting the day the initial
    payment or notice of denial is received as day 1 (``WORKDAY(received - 1, 30)``).

    References
    ----------
    45 CFR 149.510(b)(1); rule ``nsa_open_negotiation``.

    Examples
    --------
    >>> nsa_open_negotiation_deadline("2026-06-01")
    datetime.date(2026, 7, 14)
    """
    return deadline("nsa_open_negotiation", initial_payment_date, holidays=holidays)


def nsa_negotiation_end(notice_date: Any, holidays: npt.ArrayLike | None = None) -> Any:
    """Last day of the 30-business-day open negotiation period that begins on the day the notice is first
    sent (``WORKDAY(notice - 1, 30)``).

    References
    ----------
    45 CFR 149.510(b)(1)(i); rule ``nsa_negotiation_end``.

    Examples
    --------
    >>> nsa_negotiation_end("2026-07-14")
    datetime.date(2026, 8, 24)
    """
    return deadline("nsa_negotiation_end", notice_date, holidays=holidays)


def idr_initiation_window(notice_date: Any, holidays: npt.ArrayLike | None = None) -> tuple[Any, Any]:
    """First and last day on which Federal IDR may be initiated: business days 31 to 34 counting the day
    the open negotiation notice was first sent as day 1.

    References
    ----------
    45 CFR 149.510(b)(2)(i); rule ``idr_initiation``.

    Examples
    --------
    >>> idr_initiation_window("2026-07-14")
    (datetime.date(2026, 8, 25), datetime.date(2026, 8, 28))
    """
    first = window_start("idr_initiation", notice_date, holidays=holidays)
    last = deadline("idr_initiation", notice_date, holidays=holidays)
    return first, last


def erisa_appeal_deadline(determination_date: Any) -> Any:
    """Last day to file an ERISA internal appeal: 180 calendar days after receipt of the adverse benefit
    determination (no roll on weekends: rule ``erisa_internal_appeal``).

    References
    ----------
    29 CFR 2560.503-1(h)(3)(i).

    Examples
    --------
    >>> erisa_appeal_deadline("2026-03-02")
    datetime.date(2026, 8, 29)
    """
    return deadline("erisa_internal_appeal", determination_date)


def external_review_deadline(final_denial_date: Any, holidays: npt.ArrayLike | None = None) -> Any:
    """Last day to request external review: four months after receipt of the final internal adverse
    determination; without a corresponding day, the first day of the fifth month; a weekend or federal
    holiday moves to the next business day.

    References
    ----------
    45 CFR 147.136(d)(2)(i); 29 CFR 2590.715-2719(d)(2)(i); rule ``external_review``.

    Examples
    --------
    >>> external_review_deadline("2025-10-31")  # no Feb 31: March 1, 2026 is a Sunday, so Monday
    datetime.date(2026, 3, 2)
    """
    return deadline("external_review", final_denial_date, holidays=holidays)


def timely_filing_deadline(date_of_service: Any, days: npt.ArrayLike) -> Any:
    """Last day to file a claim: ``days`` (the payer's limit) calendar days after the date of service.

    Examples
    --------
    >>> timely_filing_deadline("2026-01-15", 90)
    datetime.date(2026, 4, 15)
    """
    return deadline("timely_filing", date_of_service, days=days)


def business_days_left(deadline: Any, as_of: Any, holidays: npt.ArrayLike | None = None) -> Any:
    """Business days from ``as_of`` to ``deadline``, both counted (``NETWORKDAYS(as_of, deadline)``).

    1 means ``as_of`` is the last business day; 0 or less means no business day is left. A deadline is
    *past* when ``deadline < as_of`` (compare the dates: a Saturday deadline seen on that Saturday counts 0
    but is not past). Workbooks show amber when ``business_days_left <= 10`` and red when past.

    Examples
    --------
    >>> business_days_left("2026-07-14", "2026-07-01")  # July 3 is a holiday
    9
    """
    return networkdays(as_of, deadline, holidays=holidays)
