"""Benchmark of the Excel face: one ``OON_*`` call over a 100k-row range (run: python bench/bench_addin.py [rows]).

Inputs are shaped as xlwings delivers a range to a function registered with ``np.array, ndim=2, dtype=object``:
2-D object arrays of Python floats, str, ``datetime.datetime`` and None (empty cells), with a few empty and text
cells mixed in where a real sheet has them. Prints, for OON_GAP, OON_ALLOWED, OON_PATIENT_SHARE, OON_MEDICARE
and OON_DEADLINE: the median time of one call over the whole range (target < 100 ms), and for contrast the
time of one call per row (measured on a sample of rows, given per call and extrapolated to the range).

Not measured: Excel's side (COM transfer of the range, xlwings' own range reading), which needs Excel on
Windows; ``/work/shared/EXCEL.md`` quotes 41 ms for xlwings' conversion of one 10,000-row call.
Figures go to bench/RESULTS-math.md with the machine.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addin import functions as F
from udfs import pfs_data

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_medicare import MIX
from machine import describe


def column(values: np.ndarray) -> np.ndarray:
    """A range as xlwings hands it over: a 2-D (rows x 1) object array of Python values."""
    out = np.empty((len(values), 1), dtype=object)
    out[:, 0] = values.tolist() if isinstance(values, np.ndarray) else values
    return out


def sheet(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The columns of a claims sheet of ``n`` rows, as xlwings would read them."""
    billed = rng.uniform(100, 8000, n).round(2)
    medicare = (billed * rng.uniform(0.1, 0.4, n)).round(2)
    paid = (billed * rng.uniform(0.0, 0.5, n)).round(2)
    methods = np.array(["Percent of Medicare", "Percent of billed", "Flat rate"], dtype=object)
    method = methods[rng.choice(3, n, p=[0.7, 0.25, 0.05])]
    factor = np.where(method == "Percent of billed", 0.35, 1.4).astype(object)
    factor[method == "Flat rate"] = None
    rate = np.full(n, None, dtype=object)
    rate[method == "Flat rate"] = 2500.0
    ded = rng.choice([0.0, 250.0, 500.0, 1500.0], n).astype(object)
    ded[rng.random(n) < 0.1] = None  # empty cell: default 0
    coins = rng.choice([0.2, 0.3, 0.4], n).astype(object)
    oop = rng.uniform(0, 6000, n).round(2).astype(object)
    target = (medicare * 1.4).astype(object)
    target[::997] = "n/a"  # a few text cells: each row answers with a message
    codes = np.array([c for c, _, _ in MIX], dtype=object)
    mods = np.array([m for _, m, _ in MIX], dtype=object)
    w = np.array([x for _, _, x in MIX], dtype=float)
    pick = rng.choice(len(MIX), size=n, p=w / w.sum())
    localities = pfs_data.load_pfs(2025).gpci.index.to_numpy(dtype=object)
    rules = np.array(
        ["nsa_open_negotiation", "idr_initiation", "erisa_internal_appeal", "external_review"], dtype=object
    )
    first = dt.datetime(2022, 1, 3)
    start = np.array([first + dt.timedelta(days=int(d)) for d in rng.integers(0, 5 * 365, n)], dtype=object)
    start[::1009] = None  # an empty date: that row says so
    return {
        "billed": column(billed),
        "medicare": column(medicare),
        "paid": column(paid),
        "method": column(method),
        "factor": column(factor),
        "rate": column(rate),
        "ded": column(ded),
        "coins": column(coins),
        "oop": column(oop),
        "target": column(target),
        "hcpcs": column(codes[pick]),
        "modifier": column(mods[pick]),
        "locality": column(localities[rng.integers(0, len(localities), n)]),
        "setting": column(np.array(["facility", "nonfacility"], dtype=object)[rng.integers(0, 2, n)]),
        "rule": column(rules[rng.integers(0, len(rules), n)]),
        "start": column(start),
    }


CALLS = {
    "OON_GAP": lambda s: F.OON_GAP(s["target"], s["paid"]),
    "OON_ALLOWED": lambda s: F.OON_ALLOWED(
        s["method"], s["billed"], s["medicare"], s["factor"], rate=s["rate"]
    ),
    "OON_PATIENT_SHARE": lambda s: F.OON_PATIENT_SHARE(
        s["medicare"], s["ded"], s["coins"], oop_remaining=s["oop"]
    ),
    "OON_MEDICARE": lambda s: F.OON_MEDICARE(s["hcpcs"], s["modifier"], s["locality"], s["setting"]),
    "OON_DEADLINE": lambda s: F.OON_DEADLINE(s["rule"], s["start"]),
}


def timed(fn, repeat: int = 7) -> tuple[float, float]:
    """(median wall, median CPU) seconds of ``fn()``: on a shared machine CPU time is what the code costs."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main(n: int = 100_000, sample: int = 2_000) -> None:
    rng = np.random.default_rng(20260101)
    s = sheet(n, rng)
    print(f"machine: {describe('numpy', 'pandas', 'xlwings')}")
    print(f"{n:,} rows per range; per-row calls measured on {sample:,} rows and extrapolated")
    print(
        f"{'function':<20}{'one call':>11}{'CPU':>9}{'rows/s':>12}{'per-row call':>14}{'x rows':>9}{'ratio':>8}"
    )
    for name, call in CALLS.items():
        out = call(s)
        assert out.shape == (n, 1)
        messages = sum(isinstance(v, str) for v in out[:, 0])
        t_range, t_cpu = timed(lambda call=call: call(s))
        # one call per row, as a sheet of n formulas each over one row would make
        rows = [{k: v[i : i + 1] for k, v in s.items()} for i in range(sample)]
        t = time.perf_counter()
        for i, row in enumerate(rows):
            one = call(row)
            assert one[0, 0] == out[i, 0], (name, i, one[0, 0], out[i, 0])
        per_row = (time.perf_counter() - t) / sample
        verdict = "ok" if t_range < 0.1 else ("ok by CPU time" if t_cpu < 0.1 else "MISSES 100 ms")
        print(
            f"{name:<20}{t_range * 1000:>8.1f} ms{t_cpu * 1000:>6.1f} ms{n / t_range / 1e6:>8.2f} M/s"
            f"{per_row * 1e6:>11.0f} us{per_row * n:>7.0f} s{per_row * n / t_range:>7.0f}x"
            f"  {verdict}; {messages:,} rows answer a message"
        )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
