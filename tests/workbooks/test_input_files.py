"""Files that are not what their name says, or not whole: each input of ``oonkit build`` (claims, --log,
--benchmark) names the file and what is wrong, as a FileError, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from udfs.charges import ChargeBenchmark
from udfs.errors import FileError
from udfs.table_files import read_table_file
from workbooks.claims_file import read_claims
from workbooks.log_file import read_log
from workbooks.saving import write_encrypted

READERS = {
    "claims": (
        read_claims,
        ["claim_id", "payer", "date_of_service", "hcpcs", "billed"],
        ["A1", "x", "2025-10-14", "99285", 10],
    ),
    "log": (read_log, ["claim_id", "date", "stage"], ["A1", "2025-12-01", "Formal appeal (level 1)"]),
    "benchmark": (ChargeBenchmark.read, ["code", "p50", "p80"], ["27447", 6500, 8900]),
}


def workbook_bytes(name: str) -> bytes:
    _, header, row = READERS[name]
    wb = openpyxl.Workbook()
    wb.active.append(header)
    wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(name: str) -> str:
    _, header, row = READERS[name]
    return ",".join(header) + "\n" + ",".join(map(str, row)) + "\n"


def make_csv_renamed(path: Path, name: str) -> None:
    path.write_text(csv_text(name))


def make_encrypted(path: Path, name: str) -> None:
    write_encrypted(workbook_bytes(name), path, "s3cret")


def make_truncated(path: Path, name: str) -> None:
    data = workbook_bytes(name)
    path.write_bytes(data[: len(data) // 2])


def make_not_a_workbook(path: Path, name: str) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")


def make_damaged(path: Path, name: str) -> None:
    # one byte of the compressed sheet changed: the zip directory is whole, a part fails its CRC
    data = bytearray(workbook_bytes(name))
    at = data.index(b"xl/worksheets/sheet1.xml") + 60
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


XLSX_CASES = {
    "csv renamed .xlsx": (
        make_csv_renamed,
        "not an .xlsx file (it is not a zip package): a CSV renamed .xlsx?",
    ),
    "encrypted": (
        make_encrypted,
        "encrypted: open it in Excel and save it without a password, or export CSV",
    ),
    "truncated": (
        make_truncated,
        "truncated or damaged: its zip package is incomplete (copy or download it again)",
    ),
    "zip, not a workbook": (
        make_not_a_workbook,
        "a zip package but not an Excel workbook (no xl/workbook.xml): a .docx, .ods or other file renamed .xlsx?",
    ),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", XLSX_CASES)
def test_an_xlsx_that_is_not_one_names_the_file_and_the_fault(tmp_path, reader, case):
    make, message = XLSX_CASES[case]
    path = tmp_path / f"{reader}.xlsx"
    make(path, reader)
    with pytest.raises(FileError) as err:
        READERS[reader][0](path)
    assert str(err.value) == f"{reader}.xlsx: {message}"


@pytest.mark.parametrize("reader", READERS)
def test_a_damaged_part_names_the_file(tmp_path, reader):
    path = tmp_path / f"{reader}.xlsx"
    make_damaged(path, reader)
    with pytest.raises(FileError) as err:
        READERS[reader][0](path)
    assert str(err.value).startswith(f"{reader}.xlsx: damaged: ")


@pytest.mark.parametrize("reader", READERS)
def test_a_good_xlsx_and_csv_are_read(tmp_path, reader):
    (tmp_path / "t.xlsx").write_bytes(workbook_bytes(reader))
    (tmp_path / "t.csv").write_text(csv_text(reader))
    for path in (tmp_path / "t.xlsx", tmp_path / "t.csv"):
        READERS[reader][0](path)


def make_empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def make_folder(path: Path) -> Path:
    path.mkdir()
    return path


def make_workbook_named_csv(path: Path) -> Path:
    path.write_bytes(workbook_bytes("claims"))
    return path


def make_xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le"))
    return path


FILE_CASES = {
    "empty": ("in.csv", make_empty, "empty file: no header row"),
    "folder": ("in.csv", make_folder, "is a folder, not a file"),
    "missing": ("in.csv", lambda p: p, "file not found"),
    "workbook named .csv": (
        "in.csv",
        make_workbook_named_csv,
        "an Excel workbook (.xlsx), not CSV text: name it .xlsx",
    ),
    "xls": (
        "in.xls",
        make_xls,
        "an Excel 97-2003 workbook (.xls): save it as .xlsx (Excel Workbook) or CSV",
    ),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", FILE_CASES)
def test_an_empty_file_a_folder_or_the_wrong_format_names_the_file(tmp_path, reader, case):
    name, make, message = FILE_CASES[case]
    path = make(tmp_path / name)
    with pytest.raises(FileError) as err:
        READERS[reader][0](path)
    assert str(err.value) == f"{name}: {message}"


def test_leading_blank_rows_of_a_sheet_keep_the_sheet_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"] = "code", "p50"
    ws["B5"], ws["C5"] = "27447", 6500
    path = tmp_path / "t.xlsx"
    wb.save(path)
    raw = read_table_file(path)
    assert (raw.header_row, raw.headers[-2:], raw.lines) == (3, ["code", "p50"], [5])
