"""Benchmark: ``oonkit update`` of a 100k-line payer workbook with a 5k-claim 835, seconds and peak memory.

    python bench/bench_update.py                      # 100k lines, a remit of 5,000 claims
    python bench/bench_update.py --lines 20000 --claims 1000

The remit is generated (``remits.synthetic``, one payer); the workbook holds 90% of its claims (the rest are
remit-only and get added) plus synthetic claims (``workbooks.synthetic``) up to the line count, built by
``oonkit build``. Each measurement runs in its own process (peak resident memory is the process's
ru_maxrss): the first import, then the same remit again (nothing new: read only, nothing written).
The built workbook is kept in the work folder so that later runs skip the build (``--work DIR``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2026, 1, 15)


def make_inputs(work: Path, lines: int, claims: int) -> tuple[Path, Path]:
    """The remit and the built workbook (reused when the work folder has them)."""
    import pandas as pd

    from remits.reader import read_835
    from remits.synthetic import synthetic_835
    from workbooks.build import build_set
    from workbooks.synthetic import claims_frame

    remit_path = work / f"remit-{claims}.835"
    book = work / f"out-{lines}-{claims}" / "summit-health.xlsx"
    if remit_path.exists() and book.exists():
        return remit_path, book
    work.mkdir(parents=True, exist_ok=True)
    data = synthetic_835(claims=claims, seed=1, claims_per_transaction=claims)
    remit_path.write_bytes(data)
    remit = read_835(data)
    originals = remit.claims[remit.claims["status"] != "22"].drop_duplicates("patient_control_number")
    kept = originals.iloc[: int(len(originals) * 0.9)]
    by_claim = remit.lines.merge(
        kept[["claim_id", "patient_control_number", "payer_claim_id"]], on="claim_id"
    )
    rows = pd.DataFrame(
        {
            "claim_id": by_claim["patient_control_number"],
            "line": by_claim["line_number"],
            "payer": "summit-health",
            "date_of_service": pd.to_datetime(by_claim["service_from"]).dt.date.astype(str),
            "hcpcs": by_claim["procedure_code"],
            "modifier": by_claim["modifier_1"].fillna(""),
            "billed": by_claim["charge"].map(lambda v: f"{v:.2f}"),
            "payer_claim_id": by_claim["payer_claim_id"],
        }
    )
    filler = claims_frame(max(lines - len(rows), 0), ["summit-health"], seed=2)
    table = pd.concat([rows, filler], ignore_index=True)
    table.to_csv(work / "claims.csv", index=False)
    started = time.perf_counter()
    build_set(work / "claims.csv", book.parent, None, AS_OF)
    print(
        f"built the workbook ({len(table):,} lines) in {time.perf_counter() - started:.0f} s", file=sys.stderr
    )
    return remit_path, book


def measure(book: Path, remit: Path) -> dict:
    """One update in this process: seconds, peak memory and what it did."""
    from workbooks.update import update_workbook

    started = time.perf_counter()
    report = update_workbook(book, [remit])
    seconds = time.perf_counter() - started
    plan = report.plan
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "written": report.written,
        "matched": plan.matched,
        "new_claims": plan.added_claims,
        "cells_filled": sum(len(v) for v in plan.fills.values()),
        "lines_added": len(plan.new_lines),
        "log_entries": len(plan.log),
        "already": plan.already,
        "extended": report.extended,
    }


def openpyxl_round_trip(book: Path, out: Path) -> dict:
    """What an update through openpyxl would cost at the least: load the workbook and save it."""
    import openpyxl

    started = time.perf_counter()
    wb = openpyxl.load_workbook(book)
    loaded = time.perf_counter() - started
    wb.save(out)
    return {
        "seconds": time.perf_counter() - started,
        "load_seconds": loaded,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_process(book: Path, remit: Path, mode: str = "--measure") -> dict:
    out = subprocess.run(
        [sys.executable, __file__, mode, str(book), str(remit)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--claims", type=int, default=5_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/oonkit-bench-update"))
    parser.add_argument("--openpyxl", action="store_true", help="also time an openpyxl load and save")
    parser.add_argument("--measure", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--round-trip", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    if args.round_trip:
        print(json.dumps(openpyxl_round_trip(args.round_trip[0], args.round_trip[1])))
        return
    remit, book = make_inputs(args.work, args.lines, args.claims)
    trial = args.work / "trial" / book.name
    shutil.rmtree(trial.parent, ignore_errors=True)
    trial.parent.mkdir(parents=True)
    shutil.copy(book, trial)
    with zipfile.ZipFile(book) as z:
        xml_mb = sum(i.file_size for i in z.infolist()) / 1e6
    print(describe("openpyxl"))
    print(
        f"workbook: {args.lines:,} lines, {book.stat().st_size / 1e6:.1f} MB ({xml_mb:,.0f} MB of XML); remit: {args.claims:,} claims, {remit.stat().st_size / 1e6:.1f} MB"
    )
    first = in_process(trial, remit)
    print(
        f"first import:  {first['seconds']:6.1f} s, peak {first['peak_mb']:5.0f} MB; matched {first['matched']:,}, "
        f"new claims {first['new_claims']:,} ({first['lines_added']:,} lines), cells filled {first['cells_filled']:,}, "
        f"log entries {first['log_entries']:,}, tables grown {first['extended']}"
    )
    again = in_process(trial, remit)
    print(
        f"same remit again: {again['seconds']:6.1f} s, peak {again['peak_mb']:5.0f} MB; "
        f"written: {again['written']}, already imported {again['already']:,}"
    )
    if args.openpyxl:
        rt = in_process(book, args.work / "trial" / "openpyxl.xlsx", "--round-trip")
        print(
            f"openpyxl load + save (no update): {rt['seconds']:6.1f} s (load {rt['load_seconds']:.1f} s), "
            f"peak {rt['peak_mb']:5.0f} MB"
        )


if __name__ == "__main__":
    main()
