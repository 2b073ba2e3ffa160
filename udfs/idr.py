"""Economics of No Surprises Act independent dispute resolution (IDR) for the provider.

In federal IDR each party submits an offer for the total out-of-network payment; the certified IDR entity picks
one ("baseball" arbitration). Each party pays a non-refundable administrative fee per dispute and the entity's
fee up front; the prevailing party's entity fee is refunded (45 CFR 149.510(f)). A batched dispute of several
line items pays the fees once, so each item bears a share.

Fees by dispute start date are data in ``templates/rules/idr_fees.yaml`` with their sources.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from .arrays import broadcast, check_range, floats, scalar_out
from .errors import InputError, TemplateError
from .reference import load_yaml


def _as_days(value: npt.ArrayLike, name: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype="datetime64[D]")
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a date, got {value!r}") from None


def admin_fee(dispute_date: npt.ArrayLike) -> np.ndarray | float:
    """Federal IDR administrative fee per party for disputes initiated on ``dispute_date``.

    Parameters
    ----------
    dispute_date : date, str or array_like
        Date the dispute was initiated.

    Returns
    -------
    ndarray or float
        Fee in dollars; NaN for a missing date.

    Raises
    ------
    InputError
        For a date before the first fee on record (2024-01-22).

    References
    ----------
    88 FR 88494 (Dec. 21, 2023): $115 from 2024-01-22; IDR operations final rule (released 2026-05-28):
    $15 from 2026-06-11. See ``templates/rules/idr_fees.yaml``.

    Examples
    --------
    >>> admin_fee(["2026-06-10", "2026-06-11"])
    array([115.,  15.])
    """
    days = _as_days(dispute_date, "dispute_date")
    rows = load_yaml("rules/idr_fees.yaml")["administrative_fee"]
    out = np.full(days.shape, np.nan)
    for row in rows:
        start = np.datetime64(row["from"], "D")
        end = np.datetime64(row["to"], "D") if row["to"] else np.datetime64("9999-12-31")
        out[(days >= start) & (days <= end)] = float(row["per_party"])
    unknown = ~np.isnat(days) & np.isnan(out)
    if unknown.any():
        first = days[unknown].reshape(-1)[0]
        raise InputError(
            f"dispute_date {first}: no IDR administrative fee on record before {rows[0]['from']}"
        )
    return scalar_out(out, dispute_date)


def entity_fee_range(
    batched: bool = False, lines: int = 1, on: dt.date | str | None = None
) -> tuple[float, float]:
    """Lowest and highest certified IDR entity fee allowed for a dispute (each entity sets its own within it).

    >>> entity_fee_range()
    (200.0, 840.0)
    >>> entity_fee_range(batched=True, lines=60)  # 60 lines: 2 extra tiers of 25 beyond the first 25
    (418.0, 1673.0)
    """
    when = np.datetime64(on or dt.date.today(), "D")
    for row in load_yaml("rules/idr_fees.yaml")["certified_entity_fee"]:
        if np.datetime64(row["from"], "D") <= when and (
            not row["to"] or when <= np.datetime64(row["to"], "D")
        ):
            band = row["batched" if batched else "single"]
            extra = -(-max(lines - 25, 0) // 25) if batched else 0
            tier = row["per_25_lines_beyond_25"]
            return float(band["low"] + extra * tier["low"]), float(band["high"] + extra * tier["high"])
    raise TemplateError(f"templates/rules/idr_fees.yaml: no certified entity fee range for {when}")


def _inputs(
    provider_offer: npt.ArrayLike,
    payer_offer: npt.ArrayLike,
    paid: npt.ArrayLike,
    admin: npt.ArrayLike,
    entity: npt.ArrayLike,
    batch_size: npt.ArrayLike,
) -> list[np.ndarray]:
    a, b, pd_ = (
        floats(provider_offer, "provider_offer"),
        floats(payer_offer, "payer_offer"),
        floats(paid, "paid"),
    )
    fa, fe, n = floats(admin, "admin_fee"), floats(entity, "entity_fee"), floats(batch_size, "batch_size")
    check_range(fa, "admin_fee", low=0)
    check_range(fe, "entity_fee", low=0)
    check_range(n, "batch_size", low=1)
    return broadcast(a, b, pd_, fa / n, fe / n)


def idr_expected_gain(
    provider_offer: npt.ArrayLike,
    payer_offer: npt.ArrayLike,
    paid: npt.ArrayLike,
    win_probability: npt.ArrayLike,
    admin_fee: npt.ArrayLike,
    entity_fee: npt.ArrayLike,
    batch_size: npt.ArrayLike = 1,
    refund: npt.ArrayLike = True,
) -> np.ndarray | float:
    """Expected net gain of taking a line item to IDR, compared with keeping what was paid.

    Parameters
    ----------
    provider_offer : array_like
        The provider's offer (total out-of-network payment asked for the item).
    payer_offer : array_like
        The payer's offer; when unknown, the QPA is the usual proxy (plans that win are paid about 105% of the
        QPA; ``DOMAIN.md``).
    paid : array_like
        Total the payer has already paid for the item (the IDR award replaces it).
    win_probability : array_like
        Probability that the entity picks the provider's offer, between 0 and 1.
    admin_fee : array_like
        Administrative fee per party per dispute (see :func:`admin_fee`).
    entity_fee : array_like
        Certified IDR entity fee per dispute (see :func:`entity_fee_range`).
    batch_size : array_like, optional
        Number of line items in the (batched) dispute sharing the fees. Default 1.
    refund : bool or array_like of bool, optional
        The prevailing party's entity fee is refunded (the rule; default True).

    Returns
    -------
    ndarray or float
        Expected gain per item, net of the item's share of fees; negative when IDR does not pay off.

    Notes
    -----
    With win probability :math:`w`, offers :math:`A` (provider) and :math:`B` (payer), paid :math:`P`, batch
    size :math:`n`, administrative fee :math:`F_a` and entity fee :math:`F_e`:

    .. math::

        gain = w (A - P) + (1 - w)(B - P) - F_a / n - (1 - w) F_e / n

    (without the refund the last term is :math:`F_e / n`).

    References
    ----------
    45 CFR 149.510(c)(4) (offers; the entity selects one offer) and (f) (fees; refund of the prevailing
    party's entity fee); 88 FR 88494 (fee amounts).

    Examples
    --------
    Provider asks $4,500, payer offers $1,300, $1,200 already paid, 80% win chance, $15 admin fee, $400 entity fee:

    >>> idr_expected_gain(4500, 1300, 1200, 0.8, 15, 400)
    2565.0

    By hand: 0.8 x (4,500 - 1,200) = 2,640; 0.2 x (1,300 - 1,200) = 20; fees 15 + 0.2 x 400 = 95;
    2,640 + 20 - 95 = 2,565.
    """
    a, b, pd_, fa, fe = _inputs(provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size)
    w = floats(win_probability, "win_probability")
    check_range(w, "win_probability", 0, 1)
    rf = np.asarray(refund, dtype=bool)
    a, b, pd_, fa, fe, w, rf = broadcast(a, b, pd_, fa, fe, w, rf)
    gain = w * (a - pd_) + (1 - w) * (b - pd_) - fa - np.where(rf, 1 - w, 1.0) * fe
    return scalar_out(
        gain, provider_offer, payer_offer, paid, win_probability, admin_fee, entity_fee, batch_size
    )


def idr_break_even(
    provider_offer: npt.ArrayLike,
    payer_offer: npt.ArrayLike,
    paid: npt.ArrayLike,
    admin_fee: npt.ArrayLike,
    entity_fee: npt.ArrayLike,
    batch_size: npt.ArrayLike = 1,
    refund: npt.ArrayLike = True,
) -> np.ndarray | float:
    """Win probability at which IDR's expected gain is zero (see :func:`idr_expected_gain`).

    Returns
    -------
    ndarray or float
        The break-even probability. A value at or below 0 means IDR pays off even when the provider always
        loses (the payer's offer beats what was paid by more than the fees); above 1 means it never pays off.
        NaN when the two offers and fees leave the gain independent of the win probability.

    Notes
    -----
    Setting the gain to zero and solving for :math:`w`:

    .. math::

        w^* = \\frac{F_a/n + F_e/n - (B - P)}{(A - B) + F_e/n}

    (with the refund; without it :math:`w^* = (F_a/n + F_e/n - (B - P)) / (A - B)`).

    Examples
    --------
    >>> round(idr_break_even(4500, 1300, 1200, 15, 400), 6)
    0.0875

    By hand: (15 + 400 - 100) / (3,200 + 400) = 315 / 3,600 = 0.0875; check: the gain at 0.0875 is
    0.0875 x 3,300 + 0.9125 x 100 - 15 - 0.9125 x 400 = 288.75 + 91.25 - 15 - 365 = 0.
    """
    a, b, pd_, fa, fe = _inputs(provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size)
    rf = np.asarray(refund, dtype=bool)
    a, b, pd_, fa, fe, rf = broadcast(a, b, pd_, fa, fe, rf)
    slope = (a - b) + np.where(rf, fe, 0.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        w = np.where(slope != 0, (fa + fe - (b - pd_)) / slope, np.nan)
    return scalar_out(w, provider_offer, payer_offer, paid, admin_fee, entity_fee, batch_size)
