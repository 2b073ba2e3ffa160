"""Underpayment detection on remits built with known cases: every classification, the received amounts, the
gap, the reasons, the deadlines, the payer profile match and the join with a claims file.

Most cases use a test payer that pays 40% of billed (``Percent of billed``, factor 0.4), so every expected
amount is a hand computation: 40% of the charge. The tolerance is the shipped one: 5 dollars or 2% of the
expected amount, whichever is larger (templates/rules/assumptions.yaml).
"""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest

import remits.synthetic
import remits.underpayment
import remits.underpayment_join
import remits.underpayment_rows
from remits.reader import read_835
from remits.synthetic import RemitClaim, RemitLine, RemitPayment, build_835
from remits.underpayment import LineClass, Tolerance, default_tolerance, find_underpayments
from udfs import claims as udfs_claims
from udfs.errors import FileError, InputError
from udfs.payers import load_profiles
from workbooks.claims_file import read_claims

AS_OF = dt.date(2026, 6, 15)
PAID_ON = "20260601"  # a Monday
TEST_PROFILE = """\
id: test-billed
name: Test Billed Plan
aliases: ['TBP INSURANCE', '99001']
method: Percent of billed
factor: 0.4
appeal_window_days: 90
"""


@pytest.fixture
def profiles(tmp_path):
    folder = tmp_path / "payers"
    folder.mkdir()
    (folder / "test-billed.yaml").write_text(TEST_PROFILE)
    return load_profiles(folder)


def line(code="99285", charge=1000.0, paid=400.0, *adjustments, **kw) -> RemitLine:
    return RemitLine(code, charge, paid, tuple(adjustments), service_date=kw.pop("date", "20260501"), **kw)


def claim(pcn, *lines, **kw) -> RemitClaim:
    return RemitClaim(pcn, kw.pop("icn", f"ICN-{pcn}"), tuple(lines), **kw)


def run(*claims, payer="TEST BILLED PLAN", profiles=None, **kw):
    payment = RemitPayment(payer, kw.pop("paid_on", PAID_ON), "EFT0001", tuple(claims))
    remit = read_835(build_835([payment]), "test.835")
    return find_underpayments(remit, profiles, as_of=kw.pop("as_of", AS_OF), **kw)


def one(result, pcn) -> pd.Series:
    rows = result.lines[result.lines["patient_control_number"] == pcn]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_the_modules_doctests_run():
    for module in (remits.underpayment, remits.underpayment_rows, remits.underpayment_join, remits.synthetic):
        failed, _ = doctest.testmod(module)
        assert failed == 0, module.__name__


def test_tolerance_comes_from_the_assumptions_file():
    # templates/rules/assumptions.yaml: tolerance dollars 5, fraction 0.02
    assert default_tolerance() == Tolerance(5.0, 0.02, default_tolerance().source)
    with pytest.raises(InputError, match="fraction"):
        Tolerance(5, 1.5)


