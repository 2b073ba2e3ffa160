"""Generator of realistic, balanced X12 835 remittances for tests, benchmarks and demos.

The files look like what an out-of-network practice receives: several payers, one transaction set (ST/SE)
per check or EFT, multi-line surgical and emergency claims, CAS adjustments of several groups (CO-45 fee
schedule cuts, PR-1/2/3 patient shares, OA-23 prior payer, CO-97 bundled lines), denials, reversals
(CLP02 = 22) followed by corrected claims, provider-level adjustments (PLB interest and recoveries) and the
No Surprises Act remarks (N830, N859, N877, N876).

Every amount is built in integer cents, so each file balances exactly: per line
``SVC02 - SVC03 = sum(CAS)``, per claim ``CLP03 - CLP04 = sum(CAS)`` and ``CLP05 = sum(PR)``, per
transaction ``BPR02 = sum(CLP04) - sum(PLB)``.

The procedure codes are the ones DOMAIN.md lists as typical out-of-network negotiations; no descriptor text
is generated (CPT descriptors are AMA-copyrighted).

>>> data = synthetic_835(claims=3, seed=1)
>>> data[:4], data.count(b"CLP*") >= 3
(b'ISA*', True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# (code, modifiers, typical charge in dollars); see DOMAIN.md "Codes the field negotiates out of network".
PROCEDURES: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("99285", (), 1450),
    ("29881", (), 9800),
    ("29881", ("RT",), 9800),
    ("63650", (), 21000),
    ("43239", (), 3900),
    ("27447", ("LT",), 48000),
    ("70553", ("26",), 900),
    ("70553", ("TC",), 2800),
    ("64483", ("RT",), 2600),
    ("21196", (), 27000),
    ("21194", ("59", "XS"), 24000),
    ("22633", (), 61000),
    ("63030", ("LT",), 17000),
    ("99284", ("25",), 980),
)

PAYERS: tuple[tuple[str, str], ...] = (
    ("NORTHWIND HEALTH PLAN", "87726"),
    ("CONTOSO MUTUAL", "60054"),
    ("FABRIKAM BENEFITS ADMINISTRATORS", "62308"),
    ("TAILSPIN CARE", "39026"),
)

PAYEE = ("RIVERBEND SURGICAL ASSOCIATES", "1932145678", "841234567")
NSA_REMARKS = ("N830", "N859", "N877")
LINE_REMARKS = ("N381", "M15", "N20", "MA130")


def _money(cents: int) -> str:
    """X12 decimal text of an amount in cents: ``12345 -> '123.45'``, ``-5 -> '-0.05'``."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


@dataclass
class _Claim:
    pcn: str
    icn: str
    status: str
    billed: int
    paid: int
    patient: int
    segments: list[list[str]] = field(default_factory=list)


@dataclass
class _Writer:
    """Collects segments as element lists and renders them with the chosen separators."""

    element: str
    component: str
    terminator: str
    newline: str
    out: list[str] = field(default_factory=list)

    def seg(self, *elements: str) -> None:
        self.out.append(self.element.join(elements).rstrip(self.element) + self.terminator + self.newline)

    def comp(self, *parts: str) -> str:
        return self.component.join(parts).rstrip(self.component)


