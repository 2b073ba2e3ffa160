"""Cell input to arrays, and arrays back to cells, for the ``OON_*`` functions.

xlwings hands a range to a function as a 2-D numpy array (``@xw.arg(..., np.array, ndim=2)``): numbers as floats,
empty cells as ``None``, text as ``str``, dates as ``datetime``, and with ``err_to_str=True`` error values as
their text (``"#DIV/0!"``; an ``#N/A`` may also arrive as ``None``). Every argument is converted here, row by
row but without a Python loop over clean rows, into a :class:`Column`: the values plus, for rows that cannot be
used, the message that row's cell will show (``OON_GAP: paid must be a number, got "abc"``). A cell never comes
back empty: a row without an answer shows why.

Excel date serial numbers exist only here (:func:`excel_serial_to_date`, 1900 date system).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from udfs.arrays import broadcast
from udfs.calendar import parse_date_texts
from udfs.errors import OonError

#: Error values a cell can hold, as xlwings' ``err_to_str`` writes them.
EXCEL_ERRORS = frozenset(
    ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"]
)
REQUIRED = object()
_EXCEL_EPOCH = np.datetime64(
    "1899-12-30", "D"
)  # serial 0 in the 1900 date system (Excel's leap-year bug included)


@dataclass
class Column:
    """One converted argument: values (float, bool, str or datetime64[D]) and a message per unusable row."""

    values: np.ndarray
    problems: np.ndarray  # object array, None where the row is fine


def _as_2d(value: Any) -> np.ndarray:
    if isinstance(value, pd.DataFrame):
        value = value.to_numpy(dtype=object)
    arr = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape(-1, 1)
    return arr


def _quote(value: Any) -> str:
    text = str(value)
    return '"' + (text if len(text) <= 40 else text[:37] + "...") + '"'


def _describer(fname: str, arg: str, default: Any, what: str) -> Callable[[Any], str | None]:
    """The message for a cell value that could not be converted (None: an empty cell that takes a default)."""

    def describe(v: Any) -> str | None:
        if _is_blank(v):
            return f"{fname}: {arg} is empty" if default is REQUIRED else None
        if isinstance(v, str) and v.strip() in EXCEL_ERRORS:
            return f"{fname}: {arg} is an error value ({v.strip()})"
        return f"{fname}: {arg} must be {what}, got {_quote(v)}"

    return describe


def _classify_missing(
    fname: str, arg: str, raw: np.ndarray, bad: np.ndarray, default: Any, what: str
) -> np.ndarray:
    """Messages for rows where conversion failed; rows that are empty take the default when there is one.
    Each distinct failing value is classified once."""
    problems = np.full(raw.shape, None, dtype=object)
    if not bad.any():
        return problems
    describe = _describer(fname, arg, default, what)
    codes, uniques = pd.factorize(raw[bad], use_na_sentinel=True)  # None and NaN: -1, the last entry
    messages = np.array([*(describe(u) for u in uniques), describe(None)], dtype=object)
    problems[bad] = messages[codes]
    return problems


def _parse_number_text(v: Any) -> float:
    """Numbers stored as text: '$1,234.50', '20%', ' 12 '."""
    if not isinstance(v, str):
        return np.nan
    s = v.strip().replace("$", "").replace(",", "")
    scale = 1.0
    if s.endswith("%"):
        s, scale = s[:-1], 0.01
    try:
        return float(s) * scale
    except ValueError:
        return np.nan


def number(
    fname: str,
    arg: str,
    value: Any,
    default: Any = REQUIRED,
    low: float | None = None,
    high: float | None = None,
    hint: str = "",
    whole: bool = False,
) -> Column:
    """Convert cells to float64. Empty cells take ``default`` (or are an error when required); numbers stored as
    text are read; values outside [low, high] are errors naming the range (``hint`` adds a suggestion); with
    ``whole``, numbers with a fraction are errors too."""
    raw = _as_2d(value)
    try:  # numbers and empty cells (None -> NaN): one C loop
        values = raw.astype(float)
    except (TypeError, ValueError):  # text or dates among them: those come back NaN
        values = pd.to_numeric(pd.Series(raw.reshape(-1)), errors="coerce").to_numpy(dtype=float, copy=True)
        values = values.reshape(raw.shape)
    bad = np.isnan(values)
    if bad.any():  # numbers stored as text, parsed once per distinct value
        codes, uniques = pd.factorize(raw[bad], use_na_sentinel=True)
        parsed = np.array([*(_parse_number_text(u) for u in uniques), np.nan])
        values[bad] = parsed[codes]
    bad = ~np.isfinite(values)  # empty, not a number, or infinite ("inf" text): no cell holds an infinity
    problems = _classify_missing(fname, arg, raw, bad, default, "a number")
    if default is not REQUIRED:
        empty = bad & (problems == None)  # noqa: E711 (elementwise)
        values[empty] = np.nan if default is None else float(default)
    with np.errstate(invalid="ignore"):
        out = np.zeros(values.shape, dtype=bool)
        if low is not None:
            out |= values < low
        if high is not None:
            out |= values > high
    out &= ~bad  # a refused cell keeps its message; an empty one its default
    for idx in zip(*np.nonzero(out), strict=True):
        lo = "" if low is None else f"{low:g}"
        rng = f"between {lo} and {high:g}" if high is not None else f"at least {lo}"
        problems[idx] = f"{fname}: {arg} must be {rng}, got {values[idx]:g}{hint}"
    if whole:
        with np.errstate(invalid="ignore"):
            fraction = np.isfinite(values) & (values != np.trunc(values)) & (problems == None)  # noqa: E711
        for idx in zip(*np.nonzero(fraction), strict=True):
            problems[idx] = f"{fname}: {arg} must be a whole number, got {values[idx]:g}"
    return Column(values, problems)


def _by_unique(
    raw: np.ndarray,
    convert: Callable[[Any], tuple[Any, bool]],
    dtype: Any,
    describe: Callable[[Any], str | None],
    fill: Any,
    reject: Callable[[Any], str | None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convert each distinct cell value once. ``convert`` (value -> (converted, ok)); for values it refuses,
    ``describe`` (value -> message, or None for an empty cell that takes the default ``fill``); ``reject``
    (converted value -> why it is refused, or None) checks the values it accepts.
    Returns the converted values, the ok mask (False for refused and empty cells) and the messages."""
    codes, uniques = pd.factorize(raw.reshape(-1), use_na_sentinel=True)  # missing: -1, the last entry
    entries = [*uniques, None]
    conv = [*(convert(u) for u in uniques), (None, False)]
    vals = np.empty(len(conv), dtype=dtype)
    oks = np.zeros(len(conv), dtype=bool)
    why = np.full(len(conv), None, dtype=object)
    for i, (u, (v, ok)) in enumerate(zip(entries, conv, strict=True)):
        oks[i] = ok
        if ok:
            vals[i] = v
            why[i] = reject(v) if reject is not None else None
        else:
            why[i] = describe(u)
            vals[i] = fill if why[i] is None else _neutral(vals.dtype)
    problems = why[codes] if any(w is not None for w in why) else np.full(codes.shape, None, dtype=object)
    shape = raw.shape
    return vals[codes].reshape(shape), oks[codes].reshape(shape), problems.reshape(shape)


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip())


