"""Balancing checks report every imbalance with the file, segment and amounts, and find none in a
balanced remit."""

from __future__ import annotations

import pytest

from remits.balance import COLUMNS, imbalances
from remits.reader import read_835
from remits.synthetic import synthetic_835

from .conftest import sample

BASE = sample("managed-care.835", corrected=True)


def test_balanced_sample_and_generated_files_have_no_imbalance() -> None:
    assert imbalances(read_835(BASE)).empty
    assert imbalances(read_835(synthetic_835(claims=500, seed=1))).empty


def test_unbalanced_file_reports_each_level() -> None:
    # BPR02 945.00 -> 946.00; line CAS*CO*45*50.00 -> 49.00 (claim 2 and its line then miss 1.00);
    # CLP05 of claim 1: 300.00 -> 310.00 while its PR adjustments still total 300.00
    text = (
        BASE.replace("BPR*I*945.00", "BPR*I*946.00")
        .replace("CAS*CO*45*50.00", "CAS*CO*45*49.00")
        .replace("*800.00*450.00*300.00*", "*800.00*450.00*310.00*")
    )
    found = imbalances(read_835(text, "unbalanced.835"))
    assert list(found.columns) == COLUMNS
    rows = found[["check", "segment", "stated", "computed", "difference"]].values.tolist()
    assert rows == [
        # BPR02 946.00 stated; CLP04 450.00 + 495.00 = 945.00 computed (ST is segment 3)
        ["payment", 3, 946.0, 945.0, 1.0],
        # claim 1 (CLP segment 13): CLP05 310.00 stated, PR 300.00 computed
        ["patient_responsibility", 13, 310.0, 300.0, 10.0],
        # claim 2 (CLP segment 20): 1200.00 - 495.00 = 705.00; CAS 55.00 + 600.00 + 49.00 = 704.00
        ["claim", 20, 705.0, 704.0, 1.0],
        # its line (SVC segment 23): 1200.00 - 550.00 = 650.00; CAS 600.00 + 49.00 = 649.00
        ["line", 23, 650.0, 649.0, 1.0],
    ]
    assert (found["file"] == "unbalanced.835").all()
    assert found["claim_id"].tolist()[1:] == [0, 1, 1]
    assert found["line_id"].isna().tolist() == [True, True, True, False]
    assert (
        "BPR02 says 946.00 but claims paid 945.00 minus provider adjustments 0.00 make 945.00"
        in found["message"][0]
    )
    assert "claim 8765432112 (94077799230000) line 1 (93555)" in found["message"][3]


@pytest.mark.parametrize(
    ("cents", "found"), [("945.004", 0), ("945.006", 1)], ids=["under-half-cent", "over"]
)
def test_tolerance_half_a_cent(cents: str, found: int) -> None:
    assert len(imbalances(read_835(BASE.replace("BPR*I*945.00", f"BPR*I*{cents}")))) == found


def test_debit_payment_and_plb() -> None:
    # a debit: the provider owes 20.00 (claims paid 945.00, PLB WO recovery 965.00): BPR02 20.00 with D
    text = (
        BASE.replace("BPR*I*945.00*C*", "BPR*I*20.00*D*")
        .replace(
            "CAS*CO*45*50.00~\n", "CAS*CO*45*50.00~\nPLB*5544667733*20021231*WO:OVP123*565.00*FB:X*400.00~\n"
        )
        .replace("SE*26", "SE*27")
    )
    remit = read_835(text)
    assert remit.plb[["reason", "reference", "amount"]].values.tolist() == [
        ["WO", "OVP123", 565.0],
        ["FB", "X", 400.0],
    ]
    assert imbalances(remit).empty  # -20.00 = 945.00 - (565.00 + 400.00)
