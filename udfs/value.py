"""Financial value of a case: the time-discounted expected recovery of an escalation path, net of its costs.

An escalation path is an ordered list of stages (reconsideration, appeal, external review, NSA open
negotiation, IDR...). Each stage has a probability of success, the share of the remaining gap recovered when
it succeeds, a cost paid when the stage starts, and a duration in days. A stage that succeeds settles the
claim; one that fails hands the claim to the next stage. Stopping after stage ``m`` means pursuing stages
1..m only; stopping at 0 means accepting what was paid (plus any settlement offer on the table).

Sign convention: recoveries are positive cash flows, costs enter with a minus sign. Arrays of stages lie on
the last axis; every other axis is a case and broadcasts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import numpy_financial as npf

from .arrays import broadcast, check_range, floats, scalar_out


def discount_factor(rate: npt.ArrayLike, days: npt.ArrayLike) -> np.ndarray | float:
    """Present value of $1 received after ``days`` at annual ``rate``: :math:`(1+rate)^{-days/365}`.

    Computed with numpy-financial's ``pv`` at the equivalent daily rate :math:`(1+rate)^{1/365}-1`, which is
    Excel's XNPV convention (days/365 in the exponent).

    >>> round(discount_factor(0.10, 365), 10)
    0.9090909091
    """
    r = floats(rate, "rate")
    d = floats(days, "days")
    check_range(r, "rate", low=-0.99)
    daily = (1.0 + r) ** (1.0 / 365.0) - 1.0
    with np.errstate(
        invalid="ignore", divide="ignore", over="ignore"
    ):  # npf.pv divides by the rate even at 0
        factor = np.asarray(npf.pv(daily, d, 0.0, -1.0), dtype=float)
    return scalar_out(factor, rate, days)


@dataclass(frozen=True)
class PathValue:
    """Value of an escalation path for each choice of where to stop.

    Arrays have the cases' shape, followed by ``stages + 1`` entries for "stop after m stages" (m = 0 .. K).

    Attributes
    ----------
    npv : ndarray
        Net present value of stopping after m stages; entry 0 is the value of accepting now (the offer).
    recovery : ndarray
        Expected recovery (undiscounted, net of the fee rate) of stopping after m stages.
    cost : ndarray
        Expected cost (undiscounted) of stopping after m stages.
    days_to_cash : ndarray
        Expected days until the recovery arrives, given that something is recovered (NaN when nothing can be).
    best_stop : ndarray of int
        The m with the highest NPV (0 = accept).
    best_npv : ndarray
        That highest NPV.
    """

    npv: np.ndarray
    recovery: np.ndarray
    cost: np.ndarray
    days_to_cash: np.ndarray
    best_stop: np.ndarray
    best_npv: np.ndarray


def escalation_value(
    gap: npt.ArrayLike,
    probability: npt.ArrayLike,
    share: npt.ArrayLike,
    cost: npt.ArrayLike,
    days: npt.ArrayLike,
    rate: npt.ArrayLike,
    fee_rate: npt.ArrayLike = 0.0,
    offer: npt.ArrayLike = 0.0,
) -> PathValue:
    """Expected cash flows of an escalation path and their NPV for every stopping stage.

    Parameters
    ----------
    gap : array_like
        Amount still to recover at the start (see ``udfs.gap.recovery_gap``), shape of the cases.
    probability : array_like
        Probability that each stage succeeds, between 0 and 1; stages on the last axis.
    share : array_like
        Share of the gap recovered when the stage succeeds, between 0 and 1 (1 = the whole gap; 0.6 for a
        settlement at 60%).
    cost : array_like
        Cost of each stage (filing fees, staff time, external fees), paid when the stage starts.
    days : array_like
        Duration of each stage in days; its recovery arrives at its end.
    rate : array_like
        Annual discount rate (the owner's cost of capital), e.g. 0.08.
    fee_rate : array_like, optional
        Contingency fee on recoveries (share paid to a billing advocate), between 0 and 1. Default 0.
    offer : array_like, optional
        Amount the payer offers now to close the claim; the value of stopping at 0. Default 0.

    Returns
    -------
    PathValue

    Notes
    -----
    With stages :math:`k = 1..K`, probability :math:`p_k`, share :math:`s_k`, cost :math:`c_k`, duration
    :math:`d_k`, gap :math:`G`, fee rate :math:`f`, and :math:`v(t) = (1+r)^{-t/365}`:

    .. math::

        q_1 = 1,\\quad q_{k+1} = q_k (1 - p_k),\\quad S_k = \\sum_{j<k} d_j,\\quad E_k = S_k + d_k

        NPV_m = \\sum_{k=1}^{m} q_k \\left[ p_k s_k G (1 - f)\\, v(E_k) - c_k\\, v(S_k) \\right],
        \\quad NPV_0 = offer

    :math:`q_k` is the probability that stage k is reached. The best stop maximises :math:`NPV_m`.

    References
    ----------
    Discounting as Excel's XNPV (days/365) with numpy-financial's ``pv``; success rates and durations in
    ``DOMAIN.md`` (54% of private-payer denials overturned on appeal, MD Clarity; provider IDR win rates
    70-88%, CMS public use files as analysed by KFF).

    Examples
    --------
    A $10,000 gap; an appeal (40% success, full gap, $150, 60 days) then external review (50%, full gap,
    $500, 45 days), at 10% a year:

    >>> v = escalation_value(10_000, [0.4, 0.5], [1, 1], [150, 500], [60, 45], 0.10)
    >>> [round(float(x), 2) for x in v.npv]
    [0.0, 3787.82, 6411.35]
    >>> int(v.best_stop)
    2

    By hand: 1.1^(-60/365) = 0.984455 and 1.1^(-105/365) = 0.972954; stage 1 = 0.4 x 10,000 x 0.984455 - 150
    = 3,787.82; stage 2 is reached with probability 0.6: 0.6 x (0.5 x 10,000 x 0.972954 - 500 x 0.984455)
    = 2,623.53; total 6,411.35.
    """
    g = floats(gap, "gap")
    p, s, c, d = (
        floats(x, n)
        for x, n in ((probability, "probability"), (share, "share"), (cost, "cost"), (days, "days"))
    )
    r, f, o = floats(rate, "rate"), floats(fee_rate, "fee_rate"), floats(offer, "offer")
    check_range(p, "probability", 0, 1)
    check_range(s, "share", 0, 1)
    check_range(c, "cost", low=0)
    check_range(d, "days", low=0)
    check_range(f, "fee_rate", 0, 1)
    p, s, c, d = broadcast(*(np.atleast_1d(x) for x in (p, s, c, d)))
    case_shape = np.broadcast_shapes(g.shape, r.shape, f.shape, o.shape, p.shape[:-1])
    p, s, c, d = (np.broadcast_to(x, (*case_shape, x.shape[-1])) for x in (p, s, c, d))
    g, r, f, o = (np.broadcast_to(x, case_shape)[..., None] for x in (g, r, f, o))
    reach = np.cumprod(np.concatenate([np.ones((*case_shape, 1)), 1.0 - p[..., :-1]], axis=-1), axis=-1)
    start = np.cumsum(d, axis=-1) - d
    end = start + d
    gain = reach * p * s * g * (1.0 - f)
    stage_npv = gain * discount_factor(r, end) - reach * c * discount_factor(r, start)
    zero = np.zeros((*case_shape, 1))
    npv = np.concatenate([o, np.cumsum(stage_npv, axis=-1)], axis=-1)
    recovery = np.concatenate([o, np.cumsum(gain, axis=-1)], axis=-1)
    expected_cost = np.concatenate([zero, np.cumsum(reach * c, axis=-1)], axis=-1)
    weight = np.cumsum(reach * p * s, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        days_to_cash = np.where(weight > 0, np.cumsum(reach * p * s * end, axis=-1) / weight, np.nan)
    days_to_cash = np.concatenate([zero, days_to_cash], axis=-1)
    best = np.argmax(npv, axis=-1)
    best_npv = np.take_along_axis(npv, best[..., None], axis=-1)[..., 0]
    return PathValue(npv, recovery, expected_cost, days_to_cash, best, best_npv)


def escalation_npv(
    gap: npt.ArrayLike,
    probability: npt.ArrayLike,
    share: npt.ArrayLike,
    cost: npt.ArrayLike,
    days: npt.ArrayLike,
    rate: npt.ArrayLike,
    fee_rate: npt.ArrayLike = 0.0,
) -> np.ndarray | float:
    """NPV of pursuing every stage of the path (see :func:`escalation_value` for the formula and sources).

    >>> round(escalation_npv(10_000, [0.4, 0.5], [1, 1], [150, 500], [60, 45], 0.10), 2)
    6411.35

    A path of one stage may be given as scalars: 0.4 x 1,000 / 1.1 ** (30 / 365) = 396.88.

    >>> round(escalation_npv(1000, 0.4, 1, 0, 30, 0.1), 2)
    396.88
    """
    v = escalation_value(gap, probability, share, cost, days, rate, fee_rate)
    return scalar_out(v.npv[..., -1], gap, rate, fee_rate, np.atleast_1d(probability)[..., 0])
