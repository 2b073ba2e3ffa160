"""Read X12 835 health care claim payment/advice files (005010X221A1) into tidy pandas tables.

:func:`read_remits` returns a :class:`Remit` with one table per level of the remittance, all keyed by integer
ids that are unique across every file and envelope of the call:

* ``payments``: one row per transaction set (ST/SE), i.e. per check or EFT (BPR, TRN, N1*PR, N1*PE);
* ``claims``: one row per CLP loop (2100), with the payer and payee of its payment;
* ``lines``: one row per SVC loop (2110);
* ``adjustments``: one row per CAS reason/amount/quantity triplet, at claim or line level;
* ``remarks``: one row per remark code (MOA and MIA at claim level, LQ at line level);
* ``plb``: one row per provider-level adjustment (PLB reason/amount pair);
* ``amounts``: one row per AMT or QTY segment at claim or line level (the claim's interest and coverage
  amount and the line's allowed amount are also columns of ``claims`` and ``lines``).

Amounts are float64 dollars as the file states them (a reversal's are negative); dates are
``datetime64[s]`` (no time of day); codes and identifiers are strings with their leading zeros. Reversals
(CLP02 = 22) are paired with the claim they reverse and with the claim that corrects them (see
:func:`pair_reversals`).

The reader is strict: a malformed file raises :class:`~remits.segments.RemitError` naming the file, the
segment number (counted from 1 across the file) and what is wrong, and no table is returned. Loops must
come in the order of the implementation guide; within a loop segments may come in any order.

References
----------
ASC X12N 005010X221A1, Health Care Claim Payment/Advice (835) TR3, sections 2.4 (loop structure) and
the segment detail of tables 1 to 3; appendix B for the envelope (ISA/IEA, GS/GE).
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .segments import RemitError, SegmentProblem, decode, interchanges, segment_chunks

# CAS01 claim adjustment group codes (TR3 2100 CAS01 / 2110 CAS01).
GROUP_CODES = frozenset({"CO", "CR", "OA", "PI", "PR"})
# CLP02 claim status codes (TR3 2100 CLP02).
CLAIM_STATUS = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
# BPR04 payment method codes (TR3 table 1 BPR04).
PAYMENT_METHODS = frozenset({"ACH", "BOP", "CHK", "FWT", "NON"})
# DTM01 qualifiers allowed in each loop (TR3: 1000 header 405; 2100 036, 050, 232, 233; 2110 150, 151, 472).
_CLAIM_DATES = frozenset({"036", "050", "232", "233"})
_LINE_DATES = frozenset({"150", "151", "472"})
# segment identifiers the 835 uses; anything else is not part of an 835
KNOWN_SEGMENTS = frozenset(
    "ISA IEA GS GE ST SE BPR TRN CUR REF DTM N1 N3 N4 PER RDM LX TS3 TS2 CLP CAS NM1 MIA MOA AMT QTY SVC LQ PLB".split()
)

_AMOUNT_LINES = re.compile(r"(?:-?(?:\d+\.?\d*|\.\d+)\n)*")
_OPTIONAL_AMOUNT_LINES = re.compile(r"(?:(?:-?(?:\d+\.?\d*|\.\d+))?\n)*")
_AMOUNT = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")
_NAT = np.iinfo(np.int64).min
_EPOCH = date(1970, 1, 1).toordinal()

# parser states: which loop the last segment belongs to
(_BEFORE, _ISA, _GROUP, _ST, _BPR, _HEADER, _PAYER, _PAYEE, _LX, _CLAIM, _LINE, _SUMMARY, _AFTER) = range(13)
_STATE_NAMES = {
    _BEFORE: "before the ISA segment",
    _ISA: "in the interchange, outside a functional group",
    _GROUP: "in a functional group, outside a transaction set",
    _ST: "right after ST (BPR must follow)",
    _BPR: "right after BPR (TRN must follow)",
    _HEADER: "in the transaction header",
    _PAYER: "in the payer loop (N1*PR)",
    _PAYEE: "in the payee loop (N1*PE)",
    _LX: "in a header number loop (LX) before its first CLP",
    _CLAIM: "in a claim loop (CLP)",
    _LINE: "in a service line loop (SVC)",
    _SUMMARY: "in the provider adjustments (PLB)",
    _AFTER: "after the IEA segment",
}


@dataclass(frozen=True)
class Remit:
    """The tables read from one or more 835 files (see the module docstring for what each holds)."""

    payments: pd.DataFrame
    claims: pd.DataFrame
    lines: pd.DataFrame
    adjustments: pd.DataFrame
    remarks: pd.DataFrame
    plb: pd.DataFrame
    amounts: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the order above."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class _Columns:
    """Column lists of every table while files are read; one row per append."""

    def __init__(self) -> None:
        self.payments: dict[str, list] = {k: [] for k in _PAYMENT_COLUMNS}
        self.claims: dict[str, list] = {k: [] for k in _CLAIM_COLUMNS}
        self.lines: dict[str, list] = {k: [] for k in _LINE_COLUMNS}
        self.adjustments: dict[str, list] = {k: [] for k in _ADJUSTMENT_COLUMNS}
        self.remarks: dict[str, list] = {k: [] for k in _REMARK_COLUMNS}
        self.plb: dict[str, list] = {k: [] for k in _PLB_COLUMNS}
        self.amounts: dict[str, list] = {k: [] for k in _AMOUNT_COLUMNS}
        self.dates: dict[str, int] = {}
        self.files: list[str] = []


_PAYMENT_COLUMNS = (
    "file_index segment isa_control gs_control st_control sender_id receiver_id version handling amount "
    "credit_debit method payment_format payment_date trace_number originator_id production_date payer "
    "payer_id_qualifier payer_id payer_reference payee payee_id_qualifier payee_id payee_tin"
).split()
_CLAIM_COLUMNS = (
    "payment_id file_index segment header_number patient_control_number status billed paid "
    "patient_responsibility filing_indicator payer_claim_id facility_type frequency drg received_date "
    "statement_from statement_to patient_last_name patient_first_name patient_id rendering_provider "
    "rendering_provider_id remark_codes interest coverage_amount"
).split()
_LINE_COLUMNS = (
    "claim_id payment_id file_index segment line_number qualifier procedure_code modifier_1 modifier_2 "
    "modifier_3 modifier_4 charge paid revenue_code units original_qualifier original_procedure_code "
    "original_modifiers original_units service_from service_to allowed line_control_number remark_codes"
).split()
_ADJUSTMENT_COLUMNS = "payment_id claim_id line_id file_index segment group reason amount quantity".split()
_REMARK_COLUMNS = "payment_id claim_id line_id file_index segment source code_list code".split()
_PLB_COLUMNS = "payment_id file_index segment provider_id fiscal_period_date reason reference amount".split()
_AMOUNT_COLUMNS = "payment_id claim_id line_id file_index segment segment_id qualifier value".split()


def read_remits(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> Remit:
    """Read 835 files into tables.

    Parameters
    ----------
    paths : path or iterable of paths
        835 files, read in the order given (the order matters only for pairing reversals).

    Returns
    -------
    Remit
        Every table; ids are unique across all the files.

    Raises
    ------
    RemitError
        When any file is malformed; its ``problems`` list one problem per bad file (file, segment number,
        what is wrong). No table is returned then.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    return _read([(os.fspath(p), Path(p).read_bytes) for p in paths])