def _line(rng: random.Random, w: _Writer, date: str, nsa: bool, line_no: int) -> tuple[int, int, int, list]:
    """One service line: returns (charge, paid, patient share, segments as element lists)."""
    code, mods, base = rng.choice(PROCEDURES)
    units = 1 if rng.random() < 0.9 else rng.randint(2, 3)
    charge = base * 100 * units + rng.randint(0, 99) * 100
    kind = rng.random()
    cas: list[list[str]] = []
    if kind < 0.08:  # bundled into another line: nothing allowed
        allowed, paid, ded, coins, copay = 0, 0, 0, 0, 0
        cas.append(["CAS", "CO", "97", _money(charge)])
    else:
        allowed = charge * rng.randint(18, 75) // 100
        ded = min(allowed, rng.choice((0, 0, 0, 50000, 150000, 25000)))
        coins = (allowed - ded) * rng.choice((0, 10, 20, 30)) // 100
        copay = rng.choice((0, 0, 0, 5000)) if code.startswith("992") else 0
        copay = min(copay, allowed - ded - coins)
        paid = allowed - ded - coins - copay
        cut = charge - allowed
        if cut:
            if nsa or rng.random() < 0.7:
                cas.append(["CAS", "CO", "45", _money(cut)])
            else:  # part contractual, part a repricer discount
                disc = cut // 3
                cas.append(["CAS", "CO", "45", _money(cut - disc), "", "131", _money(disc)])
        pr: list[str] = ["CAS", "PR"]
        for reason, amount in (("1", ded), ("2", coins), ("3", copay)):
            if amount:
                pr += [reason, _money(amount), ""]
        if len(pr) > 2:
            cas.append(pr)
    svc01 = w.comp("HC", code, *mods)
    svc = ["SVC", svc01, _money(charge), _money(paid), ""]
    svc.append(str(units) if units != 1 else "")
    segs: list[list[str]] = [
        svc,
        ["DTM", "472", date],
        *cas,
        ["REF", "6R", f"{line_no:03d}{rng.randint(0, 99999):05d}"],
    ]
    if allowed:
        segs.append(["AMT", "B6", _money(allowed)])
    if nsa:
        segs.append(["LQ", "HE", "N830"])
    elif rng.random() < 0.15:
        segs.append(["LQ", "HE", rng.choice(LINE_REMARKS)])
    return charge, paid, ded + coins + copay, segs


def _claim(rng: random.Random, w: _Writer, n: int, pcn: str | None = None) -> _Claim:
    """One claim of 1 to 6 lines; about 7% are denied, 12% processed under the No Surprises Act."""
    day = 1 + rng.randrange(28)
    month = 1 + rng.randrange(12)
    date = f"2025{month:02d}{day:02d}"
    received = f"2025{min(12, month + 1):02d}{day:02d}"
    nsa = rng.random() < 0.12
    pcn = pcn or f"PCN{n:08d}"
    icn = f"{rng.randint(10**12, 10**13 - 1)}"
    lines = [_line(rng, w, date, nsa, i + 1) for i in range(rng.choice((1, 1, 2, 2, 3, 4, 6)))]
    denied = rng.random() < 0.07
    segs: list[list[str]] = []
    billed = sum(c for c, _, _, _ in lines)
    if denied:
        reason = rng.choice(("50", "96", "197", "29", "16"))
        claim = _Claim(pcn, icn, "4", billed, 0, 0)
        segs.append(["CLP", pcn, "4", _money(billed), "0", "", "12", icn, "11", "1"])
    else:
        paid = sum(p for _, p, _, _ in lines)
        patient = sum(s for _, _, s, _ in lines)
        status = rng.choice(("1", "1", "1", "2", "3"))
        claim = _Claim(pcn, icn, status, billed, paid, patient)
        clp = ["CLP", pcn, status, _money(billed), _money(paid), _money(patient) if patient else ""]
        segs.append([*clp, "12", icn, "11", "1"])
    segs.append(
        [
            "NM1",
            "QC",
            "1",
            rng.choice(("DOE", "ROE", "POE", "LEE")),
            rng.choice(("JANE", "JOHN", "ALEX")),
            "",
            "",
            "",
            "MI",
            f"W{n:09d}",
        ]
    )
    segs.append(["NM1", "82", "1", "SURGEON", "PAT", "", "", "", "XX", "1588667788"])
    remarks = (["N859", "N877"] if not denied else ["N876"]) if nsa else []
    if denied and reason == "16":
        remarks.append("N4")
    if remarks:  # one MOA per claim, after the names (TR3 2100 order)
        segs.append(["MOA", "", "", *remarks])
    segs.append(["DTM", "050", received])
    segs.append(["DTM", "232", date])
    segs.append(["DTM", "233", date])
    for charge, _, _, lsegs in lines:
        if denied:  # every line denied with the claim's reason, nothing paid
            svc, dtm = lsegs[0], lsegs[1]
            ref = next(s for s in lsegs if s[0] == "REF")
            segs += [[*svc[:3], "0", *svc[4:]], dtm, ["CAS", "CO", reason, _money(charge)], ref]
        else:
            segs += lsegs
    claim.segments = segs
    return claim


