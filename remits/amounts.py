"""Amounts of an 835 (X12 data type R) checked and converted to float64 in bulk.

X12 decimal text is an optional minus sign and at most 18 digits with an optional decimal point
(``-12.5``, ``100``, ``.25``): no plus sign, exponent, thousands separator or space. Python's ``float``
accepts more than that (``" 1e3 "``, ``"inf"``, ``"1_000"``), so every value is held to the X12 form.

One ``float`` call per value costs about as much as the whole segment loop spends on a segment, so a
column is checked at once (its characters, then pandas' C number parser over the joined text) and only a
column that fails goes through the exact, value-by-value path that names the first bad value.

>>> convert(["12.50", "-3", ".25"], [4, 5, 6], "CAS amount", optional=False)
array([12.5 , -3.  ,  0.25])
>>> convert(["12.50", "1e3"], [4, 5], "CAS amount", optional=False)
(5, "CAS amount '1e3' is not an amount")
>>> convert(["١٢"], [9], "CAS amount", optional=False)  # digits of another script are not X12 digits
(9, "CAS amount '١٢' is not an amount")
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

_AMOUNT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_AMOUNT_CHARS = b"0123456789.-\n"
_LARGEST = 1e18  # 18 digits at most (X12 type R)


def bulk(values: list[str], optional: bool) -> np.ndarray | None:
    """float64 array of amount texts (``""`` gives NaN when ``optional``); None when some value may not
    be X12 decimal text, so that :func:`exact` decides."""
    count = len(values)
    if not count:
        return np.empty(0)
    joined = "\n".join(values)
    if not joined.isascii() or joined.encode("ascii").translate(None, _AMOUNT_CHARS):
        return None
    if joined.count("\n") != count - 1:
        return None
    if optional and values.count("") == count:
        return np.full(count, np.nan)
    try:  # the closing "0" keeps a trailing empty value a row of its own
        parsed = pd.read_csv(
            io.StringIO(joined + "\n0"),
            header=None,
            names=["v"],
            dtype=np.float64,
            skip_blank_lines=False,
            keep_default_na=False,
            na_values=[""],
            engine="c",
        )["v"].to_numpy()
    except ValueError:
        return None
    if len(parsed) != count + 1:
        return None
    parsed = parsed[:-1]
    finite = np.isfinite(parsed)
    if not finite.all() and (not optional or np.isinf(parsed).any()):
        return None
    if np.abs(parsed[finite]).max(initial=0.0) >= _LARGEST:
        return None
    return parsed


def exact(
    values: list[str], segments: Sequence[int] | Any, what: str, optional: bool
) -> np.ndarray | tuple[int, str]:
    """The amounts as float64, or the segment number and message of the first value that is not X12
    decimal text, checked one by one."""
    out = np.empty(len(values))
    for i, (value, segment) in enumerate(zip(values, segments, strict=True)):
        if optional and value == "":
            out[i] = np.nan
        elif not value:
            return int(segment), f"{what} is missing"
        elif not _AMOUNT.fullmatch(value) or len(value) - value.count(".") - value.startswith("-") > 18:
            return int(segment), f"{what} {value!r} is not an amount"
        else:
            out[i] = float(value)
    return out


def convert(
    values: list[str], segments: Sequence[int] | Any, what: str, optional: bool
) -> np.ndarray | tuple[int, str]:
    """:func:`bulk` when it can, else :func:`exact`."""
    parsed = bulk(values, optional)
    return exact(values, segments, what, optional) if parsed is None else parsed
