"""Deadline throughput: 1 M start dates through the NSA rules, vectorised, against per-row loops.

Run from the repository root: ``python bench/bench_deadlines.py [--rows N]``. Prints rows per second for
- each NSA rule on a datetime64 column (``udfs.deadlines.deadline``),
- a mixed column of rule ids (five rules, one call),
- the same input given as ISO text (conversion included),
- a per-row Python loop counting business days with ``datetime`` and a holiday set (a typical hand-written
  implementation), and the scalar ``deadline`` called once per row, both on a sample and extrapolated.
Results are recorded in bench/RESULTS-deadlines.md with the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe

from udfs.calendar import federal_holidays
from udfs.deadlines import deadline, idr_initiation_window


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def loop_open_negotiation(starts: list[dt.date], holidays: set[dt.date]) -> list[dt.date]:
    """Per-row reference: day 1 = the receipt day when a business day; walk day by day to day 30."""
    out = []
    for start in starts:
        day, counted = start, 0
        while True:
            if day.weekday() < 5 and day not in holidays:
                counted += 1
                if counted == 30:
                    break
            day += dt.timedelta(days=1)
        out.append(day)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loop-rows", type=int, default=20_000)
    args = parser.parse_args()
    n = args.rows
    rng = np.random.default_rng(1)
    starts = np.datetime64("2022-01-03") + rng.integers(0, 365 * 6, size=n).astype("timedelta64[D]")
    print(f"machine: {describe('numpy', 'holidays')}")
    print(f"rows: {n:,} start dates in 2022-2027")

    deadline("nsa_open_negotiation", starts[:10])  # warm the holiday and rule caches
    for rule in ("nsa_open_negotiation", "nsa_negotiation_end", "idr_initiation"):
        seconds = best_of(lambda rule=rule: deadline(rule, starts))
        print(f"{rule:<28} {seconds * 1000:8.1f} ms  {n / seconds / 1e6:6.2f} M rows/s")
    seconds = best_of(lambda: idr_initiation_window(starts))
    print(f"{'idr_initiation_window (both)':<28} {seconds * 1000:8.1f} ms  {n / seconds / 1e6:6.2f} M rows/s")

    ids = np.array(
        [
            "nsa_open_negotiation",
            "nsa_negotiation_end",
            "idr_initiation",
            "erisa_internal_appeal",
            "external_review",
        ],
        dtype=object,
    )[rng.integers(0, 5, size=n)]
    seconds = best_of(lambda: deadline(ids, starts))
    print(f"{'mixed column of 5 rule ids':<28} {seconds * 1000:8.1f} ms  {n / seconds / 1e6:6.2f} M rows/s")

    text = starts.astype(str)
    seconds = best_of(lambda: deadline("nsa_open_negotiation", text))
    print(f"{'ISO text input (parse incl.)':<28} {seconds * 1000:8.1f} ms  {n / seconds / 1e6:6.2f} M rows/s")

    m = min(args.loop_rows, n)
    sample = [d.item() for d in starts[:m]]
    holidays = {d.item() for d in federal_holidays(2021, 2029)}
    seconds = best_of(lambda: loop_open_negotiation(sample, holidays), repeat=1)
    loop_rate = m / seconds
    vector = deadline("nsa_open_negotiation", starts[:m])
    assert list(vector.astype(object)) == loop_open_negotiation(sample, holidays), "loop and vector disagree"
    label = "per-row loop (datetime)"
    print(f"{label:<28} {seconds * 1000:8.1f} ms for {m:,}  {loop_rate / 1e6:6.3f} M rows/s")
    k = min(2_000, m)
    seconds = best_of(lambda: [deadline("nsa_open_negotiation", s) for s in sample[:k]], repeat=1)
    label = "per-row scalar deadline()"
    print(f"{label:<28} {seconds * 1000:8.1f} ms for {k:,}  {k / seconds / 1e6:6.3f} M rows/s")


if __name__ == "__main__":
    main()
