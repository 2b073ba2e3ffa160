"""The segment loop of the 835 reader: one pass over a file's segments into column lists.

This is the hot path. The file is read in chunks of about 4 MB (:func:`remits.segments.segment_chunks`);
each segment is split once, and its identifier and the loop the previous segment left the parser in decide
what it means. Values are appended to plain lists, one per column (integers to typed arrays); after each
chunk :meth:`Piece.flush` checks and converts the chunk's amounts in bulk (:mod:`remits.amounts`) and makes
equal codes share one string, so memory stays near the size of the tables. Dates are checked and turned
into day numbers through a cache (a remittance repeats few distinct dates).

Loop order follows TR3 005010X221A1 section 2.4: ST, BPR, TRN, header (CUR, REF, DTM), payer loop 1000A
(N1*PR, N3, N4, REF, PER), payee loop 1000B (N1*PE, N3, N4, REF, RDM), then header number loops 2000 (LX,
TS3, TS2) holding claim loops 2100 (CLP, CAS, NM1, MIA, MOA, REF, DTM, PER, AMT, QTY) holding service line
loops 2110 (SVC, DTM, CAS, REF, AMT, QTY, LQ), then PLB and SE. Within a loop the segments may come in any
order; a segment of another loop, or one the 835 does not have, is an error.
"""

from __future__ import annotations

from array import array
from datetime import date

import numpy as np

from .amounts import convert as convert_amounts
from .segments import RemitError, interchanges, segment_chunks

# CAS01 claim adjustment group codes (TR3 2100 and 2110 CAS01).
GROUP_CODES = frozenset({"CO", "CR", "OA", "PI", "PR"})
# CLP02 claim status codes (TR3 2100 CLP02).
CLAIM_STATUS = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
# BPR04 payment method codes (TR3 table 1 BPR04).
PAYMENT_METHODS = frozenset({"ACH", "BOP", "CHK", "FWT", "NON"})
# Segment identifiers of the 835 (TR3 section 2.4); anything else is not part of an 835.
KNOWN_SEGMENTS = frozenset(
    "ISA IEA GS GE ST SE BPR TRN CUR REF DTM N1 N3 N4 PER RDM LX TS3 TS2 CLP CAS NM1 MIA MOA AMT QTY SVC LQ PLB".split()  # noqa: SIM905
)
NAT = -(2**63)  # datetime64's NaT as an int64
CHUNK_SIZE = 1 << 22  # bytes of a file split into segments at a time (4 MiB)
_EPOCH = date(1970, 1, 1).toordinal()

# parser states: the loop the last segment belongs to
_BEFORE, _ISA, _GROUP, _ST, _BPR, _HEADER, _PAYER, _PAYEE, _LX, _CLAIM, _LINE, _SUMMARY, _AFTER = range(13)
STATE_NAMES = {
    _BEFORE: "before the ISA segment",
    _ISA: "in the interchange, outside a functional group",
    _GROUP: "in a functional group, outside a transaction set",
    _ST: "right after ST, where BPR must come",
    _BPR: "right after BPR, where TRN must come",
    _HEADER: "in the transaction header",
    _PAYER: "in the payer loop (N1*PR)",
    _PAYEE: "in the payee loop (N1*PE)",
    _LX: "right after LX, before its first claim (CLP)",
    _CLAIM: "in a claim loop (CLP)",
    _LINE: "in a service line loop (SVC)",
    _SUMMARY: "among the provider adjustments (PLB)",
    _AFTER: "after the IEA segment",
}

