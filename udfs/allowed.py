"""Allowed-amount estimates by the methods payers use for out-of-network claims.

The allowed amount is the payer's maximum for a service. Out-of-network methods (FAIR Health consumer guide;
plan documents; ``DOMAIN.md``): a percent of Medicare, a percentile of a charge benchmark, a percent of billed
charges, or a flat rate from a single case agreement (SCA) or gap exception. Payers usually pay the lesser of
billed and allowed.

Percentages are fractions: 140% of Medicare is ``factor=1.4``. Percentiles are on the 0-100 scale (80 for the
80th percentile).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .arrays import broadcast, categories, check_range, floats, scalar_out
from .errors import InputError

#: Canonical method names (what the workbooks' drop-down lists show) and the spellings accepted for each.
METHODS: dict[str, tuple[str, ...]] = {
    "Percent of Medicare": (
        "PERCENT OF MEDICARE",
        "% OF MEDICARE",
        "PCT_MEDICARE",
        "MEDICARE",
        "MEDICARE_PCT",
    ),
    "Charge percentile": ("CHARGE PERCENTILE", "PERCENTILE", "UCR", "CHARGE_PERCENTILE", "FAIR HEALTH"),
    "Percent of billed": ("PERCENT OF BILLED", "% OF BILLED", "PCT_BILLED", "BILLED", "BILLED_PCT"),
    "Flat rate": ("FLAT RATE", "FLAT", "SCA", "CASE RATE", "GAP EXCEPTION", "SINGLE CASE AGREEMENT"),
}
_ALIASES = {alias: name for name, aliases in METHODS.items() for alias in (name.upper(), *aliases)}
_CODES = {name: i for i, name in enumerate(METHODS)}


def method_code(method: object) -> np.ndarray:
    """Index into :data:`METHODS` of each ``method`` (any accepted spelling, case-insensitive).

    >>> method_code(["pct_medicare", "SCA", "Percent of billed"])
    array([0, 3, 2], dtype=int8)
    """
    codes, uniques = categories(method, "method")
    table = np.empty(len(uniques), dtype=np.int8)
    for i, u in enumerate(uniques):
        if u not in _ALIASES:
            used = codes == i
            if not used.any():
                continue
            raise InputError(f"method must be one of {', '.join(METHODS)}; got {u!r}")
        table[i] = _CODES[_ALIASES[u]]
    return table[codes]


def lesser_of(allowed: npt.ArrayLike, billed: npt.ArrayLike) -> np.ndarray | float:
    """The lesser of the allowed amount and billed charges; a missing (NaN) billed leaves allowed as it is.

    >>> lesser_of([1200.0, 900.0], [1000.0, float("nan")])
    array([1000.,  900.])
    """
    a, b = broadcast(floats(allowed, "allowed"), floats(billed, "billed"))
    return scalar_out(np.where(np.isnan(b), a, np.minimum(a, b)), allowed, billed)


def allowed_amount(
    method: object,
    billed: npt.ArrayLike,
    medicare: npt.ArrayLike = np.nan,
    factor: npt.ArrayLike = 1.0,
    benchmark: npt.ArrayLike = np.nan,
    rate: npt.ArrayLike = np.nan,
    apply_lesser_of: npt.ArrayLike = True,
) -> np.ndarray | float:
    """Expected allowed amount of a claim line under the payer's out-of-network method.

    Parameters
    ----------
    method : str or array_like of str
        ``"Percent of Medicare"``, ``"Charge percentile"``, ``"Percent of billed"`` or ``"Flat rate"`` (see
        :data:`METHODS` for accepted spellings).
    billed : array_like
        Billed charges of the line.
    medicare : array_like, optional
        Medicare amount of the line (for percent of Medicare), e.g. from ``udfs.medicare.medicare_amount``.
    factor : array_like, optional
        Multiplier applied to the method's basis: 1.4 for 140% of Medicare, 0.5 for 50% of billed, 1.0 for the
        percentile amount itself. Default 1.
    benchmark : array_like, optional
        Charge benchmark amount at the payer's percentile (for charge percentile), e.g. from
        :meth:`ChargeBenchmark.amount`.
    rate : array_like, optional
        Agreed flat rate (single case agreement or gap exception).
    apply_lesser_of : bool or array_like of bool, optional
        Pay the lesser of billed and the computed amount (default True).

    Returns
    -------
    ndarray or float
        The allowed amount; NaN where the method's basis is missing.

    Notes
    -----
    ===================  ==========================
    method               allowed
    ===================  ==========================
    Percent of Medicare  medicare x factor
    Charge percentile    benchmark x factor
    Percent of billed    billed x factor
    Flat rate            rate x factor
    ===================  ==========================

    then, when ``apply_lesser_of``, ``min(allowed, billed)``.

    References
    ----------
    FAIR Health, "How out-of-network reimbursement works" (consumer guide); plan documents quoting 110-140% of
    Medicare as the maximum allowable amount; CT Gen. Stat. 38a-477aa (80th percentile of charges).

    Examples
    --------
    >>> allowed_amount("Percent of Medicare", billed=5000, medicare=1250.0, factor=1.4)
    1750.0
    >>> allowed_amount(["Percent of billed", "Flat rate"], billed=[5000, 5000], factor=[0.35, 1], rate=[0, 6200])
    array([1750., 5000.])
    """
    codes = method_code(method)
    b, m, f, bench, r = (
        floats(billed, "billed"),
        floats(medicare, "medicare"),
        floats(factor, "factor"),
        floats(benchmark, "benchmark"),
        floats(rate, "rate"),
    )
    check_range(f, "factor", low=0)
    lesser = np.asarray(apply_lesser_of, dtype=bool)
    shape = broadcast(codes, b, m, f, bench, r, lesser)[0].shape  # checks the shapes (views, no copies)
    # basis of each line: its method's input, copied only for the methods in use
    sources = [m, bench, b, r]
    used = [k for k in range(len(sources)) if (codes == k).any()]
    if len(used) <= 1:
        basis = np.broadcast_to(sources[used[0] if used else 0], shape)
    else:
        basis = np.empty(shape)
        for k in used:
            np.copyto(basis, np.broadcast_to(sources[k], shape), where=codes == k)
    allowed = np.array(basis * f, dtype=float, copy=None)  # a new array of the full shape (0-d for scalars)
    # lesser of: min(allowed, billed) where billed is known and the rule applies
    apply = ~np.isnan(b) if lesser.all() else lesser & ~np.isnan(b)
    np.minimum(allowed, b, out=allowed, where=apply)
    return scalar_out(allowed, method, billed, medicare, factor, benchmark, rate, apply_lesser_of)


def why_no_amount(method: str, medicare_note: str = "", benchmark_note: str = "") -> str:
    """Why a line has no allowed amount under ``method``, in the words the commands print.

    ``medicare_note`` and ``benchmark_note`` say why the line has no Medicare or benchmark amount.

    >>> why_no_amount("Percent of Medicare", "code not in the 2025 fee schedule")
    'no Medicare amount: code not in the 2025 fee schedule'
    >>> why_no_amount("Flat rate")
    'Flat rate: no agreed rate (sca_rate in the claims file)'
    """
    if method == "Percent of Medicare":
        return f"no Medicare amount: {medicare_note}" if medicare_note else "no Medicare amount"
    if method == "Charge percentile":
        return f"no benchmark amount: {benchmark_note}" if benchmark_note else "no benchmark amount"
    if method == "Flat rate":
        return "Flat rate: no agreed rate (sca_rate in the claims file)"
    return "no billed amount"