def _one_text(v: Any) -> tuple[Any, bool]:
    if _is_blank(v) or (isinstance(v, str) and v.strip() in EXCEL_ERRORS):
        return "", False
    if isinstance(v, float) and v.is_integer():
        return str(int(v)), True
    return str(v).strip(), True


def text(
    fname: str,
    arg: str,
    value: Any,
    default: Any = REQUIRED,
    choices: Sequence[str] | None = None,
    aliases: Sequence[str] = (),
    pattern: str | None = None,
    what: str = "",
) -> Column:
    """Convert cells to stripped text (numbers written without a trailing .0: 27447.0 -> '27447'); with
    ``choices``, a choice in any case is spelled as in ``choices`` and other text is an error listing the
    choices (``aliases`` are accepted too, case-insensitive, and kept as written);
    with ``pattern`` (a regular expression the whole text must match), other text is an error saying it must
    be ``what``. Each distinct value is checked once."""
    raw = _as_2d(value)
    allowed = None if choices is None else {c.upper() for c in (*choices, *aliases)}
    matcher = None if pattern is None else re.compile(pattern)

    def reject(v: str) -> str | None:
        if allowed is not None and v.upper() not in allowed:
            return f"{fname}: {arg} must be one of {', '.join(choices or ())}; got {_quote(v)}"
        if matcher is not None and not matcher.fullmatch(v):
            return f"{fname}: {arg} must be {what}, got {_quote(v)}"
        return None

    canonical = {c.upper(): c for c in choices or ()}

    def one(v: Any) -> tuple[Any, bool]:
        t, ok = _one_text(v)
        return (canonical.get(t.upper(), t) if canonical else t), ok

    checked = allowed is not None or matcher is not None
    describe = _describer(fname, arg, default, "text")
    fill = "" if default is None or default is REQUIRED else default
    out, _, problems = _by_unique(raw, one, object, describe, fill, reject if checked else None)
    return Column(out, problems)


