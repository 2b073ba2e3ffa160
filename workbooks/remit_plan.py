"""What an 835 import changes in a payer workbook, decided on tables before any cell is written.

The rules (also in the README, 'Updating a workbook staff have filled in'):

* **Which claims.** A remit claim belongs to the workbook when its payer (N1*PR id, else name) is the one
  named by ``--payer``, or a payer earlier imports came from, or, on a first import, the only payer of the
  remits with claims that match the workbook's. Claims of other payers are skipped and counted.
* **Matching.** A remit claim matches a workbook claim by payer claim control number (CLP07 = *Payer claim
  ID*), else by patient control number (CLP01 = *Claim ID*). Its service lines match the claim's lines by
  HCPCS (SVC06 when the payer changed the code, else SVC01), preferring the same line number, then the same
  modifiers.
* **First determination.** The first remit of a claim (no earlier import of it) carries the payer's initial
  determination into the Claims inputs *Initial paid* (SVC03), *Patient paid* (the line's PR adjustments),
  *Payment date* (BPR16), *CARC codes* (group-reason of the line's and claim's CAS) and *Payer claim ID*
  (CLP07). A cell is filled only when it is blank (an *Initial paid* or *Patient paid* of 0 counts as blank
  while the line has no payment date: that 0 is the claims file's default). A cell holding something else
  is never overwritten: the difference is reported as a conflict and noted on the log entry.
* **Later payments.** A remit for a claim imported before, a reversal (CLP02 = 22) and a corrected claim
  change what was paid through the Escalation log's *Amount paid* (negative for a reversal), which the
  claim's *Recovered* adds up, so nothing is counted twice.
* **Log.** Every imported remit claim appends one Escalation log entry: date = payment date, stage *Payment
  review*, the amounts in *Action*, reference ``835 <trace> ICN <CLP07>``, outcome Won (paid plus patient
  responsibility reach billed), Partial (paid, less), Lost (denied or nothing paid) or none (a reversal).
* **New claims.** A remit claim that matches no workbook claim gets one Claims row per service line: Claim ID
  = CLP01, the line's code, modifiers, units, charge, service date and payment inputs, plan type Other, NSA Y
  when a remark starts the NSA clock (N830, N859, N876, N877; ``templates/codes/rarc.csv``), status Denied for
  CLP02 = 4 else Open, and a note saying where it came from; the caller prices its Medicare amount.
* **Idempotent.** Each remit claim is keyed by payer, trace number (TRN02), payer claim control number,
  patient control number, status, billed and paid, and each line by that key and its line number; keys
  already recorded (or, if the record is gone, a log entry with the same reference) are skipped.

References
----------
ASC X12N 005010X221A1 (835) TR3: CLP (2100), SVC/CAS/REF*6R (2110), BPR16, TRN02; section 1.10.2.8
(reversals and corrections). ``../shared/DOMAIN.md``, "Remittance" and "Escalation stages".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from udfs.errors import InputError
from udfs.money import round_cents

from .remit_claims import RemitClaim, nsa_clock_codes
from .sheet_xml import FORMULA

STAGE = "Payment review"
FILLED = ("initial_paid", "patient_paid", "payment_date", "carc_codes", "payer_claim_id")
LABELS = {
    "initial_paid": "Initial paid",
    "patient_paid": "Patient paid",
    "payment_date": "Payment date",
    "carc_codes": "CARC codes",
    "payer_claim_id": "Payer claim ID",
}
SKIP_STATUS = {"23": "not our claim (CLP02 23)", "25": "a predetermination, not a payment (CLP02 25)"}


@dataclass
class Line:
    """One line of a workbook claim: its sheet row (None for a row this update adds) and its values."""

    row: int | None
    values: dict[str, Any]


@dataclass
class Plan:
    """Everything an update writes, and what it reports."""

    fills: dict[int, dict[str, Any]] = field(default_factory=dict)  # Claims row -> source -> value
    new_lines: list[dict[str, Any]] = field(default_factory=list)  # Claims rows to add (claims-file fields)
    log: list[dict[str, Any]] = field(default_factory=list)  # Escalation log entries to add
    new_claim_ids: list[str] = field(default_factory=list)  # for Deadlines
    records: list[dict[str, Any]] = field(default_factory=list)  # import records
    conflicts: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> claims
    warnings: list[Any] = field(
        default_factory=list
    )  # what the claims file reader ignored (attrs["warnings"])
    matched: int = 0
    added_claims: int = 0
    already: int = 0
    payers: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    @property
    def changes(self) -> bool:
        return bool(self.fills or self.new_lines or self.log or self.records)


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and np.isnan(v))


def as_text(v: Any) -> str:
    """A cell value as the text a claim or payer ID is compared by (a number typed as 1001 is '1001')."""
    if is_blank(v) or v is FORMULA:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def money(v: float) -> str:
    return f"{round_cents(float(v)):,.2f}"


def _codes(text: Any) -> set[str]:
    return {c.upper() for c in re.split(r"[\s,;]+", str(text)) if c}


def same(source: str, old: Any, new: Any) -> bool:
    """Whether a workbook value says what the remit says (amounts to the cent, codes as a set)."""
    if source in ("initial_paid", "patient_paid"):
        return isinstance(old, float) and round_cents(old) == round_cents(float(new))
    if source == "payment_date":
        return isinstance(old, dt.date) and old == new
    if source == "carc_codes":
        return _codes(old) == _codes(new)
    return as_text(old).upper() == str(new).strip().upper()


def blank_input(source: str, line: dict[str, Any]) -> bool:
    """A payment input staff have not filled: empty, or a 0 amount on a line without a payment date."""
    v = line.get(source)
    if source in ("initial_paid", "patient_paid") and isinstance(v, float) and v == 0:
        return is_blank(line.get("payment_date"))
    return is_blank(v)


def shown(v: Any) -> str:
    if v is FORMULA:
        return "a formula"
    if isinstance(v, float):
        return money(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return repr(str(v))


@dataclass
class Imported:
    """What earlier imports recorded: remit claim keys, the workbook claims they went to, their payers."""

    keys: set[str] = field(default_factory=set)
    claim_ids: set[str] = field(default_factory=set)
    payers: set[str] = field(default_factory=set)


class Planner:
    """Decide an import against the workbook's current values (see the module docstring for the rules).

    Parameters
    ----------
    claims : list of dict
        The Claims table, one dict per row: ``row`` (sheet row) and the columns of
        ``tracker.READ["claims"]``; dates as ``datetime.date``, amounts as float, formulas as
        :data:`workbooks.sheet_xml.FORMULA`.
    log : list of dict
        The Escalation log: ``row``, ``claim_id``, ``reference``.
    deadline_ids : set of str
        Claim IDs that have a Deadlines row.
    imported : Imported
        The import records of the workbook.
    now : str
        Timestamp written on the import records.
    """

    def __init__(
        self,
        claims: list[dict[str, Any]],
        log: list[dict[str, Any]],
        deadline_ids: set[str],
        imported: Imported,
        now: str,
    ):
        self.plan = Plan()
        self.now = now
        self.lines: dict[str, list[Line]] = {}
        for rec in claims:
            cid = as_text(rec["claim_id"])
            if cid:
                self.lines.setdefault(cid, []).append(Line(int(rec["row"]), rec))
        self.icn: dict[str, set[str]] = {}
        for cid, lines in self.lines.items():
            for ln in lines:
                icn = as_text(ln.values.get("payer_claim_id")).upper()
                if icn:
                    self.icn.setdefault(icn, set()).add(cid)
        self.deadline_ids = set(deadline_ids)
        self.imported = imported
        self.prior = set(imported.claim_ids)
        self.log_refs: set[tuple[str, str]] = set()
        for rec in log:
            ref, cid = as_text(rec["reference"]), as_text(rec["claim_id"])
            if ref.startswith("835 "):
                self.log_refs.add((cid, ref))
                self.prior.add(cid)
        self.nsa_codes = nsa_clock_codes()

    # claims-file lines -----------------------------------------------------------------------------
    def add_claims_file(self, lines: pd.DataFrame) -> None:
        """Add the lines of a (checked and priced) claims file that the workbook does not have."""
        for rec in cast(list[dict[str, Any]], lines.to_dict("records")):
            cid, number = as_text(rec["claim_id"]), int(rec["line"])
            have = self.lines.get(cid, [])
            if any(_line_no(ln) == number for ln in have):
                self.plan.skip("claims-file lines already in the workbook (left as they are)")
                continue
            self._add_line(cid, rec)

    def missing_deadlines(self) -> None:
        """Claims of the Claims table without a Deadlines row (staff added them by hand) get one."""
        for cid in self.lines:
            if cid not in self.deadline_ids:
                self.deadline_ids.add(cid)
                self.plan.new_claim_ids.append(cid)

    def _add_line(self, cid: str, values: dict[str, Any]) -> Line:
        line = Line(None, values)
        self.lines.setdefault(cid, []).append(line)
        self.plan.new_lines.append(values)
        icn = as_text(values.get("payer_claim_id")).upper()
        if icn:
            self.icn.setdefault(icn, set()).add(cid)
        if cid not in self.deadline_ids:
            self.deadline_ids.add(cid)
            self.plan.new_claim_ids.append(cid)
        return line

    # remits ---------------------------------------------------------------------------------------
    def match(self, c: RemitClaim) -> str | None:
        """The workbook claim a remit claim is for: by payer claim ID (when unambiguous), else by claim ID."""
        ids = self.icn.get(c.icn.upper()) if c.icn else None
        if ids and len(ids) == 1:
            return next(iter(ids))
        return c.pcn if c.pcn in self.lines else None

    def choose_payers(self, claims: list[RemitClaim], payer: str | None) -> set[str]:
        """The payer keys whose claims this workbook takes (see the module docstring)."""
        found: dict[str, list] = {}
        for c in claims:
            entry = found.setdefault(c.payer_key, [c.payer, 0, 0])
            entry[1] += 1
            entry[2] += self.match(c) is not None
        if payer:
            want = payer.strip().upper()
            keys = {k for k, (name, _, _) in found.items() if want in (k, name.upper())}
            if not keys:
                listed = ", ".join(f"{n} ({k})" for k, (n, _, _) in sorted(found.items())) or "none"
                raise InputError(
                    f"--payer {payer}: no claim of this payer in the remits (payers there: {listed})"
                )
        elif self.imported.payers & set(found):
            keys = self.imported.payers & set(found)
        else:
            keys = {k for k, (_, _, m) in found.items() if m}
            if len(keys) > 1:
                listed = ", ".join(f"{found[k][0]} ({found[k][2]} claims)" for k in sorted(keys))
                raise InputError(
                    f"claims of several payers in the remits match this workbook's claims: {listed}; "
                    "name this workbook's payer with --payer (N1*PR name or id)"
                )
        for k, (name, count, matched) in found.items():
            if k in keys:
                continue
            if matched:
                why = f"payer {name}: not this workbook's payer ({matched} match claims here; --payer '{name}' imports them)"
            elif keys:
                why = f"payer {name}: not this workbook's payer"
            else:
                why = (
                    f"payer {name}: none of its claims is in this workbook (--payer '{name}' adds them here)"
                )
            self.plan.skipped[why] = self.plan.skipped.get(why, 0) + count
        self.plan.payers = sorted(found[k][0] for k in keys)
        return keys

    def run(self, claims: list[RemitClaim], payer: str | None = None) -> Plan:
        keys = self.choose_payers(claims, payer)
        seen: set[str] = set()
        for c in claims:
            if c.payer_key not in keys:
                continue
            if c.key in self.imported.keys or c.key in seen:
                self.plan.already += 1
                continue
            if c.status in SKIP_STATUS:
                self.plan.skip(SKIP_STATUS[c.status])
                continue
            w = self.match(c)
            if (w or c.pcn, c.reference) in self.log_refs:
                self.plan.already += 1
                continue
            if c.status == "22":
                if w is None:
                    self.plan.skip("reversals of claims not in the workbook")
                    continue
                if w not in self.prior and all(
                    blank_input("initial_paid", ln.values) for ln in self.lines[w]
                ):
                    self._first(c, w, negate=True)  # the reversed determination was never recorded
                self._later(c, w)
            elif w is None:
                w = self._new_claim(c)
            elif w in self.prior or c.correction:
                self._later(c, w)
            else:
                self._first(c, w)
            self.prior.add(w)
            seen.add(c.key)
        return self.plan

    def _first(self, c: RemitClaim, w: str, negate: bool = False) -> None:
        """The payer's first determination of claim ``w``: fill blank payment inputs line by line."""
        sign = -1.0 if negate else 1.0
        notes: list[str] = []
        lines = self.lines[w]
        taken: set[int] = set()
        pairs: list[tuple[dict[str, Any] | None, Line | None]] = []
        if not c.lines:
            pairs.append((None, lines[0] if len(lines) == 1 else None))
            if len(lines) > 1:
                notes.append(
                    "the 835 gives no service lines: split its payment over the claim's lines yourself"
                )
        for remit_line in c.lines:
            i = _best_line(remit_line, lines, taken)
            if i is not None:
                taken.add(i)
            pairs.append((remit_line, lines[i] if i is not None else None))
        for rl, line in pairs:
            if line is None and rl is not None:
                line = self._add_line(w, self._line_values(c, rl, w, sign, _next_line(self.lines[w])))
                notes.append(f"line {rl['code']} of the 835 was not in the workbook: added")
                self._record(c, w, "line added", rl, line)
                continue
            if line is None:
                continue
            new = {
                "initial_paid": sign * (rl["paid"] if rl else c.paid),
                "patient_paid": sign * c.patient_share(rl),
                "payment_date": c.payment_date,
                "carc_codes": c.carc(rl),
                "payer_claim_id": c.icn,
            }
            filled, differs = self._fill(line, new, w, c)
            if differs:
                notes.append("the workbook differs from the 835 (see the update report); nothing overwritten")
            result = f"filled {filled} cells" if filled else "nothing to fill"
            self._record(c, w, result + ("; the workbook differs" if differs else ""), rl, line)
        if not negate:
            self._log(c, w, None, notes)
            self.plan.matched += 1
            self._record(c, w, "first determination")

    def _fill(self, line: Line, new: dict[str, Any], w: str, c: RemitClaim) -> tuple[int, bool]:
        """Fill the blank inputs of one line; returns the cells filled and whether a value differed."""
        original = dict(line.values)
        count, conflict = 0, False
        for source in FILLED:
            value = new[source]
            if value is None or value == "":
                continue
            old = original.get(source)
            if blank_input(source, original):
                line.values[source] = value
                if line.row is not None:
                    self.plan.fills.setdefault(line.row, {})[source] = value
                count += 1
            elif not same(source, old, value):
                conflict = True
                where = f"Claims row {line.row}" if line.row is not None else "a new Claims row"
                self.plan.conflicts.append(
                    f"{where} (claim {w} line {_line_no(line)}): {LABELS[source]} is {shown(old)} in the "
                    f"workbook, {shown(value)} in the 835 ({c.reference}); left as it is"
                )
        return count, conflict

    def _later(self, c: RemitClaim, w: str) -> None:
        """A payment after the first determination (or a reversal): through the log's Amount paid."""
        if c.icn and c.status != "22":
            for line in self.lines[w]:
                if blank_input("payer_claim_id", line.values):
                    line.values["payer_claim_id"] = c.icn
                    if line.row is not None:
                        self.plan.fills.setdefault(line.row, {})["payer_claim_id"] = c.icn
        self._log(c, w, c.paid, [])
        self.plan.matched += 1
        self._record(c, w, "reversal" if c.status == "22" else "later payment: log Amount paid")

    def _new_claim(self, c: RemitClaim) -> str:
        w = c.pcn
        remit_lines: list[dict[str, Any] | None] = list(c.lines) or [None]
        for i, rl in enumerate(remit_lines, start=1):
            line = self._add_line(w, self._line_values(c, rl, w, 1.0, rl["line_number"] if rl else i))
            self._record(c, w, "new claim line", rl, line)
        self._log(c, w, None, [])
        self.plan.added_claims += 1
        self._record(c, w, "new claim")
        return w

    def _line_values(
        self, c: RemitClaim, rl: dict[str, Any] | None, w: str, sign: float, number: int
    ) -> dict[str, Any]:
        """Claims inputs of a line the workbook lacks, from the remit (claims-file field names)."""
        nsa = bool(self.nsa_codes & set(c.remarks))
        units = rl["units"] if rl else 1.0
        return {
            "claim_id": w,
            "line": number,
            "patient_ref": "",
            "plan_type": "Other",
            "nsa": "Y" if nsa else "N",
            "date_of_service": (rl["service_date"] if rl else None) or c.statement_from or c.payment_date,
            "hcpcs": rl["code"] if rl else "",
            "modifier": " ".join(rl["modifiers"]) if rl else "",
            "units": int(units) if float(units).is_integer() and units > 0 else 1,
            "locality": "",
            "setting": "facility",
            "billed": sign * (rl["charge"] if rl else c.billed),
            "initial_paid": sign * (rl["paid"] if rl else c.paid),
            "patient_paid": sign * c.patient_share(rl),
            "payment_date": c.payment_date,
            "carc_codes": c.carc(rl),
            "payer_claim_id": c.icn,
            "status": "Denied" if c.status == "4" else "Open",
            "notes": f"Added by oonkit update from the 835 {c.file.rsplit('/', 1)[-1]} ({c.reference})",
        }

    def _log(self, c: RemitClaim, w: str, amount: float | None, notes: list[str]) -> None:
        codes = " ".join(dict.fromkeys(code for rl in [*c.lines, None] for code in c.carc(rl).split()))
        if c.status == "22":
            action, outcome = f"835: the payer reversed its payment of {money(-c.paid)} (CLP02 22)", ""
        elif c.status == "4" or c.paid <= 0:
            action, outcome = f"835: denied, nothing paid on billed {money(c.billed)}", "Lost"
        else:
            outcome = "Won" if c.paid + c.patient >= c.billed - 0.005 else "Partial"
            action = f"835: paid {money(c.paid)} of billed {money(c.billed)}, patient responsibility {money(c.patient)}"
        if c.correction:
            action = action.replace("835:", "835 corrected claim:", 1)
        if codes and c.status != "22":
            action += f" ({codes})"
        clock = sorted(self.nsa_codes & set(c.remarks))
        if clock:
            notes = [*notes, f"NSA remarks {' '.join(clock)}: the 30-business-day open negotiation may start"]
        self.plan.log.append(
            {
                "claim_id": w,
                "date": c.payment_date,
                "stage": STAGE,
                "action": action,
                "channel": "",
                "representative": "",
                "reference": c.reference,
                "amount_requested": None,
                "amount_offered": None,
                "amount_paid": amount,
                "outcome": outcome,
                "response_date": None,
                "notes": "; ".join(notes),
            }
        )

    def _record(
        self, c: RemitClaim, w: str, result: str, rl: dict[str, Any] | None = None, line: Line | None = None
    ) -> None:
        self.plan.records.append(
            {
                "key": c.key if rl is None and line is None else f"{c.key}|{rl['line_number'] if rl else 0}",
                "imported": self.now,
                "file": c.file.rsplit("/", 1)[-1],
                "payer": c.payer,
                "payer_key": c.payer_key,
                "trace": c.trace,
                "payment_date": c.payment_date.isoformat() if c.payment_date else "",
                "payer_claim_id": c.icn,
                "patient_control_number": c.pcn,
                "status": c.status,
                "line": rl["line_number"] if rl else 0,
                "line_control_number": rl["control"] if rl else "",
                "procedure": rl["code"] if rl else "",
                "billed": rl["charge"] if rl else c.billed,
                "paid": rl["paid"] if rl else c.paid,
                "claim_id": w,
                "workbook_line": _line_no(line) if line else "",
                "result": result,
            }
        )


def _line_no(line: Line) -> int | None:
    v = line.values.get("line")
    try:
        return int(float(v))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _next_line(lines: list[Line]) -> int:
    return max((n for n in (_line_no(ln) for ln in lines) if n is not None), default=0) + 1


def _best_line(rl: dict[str, Any], lines: list[Line], taken: set[int]) -> int | None:
    """The workbook line a remit line is for: same HCPCS, preferring the same line number, then the same
    modifiers, then the first in order."""
    code = rl["code"].upper()
    candidates = [
        i for i, ln in enumerate(lines) if i not in taken and as_text(ln.values.get("hcpcs")).upper() == code
    ]
    if not candidates:
        return None
    for i in candidates:
        if _line_no(lines[i]) == rl["line_number"]:
            return i
    mods = sorted(m.upper() for m in rl["modifiers"])
    for i in candidates:
        if sorted(re.split(r"[\s,]+", as_text(lines[i].values.get("modifier")).upper())) == mods or (
            not mods and not as_text(lines[i].values.get("modifier"))
        ):
            return i
    return candidates[0]
