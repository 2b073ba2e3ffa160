"""``oonkit update``: import 835 remittances (and new claims) into a payer workbook staff have filled in."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from oonkit import passwords
from oonkit.arguments import warn
from udfs.errors import InputError, OonError
from workbooks.saving import os_error_text
from workbooks.update import UpdateReport, update_workbook

TABLES = {"claims": "Claims", "log": "Escalation log", "deadlines": "Deadlines"}


def register(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser(
        "update",
        help="add 835 payments and new claims to a payer workbook without touching what staff typed",
        description=(
            "Import 835 remittances (and the new lines of a claims file) into a payer workbook built by oonkit "
            "build: blank payment inputs of matched lines are filled, remit claims not in the workbook are "
            "added, and each remit claim gets an Escalation log entry. Nothing staff typed is overwritten; "
            "differences are reported. The previous version is kept beside the workbook."
        ),
    )
    u.add_argument("workbook", type=Path, metavar="WORKBOOK", help="a payer workbook written by oonkit build")
    u.add_argument("--remit", nargs="+", type=Path, default=[], metavar="FILE", help="835 files to import")
    u.add_argument(
        "--claims",
        type=Path,
        metavar="CLAIMS",
        help="claims file (CSV or XLSX): add the lines the workbook lacks",
    )
    u.add_argument(
        "--payer",
        metavar="NAME",
        help="the remits' payer (N1*PR name or id) whose claims belong in this workbook, when it cannot be told",
    )
    u.add_argument(
        "--payers", type=Path, metavar="PAYERS_DIR", help="payer profiles, as given to oonkit build"
    )
    u.add_argument(
        "--benchmark", type=Path, metavar="FILE", help="charge benchmark, as given to oonkit build"
    )
    u.add_argument(
        "--password",
        action="store_true",
        help=f"the workbook is encrypted; the password comes from ${passwords.ENV} or a prompt",
    )
    u.set_defaults(func=run_update)


def run_update(args: argparse.Namespace) -> int:
    if not args.remit and args.claims is None:
        raise InputError("nothing to import: give --remit FILE... and/or --claims CLAIMS")
    secret = passwords.password(confirm=False) if args.password else None
    started = time.perf_counter()
    try:
        report = update_workbook(
            args.workbook, args.remit, args.claims, args.payer, secret, args.payers, args.benchmark
        )
    except OSError as exc:
        if exc.filename is not None:  # a file named by the system: the command line's message names it
            raise
        # a write into the new workbook's temporary file (a full disk): the workbook is as it was
        raise OonError(f"cannot write {args.workbook}: {os_error_text(exc)}; it was not changed") from exc
    warn("update", report.plan.warnings)
    print(summary(report, len(args.remit), time.perf_counter() - started))
    return 0


def summary(report: UpdateReport, files: int, seconds: float) -> str:
    """What the update did, as printed by the command."""
    p = report.plan
    name = report.path.name
    lines: list[str] = []
    if not report.written:
        lines.append(f"Nothing new for {name}; the workbook was not changed.")
    else:
        source = f"{files} remit file{'s' if files != 1 else ''}" if files else "the claims file"
        payer = f" (payer {', '.join(p.payers)})" if p.payers else ""
        lines.append(f"Updated {name} from {source}{payer} in {seconds:.1f} s:")
        cells = sum(len(v) for v in p.fills.values())
        lines.append(
            f"  remit claims matched: {p.matched}; new claims: {p.added_claims}; "
            f"lines added: {len(p.new_lines)}; cells filled: {cells}; log entries: {len(p.log)}"
        )
        used = ", ".join(f"{TABLES[k]} {n}" for k, n in report.rows.items() if n)
        if used:
            lines.append(f"  rows used: {used}")
        for k, n in report.extended.items():
            lines.append(f"  the {TABLES[k]} table grew by {n} rows (its spare rows ran out)")
    if p.already:
        lines.append(f"  already imported, skipped: {p.already} remit claims")
    for why, n in sorted(p.skipped.items()):
        lines.append(f"  skipped: {why}: {n}")
    if p.conflicts:
        lines.append(f"  differences left as staff typed them ({len(p.conflicts)}):")
        lines += [f"    {c}" for c in p.conflicts]
    if report.backup:
        lines.append(f"  previous version kept as {report.backup.name}")
    return "\n".join(lines)