_TRUE = {"TRUE", "YES", "Y", "1", "X"}
_FALSE = {"FALSE", "NO", "N", "0"}


def _one_flag(v: Any) -> tuple[bool, bool]:
    if isinstance(v, bool | np.bool_) or (isinstance(v, int | float) and v in (0, 1)):
        return bool(v), True
    if isinstance(v, str) and v.strip().upper() in _TRUE | _FALSE:
        return v.strip().upper() in _TRUE, True
    return False, False


def flag(fname: str, arg: str, value: Any, default: bool | object = REQUIRED) -> Column:
    """Convert cells to bool: TRUE/FALSE, 1/0, yes/no, y/n; empty takes the default."""
    raw = _as_2d(value)
    if raw.dtype == bool:
        return Column(raw.copy(), np.full(raw.shape, None, dtype=object))
    describe = _describer(fname, arg, default, "TRUE or FALSE")
    out, _, problems = _by_unique(raw, _one_flag, bool, describe, default is not REQUIRED and bool(default))
    return Column(out, problems)


def excel_serial_to_date(serial: np.ndarray) -> np.ndarray:
    """Excel 1900-system serial numbers to datetime64[D] (serial 45658 is 2025-01-01).

    >>> excel_serial_to_date(np.array([45658.0, 45658.75]))
    array(['2025-01-01', '2025-01-01'], dtype='datetime64[D]')
    """
    return _EXCEL_EPOCH + np.floor(serial).astype("int64").astype("timedelta64[D]")


def _one_date(v: Any) -> tuple[np.datetime64, bool]:
    nat = np.datetime64("NaT", "D")
    if type(v) is dt.datetime or type(v) is dt.date:  # what xlwings delivers: the quick way
        return np.datetime64(v if type(v) is dt.date else v.date(), "D"), True
    if isinstance(v, dt.datetime | dt.date | np.datetime64 | pd.Timestamp):
        return np.datetime64(pd.Timestamp(v).date(), "D"), True
    if isinstance(v, int | float) and not isinstance(v, bool) and not np.isnan(v) and 1 <= v < 2958466:
        return excel_serial_to_date(np.array([v]))[0], True
    if isinstance(v, str) and v.strip() and v.strip() not in EXCEL_ERRORS:
        parsed = parse_date_texts(pd.Series([v]))[0]
        return (nat, False) if pd.isna(parsed) else (np.datetime64(parsed.date(), "D"), True)
    return nat, False


def date(
    fname: str,
    arg: str,
    value: Any,
    default: Any = REQUIRED,
    low: str | None = None,
    high: str | None = None,
) -> Column:
    """Convert cells to datetime64[D]: date cells, Excel serial numbers, ISO text (2026-03-09) or US text
    (3/9/2026). Empty cells are NaT (an error when required); dates outside [low, high] (ISO text) are errors."""
    raw = _as_2d(value)
    if raw.dtype.kind == "M":
        out, ok = raw.astype("datetime64[D]"), ~np.isnat(raw)
        problems = _classify_missing(fname, arg, raw, ~ok, default, "a date")
    else:
        describe = _describer(fname, arg, default, "a date")
        out, ok, problems = _by_unique(raw, _one_date, "datetime64[D]", describe, np.datetime64("NaT"))
    if low is not None or high is not None:
        lo = np.datetime64(low or "0001-01-01", "D")
        hi = np.datetime64(high or "9999-12-31", "D")
        outside = ok & ((out < lo) | (out > hi))
        for idx in zip(*np.nonzero(outside), strict=True):
            problems[idx] = f"{fname}: {arg} must be a date between {lo} and {hi}, got {out[idx]}"
    return Column(out, problems)