PAYMENT_FIELDS = [
    "segment",
    "isa_control",
    "gs_control",
    "st_control",
    "sender_id",
    "receiver_id",
    "version",
    "handling",
    "amount",
    "credit_debit",
    "method",
    "payment_format",
    "payment_date",
    "trace_number",
    "originator_id",
    "production_date",
    "payer",
    "payer_id_qualifier",
    "payer_id",
    "payer_reference",
    "payee",
    "payee_id_qualifier",
    "payee_id",
    "payee_tin",
]
CLAIM_FIELDS = [
    "payment",
    "segment",
    "header_number",
    "patient_control_number",
    "status",
    "billed",
    "paid",
    "patient_responsibility",
    "filing_indicator",
    "payer_claim_id",
    "facility_type",
    "frequency",
    "drg",
    "received_date",
    "statement_from",
    "statement_to",
    "patient_last_name",
    "patient_first_name",
    "patient_id",
    "rendering_provider",
    "rendering_provider_id",
    "remark_codes",
]
LINE_FIELDS = [
    "claim",
    "segment",
    "line_number",
    "qualifier",
    "procedure_code",
    "modifier_1",
    "modifier_2",
    "modifier_3",
    "modifier_4",
    "charge",
    "paid",
    "revenue_code",
    "units",
    "original_procedure",
    "original_units",
    "service_from",
    "service_to",
    "line_control_number",
    "remark_codes",
]
ADJUSTMENT_FIELDS = ["claim", "line", "segment", "group", "reason", "amount", "quantity"]
REMARK_FIELDS = ["claim", "line", "segment", "source", "code_list", "code"]
PLB_FIELDS = ["payment", "segment", "provider_id", "fiscal_period_date", "reason", "reference", "amount"]
AMOUNT_FIELDS = ["claim", "line", "segment", "segment_id", "qualifier", "value"]


