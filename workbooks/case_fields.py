"""Field types of a case file and their conversion: each converter returns ``(value, None)`` or
``(None, message)`` with the message quoting the offending value (``1.4 is not between 0 and 1``); a value of the
wrong shape (a mapping or a list where a single value belongs) is described by :func:`describe`.

YAML gives typed scalars; the XLSX form may give numbers stored as text (``$1,200``, ``20%``): both are accepted.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from udfs.allowed import METHODS

_NUMBER = re.compile(r"^-?\$?\s*(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_TRUE = {"Y", "YES", "TRUE", "1", "X", "ON"}
_FALSE = {"N", "NO", "FALSE", "0", "OFF"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Dates a case file may hold: the federal holiday calendar behind the deadlines spans 1900-2200
#: (``udfs.calendar``) and the workbook's date cells accept dates from 2000 (``case_cells``).
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2199, 12, 31)
_METHOD_ALIASES = {alias: name for name, aliases in METHODS.items() for alias in (name.upper(), *aliases)}


@dataclass(frozen=True)
class Field:
    """One field: ``kind`` is text, hcpcs, date, integer, amount, fraction, number, flag or method;
    ``low``/``high`` bound numbers (inclusive)."""

    kind: str
    required: bool = False
    low: float | None = None
    high: float | None = None


def show(value: Any) -> str:
    """A value as a message quotes it: numbers and dates plainly, text in quotes (its first 40 characters)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str) and len(value) > 40:
        return repr(value[:40] + "...")
    return repr(value)


#: What a field of each kind holds, for a message about a value of the wrong shape.
EXPECTED = {
    "text": "text",
    "hcpcs": "a HCPCS/CPT code",
    "date": "a date (YYYY-MM-DD)",
    "integer": "a whole number",
    "amount": "an amount",
    "fraction": "a number between 0 and 1",
    "number": "a number",
    "flag": "true or false (yes/no)",
    "method": f"one of {', '.join(METHODS)}",
}
#: Types a single value may have: YAML's scalars and an XLSX cell's.
SCALARS = (str, bool, int, float, dt.date, dt.time)


def describe(value: Any) -> str:
    """What a value is, for a message saying what was expected instead: ``the text 'Summit'``, ``a list of 2
    items``, ``a mapping with name, method``. Never the whole of a mapping or list (YAML aliases can make them huge)."""
    if isinstance(value, dict):
        keys = [str(k) for k in list(value)[:7]]
        more = ", ..." if len(value) > 6 else ""
        return f"a mapping with {', '.join(keys[:6])}{more}" if keys else "an empty mapping"
    if isinstance(value, list | tuple | set | frozenset):
        kind = "set" if isinstance(value, set | frozenset) else "list"
        n = len(value)
        return f"an empty {kind}" if n == 0 else f"a {kind} of {n} item{'s' if n > 1 else ''}"
    if isinstance(value, str):
        return f"the text {show(value)}"
    if isinstance(value, bool):
        return show(value)
    if isinstance(value, int | float):
        return f"the number {show(value)}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat(' ')}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"the time {value.isoformat()}"
    if isinstance(value, bytes):
        return "binary data"
    return f"a value of type {type(value).__name__}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:  # an integer beyond the largest double
            return math.inf if value > 0 else -math.inf  # (copysign would convert the integer too)
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        text = value.strip()
        pct = text.endswith("%")
        text = text.rstrip("%").strip()
        if text and _NUMBER.match(text) and re.search(r"\d", text):
            number = float(re.sub(r"[$,\s]", "", text))
            return number / 100 if pct else number
    return None


def method_name(value: Any) -> str | None:
    """Canonical method name of any accepted spelling (``udfs.allowed.METHODS``), else None."""
    if not isinstance(value, str):
        return None
    return _METHOD_ALIASES.get(re.sub(r"[_\s]+", " ", value.strip()).upper()) or _METHOD_ALIASES.get(
        value.strip().upper()
    )


def _date(value: Any) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, f"{show(value)} is not a date (YYYY-MM-DD)"
    if not FIRST_DATE <= day <= LAST_DATE:
        return None, f"{show(day)} is not between {FIRST_DATE} and {LAST_DATE}"
    return day, None


def convert(value: Any, field: Field) -> tuple[Any, str | None]:
    """Convert a present (non-None) value of ``field``."""
    kind = field.kind
    if kind in ("text", "hcpcs"):
        if isinstance(value, bool | dict | list):
            return None, f"{show(value)} is not text"
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        if kind == "hcpcs":
            text = text.upper()
            if text.isdigit() and len(text) < 5:
                text = text.zfill(5)
            if not re.fullmatch(r"[0-9A-Z]{5}", text):
                return None, f"{show(value)} is not a HCPCS/CPT code (5 letters or digits)"
        return text, None
    if kind == "date":
        return _date(value)
    if kind == "flag":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().upper()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return None, f"{show(value)} is not true or false (yes/no)"
    if kind == "method":
        name = method_name(value)
        if name is None:
            return None, f"{show(value)} is not one of {', '.join(METHODS)}"
        return name, None
    number = _number(value)
    if number is None:
        return None, f"{show(value)} is not a number"
    if not math.isfinite(number):
        return None, f"{show(value)} is not a finite number"
    if kind == "integer" and not number.is_integer():
        return None, f"{show(value)} is not a whole number"
    if kind == "fraction" and not 0 <= number <= 1:
        return None, f"{show(value)} is not between 0 and 1"
    if kind == "amount" and number < 0:
        return None, f"{show(value)} is negative"
    low, high = field.low, field.high
    if low is not None and high is not None and not low <= number <= high:
        return None, f"{show(value)} is not between {low:g} and {high:g}"
    if low is not None and number < low:
        return None, f"{show(value)} is below {low:g}"
    if high is not None and number > high:
        return None, f"{show(value)} is above {high:g}"
    return (int(number) if kind == "integer" else number), None
