"""Underpayment detection: every remit service line joined with what the payer's own method should have
allowed, classified, with its gap and its next deadline.

:func:`find_underpayments` takes the tables of :func:`remits.reader.read_remits` and returns an
:class:`Underpayments` with one row per service line (``lines``), one per claim (``claims``), the reversals
with what they reverse (``reversals``) and the imbalances (:func:`remits.balance.imbalances`). A claim with
no service line (an institutional claim paid as a whole) is one row of ``lines`` with no code.

The steps, for each line (the README section "Remittances" has the same in a user's words):

1. **Amounts received.** ``paid`` is SVC03; ``patient_responsibility`` the line's CAS amounts of group PR;
   adjustments at claim level (CAS in the CLP loop) are shared among the claim's lines in proportion to
   their charges, in whole cents (``claim_adjustment``, and its PR part added to the patient's share), so
   that the lines of a claim add up to CLP04 and CLP05. ``received = paid - claim_adjustment +
   patient_responsibility``.
2. **Payer profile** (:func:`udfs.payers.find_profile`): by the payment's N1*PR name, then its N1*PR04
   payer id, then its REF*2U payer id, then the claims file's ``payer``; else the default profile, and
   the run's notes say so.
3. **Claims file** (optional): a remit claim joins the claims file's claim whose ``claim_id`` equals CLP01
   (else whose ``payer_claim_id`` equals CLP07). Within the claim each remit line takes the first claims
   line not yet taken, trying in turn: the line number equal to REF*6R (digits, leading zeros ignored);
   the same code and modifiers (in any order); the same code; the code and modifiers the payer says were
   billed (SVC06); the same code as SVC06; and finally the order of the lines left. The line gives the
   locality, setting, agreed rate (``sca_rate``) and benchmark rate; the claim gives the plan type.
4. **Medicare amount** (:func:`udfs.surgery.price_claim`) over the lines of each remit claim, so that the
   multiple-procedure, bilateral, assistant and co-surgeon rules apply: code and modifiers from SVC01
   (qualifier HC only), units from SVC05, the year of the service date (DTM*472, else the claim's
   statement date, else the claims file's date of service) or the profile's ``medicare_year``; locality and
   setting from the claims file, else ``locality``/``setting``, else national and facility (column
   ``place_from`` says which).
5. **Expected allowed** (:func:`udfs.allowed.allowed_amount`): the profile's method and factor (Flat rate
   at the claims file's ``sca_rate`` where one is given), the charge benchmark at the profile's
   percentile (the claims file's ``benchmark_rate``, else ``benchmark``), at the lesser of billed when the
   profile says so; rounded to cents as an amount of record.
6. **Gap** (:func:`udfs.gap.recovery_gap`) ``= max(expected - paid + claim_adjustment -
   patient_responsibility, 0)``; ``underpaid`` (:func:`udfs.gap.underpaid`) when the gap exceeds
   ``max(tolerance dollars, tolerance fraction x expected)`` (``templates/rules/assumptions.yaml``).
7. **Classification**, the first that applies (:class:`LineClass`, in this order): reversal, reversed,
   denied, bundled, patient responsibility, NSA-processed, other payer, underpaid, overpaid maybe, paid as
   expected, no expected amount. Codes are read by their category in ``templates/codes`` (never as
   literals here); ``reason`` says why in plain words.
8. **Next deadline** for lines that call for action (denied, bundled, NSA-processed, underpaid, no
   expected amount): NSA open negotiation (30 business days, rule ``nsa_open_negotiation``) when a remark
   that starts the NSA clock is present at claim or line level; otherwise by plan type: ERISA internal
   appeal (180 days), Medicare Advantage reconsideration (60 days; the plan type comes from the claims
   file, or from CLP06 = 16, Medicare risk HMO), else the profile's appeal window (rule ``payer_appeal``).
   Every clock starts on the payment date BPR16 (the payment's effective date: the day an EFT settles or
   a check is issued, so the earliest day the remit can have been received; DTM*405 when BPR16 is absent).

Amounts are float64 dollars; the money columns of the result are rounded to cents
(:func:`udfs.money.round_cents`), and every total is the sum of those cents.

References
----------
ASC X12N 005010X221A1 TR3 (CLP, SVC, CAS, LQ, MOA, BPR; section 1.10.2 on balancing and reversals);
45 CFR 149.510(b)(1) (NSA open negotiation); 29 CFR 2560.503-1(h)(3)(i) (ERISA appeal); 42 CFR 422.582(b)
(Medicare Advantage reconsideration); the rules in ``templates/rules/deadlines.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from udfs.calendar import networkdays
from udfs.charges import ChargeBenchmark
from udfs.deadlines import deadline, load_rules
from udfs.errors import InputError
from udfs.gap import recovery_gap, underpaid
from udfs.medicare import SETTINGS
from udfs.money import round_cents
from udfs.payers import PayerProfile, load_profiles, match_key
from udfs.reference import load_yaml

from .balance import imbalances as find_imbalances
from .codes import carc_codes, rarc_codes
from .reader import Remit
from .underpayment_join import (
    check_claims_file,
    check_locality,
    join_claims,
    match_profiles,
    place_lines,
    price_lines,
)
from .underpayment_rows import add_amounts_and_codes, date_array, line_rows, text_array


class LineClass(StrEnum):
    """What happened to a line, in the order the classification tries them (the first that applies wins)."""

    REVERSAL = "reversal"
    REVERSED = "reversed"
    DENIED = "denied"
    BUNDLED = "bundled"
    PATIENT = "patient responsibility"
    NSA = "NSA-processed"
    OTHER_PAYER = "other payer"
    UNDERPAID = "underpaid"
    OVERPAID = "overpaid maybe"
    AS_EXPECTED = "paid as expected"
    NOT_PRICED = "no expected amount"


#: What each class means, for the report's guide (the conditions are those of :func:`classify`).
CLASS_MEANING: dict[LineClass, str] = {
    LineClass.REVERSAL: "A reversal (CLP02 = 22): the payer takes back an earlier claim. Not counted in totals.",
    LineClass.REVERSED: "A claim that a reversal among the same files takes back. Not counted in totals; "
    "the corrected claim that follows is.",
    LineClass.DENIED: "Claim status 4 (denied), or nothing paid and a denial or duplicate reason code "
    "(CARC of category denial or duplicate) in a group other than PR.",
    LineClass.BUNDLED: "Nothing paid and a bundling reason (CARC of category bundled, such as 97) or a "
    "bundling remark (RARC such as M15, N20) on the line.",
    LineClass.PATIENT: "The patient owes at least as much as the plan paid (PR adjustments: deductible, "
    "coinsurance, copay, or a PR non-covered code).",
    LineClass.NSA: "A No Surprises Act remark (RARC N830, N859, N860-N879) at claim or line level: the "
    "remedy is open negotiation, then federal IDR.",
    LineClass.OTHER_PAYER: "Processed as secondary or tertiary (CLP02 2, 3, 20, 21), forwarded (23), "
    "pricing only (25), or a coordination-of-benefits reason (CARC 22, 23, 100...): the payer's own method "
    "does not set this payment.",
    LineClass.UNDERPAID: "Received (plan paid plus patient responsibility) falls short of the expected "
    "allowed amount by more than the tolerance.",
    LineClass.OVERPAID: "Received exceeds the expected allowed amount by more than the tolerance: check the "
    "payer's profile (method, factor) or a contract.",
    LineClass.AS_EXPECTED: "Received is within the tolerance of the expected allowed amount.",
    LineClass.NOT_PRICED: "No expected amount could be computed (reason given): compare by hand.",
}

EXCLUDED = frozenset({LineClass.REVERSAL, LineClass.REVERSED})
ACTIONABLE = frozenset(
    {LineClass.DENIED, LineClass.BUNDLED, LineClass.NSA, LineClass.UNDERPAID, LineClass.NOT_PRICED}
)
#: CLP02 statuses whose payment the payer's own out-of-network method does not set.
OTHER_PAYER_STATUS = frozenset({"2", "3", "20", "21", "23", "25"})
STATUS_WORDS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "primary, forwarded",
    "20": "secondary, forwarded",
    "21": "tertiary, forwarded",
    "22": "reversal",
    "23": "not our claim, forwarded",
    "25": "predetermination only",
}
#: CLP06 claim filing indicator that names a Medicare Advantage plan (TR3 2100 CLP06: 16 = HMO Medicare Risk).
MEDICARE_ADVANTAGE_FILING = "16"
PLAN_RULES = {"ERISA": "erisa_internal_appeal", "Medicare Advantage": "ma_reconsideration"}

#: Columns of :attr:`Underpayments.lines`, in order.
LINE_COLUMNS = [
    "payer",
    "patient_control_number",
    "payer_claim_id",
    "line_number",
    "procedure_code",
    "modifiers",
    "units",
    "service_date",
    "charge",
    "paid",
    "claim_adjustment",
    "patient_responsibility",
    "received",
    "expected",
    "gap",
    "underpaid",
    "classification",
    "reason",
    "deadline",
    "deadline_label",
    "days_left",
    "days_unit",
    "deadline_rule",
    "payer_allowed",
    "medicare",
    "method",
    "factor",
    "benchmark",
    "medicare_note",
    "adjustments",
    "remarks",
    "claim_status",
    "payment_date",
    "trace_number",
    "line_control_number",
    "claims_line",
    "claims_match",
    "plan_type",
    "locality",
    "setting",
    "place_from",
    "profile_id",
    "profile_match",
    "file",
    "segment",
    "claim_id",
    "line_id",
]
LINE_MONEY = [
    "charge",
    "paid",
    "claim_adjustment",
    "patient_responsibility",
    "received",
    "payer_allowed",
    "medicare",
    "benchmark",
    "expected",
    "gap",
]
SUMMARY_MONEY = ["billed", "plan_paid", "patient_responsibility", "received", "expected", "gap"]


@dataclass(frozen=True)
class Tolerance:
    """Gap below which a line is not chased: ``max(dollars, fraction x expected)``."""

    dollars: float
    fraction: float
    source: str = ""

    def __post_init__(self) -> None:
        if not (np.isfinite(self.dollars) and self.dollars >= 0):
            raise InputError(f"tolerance: dollars must be a number >= 0, got {self.dollars!r}")
        if not (np.isfinite(self.fraction) and 0 <= self.fraction <= 1):
            raise InputError(f"tolerance: fraction must be between 0 and 1, got {self.fraction!r}")


def default_tolerance() -> Tolerance:
    """The tolerance of ``templates/rules/assumptions.yaml`` (the payer workbooks' default too).

    >>> default_tolerance().dollars, default_tolerance().fraction
    (5.0, 0.02)
    """
    spec = load_yaml("rules/assumptions.yaml")["tolerance"]
    return Tolerance(float(spec["dollars"]), float(spec["fraction"]), " ".join(str(spec["source"]).split()))


@dataclass(frozen=True)
class Underpayments:
    """The classified lines of one or more remits and what goes with them.

    Attributes
    ----------
    lines : DataFrame
        One row per service line (and per claim without service lines), columns :data:`LINE_COLUMNS`.
    claims : DataFrame
        One row per claim: its amounts as stated (CLP03-05), the sums of its lines, its classes and the
        earliest next deadline of its lines.
    reversals : DataFrame
        One row per reversal with the claim it reverses and the claim that corrects it.
    imbalances : DataFrame
        :func:`remits.balance.imbalances` of the remit.
    notes : tuple of str
        What the run assumed or could not do (payers without a profile, national pricing, missing data).
    as_of : datetime.date
        Day the days left are counted from.
    tolerance : Tolerance
        The tolerance used.
    files : tuple of str
        The files read, in order.
    """

    lines: pd.DataFrame
    claims: pd.DataFrame
    reversals: pd.DataFrame
    imbalances: pd.DataFrame
    notes: tuple[str, ...]
    as_of: dt.date
    tolerance: Tolerance
    files: tuple[str, ...] = field(default=())

    def counted(self) -> pd.DataFrame:
        """The lines that count in totals (every class but reversal and reversed)."""
        return self.lines[~self.lines["classification"].isin([str(c) for c in EXCLUDED])]

    def summary(self) -> pd.DataFrame:
        """Totals by payer and classification of the counted lines: ``lines`` and the sums of
        :data:`SUMMARY_MONEY` (sums of the lines' cents; ``plan_paid`` is received minus patient
        responsibility, which adds up to CLP04), payers in name order, classes in precedence order.
        """
        return _summary(self.counted(), ["payer", "classification"])

    def by_payer(self) -> pd.DataFrame:
        """Totals by payer of the counted lines, with the number of underpaid and of denied lines."""
        counted = self.counted()
        out = _summary(counted, ["payer"])
        for name, cls in (("underpaid_lines", LineClass.UNDERPAID), ("denied_lines", LineClass.DENIED)):
            hits = counted[counted["classification"] == str(cls)].groupby("payer").size()
            out[name] = out["payer"].map(hits).fillna(0).astype(np.int64).to_numpy()
        return out


def _summary(lines: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    frame = lines.assign(
        billed=lines["charge"], plan_paid=lines["received"] - lines["patient_responsibility"]
    )
    grouped = frame.groupby(keys, sort=False)
    out = grouped.size().rename("lines").to_frame()
    for column in SUMMARY_MONEY:
        out[column] = grouped[column].sum(min_count=1)
    out = out.reset_index()
    for column in SUMMARY_MONEY:
        out[column] = round_cents(out[column].fillna(0.0).to_numpy())
    order = {str(c): i for i, c in enumerate(LineClass)}
    sort_keys = [out["payer"].map(match_key)]
    if "classification" in keys:
        sort_keys.append(out["classification"].map(order))
    position = np.lexsort([np.asarray(k) for k in reversed(sort_keys)]) if len(out) else np.arange(0)
    return out.iloc[position].reset_index(drop=True)


# -------------------------------------------------------------------------------------- classification


def _basis_words(
    method: str, factor: float, percentile: float, basis: float, lesser: bool, charge: float, expected: float
) -> str:
    if method == "Percent of Medicare":
        what = f"{factor:.0%} of Medicare {basis:,.2f}"
    elif method == "Charge percentile":
        what = f"{factor:.0%} of the {percentile:g}th percentile benchmark {basis:,.2f}"
        if factor == 1:
            what = f"the {percentile:g}th percentile benchmark {basis:,.2f}"
    elif method == "Percent of billed":
        what = f"{factor:.0%} of billed {basis:,.2f}"
    else:
        what = (
            f"the agreed flat rate {basis:,.2f}"
            if factor == 1
            else f"{factor:.0%} of the flat rate {basis:,.2f}"
        )
    if lesser and np.isfinite(charge) and basis * factor > charge:
        what += ", capped at billed"
    return what


def classify(rows: pd.DataFrame, tolerance: Tolerance) -> None:
    """Add ``gap``, ``underpaid``, ``classification`` and ``reason`` to priced rows (in place).

    The classes are tried in the order of :class:`LineClass`; :data:`CLASS_MEANING` says when each
    applies. The gap is ``max(expected - received, 0)`` with ``received = paid - claim_adjustment +
    patient_responsibility``; underpaid is ``gap > max(tolerance.dollars, tolerance.fraction x
    expected)``; overpaid maybe is ``received - expected`` above the same tolerance.
    """
    n = len(rows)
    status = rows["status"].to_numpy(dtype=object)
    paid = rows["paid"].to_numpy(dtype=float)
    plan_paid = paid - rows["claim_adjustment"].to_numpy(dtype=float)
    patient = rows["patient_responsibility"].to_numpy(dtype=float)
    received = plan_paid + patient
    expected = rows["expected"].to_numpy(dtype=float)
    gap = np.asarray(recovery_gap(expected, plan_paid, patient), dtype=float)
    flag = np.asarray(
        underpaid(expected, plan_paid, patient, tolerance.dollars, tolerance.fraction), dtype=bool
    )
    with np.errstate(invalid="ignore"):
        allowance = np.maximum(tolerance.dollars, tolerance.fraction * expected)
        over = (received - expected) > allowance
    nothing_paid = plan_paid <= 0.005
    reversal = status == "22"
    reversed_ = (rows["reversed_by"].to_numpy() >= 0) & ~reversal
    denied = (status == "4") | (nothing_paid & rows["cas_denial"].to_numpy(dtype=bool))
    bundled = nothing_paid & (
        rows["cas_bundled"].to_numpy(dtype=bool) | (rows["rarc_bundled_code"].to_numpy(dtype=object) != "")
    )
    patient_class = (patient > 0.005) & (plan_paid <= patient + 0.005)
    nsa = rows["nsa_codes"].to_numpy(dtype=object) != ""
    other = np.isin(status, list(OTHER_PAYER_STATUS)) | rows["cas_coordination"].to_numpy(dtype=bool)
    known = ~np.isnan(expected)
    conditions = [
        (LineClass.REVERSAL, reversal),
        (LineClass.REVERSED, reversed_),
        (LineClass.DENIED, denied),
        (LineClass.BUNDLED, bundled),
        (LineClass.PATIENT, patient_class),
        (LineClass.NSA, nsa),
        (LineClass.OTHER_PAYER, other),
        (LineClass.UNDERPAID, known & flag),
        (LineClass.OVERPAID, known & over),
        (LineClass.AS_EXPECTED, known),
    ]
    classes = np.select(
        [c for _, c in conditions], [str(k) for k, _ in conditions], str(LineClass.NOT_PRICED)
    )
    rows["received"] = received
    rows["gap"] = np.where(reversal | reversed_, np.nan, round_cents(gap))
    rows["underpaid"] = flag & ~reversal & ~reversed_
    rows["classification"] = classes.astype(object)
    rows["reason"] = _reasons(rows, classes, plan_paid, patient, received, expected, gap, allowance, n)


def _label(code: str, table: pd.DataFrame) -> str:
    reason = code.split("-", 1)[-1]
    return str(table.at[reason, "label"]) if reason in table.index else "reason code not in oonkit's list"


def _reasons(
    rows: pd.DataFrame,
    classes: np.ndarray,
    plan_paid: np.ndarray,
    patient: np.ndarray,
    received: np.ndarray,
    expected: np.ndarray,
    gap: np.ndarray,
    allowance: np.ndarray,
    n: int,
) -> np.ndarray:
    carc = carc_codes()
    rarc = rarc_codes()
    out = np.full(n, "", dtype=object)
    # amounts in words are the cents the report shows (rounded once, half away from zero)
    plan_paid, patient, received, expected, gap, allowance = (
        np.asarray(round_cents(a), dtype=float)
        for a in (plan_paid, patient, received, expected, gap, allowance)
    )
    col = {
        k: rows[k].to_numpy(dtype=object)
        for k in (
            "status",
            "cas_denial_code",
            "cas_bundled_code",
            "rarc_bundled_code",
            "cas_coordination_code",
            "cas_patient_code",
            "nsa_codes",
            "expected_note",
            "original_code",
            "procedure_code",
            "method",
            "reversal_of",
            "reversed_by",
            "corrected_by",
            "patient_control_number",
            "payer_claim_id",
        )
    }
    num = {k: rows[k].to_numpy(dtype=float) for k in ("factor", "percentile", "basis", "charge")}
    num["basis"] = np.asarray(round_cents(num["basis"]), dtype=float)
    lesser = rows["lesser_of"].to_numpy(dtype=bool)
    claims_nsa = rows["claims_nsa"].to_numpy(dtype=bool)
    names = rows["claim_id"].to_numpy()
    pcn_of = dict(zip(names, col["patient_control_number"], strict=True))

    def money(x: float) -> str:
        return f"{x:,.2f}"  # x is in cents already (or a difference of two such amounts)

    def basis(i: int) -> str:
        return _basis_words(
            col["method"][i],
            num["factor"][i],
            num["percentile"][i],
            num["basis"][i],
            lesser[i],
            num["charge"][i],
            expected[i],
        )

    def gap_words(i: int) -> str:
        if np.isnan(expected[i]):
            return ""
        return f"; gap to the payer's own method {money(gap[i])} (expected {money(expected[i])} = {basis(i)})"

    for i in range(n):
        c = classes[i]
        if c == LineClass.REVERSAL:
            orig = int(col["reversal_of"][i])
            text = (
                f"Reversal (CLP02 22) of claim {pcn_of.get(orig, '?')} read earlier in these files"
                if orig >= 0
                else "Reversal (CLP02 22) of a claim paid on an earlier remit (not among these files)"
            )
            fix = int(col["corrected_by"][i])
            if fix >= 0:
                text += "; the corrected claim follows"
            out[i] = text + ": not counted in totals"
        elif c == LineClass.REVERSED:
            out[i] = "Taken back by a reversal later in these files: not counted in totals" + (
                "; the corrected claim is counted instead" if int(col["corrected_by"][i]) >= 0 else ""
            )
        elif c == LineClass.DENIED:
            code = col["cas_denial_code"][i]
            why = f"{code}: {_label(code, carc)}" if code else "no denial reason code on the line"
            head = "Claim denied (CLP02 4)" if col["status"][i] == "4" else "Denied, nothing paid"
            out[i] = f"{head}: {why}{gap_words(i)}"
        elif c == LineClass.BUNDLED:
            code = col["cas_bundled_code"][i] or col["rarc_bundled_code"][i]
            table = carc if col["cas_bundled_code"][i] else rarc
            out[i] = (
                f"Paid as part of another service, nothing paid for this line ({code}: {_label(code, table)}){gap_words(i)}"
            )
        elif c == LineClass.PATIENT:
            code = col["cas_patient_code"][i]
            first = f" ({code}: {_label(code, carc)})" if code else ""
            out[i] = (
                f"The patient owes {money(patient[i])}{first}; the plan paid {money(plan_paid[i])}"
                f"{gap_words(i)}"
            )
        elif c == LineClass.NSA:
            out[i] = (
                f"Processed under the No Surprises Act ({col['nsa_codes'][i]}): dispute by open negotiation, "
                f"then federal IDR{gap_words(i)}"
            )
        elif c == LineClass.OTHER_PAYER:
            status = col["status"][i]
            if status in OTHER_PAYER_STATUS:
                text = f"Claim {STATUS_WORDS.get(status, status)} (CLP02 {status})"
            else:
                code = col["cas_coordination_code"][i]
                text = f"Coordination of benefits ({code}: {_label(code, carc)})"
            out[i] = (
                text + ": another payer's share is not on this remit, so the payer's method is not compared"
            )
        elif c == LineClass.UNDERPAID:
            out[i] = (
                f"Received {money(received[i])} (plan {money(plan_paid[i])}, patient {money(patient[i])}) of "
                f"{money(expected[i])} expected ({basis(i)}): {money(gap[i])} short, more than the tolerance "
                f"{money(allowance[i])}"
            )
        elif c == LineClass.OVERPAID:
            out[i] = (
                f"Received {money(received[i])}, {money(received[i] - expected[i])} more than the "
                f"{money(expected[i])} expected ({basis(i)}): check the payer's profile or a contract"
            )
        elif c == LineClass.AS_EXPECTED:
            out[i] = (
                f"Received {money(received[i])} of {money(expected[i])} expected ({basis(i)}), within the "
                f"tolerance {money(allowance[i])}"
            )
        else:
            out[i] = f"No expected amount: {col['expected_note'][i]}"
        if col["original_code"][i] and col["original_code"][i] != col["procedure_code"][i]:
            out[i] += f" (billed as {col['original_code'][i]}, paid as {col['procedure_code'][i]})"
        if claims_nsa[i] and not col["nsa_codes"][i] and c not in (LineClass.REVERSAL, LineClass.REVERSED):
            out[i] += " (the claims file marks this claim NSA but the remit has no NSA remark)"
    return out


# ------------------------------------------------------------------------------------------- deadlines


def _deadlines(rows: pd.DataFrame, profiles: Mapping[str, PayerProfile], as_of: dt.date) -> None:
    """Next deadline of each line that calls for action (in place); see the module docstring, step 8."""
    n = len(rows)
    rules = load_rules()
    classes = rows["classification"].to_numpy(dtype=object)
    act = np.isin(classes, [str(c) for c in ACTIONABLE])
    clock = rows["nsa_clock"].to_numpy(dtype=bool)
    plan = rows["plan_type"].to_numpy(dtype=object)
    plan = np.where(
        (plan == "") & (rows["filing_indicator"].to_numpy(dtype=object) == MEDICARE_ADVANTAGE_FILING),
        "Medicare Advantage",
        plan,
    )
    rows["plan_type"] = plan
    rule = np.select(
        [~act, clock, plan == "ERISA", plan == "Medicare Advantage"],
        ["", "nsa_open_negotiation", PLAN_RULES["ERISA"], PLAN_RULES["Medicare Advantage"]],
        "payer_appeal",
    ).astype(object)
    window = np.array([profiles[p].appeal_window_days for p in rows["profile_id"]], dtype=float)
    days = np.where(rule == "payer_appeal", window, np.nan)
    start = rows["payment_date"].to_numpy(dtype="datetime64[D]")
    rule = np.where(np.isnat(start), "", rule)
    due = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    use = rule != ""
    if use.any():
        due[use] = np.asarray(deadline(rule[use], start[use], days=days[use]), dtype="datetime64[D]")
    today = np.datetime64(as_of, "D")
    business = rule == "nsa_open_negotiation"
    left = np.full(n, np.nan)
    if business.any():
        left[business] = np.asarray(
            networkdays(np.full(int(business.sum()), today), due[business]), dtype=float
        )
    calendar = use & ~business
    left[calendar] = (due[calendar] - today).astype(np.int64)
    labels = {
        "nsa_open_negotiation": "NSA open negotiation notice (30 business days from the payment date)",
        "erisa_internal_appeal": "ERISA internal appeal (180 days from the payment date)",
        "ma_reconsideration": "Medicare Advantage reconsideration (60 days from the payment date)",
    }
    label = np.array(
        [
            labels.get(r, f"appeal to the payer ({int(w)} days from the payment date, payer profile)")
            if r
            else ""
            for r, w in zip(rule, window, strict=True)
        ],
        dtype=object,
    )
    for r in set(rule) - {""}:
        rules[r]  # every id used is a rule of templates/rules/deadlines.yaml (KeyError otherwise)
    rows["deadline"] = due
    rows["deadline_rule"] = rule
    rows["deadline_label"] = label
    rows["days_left"] = left
    rows["days_unit"] = np.where(business, "business days", np.where(calendar, "calendar days", "")).astype(
        object
    )


# --------------------------------------------------------------------------------------- claims, reversals


def _claims_table(rows: pd.DataFrame, remit: Remit) -> pd.DataFrame:
    """One row per claim: stated amounts, sums of its lines, its classes and its earliest next deadline."""
    claims = remit.claims
    cid = rows["claim_id"].to_numpy(dtype=np.int64)
    g = rows.groupby(cid, sort=True)
    first = g.first()
    ids = first.index.to_numpy(dtype=np.int64)
    dated = rows[~np.isnat(rows["deadline"].to_numpy(dtype="datetime64[D]"))]
    earliest = dated.sort_values("deadline", kind="stable").groupby("claim_id", sort=False).first()
    out = pd.DataFrame(
        {
            "payer": first["payer"].to_numpy(dtype=object),
            "profile_id": first["profile_id"].to_numpy(dtype=object),
            "payment_date": first["payment_date"].to_numpy(dtype="datetime64[D]"),
            "trace_number": first["trace_number"].to_numpy(dtype=object),
            "patient_control_number": first["patient_control_number"].to_numpy(dtype=object),
            "payer_claim_id": first["payer_claim_id"].to_numpy(dtype=object),
            "claim_status": first["claim_status"].to_numpy(dtype=object),
            "plan_type": first["plan_type"].to_numpy(dtype=object),
            "billed": claims["billed"].to_numpy(dtype=float)[ids],
            "paid": claims["paid"].to_numpy(dtype=float)[ids],
            "patient_responsibility": claims["patient_responsibility"].to_numpy(dtype=float)[ids],
            "lines": g.size().to_numpy(dtype=np.int64),
            "received": round_cents(g["received"].sum().to_numpy(dtype=float)),
            "expected": round_cents(g["expected"].sum(min_count=1).to_numpy(dtype=float)),
            "priced_lines": g["expected"].count().to_numpy(dtype=np.int64),
            "gap": round_cents(g["gap"].sum(min_count=1).to_numpy(dtype=float)),
            "underpaid_lines": g["underpaid"].sum().to_numpy(dtype=np.int64),
            "classes": _classes_text(rows, ids),
            "deadline": pd.Series(earliest["deadline"]).reindex(ids).to_numpy(dtype="datetime64[D]"),
            "deadline_label": pd.Series(earliest["deadline_label"])
            .reindex(ids)
            .fillna("")
            .to_numpy(dtype=object),
            "days_left": pd.Series(earliest["days_left"]).reindex(ids).to_numpy(dtype=float),
            "days_unit": pd.Series(earliest["days_unit"]).reindex(ids).fillna("").to_numpy(dtype=object),
            "file": claims["file"].to_numpy(dtype=object)[ids],
            "segment": claims["segment"].to_numpy(dtype=np.int64)[ids],
            "claim_id": ids,
        }
    )
    counted = ~first["classification"].isin([str(c) for c in EXCLUDED]).to_numpy()
    out.insert(len(out.columns) - 3, "counted", counted)
    return out


def _classes_text(rows: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """``underpaid (2), bundled`` for each claim of ``ids``: its lines' classes in precedence order."""
    order = {str(c): i for i, c in enumerate(LineClass)}
    counts = rows.groupby(["claim_id", "classification"], sort=False).size().reset_index(name="n")
    counts["order"] = counts["classification"].map(order)
    counts = counts.sort_values(["claim_id", "order"], kind="stable")
    texts: dict[int, list[str]] = {}
    for claim, cls, k in zip(
        counts["claim_id"].tolist(), counts["classification"].tolist(), counts["n"].tolist(), strict=True
    ):
        texts.setdefault(claim, []).append(f"{cls} ({k})" if k > 1 else cls)
    return np.array([", ".join(texts.get(int(c), [])) for c in ids], dtype=object)


def _reversals(remit: Remit) -> pd.DataFrame:
    """One row per reversal, with the claim it reverses and the one that corrects it (when read)."""
    claims = remit.claims
    rev = claims[claims["status"] == "22"]
    pay_date = date_array(remit.payments["payment_date"])[claims["payment_id"].to_numpy(dtype=np.int64)]
    icn = text_array(claims["payer_claim_id"])
    paid = claims["paid"].to_numpy(dtype=float)
    original = rev["reversal_of"].to_numpy(dtype=np.int64, na_value=-1)
    corrected = rev["corrected_by"].to_numpy(dtype=np.int64, na_value=-1)
    has_original, has_correction = original >= 0, corrected >= 0
    o, c = np.maximum(original, 0), np.maximum(corrected, 0)
    reversal_paid = rev["paid"].to_numpy(dtype=float)
    original_paid = np.where(has_original, paid[o], np.nan)
    notes = np.where(
        has_original,
        np.where(
            has_correction,
            "original and correction among these files",
            "original among these files; no correction read",
        ),
        np.where(
            has_correction,
            "original paid on an earlier remit; correction read",
            "original paid on an earlier remit; no correction read",
        ),
    )
    return pd.DataFrame(
        {
            "payer": text_array(rev["payer"]),
            "patient_control_number": text_array(rev["patient_control_number"]),
            "payer_claim_id": text_array(rev["payer_claim_id"]),
            "payment_date": pay_date[rev["claim_id"].to_numpy(dtype=np.int64)],
            "billed": rev["billed"].to_numpy(dtype=float),
            "paid": reversal_paid,
            "patient_responsibility": rev["patient_responsibility"].to_numpy(dtype=float),
            "original_payer_claim_id": np.where(has_original, icn[o], ""),
            "original_payment_date": np.where(has_original, pay_date[o], np.datetime64("NaT")).astype(
                "datetime64[D]"
            ),
            "original_paid": original_paid,
            "net_paid": np.where(
                has_original, round_cents(reversal_paid + np.nan_to_num(original_paid)), np.nan
            ),
            "corrected_payer_claim_id": np.where(has_correction, icn[c], ""),
            "corrected_paid": np.where(has_correction, paid[c], np.nan),
            "note": notes.astype(object),
            "file": text_array(rev["file"]),
            "segment": rev["segment"].to_numpy(dtype=np.int64),
            "claim_id": rev["claim_id"].to_numpy(dtype=np.int64),
            "original_claim_id": original,
            "corrected_claim_id": corrected,
        }
    )


# ---------------------------------------------------------------------------------------------- the run


def find_underpayments(
    remit: Remit,
    profiles: Mapping[str, PayerProfile] | None = None,
    claims: pd.DataFrame | None = None,
    benchmark: ChargeBenchmark | None = None,
    *,
    locality: str | None = None,
    setting: str | None = None,
    as_of: dt.date | None = None,
    tolerance: Tolerance | None = None,
    claims_source: str = "claims file",
    imbalances: pd.DataFrame | None = None,
) -> Underpayments:
    """Join every remit line with its expected amount, classify it and find its next deadline.

    Parameters
    ----------
    remit : Remit
        Tables from :func:`remits.reader.read_remits`.
    profiles : mapping, optional
        Payer profiles by id (:func:`udfs.payers.load_profiles`); default the shipped ones.
    claims : DataFrame, optional
        A claims file as ``workbooks.claims_file.read_claims`` returns it (one row per line, with
        ``source_line``): locality, setting, plan type, agreed and benchmark rates per line.
    benchmark : ChargeBenchmark, optional
        Charge benchmark for payers that price at a percentile of charges.
    locality, setting : str, optional
        Medicare locality (``CA-18``) and setting (``facility``, ``nonfacility``) of lines the claims file
        does not place; default national and facility.
    as_of : datetime.date, optional
        Day the days left are counted from; default today.
    tolerance : Tolerance, optional
        Default :func:`default_tolerance`.
    claims_source : str
        Name of the claims file in messages.
    imbalances : DataFrame, optional
        :func:`remits.balance.imbalances` of ``remit`` when already computed.

    Returns
    -------
    Underpayments

    Raises
    ------
    InputError
        A ``locality`` or ``setting`` that is not one.
    FileError
        Claims-file localities that are not Medicare localities in the year of their lines (every one listed).

    Examples
    --------
    >>> from remits.reader import read_835
    >>> from remits.synthetic import synthetic_835
    >>> result = find_underpayments(read_835(synthetic_835(claims=40, seed=5)), as_of=dt.date(2026, 1, 5))
    >>> len(result.lines) == len(read_835(synthetic_835(claims=40, seed=5)).lines)
    True
    >>> sorted(set(result.lines["classification"]) - {str(c) for c in LineClass})
    []
    """
    profiles = dict(profiles) if profiles is not None else load_profiles()
    if "_default" not in profiles:
        profiles["_default"] = load_profiles()["_default"]
    tolerance = tolerance or default_tolerance()
    as_of = as_of or dt.date.today()
    if setting is not None:
        key = str(setting).strip().upper()
        if key not in SETTINGS:
            raise InputError(f"--setting: {setting!r} is not facility or nonfacility")
        setting = "nonfacility" if SETTINGS[key] else "facility"
    if locality:
        locality = check_locality(locality)
    if claims is not None:
        check_claims_file(claims, claims_source)
    notes: list[str] = []
    rows = line_rows(remit)
    add_amounts_and_codes(rows, remit)
    join_claims(rows, claims)
    match_profiles(rows, profiles, notes)
    place_lines(rows, locality, setting)
    price_lines(rows, profiles, benchmark)
    classify(rows, tolerance)
    _deadlines(rows, profiles, as_of)
    status = rows["status"].to_numpy(dtype=object)
    rows["claim_status"] = np.array(
        [f"{s} {STATUS_WORDS[s]}" if s in STATUS_WORDS else s for s in status], dtype=object
    )
    _run_notes(rows, notes, claims is not None)
    claims_table = _claims_table(rows, remit)
    extra = ["claims_nsa", "payment_date_from", "nsa_codes"]
    whole = rows["whole_claim"].to_numpy(dtype=bool)
    lines = rows[LINE_COLUMNS + extra]  # copy on write: the columns below are replaced, not copied
    del rows
    number = lines["line_number"].to_numpy(dtype=np.int64)
    lines["line_number"] = pd.arrays.IntegerArray(np.maximum(number, 0), whole)
    matched = lines["claims_line"].to_numpy(dtype=np.int64)
    lines["claims_line"] = pd.arrays.IntegerArray(np.maximum(matched, 0), matched < 0)
    ids = lines["line_id"].to_numpy(dtype=np.int64)
    lines["line_id"] = pd.arrays.IntegerArray(np.maximum(ids, 0), whole)
    days = lines["days_left"].to_numpy(dtype=float)
    lines["days_left"] = pd.arrays.IntegerArray(np.nan_to_num(days).astype(np.int64), np.isnan(days))
    for column in LINE_MONEY:
        lines[column] = round_cents(lines[column].to_numpy(dtype=float))
    return Underpayments(
        lines=lines.reset_index(drop=True),
        claims=claims_table,
        reversals=_reversals(remit),
        imbalances=find_imbalances(remit) if imbalances is None else imbalances,
        notes=tuple(notes),
        as_of=as_of,
        tolerance=tolerance,
        files=tuple(dict.fromkeys(text_array(remit.payments["file"]))),
    )


def _run_notes(rows: pd.DataFrame, notes: list[str], with_claims: bool) -> None:
    counted = ~rows["classification"].isin([str(c) for c in EXCLUDED])
    place = rows.loc[counted & rows["medicare_priced"], "place_from"]
    national = int((place == "national, facility (no locality given)").sum())
    if national:
        notes.append(
            f"{_count(national, 'priced line')} use national Medicare amounts in the facility setting: no locality was "
            "given (--locality, or a claims file with --claims)."
        )
    if with_claims:
        missing = int((counted & (rows["claims_match"] == "not in the claims file")).sum())
        if missing:
            notes.append(
                f"{_count(missing, 'line')} of claims not found in the claims file (CLP01 or CLP07)."
            )
    unpriced = rows.loc[counted & (rows["classification"] == str(LineClass.NOT_PRICED)), "expected_note"]
    for why, count in unpriced.value_counts().items():
        notes.append(f"{_count(count, 'line')} without an expected amount: {why}.")
    dated = rows["payment_date_from"] == "DTM*405"
    if dated.any():
        notes.append(
            f"{_count(int(dated.sum()), 'line')} from payments without a BPR16 date: their clocks start on "
            "the production date DTM*405."
        )


def _count(n: int, what: str) -> str:
    """``1 line``, ``2 lines``."""
    return f"{n:,} {what}{'' if n == 1 else 's'}"
