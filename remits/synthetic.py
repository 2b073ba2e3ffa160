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
