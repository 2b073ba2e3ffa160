"""Claim-level adjustments computed by hand from the quoted PPRRVU25_JAN1 rows (CY2025, national, CF 32.3465)
and the percentages of the Claims Processing Manual ch. 12 (s. 40.6 multiple surgery 100/50%, s. 40.7
bilateral 150%, s. 40.8 co-surgeons 62.5%, s. 20.4.3 assistant 16%, s. 120.1 AS 85% of 16%) and the MPPR
rules (imaging TC 50% / PC 95%; therapy PE 50%; cardiovascular TC 75%; ophthalmology TC 80%).

Facility RVUs quoted (work + facility PE + MP = total):
  21196 20.83 + 19.94 + 2.13 = 42.90  MULT PROC 2, BILAT 2, ASST 2, CO 1
  21194 21.82 + 18.73 + 2.23 = 42.78  MULT PROC 2, BILAT 2, ASST 2, CO 0
  22633 26.80 + 19.88 + 8.38 = 55.06  MULT PROC 2, BILAT 0, ASST 2, CO 2, TEAM 0
  63030 12.00 + 12.21 + 3.85 = 28.06  MULT PROC 2, BILAT 1, ASST 2, CO 2
  27447 19.60 + 15.30 + 3.98 = 38.88  MULT PROC 2, BILAT 1, ASST 2, CO 1
  29881  7.03 +  8.22 + 1.39 = 16.64  MULT PROC 3, ENDO BASE 29870, BILAT 1, ASST 0
  63650  7.15 +  4.51 + 0.82 = 12.48  MULT PROC 2, BILAT 0, ASST 1, CO 0
  64483  1.90 +  1.27 + 0.16 =  3.33  MULT PROC 2, BILAT 1
  43235  2.09 +  1.29 + 0.27 =  3.65  MULT PROC 2 (base of the upper GI endoscopy family)
  43239  2.39 +  1.42 + 0.29 =  4.10  MULT PROC 3, ENDO BASE 43235
  43251  3.47 +  1.90 + 0.43 =  5.80  MULT PROC 3, ENDO BASE 43235
  45378  3.26 +  1.79 + 0.43 =  5.48  MULT PROC 2 (base of the colonoscopy family)
  45380  3.56 +  1.93 + 0.47 =  5.96  MULT PROC 3, ENDO BASE 45378
  22818 34.33 + 23.53 + 7.02 = 64.88  TEAM SURG 2
Non-facility RVUs (work + non-facility PE + MP):
  70553 global 2.29+7.26+0.16; TC 0+6.44+0.03 = 6.47; 26 2.29+0.82+0.13 = 3.24   MULT PROC 4
  74177 global 1.82+7.25+0.12; TC 0+6.59+0.02 = 6.61; 26 1.82+0.66+0.10 = 2.58   MULT PROC 4
  97110 0.45+0.43+0.01 = 0.89; 97140 0.43+0.40+0.01 = 0.84                          MULT PROC 5
  92250 TC 0+0.48+0.01 = 0.49, 26 0.40+0.20+0.01; 92134 TC 0+0.43+0.01 = 0.44, 26 0.32+0.20+0.01   MULT PROC 7
  93306 TC 0+3.76+0.03 = 3.79, 26 1.46+0.52+0.04                                    MULT PROC 6
  70030 0.18+0.79+0.02 = 0.99                                                        BILAT 3, MULT PROC 0
  73721 global 1.35+4.75+0.09 = 6.19; TC 0+4.25+0.03 = 4.28; 26 1.35+0.50+0.06 = 1.91   BILAT 3, MULT PROC 4
  70336 global 1.48+6.39+0.10 = 7.97; TC 0+5.87+0.03 = 5.90; 26 1.48+0.52+0.07 = 2.07   BILAT 2, MULT PROC 4
  99213 1.30+1.35+0.10 = 2.75   status A
  94760 0+0.10+0.01 = 0.11, 94761 0+0.11+0.01 = 0.12   status T (facility PE NA)
Facility: 11300 0.60+0.35+0.06 = 1.01   MULT PROC 2, BILAT 9
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs.errors import InputError
from udfs.pfs_data import conversion_factor
from udfs.surgery import price_claim

CF = 32.3465


def fs(total_rvu: float) -> float:
    return total_rvu * CF


def allowed(claim) -> list[float]:
    return claim.allowed.tolist()


def test_orthognathic_case_multiple_procedures():
    c = price_claim("ortho-1", ["21196", "21194"])
    # 21196 ranks first (42.90 > 42.78): 100%; 21194: 50%
    assert allowed(c) == pytest.approx([fs(42.90), 0.5 * fs(42.78)])
    assert c.adjustments[1] == "MULT PROC 2: procedure rank 2 of 2, 50%"


def test_lt_rt_pair_of_an_already_bilateral_code_is_paid_once():
    # 21194 BILAT SURG 2: LT + RT lines are one procedure at 100%, half on each line; ranked below 21196
    c = price_claim("ortho-2", ["21196", "21194", "21194"], ["", "LT", "RT"])
    assert allowed(c) == pytest.approx([fs(42.90), 0.25 * fs(42.78), 0.25 * fs(42.78)])


def test_spine_case():
    c = price_claim("spine", ["22633", "63030"])
    assert allowed(c) == pytest.approx([fs(55.06), 0.5 * fs(28.06)])


def test_bilateral_50_is_150_percent_and_ranks_as_one_procedure():
    c = price_claim("knees", ["29881", "27447"], ["", "50"])
    # 27447-50 = 1.5 x 38.88 RVU = 58.32 RVU ranks first at 100%; 29881 50%
    assert allowed(c) == pytest.approx([0.5 * fs(16.64), 1.5 * fs(38.88)])


def test_bilateral_procedure_ranked_second():
    c = price_claim("spine-50", ["22633", "63030"], ["", "50"])
    # 63030-50 = 1.5 x 28.06 = 42.09 RVU < 55.06: 50% of 150%
    assert allowed(c) == pytest.approx([fs(55.06), 0.5 * 1.5 * fs(28.06)])


def test_lt_rt_pair_of_a_150_percent_code():
    c = price_claim("inj", ["64483", "64483"], ["LT", "RT"], setting="facility")
    assert allowed(c) == pytest.approx([0.75 * fs(3.33), 0.75 * fs(3.33)])
    assert "LT/RT pair" in c.adjustments[0]


def test_bilateral_indicator_3_is_200_and_0_is_100():
    c = price_claim(["a", "b"], ["70030", "63650"], ["50", "50"], setting=["nonfacility", "facility"])
    assert allowed(c) == pytest.approx([2.0 * fs(0.99), fs(12.48)])


def test_units_beyond_the_first_are_further_procedures():
    c = price_claim("two-knees", "27447", units=2)
    assert allowed(c) == pytest.approx([1.5 * fs(38.88)])  # 100% + 50%
    assert c.unadjusted_amount[0] == pytest.approx(2 * fs(38.88))


def test_assistant_at_surgery():
    c = price_claim(["s", "s", "x", "y"], ["27447", "29881", "63650", "27447"], ["80", "80", "80", "AS"])
    # 27447-80: 16% of 100%; 29881-80 (ASST SURG 0): 16% of 50%, flagged as needing documentation;
    # 63650-80 (ASST SURG 1) not paid; 27447-AS: 85% of 16%
    assert c.allowed[0] == pytest.approx(0.16 * fs(38.88))
    assert c.allowed[1] == pytest.approx(0.16 * 0.5 * fs(16.64))
    assert "documentation" in c.adjustments[1]
    assert not c.priced[2] and np.isnan(c.allowed[2])
    assert c.note[2] == "assistant at surgery not paid for this code (ASST SURG 1)"
    assert c.allowed[3] == pytest.approx(0.85 * 0.16 * fs(38.88))


def test_co_surgeons():
    c = price_claim(["c", "c", "d"], ["22633", "63030", "63650"], ["62", "62", "62"])
    assert c.allowed[0] == pytest.approx(0.625 * fs(55.06))
    assert c.allowed[1] == pytest.approx(0.625 * 0.5 * fs(28.06))
    assert not c.priced[2]  # 63650 CO-SURG 0
    assert c.note[2] == "co-surgeons not permitted for this code (CO-SURG 0)"


def test_team_surgery_is_not_priced():
    c = price_claim(["t", "u"], ["22818", "22633"], ["66", "66"])
    assert not c.priced.any()
    assert "by report" in c.note[0]  # TEAM SURG 2
    assert c.note[1] == "team surgeons not permitted for this code (TEAM SURG 0)"


def test_endoscopy_family_upper_gi():
    c = price_claim("egd", ["43239", "43235", "43251"])
    # family 43235: highest 43251 in full; 43239 pays 4.10 - 3.65 RVU; the base 43235 pays 0
    assert allowed(c) == pytest.approx([fs(4.10 - 3.65), 0.0, fs(5.80)])


def test_two_endoscopy_families_rank_as_two_procedures():
    c = price_claim("scopes", ["43239", "43251", "45380"])
    upper = fs(5.80) + fs(4.10 - 3.65)  # family 43235 total 6.25 RVU
    lower = fs(5.96)  # family 45378: one member, in full
    # the upper GI family (6.25 RVU) ranks above colonoscopy (5.96 RVU): 100% / 50%
    assert allowed(c) == pytest.approx([fs(4.10 - 3.65), fs(5.80), 0.5 * lower])
    assert sum(allowed(c)) == pytest.approx(upper + 0.5 * lower)


def test_diagnostic_imaging_family():
    c = price_claim("mri-ct", ["70553", "74177"], setting="nonfacility")
    # highest TC is 74177 (6.61 > 6.47): 70553 TC at 50%; highest PC is 70553 (3.24 > 2.58): 74177 PC at 95%
    assert c.allowed[0] == pytest.approx(fs(0.5 * 6.47 + 3.24))
    assert c.allowed[1] == pytest.approx(fs(6.61 + 0.95 * 2.58))


def test_imaging_components_billed_separately():
    c = price_claim("tc-only", ["70553", "74177"], ["TC", "TC"], setting="nonfacility")
    assert allowed(c) == pytest.approx([0.5 * fs(6.47), fs(6.61)])


def test_therapy_practice_expense_reduction():
    c = price_claim("pt", ["97110", "97140"], units=[2, 1], setting="nonfacility")
    # highest PE unit (97110, PE 0.43) in full; the other 97110 unit and 97140 pay 50% of their PE
    assert c.allowed[0] == pytest.approx(fs(2 * 0.89 - 0.5 * 0.43))
    assert c.allowed[1] == pytest.approx(fs(0.84 - 0.5 * 0.40))


def test_ophthalmology_and_cardiovascular_tc_reductions():
    c = price_claim(
        ["eye", "eye", "echo"], ["92250", "92134", "93306"], units=[1, 1, 2], setting="nonfacility"
    )
    assert c.allowed[0] == pytest.approx(fs(0.40 + 0.68 + 0.02))  # highest TC (0.49) in full
    assert c.allowed[1] == pytest.approx(fs(0.32 + 0.63 + 0.02 - 0.2 * 0.44))  # TC at 80%
    assert c.allowed[2] == pytest.approx(fs(2 * (1.46 + 4.28 + 0.07) - 0.25 * 3.79))  # 2nd TC at 75%


def test_not_priced_lines_stay_out_of_the_ranking():
    c = price_claim("mixed", ["64999", "63030", "22633"])
    assert np.isnan(c.allowed[0]) and c.note[0].startswith("carrier-priced")
    assert allowed(c)[1:] == pytest.approx([0.5 * fs(28.06), fs(55.06)])


def test_separate_claims_are_ranked_separately():
    c = price_claim(["a", "b"], ["22633", "63030"])
    assert allowed(c) == pytest.approx([fs(55.06), fs(28.06)])


def test_bad_units():
    with pytest.raises(InputError, match="units must be a whole number"):
        price_claim("x", "27447", units=0)


SURGICAL = ["27447", "29881", "22633", "63030", "21196", "21194", "64483", "63650", "43239", "43251", "45380"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(SURGICAL), st.integers(1, 3)),
        min_size=1,
        max_size=8,
    )
)
def test_mult_proc_never_raises_a_claim_above_its_unadjusted_total(lines):
    ids, codes, units = zip(*lines, strict=True)
    c = price_claim(list(ids), list(codes), "", list(units))
    assert (c.allowed >= 0).all()
    for _, g in c.groupby("claim_id"):
        assert g.allowed.sum() <= g.unadjusted_amount.sum() + 1e-9


# --- bilateral indicators: modifier 50 and an LT + RT pair priced alike ------------------------------------
# RVU file documentation, BILAT SURG, and Claims Processing Manual ch. 12 s. 40.7: modifier 50 and modifiers
# RT and LT report the same bilateral service, and the bilateral amount is set before any multiple procedure
# rule. Indicator 0: the 150% adjustment does not apply, both sides together 100% of one fee schedule amount;
# 1: both sides 150%; 2: the RVUs already cover both sides, 100%; 3: the usual adjustment does not apply,
# each side 100% (200% in all; generally radiology and other diagnostic tests); 9: the bilateral concept
# does not apply, so an LT + RT pair is two procedures under the multiple procedure rules.
@pytest.mark.parametrize(
    ("code", "setting", "total_rvu", "factor"),
    [
        pytest.param("63650", "facility", 12.48, 1.0, id="0-both-sides-100%"),
        pytest.param("64483", "facility", 3.33, 1.5, id="1-both-sides-150%"),
        pytest.param("21194", "facility", 42.78, 1.0, id="2-already-bilateral-100%"),
        pytest.param("73721", "nonfacility", 6.19, 2.0, id="3-each-side-100%"),
    ],
)
def test_modifier_50_and_lt_rt_pair_pay_the_same(code, setting, total_rvu, factor):
    fifty = price_claim("x", code, "50", setting=setting)
    pair = price_claim(["x", "x"], [code, code], ["LT", "RT"], setting=setting)
    assert fifty.allowed[0] == pytest.approx(factor * fs(total_rvu))
    assert allowed(pair) == pytest.approx([factor * fs(total_rvu) / 2] * 2)


def test_bilateral_indicator_3_lt_rt_is_200_percent_not_an_imaging_reduction():
    # 73721 (MRI lower extremity joint) non-facility: 6.19 RVU x 32.3465 = 200.2248; modifier 50 pays 200%
    # = 400.45. Before the fix the RT side was a second imaging procedure (TC 50%, PC 95%): 328.14 in all.
    fifty = price_claim("A", ["73721"], ["50"], setting="nonfacility")
    pair = price_claim(["A", "A"], ["73721", "73721"], ["LT", "RT"], setting="nonfacility")
    assert round(fifty.allowed[0], 2) == 400.45
    assert allowed(pair) == pytest.approx([fs(6.19), fs(6.19)])
    assert round(pair.allowed.sum(), 2) == 400.45
    assert pair.adjustments[0] == "LT/RT pair: each side paid in full (BILAT SURG 3): 200%; half on each line"


def test_bilateral_indicator_3_pair_ranks_once_among_imaging_procedures():
    # with 70553 on the claim, the 73721 pair is one procedure whose TC (2 x 4.28 = 8.56 RVU) is the highest
    # (70553 TC 6.47) and whose PC (2 x 1.91 = 3.82) is the highest (70553 PC 3.24): 70553 takes the
    # reductions, TC 50% and PC 95%, exactly as with 73721-50
    pair = price_claim(["A"] * 3, ["73721", "73721", "70553"], ["LT", "RT", ""], setting="nonfacility")
    fifty = price_claim(["A"] * 2, ["73721", "70553"], ["50", ""], setting="nonfacility")
    mri = fs(0.5 * 6.47 + 0.95 * 3.24)
    assert allowed(pair) == pytest.approx([fs(6.19), fs(6.19), mri])
    assert allowed(fifty) == pytest.approx([2 * fs(6.19), mri])


def test_lt_rt_pair_of_an_already_bilateral_imaging_code_is_one_imaging_procedure():
    # 70336 (MRI temporomandibular joints, BILAT SURG 2, MULT PROC 4): the pair is 100% of 7.97 RVU, half on
    # each line; its two halves are one procedure, so no TC/PC reduction between them
    c = price_claim(["A", "A"], ["70336", "70336"], ["LT", "RT"], setting="nonfacility")
    assert allowed(c) == pytest.approx([fs(7.97) / 2, fs(7.97) / 2])


def test_bilateral_indicator_9_lt_rt_are_two_procedures():
    # 11300 (BILAT SURG 9, MULT PROC 2), facility 1.01 RVU: modifier 50 changes nothing (100%); LT and RT are
    # two procedures, 100% and 50%
    assert price_claim("x", "11300", "50").allowed[0] == pytest.approx(fs(1.01))
    assert allowed(price_claim(["x", "x"], ["11300", "11300"], ["LT", "RT"])) == pytest.approx(
        [fs(1.01), 0.5 * fs(1.01)]
    )


# --- status T: paid only when no other fee schedule service is payable the same day ------------------------
# RVU file documentation, STATUS CODE T ("injections"): there are RVUs and payment amounts, but the service is
# paid only if no other service payable under the PFS is billed on the same date by the same provider; if one
# is, the T service is bundled into it.
def test_status_t_is_bundled_with_another_payable_service():
    c = price_claim(["A", "A"], ["99213", "94760"], setting="nonfacility")
    assert allowed(c) == pytest.approx([fs(2.75), 0.0])  # 99213 2.75 RVU x 32.3465 = 88.95; 94760 0
    assert c.priced[1]
    assert c.note[1].startswith("bundled (status T)") and c.adjustments[1] == c.note[1]


@pytest.mark.parametrize(
    ("ids", "codes", "dates", "expected"),
    [
        pytest.param(["t"], ["94760"], None, [0.11], id="alone"),
        pytest.param(["t", "t"], ["94760", "94761"], None, [0.11, 0.12], id="only-T-lines"),
        pytest.param(["a", "b"], ["99213", "94760"], None, [2.75, 0.11], id="other-claim"),
        pytest.param(
            ["t", "t"], ["99213", "94760"], ["2025-03-03", "2025-03-04"], [2.75, 0.11], id="other-date"
        ),
        pytest.param(["t", "t"], ["36415", "94760"], None, [np.nan, 0.11], id="status-X-not-payable"),
        pytest.param(["t", "t"], ["64999", "94760"], None, [np.nan, 0.11], id="status-C-no-amount"),
        pytest.param(["t", "t"], ["27447", "94760"], None, [np.nan, 0.11], id="status-A-PE-NA-in-office"),
    ],
)
def test_status_t_is_paid_without_another_payable_service(ids, codes, dates, expected):
    dos = None if dates is None else np.array(dates, dtype="datetime64[D]")
    c = price_claim(ids, codes, setting="nonfacility", date_of_service=dos)
    assert allowed(c) == pytest.approx([fs(x) for x in expected], nan_ok=True)


def test_status_t_is_not_bundled_by_an_assistant_line():
    # an assistant at surgery (80) is another provider than the one billing the T service: as in the
    # multiple procedure ranking, assistant lines count among themselves (99213 ASST SURG 0: payable)
    c = price_claim(["A", "A"], ["99213", "94760"], ["80", ""], setting="nonfacility")
    assert c.allowed[1] == pytest.approx(fs(0.11))


# --- fee schedule year and date of service ----------------------------------------------------------------
def test_a_date_of_service_in_another_year_uses_the_fee_schedule_year():
    # a payer benchmarking the 2025 schedule, a service of 2026: 27447 facility 38.88 RVU x 2025 CF 32.3465
    c = price_claim("A", ["27447"], year=2025, date_of_service=np.datetime64("2026-02-03"))
    assert c.allowed[0] == pytest.approx(38.88 * 32.3465)
    assert round(c.allowed[0], 2) == 1257.63


def test_2024_imported_data_prices_endoscopy_and_imaging_with_the_date_of_service(pfs_2024):
    # the endoscopy base (43235) and the imaging components (TC, 26) are looked up again: they take the
    # line's date of service too. 2024 CFs (conversion_factors.yaml): 32.7442 to 2024-03-08, 33.2875 after.
    assert conversion_factor(2024, date_of_service="2024-02-01") == 32.7442
    for day, cf in (("2024-02-01", 32.7442), ("2024-05-01", 33.2875)):
        egd = price_claim("egd", ["43239", "43235", "43251"], year=2024, date_of_service=np.datetime64(day))
        # family 43235: 43251 (5.80 RVU) in full, 43239 4.10 - 3.65 RVU, the base 43235 0
        assert allowed(egd) == pytest.approx([(4.10 - 3.65) * cf, 0.0, 5.80 * cf])
        mri = price_claim(
            "mri", ["70553", "74177"], setting="nonfacility", year=2024, date_of_service=np.datetime64(day)
        )
        # as test_diagnostic_imaging_family: 70553 TC 50%, 74177 PC 95%
        assert allowed(mri) == pytest.approx([(0.5 * 6.47 + 3.24) * cf, (6.61 + 0.95 * 2.58) * cf])


def test_2024_with_a_date_outside_2024_is_not_priced_and_says_why(pfs_2024):
    c = price_claim(["a", "a"], ["43239", "43251"], year=2024, date_of_service=np.datetime64("2025-01-15"))
    assert not c.priced.any() and np.isnan(c.allowed).all()
    assert c.note[0].startswith("date of service 2025-01-15 is outside 2024, whose conversion factor changed")
