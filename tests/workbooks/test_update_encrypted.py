"""Encrypted workbooks (patient data): ``oonkit update --password`` opens a workbook built with
``oonkit build --password`` in memory and writes it back encrypted with the same password; no clear copy
reaches the disk. LibreOffice opens the updated workbook with the password (through UNO, since its command
line has no password option: ``../shared/EXCEL.md``)."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import openpyxl
import pytest

from tests.libreoffice import find_soffice
from udfs.errors import InputError
from workbooks.build import build_set
from workbooks.saving import decrypt, is_encrypted
from workbooks.update import update_workbook

from .test_update_support import AS_OF, make_case

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-PHI-2026"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno gives this interpreter the uno module


@pytest.fixture
def encrypted(tmp_path):
    case = make_case(tmp_path / "plain", seed=5, claims=40)
    result = build_set(case.root / "claims.csv", tmp_path / "out", None, AS_OF, password=PASSWORD)
    return case, result.workbooks["summit-health"]


def test_an_encrypted_workbook_is_updated_and_stays_encrypted(encrypted):
    case, path = encrypted
    original = path.read_bytes()
    report = update_workbook(path, [case.remit_path], password=PASSWORD)
    assert report.written and is_encrypted(path)
    assert b"PCN0000" not in path.read_bytes()  # claim numbers are not readable in the file
    assert report.backup.read_bytes() == original and is_encrypted(report.backup)
    wb = openpyxl.load_workbook(io.BytesIO(decrypt(path, PASSWORD)))
    assert "Remit imports" in wb.sheetnames
    paid = {r[0].value: r[12].value for r in wb["Claims"].iter_rows(min_row=2) if r[0].value}
    stated = case.remit.claims.drop_duplicates("patient_control_number").set_index("patient_control_number")
    single = [c for c in paid if (case.claims["claim_id"] == c).sum() == 1]
    assert single and all(
        paid[c] == pytest.approx(stated.loc[c, "paid"]) for c in single
    )  # CLP04, one-line claims
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.startswith("portfolio")) == sorted(
        [path.name, report.backup.name]
    )  # no clear copy, no temporary file left
    assert not update_workbook(path, [case.remit_path], password=PASSWORD).written


def test_an_encrypted_workbook_needs_its_password(encrypted):
    case, path = encrypted
    before = path.read_bytes()
    with pytest.raises(InputError, match="is encrypted: pass --password"):
        update_workbook(path, [case.remit_path])
    with pytest.raises(InputError, match="the password does not open this workbook"):
        update_workbook(path, [case.remit_path], password="wrong")
    assert path.read_bytes() == before
    with pytest.raises(InputError, match="is not encrypted: run the update without --password"):
        update_workbook(case.workbook, [case.remit_path], password=PASSWORD)  # never encrypted by surprise


def test_the_command_takes_the_password_from_the_environment_and_never_prints_it(encrypted):
    case, path = encrypted
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "OONKIT_PASSWORD": PASSWORD}
    proc = subprocess.run(
        [sys.executable, "-m", "oonkit", "update", str(path), "--remit", str(case.remit_path), "--password"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert PASSWORD not in proc.stdout + proc.stderr
    assert is_encrypted(path)


UNO_READ = r"""
import os, sys, time, uno
from com.sun.star.beans import PropertyValue

path, password, pipe = sys.argv[1:4]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(300):
    try:
        ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("LibreOffice did not answer on its pipe")
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


try:
    doc = desktop.loadComponentFromURL(
        uno.systemPathToFileUrl(path), "_blank", 0, (prop("Password", password), prop("Hidden", True))
    )
except Exception as exc:
    doc = None
if doc is None:
    print("NOT OPENED")
else:
    sheet = doc.Sheets.getByName("Claims")
    print(sheet.getCellRangeByName("A2").getString())
    print(doc.Sheets.hasByName("Remit imports"))
    doc.close(True)
# pyuno can crash while the interpreter tears the bridge down (SIGSEGV after the work is done): leave at once
sys.stdout.flush()
os._exit(0)
"""


def uno_available() -> bool:
    return (
        Path(SYSTEM_PYTHON).exists()
        and subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    )


@pytest.mark.libreoffice
def test_libreoffice_opens_the_updated_encrypted_workbook_with_the_password(encrypted):
    if not uno_available():
        if os.environ.get("CI"):
            pytest.fail("CI is set but python3-uno is not installed (apt-get install python3-uno)")
        pytest.skip("python3-uno (the uno module of /usr/bin/python3) is not installed")
    case, path = encrypted
    update_workbook(path, [case.remit_path], password=PASSWORD)
    first_claim = openpyxl.load_workbook(io.BytesIO(decrypt(path, PASSWORD)))["Claims"]["A2"].value
    pipe = f"oonkit_{uuid.uuid4().hex}"
    profile = Path(tempfile.mkdtemp(prefix="oonkit-uno-"))
    office = subprocess.Popen(
        [
            find_soffice() or "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "HOME": str(profile)},
    )
    try:
        run = [SYSTEM_PYTHON, "-c", UNO_READ, str(path)]
        opened = subprocess.run([*run, PASSWORD, pipe], capture_output=True, text=True, timeout=180)
        refused = subprocess.run(
            [*run, "not-the-password", pipe], capture_output=True, text=True, timeout=180
        )
    finally:
        os.killpg(office.pid, signal.SIGKILL)
        office.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.split() == [first_claim, "True"]
    assert refused.stdout.strip() == "NOT OPENED"
