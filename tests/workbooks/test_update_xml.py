"""The part-level machinery of ``oonkit update`` on the XML forms Excel and LibreOffice write (shared strings,
rich text, shared formulas, cells missing from a row, self-closing rows), and its independence from where
the stream is cut into chunks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workbooks import sheet_xml
from workbooks.tracker import template_version
from workbooks.update_write import _sqrefs, extend_names, extend_ranges, full_calc_on_load, grow_dimension

NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
STRINGS = sheet_xml.shared_strings(
    b'<sst count="3" uniqueCount="3"><si><t>C1001</t></si><si><r><rPr><b/></rPr><t>Rich </t></r><r><t>text</t></r>'
    b'<rPh><t>ignored</t></rPh></si><si><t xml:space="preserve"> A&amp;B </t></si></sst>'
)


def sheet(rows: list[bytes], tail: bytes = b"<pageMargins/>") -> bytes:
    return (
        NS
        + b'<dimension ref="A1:D9"/><sheetData>'
        + b"".join(rows)
        + b"</sheetData>"
        + tail
        + b"</worksheet>"
    )


ROWS = [
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
    b'<row r="2" spans="1:4"><c r="A2" s="3" t="inlineStr"><is><t>X-7</t></is></c><c r="B2" s="4"><v>1420.5</v></c>'
    b'<c r="C2" s="5" t="b"><v>1</v></c><c r="D2" s="6"><f>B2*2</f><v>2841</v></c></row>',
    b'<row r="3"><c r="A3" s="3" t="s"><v>2</v></c><c r="B3" s="4"/><c r="C3" s="5" t="e"><v>#N/A</v></c>'
    b'<c r="D3" s="6"><f t="shared" ref="D3:D4" si="0">B3*2</f><v>0</v></c></row>',
    b'<row r="4"><c r="B4" s="4"/><c r="D4" s="6"><f t="shared" si="0"/><v>0</v></c></row>',
    b'<row r="5" ht="15"/>',
    b'<row r="7"><c r="F7" t="inlineStr"><is><t>below the table</t></is></c></row>',
]


def test_shared_strings_flatten_rich_text_and_leave_out_phonetic_runs():
    assert STRINGS == ["C1001", "Rich text", " A&B "]


def test_read_table_gives_values_the_last_used_row_the_last_row_and_what_lies_below():
    read = sheet_xml.read_table(
        io.BytesIO(sheet(ROWS)), "t", 2, 5, ["A", "B", "C", "D"], ["A", "B", "C"], STRINGS
    )
    assert read.columns["A"] == {2: "X-7", 3: " A&B "}
    assert read.columns["B"] == {2: 1420.5}
    assert read.columns["C"] == {2: True, 3: "#N/A"}
    assert read.columns["D"] == {2: sheet_xml.FORMULA, 3: sheet_xml.FORMULA, 4: sheet_xml.FORMULA}
    assert read.last_used == 3  # row 4 holds only a formula in D, which is not an input column
    assert read.last_row_xml == ROWS[4]
    assert read.beyond == {7: {"F"}}
    assert read.shared == {b"0": ("D3", "B3*2")}


@settings(max_examples=40, deadline=None)
@given(block=st.integers(16, 400))
@example(block=37)  # a block ending inside the <sheetData> start tag (found by hypothesis)
def test_where_the_stream_is_cut_changes_nothing(block):
    data = sheet(ROWS)
    whole = sheet_xml.read_table(io.BytesIO(data), "t", 2, 5, ["A", "B", "C", "D"], ["A", "B", "C"], STRINGS)
    old = sheet_xml.BLOCK
    sheet_xml.BLOCK = block
    try:
        cut = sheet_xml.read_table(
            io.BytesIO(data), "t", 2, 5, ["A", "B", "C", "D"], ["A", "B", "C"], STRINGS
        )
        edits = _edits()
        out = io.BytesIO()
        sheet_xml.rewrite(io.BytesIO(data), out, edits, "t")
    finally:
        sheet_xml.BLOCK = old
    reference = io.BytesIO()
    sheet_xml.rewrite(io.BytesIO(data), reference, _edits(), "t")
    assert (cut.columns, cut.last_used, cut.last_row_xml, cut.beyond, cut.shared) == (
        whole.columns,
        whole.last_used,
        whole.last_row_xml,
        whole.beyond,
        whole.shared,
    )
    assert out.getvalue() == reference.getvalue()


def _edits() -> sheet_xml.SheetEdits:
    edits = sheet_xml.SheetEdits(make=lambda ref, style, v: sheet_xml.cell_xml(ref, style, v))
    edits.fills = {3: {"B": 99.0}, 4: {"A": "NEW", "C": "x"}, 5: {"B": 1.0}}
    edits.added = {
        6: b'<row r="6"><c r="A6"><v>6</v></c></row>',
        7: b'<row r="7"><c r="A7"><v>7</v></c></row>',
    }
    edits.fallback = {"A": b"3", "C": b"5"}
    return edits


def test_rewrite_fills_cells_inserts_missing_ones_and_merges_rows_below():
    out = io.BytesIO()
    sheet_xml.rewrite(io.BytesIO(sheet(ROWS)), out, _edits(), "t")
    text = out.getvalue()
    rows = {r.split(b'"')[1]: r for r in text.split(b"<row ")[1:]}
    assert b'<c r="B3" s="4"><v>99</v></c>' in rows[b"3"]  # the cell's own style kept
    assert (
        b'<f t="shared" ref="D3:D4" si="0">B3*2</f></c>' in rows[b"3"]
    )  # cached value dropped, formula kept
    assert rows[b"4"].startswith(
        b'r="4"><c r="A4" s="3" t="inlineStr"><is><t>NEW</t></is></c><c r="B4" s="4"/>'
        b'<c r="C4" s="5" t="inlineStr"><is><t>x</t></is></c><c r="D4" s="6"><f t="shared" si="0"/></c>'
    )  # missing cells inserted in column order with the table's styles
    assert rows[b"5"].startswith(b'r="5" ht="15"><c r="B5"><v>1</v></c></row>')  # a self-closing row opened
    assert rows[b"6"].startswith(b'r="6"><c r="A6"><v>6</v></c></row>')
    assert rows[b"7"].startswith(b'r="7"><c r="A7"><v>7</v></c><c r="F7" t="inlineStr">')  # merged in order
    assert text.startswith(NS + b'<dimension ref="A1:D9"/><sheetData><row r="1">')
    assert text.endswith(b"</sheetData><pageMargins/></worksheet>")
    assert ROWS[1] in text  # an untouched row keeps its bytes


def test_a_formula_cell_is_never_replaced():
    row = b'<row r="2"><c r="A2" s="1"><f>1+1</f><v>2</v></c></row>'
    out = sheet_xml.fill_row(row, 2, {"A": "typed"}, lambda r, s, v: sheet_xml.cell_xml(r, s, v), {})
    assert out == b'<row r="2"><c r="A2" s="1"><f>1+1</f></c></row>'


def test_formula_source_prefers_the_calculated_column_then_moves_the_template_formula():
    template = (
        b'<row r="4"><c r="A4"/><c r="B4"><f>Claims[[#This Row],[A]]*2</f></c>'
        b'<c r="C4"><f>SUM($A4:$B4)</f></c><c r="D4"><f t="shared" si="7"/><v>1</v></c></row>'
    )
    source = sheet_xml.FormulaSource(template, 4, {"B": "calc()"}, {b"7": ("D2", "A2+1")})
    assert [source.formula("B", 9), source.formula("C", 9), source.formula("D", 9)] == [
        "calc()",
        "SUM($A9:$B9)",
        "A9+1",
    ]
    assert "A" not in source and all(x in source for x in "BCD")


def test_cells_are_written_as_excel_reads_them():
    assert sheet_xml.cell_xml("F2", b"10", dt.date(2025, 10, 14)) == b'<c r="F2" s="10"><v>45944</v></c>'
    assert (
        sheet_xml.cell_xml("F2", None, dt.date(2025, 10, 14), date1904=True) == b'<c r="F2"><v>44482</v></c>'
    )
    assert sheet_xml.cell_xml("B2", None, True) == b'<c r="B2" t="b"><v>1</v></c>'
    assert sheet_xml.cell_xml("B2", None, None) == b'<c r="B2"/>'
    assert sheet_xml.cell_xml("A1", None, " x\x01") == (
        b'<c r="A1" t="inlineStr"><is><t xml:space="preserve"> x_x0001_</t></is></c>'
    )
    assert sheet_xml.number_text(0.1 + 0.2) == b"0.30000000000000004"  # the same double read back


def test_ranges_grow_with_their_table_and_nothing_else_does():
    grow = lambda text: extend_ranges(text, 1, 45, 2, 56, 90)  # noqa: E731
    tail = (
        b'<conditionalFormatting sqref="AN2:AN56"/><dataValidation sqref="B2:B56 D5:D10"/>'
        b'<xm:sqref>AB2:AB56</xm:sqref><dataValidation sqref="AZ2:AZ56"/>'
    )
    assert _sqrefs(tail, grow) == (
        b'<conditionalFormatting sqref="AN2:AN90"/><dataValidation sqref="B2:B90 D5:D10"/>'
        b'<xm:sqref>AB2:AB90</xm:sqref><dataValidation sqref="AZ2:AZ56"/>'
    )
    assert grow_dimension(b'<dimension ref="A1:AS56"/>', 90) == b'<dimension ref="A1:AS90"/>'
    assert grow_dimension(b'<dimension ref="A1:AS956"/>', 90) == b'<dimension ref="A1:AS956"/>'
    names = (
        b"<definedName name=\"ClaimIDs\">'Claims'!$A$2:$A$56</definedName>"
        b'<definedName name="Other">Holidays!$A$2:$A$56</definedName>'
        b'<definedName name="LO">Claims!$L$2:$L$56</definedName>'
    )
    assert extend_names(names, "Claims", grow) == (
        b"<definedName name=\"ClaimIDs\">'Claims'!$A$2:$A$90</definedName>"
        b'<definedName name="Other">Holidays!$A$2:$A$56</definedName>'
        b'<definedName name="LO">Claims!$L$2:$L$90</definedName>'
    )


@pytest.mark.parametrize(
    ("workbook", "expected"),
    [
        (
            b'<workbook><calcPr calcId="124519" fullCalcOnLoad="0"/></workbook>',
            b'<workbook><calcPr fullCalcOnLoad="1" calcId="124519"/></workbook>',
        ),
        (
            b"<workbook><sheets/><extLst><ext/></extLst></workbook>",
            b'<workbook><sheets/><calcPr fullCalcOnLoad="1"/><extLst><ext/></extLst></workbook>',
        ),
        (b"<workbook><sheets/></workbook>", b'<workbook><sheets/><calcPr fullCalcOnLoad="1"/></workbook>'),
    ],
    ids=["openpyxl", "no-calcPr-with-extLst", "no-calcPr"],
)
def test_full_calc_on_load(workbook, expected):
    assert full_calc_on_load(workbook) == expected


@pytest.mark.parametrize(
    ("xml", "version"),
    [
        (b'<definedName name="oonkit_template_version" hidden="1">1</definedName>', 1),
        (
            b'<definedName function="false" hidden="false" name="oonkit_template_version" vbProcedure="false">1</definedName>',
            1,
        ),
        (b'<definedName name="other">1</definedName>', None),
    ],
    ids=["openpyxl", "libreoffice", "absent"],
)
def test_template_version(xml, version):
    assert template_version(b"<workbook><definedNames>" + xml + b"</definedNames></workbook>") == version


def test_a_sheet_without_cell_references_is_refused():
    data = sheet([b'<row r="2"><c s="3" t="inlineStr"><is><t>X</t></is></c></row>'])
    with pytest.raises(sheet_xml.FileError, match="without an r= reference"):
        sheet_xml.read_table(io.BytesIO(data), "t", 2, 5, ["A"], ["A"], [])
