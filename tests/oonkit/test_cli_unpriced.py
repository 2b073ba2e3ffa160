"""The console tables do not show lines that could not be priced as paid correctly. ``oonkit build``: amounts no
line has are "-", "No expected" counts the lines without an expected amount (blank in the workbook), and a note
says why, as ``oonkit remit`` words its notes; ``oonkit remit``: "-" for a payer none of whose lines is priced."""

from __future__ import annotations

from oonkit.cli import main

from .conftest import AS_OF, DEMO, REMITS


def row(printed: str, payer: str) -> list[str]:
    """The cells of a payer's row of the table (the payer's name is several words)."""
    line = next(line for line in printed.splitlines() if line.startswith(payer))
    return line[len(payer) :].split()


def test_a_payer_without_its_benchmark_is_not_shown_as_paid_correctly(tmp_path, capsys):
    # Keystone Mutual pays the 80th percentile of charges (templates/payers/keystone-mutual.yaml): without
    # --benchmark none of its 3 lines has an expected amount.
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(tmp_path / "set"), "--as-of", AS_OF]) == 0
    printed = capsys.readouterr().out
    header = next(line for line in printed.splitlines() if line.startswith("Payer"))
    assert header.split()[1:] == ["Lines", "Billed", "Paid", "Paid/billed", "Paid/Medicare", "Expected", "No",
                                  "expected", "Underpaid", "Gap", "to", "target"]  # fmt: skip
    keystone = row(printed, "Keystone Mutual Insurance")
    assert keystone[5:8] == ["-", "3", "-"]  # Expected, No expected, Underpaid
    # Summit (140% of Medicare) has every line priced: its figures as before, none without an expected amount
    assert row(printed, "Summit Health Plan")[5:8] == ["4,445.54", "0", "4"]
    assert (
        "note: Keystone Mutual Insurance: 3 lines without an expected amount: no benchmark amount: no charge "
        "benchmark rate for the line (--benchmark, or benchmark_rate in the claims file)." in printed
    )


def test_with_the_benchmark_every_line_is_priced_and_there_is_no_note(tmp_path, capsys):
    args = ["--benchmark", str(DEMO / "benchmark.csv"), "--as-of", AS_OF]
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(tmp_path / "set"), *args]) == 0
    printed = capsys.readouterr().out
    assert row(printed, "Keystone Mutual Insurance")[5:8] == ["15,620.00", "0", "3"]  # the demo's figures
    assert "note:" not in printed


def test_a_2026_line_with_a_locality_but_no_2026_gpcis_is_counted_and_explained(tmp_path, capsys):
    text = (DEMO / "claims.csv").read_text()
    # claim C1001 (3 lines, Summit, CA-18) moved into 2026, its payment after it
    text = text.replace("2025-10-14", "2026-01-14").replace("2025-11-20,CO-45", "2026-02-10,CO-45")
    claims = tmp_path / "claims.csv"
    claims.write_text(text)
    assert main(["build", str(claims), "--out", str(tmp_path / "set"), "--as-of", "2026-03-01"]) == 0
    printed = capsys.readouterr().out
    summit = row(printed, "Summit Health Plan")
    assert summit[6] == "3"  # 3 of its 5 lines have no expected amount
    assert (
        "note: Summit Health Plan: 3 lines without an expected amount: no Medicare amount: no 2026 GPCIs in "
        "oonkit for the locality" in printed
    )


def test_remit_shows_a_payer_it_could_not_price_as_unpriced(tmp_path, capsys):
    assert main(["remit", *REMITS, "--out", str(tmp_path / "r.xlsx"), "--as-of", AS_OF]) == 0
    printed = capsys.readouterr().out
    assert row(printed, "Keystone Mutual Insurance") == ["3", "10,420.00", "-", "-", "0", "0"]
    assert "note: 3 lines without an expected amount: no benchmark amount" in printed


def test_payers_without_a_profile_are_named_in_a_note(tmp_path, capsys):
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\n"
        "A1,Aetna,2025-03-01,27447,5000\n"
        "C1,Cigna,2025-03-01,27447,6000\n"
        "S1,Summit Health Plan,2025-03-01,27447,5000\n"
    )
    assert main(["build", str(claims), "--out", str(tmp_path / "set"), "--as-of", AS_OF]) == 0
    printed = capsys.readouterr().out
    assert "note: no payer profile for Aetna, Cigna: priced by the default profile" in printed
    assert (tmp_path / "set" / "aetna.xlsx").exists() and (tmp_path / "set" / "cigna.xlsx").exists()


def test_ignored_columns_are_warned_and_a_bad_claims_file_still_checks_the_log(tmp_path, capsys):
    """A column oonkit does not read is a warning on stderr, not an error; with a claims file that has an error,
    the log's unknown claim IDs are listed in the same run (from the rows that could be read)."""
    memo = tmp_path / "memo.csv"
    memo.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,Internal memo\nA1,Aetna,2025-03-01,27447,5000,x\n"
    )
    assert main(["build", str(memo), "--out", str(tmp_path / "set"), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert "oonkit build: warning: memo.csv:1: Internal memo: not a column oonkit reads: ignored" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("claim_id,payer,date_of_service,hcpcs,billed\nA1,Aetna,2025-03-01,27447,abc\n")
    log = tmp_path / "log.csv"
    log.write_text("claim_id,date,stage\nZZ,2025-04-01,Reconsideration\n")
    assert main(["build", str(bad), "--log", str(log), "--out", str(tmp_path / "bad")]) != 0
    err = capsys.readouterr().err
    assert "bad.csv:2: billed: 'abc' is not an amount" in err
    assert "log.csv:2: claim_id: claim ZZ is not in the claims file" in err
    assert not (tmp_path / "bad").exists()


def test_remit_and_update_warn_about_ignored_columns_of_a_claims_file(tmp_path, capsys):
    memo = tmp_path / "memo.csv"
    memo.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,Internal memo\nN1,Summit Health Plan,2025-03-01,27447,5000,x\n"
    )
    said = "warning: memo.csv:1: Internal memo: not a column oonkit reads: ignored"
    assert main(["remit", *REMITS, "--claims", str(memo), "--out", str(tmp_path / "r.xlsx")]) == 0
    assert f"oonkit remit: {said}" in capsys.readouterr().err
    assert main(["build", str(DEMO / "claims.csv"), "--out", str(tmp_path / "set"), "--as-of", AS_OF]) == 0
    capsys.readouterr()
    assert main(["update", str(tmp_path / "set" / "summit-health.xlsx"), "--claims", str(memo)]) == 0
    assert f"oonkit update: {said}" in capsys.readouterr().err
