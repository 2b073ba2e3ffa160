"""Invariants of the underpayment detection, with hypothesis: the gap is never negative and is zero after
full payment, the totals by payer are the sums of their lines, a reversal and its original net to zero and
leave the totals as they were, and every line gets exactly one class and a reason."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remits.reader import read_835
from remits.synthetic import RemitClaim, RemitLine, RemitPayment, build_835, synthetic_835
from remits.underpayment import EXCLUDED, LineClass, find_underpayments
from udfs.payers import load_profiles

AS_OF = dt.date(2026, 3, 2)
# Northwind Employee Benefit Trust pays 30% of billed (templates/payers/northwind-trust.yaml): the expected
# amount is exact, whatever the code
PAYER = "NORTHWIND BENEFIT TRUST"
PROFILES = load_profiles()

cents = st.integers(min_value=0, max_value=2_000_000)


@st.composite
def remit_lines(draw) -> RemitLine:
    charge = draw(st.integers(min_value=1, max_value=5_000_000))
    paid = draw(st.integers(min_value=0, max_value=charge))
    patient = draw(st.integers(min_value=0, max_value=charge - paid))
    cut = charge - paid - patient
    reason = draw(st.sampled_from(["45", "45", "97", "50", "23", "131"]))
    adjustments = [(draw(st.sampled_from(["CO", "OA"])), reason, cut / 100)] if cut else []
    if patient:
        adjustments.append(("PR", draw(st.sampled_from(["1", "2", "3"])), patient / 100))
    code = draw(st.sampled_from(["99285", "29881", "27447", "43239"]))
    remarks = tuple(draw(st.lists(st.sampled_from(["N830", "M15", "N381"]), max_size=1)))
    return RemitLine(
        code, charge / 100, paid / 100, tuple(adjustments), service_date="20250610", remarks=remarks
    )


@st.composite
def remit_claims(draw, pcn: str) -> RemitClaim:
    lines = tuple(draw(st.lists(remit_lines(), min_size=1, max_size=4)))
    status = draw(st.sampled_from(["1", "1", "1", "2", "4"]))
    remarks = tuple(draw(st.lists(st.sampled_from(["N859", "N877", "MA01"]), max_size=2, unique=True)))
    return RemitClaim(pcn, f"ICN{pcn}", lines, status=status, remarks=remarks)


@st.composite
def payments(draw) -> list[RemitPayment]:
    n = draw(st.integers(min_value=1, max_value=6))
    claims = [draw(remit_claims(f"P{i}")) for i in range(n)]
    payer = draw(st.sampled_from([PAYER, "SUMMIT HEALTH PLAN", "ACME HEALTH"]))
    return [RemitPayment(payer, "20260115", "EFT1", tuple(claims))]


def classified(built: list[RemitPayment]):
    return find_underpayments(read_835(build_835(built)), PROFILES, as_of=AS_OF)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payments())
def test_gap_is_never_negative_and_zero_after_full_payment(built):
    lines = classified(built).lines
    counted = ~lines["classification"].isin([str(c) for c in EXCLUDED])
    gap, expected, received = (lines[c].to_numpy(dtype=float) for c in ("gap", "expected", "received"))
    priced = counted.to_numpy() & ~np.isnan(expected)
    assert (gap[priced] >= 0).all()
    full = priced & (received >= expected)
    assert (gap[full] == 0).all()
    # below the tolerance (5 dollars or 2% of expected) a line is never underpaid
    small = priced & (gap <= np.maximum(5.0, 0.02 * expected))
    assert not lines["underpaid"].to_numpy()[small].any()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payments())
def test_every_line_has_one_class_and_a_reason(built):
    lines = classified(built).lines
    assert set(lines["classification"]) <= {str(c) for c in LineClass}
    assert (lines["reason"].str.len() > 10).all()
    # an underpaid class is always an underpaid flag (the flag can also be set on denied lines)
    under = lines["classification"] == str(LineClass.UNDERPAID)
    assert lines.loc[under, "underpaid"].all()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=40, max_value=160), st.integers(min_value=0, max_value=10_000))
def test_totals_by_payer_are_the_sums_of_their_lines(claims, seed):
    result = find_underpayments(read_835(synthetic_835(claims=claims, seed=seed)), PROFILES, as_of=AS_OF)
    counted = result.counted()
    by_payer = result.by_payer().set_index("payer")
    by_reason = result.summary()
    for payer, rows in counted.groupby("payer"):
        mine = by_payer.loc[payer]
        assert mine["lines"] == len(rows)
        for column in ("received", "patient_responsibility", "gap"):
            # cents: sum the lines' cents in integers and compare exactly
            want = int(np.round(rows[column].fillna(0).to_numpy() * 100).sum())
            assert round(mine[column] * 100) == want, (payer, column)
        reasons = by_reason[by_reason["payer"] == payer]
        assert reasons["lines"].sum() == len(rows)
        assert round(reasons["gap"].sum(), 2) == round(mine["gap"], 2)
    # and the claims' plan payments add up to CLP04 of the counted claims
    plan = (counted["received"] - counted["patient_responsibility"]).sum()
    claims = result.claims[result.claims["counted"]]
    assert round(plan, 2) == round(claims["paid"].sum(), 2)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payments(), st.data())
def test_a_reversal_and_its_original_net_to_zero(built, data):
    claims = list(built[0].claims)
    pick = data.draw(st.integers(min_value=0, max_value=len(claims) - 1))
    original = claims[pick]
    reversed_pair = [*claims, RemitClaim(**{**original.__dict__, "reversal": True})]
    before = classified(built)
    after = classified([RemitPayment(built[0].payer, "20260115", "EFT1", tuple(reversed_pair))])
    rev = after.reversals
    assert len(rev) == 1 and rev["net_paid"].iloc[0] == 0.0
    assert round(rev["paid"].iloc[0] + rev["original_paid"].iloc[0], 2) == 0.0
    # the pair is left out; every other claim counts as before
    kept = before.counted()
    kept = kept[kept["patient_control_number"] != original.pcn]
    pd.testing.assert_series_equal(
        after.counted()["gap"].reset_index(drop=True), kept["gap"].reset_index(drop=True), check_names=False
    )
    pair = after.lines[after.lines["patient_control_number"] == original.pcn]
    assert set(pair["classification"]) == {str(LineClass.REVERSED), str(LineClass.REVERSAL)}
    assert round(pair["received"].sum(), 2) == 0.0
