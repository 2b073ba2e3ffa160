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
import itertools
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import parser
from .amounts import convert as convert_amounts
from .parser import Piece
from .segments import RemitError, SegmentProblem


@dataclass(frozen=True)
class Remit:
    """The tables read from one or more 835 files (the module docstring says what each holds)."""

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
        When any file is malformed or cannot be read; its ``problems`` list one problem per bad file
        (file, segment number, what is wrong). No table is returned then.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    return _read([(os.fspath(p), Path(p).read_bytes) for p in paths])


def read_835(data: bytes | str, source: str = "<835>") -> Remit:
    """Read one 835 held in memory; ``source`` names it in error messages and in the ``file`` columns.

    >>> from remits.synthetic import synthetic_835
    >>> remit = read_835(synthetic_835(claims=5, seed=3), "demo.835")
    >>> len(remit.claims), str(remit.claims["payer_claim_id"].dtype), str(remit.claims["paid"].dtype)
    (5, 'str', 'float64')
    """
    # surrogatepass: text from a file opened with errors="surrogateescape" still gives bytes
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return _read([(source, lambda: raw)])


def _read(sources: list[tuple[str, Callable[[], bytes | str]]]) -> Remit:
    """Read each source in turn (loading its bytes only then); collect one problem per bad file."""
    pieces: list[dict[str, dict[str, Any]]] = []
    problems: list[SegmentProblem] = []
    dates: dict[str, int] = {}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived lists and strings, no cycles: the collector would only cost time
    try:
        for name, load in sources:
            try:
                data = load()
            except OSError as exc:
                problems.append(
                    SegmentProblem(name, None, None, f"cannot read the file: {exc.strerror}", None)
                )
                continue
            try:
                raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
                del data
                piece = parser.parse(raw, name, dates)
                del raw  # the file's bytes are not needed any more: free them before building tables
                pieces.append(_convert(piece, name))
                del piece
            except RemitError as exc:
                problems.extend(p for p in exc.problems if isinstance(p, SegmentProblem))
        if problems:
            raise RemitError(problems)
        return _tables(pieces, [name for name, _ in sources])
    finally:
        if gc_was_enabled:
            gc.enable()


def _convert(piece: Piece, source: str) -> dict[str, dict[str, Any]]:
    """Columns of one file ready for the tables: integer columns as arrays, every amount as float64 (the
    parser converted the append-only ones chunk by chunk; the payment amounts and the copies of AMT values
    kept in claims and lines are converted here)."""
    tables: dict[str, dict[str, Any]] = {
        "payments": {k: [p[k] for p in piece.payments] for k in parser.PAYMENT_FIELDS},
        "claims": piece.claims,
        "lines": piece.lines,
        "adjustments": piece.adjustments,
        "remarks": piece.remarks,
        "plb": piece.plb,
        "amounts": piece.amounts,
    }
    for table, columns in tables.items():
        for name in parser.INTEGER_FIELDS & columns.keys():
            columns[name] = np.array(columns[name], dtype=np.int64)
        for name, parts in piece.floats.get(table, {}).items():
            columns[name] = np.concatenate(parts) if parts else np.empty(0)
    payment_segments = np.asarray(tables["payments"]["segment"], dtype=np.int64) + 1  # BPR follows ST
    paid = convert_amounts(tables["payments"]["amount"], payment_segments, "BPR02 total payment", False)
    if isinstance(paid, tuple):
        raise RemitError.at(source, *paid)
    tables["payments"]["amount"] = paid
    # the claim's interest and coverage amount and the line's allowed amount, from their AMT rows
    amt = tables["amounts"]
    is_amt = np.asarray(amt["segment_id"], dtype=object) == "AMT"
    qualifier = np.asarray(amt["qualifier"], dtype=object)
    for table, key, code, column, where in (
        ("claims", "claim", "I", "interest", "claim"),
        ("claims", "claim", "AU", "coverage_amount", "claim"),
        ("lines", "line", "B6", "allowed", "service line"),
    ):
        rows = np.flatnonzero(is_amt & (qualifier == code) & ((amt["line"] >= 0) == (table == "lines")))
        owners = np.asarray(amt[key])[rows]
        values = np.full(len(tables[table]["segment"]), np.nan)
        values[owners] = np.asarray(amt["value"])[rows]
        if len(np.unique(owners)) != len(owners):
            seen: set[int] = set()
            for row, owner in zip(rows.tolist(), owners.tolist(), strict=True):
                if owner in seen:
                    raise RemitError.at(source, int(amt["segment"][row]), f"second AMT*{code} in one {where}")
                seen.add(owner)
        tables[table][column] = values
    return tables


