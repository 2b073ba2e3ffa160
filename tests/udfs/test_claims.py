"""Pricing of claim lines (udfs.claims): the Medicare year of a payer profile, and claims whose data the
pricing refuses. Amounts computed by hand from PPRRVU25_JAN1 rows, national (GPCIs 1):

  27447 facility 19.60 + 15.30 + 3.98 = 38.88 RVU (CY2025 CF 32.3465: 1,257.63)
  99213 non-facility 1.30 + 1.35 + 0.10 = 2.75 RVU (88.95)
  43239 facility 2.39 + 1.42 + 0.29 = 4.10 RVU; 43251 3.47 + 1.90 + 0.43 = 5.80 RVU (ENDO BASE 43235, 3.65)
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import udfs.claims
from udfs.claims import price_claims, price_lines
from udfs.payers import load_profiles

CF_2025 = 32.3465


def claims_frame(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Claim lines (claim_id, payer, date_of_service, hcpcs), national, facility, one unit."""
    frame = pd.DataFrame(rows, columns=["claim_id", "payer", "date_of_service", "hcpcs"])
    return frame.assign(modifier="", units=1, locality="", setting="facility")


def test_a_fixed_medicare_year_prices_services_of_another_year():
    # a payer that benchmarks the CY2025 schedule: a 2026 service is priced with 2025's RVUs and CF
    # (38.88 x 32.3465 = 1,257.63), not refused because 2026-02-03 is not in 2025
    profiles = load_profiles()
    profiles["fixed"] = dataclasses.replace(
        profiles["_default"], id="fixed", name="Fixed", medicare_year=2025
    )
    out = price_claims(claims_frame([("C1", "fixed", "2026-02-03", "27447")]), profiles)
    assert out.medicare[0] == pytest.approx(38.88 * CF_2025)
    assert round(out.medicare[0], 2) == 1257.63
    assert out.medicare_note[0] == ""


def test_a_claim_with_a_date_outside_a_two_cf_year_gets_a_note(pfs_2024):
    # 2024 has two CFs (32.7442 to 2024-03-08, 33.2875 after: conversion_factors.yaml); a payer fixed on 2024
    # and a service of 2025 cannot pick one: that claim has a note, the 2024 claim is priced (5.80 x 33.2875)
    medicare, note, priced = price_lines(
        ["a", "a", "b"],
        ["43239", "43251", "43251"],
        "",
        np.ones(3),
        ["", "", ""],
        ["facility"] * 3,
        [2024, 2024, 2024],
        np.array(["2025-01-15", "2025-01-15", "2024-06-01"], dtype="datetime64[D]"),
    )
    assert priced.tolist() == [False, False, True]
    assert np.isnan(medicare[:2]).all() and medicare[2] == pytest.approx(5.80 * 33.2875)
    assert note[0].startswith("date of service 2025-01-15 is outside 2024")


def test_a_claim_the_pricing_refuses_leaves_the_others_priced():
    # claim "bad" has a setting price_claim refuses (InputError); the message becomes the note of each of its
    # lines (its ranking depends on every line), and the claims before and after it are priced
    keys = ["a", "bad", "bad", "c", "d"]
    medicare, note, priced = price_lines(
        keys,
        ["27447", "43239", "43251", "99213", "27447"],
        "",
        np.ones(5),
        [""] * 5,
        ["facility", "facility", "hallway", "nonfacility", "facility"],
        [2025] * 5,
        np.array(["2025-05-01"] * 5, dtype="datetime64[D]"),
        chunk=2,
    )
    assert priced.tolist() == [True, False, False, True, True]
    assert medicare[[0, 3, 4]] == pytest.approx([38.88 * CF_2025, 2.75 * CF_2025, 38.88 * CF_2025])
    refused = "setting must be 'facility' or 'nonfacility' (or F, NF, office...), got 'HALLWAY'"
    assert note[1] == note[2] == refused


def test_a_programming_error_is_not_turned_into_notes(monkeypatch):
    def broken(*args, **kwargs):
        raise TypeError("a bug, not a data problem")

    monkeypatch.setattr(udfs.claims, "price_claim", broken)
    with pytest.raises(TypeError, match="a bug"):
        price_lines(["a"], "27447", "", 1, "", "facility", 2025, np.datetime64("2025-05-01"))


def test_a_modifier_the_code_has_no_row_for_is_noted_on_the_priced_line():
    """99213-26: the office visit has no professional-component row (the RVU file has none), so the line is
    priced as 99213 and its Medicare note says so (workbooks and the remit report show the note)."""
    amount, note, priced = price_lines(
        np.array(["c1", "c1"]), np.array(["99213", "27447"]), np.array(["26", ""]), 1, "", "facility", 2025,
        np.datetime64("2025-03-01"),
    )  # fmt: skip
    assert priced.tolist() == [True, True]
    assert amount[0] == pytest.approx(
        (1.30 + 0.57 + 0.10) * 32.3465
    )  # 99213 facility RVUs x CY2025 CF, national
    assert note[0].startswith("modifier 26 does not apply to 99213 (the fee schedule has no 26 row)")
    assert note[1] == ""
