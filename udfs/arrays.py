"""Input coercion and broadcasting shared by every function in ``udfs``.

Functions accept scalars or array_like and broadcast them with numpy's rules; they return an ndarray of the
broadcast shape, or a Python scalar when every input was a scalar (as numpy-financial does).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import InputError


def floats(value: npt.ArrayLike, name: str) -> np.ndarray:
    """``value`` as a float64 array; None becomes NaN; anything else that is not a number raises.

    >>> floats([1, None, 2.5], "billed")
    array([1. , nan, 2.5])
    >>> floats("abc", "billed")
    Traceback (most recent call last):
    ...
    udfs.errors.InputError: billed must be a number, got 'abc'
    """
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        pass
    arr = np.asarray(value, dtype=object)
    out = np.empty(arr.shape, dtype=float)
    for i, v in np.ndenumerate(arr):
        if v is None:
            out[i] = np.nan
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise InputError(f"{name} must be a number, got {v!r}") from None
    return out


def texts(value: Any, name: str) -> np.ndarray:
    """``value`` as an array of stripped, upper-case str; None and NaN become ''.

    >>> texts([" 27447", None, "tc"], "hcpcs")
    array(['27447', '', 'TC'], dtype=object)
    """
    arr = np.asarray(value, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
    for i, v in enumerate(flat_in):
        if v is None or (isinstance(v, float) and v != v):
            flat_out[i] = ""
        elif isinstance(v, float) and v.is_integer():
            flat_out[i] = str(int(v))
        else:
            flat_out[i] = str(v).strip().upper()
    return out


def broadcast(*arrays: np.ndarray) -> list[np.ndarray]:
    """Broadcast arrays against each other; a shape mismatch names the shapes."""
    try:
        return list(np.broadcast_arrays(*arrays))
    except ValueError:
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        raise InputError(f"arguments cannot be broadcast together: shapes {shapes}") from None


def scalar_out(result: np.ndarray, *inputs: Any) -> Any:
    """Return ``result`` as a Python scalar when every input was a scalar, else as it is."""
    if all(np.ndim(x) == 0 for x in inputs) and np.ndim(result) == 0:
        return np.asarray(result).item()
    return result


def check_range(values: np.ndarray, name: str, low: float | None = None, high: float | None = None) -> None:
    """Raise :class:`InputError` naming ``name`` when a (non-NaN) value lies outside [low, high]."""
    bad = np.zeros(values.shape, dtype=bool)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    if bad.any():
        first = values[bad].reshape(-1)[0]
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise InputError(f"{name} must be between {lo} and {hi}, got {first:g}")
