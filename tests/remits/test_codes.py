"""The shipped code lists: every code is a real X12 code with the recorded status, and every label is
oonkit's own wording, not X12's description text."""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd
import pytest

from remits.codes import carc_codes, group_codes, rarc_codes
from remits.parser import GROUP_CODES

X12 = Path(__file__).resolve().parents[3] / "shared" / "data" / "x12_codes" / "carc_rarc.csv"
needs_x12 = pytest.mark.skipif(
    not X12.exists(), reason="the shared X12 code list copy is not beside the checkout"
)


@pytest.fixture(scope="module")
def x12() -> pd.DataFrame:
    return pd.read_csv(X12, dtype="str", keep_default_na=False).set_index(["list", "code"])


@needs_x12
@pytest.mark.parametrize(("name", "table"), [("CARC", carc_codes), ("RARC", rarc_codes)])
def test_codes_exist_with_recorded_status(x12: pd.DataFrame, name: str, table) -> None:
    ours = table()
    for code, row in ours.iterrows():
        assert (name, code) in x12.index, f"{name} {code} is not in X12's list"
        assert row["x12_status"] == x12.loc[(name, code), "status"], f"{name} {code}"
        assert row["x12_list_retrieved"] == "2026-08-17"


@needs_x12
@pytest.mark.parametrize(("name", "table"), [("CARC", carc_codes), ("RARC", rarc_codes)])
def test_labels_are_our_own_wording(x12: pd.DataFrame, name: str, table) -> None:
    for code, row in table().iterrows():
        theirs = x12.loc[(name, code), "text"].lower()
        ratio = difflib.SequenceMatcher(None, row["label"].lower(), theirs).ratio()
        assert ratio < 0.7, f"{name} {code}: label {row['label']!r} is too close to X12's text"


def test_codes_the_classification_needs_are_there() -> None:
    carc, rarc = carc_codes(), rarc_codes()
    # DOMAIN.md "Remittance": key reason codes
    for code in [
        "1",
        "2",
        "3",
        "45",
        "16",
        "29",
        "50",
        "96",
        "97",
        "131",
        "197",
        "242",
        "243",
        "253",
        "18",
        "22",
        "23",
    ]:
        assert code in carc.index
    assert set(rarc.index[rarc["category"] == "nsa"]) >= {
        "N830",
        "N859",
        "N860",
        "N862",
        "N864",
        "N876",
        "N877",
    }
    assert set(group_codes().index) == GROUP_CODES
    assert group_codes()["billable_to_patient"].tolist() == [False, True, False, False, False]
    assert carc.loc[["1", "2", "3"], "category"].eq("patient_share").all()
