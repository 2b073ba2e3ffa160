"""Separators come from the ISA segment: the same remit written with other separators, line breaks or
envelopes reads to identical tables."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remits.reader import read_835
from remits.segments import Separators
from remits.synthetic import synthetic_835

from .conftest import sample
from .helpers import reseparate

# punctuation that the generated data never contains ("." and "-" occur in amounts)
PUNCTUATION = list("!\"#$%&'()*+,/:;<=>?@[\\]^_`{|}~")


def assert_same_tables(a, b) -> None:
    for name, table in a.tables().items():
        pd.testing.assert_frame_equal(table, b.tables()[name], obj=name)


@pytest.mark.parametrize(
    ("element", "component", "terminator", "newline"),
    [
        ("*", ":", "~", "\n"),
        ("|", "^", "\n", ""),
        ("^", "\\", "'", "\r\n"),
        ("+", ">", "~", ""),
        ("*", ">", "\r", "\n"),
    ],
    ids=["usual", "pipe-caret-newline", "caret-backslash-quote-crlf", "plus-none", "cr-terminator"],
)
def test_same_remit_other_separators_same_tables(element, component, terminator, newline) -> None:
    text = sample("secondary-payment.835", corrected=True)
    base = read_835(reseparate(text, old=("*", ">", "~")), "remit.835")
    repetition = "{" if "^" in (element, component) else "^"
    other = reseparate(text, element, component, terminator, newline, repetition, old=("*", ">", "~"))
    assert_same_tables(base, read_835(other, "remit.835"))


def test_separators_read_from_isa() -> None:
    text = reseparate(sample("managed-care.835", corrected=True), "|", "^", "\n", "", "{")
    assert Separators.from_isa(text[:106], "f") == Separators("|", "{", "^", "\n")


@settings(max_examples=25, deadline=None)
@given(
    seps=st.lists(st.sampled_from(PUNCTUATION), min_size=4, max_size=4, unique=True),
    newline=st.sampled_from(["", "\n", "\r\n"]),
)
def test_generated_remit_any_separators(seps, newline) -> None:
    element, component, repetition, terminator = seps
    usual = read_835(synthetic_835(claims=30, seed=5), "g.835")
    other = synthetic_835(
        claims=30,
        seed=5,
        element=element,
        component=component,
        repetition=repetition,
        terminator=terminator,
        newline=newline,
    )
    assert_same_tables(usual, read_835(other, "g.835"))


def test_envelopes_with_different_separators_in_one_file() -> None:
    text = sample("managed-care.835", corrected=True)
    second = reseparate(text, "|", "^", "\n", "", "{")
    both = read_835(text + second + "\n\n  ", "two.835")
    assert len(both.payments) == 2
    # the second ISA is segment 31: the first interchange has 30 segments (ISA to IEA)
    assert both.payments["segment"].tolist() == [3, 33]
    assert both.claims["billed"].tolist() == [800.0, 1200.0] * 2
    one = read_835(text, "two.835").claims.drop(columns=["claim_id", "payment_id", "segment"])
    again = both.claims.iloc[2:].drop(columns=["claim_id", "payment_id", "segment"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(one, again)


def test_several_transactions_and_groups() -> None:
    # 120 claims, 25 per transaction set, 2 transaction sets per interchange: 5 ST/SE in 3 ISA/IEA
    remit = read_835(
        synthetic_835(claims=120, seed=9, claims_per_transaction=25, transactions_per_interchange=2)
    )
    assert len(remit.payments) == 5
    assert remit.payments["isa_control"].tolist() == ["000000001"] * 2 + ["000000002"] * 2 + ["000000003"]
    assert remit.payments["st_control"].is_unique
    assert len(remit.claims) == 120


def test_byte_order_mark_and_trailing_whitespace() -> None:
    text = sample("managed-care.835", corrected=True)
    plain = read_835(text, "m.835")
    assert_same_tables(plain, read_835(b"\xef\xbb\xbf" + text.encode() + b" \r\n\t\n", "m.835"))
    assert_same_tables(plain, read_835(text.replace("~\n", "~\r\n"), "m.835"))
    assert_same_tables(plain, read_835(text.replace("~\n", "~"), "m.835"))


def test_latin1_names_are_kept() -> None:
    text = sample("managed-care.835", corrected=True).replace("BUDD*WILLIAM", "BÜDD*WILLIAM")
    assert read_835(text.encode("utf-8"), "u.835").claims["patient_last_name"].iat[0] == "BÜDD"
    assert read_835(text.encode("latin-1"), "l.835").claims["patient_last_name"].iat[0] == "BÜDD"


@pytest.mark.parametrize("size", [200, 1000, 7919], ids=["200B", "1kB", "prime"])
def test_chunk_boundaries_change_nothing(monkeypatch, size: int) -> None:
    # claims, lines and transactions cut by chunk boundaries read as when the file is read in one piece
    from remits import parser

    data = synthetic_835(claims=80, seed=12, reversal_rate=0.1, claims_per_transaction=15, newline="\r\n")
    whole = read_835(data, "c.835")
    monkeypatch.setattr(parser, "CHUNK_SIZE", size)
    assert_same_tables(whole, read_835(data, "c.835"))