# every case: charge 1000, so 40% of billed = 400 expected; tolerance max(5, 2% x 400 = 8) = 8
CASES = [
    # id, claim, class, gap
    (
        "underpaid",
        claim("U1", line("99285", 1000, 300, ("CO", "45", 650), ("PR", "2", 50))),
        LineClass.UNDERPAID,
        50.0,  # 400 - (300 + 50)
    ),
    (
        "within-tolerance",
        claim("A1", line("99285", 1000, 393, ("CO", "45", 607))),
        LineClass.AS_EXPECTED,
        7.0,  # 400 - 393 = 7 <= 8
    ),
    (
        "just-over-tolerance",
        claim("A2", line("99285", 1000, 391.99, ("CO", "45", 608.01))),
        LineClass.UNDERPAID,
        8.01,  # 400 - 391.99 = 8.01 > 8
    ),
    (
        "overpaid",
        claim("O1", line("99285", 1000, 450, ("CO", "45", 550))),
        LineClass.OVERPAID,
        0.0,  # received 450 - 400 = 50 > 8
    ),
    (
        "claim-status-4",
        claim("D1", line("99285", 1000, 0, ("CO", "50", 1000)), status="4"),
        LineClass.DENIED,
        400.0,
    ),
    (
        "nothing-paid-with-denial-code",
        claim("D2", line("99285", 1000, 0, ("CO", "16", 1000))),
        LineClass.DENIED,
        400.0,
    ),
    (
        "bundled-carc-97",
        claim("B1", line("99285", 1000, 0, ("CO", "97", 1000))),
        LineClass.BUNDLED,
        400.0,
    ),
    (
        "bundled-remark-m15",
        claim("B2", line("99285", 1000, 0, ("CO", "45", 1000), remarks=("M15",))),
        LineClass.BUNDLED,
        400.0,
    ),
    (
        "deductible",
        claim("P1", line("99285", 1000, 100, ("CO", "45", 600), ("PR", "1", 300))),
        LineClass.PATIENT,
        0.0,  # received 100 + 300 = 400
    ),
    (
        "not-covered-billed-to-patient",
        claim("P2", line("99285", 1000, 0, ("PR", "96", 1000))),
        LineClass.PATIENT,
        0.0,  # the patient owes 1000 >= 400
    ),
    (
        "nsa-remarks",
        claim("N1", line("99285", 1000, 300, ("CO", "45", 650), ("PR", "2", 50)), remarks=("N859", "N877")),
        LineClass.NSA,
        50.0,
    ),
    (
        "nsa-line-remark",
        claim("N2", line("99285", 1000, 300, ("CO", "45", 700), remarks=("N830",))),
        LineClass.NSA,
        100.0,
    ),
    (
        "secondary",
        claim("S1", line("99285", 1000, 100, ("OA", "23", 900)), status="2"),
        LineClass.OTHER_PAYER,
        300.0,
    ),
    (
        "prior-payer-code",
        claim("S2", line("99285", 1000, 100, ("OA", "23", 900))),
        LineClass.OTHER_PAYER,
        300.0,
    ),
]


@pytest.mark.parametrize(("case", "built", "expected_class", "gap"), CASES, ids=[c[0] for c in CASES])
def test_each_class(profiles, case, built, expected_class, gap):
    result = run(built, profiles=profiles)
    row = one(result, built.pcn)
    assert row["classification"] == expected_class
    assert row["expected"] == 400.0  # 40% of 1000 billed
    assert row["gap"] == pytest.approx(gap, abs=1e-9)
    assert row["profile_id"] == "test-billed"
    assert row["reason"]


def test_reasons_in_plain_words(profiles):
    result = run(
        claim("U1", line("99285", 1000, 300, ("CO", "45", 650), ("PR", "2", 50))),
        claim("D1", line("99285", 1000, 0, ("CO", "50", 1000)), status="4"),
        claim("B1", line("99285", 1000, 0, ("CO", "97", 1000))),
        claim("N1", line("99285", 1000, 400, ("CO", "45", 600)), remarks=("N859", "N877")),
        profiles=profiles,
    )
    assert one(result, "U1")["reason"] == (
        "Received 350.00 (plan 300.00, patient 50.00) of 400.00 expected (40% of billed 1,000.00): "
        "50.00 short, more than the tolerance 8.00"
    )
    # labels from templates/codes/carc.csv
    assert one(result, "D1")["reason"].startswith(
        "Claim denied (CLP02 4): CO-50: Payer says the service was not medically necessary"
    )
    assert "(CO-97: Paid as part of another service on the claim (bundled))" in one(result, "B1")["reason"]
    assert one(result, "N1")["reason"].startswith("Processed under the No Surprises Act (N859 N877)")


def test_underpaid_flag_is_the_numbers_and_the_class_the_why(profiles):
    # a denied line is 400 short: underpaid by the numbers, denied by its class
    result = run(claim("D1", line("99285", 1000, 0, ("CO", "50", 1000)), status="4"), profiles=profiles)
    row = one(result, "D1")
    assert row["underpaid"] and row["classification"] == LineClass.DENIED


