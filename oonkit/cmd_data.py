"""``oonkit data``: import a CMS fee schedule release (``import-pfs``); list the years on hand (``list``)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import Any

from udfs.errors import FileError
from udfs.pfs_data import inventory
from udfs.pfs_import import import_pfs
from udfs.reference import user_data_dir


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("data", help="import CMS fee schedule files; list the data pricing uses")
    sub = p.add_subparsers(dest="data_command", metavar="ACTION")
    imp = sub.add_parser(
        "import-pfs",
        help="import a CMS Physician Fee Schedule release (RVU, GPCI, county crosswalk)",
        description=(
            "Read the CMS PFS files (the CSVs of the relative value zip, official multi-row headers or one "
            "header row), check every row, and store them for pricing. Nothing is written if any row is bad; "
            "every problem is listed as file:line: column: problem. Imported years take precedence over the "
            "data embedded in oonkit."
        ),
    )
    imp.add_argument("--year", type=int, required=True, help="calendar year of the release, e.g. 2026")
    imp.add_argument("--rvu", required=True, help="PPRRVU file (CSV, e.g. PPRRVU2026_Jul_nonQPP.csv)")
    imp.add_argument("--gpci", help="GPCI file (CSV, Addendum E)")
    imp.add_argument("--locco", help="county to locality crosswalk (CSV, e.g. 26LOCCO.csv)")
    imp.add_argument("--qp-cf", type=float, help="conversion factor for qualifying APM participants")
    imp.add_argument(
        "--out",
        help=f"folder for <year>/ (default {user_data_dir() / 'pfs'}; developers: templates/fees/pfs)",
    )
    imp.set_defaults(func=run_import)
    lst = sub.add_parser("list", help="years of fee schedule data and where each table comes from")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(func=run_list)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_import(args: argparse.Namespace) -> int:
    words = ["oonkit", "data", "import-pfs", "--year", str(args.year), "--rvu", args.rvu]
    for flag, value in (
        ("--gpci", args.gpci),
        ("--locco", args.locco),
        ("--qp-cf", args.qp_cf),
        ("--out", args.out),
    ):
        if value is not None:
            words += [flag, str(value)]
    try:
        manifest = import_pfs(
            args.year, args.rvu, args.gpci, args.locco, args.qp_cf, args.out, shlex.join(words)
        )
    except FileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"oonkit data import-pfs: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    where = (args.out or str(user_data_dir() / "pfs")) + f"/{args.year}"
    print(f"imported CY{args.year} into {where}")
    for kind, info in manifest["tables"].items():
        extra = f", {info['padded_hcpcs']} all-digit codes padded to 5" if info.get("padded_hcpcs") else ""
        print(
            f"  {kind:<6} {info['rows']:>6} rows from {info['source']} "
            f"(sha256 {info['sha256'][:12]}...){extra}"
        )
    print(
        f"  conversion factor in the RVU file: {manifest['cf']}"
        + (f"; QP CF {manifest['qp_cf']}" if manifest["qp_cf"] else "")
    )
    if "gpci" not in manifest["tables"]:
        print(f"  no GPCI file: CY{args.year} prices nationally only (add --gpci to price localities)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    table = inventory()
    if args.json:
        print(json.dumps(table.to_dict(orient="records"), indent=2))
        return 0
    if table.empty:
        print("no fee schedule data found")
        return 1
    for year, rows in table.groupby("year"):
        parts = [f"{r.table} {r.source}" for r in rows.itertuples()]
        print(f"CY{year}: " + ", ".join(parts))
        for folder in sorted(set(rows.folder) - {""}):
            print(f"        {folder}")
    return 0
