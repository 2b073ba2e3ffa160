"""The balancing checks a remittance reader owes its users: each imbalance is reported, never hidden.

An 835 balances at three levels (TR3 005010X221A1 section 1.10.2.1, "Balancing"):

* transaction: ``BPR02 = sum(CLP04) - sum(PLB amounts)``, with BPR02 negative when BPR03 is D (debit);
  a PLB amount is positive when it reduces the payment (a recovery), negative when it adds (interest);
* claim: ``CLP03 - CLP04 = sum(CAS amounts)`` over the claim's own and its lines' adjustments, and the
  patient's share ``CLP05 = sum(CAS amounts of group PR)`` (CLP05 absent counts as zero);
* service line: ``SVC02 - SVC03 = sum(CAS amounts of the line)``.

A difference larger than half a cent is an imbalance.

>>> from remits.reader import read_835
>>> from remits.synthetic import synthetic_835
>>> len(imbalances(read_835(synthetic_835(claims=50, seed=2))))
0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .reader import Remit

TOLERANCE = 0.005  # half a cent
COLUMNS = [
    "check",
    "file",
    "segment",
    "payment_id",
    "claim_id",
    "line_id",
    "stated",
    "computed",
    "difference",
    "message",
]


def imbalances(remit: Remit, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Every imbalance in the remit's tables, in file and segment order.

    Parameters
    ----------
    remit : Remit
        Tables from :func:`remits.reader.read_remits`.
    tolerance : float
        Largest difference in dollars that still balances (half a cent).

    Returns
    -------
    DataFrame
        One row per imbalance: ``check`` (``payment``, ``claim``, ``patient_responsibility`` or ``line``),
        ``file``, ``segment`` (of the ST, CLP or SVC segment at fault), ``payment_id``, ``claim_id``
        and ``line_id`` (nullable), ``stated`` (what the file says: BPR02, CLP03 - CLP04, CLP05 or
        SVC02 - SVC03), ``computed`` (the sum it must equal), ``difference`` (stated - computed) and a
        ``message`` for people.

    Notes
    -----
    payment: stated = BPR02 (negated for a debit), computed = sum(CLP04) - sum(PLB amounts);
    claim: stated = CLP03 - CLP04, computed = sum(CAS) at claim and line level;
    patient_responsibility: stated = CLP05, computed = sum(CAS of group PR);
    line: stated = SVC02 - SVC03, computed = sum(CAS of the line).

    References
    ----------
    ASC X12N 005010X221A1 TR3, section 1.10.2.1 "Balancing".
    """
    frames = [
        _payments(remit, tolerance),
        _claims(remit, tolerance),
        _lines(remit, tolerance),
    ]
    found = [f for f in frames if len(f)]
    if not found:
        return _empty()
    out = pd.concat(found, ignore_index=True).sort_values(["file", "segment"], kind="stable")
    return out.reset_index(drop=True)[COLUMNS]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "check": pd.Series([], dtype="str"),
            "file": pd.Series([], dtype="str"),
            "segment": pd.Series([], dtype="int64"),
            "payment_id": pd.Series([], dtype="int64"),
            "claim_id": pd.Series([], dtype="Int64"),
            "line_id": pd.Series([], dtype="Int64"),
            "stated": pd.Series([], dtype="float64"),
            "computed": pd.Series([], dtype="float64"),
            "difference": pd.Series([], dtype="float64"),
            "message": pd.Series([], dtype="str"),
        }
    )


def _sum_by(keys: pd.Series, values: pd.Series, size: int) -> np.ndarray:
    """Sum of ``values`` per integer key 0..size-1 (zero where a key has none)."""
    valid = keys.notna().to_numpy()
    return np.bincount(
        keys.to_numpy(dtype=np.int64, na_value=0)[valid], values.to_numpy()[valid], minlength=size
    )


def _frame(
    check: str, rows: np.ndarray, table: pd.DataFrame, stated: np.ndarray, computed: np.ndarray, **ids
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "check": pd.Series([check] * len(rows), dtype="str"),
            "file": table["file"].to_numpy(dtype=object)[rows] if "file" in table else ids.pop("file")[rows],
            "segment": table["segment"].to_numpy()[rows],
            "payment_id": table["payment_id"].to_numpy()[rows],
            "claim_id": pd.array(
                ids["claim_id"][rows] if "claim_id" in ids else [pd.NA] * len(rows), dtype="Int64"
            ),
            "line_id": pd.array(
                ids["line_id"][rows] if "line_id" in ids else [pd.NA] * len(rows), dtype="Int64"
            ),
            "stated": stated[rows],
            "computed": computed[rows],
            "difference": stated[rows] - computed[rows],
        }
    )
    out["file"] = out["file"].astype("str")
    return out