def test_claim_level_adjustments_are_shared_by_charge_in_cents(profiles):
    # lines charged 600 and 300 paid 240 and 120; claim-level CO-45 100.00 and PR-1 10.00, shared 2/3 and 1/3
    # by charge in whole cents: all 11,000 cents -> 7,333.33 and 3,666.67, truncated to 7,333 and 3,666, and
    # the cent left goes to the larger remainder (.67): 73.33 and 36.67; PR 1,000 cents -> 666.67 and 333.33
    # -> 666 and 333 plus the cent left to .67: 6.67 and 3.33
    built = claim(
        "C1",
        line("99285", 600, 240, ("CO", "45", 360)),
        line("99284", 300, 120, ("CO", "45", 180)),
        adjustments=(("CO", "45", 100.0), ("PR", "1", 10.0)),
    )
    result = run(built, profiles=profiles)
    lines = result.lines
    assert lines["claim_adjustment"].tolist() == [73.33, 36.67]
    assert lines["patient_responsibility"].tolist() == [6.67, 3.33]
    # received = paid - claim share + PR: 240 - 73.33 + 6.67 = 173.34; 120 - 36.67 + 3.33 = 86.66
    assert lines["received"].tolist() == [173.34, 86.66]
    # the lines add up to the claim: CLP04 = 360 - 110 = 250, CLP05 = 10
    claims = result.claims.iloc[0]
    assert claims["paid"] == 250.0 and claims["patient_responsibility"] == 10.0
    plan_paid = (lines["received"] - lines["patient_responsibility"]).sum()
    assert plan_paid == pytest.approx(250.0)
    assert "claim: CO-45 100.00; PR-1 10.00" in lines["adjustments"].iloc[0]


def test_reversal_and_its_original_are_left_out_and_paired(profiles):
    original = claim("R1", line("99285", 1000, 300, ("CO", "45", 700)))
    reversal = RemitClaim(**{**original.__dict__, "reversal": True})
    corrected = RemitClaim(**{**original.__dict__, "frequency": "7", "icn": "ICN-R1-B"})
    result = run(original, reversal, corrected, profiles=profiles)
    classes = result.lines["classification"].tolist()
    assert classes == [LineClass.REVERSED, LineClass.REVERSAL, LineClass.UNDERPAID]
    assert len(result.counted()) == 1
    rev = result.reversals.iloc[0]
    assert (rev["paid"], rev["original_paid"], rev["net_paid"]) == (-300.0, 300.0, 0.0)
    assert rev["corrected_payer_claim_id"] == "ICN-R1-B"
    assert rev["note"] == "original and correction among these files"


def test_reversal_of_an_earlier_remit(profiles):
    original = claim("R2", line("99285", 1000, 300, ("CO", "45", 700)))
    result = run(RemitClaim(**{**original.__dict__, "reversal": True}), profiles=profiles)
    row = one(result, "R2")
    assert row["classification"] == LineClass.REVERSAL
    assert "paid on an earlier remit" in row["reason"]
    assert np.isnan(result.reversals["net_paid"].iloc[0])


# ------------------------------------------------------------------------------------------ deadlines


def test_nsa_clock_deadline_counts_business_days_from_bpr16(profiles):
    result = run(
        claim("N1", line("99285", 1000, 300, ("CO", "45", 700)), remarks=("N859", "N877")), profiles=profiles
    )
    row = one(result, "N1")
    # payment 2026-06-01 is business day 1; Juneteenth (Fri 06-19) and Independence Day observed (Fri 07-03)
    # are not business days: day 30 is 2026-07-14 (udfs.deadlines docstring, 45 CFR 149.510(b)(1))
    assert row["deadline"] == np.datetime64("2026-07-14")
    assert row["deadline_rule"] == "nsa_open_negotiation"
    # business days 2026-06-15 .. 07-14, both counted: 4 (06-15..18) + 5 + 4 (06-29..07-02) + 5 + 2 = 20
    assert row["days_left"] == 20 and row["days_unit"] == "business days"


def test_appeal_windows_by_plan_type(profiles, tmp_path):
    claims_csv = tmp_path / "claims.csv"
    claims_csv.write_text(
        "claim_id,payer,plan_type,date_of_service,hcpcs,billed\n"
        "E1,test-billed,ERISA,2026-05-01,99285,1000\n"
        "M1,test-billed,Medicare Advantage,2026-05-01,99285,1000\n"
        "F1,test-billed,Fully insured,2026-05-01,99285,1000\n"
    )
    under = ("CO", "45", 700)
    result = run(
        claim("E1", line("99285", 1000, 300, under)),
        claim("M1", line("99285", 1000, 300, under)),
        claim("F1", line("99285", 1000, 300, under)),
        claim("G1", line("99285", 1000, 300, under), filing_indicator="16"),
        claim("X1", line("99285", 1000, 400, ("CO", "45", 600))),
        profiles=profiles,
        claims=read_claims(claims_csv),
    )
    got = {
        r.patient_control_number: (r.deadline_rule, r.deadline, r.days_left)
        for r in result.lines.itertuples()
    }
    # ERISA: 180 days after 2026-06-01 = 2026-11-28 (29 CFR 2560.503-1(h)(3)(i)); 166 days after 06-15
    assert got["E1"] == ("erisa_internal_appeal", np.datetime64("2026-11-28"), 166)
    # Medicare Advantage: 60 days = 2026-07-31 (42 CFR 422.582(b)); CLP06 16 names one without a claims file
    assert got["M1"] == ("ma_reconsideration", np.datetime64("2026-07-31"), 46)
    assert got["G1"] == ("ma_reconsideration", np.datetime64("2026-07-31"), 46)
    # other plans: the profile's appeal window, 90 days = 2026-08-30
    assert got["F1"] == ("payer_appeal", np.datetime64("2026-08-30"), 76)
    # paid as expected: no action, no deadline
    assert got["X1"][0] == "" and pd.isna(got["X1"][1])