def _reversal(w: _Writer, original: _Claim) -> _Claim:
    """CLP02 = 22: the original claim with every amount negated (claim and line levels)."""
    out: list[list[str]] = []
    for s in original.segments:
        s = list(s)
        if s[0] == "CLP":
            s[2] = "22"
            s[3], s[4] = _money(-original.billed), _money(-original.paid)
            s[5] = _money(-original.patient) if original.patient else ""
        elif s[0] == "SVC":
            s[2] = _neg(s[2])
            s[3] = _neg(s[3])
        elif s[0] == "CAS":
            s = [x if i < 2 or (i - 2) % 3 != 1 or not x else _neg(x) for i, x in enumerate(s)]
        elif s[0] == "AMT":
            s[2] = _neg(s[2])
        out.append(s)
    return _Claim(original.pcn, original.icn, "22", -original.billed, -original.paid, -original.patient, out)


def _neg(amount: str) -> str:
    return amount[1:] if amount.startswith("-") else ("-" + amount if amount.strip("0.") else amount)


def synthetic_835(
    claims: int = 2000,
    seed: int = 0,
    *,
    element: str = "*",
    component: str = ":",
    repetition: str = "^",
    terminator: str = "~",
    newline: str = "\n",
    claims_per_transaction: int = 250,
    transactions_per_interchange: int = 20,
    reversal_rate: float = 0.02,
) -> bytes:
    """Generate an 835 file of ``claims`` claims (reversals and corrections count as claims).

    Parameters
    ----------
    claims : int
        Number of CLP loops in the file.
    seed : int
        Seed of the random generator; the same arguments always give the same bytes.
    element, component, repetition, terminator : str
        Separators written in the ISA segment and used throughout.
    newline : str
        Text written after each segment terminator (``""`` for none, ``"\\r\\n"``).
    claims_per_transaction, transactions_per_interchange : int
        How many claims per ST/SE (one check or EFT) and transactions per ISA/IEA envelope.
    reversal_rate : float
        Share of claims that are a reversal of an earlier claim in the file followed by its correction.

    Returns
    -------
    bytes
        ASCII text of the file.
    """
    rng = random.Random(seed)
    w = _Writer(element, component, terminator, newline)
    paid_before: dict[str, list[_Claim]] = {p: [] for p, _ in PAYERS}  # reversible claims per payer
    made = 0
    isa_no = 0
    st_no = 0
    while made < claims:
        isa_no += 1
        isa = (
            f"ISA{element}00{element}{'':10}{element}00{element}{'':10}{element}ZZ{element}{'CLEARINGHOUSE':15}"
            f"{element}ZZ{element}{'RIVERBEND':15}{element}250601{element}0930{element}{repetition}"
            f"{element}00501{element}{isa_no:09d}{element}0{element}P{element}{component}{terminator}{newline}"
        )
        w.out.append(isa)
        w.seg("GS", "HP", "CLEARINGHOUSE", "RIVERBEND", "20250601", "0930", str(isa_no), "X", "005010X221A1")
        n_st = 0
        while made < claims and n_st < transactions_per_interchange:
            n_st += 1
            st_no += 1
            payer, payer_id = PAYERS[st_no % len(PAYERS)]
            batch: list[_Claim] = []
            while made < claims and len(batch) < claims_per_transaction:
                earlier = paid_before[payer]
                if earlier and rng.random() < reversal_rate and claims - made >= 2:
                    original = earlier.pop(rng.randrange(len(earlier)))
                    batch.append(_reversal(w, original))
                    corrected = _claim(rng, w, made, pcn=original.pcn)
                    for s in corrected.segments:
                        if s[0] == "CLP":
                            s[9] = "7"  # frequency 7: replacement of a prior claim
                    batch.append(corrected)
                    made += 2
                else:
                    c = _claim(rng, w, made)
                    batch.append(c)
                    if c.status != "4":
                        paid_before[payer].append(c)
                    made += 1
            plb: list[tuple[str, int]] = []
            if rng.random() < 0.3:
                plb.append((w.comp("L6", f"INT{st_no}"), -rng.randint(100, 5000)))
            if rng.random() < 0.2:
                plb.append((w.comp("WO", f"OVP{st_no:06d}"), rng.randint(1000, 50000)))
            total = sum(c.paid for c in batch) - sum(a for _, a in plb)
            body: list[list[str]] = []
            date = f"2025{1 + st_no % 12:02d}15"
            credit = "C" if total >= 0 else "D"
            method = "ACH" if total else "NON"
            if method == "ACH":
                bpr = [
                    "BPR",
                    "I",
                    _money(abs(total)),
                    credit,
                    "ACH",
                    "CCP",
                    "01",
                    "011000015",
                    "DA",
                    "123456789",
                ]
                bpr += ["1" + payer_id.rjust(9, "0"), "", "01", "021000021", "DA", "987654321", date]
            else:
                bpr = [
                    "BPR",
                    "H",
                    _money(abs(total)),
                    credit,
                    "NON",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    date,
                ]
            body.append(bpr)
            body.append(["TRN", "1", f"EFT{st_no:010d}", "1" + payer_id.rjust(9, "0")])
            body.append(["DTM", "405", date])
            body.append(["N1", "PR", payer, "XV", payer_id])
            body.append(["N3", "PO BOX 1000"])
            body.append(["N4", "HARTFORD", "CT", "06101"])
            body.append(["REF", "2U", payer_id])
            body.append(["PER", "BL", "PROVIDER SERVICES", "TE", "8005551212"])
            body.append(["N1", "PE", PAYEE[0], "XX", PAYEE[1]])
            body.append(["REF", "TJ", PAYEE[2]])
            if batch:
                body.append(["LX", "1"])
                for c in batch:
                    body += c.segments
            prov_period = f"2025{12:02d}31"
            for i in range(0, len(plb), 6):
                row = ["PLB", PAYEE[1], prov_period]
                for ref, amount in plb[i : i + 6]:
                    row += [ref, _money(amount)]
                body.append(row)
            w.seg("ST", "835", f"{st_no:04d}")
            for s in body:
                w.seg(*s)
            w.seg("SE", str(len(body) + 2), f"{st_no:04d}")
        w.seg("GE", str(n_st), str(isa_no))
        w.seg("IEA", "1", f"{isa_no:09d}")
    return "".join(w.out).encode("ascii")