def _money(x: float) -> str:
    return f"{x:,.2f}"


def _payments(remit: Remit, tolerance: float) -> pd.DataFrame:
    pay = remit.payments
    n = len(pay)
    sign = np.where(pay["credit_debit"].to_numpy(dtype=object) == "D", -1.0, 1.0)
    stated = pay["amount"].to_numpy() * sign
    claims_paid = _sum_by(remit.claims["payment_id"], remit.claims["paid"], n)
    plb = _sum_by(remit.plb["payment_id"], remit.plb["amount"], n)
    computed = claims_paid - plb
    rows = np.flatnonzero(np.abs(stated - computed) > tolerance)
    out = _frame("payment", rows, pay, stated, computed)
    out["message"] = [
        f"transaction {pay['st_control'].iat[i]} (trace {pay['trace_number'].iat[i]}): BPR02 says "
        f"{_money(stated[i])} but claims paid {_money(claims_paid[i])} minus provider adjustments "
        f"{_money(plb[i])} make {_money(computed[i])}"
        for i in rows.tolist()
    ]
    return out


def _claims(remit: Remit, tolerance: float) -> pd.DataFrame:
    claims, adj = remit.claims, remit.adjustments
    n = len(claims)
    cas = _sum_by(adj["claim_id"], adj["amount"], n)
    pr_rows = (adj["group"] == "PR").to_numpy()
    pr = _sum_by(adj["claim_id"][pr_rows], adj["amount"][pr_rows], n)
    billed, paid = claims["billed"].to_numpy(), claims["paid"].to_numpy()
    stated = billed - paid
    ids = {"claim_id": claims["claim_id"].to_numpy()}
    rows = np.flatnonzero(np.abs(stated - cas) > tolerance)
    out = _frame("claim", rows, claims, stated, cas, **ids)
    name = _claim_names(claims)
    out["message"] = [
        f"claim {name[i]}: billed {_money(billed[i])} minus paid {_money(paid[i])} is {_money(stated[i])} "
        f"but its adjustments total {_money(cas[i])}"
        for i in rows.tolist()
    ]
    patient = claims["patient_responsibility"].to_numpy()
    rows = np.flatnonzero(np.abs(patient - pr) > tolerance)
    share = _frame("patient_responsibility", rows, claims, patient, pr, **ids)
    share["message"] = [
        f"claim {name[i]}: CLP05 patient responsibility {_money(patient[i])} but PR adjustments total "
        f"{_money(pr[i])}"
        for i in rows.tolist()
    ]
    return pd.concat([out, share], ignore_index=True) if len(share) else out


def _lines(remit: Remit, tolerance: float) -> pd.DataFrame:
    lines, adj = remit.lines, remit.adjustments
    n = len(lines)
    cas = _sum_by(adj["line_id"], adj["amount"], n)
    charge, paid = lines["charge"].to_numpy(), lines["paid"].to_numpy()
    stated = charge - paid
    rows = np.flatnonzero(np.abs(stated - cas) > tolerance)
    claim_ids = lines["claim_id"].to_numpy()
    out = _frame(
        "line",
        rows,
        lines,
        stated,
        cas,
        claim_id=claim_ids,
        line_id=lines["line_id"].to_numpy(),
    )
    name = _claim_names(remit.claims)
    number = lines["line_number"].to_numpy()
    code = lines["procedure_code"].to_numpy(dtype=object)
    out["message"] = [
        f"claim {name[claim_ids[i]]} line {number[i]} ({code[i]}): charge {_money(charge[i])} minus paid "
        f"{_money(paid[i])} is {_money(stated[i])} but its adjustments total {_money(cas[i])}"
        for i in rows.tolist()
    ]
    return out


def _claim_names(claims: pd.DataFrame) -> np.ndarray:
    """``PCN (payer claim ICN)`` for messages."""
    pcn = claims["patient_control_number"].to_numpy(dtype=object)
    icn = claims["payer_claim_id"].to_numpy(dtype=object)
    return np.array(
        [f"{p} ({i})" if isinstance(i, str) else str(p) for p, i in zip(pcn, icn, strict=True)], dtype=object
    )
