"""The Assumptions sheet of a payer workbook: named cells every formula refers to, with their sources.

Values come from the payer profile (method, factor, windows), ``templates/rules/assumptions.yaml`` (target,
tolerance, discount rate, IDR entity fee) and ``templates/rules/idr_fees.yaml`` (administrative fee by date).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from udfs import idr
from udfs.payers import PayerProfile
from udfs.reference import load_yaml

from .stages import PAYER_DAY_NAMES, payer_days


@dataclass(frozen=True)
class Assumption:
    name: str  # defined name formulas use
    label: str
    value: Any
    type: str  # text | amount | fraction | integer | date | flag | choice
    list: str | None = None
    source: str = ""


def payer_assumptions(profile: PayerProfile, as_of: dt.date) -> list[Assumption]:
    """Every named cell of a payer workbook, in sheet order."""
    d = load_yaml("rules/assumptions.yaml")
    days = payer_days(profile)
    try:
        admin = float(idr.admin_fee(np.datetime64(as_of, "D")))
    except ValueError:
        admin = float("nan")
    rows = [
        Assumption(
            "AsOfDate",
            "As of (deadlines and ages are counted to this date)",
            as_of,
            "date",
            source="Set by oonkit build --as-of; type a date, or =TODAY() to follow the calendar.",
        ),
        Assumption(
            "Method", "Payer's out-of-network method", profile.method, "choice", "Methods", profile.source
        ),
        Assumption(
            "Factor",
            "Factor of the method (140% of Medicare = 140%)",
            profile.factor,
            "fraction",
            source=profile.source,
        ),
        Assumption(
            "Percentile",
            "Charge percentile the payer uses (information; Benchmark holds the amounts)",
            profile.percentile if profile.percentile is not None else "",
            "integer",
        ),
        Assumption("LesserOf", "Payer pays the lesser of billed and its amount", profile.lesser_of, "flag"),
        Assumption(
            "TargetMethod",
            "Your defensible target: method",
            d["target"]["method"],
            "choice",
            "Methods",
            " ".join(d["target"]["source"].split()),
        ),
        Assumption(
            "TargetFactor",
            "Your defensible target: factor",
            float(d["target"]["factor"]),
            "fraction",
            source=" ".join(d["target"]["source"].split()),
        ),
        Assumption(
            "Tolerance",
            "Underpayment tolerance in dollars",
            float(d["tolerance"]["dollars"]),
            "amount",
            source=" ".join(d["tolerance"]["source"].split()),
        ),
        Assumption(
            "TolerancePct",
            "Underpayment tolerance as a share of the expected allowed",
            float(d["tolerance"]["fraction"]),
            "fraction",
            source=" ".join(d["tolerance"]["source"].split()),
        ),
        Assumption(
            "DiscountRate",
            "Annual discount rate (cost of capital)",
            float(d["discount_rate"]["value"]),
            "fraction",
            source=" ".join(d["discount_rate"]["source"].split()),
        ),
        Assumption(
            "ContingencyFee",
            "Contingency fee on recoveries",
            float(d["contingency_fee"]["value"]),
            "fraction",
            source=" ".join(d["contingency_fee"]["source"].split()),
        ),
        Assumption(
            "IDRAdminFee",
            "IDR administrative fee per party (by the as-of date)",
            admin,
            "amount",
            source="templates/rules/idr_fees.yaml: $115 from 2024-01-22, $15 from 2026-06-11.",
        ),
        Assumption(
            "IDREntityFee",
            "IDR entity fee per dispute",
            float(d["idr"]["entity_fee"]),
            "amount",
            source=" ".join(d["idr"]["source"].split()),
        ),
    ]
    labels = {
        "timely_filing_days": "Timely filing, days from the date of service",
        "appeal_window_days": "Appeal window, days from the payment or denial (non-ERISA)",
        "reconsideration_response_days": "Reconsideration answered within, days",
        "peer_to_peer_follow_up_days": "Peer-to-peer follow-up after, days",
        "appeal_decision_days": "Appeal decision due within, days (60; 30 per level with two levels)",
    }
    for field, name in PAYER_DAY_NAMES.items():
        rows.append(
            Assumption(name, labels[field], days[field], "integer", source=f"Payer profile: {profile.path}")
        )
    return rows
