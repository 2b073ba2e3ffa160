"""Benchmark of the case economics math (``oonkit case``): escalation-path NPV for every stopping stage
(``udfs.value.escalation_value``), IDR expected gain and break-even (``udfs.idr``) and the pre-service cost share
(``udfs.share.cost_share``) over simulated cases, vectorised, against a loop calling the same functions once per
case. Prints figures; results are recorded in bench/RESULTS-case.md.

    python bench/bench_case.py [--cases 100000] [--loop 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from udfs.idr import idr_break_even, idr_expected_gain
from udfs.share import cost_share
from udfs.value import escalation_value

STAGES = 6  # reconsideration, appeal 1, appeal 2, external review, NSA open negotiation, IDR


def simulate(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """n cases with the ranges of templates/rules/stages.yaml and the published IDR figures (context.yaml)."""
    rng = np.random.default_rng(seed)
    allowed = rng.lognormal(np.log(4_000), 0.8, n)
    qpa = allowed * rng.uniform(0.6, 1.2, n)
    return {
        "gap": allowed * rng.uniform(0.2, 3.0, n),
        "probability": rng.uniform(0.1, 0.9, (n, STAGES)),
        "share": rng.uniform(0.3, 1.0, (n, STAGES)),
        "cost": rng.uniform(0, 900, (n, STAGES)),
        "days": rng.integers(14, 180, (n, STAGES)).astype(float),
        "rate": rng.uniform(0.0, 0.15, n),
        "fee_rate": rng.choice([0.0, 0.2, 0.33], n),
        "offer": rng.uniform(0, 2_000, n),
        "allowed": allowed,
        "qpa": qpa,
        "provider_offer": qpa * rng.uniform(1.5, 4.5, n),
        "payer_offer": qpa * rng.uniform(0.9, 1.2, n),
        "paid": allowed,
        "win": rng.uniform(0.5, 0.95, n),
        "admin": np.where(rng.random(n) < 0.5, 115.0, 15.0),
        "entity": rng.uniform(200, 1_173, n),
        "batch": rng.integers(1, 60, n).astype(float),
        "deductible": rng.uniform(0, 3_000, n),
        "coinsurance": rng.uniform(0, 0.4, n),
        "oop": rng.uniform(0, 8_000, n),
        "nsa": rng.random(n) < 0.5,
    }


def vectorised(c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    v = escalation_value(
        c["gap"], c["probability"], c["share"], c["cost"], c["days"], c["rate"], c["fee_rate"], c["offer"]
    )
    gain = idr_expected_gain(
        c["provider_offer"], c["payer_offer"], c["paid"], c["win"], c["admin"], c["entity"], c["batch"]
    )
    even = idr_break_even(
        c["provider_offer"], c["payer_offer"], c["paid"], c["admin"], c["entity"], c["batch"]
    )
    share = cost_share(
        c["allowed"], c["deductible"], c["coinsurance"], 0.0, c["oop"], c["nsa"], c["qpa"], c["allowed"] * 3
    )
    return v.best_npv, v.best_stop, np.asarray(gain), np.asarray(even), share.patient


def loop(c: dict[str, np.ndarray], n: int) -> tuple[np.ndarray, ...]:
    out = [np.empty(n) for _ in range(5)]
    for i in range(n):
        v = escalation_value(
            c["gap"][i],
            c["probability"][i],
            c["share"][i],
            c["cost"][i],
            c["days"][i],
            c["rate"][i],
            c["fee_rate"][i],
            c["offer"][i],
        )
        args = (c["provider_offer"][i], c["payer_offer"][i], c["paid"][i])
        fees = (c["admin"][i], c["entity"][i], c["batch"][i])
        out[0][i], out[1][i] = v.best_npv, v.best_stop
        out[2][i] = idr_expected_gain(*args, c["win"][i], *fees)
        out[3][i] = idr_break_even(*args, *fees)
        s = cost_share(
            c["allowed"][i],
            c["deductible"][i],
            c["coinsurance"][i],
            0.0,
            c["oop"][i],
            c["nsa"][i],
            c["qpa"][i],
            c["allowed"][i] * 3,
        )
        out[4][i] = s.patient
    return tuple(out)


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--loop", type=int, default=5_000, help="cases in the per-case loop sample")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}, numpy {np.__version__}"
    )
    cases = simulate(args.cases)
    seconds, result = timed(lambda: vectorised(cases), args.runs)
    print(
        f"vectorised: {args.cases:,} cases x {STAGES} stages in {seconds:.3f} s "
        f"({args.cases / seconds:,.0f} cases/s; median of {args.runs})"
    )
    n = min(args.loop, args.cases)
    loop_seconds, looped = timed(lambda: loop(cases, n), 1)
    print(f"per-case loop: {n:,} cases in {loop_seconds:.2f} s ({n / loop_seconds:,.0f} cases/s)")
    print(f"speed-up: {(args.cases / seconds) / (n / loop_seconds):,.0f}x")
    worst = max(float(np.nanmax(np.abs(np.asarray(a)[:n] - b))) for a, b in zip(result, looped, strict=True))
    print(f"largest difference between the two on the sample: {worst:.3g}")
    import tempfile
    from pathlib import Path

    from workbooks.case_file import read_case
    from workbooks.case_workbook import build_case_workbook

    with tempfile.TemporaryDirectory() as folder:
        read_seconds, case = timed(read_case, args.runs)
        build_seconds, _ = timed(lambda: build_case_workbook(case, Path(folder) / "case.xlsx"), args.runs)
    print(
        f"worked example: read and price {read_seconds * 1000:.0f} ms, build and save the workbook {build_seconds * 1000:.0f} ms"
    )
    best = np.asarray(result[1])
    print(
        "best stop distribution (0 = accept): "
        + ", ".join(f"{k}: {np.mean(best == k):.1%}" for k in range(STAGES + 1))
    )


if __name__ == "__main__":
    main()
