"""The LibreOffice harness really recalculates: a formula with a wrong cached value comes back right.

A parity test that passed on stale cached values would prove nothing, so the cached value here is planted
on purpose (999 for =A1*2 with A1 = 21), and the control run with recalculation switched off shows the
planted value surviving: the test can tell a recalculated file from one that was not.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.libreoffice import RECALC_NEVER, LibreOfficeError, recalculate


def _workbook_with_stale_value(path: Path) -> Path:
    """A1 = 21, B1 = A1*2 whose file claims the value 999; C1 = A1+1 with no cached value at all."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 21
    ws["B1"] = "=A1*2"
    ws["C1"] = "=A1+1"
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                before = b"<f>A1*2</f><v></v>"
                assert before in data, data  # openpyxl's output shape; the plant must not silently miss
                data = data.replace(before, b"<f>A1*2</f><v>999</v>")
            dst.writestr(item, data)
    plain.unlink()
    check = openpyxl.load_workbook(path, data_only=True).active
    assert (
        check["B1"].value == 999
    )  # the planted, wrong cached value is what a reader sees before recalculation
    return path


@pytest.mark.libreoffice
def test_stale_cached_value_is_recalculated(tmp_path: Path) -> None:
    source = _workbook_with_stale_value(tmp_path / "stale.xlsx")
    [result] = recalculate([source], tmp_path / "out")
    ws = openpyxl.load_workbook(result, data_only=True).active
    assert ws["B1"].value == 42  # 21 * 2, recomputed
    assert ws["C1"].value == 22


@pytest.mark.libreoffice
def test_control_without_recalculation_keeps_the_stale_value(tmp_path: Path) -> None:
    source = _workbook_with_stale_value(tmp_path / "stale.xlsx")
    [result] = recalculate([source], tmp_path / "out", recalc_mode=RECALC_NEVER)
    ws = openpyxl.load_workbook(result, data_only=True).active
    assert ws["B1"].value == 999


@pytest.mark.libreoffice
def test_many_workbooks_in_one_call(tmp_path: Path) -> None:
    sources = []
    for i in range(3):
        wb = openpyxl.Workbook()
        wb.active["A1"] = i
        wb.active["B1"] = "=A1*10"
        wb.save(tmp_path / f"book{i}.xlsx")
        sources.append(tmp_path / f"book{i}.xlsx")
    results = recalculate(sources, tmp_path / "out")
    assert [p.name for p in results] == ["book0.xlsx", "book1.xlsx", "book2.xlsx"]
    assert [openpyxl.load_workbook(p, data_only=True).active["B1"].value for p in results] == [0, 10, 20]


@pytest.mark.libreoffice
def test_unloadable_file_is_an_error_quoting_soffice(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LibreOfficeError, match=r"(?s)not converted: .*broken\.xlsx.*output:"):
        recalculate([bad], tmp_path / "out")


@pytest.mark.libreoffice
def test_timeout_kills_soffice(tmp_path: Path) -> None:
    source = _workbook_with_stale_value(tmp_path / "slow.xlsx")
    with pytest.raises(LibreOfficeError, match="did not finish"):
        recalculate([source], tmp_path / "out", timeout=0.05)


@pytest.mark.parametrize("case", ["same-names", "outdir-is-input-folder", "missing"])  # no soffice needed
def test_refused_before_starting(tmp_path: Path, case: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "book.xlsx").write_bytes(b"")
    if case == "same-names":
        args, match = (
            ([tmp_path / "a" / "book.xlsx", tmp_path / "b" / "book.xlsx"], tmp_path / "out"),
            "share",
        )
    elif case == "outdir-is-input-folder":
        args, match = ([tmp_path / "a" / "book.xlsx"], tmp_path / "a"), "overwrite"
    else:
        args, match = ([tmp_path / "nope.xlsx"], tmp_path / "out"), "no such file"
    with pytest.raises(LibreOfficeError, match=match):
        recalculate(*args)