class Piece:
    """Column lists read from one file.

    Indexes (``payment``, ``claim``, ``line``) count from 0 in the file; ``line`` is -1 for a claim-level
    row. Amounts are the file's text, ``""`` when absent, until :meth:`flush` converts them; dates are days
    since 1970-01-01, :data:`NAT` when absent.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.payments: list[dict] = []
        self.claims = _columns(CLAIM_FIELDS)
        self.lines = _columns(LINE_FIELDS)
        self.adjustments = _columns(ADJUSTMENT_FIELDS)
        self.remarks = _columns(REMARK_FIELDS)
        self.plb = _columns(PLB_FIELDS)
        self.amounts = _columns(AMOUNT_FIELDS)
        # float64 pieces of the append-only amount columns, and how many rows of each table are converted
        self.floats: dict[str, dict[str, list[np.ndarray]]] = {
            t: {c: [] for c, _, _ in specs} for t, specs in APPEND_ONLY_AMOUNTS.items()
        }
        self.done = dict.fromkeys(APPEND_ONLY_AMOUNTS, 0)
        self.codes_done = dict.fromkeys(CODE_COLUMNS, 0)
        self.codes: dict[str | None, str | None] = {}

    def flush(self) -> None:
        """Convert the amounts read since the last call and share one string object among equal codes,
        so that a large file never holds millions of amount texts or copies of ``"CO"`` and ``"45"``."""
        bad: list[tuple[int, str]] = []
        for table, specs in APPEND_ONLY_AMOUNTS.items():
            columns = getattr(self, table)
            start = self.done[table]
            end = len(columns["segment"])
            if end == start:
                continue
            segments = columns["segment"][start:end]
            for column, what, optional in specs:
                values = columns[column]
                parsed = convert_amounts(values, segments, what, optional)
                if isinstance(parsed, tuple):
                    bad.append(parsed)
                else:
                    self.floats[table][column].append(parsed)
                    values.clear()
            self.done[table] = end
        if bad:
            raise RemitError.at(self.source, *min(bad))
        share = self.codes.setdefault
        for table, names in CODE_COLUMNS.items():
            columns = getattr(self, table)
            start = self.codes_done[table]
            for name in names:
                tail = columns[name][start:]
                columns[name][start:] = map(share, tail, tail)
            self.codes_done[table] = len(columns["segment"])


# amounts appended once and never changed afterwards: (column, what an error calls it, optional)
APPEND_ONLY_AMOUNTS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "claims": (
        ("billed", "CLP03 billed amount", False),
        ("paid", "CLP04 paid amount", False),
        ("patient_responsibility", "CLP05 patient responsibility", True),
    ),
    "lines": (
        ("charge", "SVC02 charge", False),
        ("paid", "SVC03 paid amount", False),
        ("units", "SVC05 units", True),
        ("original_units", "SVC07 original units", True),
    ),
    "adjustments": (("amount", "CAS amount", False), ("quantity", "CAS quantity", True)),
    "plb": (("amount", "PLB amount", False),),
    "amounts": (("value", "AMT or QTY value", False),),
}
# columns of codes that repeat across rows, appended once
CODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "claims": ("status", "filing_indicator", "facility_type", "frequency", "drg", "rendering_provider"),
    "lines": (
        "qualifier",
        "procedure_code",
        "modifier_1",
        "modifier_2",
        "modifier_3",
        "modifier_4",
        "revenue_code",
    ),
    "adjustments": ("group", "reason"),
    "remarks": ("code_list", "code"),
    "amounts": ("qualifier",),
}


# integer columns are typed arrays: 8 bytes a value instead of a pointer and an int object, and numpy
# takes them without a copy
INTEGER_FIELDS = frozenset(
    [
        "payment",
        "claim",
        "line",
        "segment",
        "line_number",
        "received_date",
        "statement_from",
        "statement_to",
        "service_from",
        "service_to",
        "fiscal_period_date",
    ]
)


def _columns(names: list[str]) -> dict[str, list | array]:
    return {k: array("q") if k in INTEGER_FIELDS else [] for k in names}


def date_days(value: str, cache: dict[str, int]) -> int | None:
    """Days since 1970-01-01 of a CCYYMMDD date (cached), None when it is not a valid date.

    >>> date_days("20250301", {}), date_days("20250230", {}), date_days("2025031", {})
    (20148, None, None)
    """
    if len(value) != 8 or not value.isdigit() or not value.isascii():
        return None
    try:
        days = date(int(value[:4]), int(value[4:6]), int(value[6:])).toordinal() - _EPOCH
    except ValueError:
        return None
    cache[value] = days
    return days


def parse(data: bytes, source: str, dates: dict[str, int], chunk_size: int | None = None) -> Piece:
    """Read every segment of one file; raise :class:`RemitError` at the first problem."""
    out = Piece(source)
    C, L, A, R, B, M = out.claims, out.lines, out.adjustments, out.remarks, out.plb, out.amounts
    payments = out.payments

    def fail(n: int, message: str) -> RemitError:
        return RemitError.at(source, n, message)

    def day(n: int, value: str, what: str) -> int:
        d = dates.get(value)
        if d is None:
            d = date_days(value, dates)
            if d is None:
                raise fail(n, f"{what} {value!r} is not a date (CCYYMMDD)")
        return d

    # bound appenders of the busy columns
    (ac_claim, ac_line, ac_seg, ac_group, ac_reason, ac_amount, ac_qty) = (
        A[k].append for k in ADJUSTMENT_FIELDS
    )
    (al_claim, al_seg, al_no, al_qual, al_code, al_m1, al_m2, al_m3, al_m4, al_charge, al_paid, al_rev) = (
        L[k].append for k in LINE_FIELDS[:12]
    )
    al_units, al_orig, al_orig_units = (
        L["units"].append,
        L["original_procedure"].append,
        L["original_units"].append,
    )
    l_from, l_to, l_ref, l_rem = (
        L[k] for k in ("service_from", "service_to", "line_control_number", "remark_codes")
    )
    al_from, al_to, al_ref, al_rem = l_from.append, l_to.append, l_ref.append, l_rem.append
    am_claim, am_line, am_seg, am_id, am_qual, am_value = (M[k].append for k in AMOUNT_FIELDS)
    ar_claim, ar_line, ar_seg, ar_source, ar_list, ar_code = (R[k].append for k in REMARK_FIELDS)
    c_from, c_to, c_received = C["statement_from"], C["statement_to"], C["received_date"]
    claim_appends = [C[k].append for k in CLAIM_FIELDS]
    dget = dates.get
    LINE, CLAIM, nat = _LINE, _CLAIM, NAT
    groups, statuses = GROUP_CODES, CLAIM_STATUS

    pi = ci = li = -1  # current payment, claim and line (indexes in this file)
    pay: dict = {}
    n = 0
    for ic in interchanges(data, source):
        E, comp = ic.separators.element, ic.separators.component
        n = ic.first_segment - 1
        state = _BEFORE
        isa13 = gs06 = st02 = version = sender = receiver = ""
        lx: str | None = None
        n_groups = n_sets = st_start = line_no = 0
        for chunk in segment_chunks(data, ic, chunk_size or CHUNK_SIZE):
            for n, seg in enumerate(chunk, n + 1):  # noqa: B020 - n goes on across chunks on purpose
                el = seg.split(E)
                tag = el[0]
                k = len(el)
                if state == LINE or state == CLAIM:  # noqa: SIM109 - two int compares beat a tuple test
                    if tag == "CAS":
                        if k == 4:
                            group = el[1]
                            if group not in groups:
                                raise fail(n, f"CAS01 group code {group!r} is not one of CO, CR, OA, PI, PR")
                            if not el[2] or not el[3]:
                                raise fail(n, "CAS02 reason and CAS03 amount must both be given")
                            ac_claim(ci)
                            ac_line(li if state == LINE else -1)
                            ac_seg(n)
                            ac_group(group)
                            ac_reason(el[2])
                            ac_amount(el[3])
                            ac_qty("")
                            continue
                        if k < 4:
                            raise fail(n, "CAS needs CAS01 group, CAS02 reason and CAS03 amount")
                        if k > 20:
                            raise fail(n, f"CAS has {k - 1} elements, at most 19")
                        group = el[1]
                        if group not in groups:
                            raise fail(n, f"CAS01 group code {group!r} is not one of CO, CR, OA, PI, PR")
                        line = li if state == LINE else -1
                        el += ("", "")
                        for i in range(2, k, 3):
                            reason, amt, qty = el[i], el[i + 1], el[i + 2]
                            if not reason:
                                if amt or qty:
                                    raise fail(n, f"CAS{i:02d} reason is empty but an amount follows")
                                continue
                            if not amt:
                                raise fail(n, f"CAS{i + 1:02d} amount is missing for reason {reason!r}")
                            ac_claim(ci)
                            ac_line(line)
                            ac_seg(n)
                            ac_group(group)
                            ac_reason(reason)
                            ac_amount(amt)
                            ac_qty(qty)
                        continue
                    if tag == "SVC":
                        if k < 4:
                            raise fail(n, "SVC needs SVC01 procedure, SVC02 charge and SVC03 paid amount")
                        proc = el[1].split(comp)
                        p = len(proc)
                        if p < 2 or not proc[0] or not proc[1]:
                            raise fail(
                                n,
                                f"SVC01 {el[1]!r} has no procedure code: expected qualifier{comp}code "
                                f"with the component separator {comp!r} of ISA16",
                            )
                        if p > 7:
                            raise fail(n, f"SVC01 {el[1]!r} has {p} components, at most 7")
                        line_no += 1
                        li += 1
                        al_claim(ci)
                        al_seg(n)
                        al_no(line_no)
                        al_qual(proc[0])
                        al_code(proc[1])
                        if p == 2:
                            al_m1(None)
                            al_m2(None)
                            al_m3(None)
                            al_m4(None)
                        else:
                            proc += ("", "", "")
                            al_m1(proc[2] or None)
                            al_m2(proc[3] or None)
                            al_m3(proc[4] or None)
                            al_m4(proc[5] or None)
                        al_charge(el[2])
                        al_paid(el[3])
                        if k == 4:
                            al_rev(None)
                            al_units("")
                            al_orig(None)
                            al_orig_units("")
                        else:
                            el += ("", "", "")
                            al_rev(el[4] or None)
                            al_units(el[5])
                            if el[6]:
                                orig = el[6].split(comp)
                                if len(orig) < 2 or not orig[0] or not orig[1] or len(orig) > 7:
                                    raise fail(
                                        n, f"SVC06 {el[6]!r} is not qualifier{comp}code[{comp}modifiers]"
                                    )
                                al_orig(orig)
                            else:
                                al_orig(None)
                            al_orig_units(el[7])
                        al_from(nat)
                        al_to(nat)
                        al_ref(None)
                        al_rem(None)
                        state = LINE
                        continue
                    if tag == "DTM":
                        if k < 3:
                            raise fail(n, "DTM needs DTM01 qualifier and DTM02 date")
                        q = el[1]
                        d = dget(el[2])
                        if d is None:
                            d = day(n, el[2], f"DTM02 ({q})")
                        if state == LINE:
                            if q == "472":
                                l_from[li] = l_to[li] = d
                            elif q == "150":
                                l_from[li] = d
                            elif q == "151":
                                l_to[li] = d
                            else:
                                raise fail(n, f"DTM*{q} is not a service line date (150, 151 or 472)")
                        elif q == "232":
                            c_from[ci] = d
                        elif q == "233":
                            c_to[ci] = d
                        elif q == "050":
                            c_received[ci] = d
                        elif q != "036":
                            raise fail(n, f"DTM*{q} is not a claim date (036, 050, 232 or 233)")
                        continue
                    if tag == "REF":
                        if k < 3 or not el[2]:
                            raise fail(n, "REF needs REF01 qualifier and REF02 value")
                        if state == LINE and el[1] == "6R":
                            if l_ref[li] is not None:
                                raise fail(n, "second REF*6R line control number in one service line")
                            l_ref[li] = el[2]
                        continue
                    if tag == "AMT" or tag == "QTY":
                        if k < 3 or not el[1]:
                            raise fail(n, f"{tag} needs {tag}01 qualifier and {tag}02 value")
                        am_claim(ci)
                        am_line(li if state == LINE else -1)
                        am_seg(n)
                        am_id("AMT" if tag == "AMT" else "QTY")
                        am_qual(el[1])
                        am_value(el[2])
                        continue
                    if tag == "LQ":
                        if state != LINE:
                            raise fail(n, "LQ (line remark) outside a service line loop (SVC)")
                        if k < 3 or not el[2]:
                            raise fail(n, "LQ needs LQ01 code list qualifier and LQ02 remark code")
                        if el[1] != "HE" and el[1] != "RX":
                            raise fail(
                                n, f"LQ01 {el[1]!r} is not HE (remark codes) or RX (NCPDP reject codes)"
                            )
                        ar_claim(ci)
                        ar_line(li)
                        ar_seg(n)
                        ar_source("LQ")
                        ar_list(el[1])
                        ar_code(el[2])
                        l_rem[li] = el[2] if l_rem[li] is None else l_rem[li] + " " + el[2]
                        continue
                    if tag == "NM1" or tag == "MIA" or tag == "MOA" or tag == "PER":
                        if state == LINE:
                            raise fail(
                                n, f"{tag} is a claim-level segment but comes after a service line (SVC)"
                            )
                        if tag == "NM1":
                            if k < 3:
                                raise fail(n, "NM1 needs NM101 entity and NM102 type")
                            el += [""] * (10 - k)
                            if el[1] == "QC":
                                C["patient_last_name"][ci] = el[3] or None
                                C["patient_first_name"][ci] = el[4] or None
                                C["patient_id"][ci] = el[9] or None
                            elif el[1] == "82":
                                name = el[3] if el[2] != "1" or not el[4] else f"{el[3]}, {el[4]}"
                                C["rendering_provider"][ci] = name or None
                                C["rendering_provider_id"][ci] = el[9] or None
                        elif tag != "PER":
                            # remark codes: MOA03-MOA07, MIA05 and MIA20-MIA23 (TR3 2100 MOA and MIA)
                            positions = (3, 4, 5, 6, 7) if tag == "MOA" else (5, 20, 21, 22, 23)
                            codes = [el[i] for i in positions if i < k and el[i]]
                            for code in codes:
                                ar_claim(ci)
                                ar_line(-1)
                                ar_seg(n)
                                ar_source(tag)
                                ar_list("HE")
                                ar_code(code)
                            if codes:
                                old = C["remark_codes"][ci]
                                joined = " ".join(codes)
                                C["remark_codes"][ci] = joined if old is None else f"{old} {joined}"
                        continue
                    # CLP, LX, PLB, SE and strays go on below
                if tag == "CLP":
                    if state != _LX and state != _CLAIM and state != _LINE:
                        raise fail(n, f"CLP (claim) {STATE_NAMES[state]}: a claim must follow an LX segment")
                    if k < 5:
                        raise fail(n, "CLP needs CLP01 patient control number, CLP02 status, CLP03 and CLP04")
                    el += [""] * (14 - k)
                    if not el[1]:
                        raise fail(n, "CLP01 patient control number is missing")
                    if el[2] not in statuses:
                        raise fail(n, f"CLP02 claim status {el[2]!r} is not a claim status code of the 835")
                    ci += 1
                    line_no = 0
                    claim: tuple = (
                        pi,
                        n,
                        lx,
                        el[1],
                        el[2],
                        el[3],
                        el[4],
                        el[5],
                        el[6] or None,
                        el[7] or None,
                    )
                    claim += (el[8] or None, el[9] or None, el[11] or None, NAT, NAT, NAT)
                    claim += (None, None, None, None, None, None)
                    for append, value in zip(claim_appends, claim, strict=True):
                        append(value)
                    state = _CLAIM
                elif tag == "LX":
                    if state != _PAYEE and state != _CLAIM and state != _LINE:
                        raise fail(n, f"LX {STATE_NAMES[state]}")
                    if k < 2 or not el[1]:
                        raise fail(n, "LX01 header number is missing")
                    lx = el[1]
                    state = _LX
                elif tag == "TS3" or tag == "TS2":
                    if state != _LX:
                        raise fail(n, f"{tag} (provider summary) {STATE_NAMES[state]}: it must follow LX")
                elif tag == "SE":
                    if state not in (_PAYEE, _CLAIM, _LINE, _SUMMARY):
                        raise fail(n, f"SE {STATE_NAMES[state]}")
                    if k < 3:
                        raise fail(n, "SE needs SE01 segment count and SE02 control number")
                    count = n - st_start + 1
                    if el[1] != str(count):
                        raise fail(n, f"SE01 says {el[1]} segments but the transaction set has {count}")
                    if el[2] != st02:
                        raise fail(n, f"SE02 control number {el[2]!r} does not match ST02 {st02!r}")
                    state = _GROUP
                elif tag == "PLB":
                    if state not in (_PAYEE, _CLAIM, _LINE, _SUMMARY):
                        raise fail(n, f"PLB {STATE_NAMES[state]}")
                    if k < 5:
                        raise fail(n, "PLB needs PLB01 provider, PLB02 date, PLB03 reason and PLB04 amount")
                    if k > 15:
                        raise fail(n, f"PLB has {k - 1} elements, at most 14")
                    if not el[1]:
                        raise fail(n, "PLB01 provider identifier is missing")
                    fiscal = day(n, el[2], "PLB02 fiscal period date")
                    el.append("")
                    for i in range(3, k, 2):
                        if not el[i]:
                            if el[i + 1]:
                                raise fail(n, f"PLB{i:02d} reason is empty but PLB{i + 1:02d} has an amount")
                            continue
                        parts = el[i].split(comp)
                        if not parts[0] or len(parts) > 2:
                            raise fail(n, f"PLB{i:02d} {el[i]!r} is not reason{comp}reference")
                        if not el[i + 1]:
                            raise fail(n, f"PLB{i + 1:02d} amount is missing for reason {parts[0]!r}")
                        row = (
                            pi,
                            n,
                            el[1],
                            fiscal,
                            parts[0],
                            parts[1] if len(parts) > 1 else None,
                            el[i + 1],
                        )
                        for key, value in zip(PLB_FIELDS, row, strict=True):
                            B[key].append(value)
                    state = _SUMMARY
                elif tag == "ST":
                    if state != _GROUP:
                        raise fail(n, f"ST {STATE_NAMES[state]}")
                    if k < 3 or el[1] != "835":
                        raise fail(n, f"ST01 transaction set {el[1] if k > 1 else ''!r} is not an 835")
                    if not el[2]:
                        raise fail(n, "ST02 control number is missing")
                    st02, st_start, n_sets = el[2], n, n_sets + 1
                    pi += 1
                    lx = None
                    pay = dict.fromkeys(PAYMENT_FIELDS)
                    pay.update(
                        segment=n,
                        isa_control=isa13,
                        gs_control=gs06,
                        st_control=st02,
                        sender_id=sender,
                        receiver_id=receiver,
                        version=version,
                        payment_date=NAT,
                        production_date=NAT,
                    )
                    payments.append(pay)
                    state = _ST
                elif tag == "BPR":
                    if state != _ST:
                        raise fail(n, f"BPR {STATE_NAMES[state]}: BPR must come right after ST")
                    el += [""] * (17 - k)
                    if not el[2]:
                        raise fail(n, "BPR02 total payment is missing")
                    if el[3] != "C" and el[3] != "D":
                        raise fail(n, f"BPR03 {el[3]!r} is not C (credit) or D (debit)")
                    if el[4] not in PAYMENT_METHODS:
                        methods = ", ".join(sorted(PAYMENT_METHODS))
                        raise fail(n, f"BPR04 payment method {el[4]!r} is not one of {methods}")
                    if not el[16]:
                        hint = ""
                        if k == 16 and date_days(el[15], {}) is not None:
                            hint = f" (BPR has 15 elements and BPR15 {el[15]!r} is a date: "
                            hint += "a separator missing?)"
                        raise fail(n, "BPR16 payment date is missing" + hint)
                    pay.update(
                        handling=el[1] or None,
                        amount=el[2],
                        credit_debit=el[3],
                        method=el[4],
                        payment_format=el[5] or None,
                        payment_date=day(n, el[16], "BPR16 payment date"),
                    )
                    state = _BPR
                elif tag == "TRN":
                    if state != _BPR:
                        raise fail(n, f"TRN {STATE_NAMES[state]}: TRN must come right after BPR")
                    if k < 3 or not el[2]:
                        raise fail(n, "TRN02 check or EFT trace number is missing")
                    pay["trace_number"] = el[2]
                    pay["originator_id"] = el[3] or None if k > 3 else None
                    state = _HEADER
                elif tag == "N1":
                    el += [""] * (5 - k)
                    if state == _HEADER and el[1] == "PR":
                        pay.update(
                            payer=el[2] or None, payer_id_qualifier=el[3] or None, payer_id=el[4] or None
                        )
                        state = _PAYER
                    elif state == _PAYER and el[1] == "PE":
                        pay.update(
                            payee=el[2] or None, payee_id_qualifier=el[3] or None, payee_id=el[4] or None
                        )
                        if el[3] == "FI":
                            pay["payee_tin"] = el[4] or None
                        state = _PAYEE
                    elif state == _HEADER:
                        raise fail(n, f"N1*{el[1]} where the payer loop N1*PR must come")
                    elif state == _PAYER:
                        raise fail(n, f"N1*{el[1]} where the payee loop N1*PE must come")
                    else:
                        raise fail(n, f"N1 {STATE_NAMES[state]}")
                elif tag == "REF":
                    if state != _HEADER and state != _PAYER and state != _PAYEE:
                        raise fail(n, f"REF {STATE_NAMES[state]}")
                    if k < 3 or not el[2]:
                        raise fail(n, "REF needs REF01 qualifier and REF02 value")
                    if state == _PAYER and el[1] == "2U":
                        pay["payer_reference"] = el[2]
                    elif state == _PAYEE and el[1] == "TJ" and pay["payee_tin"] is None:
                        pay["payee_tin"] = el[2]
                elif tag == "DTM":
                    if state != _HEADER:
                        raise fail(n, f"DTM {STATE_NAMES[state]}")
                    if k < 3 or el[1] != "405":
                        raise fail(
                            n, f"DTM*{el[1] if k > 1 else ''} in the header: only DTM*405 belongs there"
                        )
                    pay["production_date"] = day(n, el[2], "DTM02 (405) production date")
                elif tag == "N3" or tag == "N4":
                    if state != _PAYER and state != _PAYEE:
                        raise fail(n, f"{tag} {STATE_NAMES[state]}")
                elif tag == "PER":
                    if state != _PAYER:
                        raise fail(n, f"PER {STATE_NAMES[state]}")
                elif tag == "RDM":
                    if state != _PAYEE:
                        raise fail(n, f"RDM {STATE_NAMES[state]}")
                elif tag == "CUR":
                    if state != _HEADER:
                        raise fail(n, f"CUR {STATE_NAMES[state]}")
                elif tag == "GS":
                    if state != _ISA:
                        raise fail(n, f"GS {STATE_NAMES[state]}")
                    if k < 9 or not el[6]:
                        raise fail(n, "GS needs GS01 to GS08, with the GS06 control number")
                    if el[1] != "HP":
                        raise fail(
                            n, f"GS01 functional identifier {el[1]!r} is not HP (claim payment/advice)"
                        )
                    gs06, version, n_sets, n_groups = el[6], el[8], 0, n_groups + 1
                    state = _GROUP
                elif tag == "GE":
                    if state != _GROUP:
                        raise fail(n, f"GE {STATE_NAMES[state]}")
                    if k < 3:
                        raise fail(n, "GE needs GE01 count and GE02 control number")
                    if el[1] != str(n_sets):
                        raise fail(n, f"GE01 says {el[1]} transaction sets but the group has {n_sets}")
                    if el[2] != gs06:
                        raise fail(n, f"GE02 control number {el[2]!r} does not match GS06 {gs06!r}")
                    state = _ISA
                elif tag == "ISA":
                    if state != _BEFORE:
                        raise fail(n, f"ISA {STATE_NAMES[state]}: the IEA closing the interchange is missing")
                    if k != 17:  # pragma: no cover - Separators.from_isa checked the 106 characters
                        raise fail(n, f"ISA has {k - 1} elements, it must have 16")
                    isa13, sender, receiver = el[13], el[6].strip(), el[8].strip()
                    state = _ISA
                elif tag == "IEA":
                    if state != _ISA:
                        raise fail(n, f"IEA {STATE_NAMES[state]}")
                    if k < 3:
                        raise fail(n, "IEA needs IEA01 count and IEA02 control number")
                    if el[1] != str(n_groups):
                        raise fail(
                            n, f"IEA01 says {el[1]} functional groups but the interchange has {n_groups}"
                        )
                    if el[2] != isa13:
                        raise fail(n, f"IEA02 control number {el[2]!r} does not match ISA13 {isa13!r}")
                    state = _AFTER
                elif tag in KNOWN_SEGMENTS:
                    raise fail(n, f"{tag} {STATE_NAMES[state]}: out of the 835's loop order")
                else:
                    shown = tag if len(tag) <= 8 else tag[:8] + "..."
                    raise fail(n, f"segment identifier {shown!r} is not part of an 835")
            out.flush()
    return out