# ----------------------------------------------------------------------------------------- payer profiles


@pytest.mark.parametrize(
    ("payer", "payer_id", "reference", "matched"),
    [
        ("TEST BILLED PLAN", "", "", "N1*PR name TEST BILLED PLAN"),
        ("Test   billed plan", "", "", "N1*PR name Test   billed plan"),
        ("TBP INSURANCE", "", "", "N1*PR name TBP INSURANCE"),
        ("SOMEONE ELSE", "99001", "", "N1*PR payer id 99001"),
        ("SOMEONE ELSE", "", "99001", "REF*2U payer id 99001"),
    ],
    ids=["name", "name-spacing-case", "alias-name", "alias-id-n1", "alias-id-ref2u"],
)
def test_payer_matched_by_name_id_or_alias(profiles, payer, payer_id, reference, matched):
    payment = RemitPayment(
        payer,
        PAID_ON,
        "EFT1",
        (claim("U1", line("99285", 1000, 300, ("CO", "45", 700))),),
        payer_id=payer_id,
        payer_reference=reference,
    )
    result = find_underpayments(read_835(build_835([payment])), profiles, as_of=AS_OF)
    row = one(result, "U1")
    assert (row["profile_id"], row["profile_match"], row["payer"]) == (
        "test-billed",
        matched,
        "Test Billed Plan",
    )


def test_unknown_payer_uses_the_default_profile_and_says_so(profiles):
    result = run(
        claim("U1", line("99285", 1000, 300, ("CO", "45", 700))), payer="ACME HEALTH", profiles=profiles
    )
    row = one(result, "U1")
    assert (row["profile_id"], row["payer"], row["method"]) == (
        "_default",
        "ACME HEALTH",
        "Percent of Medicare",
    )
    assert any(n.startswith("Payer 'ACME HEALTH' has no profile") for n in result.notes)


def test_payer_names_differing_in_case_are_one_payer():
    # Excel compares text without regard to case, so the report must group the same way
    payments = [
        RemitPayment(name, PAID_ON, f"EFT{i}", (claim(f"U{i}", line("99285", 1000, 300, ("CO", "45", 700))),))
        for i, name in enumerate(["ACME HEALTH", "Acme Health"])
    ]
    result = find_underpayments(read_835(build_835(payments)), as_of=AS_OF)
    assert result.lines["payer"].tolist() == ["ACME HEALTH", "ACME HEALTH"]


# ---------------------------------------------------------------------------------------- Medicare prices


def test_medicare_priced_per_claim_with_the_multiple_procedure_rule():
    # Summit Health Plan: 140% of Medicare (templates/payers/summit-health.yaml). 27447 and 29881 on one claim,
    # 2025, national, facility: 1,257.63 and 269.12 after the 50% second-procedure reduction
    # (udfs.surgery.price_claim docstring, from the CMS 2025 RVU file)
    built = claim(
        "S1",
        line("27447", 48000, 1000, ("CO", "45", 47000), date="20250610"),
        line("29881", 9800, 200, ("CO", "45", 9600), date="20250610"),
    )
    result = run(built, payer="SUMMIT HEALTH PLAN")
    lines = result.lines
    assert lines["medicare"].tolist() == [1257.63, 269.12]
    assert lines["expected"].to_numpy() == pytest.approx([1.4 * 1257.63, 1.4 * 269.12], abs=0.01)
    assert lines["medicare_note"].iloc[1] == "MULT PROC 3: procedure rank 2 of 2, 50%"
    assert set(lines["place_from"]) == {"national, facility (no locality given)"}
    assert any("national Medicare amounts" in n for n in result.notes)


