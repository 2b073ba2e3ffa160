"""OON_MEDICARE, OON_LOCALITY, OON_MEDICARE_CLAIM, OON_ANESTHESIA and OON_LIMITING_CHARGE as Excel calls them.

Expected amounts are recomputed by hand from the CMS rows quoted (the same rows as tests/udfs/test_medicare.py
and tests/udfs/test_surgery.py):
  PPRRVU25_JAN1 (CY2025 RVU file, RVU25A; CONV FACTOR 32.3465), facility unless stated:
    27447 work 19.60, PE 15.30, MP 3.98 (38.88)        29881 7.03 + 8.22 + 1.39 (16.64), MULT PROC 3
    63650 non-facility 7.15 + 57.79 + 0.82             70553-26 2.29 + 0.82 + 0.13
    64483 1.90 + 1.27 + 0.16 (3.33), MULT PROC 2, BILAT 1
    64999 status C; G0008 status X; 70553 global FACILITY PE NA
  PPRRVU2026_Jul_nonQPP: 27447 19.11 + 11.58 + 4.02 (34.71); CF 33.4009 non-QP, 33.5675 QP
  GPCI2025: CA-18 (1.042, 1.194, 0.690); AL-00 (1.000, 0.869, 0.575)
"""

from __future__ import annotations

import numpy as np
import pytest

from addin import functions as F
from udfs.medicare import medicare_amount
from udfs.surgery import price_claim

CF25 = 32.3465
CA_18 = (1.042, 1.194, 0.690)


def col(*values):
    return np.array([[v] for v in values], dtype=object)


def cell(v):
    return np.array([[v]], dtype=object)


def test_medicare_column_prices_each_row_or_says_why():
    out = F.OON_MEDICARE(
        col("27447", "64999", "G0008", "70553", "63650", "70553", 27447.0),
        col(None, None, None, None, None, 26.0, ""),
        col("CA-18", "", "", "", "", "CA-18", ""),
        col("facility", "facility", "facility", "facility", "office", "F", None),
    )
    assert out[0, 0] == pytest.approx((19.60 * 1.042 + 15.30 * 1.194 + 3.98 * 0.690) * CF25)
    assert out[1, 0] == "OON_MEDICARE: carrier-priced (status C): no national amount"
    assert out[2, 0] == "OON_MEDICARE: statutory exclusion (status X): not a fee schedule service"
    assert out[3, 0] == "OON_MEDICARE: PE not payable in the facility setting (NA)"
    assert out[4, 0] == pytest.approx((7.15 + 57.79 + 0.82) * CF25)  # office = non-facility PE
    assert out[5, 0] == pytest.approx((2.29 * 1.042 + 0.82 * 1.194 + 0.13 * 0.690) * CF25)
    assert out[6, 0] == pytest.approx(38.88 * CF25)  # a number cell 27447 is the code 27447


def test_medicare_2026_qp_conversion_factor():
    out = F.OON_MEDICARE(cell("27447"), year=cell(2026.0), qp=col(False, True))
    np.testing.assert_allclose(out[:, 0].astype(float), [34.71 * 33.4009, 34.71 * 33.5675], rtol=1e-12)


def test_medicare_unknown_locality_or_year_answers_in_its_rows_only():
    out = F.OON_MEDICARE(
        cell("27447"), locality=col("CA-18", "ZZ-01", "CA-18", "", ""), year=col(2025, 2025, 2026, 2026, 2019)
    )
    assert out[0, 0] == pytest.approx(1340.3613284)
    assert out[1, 0] == "OON_MEDICARE: locality 'ZZ-01' is not a 2025 Medicare locality"
    assert out[2, 0].startswith("OON_MEDICARE: locality 'CA-18': no CY2026 GPCIs are embedded or imported")
    assert out[3, 0] == pytest.approx(34.71 * 33.4009)  # national 2026 needs no GPCIs
    assert out[4, 0].startswith("OON_MEDICARE: year 2019: no CY2019 fee schedule")


def test_medicare_bad_setting_code_and_year_are_named():
    out = F.OON_MEDICARE(
        col("27447", "2744-7", "27447"), setting=col("home", None, None), year=col(2025, 2025, 2025.5)
    )
    assert out[0, 0] == 'OON_MEDICARE: setting must be one of facility, nonfacility; got "home"'
    assert out[1, 0] == 'OON_MEDICARE: hcpcs must be a 5-character HCPCS/CPT code, got "2744-7"'
    assert out[2, 0] == "OON_MEDICARE: year must be a whole number, got 2025.5"


