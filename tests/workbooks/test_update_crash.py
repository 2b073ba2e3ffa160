"""A writer that dies in the middle of saving leaves the workbook as it was: the update writes a temporary file
beside it and renames it over the workbook only once it is complete (``udfs.atomic.atomic_path``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest

from workbooks import sheet_xml
from workbooks.update import update_workbook

from .test_update_support import make_case

ROOT = Path(__file__).resolve().parents[2]


def test_a_failure_in_the_middle_of_writing_leaves_the_workbook_and_no_temporary_file(tmp_path, monkeypatch):
    case = make_case(tmp_path, seed=5, claims=40)
    before = case.workbook.read_bytes()
    real = sheet_xml.rewrite

    def failing(src, dst, edits, source):
        dst.write(b"<worksheet>half a sheet")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sheet_xml, "rewrite", failing)
    with pytest.raises(OSError, match="No space left"):
        update_workbook(case.workbook, [case.remit_path])
    assert case.workbook.read_bytes() == before
    assert sorted(p.name for p in case.workbook.parent.iterdir()) == ["portfolio.xlsx", "summit-health.xlsx"]
    monkeypatch.setattr(sheet_xml, "rewrite", real)
    assert update_workbook(case.workbook, [case.remit_path]).written  # and the next run works


SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workbooks import sheet_xml
    from workbooks.update import update_workbook

    real = sheet_xml.rewrite
    ready = Path(sys.argv[3])

    def slow(src, dst, edits, source):
        dst.write(b"<worksheet>" + b" " * 1_000_000)  # part of a sheet reaches the temporary file
        dst.flush()
        ready.write_text("writing")
        time.sleep(60)  # killed here
        real(src, dst, edits, source)

    sheet_xml.rewrite = slow
    update_workbook(sys.argv[1], [sys.argv[2]])
    """
)


def test_killing_the_writer_mid_save_leaves_the_original_intact(tmp_path):
    case = make_case(tmp_path, seed=5, claims=40)
    before = case.workbook.read_bytes()
    ready = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(case.workbook), str(case.remit_path), str(ready)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, "the writer ended before it started writing"
            assert time.monotonic() < deadline, "the writer never started writing"
            time.sleep(0.05)
        temporary = list(case.workbook.parent.glob(".summit-health.xlsx.*.tmp"))
        assert len(temporary) == 1 and temporary[0].stat().st_size > 0  # it was writing
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert case.workbook.read_bytes() == before  # the original, byte for byte
    assert openpyxl.load_workbook(case.workbook)["Claims"]["A2"].value  # and it opens
    assert not list(case.workbook.parent.glob("*.before-update-*"))  # no backup: nothing was replaced
    # the killed writer's temporary file is left behind (nothing could remove it); it does not stop the next run
    report = update_workbook(case.workbook, [case.remit_path])
    assert report.written and report.backup.read_bytes() == before