def test_lines_that_cannot_be_priced_say_why():
    built = claim(
        "Q1",
        line("64999", 1000, 300, ("CO", "45", 700), date="20250610"),  # status C: carrier priced
        line("99285", 1000, 300, ("CO", "45", 700), date="20020610"),  # no 2002 fee schedule
        line("99285", 1000, 300, ("CO", "45", 700), date="20250610", units=0),
    )
    result = run(built, payer="ACME HEALTH")
    assert set(result.lines["classification"]) == {LineClass.NOT_PRICED}
    reasons = result.lines["reason"].tolist()
    assert "carrier" in reasons[0].lower()
    assert "no 2002 Medicare fee schedule in oonkit" in reasons[1]
    assert "units are not a whole number >= 1" in reasons[2]


def test_locality_argument(profiles):
    built = claim("L1", line("99285", 1000, 300, ("CO", "45", 700), date="20250610"))
    national = one(run(built, payer="ACME HEALTH"), "L1")
    local = one(run(built, payer="ACME HEALTH", locality="ca 18", setting="facility"), "L1")
    assert local["locality"] == "CA-18" and local["place_from"] == "--locality and --setting"
    assert local["medicare"] != national["medicare"]
    with pytest.raises(InputError, match="--locality: XX-99 is not a Medicare locality in 2025"):
        run(built, locality="XX-99")
    with pytest.raises(InputError, match="--locality: 'nowhere' is not a locality id"):
        run(built, locality="nowhere")
    with pytest.raises(InputError, match="--setting"):
        run(built, setting="home")


def test_a_year_without_gpcis_is_not_priced_rather_than_priced_nationally():
    # oonkit embeds no CY2026 GPCIs (templates/fees/pfs/2026/manifest.yaml): a 2026 line with a locality has
    # no Medicare amount, and the reason says how to add them
    built = claim("L2", line("99285", 1000, 300, ("CO", "45", 700), date="20260110"))
    row = one(run(built, payer="ACME HEALTH", locality="CA-18"), "L2")
    assert row["classification"] == LineClass.NOT_PRICED
    assert "no 2026 GPCIs in oonkit for the locality: oonkit data import-pfs adds them" in row["reason"]


# --------------------------------------------------------------------------------------- the claims file


def test_join_with_a_claims_file(profiles, tmp_path):
    claims_csv = tmp_path / "claims.csv"
    claims_csv.write_text(
        "claim_id,line,payer,date_of_service,hcpcs,modifier,locality,setting,billed,payer_claim_id,sca_rate\n"
        "K1,1,test-billed,2025-06-10,27447,RT,NJ-01,facility,1000,,\n"
        "K1,2,test-billed,2025-06-10,29881,LT 59,NJ-01,facility,1000,,\n"
        "K1,3,test-billed,2025-06-10,99285,,NJ-01,nonfacility,1000,,650\n"
        "K1,4,test-billed,2025-06-10,99284,,NJ-01,facility,1000,,\n"
        "K1,5,test-billed,2025-06-10,43239,,NJ-01,facility,1000,,\n"
        "K2,1,test-billed,2025-06-10,99285,,FL-04,facility,1000,PAYER-777,\n"
    )
    cut = ("CO", "45", 700)
    built = [
        claim(
            "K1",
            line("99285", 1000, 300, cut, control_number="0003"),  # REF*6R 0003 -> line 3
            line("29881", 1000, 300, cut, modifiers=("59", "LT")),  # code and modifiers, any order
            line("27447", 1000, 300, cut),  # code (the payer dropped RT)
            line("99283", 1000, 300, cut, billed_as=("99284",)),  # paid as 99283, billed 99284 (SVC06)
            line("11111", 1000, 300, cut),  # none of those: the line left, in order
        ),
        claim("ZZ9", line("99285", 1000, 300, cut), icn="PAYER-777"),  # CLP01 unknown: CLP07
        claim("NOPE", line("99285", 1000, 300, cut)),
    ]
    result = run(*built, profiles=profiles, claims=read_claims(claims_csv))
    lines = result.lines
    got = list(
        zip(lines["claims_line"].astype("float").fillna(-1).astype(int), lines["claims_match"], strict=True)
    )
    assert got == [
        (3, "REF*6R line number"),
        (2, "code and modifiers"),
        (1, "code"),
        (4, "billed code and modifiers (SVC06)"),
        (5, "order"),
        (1, "code and modifiers"),
        (-1, "not in the claims file"),
    ]
    assert lines["locality"].tolist()[:6] == ["NJ-01"] * 5 + ["FL-04"]
    assert lines["setting"].tolist()[0] == "nonfacility"
    # line 3 has an agreed rate: Flat rate 650 instead of 40% of billed
    assert (lines["method"].iloc[0], lines["expected"].iloc[0]) == ("Flat rate", 650.0)
    assert "(billed as 99284, paid as 99283)" in lines["reason"].iloc[3]
    assert any("of claims not found in the claims file" in n for n in result.notes)