# ------------------------------------------------------------------------------ remits built from claims


@dataclass(frozen=True)
class RemitLine:
    """One service line of :func:`build_835`: amounts in dollars; ``adjustments`` are (group, reason,
    amount) and must make the line balance (``charge - paid = sum of amounts``)."""

    code: str
    charge: float
    paid: float
    adjustments: tuple[tuple[str, str, float], ...] = ()
    modifiers: tuple[str, ...] = ()
    units: int = 1
    service_date: str = ""  # CCYYMMDD
    control_number: str = ""  # REF*6R
    allowed: float | None = None  # AMT*B6
    remarks: tuple[str, ...] = ()  # LQ*HE
    billed_as: tuple[str, ...] = ()  # SVC06: the code and modifiers billed, when the payer paid another


@dataclass(frozen=True)
class RemitClaim:
    """One claim (CLP loop) of :func:`build_835`; billed, paid and patient responsibility are the sums of
    its lines (plus its own ``adjustments`` at claim level, which reduce the paid amount)."""

    pcn: str
    icn: str
    lines: tuple[RemitLine, ...]
    status: str = "1"
    filing_indicator: str = "CI"
    facility: str = "22"
    frequency: str = "1"
    patient: tuple[str, str, str] = ("DEMO", "PATIENT", "")  # last, first, member id
    remarks: tuple[str, ...] = ()  # MOA remark codes
    adjustments: tuple[tuple[str, str, float], ...] = ()  # claim-level CAS
    statement_date: str = ""
    reversal: bool = False  # CLP02 22: every amount of the lines negated


