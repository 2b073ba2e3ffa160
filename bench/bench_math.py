"""Benchmark of the reimbursement math in ``udfs`` (run: python bench/bench_math.py [lines]).

Prints:

1. 1 M claim lines through ``allowed_amount`` + ``cost_share`` + ``recovery_gap`` (target: >= 10 M lines/s for the
   three together), with the payer method given three ways: a column of text (as read from a CSV or a sheet),
   a pandas Categorical (a claims DataFrame with a category column), and one method for every line (one
   payer's rule). Wall-clock median and best of 7, and CPU time (the machine is shared: CPU time is what the
   code costs, wall time what a user waits). Then a per-row Python loop of the same formulas on a sample,
   whose results must equal the vectorised ones exactly, and the public functions called once per row.
2. The 1 M-line Medicare PFS look-up ``medicare_amount`` (target < 0.5 s; bench/bench_medicare.py has the detail).
3. Case value and IDR economics over 100 k cases: ``escalation_value`` (4 stages, NPV per stopping point),
   ``idr_expected_gain`` and ``idr_break_even``.

Figures go to bench/RESULTS-math.md with the machine.
"""

from __future__ import annotations

import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_medicare import MIX
from machine import describe

from udfs import pfs_data
from udfs.allowed import allowed_amount
from udfs.gap import recovery_gap
from udfs.idr import idr_break_even, idr_expected_gain
from udfs.medicare import medicare_amount
from udfs.share import claim_cost_share, cost_share
from udfs.value import escalation_value

METHODS = np.array(["Percent of Medicare", "Percent of billed", "Flat rate"], dtype=object)


def timed(fn, repeat: int = 7) -> tuple[float, float, float]:
    """(median wall, best wall, median CPU) seconds of ``fn()``."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), min(wall), statistics.median(cpu)


def claim_lines(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A realistic million lines: 70% percent of Medicare, 25% percent of billed, 5% flat rate; deductibles,
    coinsurance, out-of-pocket remainders; 30% of lines under the No Surprises Act; payments received."""
    billed = rng.uniform(100, 8000, n).round(2)
    method = METHODS[rng.choice(3, n, p=[0.7, 0.25, 0.05])]
    method = np.array([str(m) for m in method], dtype=object)  # one str object per cell, as a file gives them
    return {
        "method": method,
        "billed": billed,
        "medicare": (billed * rng.uniform(0.1, 0.4, n)).round(2),
        "factor": np.where(method == "Percent of billed", 0.35, 1.4),
        "rate": np.where(method == "Flat rate", 2500.0, np.nan),
        "deductible": rng.choice([0.0, 250.0, 500.0, 1500.0], n),
        "coinsurance": rng.choice([0.2, 0.3, 0.4], n),
        "copay": rng.choice([0.0, 0.0, 25.0, 50.0], n),
        "oop": rng.uniform(0, 6000, n).round(2),
        "nsa": rng.random(n) < 0.3,
        "qpa": (billed * rng.uniform(0.15, 0.35, n)).round(2),
        "plan_paid": (billed * rng.uniform(0.0, 0.4, n)).round(2),
    }


def pipeline(c: dict[str, np.ndarray], method) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected allowed amount, patient share, and the gap between that allowed amount and what was received."""
    allowed = allowed_amount(method, c["billed"], c["medicare"], c["factor"], rate=c["rate"])
    share = cost_share(
        allowed, c["deductible"], c["coinsurance"], c["copay"], c["oop"], c["nsa"], c["qpa"], c["billed"]
    )
    gap = recovery_gap(allowed, c["plan_paid"], share.patient)
    return allowed, share.patient, gap


def per_row_loop(c: dict[str, np.ndarray], k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same formulas, one line at a time in plain Python (floats; NaN where the vectorised code has it)."""
    allowed, patient, gap = np.empty(k), np.empty(k), np.empty(k)
    for i in range(k):
        m, b = c["method"][i], float(c["billed"][i])
        basis = {
            "Percent of Medicare": c["medicare"][i],
            "Percent of billed": b,
            "Flat rate": c["rate"][i],
        }[m]
        a = float(basis) * float(c["factor"][i])
        a = min(a, b) if not math.isnan(a) else a
        q = float(c["qpa"][i])
        base = min(q, b) if c["nsa"][i] else a
        ded = min(base, float(c["deductible"][i]))
        cop = min(float(c["copay"][i]), base - ded)
        coins = float(c["coinsurance"][i]) * (base - ded - cop)
        p = min(ded + cop + coins, float(c["oop"][i]))
        allowed[i], patient[i] = a, p
        gap[i] = max(a - float(c["plan_paid"][i]) - p, 0.0)
    return allowed, patient, gap


def per_row_public(c: dict[str, np.ndarray], k: int) -> None:
    for i in range(k):
        a = allowed_amount(
            c["method"][i], c["billed"][i], c["medicare"][i], c["factor"][i], rate=c["rate"][i]
        )
        s = cost_share(
            a,
            c["deductible"][i],
            c["coinsurance"][i],
            c["copay"][i],
            c["oop"][i],
            c["nsa"][i],
            c["qpa"][i],
            c["billed"][i],
        )
        recovery_gap(a, c["plan_paid"][i], float(s.patient))


