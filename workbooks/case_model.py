"""The validated content of a case file (``oonkit case``): what one out-of-network case is made of.

A :class:`Case` is built by :func:`workbooks.case_file.read_case`; the workbook generator and the Python mirror of
its formulas (:mod:`workbooks.case_expected`) both read it. Amounts are float dollars, fractions are 0-1
(20% is 0.2), percentages of the QPA are multipliers (350% is 3.5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from udfs.allowed import METHODS

#: The methods compared side by side, in sheet order (udfs.allowed.METHODS).
METHOD_NAMES: tuple[str, ...] = tuple(METHODS)

#: Defined name of each method's factor cell.
FACTOR_NAMES = {
    "Percent of Medicare": "FactorMedicare",
    "Charge percentile": "FactorPercentile",
    "Percent of billed": "FactorBilled",
    "Flat rate": "FactorFlat",
}


@dataclass(frozen=True)
class CaseLine:
    """One procedure line.

    Attributes
    ----------
    medicare_unit : float
        Medicare PFS amount of one unit (``udfs.medicare``), or the amount the case file gives.
    medicare_factor : float
        Claim-level adjustment (multiple procedures, bilateral, units, assistant...) as a multiplier of
        ``medicare_unit``: ``udfs.surgery.price_claim`` allowed / fee schedule amount.
    rules : str
        The adjustments applied, in words (``price_claim``'s ``adjustments``), or where the amount came from.
    """

    hcpcs: str
    modifier: str
    units: int
    billed: float
    qpa: float | None
    benchmark: float | None
    sca_rate: float | None
    medicare_unit: float
    medicare_factor: float
    rules: str

    @property
    def medicare(self) -> float:
        """Medicare amount of the line after the claim-level rules (the workbook's formula: unit x factor)."""
        return self.medicare_unit * self.medicare_factor


@dataclass(frozen=True)
class CaseStage:
    """One escalation stage of the path (defaults from ``templates/rules/stages.yaml``).

    ``linked`` names the fields that follow the IDR sheet by formula (for the IDR stage when the case file does
    not give them): ``probability`` = the win probability, ``share`` = the share of the gap an IDR win recovers,
    ``cost`` = the case's expected IDR fees.
    """

    id: str
    label: str
    applies_to: str
    include: bool
    probability: float
    share: float
    cost: float
    days: float
    source: str = ""
    linked: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Case:
    """Everything a case workbook is built from (the README, 'The case file', documents the file format)."""

    name: str
    date_of_service: dt.date
    year: int
    locality: str
    locality_name: str
    setting: str
    payer_name: str
    method: str
    lesser_of: bool
    factors: dict[str, float]
    nsa: bool
    balance_bill_allowed: bool
    paid: float | None
    deductible_remaining: float
    coinsurance: float
    copay: float
    oop_remaining: float | None
    deposit_share: float
    deposit_balance_bill: bool
    discount_rate: float
    contingency_fee: float
    offer: float
    target_method: str
    target_factor: float
    lines: tuple[CaseLine, ...]
    stages: tuple[CaseStage, ...]
    idr_date: dt.date
    idr_win: float
    idr_offer_pct: float
    idr_payer_pct: float
    idr_items: int
    idr_entity_fee: float | None
    batch_sizes: tuple[int, ...]
    win_grid: tuple[float, ...]
    offer_grid: tuple[float, ...]
    source: str = "case"

    @property
    def fee_schedule(self) -> str:
        """The fee schedule the Medicare amounts come from, in words."""
        where = f"locality {self.locality} {self.locality_name}" if self.locality else "national (GPCIs 1)"
        return f"CMS Medicare PFS CY{self.year}, {where}, {self.setting} setting"


def batch_sizes(lines: int) -> tuple[int, ...]:
    """Line items in a dispute for the batching table: the case alone, then larger batches up to the 25-item
    tier boundaries of the entity fee (88 FR 88494: a fee tier per 25 items beyond the first 25)."""
    sizes = [lines] + [n for n in (10, 25, 26, 50, 51, 100, 150, 200) if n > lines]
    return tuple(sizes[:6])


#: Rows (win probability) and columns (offer as a multiple of the QPA) of the IDR sensitivity table: 40% to
#: 100% around the 70-88% provider win rates, 1.5x to 4.5x around the 320-447% median provider offers.
WIN_GRID = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
OFFER_GRID = (1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5)
