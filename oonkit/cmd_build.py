"""``oonkit build`` and ``oonkit demo``: tracking workbooks from a claims file, or from the embedded demo."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import yaml
from tqdm import tqdm

from oonkit import passwords
from oonkit.arguments import iso_date, warn
from remits.balance import imbalances
from remits.reader import read_remits
from remits.underpayment import find_underpayments
from udfs.charges import ChargeBenchmark
from udfs.payers import load_profiles
from udfs.reference import template_path
from workbooks.build import BuildResult, build_set
from workbooks.claims_file import read_claims
from workbooks.remit_report import build_remit_report
from workbooks.saving import Outputs


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser(
        "build", help="build one tracking workbook per payer and portfolio.xlsx from a claims file"
    )
    b.add_argument(
        "claims", type=Path, metavar="CLAIMS", help="claims file, CSV or XLSX (README: 'Claims file columns')"
    )
    b.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the workbooks")
    b.add_argument(
        "--payers", type=Path, metavar="PAYERS_DIR", help="folder of payer profiles (YAML) to add or override"
    )
    b.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="count deadlines and ages to this date (default today)"
    )
    b.add_argument(
        "--log", type=Path, metavar="LOG", help="escalation log entries to start from (CSV or XLSX)"
    )
    b.add_argument(
        "--benchmark", type=Path, metavar="FILE", help="charge benchmark table (code, geo, p50..p95)"
    )
    b.add_argument(
        "--with-udfs", action="store_true", help="add an xlwings.conf sheet so the OON_* functions load"
    )
    b.add_argument(
        "--password",
        action="store_true",
        help=f"encrypt the workbooks (patient data); the password comes from ${passwords.ENV} or a prompt",
    )
    b.set_defaults(func=run_build)
    d = sub.add_parser("demo", help="build the workbooks of the embedded demo claim set")
    d.add_argument(
        "--out", type=Path, default=Path("oonkit-demo"), metavar="DIR", help="folder (default ./oonkit-demo)"
    )
    d.add_argument(
        "--with-udfs", action="store_true", help="add an xlwings.conf sheet so the OON_* functions load"
    )
    d.set_defaults(func=run_demo)


def _build(
    args: argparse.Namespace,
    claims: Path,
    log: Path | None,
    benchmark: Path | None,
    as_of: dt.date | None,
) -> tuple[BuildResult, float]:
    """Build the set (within an :meth:`Outputs.transaction`, which renames the workbooks into place when it
    ends) and the seconds it took."""
    secret = passwords.password() if getattr(args, "password", False) else None
    started = time.perf_counter()
    bar = tqdm(desc="building", unit=" workbook", disable=not sys.stderr.isatty(), leave=False)

    def progress(what: str) -> None:
        bar.set_postfix_str(what)
        bar.update(1)

    try:
        result = build_set(
            claims,
            args.out,
            getattr(args, "payers", None),
            as_of,
            log,
            benchmark,
            args.with_udfs,
            progress,
            secret,
        )
    finally:
        bar.close()
    warn("build", result.warnings)
    return result, time.perf_counter() - started


def built(result: BuildResult, seconds: float, outputs: Outputs) -> str:
    """What the build wrote (and which files it replaced, where the previous ones were kept), the per-payer
    table and the notes on lines it could not price."""
    replaced = {r.path: r for r in outputs.replaced}
    lines = [
        f"Built {len(result.workbooks)} payer workbooks and a portfolio from {result.lines} lines "
        f"({result.claims} claims) in {seconds:.1f} s:"
    ]
    for path in [*result.workbooks.values(), result.portfolio]:
        lines.append(f"  {path}" + (f"  ({replaced[path].describe()})" if path in replaced else ""))
    lines += ["", summary_table(result.summary), *unpriced_notes(result.summary)]
    if result.unprofiled:
        names = ", ".join(result.unprofiled)
        lines.append(
            f"note: no payer profile for {names}: priced by the default profile (templates/payers/_default.yaml); "
            "add a profile with --payers, or check the spelling of the payer column."
        )
    return "\n".join(lines)


def unpriced_notes(summary) -> list[str]:
    """``note: <payer>: 3 lines without an expected amount: <why>.``, as ``oonkit remit`` words its notes."""
    notes = []
    for payer, info in summary.attrs.get("unpriced", {}).items():
        for why, n in info["reasons"].items():
            notes.append(
                f"note: {payer}: {n:,} line{'' if n == 1 else 's'} without an expected amount: {why}."
            )
    return notes


def summary_table(summary) -> str:
    """The portfolio's figures as a text table: what each payer paid against its own method and the target.

    Expected, Underpaid and Gap to target add up the lines that have the amount: "No expected" counts the lines
    without an expected amount (blank in the workbook), and a figure no line has is "-", not 0.00."""
    rows = [
        (
            "Payer",
            "Lines",
            "Billed",
            "Paid",
            "Paid/billed",
            "Paid/Medicare",
            "Expected",
            "No expected",
            "Underpaid",
            "Gap to target",
        )
    ]
    unpriced = summary.attrs.get("unpriced", {})
    for r in summary.itertuples(index=False):
        paid = r.initial_paid + r.recovered
        blank = unpriced.get(r.payer, {"lines": 0, "with_gap": r.lines})
        priced = blank["lines"] < r.lines  # some line has an expected amount
        rows.append(
            (
                r.payer[:32],
                f"{r.lines:,}",
                f"{r.billed:,.2f}",
                f"{paid:,.2f}",
                f"{paid / r.billed:.1%}" if r.billed else "-",
                f"{r.paid_priced / r.medicare:.0%}" if r.medicare else "-",
                f"{r.expected_allowed:,.2f}" if priced else "-",
                f"{blank['lines']:,}",
                f"{r.underpaid:,}" if priced else "-",
                f"{r.gap:,.2f}" if blank["with_gap"] else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def run_build(args: argparse.Namespace) -> int:
    outputs = Outputs(
        "build",
        {args.claims: "claims file", args.log: "--log file", args.benchmark: "--benchmark file"},
        backup=True,
    )
    outputs.check_folder(args.out, "--out")
    with outputs.transaction():
        result, seconds = _build(args, args.claims, args.log, args.benchmark, args.as_of)
    print(built(result, seconds, outputs))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    settings = yaml.safe_load(template_path("demo/demo.yaml").read_text(encoding="utf-8"))
    folder = template_path("demo/demo.yaml").parent
    as_of = settings["as_of"] if isinstance(settings["as_of"], dt.date) else iso_date(str(settings["as_of"]))
    claims, log, benchmark = (folder / settings[k] for k in ("claims", "log", "benchmark"))
    outputs = Outputs(
        "demo", {claims: "demo claims file", log: "demo log", benchmark: "demo benchmark"}, backup=True
    )
    outputs.check_folder(args.out, "--out")
    report = outputs.check(args.out / "remit-report.xlsx", "--out", backup=False)  # a report: replaced
    print(f"oonkit demo: synthetic claims of four fictional payers, as of {as_of} (templates/demo/README.md)")
    remit_files = sorted((folder / settings["remits"]).glob("*.835"))
    with outputs.transaction():
        result, seconds = _build(args, claims, log, benchmark, as_of)
        remit = read_remits(remit_files)
        profiles = load_profiles()
        found = find_underpayments(
            remit,
            profiles,
            read_claims(claims),
            ChargeBenchmark.read(benchmark),
            as_of=as_of,
            imbalances=imbalances(remit),
        )
        build_remit_report(found, report, profiles)
    print(built(result, seconds, outputs))
    counts = found.lines["classification"].value_counts()
    again = next((f" ({r.describe()})" for r in outputs.replaced if r.path == report), "")
    print(
        f"\nRead the demo payers' 835 remittances ({len(remit_files)} files, {len(remit.claims)} claims): "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + f"; report in {report}{again}"
    )
    print(
        "Open the payer workbooks in Excel or LibreOffice: start with the Guide sheet; portfolio.xlsx compares payers."
    )
    return 0
