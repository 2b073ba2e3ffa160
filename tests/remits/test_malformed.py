"""A malformed file raises RemitError naming the file, the segment number (counted from 1 across the file)
and what is wrong; nothing else is ever raised and no table is returned.

The edits start from the corrected managed-care sample, whose segments are numbered: ISA 1, GS 2, ST 3,
BPR 4, TRN 5, DTM 6, N1*PR 7, N3 8, N4 9, N1*PE 10, REF 11, LX 12, CLP 13, CAS 14, NM1 15, SVC 16, DTM 17,
DTM 18, CAS 19, CLP 20, CAS 21, NM1 22, SVC 23, DTM 24, DTM 25, CAS 26, CAS 27, SE 28, GE 29, IEA 30.
"""

from __future__ import annotations

import pytest

from remits.reader import read_835, read_remits
from remits.segments import RemitError

from .conftest import sample

BASE = sample("managed-care.835", corrected=True)
LINES = BASE.splitlines(keepends=True)


def replace(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


def without(number: int) -> str:
    return "".join(LINES[: number - 1] + LINES[number:])


def swap(a: int, b: int) -> str:
    lines = list(LINES)
    lines[a - 1], lines[b - 1] = lines[b - 1], lines[a - 1]
    return "".join(lines)


CASES = [
    ("empty", "", None, "file is empty"),
    ("not-x12", "hello world", 1, "file does not start with an ISA segment: 'hello world'"),
    ("missing-isa", without(1), 1, "file does not start with an ISA segment: 'GS*HP"),
    (
        "short-isa",
        replace("*30*12345          *", "*30*12345         *"),
        1,
        "ISA08 '12345         ' is 14 characters long, it must be 15",
    ),
    ("truncated-isa", BASE[:60], 1, "ISA segment is 60 characters long"),
    ("isa-separators-clash", replace("*T*:~", "*T*~~"), 1, "ISA separators are not distinct"),
    (
        "terminator-inside-isa",
        replace("ISA*03*9876543210*", "ISA*03*98765~3210*"),
        1,
        "the segment terminator '~' (after ISA16) also occurs inside the ISA",
    ),
    (
        "unterminated",
        "".join(LINES[:20]),
        20,
        "unterminated file: no IEA segment closes the interchange opened at segment 1; "
        "the file ends at segment 20",
    ),
    ("cut-mid-segment", BASE[: BASE.index("CAS*PR*1*600.00") + 8], 26, "the file ends at segment 26"),
    (
        "se-count",
        replace("SE*26*112233", "SE*25*112233"),
        28,
        "SE01 says 25 segments but the transaction set has 26",
    ),
    (
        "se-control",
        replace("SE*26*112233", "SE*26*112234"),
        28,
        "SE02 control number '112234' does not match ST02 '112233'",
    ),
    ("ge-count", replace("GE*1*1", "GE*2*1"), 29, "GE01 says 2 transaction sets but the group has 1"),
    ("ge-control", replace("GE*1*1", "GE*1*2"), 29, "GE02 control number '2' does not match GS06 '1'"),
    (
        "iea-control",
        replace("IEA*1*000000907", "IEA*1*000000908"),
        30,
        "IEA02 control number '000000908' does not match ISA13 '000000907'",
    ),
    (
        "iea-count",
        replace("IEA*1*000000907", "IEA*3*000000907"),
        30,
        "IEA01 says 3 functional groups but the interchange has 1",
    ),
    (
        "billed-not-number",
        replace("*1*800.00*450.00", "*1*8O0.00*450.00"),
        13,
        "CLP03 billed amount '8O0.00' is not an amount",
    ),
    (
        "billed-exponent",
        replace("*1*800.00*450.00", "*1*8e2*450.00"),
        13,
        "CLP03 billed amount '8e2' is not an amount",
    ),
    ("billed-missing", replace("*1*800.00*450.00", "*1**450.00"), 13, "CLP03 billed amount is missing"),
    (
        "cas-amount-comma",
        replace("CAS*PR*1*600.00", "CAS*PR*1*6,00"),
        26,
        "CAS amount '6,00' is not an amount",
    ),
    (
        "svc-before-clp",
        swap(13, 16),
        13,
        "SVC right after LX, before its first claim (CLP): out of the 835's loop order",
    ),
    ("nm1-after-svc", swap(15, 16), 16, "NM1 is a claim-level segment but comes after a service line (SVC)"),
    (
        "unknown-segment",
        replace("LX*1~", "LX*1~\nXYZ*1~"),
        13,
        "segment identifier 'XYZ' is not part of an 835",
    ),
    ("empty-segment", replace("LX*1~", "LX*1~~"), 13, "segment identifier '' is not part of an 835"),
    (
        "bad-date",
        replace("DTM*150*20020301", "DTM*150*20020231"),
        17,
        "DTM02 (150) '20020231' is not a date (CCYYMMDD)",
    ),
    (
        "claim-date-in-line",
        replace("DTM*150*20020301", "DTM*232*20020301"),
        17,
        "DTM*232 is not a service line date",
    ),
    (
        "bad-group",
        replace("CAS*PR*1*300.00", "CAS*XX*1*300.00"),
        19,
        "CAS01 group code 'XX' is not one of CO, CR, OA, PI, PR",
    ),
    (
        "bad-status",
        replace("CLP*5554555444*1*", "CLP*5554555444*9*"),
        13,
        "CLP02 claim status '9' is not a claim status code",
    ),
    ("not-835", replace("ST*835*112233", "ST*837*112233"), 3, "ST01 transaction set '837' is not an 835"),
    ("no-payee", without(10), 11, "LX in the payer loop (N1*PR)"),
    ("no-bpr", without(4), 4, "TRN right after ST, where BPR must come: TRN must come right after BPR"),
    (
        "plb-bad-composite",
        replace("CAS*CO*45*50.00~", "CAS*CO*45*50.00~\nPLB*1*20021231*L6:A:B*1.00~"),
        28,
        "PLB03 'L6:A:B' is not reason:reference",
    ),
    (
        "lx-inside-nothing",
        replace("LX*1~", "LX*1~\nLX*2~"),
        13,
        "LX right after LX, before its first claim (CLP)",
    ),
    (
        "double-allowed",
        replace("CAS*CO*45*50.00~", "CAS*CO*45*50.00~\nAMT*B6*1.00~\nAMT*B6*2.00~").replace("SE*26", "SE*28"),
        29,
        "second AMT*B6 in one service line",
    ),
    (
        "missing-iea-before-isa",
        "".join(LINES[:29]) + BASE,
        30,
        "ISA in the interchange, outside a functional group: the IEA closing the interchange is missing",
    ),
    ("text-after-iea", BASE + "GE*1*1~", 31, "text after the last IEA segment is not an ISA segment"),
]


@pytest.mark.parametrize(("text", "segment", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed(text: str, segment: int | None, message: str) -> None:
    with pytest.raises(RemitError) as info:
        read_835(text, "bad.835")
    (problem,) = info.value.problems
    assert problem.segment == segment
    assert message in problem.message
    where = "bad.835" if segment is None else f"bad.835: segment {segment}"
    assert str(info.value) == f"{where}: {problem.message}"


def test_every_bad_file_is_listed_and_nothing_returned(tmp_path) -> None:
    good = tmp_path / "good.835"
    good.write_text(BASE)
    bad1 = tmp_path / "bad1.835"
    bad1.write_text(replace("SE*26*112233", "SE*25*112233"))
    bad2 = tmp_path / "bad2.835"
    bad2.write_text("junk")
    with pytest.raises(RemitError) as info:
        read_remits([bad1, good, bad2, tmp_path / "missing.835"])
    assert [p.source for p in info.value.problems] == [str(bad1), str(bad2), str(tmp_path / "missing.835")]
    assert "cannot read the file" in info.value.problems[2].message
