"""Synthetic claim files for tests and benchmarks: realistic mixes of payers, codes, multi-line surgical claims,
NSA lines, denials, benefits and escalation-log entries, reproducible from a seed. Nothing here is real data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import stages

# Codes out-of-network surgeons bill (DOMAIN.md), with a billed-charge range typical of OON claims.
CODES = [
    ("99285", "", 1800, 3200),
    ("29881", "RT", 7000, 12000),
    ("63650", "", 18000, 30000),
    ("43239", "", 2500, 4500),
    ("27447", "LT", 18000, 30000),
    ("70553", "26", 1200, 2200),
    ("64483", "", 3000, 5500),
    ("21196", "", 30000, 42000),
    ("21194", "", 28000, 40000),
    ("22633", "", 50000, 70000),
    ("63030", "", 14000, 22000),
    ("20902", "", 5000, 8000),
]
LOCALITIES = ["CA-18", "NY-01", "NJ-01", "FL-04", "IL-16", "TX-31", ""]
PLAN_TYPES = ["ERISA", "Fully insured", "Medicare Advantage", "Non-ERISA self-funded", "Other"]


def claims_frame(
    lines: int, payers: list[str], seed: int = 0, start: dt.date = dt.date(2025, 3, 1)
) -> pd.DataFrame:
    """A claims table in the claims-file columns (README, 'Claims file columns'), ``lines`` rows."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    claim_no = 0
    while len(rows) < lines:
        claim_no += 1
        n = int(min(rng.choice([1, 1, 1, 2, 3]), lines - len(rows)))
        payer = payers[int(rng.integers(len(payers)))]
        dos = start + dt.timedelta(days=int(rng.integers(0, 300)))
        plan = PLAN_TYPES[int(rng.integers(len(PLAN_TYPES)))]
        nsa = rng.random() < 0.15
        denied = rng.random() < 0.1
        unpaid = rng.random() < 0.05
        paid_on = None if unpaid else dos + dt.timedelta(days=int(rng.integers(15, 70)))
        locality = LOCALITIES[int(rng.integers(len(LOCALITIES)))]
        status = "Denied" if denied else ("Closed" if rng.random() < 0.08 else "Open")
        benefits = rng.random() < 0.3
        patient = f"P{int(rng.integers(1, 10**6)):06d}"
        # the patient's benefits are the claim's (README, 'Claims file columns'): drawn once per claim
        deductible = f"{float(rng.choice([0, 250, 1500])):.2f}" if benefits else ""
        coinsurance = f"{float(rng.choice([0.1, 0.2, 0.3, 0.5])):.2f}" if benefits else ""
        copay = "50.00" if benefits and rng.random() < 0.3 else ""
        oop = f"{float(rng.choice([300, 2000, 6000])):.2f}" if benefits else ""
        for line in range(1, n + 1):
            code, mod, lo, hi = CODES[int(rng.integers(len(CODES)))]
            billed = round(float(rng.uniform(lo, hi)), 2)
            paid = 0.0 if denied or unpaid else round(billed * float(rng.uniform(0.03, 0.35)), 2)
            rows.append(
                {
                    "claim_id": f"S{seed}-{claim_no:06d}",
                    "line": line,
                    "patient_ref": patient,
                    "payer": payer,
                    "plan_type": plan,
                    "nsa": "Y" if nsa else "N",
                    "date_of_service": dos.isoformat(),
                    "hcpcs": code,
                    "modifier": mod if rng.random() < 0.5 else "",
                    "units": 1,
                    "locality": locality,
                    "setting": "facility" if rng.random() < 0.85 else "nonfacility",
                    "billed": f"{billed:.2f}",
                    "initial_paid": f"{paid:.2f}",
                    "patient_paid": f"{round(paid * 0.2, 2):.2f}" if paid else "0.00",
                    "payment_date": paid_on.isoformat() if paid_on else "",
                    "carc_codes": "CO-50" if denied else "CO-45 PR-2",
                    "qpa": f"{round(billed * 0.12, 2):.2f}" if nsa and rng.random() < 0.8 else "",
                    "status": status,
                    "payer_claim_id": f"PC{seed}{claim_no:07d}",
                    "sca_rate": f"{round(billed * 0.4, 2):.2f}" if rng.random() < 0.03 else "",
                    "deductible_remaining": deductible if line == 1 or rng.random() < 0.5 else "",
                    "coinsurance": coinsurance,
                    "copay": copay,
                    "oop_remaining": oop,
                    "notes": ["", "", '=HYPERLINK("http://x")', "+1 call back", "@payer", "-check EOB"][
                        int(rng.integers(6))
                    ],
                }
            )
    return pd.DataFrame(rows)


def log_frame(claims: pd.DataFrame, seed: int = 0, share: float = 0.4) -> pd.DataFrame:
    """Escalation log entries for a share of the claims: one to four steps each, stages in order."""
    rng = np.random.default_rng(seed + 1)
    labels = [s for s in stages.labels() if s not in ("Initial claim", "Settled / closed")]
    outcomes = stages.lists()["outcomes"]
    rows = []
    first = claims.drop_duplicates("claim_id")
    for c in first.itertuples(index=False):
        if rng.random() > share or not c.payment_date:
            continue
        day = dt.date.fromisoformat(str(c.payment_date))
        for _ in range(int(rng.integers(1, 5))):
            day += dt.timedelta(days=int(rng.integers(5, 60)))
            stage = labels[int(rng.integers(len(labels)))]
            outcome = outcomes[int(rng.integers(len(outcomes)))]
            answered = outcome not in ("Pending", "No response")
            paid = round(float(rng.uniform(100, 3000)), 2) if outcome in ("Won", "Partial") else None
            rows.append(
                {
                    "claim_id": c.claim_id,
                    "date": day.isoformat(),
                    "stage": stage,
                    "action": f"{stage} submitted",
                    "channel": stages.lists()["channels"][int(rng.integers(7))],
                    "representative": "",
                    "reference": f"R{int(rng.integers(10**6))}",
                    "amount_requested": f"{float(rng.uniform(1000, 9000)):.2f}",
                    "amount_offered": "",
                    "amount_paid": f"{paid:.2f}" if paid else "",
                    "outcome": outcome,
                    "response_date": (day + dt.timedelta(days=int(rng.integers(3, 50)))).isoformat()
                    if answered
                    else "",
                    "notes": "",
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "claim_id",
            "date",
            "stage",
            "action",
            "channel",
            "representative",
            "reference",
            "amount_requested",
            "amount_offered",
            "amount_paid",
            "outcome",
            "response_date",
            "notes",
        ],
    )


def write_files(
    folder: Path, lines: int, payers: list[str], seed: int = 0, log_share: float = 0.4
) -> tuple[Path, Path]:
    """claims.csv and log.csv in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    claims = claims_frame(lines, payers, seed)
    claims.to_csv(folder / "claims.csv", index=False)
    log_frame(claims, seed, log_share).to_csv(folder / "log.csv", index=False)
    return folder / "claims.csv", folder / "log.csv"
