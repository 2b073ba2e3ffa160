"""The LinuxForHealth sample remits (tests/remits/data/README.md): the malformed originals are refused with
the segment and the problem, the corrected copies read to the totals recomputed by hand below from each
file's own segments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from remits.balance import imbalances
from remits.reader import read_remits
from remits.segments import RemitError

from .conftest import CORRECTED, DATA


@pytest.mark.parametrize(
    ("name", "segment", "message"),
    [
        (
            "cob-contractural-adjustment.835",
            4,
            "BPR16 payment date is missing (BPR has 15 elements and BPR15 '20050318'",
        ),
        ("managed-care.835", 4, "BPR16 payment date '20002316' is not a date"),
        ("secondary-payment.835", 4, "BPR16 payment date is missing"),
        ("tertiary-payment.835", 4, "BPR16 payment date is missing"),
    ],
    ids=["cob", "managed-care", "secondary", "tertiary"],
)
def test_malformed_samples_are_refused(name: str, segment: int, message: str) -> None:
    with pytest.raises(RemitError) as info:
        read_remits(DATA / name)
    (problem,) = info.value.problems
    assert problem.segment == segment
    assert message in problem.message
    assert str(problem).startswith(f"{DATA / name}: segment {segment}: ")


@pytest.mark.parametrize(
    ("name", "segment", "svc01"),
    [("cob-contractural-adjustment.835", 21, "HC>55669"), ("secondary-payment.835", 29, "HC>12345>26")],
)
def test_component_separator_other_than_isa16_is_refused(
    tmp_path, name: str, segment: int, svc01: str
) -> None:
    # with only the BPR date fixed, the SVC01 composite uses ">" although ISA16 says ":"
    text = (DATA / name).read_text()
    text = text.replace("CHK***********2005", "CHK************2005")
    (tmp_path / name).write_text(text)
    with pytest.raises(RemitError) as info:
        read_remits(tmp_path / name)
    (problem,) = info.value.problems
    assert problem.segment == segment
    assert f"SVC01 '{svc01}' has no procedure code" in problem.message
    assert "component separator ':' of ISA16" in problem.message


def test_tertiary_shifted_svc_is_refused(tmp_path) -> None:
    text = (DATA / "tertiary-payment.835").read_text().replace("CHK***********2005", "CHK************2005")
    (tmp_path / "t.835").write_text(text)
    with pytest.raises(RemitError, match=r"segment 20: SVC01 'HC' has no procedure code"):
        read_remits(tmp_path / "t.835")


def test_medicare_part_a() -> None:
    remit = read_remits(DATA / "medicare-part-a.835")
    pay = remit.payments.iloc[0]
    # BPR*C*150000.00*C*ACH*CTX*...*20020913; TRN*1*12345*1512345678; DTM*405*20020916
    assert (pay.amount, pay.credit_debit, pay.method, pay.payment_format) == (150000.00, "C", "ACH", "CTX")
    assert pay.payment_date == pd.Timestamp("2002-09-13")
    assert (pay.trace_number, pay.originator_id) == ("12345", "1512345678")
    assert pay.production_date == pd.Timestamp("2002-09-16")
    assert (pay.payer, pay.payer_reference) == ("INSURANCE COMPANY OF TIMBUCKTU", "999")
    assert (pay.payee, pay.payee_npi) == ("REGIONAL HOPE HOSPITAL", "6543210903")
    assert (pay.isa_control, pay.st_control, pay.version) == ("000000907", "1234", "005010X221A1")
    claims = remit.claims
    # CLP*666123*1*211366.97*138018.40**MA*1999999444444*11*1
    # CLP*777777*1*15000.00*11980.33**MB*1999999444445*13*1
    assert claims["patient_control_number"].tolist() == ["666123", "777777"]
    assert claims["billed"].tolist() == [211366.97, 15000.00]
    assert claims["paid"].tolist() == [138018.40, 11980.33]
    assert claims["patient_responsibility"].tolist() == [0.0, 0.0]  # CLP05 absent
    assert claims["filing_indicator"].tolist() == ["MA", "MB"]
    assert claims["facility_type"].tolist() == ["11", "13"]
    assert claims["header_number"].tolist() == ["110212", "130212"]
    assert claims["statement_from"].tolist() == [pd.Timestamp("2002-08-16"), pd.Timestamp("2002-05-12")]
    assert claims["patient_last_name"].tolist() == ["JONES", "BORDER"]
    # CAS*CO*45*73348.57 and CAS*CO*45*3019.67: billed - paid of each claim
    assert remit.adjustments["amount"].tolist() == [73348.57, 3019.67]
    assert set(remit.adjustments["level"]) == {"claim"}
    # MOA***MA02 at segment 27
    assert remit.remarks[["source", "code", "segment"]].values.tolist() == [["MOA", "MA02", 27]]
    assert claims["remark_codes"].isna().tolist() == [True, False]
    # PLB*6543210903*20021231*CV:CP*-1.27 at segment 29
    plb = remit.plb.iloc[0]
    assert (plb.provider_id, plb.reason, plb.reference, plb.amount, plb.segment) == (
        "6543210903",
        "CV",
        "CP",
        -1.27,
        29,
    )
    assert plb.fiscal_period_date == pd.Timestamp("2002-12-31")
    # QTY*CA*8.00
    assert remit.amounts[["segment_id", "qualifier", "value"]].values.tolist() == [["QTY", "CA", 8.0]]
    # BPR02 150000.00 = CLP04 138018.40 + 11980.33 (= 149998.73) - PLB -1.27
    assert np.isclose(claims["paid"].sum() - remit.plb["amount"].sum(), pay.amount)
    assert imbalances(remit).empty


def test_managed_care() -> None:
    remit = read_remits(CORRECTED / "managed-care.835")
    pay = remit.payments.iloc[0]
    assert (pay.amount, pay.method, pay.payee_npi, pay.payee_tin) == (
        945.00,
        "ACH",
        "5544667733",
        "777667755",
    )
    claims = remit.claims
    # CLP*5554555444*1*800.00*450.00*300.00*12*94060555410000
    # CLP*8765432112*1*1200.00*495.00*600.00*12*94077799230000
    assert claims["payer_claim_id"].tolist() == ["94060555410000", "94077799230000"]
    assert claims[["billed", "paid", "patient_responsibility"]].values.tolist() == [
        [800, 450, 300],
        [1200, 495, 600],
    ]
    # BPR02 945.00 = 450.00 + 495.00
    assert claims["paid"].sum() == pay.amount
    lines = remit.lines
    # SVC*HC:99211*800.00*500.00 with DTM*150*20020301, DTM*151*20020304;
    # SVC*HC:93555*1200.00*550.00 with DTM*150*20020310, DTM*151*20020312
    assert lines["procedure_code"].tolist() == ["99211", "93555"]
    assert lines["units"].tolist() == [1.0, 1.0]  # SVC05 absent: one unit
    assert lines["service_from"].tolist() == [pd.Timestamp("2002-03-01"), pd.Timestamp("2002-03-10")]
    assert lines["service_to"].tolist() == [pd.Timestamp("2002-03-04"), pd.Timestamp("2002-03-12")]
    adj = remit.adjustments
    # claim: CAS*CO*A2*50.00, CAS*CO*A2*55.00; lines: CAS*PR*1*300.00, CAS*PR*1*600.00, CAS*CO*45*50.00
    assert adj[["level", "group", "reason", "amount"]].values.tolist() == [
        ["claim", "CO", "A2", 50.0],
        ["line", "PR", "1", 300.0],
        ["claim", "CO", "A2", 55.0],
        ["line", "PR", "1", 600.0],
        ["line", "CO", "45", 50.0],
    ]
    # billed - paid: (800 - 450) + (1200 - 495) = 1055.00 = 50 + 300 + 55 + 600 + 50
    assert adj["amount"].sum() == (claims["billed"] - claims["paid"]).sum() == 1055.00
    assert imbalances(remit).empty


def test_secondary_payment() -> None:
    remit = read_remits(CORRECTED / "secondary-payment.835")
    claims, lines, adj = remit.claims, remit.lines, remit.adjustments
    # CLP*L0004828311*2*10323.64*912.00**12*05090256390*11*1
    # CLP*0001000053*2*751.50*310.00*220.00*12*05630626430
    assert claims["payer_claim_id"].tolist() == ["05090256390", "05630626430"]  # leading zero kept
    assert claims["paid"].sum() == remit.payments["amount"].iat[0] == 1222.00  # 912.00 + 310.00
    assert claims["coverage_amount"].tolist()[0] == 912.00  # AMT*AU*912.00
    assert np.isnan(claims["coverage_amount"].iat[1])
    assert claims["rendering_provider"].tolist() == ["ACME MEDICAL CENTER", "SMITH JONES PA"]
    # SVC*HC>12345>26*166.50*30.00**1.00 and SVC*HC>66543>26*585.00*280.00*220*1.00
    assert lines[["procedure_code", "modifier_1", "charge", "paid", "allowed"]].values.tolist() == [
        ["12345", "26", 166.50, 30.00, 150.00],
        ["66543", "26", 585.00, 280.00, 500.00],
    ]
    assert lines["revenue_code"].isna().tolist() == [True, False]
    # CAS*PR*1*150.00**2*70.00 is two rows from one segment (36)
    two = adj[adj["segment"] == 36]
    assert two[["group", "reason", "amount"]].values.tolist() == [["PR", "1", 150.0], ["PR", "2", 70.0]]
    # claim 2: 751.50 - 310.00 = 441.50 = 136.50 + 150.00 + 70.00 + 85.00; PR 150.00 + 70.00 = CLP05 220.00
    second = adj[adj["claim_id"] == 1]
    assert second["amount"].sum() == pytest.approx(441.50, abs=1e-9)
    assert (
        second.loc[second["group"] == "PR", "amount"].sum()
        == claims["patient_responsibility"].iat[1]
        == 220.00
    )
    assert imbalances(remit).empty


def test_cob_and_tertiary() -> None:
    remit = read_remits([CORRECTED / "cob-contractural-adjustment.835", CORRECTED / "tertiary-payment.835"])
    # cob: CLP 541.00 billed, 34.00 paid; line CAS*OA*23*516.00 and CAS*OA*94*-9.00: 516.00 - 9.00 = 507.00
    # tertiary: CLP 1766.50 billed, 187.50 paid; CAS*OA*23*1579.00 = 1766.50 - 187.50
    assert remit.claims["paid"].tolist() == remit.payments["amount"].tolist() == [34.00, 187.50]
    assert remit.adjustments.groupby("claim_id")["amount"].sum().tolist() == [507.00, 1579.00]
    assert remit.lines["allowed"].tolist() == [550.00, 1700.00]  # AMT*B6
    # ids run on across the files: payment 1 and claim 1 come from the second file
    assert remit.claims["payment_id"].tolist() == [0, 1]
    assert remit.lines["claim_id"].tolist() == [0, 1]
    assert remit.claims["file"].tolist() == [
        str(CORRECTED / n) for n in ("cob-contractural-adjustment.835", "tertiary-payment.835")
    ]
    assert imbalances(remit).empty


def test_all_files_read_together_keep_unique_keys() -> None:
    files = [*sorted(CORRECTED.glob("*.835")), DATA / "medicare-part-a.835"]
    remit = read_remits(files)
    assert remit.payments["payment_id"].is_unique and len(remit.payments) == 5
    assert remit.claims["claim_id"].is_unique and len(remit.claims) == 8
    assert remit.lines["line_id"].is_unique
    # every key points at an existing row
    assert remit.claims["payment_id"].isin(remit.payments["payment_id"]).all()
    assert remit.lines["claim_id"].isin(remit.claims["claim_id"]).all()
    assert remit.adjustments["claim_id"].isin(remit.claims["claim_id"]).all()
    assert remit.adjustments["line_id"].dropna().isin(remit.lines["line_id"]).all()
    # a line's payment is its claim's payment
    merged = remit.lines.merge(
        remit.claims[["claim_id", "payment_id"]], on="claim_id", suffixes=("", "_claim")
    )
    assert (merged["payment_id"] == merged["payment_id_claim"]).all()