@dataclass(frozen=True)
class RemitPayment:
    """One transaction set (a check or EFT) of :func:`build_835`."""

    payer: str
    payment_date: str  # CCYYMMDD
    trace: str
    claims: tuple[RemitClaim, ...]
    payer_id: str = ""  # N1*PR04 (qualifier XV) when given
    payer_reference: str = ""  # REF*2U when given
    plb: tuple[tuple[str, str, float], ...] = ()  # (reason, reference, amount)


def _cents(amount: float) -> int:
    return round(amount * 100)


def build_835(
    payments: list[RemitPayment] | tuple[RemitPayment, ...],
    *,
    payee: tuple[str, str, str] = PAYEE,
    control: int = 1,
    date: str = "20260101",
) -> bytes:
    """An 835 file of the given payments, one ISA/GS envelope, one ST/SE per payment, balanced by
    construction: CLP03/04/05 and BPR02 are computed from the lines; a line whose adjustments do not
    balance raises ValueError (this builder makes test and demo files, not broken ones).

    >>> line = RemitLine("99285", 1500.0, 300.0, (("CO", "45", 1100.0), ("PR", "2", 100.0)))
    >>> data = build_835([RemitPayment("SUMMIT HEALTH PLAN", "20260116", "EFT1", (RemitClaim("C1", "I1", (line,)),))])
    >>> b"CLP*C1*1*1500.00*300.00*100.00*CI*I1*22*1~" in data
    True
    """
    w = _Writer("*", ":", "~", "\n")
    w.out.append(
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{'DEMOPAYER':15}*ZZ*{'RIVERBEND':15}*{date[2:]}*0900*^*00501*"
        f"{control:09d}*0*P*:~\n"
    )
    w.seg("GS", "HP", "DEMOPAYER", "RIVERBEND", date, "0900", str(control), "X", "005010X221A1")
    for st_no, pay in enumerate(payments, start=1):
        body: list[list[str]] = []
        total = 0
        claim_segments: list[list[str]] = []
        for claim in pay.claims:
            sign = -1 if claim.reversal else 1
            billed = paid = patient = 0
            lines: list[list[str]] = []
            for ln in claim.lines:
                if _cents(ln.charge) - _cents(ln.paid) != sum(_cents(a) for _, _, a in ln.adjustments):
                    raise ValueError(f"claim {claim.pcn} line {ln.code}: charge - paid != adjustments")
                billed += _cents(ln.charge)
                paid += _cents(ln.paid)
                patient += sum(_cents(a) for g, _, a in ln.adjustments if g == "PR")
                svc = ["SVC", w.comp("HC", ln.code, *ln.modifiers), _money(sign * _cents(ln.charge))]
                svc += [_money(sign * _cents(ln.paid)), "", str(ln.units) if ln.units != 1 else ""]
                if ln.billed_as:
                    svc.append(w.comp("HC", *ln.billed_as))
                lines.append(svc)
                if ln.service_date:
                    lines.append(["DTM", "472", ln.service_date])
                for group in dict.fromkeys(g for g, _, _ in ln.adjustments):
                    cas = ["CAS", group]
                    for g, reason, amount in ln.adjustments:
                        if g == group:
                            cas += [reason, _money(sign * _cents(amount)), ""]
                    lines.append(cas)
                if ln.control_number:
                    lines.append(["REF", "6R", ln.control_number])
                if ln.allowed is not None:
                    lines.append(["AMT", "B6", _money(sign * _cents(ln.allowed))])
                if ln.remarks:
                    lines.append(["LQ", "HE", ln.remarks[0]])
                    lines += [["LQ", "HE", r] for r in ln.remarks[1:]]
            claim_adj = sum(_cents(a) for _, _, a in claim.adjustments)
            patient += sum(_cents(a) for g, _, a in claim.adjustments if g == "PR")
            paid -= claim_adj
            status = "22" if claim.reversal else claim.status
            clp = ["CLP", claim.pcn, status, _money(sign * billed), _money(sign * paid)]
            clp += [_money(sign * patient) if patient else "", claim.filing_indicator, claim.icn]
            clp += [claim.facility, claim.frequency]
            segs: list[list[str]] = [clp]
            for group in dict.fromkeys(g for g, _, _ in claim.adjustments):
                cas = ["CAS", group]
                for g, reason, amount in claim.adjustments:
                    if g == group:
                        cas += [reason, _money(sign * _cents(amount)), ""]
                segs.append(cas)
            last, first, member = claim.patient
            segs.append(["NM1", "QC", "1", last, first, "", "", "", "MI" if member else "", member])
            if claim.remarks:
                segs.append(["MOA", "", "", *claim.remarks])
            if claim.statement_date:
                segs.append(["DTM", "232", claim.statement_date])
                segs.append(["DTM", "233", claim.statement_date])
            claim_segments += segs + lines
            total += sign * paid
        total -= sum(_cents(a) for _, _, a in pay.plb)
        method = "ACH" if total else "NON"
        bpr = ["BPR", "I" if total else "H", _money(abs(total)), "C" if total >= 0 else "D", method]
        bpr += ["CCP", "01", "011000015", "DA", "123456789", "1999999999", "", "01", "021000021", "DA"]
        bpr += ["987654321", pay.payment_date] if total else ["", pay.payment_date]
        if not total:
            bpr[5:15] = [""] * 10
        body.append(bpr)
        body.append(["TRN", "1", pay.trace, "1999999999"])
        body.append(["DTM", "405", pay.payment_date])
        body.append(["N1", "PR", pay.payer, *(("XV", pay.payer_id) if pay.payer_id else ())])
        body.append(["N3", "PO BOX 1000"])
        body.append(["N4", "HARTFORD", "CT", "06101"])
        if pay.payer_reference:
            body.append(["REF", "2U", pay.payer_reference])
        body.append(["PER", "BL", "PROVIDER SERVICES", "TE", "8005551212"])
        body.append(["N1", "PE", payee[0], "XX", payee[1]])
        body.append(["REF", "TJ", payee[2]])
        if claim_segments:
            body.append(["LX", "1"])
            body += claim_segments
        if pay.plb:
            row = ["PLB", payee[1], f"{pay.payment_date[:4]}1231"]
            for reason, reference, amount in pay.plb:
                row += [w.comp(reason, reference), _money(_cents(amount))]
            body.append(row)
        w.seg("ST", "835", f"{st_no:04d}")
        for s in body:
            w.seg(*s)
        w.seg("SE", str(len(body) + 2), f"{st_no:04d}")
    w.seg("GE", str(len(payments)), str(control))
    w.seg("IEA", "1", f"{control:09d}")
    return "".join(w.out).encode("ascii")


