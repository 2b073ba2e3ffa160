"""Benchmark: building tracking workbooks for 100k claim lines over 20 payers, next to XlsxWriter
(constant_memory) writing the same cells in the same run, with peak memory as rows grow.

    python bench/bench_build.py                    # 25k, 50k and 100k lines, 20 payers
    python bench/bench_build.py --sizes 10000      # a quick run

Each measurement runs in its own process (peak resident memory is the process's ru_maxrss; "inputs MB" is the
peak after the priced claims are in memory, so peak minus inputs is what writing adds). Both engines start
from the same priced claims (read + pricing time is reported on its own) and write the same Claims, Escalation
log and Deadlines cells: values, formulas and a cell format per column. oonkit also writes the Guide, Payer,
Dashboard (with charts), Assumptions, Holidays and Lists sheets and portfolio.xlsx, which the twin does not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2026, 1, 15)
METHODS = [
    ("Percent of Medicare", 1.4, None),
    ("Percent of billed", 0.3, None),
    ("Charge percentile", 1.0, 80),
    ("Percent of Medicare", 1.2, None),
    ("Percent of Medicare", 2.0, None),
]


def make_inputs(folder: Path, lines: int, payers: int) -> tuple[Path, Path, Path]:
    from workbooks.synthetic import write_files

    pdir = folder / "payers"
    pdir.mkdir(parents=True, exist_ok=True)
    ids = []
    for i in range(payers):
        method, factor, pct = METHODS[i % len(METHODS)]
        pid = f"bench-payer-{i:02d}"
        ids.append(pid)
        (pdir / f"{pid}.yaml").write_text(
            f"id: {pid}\nname: Bench Payer {i:02d}\nmethod: {method}\nfactor: {factor}\n"
            f"percentile: {pct if pct else 'null'}\nnotes: synthetic benchmark payer\nsource: bench\n"
        )
    claims, log = write_files(folder, lines, ids, seed=lines)
    return claims, log, pdir


def run_oonkit(claims: Path, log: Path, payers: Path, out: Path) -> dict:
    from workbooks.build import build_set, prepare

    prepare(claims, payers, log, None)  # the inputs in memory, to see what writing adds to the peak
    after_inputs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    result = build_set(claims, out, payers, AS_OF, log)
    return {"seconds": time.perf_counter() - t, "files": len(result.workbooks) + 1, "inputs_mb": after_inputs}


def run_twin(claims: Path, log: Path, payers: Path, out: Path) -> dict:
    """XlsxWriter, constant_memory, the same table cells as oonkit's three tables."""
    import pandas as pd
    import xlsxwriter

    from workbooks.build import by_payer, prepare
    from workbooks.layout import load_layout
    from workbooks.payer_workbook import deadline_column_formulas, next_due_formula
    from workbooks.styles import NUMBER_FORMATS
    from workbooks.tables import _value, column_formula

    t0 = time.perf_counter()
    priced, log_frame, profiles = prepare(claims, payers, log, None)
    t1 = time.perf_counter()
    after_inputs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    layout = load_layout()
    cells = 0
    out.mkdir(parents=True, exist_ok=True)
    for pid, lines, lg in by_payer(priced, log_frame):
        wb = xlsxwriter.Workbook(str(out / f"{pid}.xlsx"), {"constant_memory": True})
        fmts = {}
        tables = [
            ("claims", lines, {}),
            ("log", lg, {"Next action due": next_due_formula(profiles[pid])}),
            (
                "deadlines",
                pd.DataFrame({"claim_id": pd.unique(lines["claim_id"])}),
                deadline_column_formulas(layout["deadlines"]),
            ),
        ]
        for key, frame, overrides in tables:
            lay = layout[key]
            ws = wb.add_worksheet(lay.name)
            for j, c in enumerate(lay.columns):
                k = (c.kind, c.type)
                if k not in fmts:
                    fmts[k] = wb.add_format(
                        {
                            "num_format": NUMBER_FORMATS[c.type],
                            "locked": c.kind == "computed",
                            "bg_color": "#FFF7D6" if c.kind == "input" else "#E8EEF4",
                        }
                    )
                ws.write_string(0, j, c.header)
            formulas = [column_formula(c, lay.name, overrides) for c in lay.columns]
            sources = [frame[c.source].tolist() if c.source in frame.columns else None for c in lay.columns]
            formats = [fmts[(c.kind, c.type)] for c in lay.columns]
            n = len(frame)
            for r in range(n + lay.spare_rows):
                for j, c in enumerate(lay.columns):
                    if c.kind == "computed":
                        ws.write_formula(r + 1, j, formulas[j] or '=""', formats[j])
                    else:
                        v = _value(sources[j][r], c.type) if sources[j] is not None and r < n else None
                        if v is None:
                            ws.write_blank(r + 1, j, None, formats[j])
                        elif isinstance(v, str):
                            ws.write_string(r + 1, j, v, formats[j])
                        elif isinstance(v, dt.date):
                            ws.write_datetime(r + 1, j, dt.datetime(v.year, v.month, v.day), formats[j])
                        else:
                            ws.write_number(r + 1, j, float(v), formats[j])
                    cells += 1
        wb.close()
    return {
        "seconds": time.perf_counter() - t1,
        "prepare_seconds": t1 - t0,
        "cells": cells,
        "inputs_mb": after_inputs,
    }


