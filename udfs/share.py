"""Patient cost share, plan payment and balance bill of an out-of-network claim line.

The money chain (``DOMAIN.md``): billed -> allowed -> plan paid = allowed - patient cost share ->
patient responsibility (deductible, copay, coinsurance as % of allowed, capped by the remaining out-of-pocket
maximum). Balance bill = billed - allowed, where the law allows it.

Under the No Surprises Act (NSA) the patient owes in-network cost sharing only, computed on the recognized
amount, the lesser of the qualifying payment amount (QPA) and billed charges, and may not be balance billed
(45 CFR 149.110(b), 149.410; 149.140 for the QPA). The plan pays the out-of-network rate (``allowed``) minus
that cost sharing.

Coinsurance is a fraction (20% is ``0.2``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from .arrays import broadcast, check_range, floats, scalar_out
from .errors import InputError


@dataclass(frozen=True)
class CostShare:
    """Parts of one cost-share computation, each an array of the broadcast shape.

    Attributes
    ----------
    basis : ndarray
        Amount cost sharing is computed on: ``allowed``, or under NSA ``min(qpa, billed)``.
    deductible, copay, coinsurance : ndarray
        The patient's deductible, copay and coinsurance before the out-of-pocket cap.
    patient : ndarray
        Patient cost share after the out-of-pocket cap.
    plan_paid : ndarray
        ``allowed - patient``, never below 0.
    balance_bill : ndarray
        ``billed - allowed`` where balance billing is allowed and NSA does not apply, else 0.
    """

    basis: np.ndarray
    deductible: np.ndarray
    copay: np.ndarray
    coinsurance: np.ndarray
    patient: np.ndarray
    plan_paid: np.ndarray
    balance_bill: np.ndarray


def cost_share(
    allowed: npt.ArrayLike,
    deductible_remaining: npt.ArrayLike = 0.0,
    coinsurance: npt.ArrayLike = 0.0,
    copay: npt.ArrayLike = 0.0,
    oop_remaining: npt.ArrayLike = np.inf,
    nsa: npt.ArrayLike = False,
    qpa: npt.ArrayLike = np.nan,
    billed: npt.ArrayLike = np.nan,
    balance_bill_allowed: npt.ArrayLike = True,
) -> CostShare:
    """Patient cost share, plan payment and balance bill of claim lines.

    Parameters
    ----------
    allowed : array_like
        The payer's allowed amount (out-of-network rate) of the line.
    deductible_remaining : array_like, optional
        Deductible the patient has yet to meet (out-of-network deductible, or in-network under NSA). Default 0.
    coinsurance : array_like, optional
        Coinsurance rate after the deductible, a fraction between 0 and 1. Default 0.
    copay : array_like, optional
        Fixed copay of the service. Default 0.
    oop_remaining : array_like, optional
        Out-of-pocket maximum the patient has yet to reach. Default: no limit.
    nsa : bool or array_like of bool, optional
        The No Surprises Act protects this line. Default False.
    qpa : array_like, optional
        Qualifying payment amount; required where ``nsa`` is true.
    billed : array_like, optional
        Billed charges; used for the NSA recognized amount and the balance bill.
    balance_bill_allowed : bool or array_like of bool, optional
        The provider may bill the patient the difference between billed and allowed (state law and the
        provider's agreements permitting; never under NSA). Default True.

    Returns
    -------
    CostShare
        Arrays of the broadcast shape. NaN where a required input is missing (no QPA under NSA).

    Notes
    -----
    With basis :math:`B` (``allowed``; under NSA :math:`\\min(QPA, billed)`), deductible remaining :math:`D`,
    copay :math:`C`, coinsurance :math:`r`, out-of-pocket remainder :math:`O`:

    .. math::

        d = \\min(B, D),\\quad c = \\min(C, B - d),\\quad k = r (B - d - c),\\quad
        patient = \\min(d + c + k, O),\\quad plan = \\max(allowed - patient, 0)

    Balance bill :math:`= \\max(billed - allowed, 0)` when allowed by law and not NSA, else 0.
    The order deductible, then copay, then coinsurance is the common plan design; plans that waive the
    deductible for a copay service are modelled with ``deductible_remaining=0`` on that line.

    References
    ----------
    45 CFR 149.110(b)(1)(iii), 149.410(b) and 149.420 (NSA cost sharing on the recognized amount; no balance
    billing); 45 CFR 149.140(a)(15) (recognized amount = lesser of QPA and billed absent a specified state law
    or All-Payer Model Agreement).

    Examples
    --------
    Allowed $2,000 with $500 deductible left, 30% coinsurance, $3,000 out-of-pocket left, billed $6,000:

    >>> s = cost_share(2000, deductible_remaining=500, coinsurance=0.3, oop_remaining=3000, billed=6000)
    >>> float(s.patient), float(s.plan_paid), float(s.balance_bill)
    (950.0, 1050.0, 4000.0)

    The same line under NSA with a QPA of $1,200 and an in-network 20% coinsurance:

    >>> s = cost_share(2000, 500, 0.2, nsa=True, qpa=1200, billed=6000)
    >>> float(s.patient), float(s.plan_paid), float(s.balance_bill)
    (640.0, 1360.0, 0.0)
    """
    a = floats(allowed, "allowed")
    d_rem = floats(deductible_remaining, "deductible_remaining")
    r = floats(coinsurance, "coinsurance")
    cp = floats(copay, "copay")
    oop = floats(oop_remaining, "oop_remaining")
    q = floats(qpa, "qpa")
    b = floats(billed, "billed")
    n = np.asarray(nsa, dtype=bool)
    bb_ok = np.asarray(balance_bill_allowed, dtype=bool)
    check_range(a, "allowed", low=0)
    check_range(d_rem, "deductible_remaining", low=0)
    check_range(r, "coinsurance", low=0, high=1)
    check_range(cp, "copay", low=0)
    check_range(oop, "oop_remaining", low=0)
    shape = broadcast(a, d_rem, r, cp, oop, q, b, n, bb_ok)[0].shape  # checks the shapes
    # Every output is a new array of the full shape, computed in place (fewer passes over memory for a million
    # lines); the inputs keep their own shapes and numpy broadcasts them into the outputs.
    basis = np.empty(shape)
    np.copyto(basis, a)
    if n.any():
        np.copyto(basis, np.where(np.isnan(b), q, np.minimum(q, b)), where=n)  # NSA: the recognized amount
    ded = np.minimum(basis, d_rem, out=np.empty(shape))
    rest = np.subtract(basis, ded, out=np.empty(shape))
    cop = np.minimum(cp, rest, out=np.empty(shape))
    np.subtract(rest, cop, out=rest)  # basis - ded - cop
    coins = np.multiply(r, rest, out=rest)
    patient = np.add(ded, cop, out=np.empty(shape))
    np.add(patient, coins, out=patient)
    np.minimum(patient, oop, out=patient)
    plan = np.subtract(a, patient, out=np.empty(shape))
    np.maximum(plan, 0.0, out=plan)
    np.copyto(plan, np.nan, where=np.isnan(patient))
    no_balance = n | ~bb_ok
    balance = np.subtract(b, a, out=np.empty(shape))
    np.maximum(balance, 0.0, out=balance)
    if no_balance.any():
        np.copyto(balance, 0.0, where=no_balance)
    np.copyto(balance, np.nan, where=~no_balance & np.isnan(b))
    return CostShare(basis, ded, cop, coins, patient, plan, balance)


def claim_cost_share(
    claim: npt.ArrayLike,
    allowed: npt.ArrayLike,
    deductible_remaining: npt.ArrayLike = 0.0,
    coinsurance: npt.ArrayLike = 0.0,
    copay: npt.ArrayLike = 0.0,
    oop_remaining: npt.ArrayLike = np.inf,
    nsa: npt.ArrayLike = False,
    qpa: npt.ArrayLike = np.nan,
    billed: npt.ArrayLike = np.nan,
    balance_bill_allowed: npt.ArrayLike = True,
) -> CostShare:
    """Cost share of the lines of whole claims: the deductible, copay and out-of-pocket cap apply once per claim.

    A patient's deductible and out-of-pocket remainder are met by the claim as a whole, not again on every
    line. The claim's cost share is :func:`cost_share` of the sum of its lines' bases (lines without a basis,
    such as a line without an allowed amount or an NSA line without a QPA, left out); each line carries the part of it proportional to its own
    basis. The benefit inputs are the claim's (the same on each of its lines); each line's are used with the
    claim's basis, as the payer workbook's formulas do.

    Parameters
    ----------
    claim : array_like
        Claim identifier of each line (1-d); lines with the same identifier form one claim.
    allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed, balance_bill_allowed
        As in :func:`cost_share`, one value per line or a scalar.

    Returns
    -------
    CostShare
        One value per line: ``basis`` is the line's own basis; ``deductible``, ``copay``, ``coinsurance`` and
        ``patient`` are the line's part of the claim's; ``plan_paid`` and ``balance_bill`` are the line's.

    Notes
    -----
    Line :math:`i` of a claim with bases :math:`B_i`, :math:`B = \\sum B_i`:
    :math:`patient_i = patient(B) \\, B_i / B` (0 when :math:`B = 0`). The claim's totals equal
    :func:`cost_share` of the claim; how a payer spreads the deductible over the lines (in the order it
    processes them) is not knowable in advance, so the split in proportion to the basis is a convention.

    Examples
    --------
    Two lines of one claim, $1,400 allowed each, $500 deductible left, 20% coinsurance, $600 out of pocket
    left: the claim's share is min(500 + 0.2 x 2,300, 600) = $600, $300 on each line (per line it would be
    $600 twice).

    >>> s = claim_cost_share(["A", "A"], [1400, 1400], 500, 0.2, oop_remaining=600)
    >>> s.patient.tolist(), s.plan_paid.tolist()
    ([300.0, 300.0], [1100.0, 1100.0])
    """
    ids = np.asarray(claim)
    if ids.ndim != 1:
        raise InputError(f"claim: one claim identifier per line (a 1-d array), got shape {ids.shape}")
    n = len(ids)
    line = cost_share(allowed, nsa=nsa, qpa=qpa, billed=billed, balance_bill_allowed=balance_bill_allowed)
    if line.basis.shape not in ((), (n,)):
        raise InputError(f"allowed: one value per claim line ({n}), got shape {line.basis.shape}")
    a = np.broadcast_to(floats(allowed, "allowed"), (n,))
    # a line without an allowed amount has no share (nor a plan payment): it is left out of its claim
    basis = np.where(np.isnan(a), np.nan, np.broadcast_to(line.basis, (n,)))
    codes = pd.factorize(pd.Series(ids, dtype=object))[0]
    if (codes < 0).any():
        raise InputError(f"claim: line {int(np.flatnonzero(codes < 0)[0]) + 1} has no claim identifier")
    known = ~np.isnan(basis)
    claim_basis = np.bincount(codes, weights=np.where(known, basis, 0.0), minlength=codes.max(initial=-1) + 1)
    total = np.where(known, claim_basis[codes], np.nan)
    whole = cost_share(total, deductible_remaining, coinsurance, copay, oop_remaining)
    with np.errstate(invalid="ignore", divide="ignore"):
        part = np.where(total > 0, basis / total, 0.0)
    part = np.where(known, part, np.nan)
    ded, cop, coins, patient = (
        x * part for x in (whole.deductible, whole.copay, whole.coinsurance, whole.patient)
    )
    plan = np.where(np.isnan(patient), np.nan, np.maximum(a - patient, 0.0))
    return CostShare(basis, ded, cop, coins, patient, plan, np.array(line.balance_bill))


def patient_share(
    allowed: npt.ArrayLike,
    deductible_remaining: npt.ArrayLike = 0.0,
    coinsurance: npt.ArrayLike = 0.0,
    copay: npt.ArrayLike = 0.0,
    oop_remaining: npt.ArrayLike = np.inf,
    nsa: npt.ArrayLike = False,
    qpa: npt.ArrayLike = np.nan,
    billed: npt.ArrayLike = np.nan,
) -> np.ndarray | float:
    """Patient cost share (deductible + copay + coinsurance, capped by the out-of-pocket remainder).

    See :func:`cost_share` for the parameters, formula and sources.

    >>> patient_share([2000, 400], deductible_remaining=500, coinsurance=0.3, oop_remaining=3000)
    array([950., 400.])
    """
    s = cost_share(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed)
    return scalar_out(
        s.patient, allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed
    )


def plan_payment(
    allowed: npt.ArrayLike,
    deductible_remaining: npt.ArrayLike = 0.0,
    coinsurance: npt.ArrayLike = 0.0,
    copay: npt.ArrayLike = 0.0,
    oop_remaining: npt.ArrayLike = np.inf,
    nsa: npt.ArrayLike = False,
    qpa: npt.ArrayLike = np.nan,
    billed: npt.ArrayLike = np.nan,
) -> np.ndarray | float:
    """Expected plan payment: allowed minus the patient cost share (see :func:`cost_share`).

    >>> plan_payment(2000, deductible_remaining=500, coinsurance=0.3, oop_remaining=3000)
    1050.0
    """
    s = cost_share(allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed)
    return scalar_out(
        s.plan_paid, allowed, deductible_remaining, coinsurance, copay, oop_remaining, nsa, qpa, billed
    )


def balance_bill(
    billed: npt.ArrayLike,
    allowed: npt.ArrayLike,
    nsa: npt.ArrayLike = False,
    balance_bill_allowed: npt.ArrayLike = True,
) -> np.ndarray | float:
    """Amount the provider may bill the patient beyond cost sharing: billed - allowed, 0 under NSA or where
    the law forbids it (see :func:`cost_share`).

    >>> balance_bill([6000, 6000], 2000, nsa=[False, True])
    array([4000.,    0.])
    """
    s = cost_share(allowed, nsa=nsa, qpa=0.0, billed=billed, balance_bill_allowed=balance_bill_allowed)
    return scalar_out(s.balance_bill, billed, allowed, nsa, balance_bill_allowed)