# ------------------------------------------------------------------------------------------ the demo remits

#: How each demo payer names itself on its remits (N1*PR name, N1*PR04 id, REF*2U id, CLP06); the
#: profiles in templates/payers list the names and ids that differ from their own as aliases.
DEMO_PAYERS: dict[str, tuple[str, str, str, str]] = {
    "summit-health": ("SUMMIT HEALTH PLAN", "61101", "", "CI"),
    "northwind-trust": ("NORTHWIND BENEFIT TRUST", "", "NWT50", "CI"),
    "keystone-mutual": ("KEYSTONE MUTUAL INS CO", "", "KMI77", "CI"),
    "harbor-advantage": ("HARBOR MEDICARE ADVANTAGE", "HMA88", "", "16"),
}
#: A deductible carries at most this much of a line's patient share when the demo lists PR-1 and PR-2.
DEMO_DEDUCTIBLE = 500.0
#: The demo's reprocessed claim: reversed and paid again, unchanged, a week after its first payment.
DEMO_REVERSAL = ("C4001", "20260206")


def _demo_line(row: dict[str, str]) -> RemitLine:
    billed, paid, patient = float(row["billed"]), float(row["initial_paid"]), float(row["patient_paid"])
    codes = row["carc_codes"].split()
    groups = [c.split("-", 1) for c in codes]
    adjustments: list[tuple[str, str, float]] = []
    if row["status"] == "Denied":
        group, reason = groups[0]
        adjustments.append((group, reason, billed))
    else:
        pr = [r for g, r in groups if g == "PR"]
        if patient:
            if pr == ["1", "2"]:
                deductible = min(patient, DEMO_DEDUCTIBLE)
                shares = [("1", deductible), ("2", round(patient - deductible, 2))]
            else:
                shares = [(pr[0], patient)]
            cut = round(billed - paid - patient, 2)
            if cut:
                adjustments.append(("CO", "45", cut))
            adjustments += [("PR", r, a) for r, a in shares if a]
        elif billed - paid:
            adjustments.append(("CO", "45", round(billed - paid, 2)))
    date = row["date_of_service"].replace("-", "")
    return RemitLine(
        code=row["hcpcs"],
        charge=billed,
        paid=0.0 if row["status"] == "Denied" else paid,
        adjustments=tuple(adjustments),
        modifiers=tuple(row["modifier"].split()),
        units=int(row["units"] or 1),
        service_date=date,
        control_number=row["line"],
        allowed=None if row["status"] == "Denied" else round(paid + patient, 2),
    )


