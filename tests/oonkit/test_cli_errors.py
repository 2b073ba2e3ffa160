"""A file that cannot be read or written is an error message naming it, with the system's reason and exit status
1, never a traceback: an --out that is a file or lies under one, a folder that cannot be written, a full disk, a
configuration file that is a folder or not UTF-8."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import oonkit.cmd_update
import workbooks.saving
from oonkit.cli import main

from .conftest import AS_OF, DEMO, REMITS, files

CLAIMS = str(DEMO / "claims.csv")


@pytest.fixture
def place(tmp_path, monkeypatch) -> Path:
    """``tmp_path`` as the working folder, with a file ``afile`` and a folder ``adir`` in it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("a user's file\n")
    (tmp_path / "adir").mkdir()
    return tmp_path


CASES = [
    (["build", CLAIMS, "--out", "afile/sub"], "oonkit build: error: cannot write afile/sub: Not a directory"),
    (["demo", "--out", "afile"], "oonkit demo: error: --out afile exists and is not a folder"),
    (["demo", "--out", "afile/demo"], "oonkit demo: error: cannot write afile/demo: Not a directory"),
    (["case", "--out", "adir"], "oonkit case: error: --out adir: is a folder; give a file name"),
    (
        ["case", "--write-form", "afile/form.xlsx"],
        "oonkit case: error: cannot write afile/form.xlsx: Not a directory",
    ),
    (
        ["remit", *REMITS, "--out", "afile/r.xlsx"],
        "oonkit remit: error: cannot write afile/r.xlsx: Not a directory",
    ),
    (["remit", *REMITS, "--csv", "afile/t"], "oonkit remit: error: cannot write afile/t: Not a directory"),
    (["addin", "install", "--config", "adir"], "oonkit addin: error: cannot read adir: Is a directory"),
    (
        ["addin", "install", "--config", "afile/x.conf"],
        "oonkit addin: error: cannot write afile/x.conf: Not a directory",
    ),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a[:1] + a[-2:]) for a, _ in CASES])
def test_a_destination_that_cannot_be_written_is_named(place, capsys, args, message):
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and "Traceback" not in err
    assert sorted(p.name for p in place.iterdir()) == ["adir", "afile"]  # nothing written anywhere
    assert (place / "afile").read_text() == "a user's file\n" and not any((place / "adir").iterdir())


def test_a_configuration_file_that_is_not_utf8(place, capsys):
    conf = place / "xlwings.conf"
    conf.write_bytes('"UDF Modules","caf\xe9"\n'.encode("latin-1"))
    assert main(["addin", "install", "--config", str(conf)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"oonkit addin: error: cannot read {conf}: not UTF-8 text (byte 0xe9 at position 18): save it as UTF-8\n"
    )
    assert conf.read_bytes() == '"UDF Modules","caf\xe9"\n'.encode("latin-1")


def test_a_payer_profile_that_is_not_utf8_is_an_error_not_a_traceback(place, capsys):
    payers = place / "payers"
    payers.mkdir()
    (payers / "acme.yaml").write_bytes(b"id: acme\nname: Acme \xff\n")
    assert main(["build", CLAIMS, "--out", "set", "--payers", str(payers)]) == 1
    err = capsys.readouterr().err
    assert err == "oonkit build: error: acme.yaml:2: not UTF-8 text: save the profile as UTF-8\n"
    assert not (place / "set").exists()


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_during_a_build_names_the_workbook_and_changes_nothing(demo_set, capsys, monkeypatch):
    before = files(demo_set)
    monkeypatch.setattr(os, "fsync", _disk_full)  # the data reaches the disk at fsync: there it is full
    assert main(["build", CLAIMS, "--out", str(demo_set), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"oonkit build: error: cannot write {demo_set / 'harbor-advantage.xlsx'}: No space left on device\n"
    )
    assert files(demo_set) == before  # no workbook replaced, no backup, no temporary file


def test_a_full_disk_writing_a_case_workbook(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(os, "fsync", _disk_full)
    out = tmp_path / "case.xlsx"
    assert main(["case", "--out", str(out)]) == 1
    assert capsys.readouterr().err == f"oonkit case: error: cannot write {out}: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_refused_before_the_work(place, capsys, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(workbooks.saving.tempfile, "mkstemp", denied)
    assert main(["build", CLAIMS, "--out", "set"]) == 1
    assert capsys.readouterr().err == "oonkit build: error: cannot write set: Permission denied\n"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder(place, capsys):
    (place / "adir").chmod(0o555)
    try:
        assert main(["remit", *REMITS, "--out", "adir/report.xlsx"]) == 1
    finally:
        (place / "adir").chmod(0o755)
    assert (
        capsys.readouterr().err == "oonkit remit: error: cannot write adir/report.xlsx: Permission denied\n"
    )


def test_an_os_error_no_command_words_is_still_a_message(tmp_path, capsys, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "w.xlsx"))

    monkeypatch.setattr(oonkit.cmd_update, "update_workbook", full)
    assert main(["update", str(tmp_path / "w.xlsx"), "--remit", REMITS[0]]) == 1
    assert (
        capsys.readouterr().err == f"oonkit update: error: {tmp_path / 'w.xlsx'}: No space left on device\n"
    )


def test_a_full_disk_during_an_update_names_the_workbook_and_changes_nothing(demo_set, capsys, monkeypatch):
    workbook = demo_set / "summit-health.xlsx"
    before = files(demo_set)
    summit = [r for r in REMITS if r.endswith("summit-health.835")]
    monkeypatch.setattr(os, "fsync", _disk_full)
    assert main(["update", str(workbook), "--remit", *summit]) == 1
    assert capsys.readouterr().err == (
        f"oonkit update: error: cannot write {workbook}: No space left on device; it was not changed\n"
    )
    after = files(demo_set)
    # workbooks.update links its backup before the new file is flushed: a copy of the unchanged workbook is left
    backups = [n for n in after if ".before-update-" in n]
    assert all(after.pop(n) == before["summit-health.xlsx"] for n in backups)
    assert after == before
