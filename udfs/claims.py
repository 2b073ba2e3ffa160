"""Pricing a table of claim lines: the Medicare amount of each line (claim-level surgical rules applied) and the
charge benchmark at its payer's percentile, ready for the expected-allowed, share and gap math.

Input is the table ``workbooks.claims_file.read_claims`` returns (one row per line); output adds ``payer_id``,
``medicare``, ``medicare_note`` and fills ``benchmark_rate`` where the user left it empty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .charges import ChargeBenchmark
from .payers import PayerProfile, profile_for
from .surgery import price_claim


def price_claims(
    claims: pd.DataFrame,
    profiles: dict[str, PayerProfile],
    benchmark: ChargeBenchmark | None = None,
) -> pd.DataFrame:
    """Add ``payer_id``, ``medicare``, ``medicare_note`` and ``benchmark_rate`` to claim lines.

    Notes
    -----
    The Medicare year is the payer profile's ``medicare_year`` or else the year of the date of service. Lines
    of one claim are priced together so that multiple-procedure, bilateral, assistant and co-surgeon rules
    apply (``udfs.surgery.price_claim``). The note says why a line has no Medicare amount, or which
    adjustments were applied. The benchmark is the user's table interpolated at the payer's percentile
    (``udfs.charges``), keyed by code, locality as geo, and modifier.
    """
    out = claims.copy()
    out["payer_id"] = [profile_for(p, profiles).id for p in out["payer"]]
    year_of_profile = {pid: profiles[pid].medicare_year for pid in out["payer_id"].unique()}
    dos_year = pd.to_datetime(out["date_of_service"]).dt.year.to_numpy()
    years = np.array([year_of_profile[p] or y for p, y in zip(out["payer_id"], dos_year, strict=True)])
    priced = price_claim(
        out["claim_id"].astype(str).to_numpy(dtype=object),
        out["hcpcs"].to_numpy(dtype=object),
        out["modifier"].fillna("").to_numpy(dtype=object),
        out["units"].fillna(1).to_numpy(),
        out["locality"].fillna("").to_numpy(dtype=object),
        out["setting"].fillna("facility").to_numpy(dtype=object),
        years,
        date_of_service=pd.to_datetime(out["date_of_service"]).to_numpy(dtype="datetime64[D]"),
    )
    out["medicare"] = priced["allowed"].to_numpy(dtype=float)
    notes = np.where(
        priced["priced"].to_numpy(dtype=bool), priced["adjustments"].astype(str), priced["note"].astype(str)
    )
    out["medicare_note"] = [("" if n in ("nan", "None") else n) for n in notes]
    if benchmark is not None:
        pct = np.array(
            [profiles[p].percentile if profiles[p].percentile else np.nan for p in out["payer_id"]]
        )
        amount, _ = benchmark.amount(
            out["hcpcs"].to_numpy(dtype=object),
            pct,
            out["locality"].fillna("").to_numpy(dtype=object),
            out["modifier"].fillna("").to_numpy(dtype=object),
        )
        given = out["benchmark_rate"].to_numpy(dtype=float)
        out["benchmark_rate"] = np.where(np.isnan(given), amount, given)
    return out
