"""Rounding amounts of record to cents the way Excel's ROUND does.

Inside the math, amounts are float64, the same doubles a spreadsheet computes with, and are never rounded
in the middle of a calculation. An amount that is printed, exported or compared to the cent passes once
through :func:`round_cents`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .arrays import scalar_out


def round_cents(amount: npt.ArrayLike, digits: int = 2) -> np.ndarray | float:
    """Round half away from zero to ``digits`` decimals, as Excel's ``ROUND(amount, digits)``.

    Parameters
    ----------
    amount : array_like
        Amounts in dollars. NaN stays NaN.
    digits : int, optional
        Decimal places, 2 (cents) by default.

    Returns
    -------
    ndarray or float
        Same shape as ``amount``; a float for scalar input.

    Notes
    -----
    ``round`` and ``np.round`` round half to even (``round(0.125, 2) == 0.12``); Excel rounds half away from
    zero (``ROUND(0.125, 2) = 0.13``). Excel also treats a double by its 15 significant digits, so
    ``ROUND(1.005, 2) = 1.01`` although the double nearest 1.005 is 1.00499999999999989...; the scaled value
    is therefore first rounded to 6 decimals to absorb the binary representation error, then rounded half
    away from zero.

    Examples
    --------
    >>> round_cents(0.125)
    0.13
    >>> round_cents(-2.675)
    -2.68
    >>> round_cents([1.005, 10.0049])
    array([ 1.01, 10.  ])
    """
    x = np.asarray(amount, dtype=float)
    scale = 10.0**digits
    scaled = np.round(np.abs(x) * scale, 6)
    out = np.copysign(np.floor(scaled + 0.5) / scale, x)
    return scalar_out(out + 0.0, amount)