def report_lines(n: int, rng: np.random.Generator) -> None:
    c = claim_lines(n, rng)
    forms = {
        "method as text (object column)": c["method"],
        "method as pandas Categorical": pd.Categorical(c["method"]),
        "one method for every line": "Percent of Medicare",
    }
    reference = pipeline(c, c["method"])
    for label, method in forms.items():
        pipeline(c, method)  # warm-up
        wall, best, cpu = timed(lambda method=method: pipeline(c, method))
        print(
            f"allowed + share + gap, {n:,} lines, {label}: {wall * 1000:.0f} ms median, {best * 1000:.0f} ms best,"
            f" {cpu * 1000:.0f} ms CPU  ({n / wall / 1e6:.1f} M lines/s median, {n / best / 1e6:.1f} best,"
            f" {n / cpu / 1e6:.1f} by CPU time)"
        )
    # the payer workbooks' share: the deductible and cap once per claim (1 to 4 lines a claim, text claim ids)
    claim_ids = np.array([f"C{i:07d}" for i in np.cumsum(rng.random(n) < 0.4)], dtype=object)

    def per_claim() -> None:
        allowed = allowed_amount(c["method"], c["billed"], c["medicare"], c["factor"], rate=c["rate"])
        share = claim_cost_share(
            claim_ids,
            allowed,
            c["deductible"],
            c["coinsurance"],
            c["copay"],
            c["oop"],
            c["nsa"],
            c["qpa"],
            c["billed"],
        )
        recovery_gap(allowed, c["plan_paid"], share.patient)

    per_claim()
    wall, best, cpu = timed(per_claim, repeat=5)
    print(
        f"allowed + share once per claim + gap, {n:,} lines in {len(set(claim_ids)):,} claims (text ids):"
        f" {wall * 1000:.0f} ms median, {best * 1000:.0f} ms best ({n / wall / 1e6:.1f} M lines/s median)"
    )
    k = 200_000
    t = time.perf_counter()
    loop = per_row_loop(c, k)
    per_loop = (time.perf_counter() - t) / k
    same = all(np.array_equal(a[:k], b, equal_nan=True) for a, b in zip(reference, loop, strict=True))
    k2 = 2_000
    t = time.perf_counter()
    per_row_public(c, k2)
    per_public = (time.perf_counter() - t) / k2
    wall, _, _ = timed(lambda: pipeline(c, c["method"]), repeat=3)
    print(
        f"per-row Python loop of the same formulas ({k:,}-line sample): {1 / per_loop / 1e6:.2f} M lines/s;"
        f" vectorised (text method) is {per_loop * n / wall:.0f}x faster; same results: {same}"
    )
    print(
        f"per-row calls of the public functions ({k2:,}-line sample): {1 / per_public:,.0f} lines/s;"
        f" vectorised is {per_public * n / wall:,.0f}x faster"
    )


def report_medicare(n: int, rng: np.random.Generator) -> None:
    table = pfs_data.load_pfs(2025)
    codes = np.array([c for c, _, _ in MIX], dtype=object)
    mods = np.array([m for _, m, _ in MIX], dtype=object)
    w = np.array([x for _, _, x in MIX], dtype=float)
    pick = rng.choice(len(MIX), size=n, p=w / w.sum())
    localities = table.gpci.index.to_numpy(dtype=object)
    args = (
        codes[pick],
        mods[pick],
        localities[rng.integers(0, len(localities), n)],
        np.array(["facility", "nonfacility"], dtype=object)[rng.integers(0, 2, n)],
    )
    medicare_amount(*(a[:100] for a in args))
    wall, best, cpu = timed(lambda: medicare_amount(*args), repeat=5)
    print(
        f"medicare_amount, {n:,} lines (text columns, 109 localities): {wall:.3f} s median, {best:.3f} s best,"
        f" {cpu:.3f} s CPU  (target < 0.5 s)"
    )


def report_cases(n: int, rng: np.random.Generator) -> None:
    gap = rng.uniform(200, 20_000, n)
    prob = np.array([0.45, 0.5, 0.4, 0.8]) * rng.uniform(0.8, 1.1, (n, 4)).clip(max=1 / 0.8)
    share = np.array([1.0, 1.0, 1.0, 0.9])
    cost = np.array([50.0, 150.0, 500.0, 470.0])
    days = np.array([30.0, 60.0, 45.0, 90.0])
    rate = rng.choice([0.06, 0.08, 0.10], n)
    wall, best, cpu = timed(lambda: escalation_value(gap, prob, share, cost, days, rate, 0.2), repeat=5)
    print(
        f"escalation_value, {n:,} cases x 4 stages (NPV of each stopping point, best stop):"
        f" {wall * 1000:.0f} ms median, {best * 1000:.0f} ms best, {cpu * 1000:.0f} ms CPU"
    )
    offers = gap * 3
    payer = gap * rng.uniform(0.8, 1.2, n)
    paid = gap * 0.9
    win = rng.uniform(0.5, 0.9, n)
    wall_g, _, cpu_g = timed(lambda: idr_expected_gain(offers, payer, paid, win, 15.0, 400.0, 1), repeat=5)
    wall_b, _, cpu_b = timed(lambda: idr_break_even(offers, payer, paid, 15.0, 400.0, 1), repeat=5)
    print(
        f"idr_expected_gain, {n:,} cases: {wall_g * 1000:.1f} ms median ({cpu_g * 1000:.1f} ms CPU);"
        f" idr_break_even: {wall_b * 1000:.1f} ms median ({cpu_b * 1000:.1f} ms CPU)"
    )
    k = 1_000
    t = time.perf_counter()
    for i in range(k):
        escalation_value(gap[i], prob[i], share, cost, days, rate[i], 0.2)
    per_case = (time.perf_counter() - t) / k
    print(
        f"escalation_value called once per case ({k:,}-case sample): {1 / per_case:,.0f} cases/s;"
        f" vectorised is {per_case * n / wall:,.0f}x faster"
    )


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(20260102)
    print(f"machine: {describe('numpy', 'pandas')}")
    report_lines(n, rng)
    report_medicare(n, rng)
    report_cases(100_000, rng)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
