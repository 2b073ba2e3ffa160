"""Builders shared by the ``oonkit update`` tests: a synthetic 835 (``remits.synthetic``) and a payer workbook
built from a claims file derived from it, so that the remit's claims match the workbook's (some left out to
be remit-only); plus readers of workbook tables and package parts. The tests at the end check the builders."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from remits.reader import Remit, read_835
from remits.synthetic import synthetic_835
from workbooks.build import build_set
from workbooks.layout import load_layout

AS_OF = dt.date(2026, 1, 15)
PROFILE = "summit-health"


@dataclass
class Case:
    root: Path
    remit_path: Path
    remit: Remit
    payer: str  # the remit payer whose claims the workbook holds
    workbook: Path
    claims: pd.DataFrame  # the claims file the workbook was built from
    left_out: list[str]  # patient control numbers of the payer's remit claims not in the workbook


def make_case(
    root: Path,
    seed: int = 0,
    claims: int = 40,
    keep_every: int = 5,
    prefill_every: int = 0,
    per_transaction: int = 1000,
    reversal_rate: float = 0.0,
) -> Case:
    """An 835 of ``claims`` claims and a workbook holding its first payer's claims but every
    ``keep_every``-th (those are remit-only); every ``prefill_every``-th kept claim has its payment inputs
    typed in already, with the remit's own values."""
    root.mkdir(parents=True, exist_ok=True)
    data = synthetic_835(
        claims=claims, seed=seed, claims_per_transaction=per_transaction, reversal_rate=reversal_rate
    )
    remit_path = root / f"remit-{seed}.835"
    remit_path.write_bytes(data)
    remit = read_835(data, str(remit_path))
    payer = str(remit.claims["payer"].iloc[0])
    mine = remit.claims[(remit.claims["payer"] == payer) & (remit.claims["status"] != "22")]
    mine = mine.drop_duplicates("patient_control_number")
    rows, left_out = [], []
    for i, c in enumerate(mine.itertuples(index=False)):
        if keep_every and i % keep_every == keep_every - 1:
            left_out.append(c.patient_control_number)
            continue
        prefill = bool(prefill_every) and i % prefill_every == 0
        lines = remit.lines[remit.lines["claim_id"] == c.claim_id]
        adj = remit.adjustments
        for ln in lines.itertuples(index=False):
            mods = " ".join(m for m in (ln.modifier_1, ln.modifier_2) if isinstance(m, str))
            pr = adj[(adj["line_id"] == ln.line_id) & (adj["group"] == "PR")]["amount"].sum()
            rows.append(
                {
                    "claim_id": c.patient_control_number,
                    "line": int(ln.line_number),
                    "payer": PROFILE,
                    "date_of_service": pd.Timestamp(ln.service_from).date().isoformat(),
                    "hcpcs": ln.procedure_code,
                    "modifier": mods,
                    "billed": f"{ln.charge:.2f}",
                    "initial_paid": f"{ln.paid:.2f}" if prefill else "",
                    "patient_paid": f"{pr:.2f}" if prefill else "",
                    "payer_claim_id": c.payer_claim_id if i % 3 else "",
                    "notes": f"staff note {i}" if i % 4 == 1 else "",
                }
            )
    frame = pd.DataFrame(rows)
    frame.to_csv(root / "claims.csv", index=False)
    result = build_set(root / "claims.csv", root / "out", None, AS_OF)
    return Case(root, remit_path, remit, payer, result.workbooks[PROFILE], frame, left_out)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def table_frame(path: Path, key: str) -> pd.DataFrame:
    """A table's rows (up to its last non-empty input row) with layout sources as columns and ``row``."""
    layout = load_layout()[key]
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if layout.name in ws.tables:
            table = ws.tables[layout.name]
            break
    rows = list(ws[table.ref])
    headers = [c.value for c in rows[0]]
    records = []
    for cells in rows[1:]:
        rec = {"row": cells[0].row}
        for col in layout.columns:
            rec[col.source or col.header] = cells[headers.index(col.header)].value
        records.append(rec)
    frame = pd.DataFrame(records, dtype=object)
    inputs = [c.source for c in layout.columns if c.kind == "input"]
    used = (
        frame[inputs]
        .map(lambda v: not (v is None or v == "" or (isinstance(v, float) and pd.isna(v))))
        .any(axis=1)
    )
    last = used[used].index.max() if used.any() else -1
    return frame.iloc[: last + 1].reset_index(drop=True)


def test_the_case_workbook_holds_the_remit_claims_but_the_left_out_ones(tmp_path):
    case = make_case(tmp_path, seed=3, claims=30)
    claims = table_frame(case.workbook, "claims")
    mine = case.remit.claims[case.remit.claims["payer"] == case.payer]
    in_workbook = set(claims["claim_id"])
    assert in_workbook | set(case.left_out) == set(mine["patient_control_number"])
    assert not in_workbook & set(case.left_out)
    assert case.left_out  # some remit-only claims
    # billed per claim as the remit states it (CLP03 is the sum of the lines' SVC02 in the generator)
    billed = claims.groupby("claim_id")["billed"].sum()
    stated = mine.drop_duplicates("patient_control_number").set_index("patient_control_number")["billed"]
    assert all(abs(billed[c] - stated[c]) < 0.005 for c in billed.index)
