"""``oonkit remit FILES... --csv DIR``: read 835 remittances, check that they balance, and write their tables
as CSV files.

Every file is read before anything is written; if any file is malformed, every bad file is listed (file,
segment number, what is wrong), the command exits with status 1 and writes nothing. The CSV files are
first written into a temporary folder beside ``DIR`` and then moved into place, so ``DIR`` ends up with the
whole set or is left as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from remits.balance import imbalances
from remits.reader import Remit, read_remits
from udfs.errors import InputError, OonError
from udfs.money import round_cents

# money columns are rounded to cents (half away from zero, as Excel's ROUND) and written with two decimals
MONEY = {
    "payments": ("amount",),
    "claims": ("billed", "paid", "patient_responsibility", "interest", "coverage_amount"),
    "lines": ("charge", "paid", "allowed"),
    "adjustments": ("amount",),
    "plb": ("amount",),
    "imbalances": ("stated", "computed", "difference"),
}
# claims.csv leads with the columns a finance user looks for first
CLAIM_FIRST = [
    "payer_claim_id",
    "patient_control_number",
    "status",
    "billed",
    "paid",
    "patient_responsibility",
    "payer",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "remit",
        help="read 835 remittances into tables and check that they balance",
        description=__doc__.split("\n\n")[0].replace("``", ""),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="835 files (X12 005010X221A1)")
    parser.add_argument(
        "--csv",
        metavar="DIR",
        help="write payments.csv, claims.csv, lines.csv, adjustments.csv, remarks.csv, plb.csv, amounts.csv "
        "and imbalances.csv into DIR",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    remit = read_remits(args.files)  # raises RemitError listing every bad file: the CLI prints it, exit 1
    found = imbalances(remit)
    if args.csv:
        write_csv(remit, found, Path(args.csv))
    print(summary(remit, found, args.csv))
    return 0


def summary(remit: Remit, found: pd.DataFrame, csv_dir: str | None = None) -> str:
    """The lines printed after a read: counts, totals and every imbalance."""
    pay = remit.payments
    signed = (
        float(np.where(pay["credit_debit"] == "D", -pay["amount"], pay["amount"]).sum()) if len(pay) else 0.0
    )
    lines = [
        f"files: {pay['file'].nunique() if len(pay) else 0}",
        f"transactions: {len(pay)}",
        f"claims: {len(remit.claims)} ({int((remit.claims['status'] == '22').sum())} reversals)",
        f"service lines: {len(remit.lines)}",
        f"total paid (BPR02, debits negative): {round_cents(signed):,.2f}",
        f"claims paid (CLP04): {round_cents(float(remit.claims['paid'].sum())):,.2f}",
        f"imbalances found: {len(found)}",
    ]
    lines += [f"  {row.file}: segment {row.segment}: {row.message}" for row in found.itertuples()]
    if csv_dir:
        lines.append(f"tables written to {csv_dir}")
    return "\n".join(lines)


def _for_csv(name: str, table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for column in MONEY.get(name, ()):
        values = round_cents(out[column].to_numpy())
        out[column] = pd.Series(values, index=out.index).map(lambda x: "" if np.isnan(x) else f"{x:.2f}")
    if name == "claims":
        out = out[CLAIM_FIRST + [c for c in out.columns if c not in CLAIM_FIRST]]
    return out


def write_csv(remit: Remit, found: pd.DataFrame, folder: Path) -> None:
    """Write every table as ``<name>.csv`` into ``folder``: all files or none.

    The files are written into a temporary folder beside ``folder`` first. A new ``folder`` is then that
    temporary folder renamed (one atomic step); into an existing ``folder`` the finished files are moved
    one by one, each move atomic, after all of them were written.
    """
    tables = {**remit.tables(), "imbalances": found}
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--csv {folder}: exists and is not a folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write(tables, folder)
    except OSError as exc:
        raise OonError(
            f"--csv {folder}: cannot write the tables ({exc.strerror or exc}); nothing was written"
        ) from exc


def _write(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, table in tables.items():
            path = staging / f"{name}.csv"
            _for_csv(name, table).to_csv(path, index=False, date_format="%Y-%m-%d", lineterminator="\n")
            with open(path, "rb+") as fh:
                os.fsync(fh.fileno())
        if not folder.exists():
            os.replace(staging, folder)
            return
        for name in tables:
            os.replace(staging / f"{name}.csv", folder / f"{name}.csv")
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
