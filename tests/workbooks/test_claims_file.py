"""Reading a claims file: documented columns, every problem listed with file:line: column, text kept as text."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from udfs.errors import FileError
from udfs.reference import template_path
from workbooks.claims_file import TableFileError, column_specs, read_claims

HEADER = "claim_id,payer,date_of_service,hcpcs,billed,initial_paid,nsa,setting,notes\n"


def test_demo_file_reads_with_types():
    frame = read_claims(template_path("demo/claims.csv"))
    assert len(frame) == 15
    assert frame["billed"].dtype == float and frame["nsa"].dtype == bool
    assert str(frame["date_of_service"].dtype).startswith("datetime64")
    c1003 = frame[frame.claim_id == "C1003"].iloc[0]
    assert (c1003.nsa, c1003.qpa, c1003.hcpcs) == (True, 410.0, "99285")


def test_every_problem_listed_at_once(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(
        HEADER
        + "A1,summit-health,2025-10-14,27447,12,O0,0,N,facility,\n".replace("12,O0", '"12,O0"')
        + "A2,,2025-13-40,29881,9800,abc,maybe,office,\n"
        + "A3,summit-health,2025-11-03,,-5,0,Y,facility,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "claims.csv:2: billed: '12,O0' is not an amount",
        "claims.csv:3: payer: empty",
        "claims.csv:3: date_of_service: '2025-13-40' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "claims.csv:3: initial_paid: 'abc' is not an amount",
        "claims.csv:3: nsa: 'maybe' is not Y or N",
        "claims.csv:3: setting: 'office' is not one of facility, nonfacility",
        "claims.csv:4: hcpcs: empty",
        "claims.csv:4: billed: '-5' is negative",
    ]


def test_claim_level_fields_must_agree_and_lines_are_unique(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,line,payer,date_of_service,hcpcs,billed\n"
        "A1,1,summit-health,2025-10-14,21196,100\n"
        "A1,1,northwind-trust,2025-10-14,21194,100\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:3: line: duplicate of line 2 (A1 line 1)",
        "c.csv:3: payer: differs from the claim's first line (summit-health vs northwind-trust)",
    ]


def test_claim_ids_stay_apart_under_spreadsheet_lookup_rules(tmp_path):
    """SUMIFS, COUNTIFS and MATCH read * ? ~ as wildcards and ignore case (Excel and LibreOffice alike): claim
    IDs that those rules would mix are refused, each on its row."""
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\n"
        "A*,summit-health,2025-10-14,21196,100\n"
        "ab,summit-health,2025-10-14,21196,100\n"
        "AB,summit-health,2025-10-14,21196,100\n"
        "ab,summit-health,2025-10-14,21194,100\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:2: claim_id: 'A*' contains *: spreadsheet lookups read * ? ~ as wildcards, so the workbook could "
        "mix this claim with others; use another character",
        "c.csv:4: claim_id: 'AB' differs from claim 'ab' (line 3) only in upper and lower case, which "
        "spreadsheet lookups do not tell apart",
    ]


def test_formula_like_text_stays_text_and_aliases_work(tmp_path):
    path = tmp_path / "c.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Claim #", "Payer", "DOS", "CPT", "Billed Charges", "Comments", "Coinsurance"])
    ws.append(
        [
            "A1",
            "Summit Health Plan",
            pd.Timestamp("2025-10-14").to_pydatetime(),
            27447,
            22000,
            "=HYPERLINK(1)",
            "30%",
        ]
    )
    ws["F2"].data_type = "s"
    wb.save(path)
    frame = read_claims(path)
    row = frame.iloc[0]
    assert (row.claim_id, row.hcpcs, row.notes, row.coinsurance, row.line) == (
        "A1",
        "27447",
        "=HYPERLINK(1)",
        0.3,
        1,
    )


def test_specs_document_every_column():
    for spec in column_specs():
        assert spec.description, spec.name


def test_dates_are_read_only_in_the_documented_forms(tmp_path):
    # YYYY-MM-DD (a time part ignored) and M/D/YYYY; no guessing of day-first or partial dates
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,payment_date\n"
        "A1,x,2025-10-14 00:00:00,99285,10,3/4/2025\n"
        "A2,x,31/12/2025,99285,10,\n"
        "A3,x,2025,99285,10,10/14\n"
        "A4,x,Oct 2025,99285,10,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:2: payment_date: is before the date of service",  # 3/4/2025 is March 4, not 3 April
        "c.csv:3: date_of_service: '31/12/2025' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "c.csv:4: date_of_service: '2025' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "c.csv:4: payment_date: '10/14' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "c.csv:5: date_of_service: 'Oct 2025' is not a date (YYYY-MM-DD or M/D/YYYY)",
    ]


def test_header_only_long_text_codes_without_zeros_and_shared_payer_claim_ids(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("claim_id,payer,date_of_service,hcpcs,billed\n")
    with pytest.raises(FileError, match="e.csv: no rows: the file has a header but no claim lines"):
        read_claims(empty)
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,payer_claim_id,notes\n"
        f"A1,x,2025-10-14,100,10,ICN1,{'n' * 40_000}\n"
        "A2,x,2025-10-14,99285,10,ICN1,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:2: notes: 40,000 characters: longer than the 32,767 an Excel cell holds",
        "c.csv:3: payer_claim_id: 'ICN1' is also the payer claim ID of claim A1 (line 2)",
    ]
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed,payer_claim_id\n"
        "A1,x,2025-10-14,100,10,ICN1\n"
        "A2,x,2025-10-14,99285,10,ICN1\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:3: payer_claim_id: 'ICN1' is also the payer claim ID of claim A1 (line 2)"
    ]
    path.write_text("claim_id,payer,date_of_service,hcpcs,billed\nA1,x,2025-10-14,100,10\n")
    assert read_claims(path)["hcpcs"].tolist() == ["00100"]  # anesthesia code 00100 typed as a number


# --- Files as billing systems and Excel outside the US write them ---------------------------------------

REQUIRED = "claim_id,payer,date_of_service,hcpcs,billed,patient_ref,notes\n"


def test_a_windows_1252_file_is_read_and_the_fallback_is_noted(tmp_path):
    # Excel on Windows ("CSV (Comma delimited)") and many billing systems write Windows-1252: ñ is 0xF1, ã 0xE3
    path = tmp_path / "c.csv"
    path.write_bytes(
        (REQUIRED + "A1,x,2025-10-14,99285,10,Muñoz,\nA2,x,2025-10-14,99285,10,,São Paulo – clinic\n").encode(
            "cp1252"
        )
    )
    frame = read_claims(path)
    assert frame["patient_ref"].tolist() == ["Muñoz", ""]
    assert frame["notes"].tolist() == ["", "São Paulo – clinic"]
    assert [str(w) for w in frame.attrs["warnings"]] == [
        "c.csv: not UTF-8: rows 2, 3 read as Windows-1252 (Latin-1), as Excel on Windows saves CSV"
    ]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "utf-8 with BOM"])
def test_utf8_with_or_without_a_byte_order_mark_is_read_without_a_note(tmp_path, bom):
    path = tmp_path / "c.csv"
    path.write_bytes(bom + (REQUIRED + "A1,x,2025-10-14,99285,10,Muñoz,São\n").encode("utf-8"))
    frame = read_claims(path)
    assert (frame["patient_ref"][0], frame["notes"][0]) == ("Muñoz", "São")
    assert frame.attrs["warnings"] == []


def test_a_file_mixing_utf8_and_windows_1252_lines_reads_each_line_right(tmp_path):
    # two exports pasted together: one line UTF-8, the other Windows-1252
    path = tmp_path / "c.csv"
    path.write_bytes(
        REQUIRED.encode()
        + "A1,x,2025-10-14,99285,10,Muñoz,\n".encode()
        + "A2,x,2025-10-14,99285,10,Peña,\n".encode("cp1252")
    )
    assert read_claims(path)["patient_ref"].tolist() == ["Muñoz", "Peña"]


def test_bytes_that_are_neither_utf8_nor_windows_1252_name_the_row_and_column(tmp_path):
    # 0x81 and 0x9D are undefined in Windows-1252 and not UTF-8 on their own
    path = tmp_path / "c.csv"
    path.write_bytes(
        REQUIRED.encode() + b"A1,x,2025-10-14,99285,10,,ok\nA2,x,2025-10-14,99285,10,,bad \x81 byte\n"
        b'A3,x,2025-10-14,99285,10,"two\nlines \x9d",\n'
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:3: notes: byte 0x81 is not text in UTF-8 or Windows-1252: save the file as CSV UTF-8",
        "c.csv:4: patient_ref: byte 0x9D is not text in UTF-8 or Windows-1252: save the file as CSV UTF-8",
    ]


def test_excel_unicode_text_is_read(tmp_path):
    # Excel's "Unicode Text (*.txt)": UTF-16 with a byte-order mark, separated by tabs
    path = tmp_path / "c.txt"
    path.write_bytes((REQUIRED + "A1,x,2025-10-14,99285,10,Muñoz,\n").replace(",", "\t").encode("utf-16"))
    assert read_claims(path)["patient_ref"].tolist() == ["Muñoz"]


def test_semicolon_and_tab_separated_files_are_read(tmp_path):
    # Excel where the decimal separator is a comma (de, fr, es, it, nl, pt) writes CSV with semicolons and
    # amounts with a decimal comma: 1.234,56 is 1234.56; a tab file is read like a comma file
    semi = tmp_path / "semi.csv"
    semi.write_text(
        "claim_id;payer;date_of_service;hcpcs;billed;initial_paid;coinsurance;notes\n"
        'A1;x;2025-10-14;99285;1.234,56;12,5;0,3;"a; b, c"\n'
        "A2;x;10/14/2025;99285;22000;1\u00a0200,00;30 %;\n",
        encoding="utf-8",
    )
    frame = read_claims(semi)
    assert frame["billed"].tolist() == [1234.56, 22000.0]
    assert frame["initial_paid"].tolist() == [12.5, 1200.0]
    assert frame["coinsurance"].tolist() == [0.3, 0.3]
    assert frame["notes"].tolist() == ["a; b, c", ""]
    tab = tmp_path / "tab.csv"
    tab.write_text("claim_id\tpayer\tdate_of_service\thcpcs\tbilled\nA1\tx\t2025-10-14\t99285\t1,234.56\n")
    assert read_claims(tab)["billed"].tolist() == [1234.56]


def test_a_semicolon_file_refuses_what_its_locale_makes_ambiguous(tmp_path):
    # Such a file comes from a locale that writes dates day first: 03/04/2025 could be 3 April or March 4;
    # 25/12/2025 is not a date in the documented forms; 12/12/2025 is the same either way
    semi = tmp_path / "semi.csv"
    semi.write_text(
        "claim_id;payer;date_of_service;hcpcs;billed\n"
        "A1;x;03/04/2025;99285;10\n"
        "A2;x;25/12/2025;99285;1.234.5\n"
        "A3;x;12/12/2025;99285;10\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(semi)
    assert str(err.value).splitlines() == [
        "semi.csv:2: date_of_service: '03/04/2025' could be day/month or month/day in a file separated by "
        "semicolons: write 2025-03-04 or 2025-04-03",
        "semi.csv:3: date_of_service: '25/12/2025' is not a date (YYYY-MM-DD or M/D/YYYY)",
        "semi.csv:3: billed: '1.234.5' is not an amount (the file is separated by semicolons: amounts take a "
        "decimal comma, 1.234,56)",
    ]


def test_a_row_with_more_values_than_headers_is_listed(tmp_path):
    # an unquoted comma in an amount shifts every value after it; trailing empty values are harmless
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\n"
        "A1,x,2025-10-14,99285,12,000\n"
        "A2,x,2025-10-14,99285,10,,,\n"
        "A3,x,2025-10-14,,10\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        'c.csv:2: 6 values where the header has 5 columns: quote a value that holds a comma ("12,000")',
        "c.csv:4: hcpcs: empty",
    ]


def test_a_quote_left_open_is_named(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        'claim_id,payer,date_of_service,hcpcs,billed,notes\nA1,x,2025-10-14,99285,10,"never closed\nA2,x,2025-10-14,99285,10,\n'
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:2: a quote opened here is never closed: the rest of the file would be one value"
    ]


def test_other_columns_are_ignored_and_listed_as_warnings(tmp_path):
    # Billing-system exports carry columns of their own; they are named, not fatal
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,Internal memo,payer,date_of_service,hcpcs,billed,Rendering NPI,,\n"
        "A1,call back,x,2025-10-14,99285,10,1234567890,,\n"
        "A2,,x,2025-10-14,99285,10,,,stray\n"
    )
    frame = read_claims(path)
    assert "Internal memo" not in frame and len(frame) == 2
    assert [str(w) for w in frame.attrs["warnings"]] == [
        "c.csv:1: Internal memo: not a column oonkit reads: ignored",
        "c.csv:1: Rendering NPI: not a column oonkit reads: ignored",
        "c.csv:1: column I: no header: its values are ignored",
    ]


@pytest.mark.parametrize(
    ("header", "meant"),
    [
        ("biled", "billed"),
        ("date of servce", "date_of_service"),
        ("Procedur Code", "procedure code (hcpcs)"),
        ("Modifier 1", "modifier"),
    ],
    ids=["biled", "date of servce", "alias", "modifier 1"],
)
def test_a_header_close_to_a_column_is_an_error(tmp_path, header, meant):
    # a misspelt header would drop its column's data without a word: it is not ignored
    path = tmp_path / "c.csv"
    path.write_text(f"claim_id,payer,date_of_service,hcpcs,billed,{header}\nA1,x,2025-10-14,99285,10,1\n")
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        f"c.csv:1: {header}: not a column oonkit reads: did you mean {meant}? Rename it (README, 'Claims file "
        "columns'): a misspelt column's values would be dropped"
    ]


def test_a_missing_required_column_names_the_columns_ignored(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("claim,payer,CPT Code,charge,colour\nA1,x,99285,100,red\n")
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:1: date_of_service: required column missing (columns not read: colour)",
    ]


def test_rows_of_only_separators_are_skipped_and_rows_keep_their_numbers(tmp_path):
    # Excel leaves rows of commas where cells were once formatted; a blank line in the middle too
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\n"
        "A1,x,2025-10-14,99285,10\n"
        ",,,,\n"
        "\n"
        " , ,,,\n"
        "A2,x,2025-10-14,99285,abc\n"
        ",,,,\n,,,,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == ["c.csv:6: billed: 'abc' is not an amount"]
    path.write_text("claim_id,payer,date_of_service,hcpcs,billed\nA1,x,2025-10-14,99285,10\n,,,,\n,,,,\n")
    assert read_claims(path)["source_line"].tolist() == [2]


def test_blank_rows_of_a_workbook_are_skipped(tmp_path):
    path = tmp_path / "c.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["claim_id", "payer", "date_of_service", "hcpcs", "billed"])
    ws.append(["A1", "x", "2025-10-14", "99285", 10])
    ws.append([None, "", "  ", None, None])
    ws.append(["A2", "x", "2025-10-14", "99285", "abc"])
    ws["E9"].number_format = "0.00"  # a formatted empty cell further down
    wb.save(path)
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == ["c.xlsx:4: billed: 'abc' is not an amount"]


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("0", "'0' must be at least 1"),
        ("-1", "'-1' must be at least 1"),
        ("1.5", "'1.5' is not a whole number"),
        ("two", "'two' is not a whole number"),
    ],
)
def test_units_must_be_a_whole_number_of_at_least_1(tmp_path, units, message):
    # units 0 once passed reading and stopped pricing with no file, row or column
    path = tmp_path / "c.csv"
    path.write_text(f"claim_id,payer,date_of_service,hcpcs,billed,units\nA1,x,2025-10-14,99285,10,{units}\n")
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [f"c.csv:2: units: {message}"]


def test_claim_level_checks_run_in_the_same_pass_as_the_cell_checks(tmp_path):
    # a bad amount no longer hides a bad locality, a duplicate line or a disagreeing payer; a cell that is
    # itself wrong is not compared (row 4's date is reported once, not also as differing from row 3's)
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,line,payer,date_of_service,hcpcs,billed,locality,payment_date\n"
        "A1,1,summit-health,2025-10-14,27447,abc,CA-99,\n"
        "A1,1,summit-health,2025-10-14,27447,10,,2025-10-01\n"
        "A2,1,summit-health,2025-10-14,27447,10,,\n"
        "A2,2,northwind-trust,2025-13-01,27447,10,,\n"
    )
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:2: billed: 'abc' is not an amount",
        "c.csv:2: locality: 'CA-99' is not a 2025 Medicare locality",
        "c.csv:3: line: duplicate of line 2 (A1 line 1)",
        "c.csv:3: payment_date: is before the date of service",
        "c.csv:5: payer: differs from the claim's first line (summit-health vs northwind-trust)",
        "c.csv:5: date_of_service: '2025-13-01' is not a date (YYYY-MM-DD or M/D/YYYY)",
    ]


def test_a_misspelt_required_column_is_reported_once(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("claim_id,payer,dos,hcpcs,biled\nA1,x,2025-10-14,99285,10\n")
    with pytest.raises(FileError) as err:
        read_claims(path)
    assert str(err.value).splitlines() == [
        "c.csv:1: biled: not a column oonkit reads: did you mean billed? Rename it (README, 'Claims file "
        "columns'): a misspelt column's values would be dropped"
    ]


def test_a_file_with_problems_keeps_its_claim_ids_for_checking_a_log(tmp_path):
    # build checks a log against the claims file's IDs even when the claims file has problems of its own
    path = tmp_path / "c.csv"
    path.write_text(
        "claim_id,payer,date_of_service,hcpcs,billed\nA1,x,2025-10-14,99285,abc\n,x,2025-10-14,99285,1\n"
    )
    with pytest.raises(TableFileError) as err:
        read_claims(path)
    assert err.value.frame is not None and err.value.frame["claim_id"].tolist() == ["A1", None]
    path.write_text("claim_id,payer,date_of_service,hcpcs,billed\nA1,x,2025-10-14,99285,12,000\n")
    with pytest.raises(TableFileError) as err:
        read_claims(path)
    assert err.value.frame is None  # a row could not be read: its claim ID is not known
