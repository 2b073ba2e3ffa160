"""Reading a table file as raw cells: what Excel and billing systems write, and what they should not."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import CELL_ALPHABETS, csv_tables
from udfs.errors import FileError
from udfs.table_files import read_table_file


def test_excels_sep_line_sets_the_separator_and_keeps_row_numbers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("sep=;\ncode;p50\n27447;6500\n")
    raw = read_table_file(path)
    assert (raw.separator, raw.header_row, raw.headers, raw.rows, raw.lines) == (
        ";",
        2,
        ["code", "p50"],
        [["27447", "6500"]],
        [3],
    )


def test_a_header_without_commas_but_with_semicolons_is_split_on_semicolons(tmp_path):
    # a comma inside a quoted header does not count
    path = tmp_path / "t.csv"
    path.write_text('claim_id;"payer, plan";billed\nA1;x;10\n')
    assert read_table_file(path).headers == ["claim_id", "payer, plan", "billed"]


def test_a_huge_value_points_at_the_quote_left_open(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,2\n3,"' + "x" * 200_000 + "\n4,5\n")
    with pytest.raises(FileError) as err:
        read_table_file(path)
    assert str(err.value) == (
        "t.csv:3: a value longer than 131,072 characters starts here: a quote never closed?"
    )


def test_an_opendocument_spreadsheet_named_csv_is_named(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    path = tmp_path / "t.csv"
    path.write_bytes(data.getvalue())
    with pytest.raises(FileError, match=r"^t.csv: an OpenDocument spreadsheet \(.ods\), not CSV text"):
        read_table_file(path)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    encoding=st.sampled_from(sorted(CELL_ALPHABETS)),
    separator=st.sampled_from([",", ";", "\t"]),
)
def test_any_csv_excel_could_write_reads_back_cell_for_cell(tmp_path_factory, data, encoding, separator):
    # Property: a table written by the csv module (as Excel quotes: only where needed) in any of the encodings
    # and separators read is read back cell for cell, blank rows skipped, each row at its record number.
    headers, rows = data.draw(csv_tables(encoding))
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=separator, lineterminator="\r\n").writerows([headers, *rows])
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(text.getvalue().encode(encoding))
    raw = read_table_file(path)
    kept = [(i + 2, row) for i, row in enumerate(rows) if "".join(row).strip()]
    assert raw.separator == separator
    assert raw.headers == [h.strip() for h in headers]
    assert raw.rows == [row for _, row in kept]
    assert raw.lines == [n for n, _ in kept]
    assert raw.problems == []
