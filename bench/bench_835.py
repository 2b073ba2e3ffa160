"""Benchmark of the 835 reader against plain splitting and pyx12, side by side in one run.

    python bench/bench_835.py            # 2k and 100k claims, pyx12 on the 2k file, memory on 100 MB
    python bench/bench_835.py --quick    # 2k and 10k claims, memory on 20 MB: a smoke run

For each generated file (``remits.synthetic``) it prints MB/s (best of several runs) of:

* plain split: ``[s.split(E) for s in data.decode().split(T)]``, the least any reader must do, with Python's
  garbage collector on (as a script runs it) and off (the reader switches it off while it reads);
* oonkit: ``read_remits(path)``, from the file on disk to every DataFrame, strict checks included;
* pyx12 X12Reader: pyx12's tokenizer (segments only, no tables);
* pyx12 validating parse: ``x12n_document`` against the 005010X221A1 map (no tables either); on the 2k file
  only, because on 100k claims it would take several minutes.

Then, in a fresh process, the peak resident memory of ``read_remits`` on a file of about 100 MB (above the
memory of the process after its imports), and the memory of the resulting tables.
Results are recorded in bench/RESULTS-remits.md.
"""

from __future__ import annotations

import argparse
import gc
import io
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402 (bench/machine.py, beside this script)

from remits.reader import read_remits  # noqa: E402
from remits.synthetic import synthetic_835  # noqa: E402


def best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
        del result
    return best


def plain_split(data: bytes) -> list[list[str]]:
    return [s.split("*") for s in data.decode("utf-8").split("~")]


def split_without_gc(data: bytes) -> list[list[str]]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return plain_split(data)
    finally:
        if enabled:
            gc.enable()


def pyx12_tokens(data: bytes) -> int:
    import pyx12.x12file

    return sum(1 for _ in pyx12.x12file.X12Reader(io.StringIO(data.decode("ascii"))))


def pyx12_validate(data: bytes) -> bool:
    import pyx12.params
    import pyx12.x12n_document

    return pyx12.x12n_document.x12n_document(
        pyx12.params.params(), io.StringIO(data.decode("ascii")), fd_997=None, fd_html=None, fd_xmldoc=None
    )


# VmHWM (peak resident set of this process image) rather than ru_maxrss, which Linux carries over from the
# parent through fork and exec
MEMORY_PROBE = """
import sys, time
sys.path.insert(0, {root!r})
import numpy, pandas
from remits.reader import read_remits

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

base = status("VmHWM:")
start = time.perf_counter()
remit = read_remits({path!r})
seconds = time.perf_counter() - start
peak = status("VmHWM:")
tables = sum(t.memory_usage(deep=True, index=False).sum() for t in remit.tables().values())
print(base, peak, seconds, tables, len(remit.claims), len(remit.lines))
"""


def memory(path: Path) -> tuple[float, float, float, float, int, int]:
    code = MEMORY_PROBE.format(root=str(ROOT), path=str(path))
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    out = done.stdout.split()
    base, peak, seconds, tables = (float(x) for x in out[:4])
    return base, peak, seconds, tables, int(out[4]), int(out[5])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller files: a smoke run")
    parser.add_argument("--no-pyx12", action="store_true", help="skip pyx12")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # pyx12 logs every validation finding
    sizes = [2_000, 10_000] if args.quick else [2_000, 100_000]
    big_claims = 38_000 if args.quick else 190_000  # about 20 MB or 100 MB
    print(f"machine: {describe('numpy', 'pandas')}")
    header = (
        f"{'file':>14} {'MB':>7} {'split MB/s':>11} {'split no-gc':>12} {'oonkit MB/s':>12} "
        f"{'pyx12 tokens':>13} {'pyx12 validate':>15}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="bench835-") as tmp:
        for claims in sizes:
            data = synthetic_835(claims=claims, seed=1)
            path = Path(tmp) / f"{claims}.835"
            path.write_bytes(data)
            mb = len(data) / 1e6
            runs = 5 if claims <= 10_000 else 3
            split = mb / best_of(runs, lambda data=data: plain_split(data))
            split_nogc = mb / best_of(runs, lambda data=data: split_without_gc(data))
            ours = mb / best_of(runs, lambda path=path: read_remits(path))
            tokens = validate = "-"
            if not args.no_pyx12:
                token_runs = 1 if claims > 10_000 else 3
                tokens = f"{mb / best_of(token_runs, lambda data=data: pyx12_tokens(data)):.2f}"
                if claims <= 2_000:
                    validate = f"{mb / best_of(1, lambda data=data: pyx12_validate(data)):.3f}"
                else:
                    validate = "not run"
            print(
                f"{claims:>8} claims {mb:>7.1f} {split:>11.1f} {split_nogc:>12.1f} {ours:>12.1f} "
                f"{tokens:>13} {validate:>15}"
            )
            print(
                f"{'':>14} oonkit / split = 1/{split / ours:.1f} (gc on), 1/{split_nogc / ours:.1f} (gc off)"
            )
        if not args.no_pyx12:
            print("pyx12 validate on the larger file: not run (about 0.2 MB/s: minutes per 50 MB)")
        data = synthetic_835(claims=big_claims, seed=2)
        path = Path(tmp) / "big.835"
        path.write_bytes(data)
        size = len(data)
        del data
        base, peak, seconds, tables, n_claims, n_lines = memory(path)
        print(
            f"memory: {size / 1e6:.0f} MB file ({n_claims} claims, {n_lines} lines) read in {seconds:.1f} s "
            f"({size / 1e6 / seconds:.1f} MB/s); peak resident {peak / 1e6:.0f} MB, "
            f"{(peak - base) / 1e6:.0f} MB above the {base / 1e6:.0f} MB after imports "
            f"= {(peak - base) / size:.1f}x the file; pandas counts {tables / 1e6:.0f} MB in the tables "
            "(deep: a string shared by many cells is counted once per cell)"
        )


if __name__ == "__main__":
    main()