def run(
    fname: str,
    columns: Sequence[Column],
    compute: Callable[..., Any],
) -> np.ndarray:
    """Broadcast the converted columns, call ``compute`` on their values, and build the cells to return: a
    2-D array (xlwings writes it as a range), float or bool where every row has an answer, else object.

    Rows with a conversion problem show the first problem (in argument order); ``compute`` receives those rows
    with neutral values (NaN, '' or NaT) so it can run on the whole column in one call. ``compute`` returns
    either the result array or ``(result, note)``: a note is the row's explanation when the result is NaN,
    NaT or None (text results). An :class:`~udfs.errors.OonError` raised by ``compute`` becomes every row's message.
    """
    try:
        shaped = broadcast(*[c.values for c in columns], *[c.problems for c in columns])
    except OonError as exc:
        return np.array([[f"{fname}: {exc}"]], dtype=object)
    k = len(columns)
    values, problems = shaped[:k], shaped[k:]
    shape = values[0].shape if values else (1, 1)
    message = np.full(shape, None, dtype=object)
    has_problem = np.zeros(shape, dtype=bool)
    for p in problems:  # the first problem in argument order wins
        here = ~pd.isna(p)
        if here.any():
            take = here & ~has_problem
            message[take] = p[take]
            has_problem |= here
    neutral = []
    for v in values:
        if has_problem.any():
            v = v.copy()
            v[has_problem] = _neutral(v.dtype)
        neutral.append(v)
    try:
        result = compute(*neutral)
    except OonError as exc:
        return np.full(shape, f"{fname}: {exc}", dtype=object)
    note = None
    if isinstance(result, tuple):
        result, note = result
    result = np.broadcast_to(np.asarray(result), shape)
    kind = result.dtype.kind
    if kind == "M":
        missing = np.isnat(result)
    elif kind == "f":
        missing = np.isnan(result)
        infinite = np.isinf(result) & ~has_problem
        if infinite.any():  # no cell holds an infinity (a ratio to an amount too close to 0)
            message[infinite] = f"{fname}: the result is too large for a cell (an amount is too close to 0)"
            has_problem = has_problem | infinite
    elif kind == "O":
        missing = pd.isna(result)
    else:
        missing = np.zeros(shape, dtype=bool)
    missing &= ~has_problem
    if missing.any():  # the note of each row without an answer, built once per distinct note
        fallback = f"{fname}: no answer for these inputs"
        if note is None:
            message[missing] = fallback
        else:
            notes = np.broadcast_to(np.asarray(note, dtype=object), shape)[missing]
            codes, uniques = pd.factorize(notes, use_na_sentinel=True)
            texts = np.array([*(f"{fname}: {u}" if u else fallback for u in uniques), fallback], dtype=object)
            message[missing] = texts[codes]
    if kind == "M":
        cells = result.astype("datetime64[D]").astype(object)  # datetime.date; NaT -> None
    elif kind in "fb" and not (has_problem.any() or missing.any()):
        return np.array(result)
    else:
        cells = result.astype(object)
    has_message = has_problem | missing
    if has_message.any():
        cells[has_message] = message[has_message]
    return cells


def _neutral(dtype: np.dtype) -> Any:
    if dtype.kind == "f":
        return np.nan
    if dtype.kind == "M":
        return np.datetime64("NaT")
    if dtype.kind == "b":
        return False
    return ""


def stage_rows(col: Column) -> tuple[Column, np.ndarray]:
    """For a range of stages (one row per case, one column per stage, or a single row for every case): a
    column of row numbers into the stage matrix, with a row's problem being the first problem among its
    stages. Returns that column and the stage matrix."""
    n = col.values.shape[0]
    problems = np.full((n, 1), None, dtype=object)
    for i in range(n):
        row = [p for p in col.problems[i] if p is not None]
        if row:
            problems[i, 0] = row[0]
    return Column(np.arange(n, dtype=float).reshape(n, 1), problems), col.values


def rows_of(stages: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Stage rows selected by ``index`` (NaN where a row had a problem -> row 0, masked by the caller)."""
    idx = np.where(np.isnan(index), 0, index).astype(np.intp)[..., 0]
    return stages[idx]