def test_medicare_column_matches_udfs_row_by_row():
    rng = np.random.default_rng(7)
    n = 2000
    codes = np.array(["99213", "99285", "27447", "29881", "70553", "64999", "97110"], dtype=object)
    mods = np.array(["", "", "26", "TC"], dtype=object)
    locs = np.array(["", "CA-18", "AL-00", "NY-01"], dtype=object)
    sets = np.array(["facility", "nonfacility"], dtype=object)
    h, m = codes[rng.integers(0, 7, n)], mods[rng.integers(0, 4, n)]
    loc, st = locs[rng.integers(0, 4, n)], sets[rng.integers(0, 2, n)]
    out = F.OON_MEDICARE(col(*h), col(*m), col(*loc), col(*st))[:, 0]
    expected = medicare_amount(h, m, loc, st)
    priced = np.isfinite(expected)
    np.testing.assert_array_equal(out[priced].astype(float), expected[priced])
    assert all(isinstance(v, str) and v.startswith("OON_MEDICARE: ") for v in out[~priced])


@pytest.mark.parametrize(
    ("state", "value", "mac", "expected"),
    [
        ("CA", 18.0, None, "CA-18"),  # GPCI2025 01182 CA 18
        ("California", "18", None, "CA-18"),
        ("CA", "Los Angeles County", None, "CA-18"),  # 25LOCCO: Los Angeles county -> locality 18
        ("CA", "Alpine", None, "CA-75"),  # a county 25LOCCO does not name: rest of California (75)
        (None, 5.0, "01112", "CA-05"),  # MAC 01112 locality 05 (San Francisco)
        ("", "CA-18", None, "CA-18"),
        ("AL", None, None, "AL-00"),  # Alabama is one statewide locality
    ],
    ids=["state-number", "state-name", "county", "rest-of-state", "mac", "id", "statewide"],
)
def test_locality_lookups(state, value, mac, expected):
    assert F.OON_LOCALITY(cell(state), cell(value), cell(mac))[0, 0] == expected


def test_locality_unknown_answers_per_row():
    out = F.OON_LOCALITY(col("CA", "TX", "ZZ", None, "#N/A"), col(18, 77, 1, None, 18))
    assert out[0, 0] == "CA-18"
    assert out[1, 0] == "OON_LOCALITY: locality '77' does not exist for state 'TX' in 2025"
    assert out[2, 0] == "OON_LOCALITY: state 'ZZ' is not a state with a 2025 Medicare locality"
    assert out[3, 0].startswith("OON_LOCALITY: give a state with a locality number or county, or a MAC")
    assert out[4, 0] == "OON_LOCALITY: state is an error value (#N/A)"


def test_locality_year_without_gpcis_says_so():
    out = F.OON_LOCALITY(cell("CA"), cell(18), year=cell(2026))
    assert out[0, 0].startswith("OON_LOCALITY: year 2026: no CY2026 GPCIs are embedded or imported")


def test_locality_feeds_medicare():
    loc = F.OON_LOCALITY(cell("CA"), cell("Los Angeles"))
    assert F.OON_MEDICARE(cell("27447"), locality=loc)[0, 0] == pytest.approx(1340.3613284)


def test_claim_lines_are_adjusted_across_each_claim():
    out = F.OON_MEDICARE_CLAIM(
        col("A", "B", "A", "C", 1001.0),
        col("27447", "27447", "29881", "64483", "27447"),
        col(None, "50", None, None, None),
        col(None, None, None, 2.0, 1.0),
    )
    np.testing.assert_allclose(
        out[:, 0].astype(float),
        [
            38.88 * CF25,  # claim A: 27447 ranks first, 100%
            1.5 * 38.88 * CF25,  # claim B: modifier 50 with BILAT SURG 1: 150%
            0.5 * 16.64 * CF25,  # claim A: 29881 second procedure, 50% (ch. 12 s. 40.6)
            1.5 * 3.33 * CF25,  # claim C: 2 units of 64483 are two procedures: 100% + 50%
            38.88 * CF25,  # claim "1001" (a number cell)
        ],
        rtol=1e-12,
    )


def test_claim_status_t_line_is_bundled_but_alone_is_paid():
    # PPRRVU25_JAN1 non-facility: 99213 1.30 + 1.35 + 0.10 = 2.75 (status A); 94760 0 + 0.10 + 0.01 = 0.11
    # (status T: paid only when no other fee schedule service is payable that day, RVU file documentation).
    # OON_MEDICARE prices one line, so 94760 alone is paid; OON_MEDICARE_CLAIM bundles it into 99213.
    single = F.OON_MEDICARE(cell("94760"), setting=cell("office"))
    assert single[0, 0] == pytest.approx(0.11 * CF25)
    out = F.OON_MEDICARE_CLAIM(col("A", "A"), col("99213", "94760"), setting=col("office", "office"))
    assert out[:, 0].astype(float).tolist() == pytest.approx([2.75 * CF25, 0.0])


