"""Recovery gap: how far what was received falls short of a defensible target, and payment ratios.

The target is a total allowed amount the provider can defend (for example 140% of Medicare, the 80th
percentile of charges, or an IDR award), so it is compared with everything received for the line: the plan's
payment plus the patient's responsibility. Published context: non-contracted payers pay 10-15% of billed
charges (Aspirion); average underpayment 7-11% (MGMA via Rivet); ``DOMAIN.md``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .arrays import broadcast, check_range, floats, scalar_out


def recovery_gap(
    target: npt.ArrayLike, plan_paid: npt.ArrayLike, patient_paid: npt.ArrayLike = 0.0
) -> np.ndarray | float:
    """Amount still to recover: ``max(target - plan_paid - patient_paid, 0)``.

    Parameters
    ----------
    target : array_like
        Defensible total allowed amount of the line.
    plan_paid : array_like
        What the plan has paid (initial payment plus later recoveries).
    patient_paid : array_like, optional
        Patient responsibility (cost share) for the line. Default 0.

    Returns
    -------
    ndarray or float
        The gap, never negative: a line paid at or above the target has a gap of 0.

    Examples
    --------
    >>> recovery_gap([1925.0, 1925.0], plan_paid=[950.0, 2100.0], patient_paid=[250.0, 0.0])
    array([725.,   0.])
    """
    t, p, pp = floats(target, "target"), floats(plan_paid, "plan_paid"), floats(patient_paid, "patient_paid")
    shape = broadcast(t, p, pp)[0].shape  # checks the shapes
    gap = np.subtract(t, p, out=np.empty(shape))  # in place: one new array for a million lines
    np.subtract(gap, pp, out=gap)
    np.maximum(gap, 0.0, out=gap)
    np.copyto(gap, np.nan, where=np.isnan(t) | np.isnan(p) | np.isnan(pp))
    return scalar_out(gap, target, plan_paid, patient_paid)


def underpaid(
    target: npt.ArrayLike,
    plan_paid: npt.ArrayLike,
    patient_paid: npt.ArrayLike = 0.0,
    tolerance: npt.ArrayLike = 0.0,
    tolerance_pct: npt.ArrayLike = 0.0,
) -> np.ndarray | bool:
    """Flag lines whose gap exceeds a tolerance: ``gap > max(tolerance, tolerance_pct x target)``.

    Parameters
    ----------
    target, plan_paid, patient_paid : array_like
        As in :func:`recovery_gap`.
    tolerance : array_like, optional
        Gap in dollars below which a line is not worth pursuing (rounding, sequestration). Default 0.
    tolerance_pct : array_like, optional
        Gap as a fraction of the target below which a line is not flagged. Default 0.

    Returns
    -------
    ndarray of bool or bool
        True where underpaid; False where the target or a payment is missing.

    Examples
    --------
    >>> underpaid([1000, 1000, 1000], [990, 900, 700], tolerance=25, tolerance_pct=0.05)
    array([False,  True,  True])
    """
    tol = floats(tolerance, "tolerance")
    pct = floats(tolerance_pct, "tolerance_pct")
    check_range(tol, "tolerance", low=0)
    check_range(pct, "tolerance_pct", low=0, high=1)
    gap = np.asarray(recovery_gap(target, plan_paid, patient_paid), dtype=float)
    t, gap, tol, pct = broadcast(floats(target, "target"), gap, tol, pct)
    with np.errstate(invalid="ignore"):
        flag = gap > np.maximum(tol, pct * t)
    return scalar_out(flag, target, plan_paid, patient_paid, tolerance, tolerance_pct)


def paid_ratio(paid: npt.ArrayLike, basis: npt.ArrayLike) -> np.ndarray | float:
    """``paid / basis``: paid as a fraction of billed charges, of Medicare, or of any other basis.

    NaN where the basis is zero, negative or missing (there is no meaningful ratio).

    Examples
    --------
    Paid $950 on $6,000 billed and on a $1,375 Medicare amount:

    >>> paid_ratio(950, [6000, 1375])
    array([0.15833333, 0.69090909])
    """
    p, b = broadcast(floats(paid, "paid"), floats(basis, "basis"))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # a tiny basis: inf
        ratio = np.where(b > 0, p / b, np.nan)
    return scalar_out(ratio, paid, basis)