def read_835(data: bytes | str, source: str = "<835>") -> Remit:
    """Read one 835 held in memory (``source`` names it in error messages).

    >>> from remits.synthetic import synthetic_835
    >>> remit = read_835(synthetic_835(claims=5, seed=3), "demo.835")
    >>> len(remit.claims), remit.claims["payer_claim_id"].dtype
    (5, <StringDtype(storage='python', na_value=nan)>)
    """
    return _read([(source, lambda: data)])


def _read(sources: list[tuple[str, Callable[[], bytes | str]]]) -> Remit:
    """Read each source in turn (loading its bytes only then), collecting one problem per bad file."""
    cols = _Columns()
    problems: list[SegmentProblem] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived lists and strings and no cycles: the collector only costs time
    try:
        for name, load in sources:
            cols.files.append(name)
            try:
                data = load()
            except OSError as exc:
                problems.append(
                    SegmentProblem(name, None, None, f"cannot read the file: {exc.strerror}", None)
                )
                continue
            try:
                text = decode(data) if isinstance(data, bytes) else data
                del data
                _parse(text, name, len(cols.files) - 1, cols)
                del text
            except RemitError as exc:
                problems.extend(p for p in exc.problems if isinstance(p, SegmentProblem))
            except RecursionError:  # pragma: no cover - the parser does not recurse
                problems.append(SegmentProblem(name, None, None, "file is nested too deeply", None))
        if problems:
            raise RemitError(problems)
        return _tables(cols)
    finally:
        if gc_was_enabled:
            gc.enable()


def _date_days(value: str, cache: dict[str, int]) -> int | None:
    """Days since 1970-01-01 of a CCYYMMDD date, None when it is not a valid date."""
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        days = date(int(value[:4]), int(value[4:6]), int(value[6:])).toordinal() - _EPOCH
    except ValueError:
        return None
    cache[value] = days
    return days