def test_claim_with_an_unreadable_line_is_held_whole():
    out = F.OON_MEDICARE_CLAIM(
        col("A", "A", "B"), col("27447", "29881", "27447"), units=col(None, "two", None)
    )
    assert out[0, 0] == (
        "OON_MEDICARE_CLAIM: claim A has a line that cannot be read (row 2 of the range); fix it to price the claim"
    )
    assert out[1, 0] == 'OON_MEDICARE_CLAIM: units must be a number, got "two"'
    assert out[2, 0] == pytest.approx(38.88 * CF25)


def test_claim_with_an_unknown_locality_is_held_whole():
    out = F.OON_MEDICARE_CLAIM(
        col("A", "A", "B"), col("27447", "29881", "27447"), locality=col("ZZ-01", "CA-18", "CA-18")
    )
    assert out[0, 0] == "OON_MEDICARE_CLAIM: locality 'ZZ-01' is not a 2025 Medicare locality"
    assert out[1, 0] == (
        "OON_MEDICARE_CLAIM: claim A has a line that cannot be priced: locality 'ZZ-01' is not a 2025 "
        "Medicare locality"
    )
    assert out[2, 0] == pytest.approx(1340.3613284)


def test_claim_bad_units_and_unpriced_lines_say_why():
    out = F.OON_MEDICARE_CLAIM(col("A", "B", "C"), col("27447", "27447", "64999"), units=col(0.0, 1.5, 1.0))
    assert out[0, 0] == "OON_MEDICARE_CLAIM: units must be at least 1, got 0"
    assert out[1, 0] == "OON_MEDICARE_CLAIM: units must be a whole number, got 1.5"
    assert out[2, 0] == "OON_MEDICARE_CLAIM: carrier-priced (status C): no national amount"


def test_claim_empty_id_is_named():
    out = F.OON_MEDICARE_CLAIM(col("A", None), col("27447", "27447"))
    assert out[0, 0] == pytest.approx(38.88 * CF25)
    assert out[1, 0] == "OON_MEDICARE_CLAIM: claim_id is empty"


def test_claim_column_matches_udfs():
    rng = np.random.default_rng(11)
    n = 600
    ids = rng.integers(0, 200, n).astype(str).astype(object)
    codes = np.array(["27447", "29881", "22633", "63030", "43239", "43235", "70553", "99285"], dtype=object)
    mods = np.array(["", "", "50", "80", "62", "LT", "RT"], dtype=object)
    h, m = codes[rng.integers(0, 8, n)], mods[rng.integers(0, 7, n)]
    out = F.OON_MEDICARE_CLAIM(col(*ids), col(*h), col(*m))[:, 0]
    expected = price_claim(ids, h, m).allowed.to_numpy()
    priced = np.isfinite(expected)
    np.testing.assert_array_equal(out[priced].astype(float), expected[priced])
    assert all(isinstance(v, str) for v in out[~priced])


def test_anesthesia_by_locality():
    out = F.OON_ANESTHESIA(cell(7.0), cell(99.0), col("", "AL-00", "ZZ-01"))
    # GPCI2025 AL-00: 20.3178 x (0.784 + 0.154 x 0.869 + 0.062 x 0.575) = 19.37 (tests/udfs/test_anesthesia.py)
    assert out[0, 0] == pytest.approx(13.6 * 20.3178)
    assert out[1, 0] == pytest.approx(13.6 * 19.37)
    assert out[2, 0] == "OON_ANESTHESIA: locality 'ZZ-01' is not a 2025 Medicare locality"


def test_anesthesia_negative_minutes_are_named():
    out = F.OON_ANESTHESIA(cell(7.0), cell(-5.0))
    assert out[0, 0] == "OON_ANESTHESIA: minutes must be at least 0, got -5"


def test_limiting_charge_of_a_column():
    out = F.OON_LIMITING_CHARGE(col(100.0, "$1,257.63", -1.0))
    assert out[0, 0] == pytest.approx(109.25)
    assert out[1, 0] == pytest.approx(1257.63 * 1.0925)
    assert out[2, 0] == "OON_LIMITING_CHARGE: amount must be at least 0, got -1"
