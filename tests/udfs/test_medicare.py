"""Medicare PFS amounts recomputed by hand from the CMS file rows quoted in each case.

Sources quoted below:
  PPRRVU25_JAN1 = CMS CY2025 RVU file, January release (RVU25A), columns WORK RVU, NON-FAC PE RVU,
                  FACILITY PE RVU, MP RVU, NA indicators, STATUS CODE; CONV FACTOR 32.3465.
  PPRRVU2026_Jul_nonQPP = CMS CY2026 RVU file, July release (RVU26C); CF 33.4009 (non-QP), 33.5675 (QP,
                  CY2026 PFS final rule).
  GPCI2025 = CY2025 Addendum E (work GPCI with 1.0 floor, PE GPCI, MP GPCI).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from udfs.errors import InputError
from udfs.medicare import limiting_charge, medicare_amount, price_pfs, split_modifiers
from udfs.money import round_cents

CF25 = 32.3465
NATIONAL = (1.0, 1.0, 1.0)
CA_18 = (1.042, 1.194, 0.69)  # GPCI2025: 01182, CA, 18, LOS ANGELES-LONG BEACH-ANAHEIM
AL_00 = (1.0, 0.869, 0.575)  # GPCI2025: 10112, AL, 00, ALABAMA
NY_01 = (1.065, 1.166, 1.656)  # GPCI2025: 13202, NY, 01, MANHATTAN


def fee(work: float, pe: float, mp: float, gpci: tuple[float, float, float], cf: float) -> float:
    """(work x GPCI_w + PE x GPCI_pe + MP x GPCI_mp) x CF, as DOMAIN.md and 42 CFR 414 state it."""
    return (work * gpci[0] + pe * gpci[1] + mp * gpci[2]) * cf


# (id, hcpcs, modifier, locality, setting, RVUs quoted from PPRRVU25_JAN1 as (work, PE of the setting,
# MP), GPCIs)
PRICED = [
    ("99285 national facility", "99285", "", "", "facility", (4.00, 0.79, 0.43), NATIONAL),
    ("99285 CA-18", "99285", "", "CA-18", "facility", (4.00, 0.79, 0.43), CA_18),
    ("29881 national facility", "29881", "", "", "facility", (7.03, 8.22, 1.39), NATIONAL),
    ("27447 national facility", "27447", "", "", "facility", (19.60, 15.30, 3.98), NATIONAL),
    ("27447 CA-18 facility", "27447", "", "CA-18", "facility", (19.60, 15.30, 3.98), CA_18),
    ("27447 Manhattan", "27447", "", "NY-01", "facility", (19.60, 15.30, 3.98), NY_01),
    ("63650 office (non-fac PE 57.79)", "63650", "", "", "nonfacility", (7.15, 57.79, 0.82), NATIONAL),
    ("63650 facility (fac PE 4.51)", "63650", "", "", "facility", (7.15, 4.51, 0.82), NATIONAL),
    ("43239 facility Alabama", "43239", "", "AL-00", "facility", (2.39, 1.42, 0.29), AL_00),
    ("43239 office", "43239", "", "", "nonfacility", (2.39, 8.36, 0.29), NATIONAL),
    ("64483 office CA-18", "64483", "", "CA-18", "nonfacility", (1.90, 5.24, 0.16), CA_18),
    ("70553 global office", "70553", "", "", "nonfacility", (2.29, 7.26, 0.16), NATIONAL),
    ("70553-26 facility", "70553", "26", "", "facility", (2.29, 0.82, 0.13), NATIONAL),
    ("70553-TC office", "70553", "TC", "", "nonfacility", (0.00, 6.44, 0.03), NATIONAL),
    ("70553-26 CA-18", "70553", "26", "CA-18", "facility", (2.29, 0.82, 0.13), CA_18),
]


@pytest.mark.parametrize(
    ("hcpcs", "mod", "loc", "setting", "rvu", "gpci"), [c[1:] for c in PRICED], ids=[c[0] for c in PRICED]
)
def test_priced_amounts_match_the_cms_rows(hcpcs, mod, loc, setting, rvu, gpci):
    row = price_pfs(hcpcs, mod, loc, setting).iloc[0]
    assert row.priced and row.note == "" and row.status == "A"
    assert (row.work_rvu, row.pe_rvu, row.mp_rvu) == rvu
    assert (row.gpci_work, row.gpci_pe, row.gpci_mp) == gpci
    assert row.cf == CF25
    assert row.amount == pytest.approx(fee(*rvu, gpci, CF25), rel=1e-12)
    assert medicare_amount(hcpcs, mod, loc, setting) == pytest.approx(row.amount, rel=1e-15)


def test_rounded_national_amounts():
    # hand computation: 27447 38.88 RVUs x 32.3465 = 1,257.63; 99285 5.22 x 32.3465 = 168.85 (the same
    # 168.85 a public PFS calculator shows for 99285 with CF 32.3465, RVU25A)
    assert round_cents(medicare_amount("27447")) == 1257.63
    assert round_cents(medicare_amount("99285")) == 168.85
    assert round_cents(medicare_amount("27447", locality="CA-18")) == 1340.36


NOT_PRICED = [
    # (id, hcpcs, modifier, setting, note) — status letters quoted from PPRRVU25_JAN1
    (
        "carrier-priced 64999 (status C)",
        "64999",
        "",
        "facility",
        "carrier-priced (status C): no national amount",
    ),
    ("non-covered A0888 (status N)", "A0888", "", "facility", "status N: non-covered"),
    (
        "bundled 99024 (status B)",
        "99024",
        "",
        "facility",
        "bundled (status B): payment is included in another service",
    ),
    ("invalid 99358 (status I, has RVUs)", "99358", "", "facility", "not valid for Medicare (status I)"),
    (
        "excluded G0008 (status X)",
        "G0008",
        "",
        "facility",
        "statutory exclusion (status X): not a fee schedule service",
    ),
    (
        "27447 office: NON-FAC NA",
        "27447",
        "",
        "nonfacility",
        "PE not payable in the non-facility setting (NA)",
    ),
    (
        "70553 global facility: FACILITY NA",
        "70553",
        "",
        "facility",
        "PE not payable in the facility setting (NA)",
    ),
    (
        "70553-TC facility: FACILITY NA",
        "70553",
        "TC",
        "facility",
        "PE not payable in the facility setting (NA)",
    ),
    ("unknown code", "ZZ999", "", "facility", "code not in the 2025 fee schedule"),
    (
        "26 with TC",
        "70553",
        "26,TC",
        "facility",
        "modifiers 26 and TC (or 53) cannot be combined on one line",
    ),
]


@pytest.mark.parametrize(
    ("hcpcs", "mod", "setting", "note"), [c[1:] for c in NOT_PRICED], ids=[c[0] for c in NOT_PRICED]
)
def test_not_priced_says_why_and_gives_no_number(hcpcs, mod, setting, note):
    row = price_pfs(hcpcs, mod, "", setting).iloc[0]
    assert not row.priced
    assert math.isnan(row.amount)
    assert row.note == note


def test_2026_national_with_both_conversion_factors():
    # PPRRVU2026_Jul_nonQPP row 27447: work 19.11, facility PE 11.58, MP 4.02 (34.71 RVUs)
    p = price_pfs("27447", year=2026, qp=[False, True])
    assert p.cf.tolist() == [33.4009, 33.5675]
    assert p.amount[0] == pytest.approx(34.71 * 33.4009, rel=1e-12)
    assert p.amount[1] == pytest.approx(34.71 * 33.5675, rel=1e-12)


def test_2026_locality_says_no_gpcis_and_how_to_import():
    with pytest.raises(InputError, match=r"no CY2026 GPCIs .*oonkit data import-pfs --year 2026"):
        price_pfs("27447", locality="CA-18", year=2026)


def test_year_without_rvus_says_so():
    with pytest.raises(InputError, match="no CY2019 fee schedule"):
        medicare_amount("27447", year=2019)


def test_2024_needs_a_date_of_service_to_pick_the_cf():
    # conversion_factors.yaml: 2024 $32.7442 to 2024-03-08, $33.2875 from 2024-03-09; no 2024 RVUs embedded,
    # so the CF look-up itself is checked
    from udfs.pfs_data import conversion_factor

    assert conversion_factor(2024, date_of_service="2024-03-08") == 32.7442
    assert conversion_factor(2024, date_of_service="2024-03-09") == 33.2875
    with pytest.raises(InputError, match="more than one conversion factor"):
        conversion_factor(2024)
    # a date outside 2024 cannot pick either CF
    with pytest.raises(InputError, match="date of service 2025-01-02 is outside 2024"):
        conversion_factor(2024, date_of_service="2025-01-02")


def test_a_single_cf_year_takes_a_date_of_service_of_another_year():
    # a payer profile's medicare_year (the schedule it benchmarks) may differ from the service's year: 2025
    # has one CF, 32.3465 (conversion_factors.yaml), whatever the date; 27447 facility 38.88 RVU = 1,257.63
    from udfs.pfs_data import conversion_factor

    assert conversion_factor(2025, date_of_service="2026-02-03") == 32.3465
    p = price_pfs("27447", year=2025, date_of_service=np.datetime64("2026-02-03"))
    assert bool(p.priced[0]) and p.amount[0] == pytest.approx(38.88 * 32.3465)


def test_a_two_cf_year_with_a_date_outside_it_is_a_note_not_an_error(pfs_2024):
    # simulated 2024 import (tests/udfs/conftest.py): 2024-06-01 takes 33.2875; 2025-01-02 cannot choose
    p = price_pfs("99213", setting="nonfacility", year=2024, date_of_service=["2024-06-01", "2025-01-02"])
    assert p.amount[0] == pytest.approx(2.75 * 33.2875)  # 1.30 + 1.35 + 0.10 RVU
    assert not p.priced[1] and math.isnan(p.amount[1])
    assert p.note[1].startswith("date of service 2025-01-02 is outside 2024, whose conversion factor changed")


@pytest.mark.parametrize(
    ("setting", "pe"),
    [("non-facility", 8.36), ("office", 8.36), ("NF", 8.36), ("F", 1.42), ("Facility", 1.42)],
)
def test_readable_setting_spellings(setting, pe):
    assert price_pfs("43239", setting=setting).pe_rvu[0] == pe  # PPRRVU25_JAN1 43239 PE 8.36 / 1.42


def test_unknown_setting_is_named():
    with pytest.raises(InputError, match=r"setting .* got 'HOME'"):
        price_pfs("27447", setting="home")


def test_unknown_locality_is_named():
    with pytest.raises(InputError, match="'ZZ-01' is not a 2025 Medicare locality"):
        price_pfs("27447", locality="ZZ-01")


def test_non_selector_modifiers_do_not_change_the_amount():
    a = price_pfs("27447", ["", "50", "80", "LT,50", "62 LT"]).amount
    assert np.all(a == a[0])


def test_modifier_strings_are_split():
    assert split_modifiers("LT,50") == ["LT", "50"]
    assert split_modifiers("62 LT") == ["62", "LT"]
    assert split_modifiers("26TC") == ["26", "TC"]


def test_26_on_a_code_without_a_26_row_uses_the_code_row():
    # 99285 has PCTC IND 0 and no 26 row in PPRRVU25_JAN1
    p = price_pfs("99285", "26").iloc[0]
    assert p.row_modifier == "" and p.amount == pytest.approx(5.22 * CF25)


def test_hcpcs_that_lost_leading_zeros_is_padded():
    assert price_pfs(1, "").hcpcs[0] == "00001"
    assert price_pfs(" 27447 ").hcpcs[0] == "27447"


def test_limiting_charge_is_109_25_percent():
    # Social Security Act 1848(g)(2)(C): 115% x 95% = 109.25%; 1,257.63192 x 1.0925 = 1,373.96
    assert limiting_charge(1000.0) == pytest.approx(1092.5)
    assert round_cents(limiting_charge(medicare_amount("27447"))) == 1373.96


CODES = ["99285", "29881", "27447", "63650", "43239", "64483", "70553", "64999", "A0888", "ZZ999"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(CODES), min_size=1, max_size=6),
    st.sampled_from(["", "CA-18", "AL-00", "NY-01"]),
    st.sampled_from(["facility", "nonfacility"]),
)
def test_broadcasting_shapes_and_non_negative(codes, loc, setting):
    col = np.array(codes, dtype=object).reshape(-1, 1)
    out = medicare_amount(col, ["", "26"], loc, setting)
    assert out.shape == (len(codes), 2)
    assert np.all(np.isnan(out) | (out >= 0))
    frame = price_pfs(col, ["", "26"], loc, setting)
    assert len(frame) == 2 * len(codes)
    assert np.array_equal(np.isnan(frame.amount.to_numpy()), ~frame.priced.to_numpy())


def test_scalar_in_scalar_out():
    assert isinstance(medicare_amount("99285"), float)
    assert isinstance(price_pfs("99285"), pd.DataFrame)


def test_modifiers_that_are_not_modifiers_and_rows_the_code_lacks_are_said():
    """A modifier is two letters or digits (HCPCS Level I/II modifiers); "@cmd" is stray text and leaves the
    line unpriced. 27447 has no 26 row in the RVU file (PC/TC indicator 0: no professional/technical split),
    so 27447-26 is priced as 27447 with a note saying so; 70553 has one."""
    out = price_pfs(["27447", "27447", "70553", "27447"], ["26", "@cmd", "26", "XX"])
    assert out["priced"].tolist() == [True, False, True, True]
    assert out["amount"][0] == out["amount"][3]  # 27447 global, 38.88 RVU x CF
    assert out["note"][0] == (
        "modifier 26 does not apply to 27447 (the fee schedule has no 26 row): priced as the code"
    )
    assert out["note"][1] == "modifier '@CMD': '@C' is not a modifier (two letters or digits)"
    assert out["row_modifier"][2] == "26" and out["note"][2] == ""