def _parse(text: str, source: str, file_index: int, cols: _Columns) -> None:  # noqa: C901 - one loop, by design
    """Read every segment of one file into ``cols``; raise :class:`RemitError` at the first problem."""
    P, C, L, A, R, B, M = (
        cols.payments,
        cols.claims,
        cols.lines,
        cols.adjustments,
        cols.remarks,
        cols.plb,
        cols.amounts,
    )
    starts = {
        name: len(next(iter(t.values()))) for name, t in zip("PCLARBM", (P, C, L, A, R, B, M), strict=True)
    }
    dates = cols.dates
    n = 0

    def fail(message: str) -> RemitError:
        return RemitError.at(source, n, message)

    def day(value: str, what: str) -> int:
        d = dates.get(value)
        if d is None:
            d = _date_days(value, dates)
            if d is None:
                raise fail(f"{what} {value!r} is not a date (CCYYMMDD)")
        return d

    def amount(value: str, what: str) -> str:
        if not _AMOUNT.fullmatch(value):
            raise fail(f"{what} {value!r} is not an amount" if value else f"{what} is missing")
        return value

    # appenders of the busiest columns, bound once
    a_pay, a_claim, a_line, a_file, a_seg = (
        A["payment_id"].append,
        A["claim_id"].append,
        A["line_id"].append,
        A["file_index"].append,
        A["segment"].append,
    )
    a_group, a_reason, a_amount, a_qty = (
        A["group"].append,
        A["reason"].append,
        A["amount"].append,
        A["quantity"].append,
    )
    l_cols = [L[k] for k in _LINE_COLUMNS]
    l_from, l_to, l_allowed, l_ref6r, l_remarks = (
        L["service_from"],
        L["service_to"],
        L["allowed"],
        L["line_control_number"],
        L["remark_codes"],
    )
    c_cols = [C[k] for k in _CLAIM_COLUMNS]
    m_cols = [M[k] for k in _AMOUNT_COLUMNS]
    r_cols = [R[k] for k in _REMARK_COLUMNS]
    groups, statuses = GROUP_CODES, CLAIM_STATUS

    # current payment, claim and line rows; ids go on from the files read before
    pi, ci, li = starts["P"] - 1, starts["C"] - 1, starts["L"] - 1
    for ic in interchanges(text, source):
        E, comp = ic.separators.element, ic.separators.component
        n = ic.first_segment - 1
        state = _BEFORE
        isa13 = gs06 = st02 = version = sender = receiver = ""
        n_groups = n_sets = st_start = line_no = 0
        lx: str | None = None
        for chunk in segment_chunks(text, ic):
            for seg in chunk:
                n += 1
                el = seg.split(E)
                tag = el[0]
                k = len(el)
                if state == _LINE or state == _CLAIM:
                    if tag == "SVC":
                        if k < 4:
                            raise fail("SVC needs SVC01 procedure, SVC02 charge and SVC03 paid amount")
                        proc = el[1].split(comp)
                        if len(proc) < 2 or not proc[0] or not proc[1]:
                            raise fail(
                                f"SVC01 {el[1]!r} has no procedure code: expected qualifier{comp}code with the "
                                f"component separator {comp!r} of ISA16"
                            )
                        if len(proc) > 7:
                            raise fail(f"SVC01 {el[1]!r} has {len(proc)} components, at most 7")
                        line_no += 1
                        li += 1
                        mods = proc[2:6]
                        mods += [None] * (4 - len(mods))
                        orig = el[6].split(comp) if k > 6 and el[6] else None
                        if orig is not None and (len(orig) < 2 or not orig[1]):
                            raise fail(f"SVC06 {el[6]!r} has no procedure code")
                        row = (
                            ci,
                            pi,
                            file_index,
                            n,
                            line_no,
                            proc[0],
                            proc[1],
                            *[m or None for m in mods],
                            el[2],
                            el[3],
                            el[4] or None if k > 4 else None,
                            el[5] if k > 5 else "",
                            orig[0] if orig else None,
                            orig[1] if orig else None,
                            " ".join(m for m in orig[2:6] if m) or None if orig else None,
                            el[7] if k > 7 else "",
                            _NAT,
                            _NAT,
                            None,
                            None,
                            None,
                        )
                        for col, v in zip(l_cols, row, strict=True):
                            col.append(v)
                        state = _LINE
                        continue
                    if tag == "CAS":
                        if k < 4:
                            raise fail("CAS needs CAS01 group, CAS02 reason and CAS03 amount")
                        group = el[1]
                        if group not in groups:
                            raise fail(f"CAS01 group code {group!r} is not one of CO, CR, OA, PI, PR")
                        if k > 20:
                            raise fail(f"CAS has {k - 1} elements, at most 19")
                        line_id = li if state == _LINE else None
                        for i in range(2, k, 3):
                            reason = el[i]
                            amt = el[i + 1] if i + 1 < k else ""
                            qty = el[i + 2] if i + 2 < k else ""
                            if not reason:
                                if amt or qty:
                                    raise fail(
                                        f"CAS{i:02d} reason is empty but an amount or quantity follows"
                                    )
                                continue
                            if not amt:
                                raise fail(f"CAS{i + 1:02d} amount is missing for reason {reason!r}")
                            a_pay(pi)
                            a_claim(ci)
                            a_line(line_id)
                            a_file(file_index)
                            a_seg(n)
                            a_group(group)
                            a_reason(reason)
                            a_amount(amt)
                            a_qty(qty)
                        continue
                    if tag == "DTM":
                        if k < 3:
                            raise fail("DTM needs DTM01 qualifier and DTM02 date")
                        q = el[1]
                        d = dates.get(el[2])
                        if d is None:
                            d = day(el[2], f"DTM02 ({q})")
                        if state == _LINE:
                            if q == "472":
                                l_from[li] = l_to[li] = d
                            elif q == "150":
                                l_from[li] = d
                            elif q == "151":
                                l_to[li] = d
                            else:
                                raise fail(f"DTM*{q} is not a service line date (150, 151 or 472)")
                        elif q == "232":
                            C["statement_from"][ci] = d
                        elif q == "233":
                            C["statement_to"][ci] = d
                        elif q == "050":
                            C["received_date"][ci] = d
                        elif q != "036":
                            raise fail(f"DTM*{q} is not a claim date (036, 050, 232 or 233)")
                        continue
                    if tag == "REF":
                        if k < 3 or not el[2]:
                            raise fail("REF needs REF01 qualifier and REF02 value")
                        if state == _LINE and el[1] == "6R":
                            if l_ref6r[li] is not None:
                                raise fail("second REF*6R line control number in one service line")
                            l_ref6r[li] = el[2]
                        continue
                    if tag == "AMT" or tag == "QTY":
                        if k < 3:
                            raise fail(f"{tag} needs {tag}01 qualifier and {tag}02 value")
                        q, v = el[1], amount(el[2], f"{tag}02 ({el[1]})")
                        row = (pi, ci, li if state == _LINE else None, file_index, n, tag, q, v)
                        for col, x in zip(m_cols, row, strict=True):
                            col.append(x)
                        if tag == "AMT":
                            if state == _LINE:
                                if q == "B6":
                                    if l_allowed[li] is not None:
                                        raise fail("second AMT*B6 allowed amount in one service line")
                                    l_allowed[li] = v
                            elif q == "I":
                                C["interest"][ci] = v
                            elif q == "AU":
                                C["coverage_amount"][ci] = v
                        continue
                    if tag == "LQ":
                        if state != _LINE:
                            raise fail("LQ (line remark) outside a service line loop (SVC)")
                        if k < 3 or not el[2]:
                            raise fail("LQ needs LQ01 code list qualifier and LQ02 remark code")
                        if el[1] not in ("HE", "RX"):
                            raise fail(f"LQ01 {el[1]!r} is not HE (remark codes) or RX (NCPDP reject codes)")
                        for col, x in zip(
                            r_cols, (pi, ci, li, file_index, n, "LQ", el[1], el[2]), strict=True
                        ):
                            col.append(x)
                        l_remarks[li] = el[2] if l_remarks[li] is None else l_remarks[li] + " " + el[2]
                        continue
                    if tag == "CLP":
                        pass  # a new claim: handled below with the other loop starts
                    elif tag in ("NM1", "MIA", "MOA", "PER"):
                        if state == _LINE:
                            raise fail(f"{tag} is a claim-level segment but comes after a service line (SVC)")
                        if tag == "NM1":
                            if k < 3:
                                raise fail("NM1 needs NM101 entity and NM102 type")
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
                            positions = (3, 4, 5, 6, 7) if tag == "MOA" else (5, 20, 21, 22, 23)
                            codes = [el[i] for i in positions if i < k and el[i]]
                            for code in codes:
                                for col, x in zip(
                                    r_cols, (pi, ci, None, file_index, n, tag, "HE", code), strict=True
                                ):
                                    col.append(x)
                            if codes:
                                old = C["remark_codes"][ci]
                                C["remark_codes"][ci] = (
                                    " ".join(codes) if old is None else old + " " + " ".join(codes)
                                )
                        continue
                # segments that start loops, envelopes and the header
                if tag == "CLP":
                    if state not in (_LX, _CLAIM, _LINE):
                        raise fail(f"CLP (claim) {_STATE_NAMES[state]}: a claim must follow an LX segment")
                    if k < 5:
                        raise fail(
                            "CLP needs CLP01 patient control number, CLP02 status, CLP03 billed, CLP04 paid"
                        )
                    el += [""] * (14 - k)
                    if not el[1]:
                        raise fail("CLP01 patient control number is missing")
                    if el[2] not in statuses:
                        raise fail(f"CLP02 claim status {el[2]!r} is not a claim status code of the 835")
                    ci += 1
                    line_no = 0
                    row = (
                        pi,
                        file_index,
                        n,
                        lx,
                        el[1],
                        el[2],
                        el[3],
                        el[4],
                        el[5],
                        el[6] or None,
                        el[7] or None,
                        el[8] or None,
                        el[9] or None,
                        el[11] or None,
                        _NAT,
                        _NAT,
                        _NAT,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                    for col, x in zip(c_cols, row, strict=True):
                        col.append(x)
                    state = _CLAIM
                elif tag == "LX":
                    if state not in (_PAYEE, _CLAIM, _LINE):
                        raise fail(f"LX {_STATE_NAMES[state]}")
                    if k < 2 or not el[1]:
                        raise fail("LX01 header number is missing")
                    lx = el[1]
                    state = _LX
                elif tag == "TS3" or tag == "TS2":
                    if state != _LX:
                        raise fail(f"{tag} (provider summary) must come right after LX, before the first CLP")
                elif tag == "SE":
                    if state not in (_PAYEE, _CLAIM, _LINE, _SUMMARY):
                        raise fail(f"SE {_STATE_NAMES[state]}")
                    count = n - st_start + 1
                    if k < 3:
                        raise fail("SE needs SE01 segment count and SE02 control number")
                    if el[1] != str(count):
                        raise fail(
                            f"SE01 says {el[1]} segments but the transaction set has {count} (ST to SE)"
                        )
                    if el[2] != st02:
                        raise fail(f"SE02 control number {el[2]!r} does not match ST02 {st02!r}")
                    state = _GROUP
                elif tag == "PLB":
                    if state not in (_PAYEE, _CLAIM, _LINE, _SUMMARY):
                        raise fail(f"PLB {_STATE_NAMES[state]}")
                    if k < 5:
                        raise fail("PLB needs PLB01 provider, PLB02 date, PLB03 reason and PLB04 amount")
                    if k > 15:
                        raise fail(f"PLB has {k - 1} elements, at most 14")
                    if not el[1]:
                        raise fail("PLB01 provider identifier is missing")
                    fiscal = day(el[2], "PLB02 fiscal period date")
                    for i in range(3, k, 2):
                        if not el[i]:
                            if i + 1 < k and el[i + 1]:
                                raise fail(f"PLB{i:02d} reason is empty but PLB{i + 1:02d} has an amount")
                            continue
                        parts = el[i].split(comp)
                        if not parts[0] or len(parts) > 2:
                            raise fail(f"PLB{i:02d} {el[i]!r} is not reason{comp}reference")
                        v = amount(el[i + 1] if i + 1 < k else "", f"PLB{i + 1:02d} amount")
                        row = (
                            pi,
                            file_index,
                            n,
                            el[1],
                            fiscal,
                            parts[0],
                            parts[1] if len(parts) > 1 else None,
                            v,
                        )
                        for col, x in zip(B.values(), row, strict=True):
                            col.append(x)
                    state = _SUMMARY
                elif tag == "ST":
                    if state != _GROUP:
                        raise fail(f"ST {_STATE_NAMES[state]}")
                    if k < 3 or el[1] != "835":
                        raise fail(f"ST01 transaction set {el[1] if k > 1 else ''!r} is not an 835")
                    if not el[2]:
                        raise fail("ST02 control number is missing")
                    st02, st_start, n_sets = el[2], n, n_sets + 1
                    pi += 1
                    lx = None
                    row = [None] * len(_PAYMENT_COLUMNS)
                    row[:9] = [file_index, n, isa13, gs06, st02, sender, receiver, version, None]
                    for col, x in zip(P.values(), row, strict=True):
                        col.append(x)
                    P["payment_date"][pi] = P["production_date"][pi] = _NAT
                    state = _ST
                elif tag == "BPR":
                    if state != _ST:
                        raise fail(f"BPR {_STATE_NAMES[state]}: BPR must come right after ST")
                    el += [""] * (17 - k)
                    P["handling"][pi] = el[1] or None
                    P["amount"][pi] = amount(el[2], "BPR02 total payment")
                    if el[3] not in ("C", "D"):
                        raise fail(f"BPR03 {el[3]!r} is not C (credit) or D (debit)")
                    if el[4] not in PAYMENT_METHODS:
                        raise fail(
                            f"BPR04 payment method {el[4]!r} is not one of {', '.join(sorted(PAYMENT_METHODS))}"
                        )
                    P["credit_debit"][pi], P["method"][pi], P["payment_format"][pi] = (
                        el[3],
                        el[4],
                        el[5] or None,
                    )
                    P["payment_date"][pi] = day(el[16], "BPR16 payment date")
                    state = _BPR
                elif tag == "TRN":
                    if state != _BPR:
                        raise fail(f"TRN {_STATE_NAMES[state]}: TRN must come right after BPR")
                    if k < 3 or not el[2]:
                        raise fail("TRN02 check or EFT trace number is missing")
                    P["trace_number"][pi] = el[2]
                    P["originator_id"][pi] = el[3] or None if k > 3 else None
                    state = _HEADER
                elif tag == "N1":
                    el += [""] * (5 - k)
                    if state == _HEADER and el[1] == "PR":
                        P["payer"][pi], P["payer_id_qualifier"][pi], P["payer_id"][pi] = (
                            el[2] or None,
                            el[3] or None,
                            el[4] or None,
                        )
                        state = _PAYER
                    elif state == _PAYER and el[1] == "PE":
                        P["payee"][pi], P["payee_id_qualifier"][pi], P["payee_id"][pi] = (
                            el[2] or None,
                            el[3] or None,
                            el[4] or None,
                        )
                        if el[3] == "FI":
                            P["payee_tin"][pi] = el[4] or None
                        state = _PAYEE
                    elif state == _HEADER:
                        raise fail(f"N1*{el[1]} where the payer loop N1*PR must come")
                    elif state == _PAYER:
                        raise fail(f"N1*{el[1]} where the payee loop N1*PE must come")
                    else:
                        raise fail(f"N1 {_STATE_NAMES[state]}")
                elif tag == "REF" or tag == "DTM" or tag == "CUR" or tag in ("N3", "N4", "PER", "RDM"):
                    if tag == "REF":
                        if state not in (_HEADER, _PAYER, _PAYEE):
                            raise fail(f"REF {_STATE_NAMES[state]}")
                        if k < 3 or not el[2]:
                            raise fail("REF needs REF01 qualifier and REF02 value")
                        if state == _PAYER and el[1] == "2U":
                            P["payer_reference"][pi] = el[2]
                        elif state == _PAYEE and el[1] == "TJ" and P["payee_tin"][pi] is None:
                            P["payee_tin"][pi] = el[2]
                    elif tag == "DTM":
                        if state != _HEADER:
                            raise fail(f"DTM {_STATE_NAMES[state]}")
                        if k < 3 or el[1] != "405":
                            raise fail(f"DTM*{el[1] if k > 1 else ''} in the header: only DTM*405 is allowed")
                        P["production_date"][pi] = day(el[2], "DTM02 (405) production date")
                    elif tag == "CUR":
                        if state != _HEADER:
                            raise fail(f"CUR {_STATE_NAMES[state]}")
                    elif tag == "RDM":
                        if state != _PAYEE:
                            raise fail(f"RDM {_STATE_NAMES[state]}")
                    elif state not in (_PAYER, _PAYEE) or (tag == "PER" and state != _PAYER):
                        raise fail(f"{tag} {_STATE_NAMES[state]}")
                elif tag == "GS":
                    if state != _ISA:
                        raise fail(f"GS {_STATE_NAMES[state]}")
                    if k < 9 or not el[6]:
                        raise fail("GS needs GS01 to GS08 with GS06 control number")
                    if el[1] != "HP":
                        raise fail(f"GS01 functional identifier {el[1]!r} is not HP (claim payment/advice)")
                    gs06, version, n_sets, n_groups = el[6], el[8], 0, n_groups + 1
                    state = _GROUP
                elif tag == "GE":
                    if state != _GROUP:
                        raise fail(f"GE {_STATE_NAMES[state]}")
                    if k < 3:
                        raise fail("GE needs GE01 count and GE02 control number")
                    if el[1] != str(n_sets):
                        raise fail(f"GE01 says {el[1]} transaction sets but the group has {n_sets}")
                    if el[2] != gs06:
                        raise fail(f"GE02 control number {el[2]!r} does not match GS06 {gs06!r}")
                    state = _ISA
                elif tag == "ISA":
                    if state != _BEFORE:
                        raise fail(
                            f"ISA {_STATE_NAMES[state]}: the IEA of the previous interchange is missing"
                        )
                    isa13, sender, receiver = el[13], el[6].strip(), el[8].strip()
                    state = _ISA
                elif tag == "IEA":
                    if state != _ISA:
                        raise fail(f"IEA {_STATE_NAMES[state]}")
                    if k < 3:
                        raise fail("IEA needs IEA01 count and IEA02 control number")
                    if el[1] != str(n_groups):
                        raise fail(f"IEA01 says {el[1]} functional groups but the interchange has {n_groups}")
                    if el[2] != isa13:
                        raise fail(f"IEA02 control number {el[2]!r} does not match ISA13 {isa13!r}")
                    state = _AFTER
                elif tag in KNOWN_SEGMENTS:
                    raise fail(f"{tag} {_STATE_NAMES[state]}: out of the 835's loop order")
                else:
                    shown = tag if len(tag) <= 8 else tag[:8] + "..."
                    raise fail(f"segment identifier {shown!r} is not part of an 835")
        if state != _AFTER:  # pragma: no cover - interchanges() ends every interchange at its IEA
            raise fail("interchange does not end with IEA")
    _check_amounts(cols, starts, source)


_CHECKED_AMOUNTS = (
    ("payments", "amount", "BPR02 total payment", False),
    ("claims", "billed", "CLP03 billed", False),
    ("claims", "paid", "CLP04 paid", False),
    ("claims", "patient_responsibility", "CLP05 patient responsibility", True),
    ("lines", "charge", "SVC02 charge", False),
    ("lines", "paid", "SVC03 paid", False),
    ("lines", "units", "SVC05 units", True),
    ("lines", "original_units", "SVC07 original units", True),
    ("adjustments", "amount", "CAS amount", False),
    ("adjustments", "quantity", "CAS quantity", True),
)
_LETTERS = {"payments": "P", "claims": "C", "lines": "L", "adjustments": "A"}


def _check_amounts(cols: _Columns, starts: dict[str, int], source: str) -> None:
    """Check in bulk that every amount read from one file is X12 decimal text; name the first bad one."""
    for table, column, what, optional in _CHECKED_AMOUNTS:
        values = getattr(cols, table)[column][starts[_LETTERS[table]] :]
        if not values:
            continue
        joined = "\n".join(values) + "\n"
        pattern = _OPTIONAL_AMOUNT_LINES if optional else _AMOUNT_LINES
        if joined.count("\n") == len(values) and pattern.fullmatch(joined):
            continue
        segments = getattr(cols, table)["segment"][starts[_LETTERS[table]] :]
        for value, seg in zip(values, segments, strict=True):
            if (optional and value == "") or _AMOUNT.fullmatch(value):
                continue
            message = f"{what} {value!r} is not an amount" if value else f"{what} is missing"
            raise RemitError.at(source, seg, message)


def _floats(values: list, default: float = np.nan) -> np.ndarray:
    """float64 array of amount texts already checked; empty text or None gives ``default``."""
    return np.fromiter((float(v) if v else default for v in values), dtype=np.float64, count=len(values))


def _dates(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64).view("datetime64[D]").astype("datetime64[s]")


def _texts(values: list) -> pd.Series:
    return pd.Series(values, dtype="str")


def _ids(values: list) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _optional_ids(values: list) -> pd.array:
    return pd.array(values, dtype="Int64")


def _tables(cols: _Columns) -> Remit:
    """Build the DataFrames from the column lists (all amounts already checked)."""
    files = np.array(cols.files, dtype=object)

    def file_column(indexes: list[int]) -> pd.Series:
        return pd.Series(files[np.array(indexes, dtype=np.intp)] if indexes else [], dtype="str")

    P, C, L, A, R, B, M = (
        cols.payments,
        cols.claims,
        cols.lines,
        cols.adjustments,
        cols.remarks,
        cols.plb,
        cols.amounts,
    )
    text = _texts
    payments = pd.DataFrame(
        {
            "payment_id": np.arange(len(P["segment"]), dtype=np.int64),
            "file": file_column(P["file_index"]),
            "segment": _ids(P["segment"]),
            **{
                k: text(P[k]) for k in ("isa_control", "gs_control", "st_control", "sender_id", "receiver_id")
            },
            "version": text(P["version"]),
            "handling": text(P["handling"]),
            "amount": _floats(P["amount"]),
            "credit_debit": text(P["credit_debit"]),
            "method": text(P["method"]),
            "payment_format": text(P["payment_format"]),
            "payment_date": _dates(P["payment_date"]),
            "trace_number": text(P["trace_number"]),
            "originator_id": text(P["originator_id"]),
            "production_date": _dates(P["production_date"]),
            **{
                k: text(P[k])
                for k in (
                    "payer",
                    "payer_id_qualifier",
                    "payer_id",
                    "payer_reference",
                    "payee",
                    "payee_id_qualifier",
                    "payee_id",
                )
            },
            "payee_npi": text(
                [
                    i if q == "XX" else None
                    for q, i in zip(P["payee_id_qualifier"], P["payee_id"], strict=True)
                ]
            ),
            "payee_tin": text(P["payee_tin"]),
        }
    )
    payment_of_claim = _ids(C["payment_id"])
    claims = pd.DataFrame(
        {
            "claim_id": np.arange(len(C["segment"]), dtype=np.int64),
            "payment_id": payment_of_claim,
            "file": file_column(C["file_index"]),
            "segment": _ids(C["segment"]),
            "header_number": text(C["header_number"]),
            "patient_control_number": text(C["patient_control_number"]),
            "status": text(C["status"]),
            "billed": _floats(C["billed"]),
            "paid": _floats(C["paid"]),
            # CLP05 is sent only when the patient owes something (TR3 2100 CLP05 situational rule)
            "patient_responsibility": _floats(C["patient_responsibility"], default=0.0),
            **{
                k: text(C[k])
                for k in ("filing_indicator", "payer_claim_id", "facility_type", "frequency", "drg")
            },
            "received_date": _dates(C["received_date"]),
            "statement_from": _dates(C["statement_from"]),
            "statement_to": _dates(C["statement_to"]),
            **{
                k: text(C[k])
                for k in (
                    "patient_last_name",
                    "patient_first_name",
                    "patient_id",
                    "rendering_provider",
                    "rendering_provider_id",
                    "remark_codes",
                )
            },
            "interest": _floats(C["interest"]),
            "coverage_amount": _floats(C["coverage_amount"]),
        }
    )
    for k in ("payer", "payer_id", "payee", "payee_npi", "trace_number"):
        claims[k] = pd.Series(payments[k].to_numpy(dtype=object)[payment_of_claim], dtype="str")
    claims = pair_reversals(claims)
    lines = pd.DataFrame(
        {
            "line_id": np.arange(len(L["segment"]), dtype=np.int64),
            "claim_id": _ids(L["claim_id"]),
            "payment_id": _ids(L["payment_id"]),
            "file": file_column(L["file_index"]),
            "segment": _ids(L["segment"]),
            "line_number": _ids(L["line_number"]),
            **{
                k: text(L[k])
                for k in (
                    "qualifier",
                    "procedure_code",
                    "modifier_1",
                    "modifier_2",
                    "modifier_3",
                    "modifier_4",
                )
            },
            "charge": _floats(L["charge"]),
            "paid": _floats(L["paid"]),
            "revenue_code": text(L["revenue_code"]),
            # SVC05 is sent only when the paid units are not one (TR3 2110 SVC05 situational rule)
            "units": _floats(L["units"], default=1.0),
            "original_qualifier": text(L["original_qualifier"]),
            "original_procedure_code": text(L["original_procedure_code"]),
            "original_modifiers": text(L["original_modifiers"]),
            "original_units": _floats(L["original_units"]),
            "service_from": _dates(L["service_from"]),
            "service_to": _dates(L["service_to"]),
            "allowed": _floats(L["allowed"]),
            "line_control_number": text(L["line_control_number"]),
            "remark_codes": text(L["remark_codes"]),
        }
    )
    line_ids = _optional_ids(A["line_id"])
    adjustments = pd.DataFrame(
        {
            "payment_id": _ids(A["payment_id"]),
            "claim_id": _ids(A["claim_id"]),
            "line_id": line_ids,
            "level": pd.Series(np.where(pd.isna(line_ids), "claim", "line"), dtype="str"),
            "group": text(A["group"]),
            "reason": text(A["reason"]),
            "amount": _floats(A["amount"]),
            "quantity": _floats(A["quantity"]),
            "file": file_column(A["file_index"]),
            "segment": _ids(A["segment"]),
        }
    )
    remark_lines = _optional_ids(R["line_id"])
    remarks = pd.DataFrame(
        {
            "payment_id": _ids(R["payment_id"]),
            "claim_id": _ids(R["claim_id"]),
            "line_id": remark_lines,
            "level": pd.Series(np.where(pd.isna(remark_lines), "claim", "line"), dtype="str"),
            "source": text(R["source"]),
            "code_list": text(R["code_list"]),
            "code": text(R["code"]),
            "file": file_column(R["file_index"]),
            "segment": _ids(R["segment"]),
        }
    )
    plb = pd.DataFrame(
        {
            "payment_id": _ids(B["payment_id"]),
            "provider_id": text(B["provider_id"]),
            "fiscal_period_date": _dates(B["fiscal_period_date"]),
            "reason": text(B["reason"]),
            "reference": text(B["reference"]),
            "amount": _floats(B["amount"]),
            "file": file_column(B["file_index"]),
            "segment": _ids(B["segment"]),
        }
    )
    amount_lines = _optional_ids(M["line_id"])
    amounts = pd.DataFrame(
        {
            "payment_id": _ids(M["payment_id"]),
            "claim_id": _ids(M["claim_id"]),
            "line_id": amount_lines,
            "level": pd.Series(np.where(pd.isna(amount_lines), "claim", "line"), dtype="str"),
            "segment_id": text(M["segment_id"]),
            "qualifier": text(M["qualifier"]),
            "value": _floats(M["value"]),
            "file": file_column(M["file_index"]),
            "segment": _ids(M["segment"]),
        }
    )
    return Remit(payments, claims, lines, adjustments, remarks, plb, amounts)


def pair_reversals(claims: pd.DataFrame, tolerance: float = 0.005) -> pd.DataFrame:
    """Add the columns that pair reversals (CLP02 = 22) with the claims they reverse and correct.

    Parameters
    ----------
    claims : DataFrame
        The claims table (columns ``claim_id``, ``status``, ``payer_claim_id``, ``patient_control_number``,
        ``billed``, ``paid``, ``payer``, ``payer_id``), rows in the order they were read.
    tolerance : float
        Largest difference in dollars between an amount and the negated amount of its reversal.

    Returns
    -------
    DataFrame
        A copy with four nullable integer columns of claim ids: ``reversal_of`` (on a reversal: the claim it
        reverses), ``reversed_by`` (on that original claim: the reversal), ``corrected_by`` (on a reversal
        and on its original: the corrected claim) and ``correction_of`` (on the corrected claim: the
        reversal it follows).

    Notes
    -----
    The original of a reversal is the latest earlier claim, not itself a reversal and not yet reversed,
    from the same payer with the same payer claim control number CLP07 (CLP01 when the reversal has no
    CLP07) whose billed and paid amounts are the reversal's negated. The corrected claim is the first later
    claim of the same payer and patient control number CLP01 that is not a reversal and not yet paired;
    payers usually send it right after the reversal and often under a new CLP07. An original read from an
    earlier remit than the one passed leaves ``reversal_of`` empty.

    References
    ----------
    TR3 005010X221A1 section 1.10.2.8 "Reversals and Corrections".
    """
    out = claims.copy()
    count = len(out)
    reversal_of = np.full(count, -1, dtype=np.int64)
    reversed_by = np.full(count, -1, dtype=np.int64)
    corrected_by = np.full(count, -1, dtype=np.int64)
    correction_of = np.full(count, -1, dtype=np.int64)
    status = out["status"].to_numpy(dtype=object)
    reversals = np.flatnonzero(status == "22")
    if len(reversals):
        payer = (out["payer_id"].fillna("") + "|" + out["payer"].fillna("")).to_numpy(dtype=object)
        icn = out["payer_claim_id"].to_numpy(dtype=object)
        pcn = out["patient_control_number"].to_numpy(dtype=object)
        billed = out["billed"].to_numpy()
        paid = out["paid"].to_numpy()
        by_icn: dict[tuple, list[int]] = {}
        by_pcn: dict[tuple, list[int]] = {}
        for i in range(count):
            if status[i] != "22":
                if isinstance(icn[i], str):
                    by_icn.setdefault((payer[i], icn[i]), []).append(i)
                by_pcn.setdefault((payer[i], pcn[i]), []).append(i)
        for r in reversals:
            has_icn = isinstance(icn[r], str)
            candidates = by_icn.get((payer[r], icn[r]), []) if has_icn else by_pcn.get((payer[r], pcn[r]), [])
            for i in reversed(candidates):
                if (
                    i < r
                    and reversed_by[i] < 0
                    and abs(billed[i] + billed[r]) <= tolerance
                    and abs(paid[i] + paid[r]) <= tolerance
                ):
                    reversal_of[r], reversed_by[i] = i, r
                    break
            for i in by_pcn.get((payer[r], pcn[r]), []):
                if i > r and correction_of[i] < 0 and reversed_by[i] < 0:
                    corrected_by[r], correction_of[i] = i, r
                    if reversal_of[r] >= 0:
                        corrected_by[reversal_of[r]] = i
                    break
    ids = out["claim_id"].to_numpy()
    for name, values in (
        ("reversal_of", reversal_of),
        ("reversed_by", reversed_by),
        ("corrected_by", corrected_by),
        ("correction_of", correction_of),
    ):
        out[name] = pd.arrays.IntegerArray(np.where(values >= 0, ids[np.maximum(values, 0)], 0), values < 0)
    return out
