"""``oonkit remit FILES... [--out report.xlsx] [--csv DIR]``: read 835 remittances, check that they balance,
find underpayments, denials and deadlines, and write a report workbook and/or the tables as CSV files.

Every file is read, and every line priced and classified, before anything is written; if any file is
malformed, every bad file is listed (file, segment number, what is wrong), the command exits with status 1
and writes nothing; a claims file with problems is refused the same way, every problem listed. The CSV
files are first written into a temporary folder beside ``DIR`` and then moved into place, so ``DIR`` ends up
with the whole set or is left as it was; the workbook is written to a temporary file and renamed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from oonkit import passwords
from oonkit.arguments import iso_date, warn
from remits.balance import imbalances
from remits.reader import Remit, read_remits
from remits.underpayment import LINE_MONEY, Underpayments, find_underpayments
from udfs.atomic import give_mode, new_folder_mode
from udfs.charges import ChargeBenchmark
from udfs.errors import InputError, OonError
from udfs.money import round_cents
from udfs.payers import PayerProfile, load_profiles
from workbooks.claims_file import read_claims
from workbooks.remit_report import build_remit_report
from workbooks.saving import Outputs

# money columns are rounded to cents (half away from zero, as Excel's ROUND) and written with two decimals
MONEY = {
    "payments": ("amount",),
    "claims": ("billed", "paid", "patient_responsibility", "interest", "coverage_amount"),
    "lines": ("charge", "paid", "allowed"),
    "adjustments": ("amount",),
    "plb": ("amount",),
    "imbalances": ("stated", "computed", "difference"),
    "underpayments": tuple(LINE_MONEY),
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
        "and imbalances.csv into DIR (and underpayments.csv when lines are priced: with --out or any of the "
        "options below)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="REPORT.xlsx",
        help="write the report workbook (Summary, Lines, Claims...)",
    )
    parser.add_argument(
        "--claims",
        type=Path,
        metavar="CLAIMS",
        help="claims file (CSV or XLSX, README 'Claims file columns'): locality, setting, plan type, rates",
    )
    parser.add_argument(
        "--payers", type=Path, metavar="PAYERS_DIR", help="folder of payer profiles (YAML) to add or override"
    )
    parser.add_argument(
        "--benchmark", type=Path, metavar="FILE", help="charge benchmark table (code, geo, p50..p95)"
    )
    parser.add_argument(
        "--locality", metavar="LOC", help="Medicare locality of lines the claims file does not place (CA-18)"
    )
    parser.add_argument(
        "--setting",
        choices=["facility", "nonfacility"],
        help="Medicare setting of lines the claims file does not place (default facility)",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="count days left to deadlines from this date (default today)",
    )
    parser.add_argument(
        "--password",
        action="store_true",
        help=f"encrypt the report workbook (patient data); the password comes from ${passwords.ENV} or a prompt",
    )
    parser.set_defaults(func=run)


PRICING_OPTIONS = ("out", "claims", "payers", "benchmark", "locality", "setting", "as_of")


def run(args: argparse.Namespace) -> int:
    out = getattr(args, "out", None)
    if out is not None and out.suffix.lower() != ".xlsx":
        raise InputError(f"--out {out}: the report is an Excel workbook: name it .xlsx")
    if out is not None and out.is_dir():
        raise InputError(f"--out {out}: is a folder; give the workbook's file name (report.xlsx)")
    if getattr(args, "password", False) and out is None:
        raise InputError("--password encrypts the report workbook: give --out REPORT.xlsx too")
    csv_dir = Path(args.csv) if args.csv else None
    inputs = {Path(f): "remit file" for f in args.files}
    inputs |= {args.claims: "claims file", args.benchmark: "--benchmark file"}
    outputs = Outputs("remit", inputs)
    if out is not None:  # every destination checked before anything is asked, read or written
        outputs.check(out, "--out")
    if csv_dir is not None:
        outputs.check_folder(csv_dir, "--csv")
    secret = passwords.password() if getattr(args, "password", False) else None  # asked before the work
    pricing = pricing_inputs(args) if any(getattr(args, name, None) for name in PRICING_OPTIONS) else None
    remit = read_remits(args.files)  # raises RemitError listing every bad file: the CLI prints it, exit 1
    found = imbalances(remit)
    result = None
    if pricing is not None:
        profiles, claims, benchmark = pricing
        result = find_underpayments(
            remit,
            profiles,
            claims,
            benchmark,
            locality=args.locality,
            setting=args.setting,
            as_of=args.as_of,
            claims_source=args.claims.name if args.claims else "claims file",
            imbalances=found,
        )
    extra = {"underpayments": result.lines} if result is not None else None
    if csv_dir is not None:
        for name in csv_names(remit, extra):
            outputs.check(csv_dir / f"{name}.csv", "--csv")
    written = False
    try:
        with outputs.transaction():  # the report is staged, then the tables written, then the report renamed
            if out is not None and result is not None:
                build_remit_report(result, out, profiles, secret)
            if csv_dir is not None:
                write_csv(remit, found, csv_dir, extra)
                written = True
    except OonError as exc:
        if written:  # the tables are there, the report is not: say so
            raise OonError(f"{exc}; the tables were written to {csv_dir}, the report was not") from exc
        raise
    print(summary(remit, found, args.csv))
    if result is not None:
        print(underpayment_summary(result, out, outputs))
    return 0


def pricing_inputs(
    args: argparse.Namespace,
) -> tuple[dict[str, PayerProfile], pd.DataFrame | None, ChargeBenchmark | None]:
    """Payer profiles, claims file and benchmark, each checked (every problem listed) before the remits are
    read."""
    profiles = load_profiles(args.payers)
    claims = read_claims(args.claims) if args.claims else None
    if claims is not None:
        warn("remit", claims.attrs.get("warnings", []))
    benchmark = ChargeBenchmark.read(args.benchmark) if args.benchmark else None
    return profiles, claims, benchmark


def underpayment_summary(result: Underpayments, out: Path | None, outputs: Outputs | None = None) -> str:
    """The lines printed after the classification: by payer, the notes, where the report went."""
    table = result.by_payer()
    counted = result.counted()
    # a payer none of whose lines has the amount shows "-", not 0.00 as if it were paid as expected
    known = {c: counted.groupby("payer")[c].count() for c in ("expected", "gap")}
    rows = [("Payer", "Lines", "Received", "Expected", "Gap", "Underpaid", "Denied")]
    for r in table.itertuples(index=False):
        rows.append(
            (
                str(r.payer)[:34],
                f"{r.lines:,}",
                f"{r.received:,.2f}",
                f"{r.expected:,.2f}" if known["expected"].get(r.payer, 0) else "-",
                f"{r.gap:,.2f}" if known["gap"].get(r.payer, 0) else "-",
                f"{r.underpaid_lines:,}",
                f"{r.denied_lines:,}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    counts = result.lines["classification"].value_counts()
    lines = ["", f"underpayments as of {result.as_of:%Y-%m-%d}:", *text]
    lines.append("lines by class: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    lines += [f"note: {n}" for n in result.notes]
    if out is not None:
        again = [f" ({r.describe()})" for r in (outputs.replaced if outputs else []) if r.path == out]
        lines.append(f"report written to {out}" + "".join(again))
    return "\n".join(lines)


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


#: What a spreadsheet reads as the start of a formula when it opens a CSV file (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: object) -> object:
    """Text a spreadsheet would evaluate, prefixed with an apostrophe (shown as the text itself in Excel).

    >>> print(neutralised("=HYPERLINK(1)"), neutralised("ACME"), neutralised(12.5))
    '=HYPERLINK(1) ACME 12.5
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _for_csv(name: str, table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    money = set(MONEY.get(name, ()))
    for column in out.columns:  # text from the payer's file: never a formula in a spreadsheet
        if column not in money and (out[column].dtype == object or pd.api.types.is_string_dtype(out[column])):
            out[column] = out[column].map(neutralised)
    for column in money:
        values = round_cents(out[column].to_numpy())
        out[column] = pd.Series(values, index=out.index).map(lambda x: "" if np.isnan(x) else f"{x:.2f}")
    if name == "claims":
        out = out[CLAIM_FIRST + [c for c in out.columns if c not in CLAIM_FIRST]]
    return out


def csv_names(remit: Remit, extra: dict[str, pd.DataFrame] | None = None) -> list[str]:
    """The names of the CSV files :func:`write_csv` writes (without ``.csv``)."""
    return [*remit.tables(), "imbalances", *(extra or {})]


def write_csv(
    remit: Remit, found: pd.DataFrame, folder: Path, extra: dict[str, pd.DataFrame] | None = None
) -> None:
    """Write every table (and the ``extra`` ones, such as ``underpayments``) as ``<name>.csv`` into
    ``folder``: all files or none.

    The files are written into a temporary folder beside ``folder`` first. A new ``folder`` is then that
    temporary folder renamed (one atomic step); into an existing ``folder`` the finished files are moved
    one by one, each move atomic, after all of them were written.
    """
    tables = {**remit.tables(), "imbalances": found, **(extra or {})}
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
            with contextlib.suppress(OSError):  # mkdtemp made it private (0700): the mode mkdir gives
                os.chmod(staging, new_folder_mode())
            os.replace(staging, folder)
            return
        for name in tables:
            give_mode(staging / f"{name}.csv", folder / f"{name}.csv")  # a replaced file keeps its mode
            os.replace(staging / f"{name}.csv", folder / f"{name}.csv")
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
