"""Benchmark of the Medicare PFS look-up (run: python bench/bench_medicare.py [lines]).

Prints: table load time (cold), medicare_amount and price_pfs on 1 M random lines (a realistic mix of
codes with and without 26/TC, all 109 localities and both settings), price_claim on 100 k claims of 1-5
lines, and two per-row Python loop baselines on a sample (the public scalar call per row, and a
hand-written dictionary look-up per row). Figures go to bench/RESULTS-medicare.md with the machine.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from udfs import pfs_data
from udfs.medicare import medicare_amount, price_pfs
from udfs.surgery import price_claim

# code, modifier, weight: E/M visits dominate, then procedures and imaging components
MIX = [
    ("99213", "", 20),
    ("99214", "", 18),
    ("99285", "", 6),
    ("99284", "", 5),
    ("99232", "", 6),
    ("29881", "", 2),
    ("27447", "", 2),
    ("63650", "", 1),
    ("43239", "", 2),
    ("64483", "", 3),
    ("70553", "", 2),
    ("70553", "26", 3),
    ("70553", "TC", 1),
    ("71046", "26", 4),
    ("74177", "26", 2),
    ("97110", "", 8),
    ("20610", "", 3),
    ("93000", "", 3),
    ("G0008", "", 1),
    ("64999", "", 1),
]


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(20250101)
    pfs_data._CACHE.clear()
    t = time.perf_counter()
    table = pfs_data.load_pfs(2025)
    load = time.perf_counter() - t
    codes = np.array([c for c, _, _ in MIX], dtype=object)
    mods = np.array([m for _, m, _ in MIX], dtype=object)
    w = np.array([x for _, _, x in MIX], dtype=float)
    pick = rng.choice(len(MIX), size=n, p=w / w.sum())
    hcpcs, modifier = codes[pick], mods[pick]
    localities = table.gpci.index.to_numpy(dtype=object)
    locality = localities[rng.integers(0, len(localities), n)]
    setting = np.array(["facility", "nonfacility"], dtype=object)[rng.integers(0, 2, n)]

    medicare_amount(hcpcs[:100], modifier[:100], locality[:100], setting[:100])  # warm-up (rules, caches)
    t_amount, amounts = timed(lambda: medicare_amount(hcpcs, modifier, locality, setting))
    t_frame, _ = timed(lambda: price_pfs(hcpcs, modifier, locality, setting), repeat=3)
    cats = [pd.Categorical(x) for x in (hcpcs, modifier, locality, setting)]
    t_cat, cat_amounts = timed(lambda: medicare_amount(*cats))
    assert np.array_equal(cat_amounts, amounts, equal_nan=True)

    # per-row Python loops on a sample
    k = 2_000
    t = time.perf_counter()
    for i in range(k):
        medicare_amount(hcpcs[i], modifier[i], locality[i], setting[i])
    per_call = (time.perf_counter() - t) / k
    rvu = {
        (h, m): r for h, m, r in zip(table.rvu.hcpcs, table.rvu["mod"], table.rvu.itertuples(), strict=True)
    }
    gpci = {lid: (r.gpci_work, r.gpci_pe, r.gpci_mp) for lid, r in table.gpci.iterrows()}
    k2 = 200_000
    t = time.perf_counter()
    loop = np.empty(k2)
    for i in range(k2):
        r = rvu.get((hcpcs[i], modifier[i])) or rvu.get((hcpcs[i], ""))
        g = gpci[locality[i]]
        nf = setting[i] == "nonfacility"
        ok = r.status in ("A", "R", "T") and not (r.nf_na if nf else r.f_na)
        pe = r.nf_pe_rvu if nf else r.f_pe_rvu
        loop[i] = (r.work_rvu * g[0] + pe * g[1] + r.mp_rvu * g[2]) * 32.3465 if ok else np.nan
    per_dict = (time.perf_counter() - t) / k2
    same = np.allclose(loop, amounts[:k2], equal_nan=True, rtol=1e-12)

    # claims: 100k claims of 1-5 surgical/imaging lines
    n_claims = 100_000
    sizes = rng.integers(1, 6, n_claims)
    claim_id = np.repeat(np.arange(n_claims), sizes)
    m = claim_id.size
    surg = np.array(
        [
            "27447",
            "29881",
            "22633",
            "63030",
            "64483",
            "43239",
            "43235",
            "43251",
            "70553",
            "74177",
            "97110",
            "99285",
        ],
        dtype=object,
    )
    lines_code = surg[rng.integers(0, len(surg), m)]
    lines_mod = np.array(["", "", "", "", "50", "80", "62", "LT"], dtype=object)[rng.integers(0, 8, m)]
    lines_loc = localities[rng.integers(0, len(localities), n_claims)][claim_id]
    lines_set = np.array(["facility", "nonfacility"], dtype=object)[rng.integers(0, 2, n_claims)][claim_id]
    t_claims, claims = timed(
        lambda: price_claim(claim_id, lines_code, lines_mod, 1, lines_loc, lines_set), repeat=3
    )

    cpu = platform.processor()
    if Path("/proc/cpuinfo").is_file():
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), cpu)
    print(
        f"machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, numpy {np.__version__}"
    )
    print(f"table load (CY2025 RVU + GPCI + crosswalk, cold): {load * 1000:.0f} ms")
    print(
        f"medicare_amount, {n:,} lines: {t_amount:.3f} s  ({n / t_amount / 1e6:.2f} M lines/s)"
        f"  priced {np.isfinite(amounts).mean():.1%}"
    )
    print(f"medicare_amount, {n:,} as Categoricals: {t_cat:.3f} s ({n / t_cat / 1e6:.2f} M lines/s)")
    print(
        f"price_pfs (DataFrame with notes), {n:,} lines: {t_frame:.3f} s  ({n / t_frame / 1e6:.2f} M lines/s)"
    )
    print(
        f"price_claim, {n_claims:,} claims / {m:,} lines: {t_claims:.2f} s  ({m / t_claims:,.0f} lines/s)"
        f"  priced {claims.priced.mean():.1%}"
    )
    print(
        f"per-row loop, public scalar call: {1 / per_call:,.0f} lines/s  "
        f"(vectorised is {per_call * n / t_amount:,.0f}x faster)"
    )
    print(
        f"per-row loop, hand-written dict look-up: {1 / per_dict:,.0f} lines/s  "
        f"(vectorised is {per_dict * n / t_amount:,.1f}x faster; same amounts: {same})"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