def demo_remits(claims_csv: str | None = None) -> dict[str, bytes]:
    """The 835 files of the embedded demo, one per payer (``<profile id>.835``), built from the demo's
    claims file (``templates/demo/claims.csv``): one payment per payer and payment date, CLP01 = claim_id,
    CLP07 = payer_claim_id, SVC02/SVC03 = billed/initial_paid, the patient share as PR adjustments (PR-1 and
    PR-2 listed: deductible up to :data:`DEMO_DEDUCTIBLE`, coinsurance the rest), the rest of the cut CO-45,
    a denied claim (status Denied) as CLP02 4 with its CARC on the whole charge, an NSA claim with MOA N859
    and N877, and one claim reversed and paid again (:data:`DEMO_REVERSAL`).

    >>> files = demo_remits()
    >>> sorted(files)
    ['harbor-advantage.835', 'keystone-mutual.835', 'northwind-trust.835', 'summit-health.835']
    """
    import csv
    from pathlib import Path

    path = (
        Path(claims_csv) if claims_csv else Path(__file__).resolve().parents[1] / "templates/demo/claims.csv"
    )
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, bytes] = {}
    for control, (payer_id, (name, n1_id, ref_2u, filing)) in enumerate(DEMO_PAYERS.items(), start=1):
        mine = [r for r in rows if r["payer"] == payer_id]
        claims: dict[str, list[dict[str, str]]] = {}
        for r in mine:
            claims.setdefault(r["claim_id"], []).append(r)
        by_date: dict[str, list[RemitClaim]] = {}
        for claim_id, lines in claims.items():
            first = lines[0]
            claim = RemitClaim(
                pcn=claim_id,
                icn=first["payer_claim_id"],
                lines=tuple(_demo_line(r) for r in lines),
                status="4" if first["status"] == "Denied" else "1",
                filing_indicator=filing,
                facility="23" if first["hcpcs"] == "99285" else "22",
                patient=("DEMO", "PATIENT", first["patient_ref"]),
                remarks=("N859", "N877") if first["nsa"] == "Y" else (),
                statement_date=first["date_of_service"].replace("-", ""),
            )
            by_date.setdefault(first["payment_date"].replace("-", ""), []).append(claim)
            if claim_id == DEMO_REVERSAL[0]:
                again = RemitClaim(**{**claim.__dict__, "frequency": "7"})
                reversal = RemitClaim(**{**claim.__dict__, "reversal": True})
                by_date.setdefault(DEMO_REVERSAL[1], []).extend([reversal, again])
        payments = [
            RemitPayment(name, date, f"{payer_id[:3].upper()}{date}", tuple(c), n1_id, ref_2u)
            for date, c in sorted(by_date.items())
        ]
        out[f"{payer_id}.835"] = build_835(payments, control=control, date=payments[-1].payment_date)
    return out


def write_demo_remits(folder: str) -> list[str]:
    """Write :func:`demo_remits` into ``folder`` (``templates/demo/remits`` in the source tree); returns
    the paths written."""
    from pathlib import Path

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in demo_remits().items():
        (target / name).write_bytes(data)
        written.append(str(target / name))
    return written