class _Columns:
    """The converted columns of every file, handed out once each (and dropped) while the tables are
    built, so that a column never exists both as a list and inside a DataFrame for long."""

    def __init__(self, pieces: list[dict[str, dict[str, Any]]], names: list[str]) -> None:
        self.pieces = pieces
        self.files = np.array(names, dtype=object)
        self.sizes = {t: [len(p[t]["segment"]) for p in pieces] for t in pieces[0]} if pieces else {}

    def count(self, table: str) -> int:
        return sum(self.sizes.get(table, []))

    def take(self, table: str, column: str) -> list | np.ndarray:
        parts = [p[table].pop(column) for p in self.pieces]
        if len(parts) == 1:
            return parts[0]
        if parts and isinstance(parts[0], np.ndarray):
            return np.concatenate(parts)
        return list(itertools.chain.from_iterable(parts))

    def ints(self, table: str, column: str) -> np.ndarray:
        return np.asarray(self.take(table, column), dtype=np.int64).reshape(-1)

    def keys(self, table: str, column: str, of: str) -> np.ndarray:
        """Ids across files: each file's indexes (-1 for none) plus the number of ``of`` rows before it."""
        offsets = [0, *itertools.accumulate(self.sizes.get(of, []))]
        parts = []
        for piece, offset in zip(self.pieces, offsets, strict=False):
            local = np.asarray(piece[table].pop(column), dtype=np.int64)
            parts.append(np.where(local >= 0, local + offset, -1))
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def file(self, table: str) -> pd.Series:
        index = np.repeat(np.arange(len(self.pieces)), self.sizes.get(table, []))
        return _text(self.files[index])

    def texts(self, table: str, columns: str) -> dict[str, pd.Series]:
        return {c: _text(self.take(table, c)) for c in columns.split()}


def _dates(values: list | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).view("datetime64[D]").astype("datetime64[s]")


_ALL_MISSING = pd.array([None], dtype="str")


def _text(values: list | np.ndarray) -> pd.Series:
    """A ``str`` column (missing values NaN). Going through an object column is twice as fast as handing
    pandas the list, and a column with nothing in it is a repeat of one missing value."""
    if isinstance(values, list) and values and values[0] is None and values.count(None) == len(values):
        return pd.Series(_ALL_MISSING.take(np.zeros(len(values), dtype=np.intp)))
    return pd.Series(values, dtype=object).astype("str")


_LEVELS = pd.array(["claim", "line"], dtype="str")


def _level(line_ids: np.ndarray) -> pd.Series:
    return pd.Series(_LEVELS.take((line_ids >= 0).astype(np.intp)))


