"""Reversals (CLP02 = 22) are paired with the claim they reverse and with the claim that corrects them
(TR3 005010X221A1 section 1.10.2.8)."""

from __future__ import annotations

import pandas as pd

from remits.balance import imbalances
from remits.reader import pair_reversals, read_835, read_remits
from remits.synthetic import synthetic_835

from .conftest import sample

# A second remit from the same payer: the claim 8765432112 of managed-care.835 (CLP07 94077799230000,
# billed 1200.00, paid 495.00, patient 600.00) is reversed with every amount negated, then paid again
# under a new CLP07 with 545.00 paid (the CO-A2 cut lowered from 55.00 to 5.00).
# BPR02 = -495.00 + 545.00 = 50.00.
CORRECTION = (
    "ISA*00*          *00*          *30*000000005      *30*12345          "
    "*020320*1147*^*00501*000000908*1*T*:~\n"
    """GS*HP*000000005*54321*20020320*1147*2*X*005010X221A1~
ST*835*0002~
BPR*I*50.00*C*ACH*CCP*01*888999777*DA*24681012*1935665544**01*111333555*DA*144444*20020320~
TRN*1*7170066656*1935665544~
N1*PR*RUSHMORE LIFE~
N1*PE*ACME MEDICAL CENTER*XX*5544667733~
LX*1~
CLP*8765432112*22*-1200.00*-495.00*-600.00*12*94077799230000~
CAS*CO*A2*-55.00~
NM1*QC*1*SETTLE*SUSAN****MI*44455666610~
SVC*HC:93555*-1200.00*-550.00~
CAS*PR*1*-600.00~
CAS*CO*45*-50.00~
CLP*8765432112*1*1200.00*545.00*600.00*12*94077799230001*11*7~
CAS*CO*A2*5.00~
NM1*QC*1*SETTLE*SUSAN****MI*44455666610~
SVC*HC:93555*1200.00*550.00~
CAS*PR*1*600.00~
CAS*CO*45*50.00~
SE*19*0002~
GE*1*2~
IEA*1*000000908~
"""
)


def test_reversal_paired_across_files(tmp_path) -> None:
    (tmp_path / "a.835").write_text(sample("managed-care.835", corrected=True))
    (tmp_path / "b.835").write_text(CORRECTION)
    remit = read_remits([tmp_path / "a.835", tmp_path / "b.835"])
    claims = remit.claims.set_index("claim_id")
    # claims 0, 1 from a.835; 2 the reversal, 3 the corrected claim
    assert claims["status"].tolist() == ["1", "1", "22", "1"]
    assert claims.at[2, "reversal_of"] == 1 and claims.at[1, "reversed_by"] == 2
    assert claims.at[2, "corrected_by"] == 3 and claims.at[1, "corrected_by"] == 3
    assert claims.at[3, "correction_of"] == 2
    assert (
        claims.loc[[0], ["reversal_of", "reversed_by", "corrected_by", "correction_of"]].isna().all(axis=None)
    )
    # net effect of the correction on the claim: -495.00 + 545.00 = 50.00 = BPR02 of b.835
    assert claims.loc[[2, 3], "paid"].sum() == remit.payments["amount"].iat[1] == 50.00
    assert imbalances(remit).empty


def test_reversal_alone_keeps_its_original_unknown() -> None:
    remit = read_835(CORRECTION, "b.835")
    claims = remit.claims
    assert pd.isna(claims["reversal_of"].iat[0])  # the original is in an earlier remit not read here
    assert claims["corrected_by"].iat[0] == 1 and claims["correction_of"].iat[1] == 0


def test_reversal_needs_negated_amounts() -> None:
    claims = pd.DataFrame(
        {
            "claim_id": [10, 11],
            "status": ["1", "22"],
            "payer_claim_id": ["A1", "A1"],
            "patient_control_number": ["P", "P"],
            "billed": [100.0, -100.0],
            "paid": [80.0, -70.0],  # not the original's paid amount negated
            "payer": ["X", "X"],
            "payer_id": [None, None],
        }
    ).astype(
        {
            "status": "str",
            "payer_claim_id": "str",
            "patient_control_number": "str",
            "payer": "str",
            "payer_id": "str",
        }
    )
    paired = pair_reversals(claims)
    assert paired["reversal_of"].isna().all()


def test_reversal_without_clp07_pairs_on_clp01() -> None:
    claims = pd.DataFrame(
        {
            "claim_id": [0, 1, 2],
            "status": ["1", "22", "2"],
            "payer_claim_id": [None, None, None],
            "patient_control_number": ["P9", "P9", "P9"],
            "billed": [100.0, -100.0, 100.0],
            "paid": [80.0, -80.0, 90.0],
            "payer": ["X", "X", "X"],
            "payer_id": [None, None, None],
        }
    ).astype(
        {
            "status": "str",
            "payer_claim_id": "str",
            "patient_control_number": "str",
            "payer": "str",
            "payer_id": "str",
        }
    )
    paired = pair_reversals(claims)
    assert paired["reversal_of"].tolist()[1] == 0
    assert paired["corrected_by"].tolist()[1] == 2 and paired["correction_of"].tolist()[2] == 1


def test_generated_reversals_all_paired() -> None:
    remit = read_835(synthetic_835(claims=400, seed=4, reversal_rate=0.1))
    claims = remit.claims
    reversals = claims[claims["status"] == "22"]
    assert len(reversals) > 5
    assert reversals["reversal_of"].notna().all() and reversals["corrected_by"].notna().all()
    originals = claims.set_index("claim_id").loc[reversals["reversal_of"].astype(int)]
    # negated amounts, same payer claim control number
    assert (originals["billed"].to_numpy() == -reversals["billed"].to_numpy()).all()
    assert (originals["payer_claim_id"].to_numpy() == reversals["payer_claim_id"].to_numpy()).all()
