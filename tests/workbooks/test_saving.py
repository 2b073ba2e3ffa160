"""Encrypted workbooks: built in memory, encrypted, never written in the clear; the password opens them."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from udfs.errors import InputError
from udfs.reference import template_path
from workbooks.build import build_set
from workbooks.saving import decrypt, is_encrypted

DEMO = template_path("demo/claims.csv").parent
ROOT = Path(__file__).resolve().parents[2]


def test_build_with_password_round_trip(tmp_path):
    result = build_set(
        DEMO / "claims.csv", tmp_path, None, dt.date(2026, 2, 20), DEMO / "log.csv", password="s3cret-PHI"
    )
    for path in [*result.workbooks.values(), result.portfolio]:
        assert is_encrypted(path)
        assert b"PT-0417" not in path.read_bytes()  # patient references are not readable in the file
    wb = openpyxl.load_workbook(io.BytesIO(decrypt(result.workbooks["summit-health"], "s3cret-PHI")))
    assert wb["Claims"]["C2"].value == "PT-0417"
    with pytest.raises(InputError, match="the password does not open this workbook"):
        decrypt(result.workbooks["summit-health"], "wrong")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*(p.name for p in result.workbooks.values()), "portfolio.xlsx"]
    )  # no plain copy left behind


def test_cli_reads_the_password_from_the_environment_and_never_prints_it(tmp_path):
    claims = tmp_path / "claims.csv"
    claims.write_text((DEMO / "claims.csv").read_text())
    env = {"OONKIT_PASSWORD": "env-pass-123", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "oonkit",
            "build",
            str(claims),
            "--out",
            str(tmp_path / "out"),
            "--password",
            "--as-of",
            "2026-02-20",
        ],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert "env-pass-123" not in proc.stdout + proc.stderr
    assert is_encrypted(tmp_path / "out" / "portfolio.xlsx")
