"""Input coercion and broadcasting shared by every function in ``udfs``.

Functions accept scalars or array_like and broadcast them with numpy's rules; they return an ndarray of the
broadcast shape, or a Python scalar when every input was a scalar (as numpy-financial does).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .errors import InputError

_NONE = np.array([None], dtype=object)


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


def categories(value: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Factorise text input: integer codes (shape of ``value``) into an array of normalised unique texts.

    Normalisation is that of :func:`texts` and is done once per distinct value, so a column of a million
    lines with a handful of distinct codes costs one hash pass. A pandas Categorical is used as it is.

    >>> codes, uniques = categories(["a", "B ", "a", None], "method")
    >>> codes, uniques
    (array([1, 2, 1, 0]), array(['', 'A', 'B'], dtype=object))
    """
    if isinstance(value, pd.Series):
        value = value.array
    if isinstance(value, pd.Categorical):
        codes = np.asarray(value.codes, dtype=np.intp)
        uniques = texts(np.concatenate([np.asarray(value.categories, dtype=object), _NONE]), name)
        return np.where(codes < 0, len(uniques) - 1, codes), uniques
    arr = np.asarray(value, dtype=object)
    if arr.ndim == 0:
        return np.zeros((), dtype=np.intp), texts(arr.reshape(1), name)
    codes, uniques = pd.factorize(arr.reshape(-1), use_na_sentinel=True)
    norm = texts(np.concatenate([np.asarray(uniques, dtype=object), _NONE]), name)
    # Distinct raw spellings may normalise to the same text ("a" and "A "): merge them. The missing code -1
    # picks the last entry of ``inverse``, that of the appended None, in the one gather.
    merged, inverse = np.unique(norm, return_inverse=True)
    return inverse.astype(np.intp)[codes].reshape(arr.shape), merged.astype(object)


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
