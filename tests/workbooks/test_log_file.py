"""Reading an escalation log file: the same reader as the claims file, the claim IDs checked in the same pass."""

from __future__ import annotations

import pytest

from udfs.errors import FileError
from workbooks.log_file import read_log


def test_a_log_lists_unknown_claims_with_its_other_problems(tmp_path):
    # the claim-ID check once ran only when every cell was right, so a second run found the unknown claims
    path = tmp_path / "log.csv"
    path.write_text(
        "claim_id,date,stage,Entered by\n"
        "ZZ9,2025-12-01,Appeal to the moon,kim\n"
        "A1,2025-12-01,Formal appeal (level 1),kim\n"
        "A2,2025-12-40,Formal appeal (level 1),kim\n"
        ",,,\n"
    )
    with pytest.raises(FileError) as err:
        read_log(path, {"A1", "A2"})
    lines = str(err.value).splitlines()
    assert lines[0] == "log.csv:2: claim_id: claim ZZ9 is not in the claims file"
    assert lines[1].startswith("log.csv:2: stage: 'Appeal to the moon' is not one of Initial claim, ")
    assert lines[2:] == ["log.csv:4: date: '2025-12-40' is not a date (YYYY-MM-DD or M/D/YYYY)"]


def test_a_log_column_oonkit_does_not_read_is_a_warning(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("claim_id,date,stage,Entered by\nA1,2025-12-01,Formal appeal (level 1),kim\n")
    log = read_log(path, {"A1"})
    assert [str(w) for w in log.attrs["warnings"]] == [
        "log.csv:1: Entered by: not a column oonkit reads: ignored"
    ]