def child(engine: str, lines: int, folder: Path) -> None:
    claims, log, payers = folder / "claims.csv", folder / "log.csv", folder / "payers"
    out = folder / f"out-{engine}"
    if engine == "xlsxwriter-raw":
        # XlsxWriter's lower bound: skip the ~30 regular-expression substitutions it runs on every formula
        # (future-function prefixes), leaving only the writing of the cells.
        from xlsxwriter.worksheet import Worksheet

        Worksheet._prepare_formula = lambda self, formula, expand_future_functions=False: formula.lstrip("=")
    res = (run_oonkit if engine == "oonkit" else run_twin)(claims, log, payers, out)
    res["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["bytes"] = sum(p.stat().st_size for p in out.glob("*.xlsx"))
    print(json.dumps(res))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="25000,50000,100000")
    ap.add_argument("--payers", type=int, default=20)
    ap.add_argument(
        "--shipped-max",
        type=int,
        default=25_000,
        help="run XlsxWriter as shipped only up to this many lines (it takes ~9 ms a line)",
    )
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "LINES", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return

    print(f"machine: {describe('openpyxl', 'xlsxwriter')}")
    print(f"{'lines':>8} {'engine':>10} {'seconds':>8} {'peak MB':>8} {'inputs MB':>9} {'MB out':>7}  notes")
    for lines in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            make_inputs(folder, lines, args.payers)
            results = {}
            engines = ["oonkit", "xlsxwriter-raw"] + (["xlsxwriter"] if lines <= args.shipped_max else [])
            for engine in engines:
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", engine, str(lines), tmp],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
            o, raw = results["oonkit"], results["xlsxwriter-raw"]
            print(
                f"{lines:>8} {'oonkit':>10} {o['seconds']:>8.1f} {o['peak_mb']:>8.0f} {o['inputs_mb']:>9.0f} {o['bytes'] / 1e6:>7.1f}  "
                f"whole build: read + price ({raw['prepare_seconds']:.1f} s) + {o['files']} workbooks"
            )
            if "xlsxwriter" in results:
                x = results["xlsxwriter"]
                print(
                    f"{lines:>8} {'xlsxwriter':>10} {x['seconds']:>8.1f} {x['peak_mb']:>8.0f} {x['inputs_mb']:>9.0f} {x['bytes'] / 1e6:>7.1f}  "
                    f"the three tables only, {x['cells']:,} cells; oonkit / XlsxWriter = "
                    f"{o['seconds'] / (x['seconds'] + x['prepare_seconds']):.2f} (same inputs, read + price included)"
                )
            print(
                f"{lines:>8} {'xlsx-raw':>10} {raw['seconds']:>8.1f} {raw['peak_mb']:>8.0f} {raw['inputs_mb']:>9.0f} {raw['bytes'] / 1e6:>7.1f}  "
                f"XlsxWriter without its formula preparation; oonkit / it = "
                f"{o['seconds'] / (raw['seconds'] + raw['prepare_seconds']):.2f}"
            )


if __name__ == "__main__":
    main()