def _tables(pieces: list[dict[str, dict[str, Any]]], names: list[str]) -> Remit:
    """Assemble the tables of every file, with ids running across files."""
    cols = _Columns(pieces, names)
    take, texts = cols.take, cols.texts
    payments = pd.DataFrame(
        {
            "payment_id": np.arange(cols.count("payments"), dtype=np.int64),
            "file": cols.file("payments"),
            "segment": cols.ints("payments", "segment"),
            **texts("payments", "isa_control gs_control st_control sender_id receiver_id version handling"),
            "amount": take("payments", "amount"),
            **texts("payments", "credit_debit method payment_format"),
            "payment_date": _dates(take("payments", "payment_date")),
            **texts("payments", "trace_number originator_id"),
            "production_date": _dates(take("payments", "production_date")),
            **texts(
                "payments",
                "payer payer_id_qualifier payer_id payer_reference payee payee_id_qualifier payee_id",
            ),
        },
        copy=False,
    )
    payments["payee_npi"] = payments["payee_id"].where(payments["payee_id_qualifier"] == "XX")
    payments["payee_tin"] = _text(take("payments", "payee_tin"))

    claim_payment = cols.keys("claims", "payment", "payments")
    claims = pd.DataFrame(
        {
            "claim_id": np.arange(len(claim_payment), dtype=np.int64),
            "payment_id": claim_payment,
            "file": cols.file("claims"),
            "segment": cols.ints("claims", "segment"),
            **texts("claims", "header_number patient_control_number status"),
            "billed": take("claims", "billed"),
            "paid": take("claims", "paid"),
            # CLP05 is sent only when the patient owes something (TR3 2100 CLP05): absent means zero
            "patient_responsibility": np.nan_to_num(take("claims", "patient_responsibility"), nan=0.0),
            **texts("claims", "filing_indicator payer_claim_id facility_type frequency drg"),
            "received_date": _dates(take("claims", "received_date")),
            "statement_from": _dates(take("claims", "statement_from")),
            "statement_to": _dates(take("claims", "statement_to")),
            **texts("claims", "patient_last_name patient_first_name patient_id"),
            **texts("claims", "rendering_provider rendering_provider_id remark_codes"),
            "interest": take("claims", "interest"),
            "coverage_amount": take("claims", "coverage_amount"),
        },
        copy=False,
    )
    for k in ("payer", "payer_id", "payee", "payee_npi", "trace_number"):
        claims[k] = _text(payments[k].to_numpy(dtype=object)[claim_payment])
    claims = pair_reversals(claims)

    line_claim = cols.keys("lines", "claim", "claims")
    originals = take("lines", "original_procedure")
    lines = pd.DataFrame(
        {
            "line_id": np.arange(len(line_claim), dtype=np.int64),
            "claim_id": line_claim,
            "payment_id": claim_payment[line_claim],
            "file": cols.file("lines"),
            "segment": cols.ints("lines", "segment"),
            "line_number": cols.ints("lines", "line_number"),
            **texts("lines", "qualifier procedure_code modifier_1 modifier_2 modifier_3 modifier_4"),
            "charge": take("lines", "charge"),
            "paid": take("lines", "paid"),
            "revenue_code": _text(take("lines", "revenue_code")),
            # SVC05 is sent only when the paid units are not one (TR3 2110 SVC05): absent means one
            "units": np.nan_to_num(take("lines", "units"), nan=1.0),
            "original_qualifier": _text([o[0] if o else None for o in originals]),
            "original_procedure_code": _text([o[1] if o else None for o in originals]),
            "original_modifiers": _text(
                [" ".join(m for m in o[2:6] if m) or None if o else None for o in originals]
            ),
            "original_units": take("lines", "original_units"),
            "service_from": _dates(take("lines", "service_from")),
            "service_to": _dates(take("lines", "service_to")),
            "allowed": take("lines", "allowed"),
            **texts("lines", "line_control_number remark_codes"),
        },
        copy=False,
    )

    def detail(table: str, columns: Callable[[], Mapping[str, Any]]) -> pd.DataFrame:
        claim = cols.keys(table, "claim", "claims")
        line = cols.keys(table, "line", "lines")
        return pd.DataFrame(
            {
                "payment_id": claim_payment[claim],
                "claim_id": claim,
                "line_id": pd.arrays.IntegerArray(np.maximum(line, 0), line < 0),
                "level": _level(line),
                **columns(),
                "file": cols.file(table),
                "segment": cols.ints(table, "segment"),
            },
            copy=False,
        )

    adjustments = detail(
        "adjustments",
        lambda: {
            **texts("adjustments", "group reason"),
            "amount": take("adjustments", "amount"),
            "quantity": take("adjustments", "quantity"),
        },
    )
    remarks = detail("remarks", lambda: texts("remarks", "source code_list code"))
    amounts = detail(
        "amounts", lambda: {**texts("amounts", "segment_id qualifier"), "value": take("amounts", "value")}
    )
    plb = pd.DataFrame(
        {
            "payment_id": cols.keys("plb", "payment", "payments"),
            "provider_id": _text(take("plb", "provider_id")),
            "fiscal_period_date": _dates(take("plb", "fiscal_period_date")),
            **texts("plb", "reason reference"),
            "amount": take("plb", "amount"),
            "file": cols.file("plb"),
            "segment": cols.ints("plb", "segment"),
        },
        copy=False,
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
        # only claims that share a CLP07 or CLP01 with some reversal can pair with one
        related = out["payer_claim_id"].isin(set(icn[reversals]) - {np.nan}) | out[
            "patient_control_number"
        ].isin(set(pcn[reversals]))
        for i in np.flatnonzero(related.to_numpy()).tolist():
            if status[i] != "22":
                if isinstance(icn[i], str):
                    by_icn.setdefault((payer[i], icn[i]), []).append(i)
                by_pcn.setdefault((payer[i], pcn[i]), []).append(i)
        for r in reversals.tolist():
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
