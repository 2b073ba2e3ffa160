"""Benchmark of the underpayment report: a generated remit of 100k claims to a classified report workbook.

    python bench/bench_underpayment.py             # 100k claims
    python bench/bench_underpayment.py --claims 20000

For a file made by ``remits.synthetic.synthetic_835`` (four payers, one to six lines per claim, denials,
reversals, NSA remarks) it prints the seconds of each step of ``oonkit remit FILE --out report.xlsx`` and the
peak resident memory of the process:

* read: ``read_remits`` from the file on disk to the seven tables (strict checks, reversal pairing);
* balance: ``remits.balance.imbalances``;
* join + price: the rows, amounts received, codes, profile match, Medicare per claim
  (``udfs.surgery.price_claim``), expected allowed (``find_underpayments`` up to the classification);
* classify + deadlines: classes, gaps, reasons, deadlines, the claims and reversals tables;
* write: the workbook (``workbooks.remit_report.build_remit_report``), every sheet.

The split between join + price and classify is measured by timing ``find_underpayments`` and, apart, its
pricing steps on the same rows. Results are recorded in bench/RESULTS-underpayment.md with the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402 (bench/machine.py, beside this script)

import remits.underpayment as up  # noqa: E402
from remits.balance import imbalances  # noqa: E402
from remits.reader import read_remits  # noqa: E402
from udfs.payers import load_profiles  # noqa: E402
from workbooks.remit_report import build_remit_report  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    args = parser.parse_args()
    print(describe("numpy", "pandas", "openpyxl"))
    with tempfile.TemporaryDirectory(prefix="oonkit-bench-") as folder:
        path = Path(folder) / "remit.835"
        started = time.perf_counter()
        # generated in a child process, so that the peak memory below is the report's alone
        code = (
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; "
            "from remits.synthetic import synthetic_835; "
            f"Path({str(path)!r}).write_bytes(synthetic_835(claims={args.claims}, seed=1))"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        made = time.perf_counter() - started
        baseline = peak_mb()
        size = path.stat().st_size / 1e6
        print(f"file: {args.claims:,} claims, {size:.1f} MB (generated in {made:.1f} s, not counted)")
        profiles = load_profiles()
        as_of = dt.date(2026, 3, 2)

        t = {}
        start = time.perf_counter()
        remit = read_remits([path])
        t["read"] = time.perf_counter() - start
        start = time.perf_counter()
        found = imbalances(remit)
        t["balance"] = time.perf_counter() - start

        # the pricing steps alone, on their own copy of the rows
        start = time.perf_counter()
        rows = up.line_rows(remit)
        up.add_amounts_and_codes(rows, remit)
        up.join_claims(rows, None)
        up.match_profiles(rows, profiles, [])
        up.place_lines(rows, None, None)
        up.price_lines(rows, profiles, None)
        t["join + price"] = time.perf_counter() - start
        del rows

        start = time.perf_counter()
        result = up.find_underpayments(remit, profiles, as_of=as_of, imbalances=found)
        whole = time.perf_counter() - start
        t["classify + deadlines"] = max(whole - t["join + price"], 0.0)
        start = time.perf_counter()
        build_remit_report(result, Path(folder) / "report.xlsx", profiles)
        t["write"] = time.perf_counter() - start
        report_mb = (Path(folder) / "report.xlsx").stat().st_size / 1e6

    lines = len(result.lines)
    print(
        f"lines: {lines:,}; claims: {len(result.claims):,}; imbalances: {len(found)}; report {report_mb:.1f} MB"
    )
    for step, seconds in t.items():
        print(f"  {step:<22} {seconds:7.1f} s")
    print(f"  {'total':<22} {sum(t.values()):7.1f} s   (find_underpayments alone: {whole:.1f} s)")
    print(f"peak resident memory: {peak_mb():,.0f} MB ({baseline:,.0f} MB after imports; file {size:.1f} MB)")
    counts = result.lines["classification"].value_counts()
    print("classes: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
