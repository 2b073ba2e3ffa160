"""The claims of an 835 as an import into a payer workbook sees them: one record per CLP loop with its
payment (trace number, payment date), its service lines with their adjustments, its remarks and its key.

References
----------
ASC X12N 005010X221A1 (835) TR3: BPR16 payment date, TRN02 trace number, CLP (2100), CAS, SVC (2110),
REF*6R line control number; section 1.10.2.8 (reversals and corrections).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from remits.codes import rarc_codes
from remits.reader import Remit


@dataclass
class RemitClaim:
    """One CLP loop with what an import needs."""

    index: int
    payer: str
    payer_key: str
    trace: str
    payment_date: dt.date | None
    file: str
    pcn: str
    icn: str
    status: str
    billed: float
    paid: float
    patient: float
    statement_from: dt.date | None
    claim_cas: list[tuple[str, str, float]]
    lines: list[dict[str, Any]]
    remarks: list[str]
    correction: bool

    @property
    def key(self) -> str:
        return "|".join(
            [
                self.payer_key,
                self.trace,
                self.icn,
                self.pcn,
                self.status,
                f"{self.billed:.2f}",
                f"{self.paid:.2f}",
            ]
        )

    @property
    def reference(self) -> str:
        ref = f"835 {self.trace} ICN {self.icn}" if self.icn else f"835 {self.trace} PCN {self.pcn}"
        return ref + (" reversal" if self.status == "22" else "")

    def carc(self, line: dict[str, Any] | None) -> str:
        cas = (line["cas"] if line else []) + self.claim_cas
        return " ".join(dict.fromkeys(f"{g}-{r}" for g, r, _ in cas))

    def patient_share(self, line: dict[str, Any] | None) -> float:
        """PR adjustments of the line, plus the claim-level ones when the claim has at most one line."""
        own = sum(a for g, _, a in line["cas"] if g == "PR") if line else 0.0
        if len(self.lines) <= 1:
            own += sum(a for g, _, a in self.claim_cas if g == "PR")
        return own


def _date(v: Any) -> dt.date | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def _text(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def remit_claims(remit: Remit) -> list[RemitClaim]:
    """The remit's claims with their lines and adjustments, ordered by payment date then as read."""
    paid_on = {
        int(p["payment_id"]): _date(p["payment_date"]) or _date(p["production_date"])
        for p in _records(remit.payments)
    }
    cas: dict[tuple[int, int], list[tuple[str, str, float]]] = {}
    for a in _records(remit.adjustments):
        line_id = -1 if pd.isna(a["line_id"]) else int(a["line_id"])
        cas.setdefault((int(a["claim_id"]), line_id), []).append(
            (_text(a["group"]), _text(a["reason"]), float(a["amount"]))
        )
    remarks: dict[int, list[str]] = {}
    for r in _records(remit.remarks):
        remarks.setdefault(int(r["claim_id"]), []).append(_text(r["code"]))
    lines: dict[int, list[dict[str, Any]]] = {}
    for ln in _records(remit.lines):
        original = _text(ln["original_procedure_code"])
        mods = [_text(ln[f"modifier_{i}"]) for i in range(1, 5)]
        lines.setdefault(int(ln["claim_id"]), []).append(
            {
                "line_number": int(ln["line_number"]),
                "code": original or _text(ln["procedure_code"]),
                "modifiers": _text(ln["original_modifiers"]).split() if original else [m for m in mods if m],
                "charge": float(ln["charge"]),
                "paid": float(ln["paid"]),
                "units": float(ln["units"]),
                "service_date": _date(ln["service_from"]),
                "control": _text(ln["line_control_number"]),
                "cas": cas.get((int(ln["claim_id"]), int(ln["line_id"])), []),
            }
        )
    out = []
    for c in _records(remit.claims):
        cid = int(c["claim_id"])
        payer_id, payer = _text(c["payer_id"]), _text(c["payer"])
        out.append(
            RemitClaim(
                index=cid,
                payer=payer or payer_id,
                payer_key=(payer_id or payer).upper(),
                trace=_text(c["trace_number"]),
                payment_date=paid_on[int(c["payment_id"])],
                file=_text(c["file"]),
                pcn=_text(c["patient_control_number"]),
                icn=_text(c["payer_claim_id"]),
                status=_text(c["status"]),
                billed=float(c["billed"]),
                paid=float(c["paid"]),
                patient=float(c["patient_responsibility"]),
                statement_from=_date(c["statement_from"]),
                claim_cas=cas.get((cid, -1), []),
                lines=lines.get(cid, []),
                remarks=remarks.get(cid, []),
                correction=not pd.isna(c["correction_of"]),
            )
        )
    out.sort(key=lambda c: (c.payment_date or dt.date.max, c.index))
    return out


def nsa_clock_codes() -> set[str]:
    codes = rarc_codes()
    return set(codes.index[codes["starts_nsa_clock"]])
