"""Recalculate workbooks in headless LibreOffice, for tests that compare formula results with Python.

openpyxl writes formulas without cached values, and LibreOffice keeps the cached values of an .xlsx on load
unless its profile says otherwise. :func:`recalculate` therefore starts ``soffice`` with a throwaway profile
whose ``registrymodifications.xcu`` sets ``/org.openoffice.Office.Calc/Formula/Load`` ``OOXMLRecalcMode`` to 0
("always recalculate"), converts every workbook to .xlsx in one call (start-up dominates the time), and checks
that each output exists, because ``soffice`` exits 0 even when it could not load a file. Read the results with
``openpyxl.load_workbook(path, data_only=True)``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["RECALC_ALWAYS", "RECALC_NEVER", "LibreOfficeError", "find_soffice", "recalculate"]

RECALC_ALWAYS = 0  # OOXMLRecalcMode values: 0 always, 1 never, 2 prompt (headless: never)
RECALC_NEVER = 1

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """soffice is missing, timed out, or did not write every output; the message quotes its output."""


def find_soffice() -> str | None:
    """Path of the LibreOffice binary: ``$OONKIT_SOFFICE``, else ``soffice`` or ``libreoffice`` on PATH,
    else the macOS application bundle; None when none exists."""
    env = os.environ.get("OONKIT_SOFFICE")
    if env:
        return env if Path(env).exists() else shutil.which(env)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    mac = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    return str(mac) if mac.exists() else None


def recalculate(
    paths: Iterable[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    timeout: float = 300.0,
    recalc_mode: int = RECALC_ALWAYS,
    soffice: str | None = None,
) -> list[Path]:
    """Open every workbook in headless LibreOffice, recalculate all formulas, save as .xlsx in ``outdir``.

    Parameters
    ----------
    paths : iterable of path
        Workbooks (.xlsx, .ods ...). Their file names (without suffix) must be distinct.
    outdir : path
        Folder for the results, created if needed; it must not be a folder holding one of the inputs
        (the output would replace it).
    timeout : float
        Seconds for the whole batch; on expiry soffice is killed and :class:`LibreOfficeError` raised.
    recalc_mode : int
        ``RECALC_ALWAYS`` (the point of this function); ``RECALC_NEVER`` only to prove, in a test, that
        cached values survive without it.
    soffice : str, optional
        The binary; default :func:`find_soffice`.

    Returns
    -------
    list of Path
        The recalculated workbooks, in the order of ``paths``.
    """
    inputs = [Path(p).resolve() for p in paths]
    if not inputs:
        return []
    out = Path(outdir).resolve()
    for p in inputs:
        if not p.is_file():
            raise LibreOfficeError(f"{p}: no such file")
        if p.parent == out:
            raise LibreOfficeError(f"{p}: outdir {out} holds this input; the result would overwrite it")
    stems = [p.stem for p in inputs]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise LibreOfficeError(
            f"inputs share file names {duplicates}: the outputs would overwrite each other"
        )
    binary = soffice or find_soffice()
    if binary is None:
        raise LibreOfficeError(
            "LibreOffice (soffice) is not installed; Debian: apt-get install libreoffice-calc-nogui"
        )
    out.mkdir(parents=True, exist_ok=True)
    results = [out / f"{s}.xlsx" for s in stems]
    for r in results:
        r.unlink(missing_ok=True)  # an old output must not pass for a new one

    with tempfile.TemporaryDirectory(prefix="oonkit-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_XCU.format(mode=int(recalc_mode)), encoding="utf-8")
        command = [
            binary,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "xlsx:Calc Office Open XML",
            "--outdir",
            str(out),
            *map(str, inputs),
        ]
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so a timeout kills soffice and its children
            env={**os.environ, "HOME": profile},
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
            raise LibreOfficeError(
                f"soffice did not finish {len(inputs)} file(s) in {timeout:g} s:\n{output}"
            ) from None

    missing = [str(p) for p, r in zip(inputs, results, strict=True) if not r.is_file()]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exit status {proc.returncode}; not converted: {missing or 'none'}\n"
            f"command: {' '.join(command)}\noutput:\n{output}"
        )
    return results