def test_claims_file_localities_are_checked_every_problem_listed(profiles, tmp_path):
    claims_csv = tmp_path / "claims.csv"
    claims_csv.write_text(
        "claim_id,payer,date_of_service,hcpcs,locality,billed\n"
        "K1,test-billed,2025-06-10,99285,ZZ-99,1000\n"
        "K2,test-billed,2025-06-10,99285,CA-18,1000\n"
        "K3,test-billed,2025-06-10,99285,here,1000\n"
    )
    with pytest.raises(FileError) as err:
        run(
            claim("K2", line("99285", 1000, 300, ("CO", "45", 700))),
            profiles=profiles,
            claims=read_claims(claims_csv),
            claims_source="claims.csv",
        )
    assert [str(p) for p in err.value.problems] == [
        "claims.csv:2: locality: 'ZZ-99' is not a 2025 Medicare locality",
        "claims.csv:4: locality: 'here' is not a locality id such as CA-18",
    ]


def test_a_claim_without_service_lines_is_one_row():
    # medicare-part-a.835 (tests/remits/data): two institutional claims paid as a whole, CLP03/CLP04
    # 211366.97/138018.40 and 15000.00/11980.33
    from remits.reader import read_remits

    from .conftest import DATA

    result = find_underpayments(read_remits([DATA / "medicare-part-a.835"]), as_of=AS_OF)
    lines = result.lines
    assert lines["line_number"].isna().all() and len(lines) == 2
    assert lines["charge"].tolist() == [211366.97, 15000.00]
    assert lines["received"].tolist() == [138018.40, 11980.33]
    assert set(lines["classification"]) == {LineClass.NOT_PRICED}
    assert lines["reason"].iloc[0] == "No expected amount: no service lines: the claim is paid as a whole"


def test_pricing_in_chunks_keeps_claims_whole(monkeypatch):
    # price_claim runs over a few thousand lines at a time; the multiple-procedure rule still sees every
    # line of a claim, so chunks of any size give the same amounts
    from remits.synthetic import synthetic_835

    remit = read_835(synthetic_835(claims=60, seed=4))
    whole = find_underpayments(remit, as_of=AS_OF).lines
    monkeypatch.setattr(udfs_claims, "PRICE_CHUNK", 5)
    chunked = find_underpayments(remit, as_of=AS_OF).lines
    pd.testing.assert_frame_equal(whole, chunked)
    assert udfs_claims.claim_chunks(np.array([0, 0, 1, 1, 1, 2, 3, 3, 4]), 3) == [
        slice(0, 5),
        slice(5, 8),
        slice(8, 9),
    ]


def test_claims_file_payer_when_the_remit_payer_is_unknown(profiles, tmp_path):
    claims_csv = tmp_path / "claims.csv"
    claims_csv.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\nK1,Test Billed Plan,2026-05-01,99285,1000\n"
    )
    result = run(
        claim("K1", line("99285", 1000, 300, ("CO", "45", 700))),
        payer="ACME HEALTH",
        profiles=profiles,
        claims=read_claims(claims_csv),
    )
    row = one(result, "K1")
    assert (row["profile_id"], row["profile_match"]) == ("test-billed", "claims file payer Test Billed Plan")
    assert row["expected"] == 400.0  # 40% of 1000


def test_remits_import_neither_openpyxl_nor_workbooks():
    from tests.test_layers import ROOT, imported_modules

    for path in sorted((ROOT / "remits").glob("underpayment*.py")):
        assert not imported_modules(path) & {"openpyxl", "workbooks", "xlwings", "oonkit"}, path.name
