"""Building a set of tracking workbooks from a claims file: one workbook per payer and ``portfolio.xlsx``.

Every input is read and checked before anything is written; each workbook is written to a temporary file and
renamed into place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from udfs.charges import ChargeBenchmark
from udfs.claims import price_claims
from udfs.errors import FileError, Problem
from udfs.payers import PayerProfile, load_profiles, without_profile

from .claims_file import TableFileError, read_claims
from .log_file import empty_log, read_log
from .payer_workbook import build_payer_workbook
from .portfolio import build_portfolio


@dataclass(frozen=True)
class BuildResult:
    workbooks: dict[str, Path]  # payer id -> workbook
    portfolio: Path
    lines: int
    claims: int
    summary: pd.DataFrame  # one row per payer, as in portfolio.xlsx
    unprofiled: list[str]  # payers no profile answers to, priced by the default profile
    warnings: list[Problem]  # what the input readers ignored or read in another way (unknown columns...)


def safe_file_name(text: str) -> str:
    """A file name from a payer id or name: letters, digits, dot, dash and underscore only.

    >>> safe_file_name("Keystone Mutual / PPO: NJ")
    'Keystone-Mutual-PPO-NJ'
    """
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return name[:80] or "payer"


def prepare(
    claims_path: Path,
    payers_dir: Path | None = None,
    log_path: Path | None = None,
    benchmark_path: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, PayerProfile]]:
    """Read, check and price the inputs; raises one FileError listing every problem in every file."""
    problems: list[Problem] = []
    profiles: dict[str, PayerProfile] = {}
    claims = log = None
    benchmark = None
    try:
        profiles = load_profiles(payers_dir)
    except FileError as exc:
        problems += exc.problems
    known_ids: set | None = None  # claim ids the log is checked against (None: the claims file is unreadable)
    try:
        claims = read_claims(claims_path)
        known_ids = set(claims["claim_id"])
    except TableFileError as exc:  # its rows that could be read still check the log in the same pass
        problems += exc.problems
        if exc.frame is not None:
            known_ids = set(exc.frame["claim_id"].dropna())
    except FileError as exc:
        problems += exc.problems
    if benchmark_path is not None:
        try:
            benchmark = ChargeBenchmark.read(benchmark_path)
        except FileError as exc:
            problems += exc.problems
    if log_path is not None:
        try:
            log = read_log(log_path, known_ids)
        except FileError as exc:
            problems += exc.problems
    if problems:
        raise FileError(problems)
    assert claims is not None
    priced = price_claims(claims, profiles, benchmark)
    # a payer without a profile keeps its own workbook and name, priced by the default profile's rules
    own = without_profile(priced.loc[priced["payer_id"] == "_default", "payer"].unique(), profiles)
    if own:
        profiles.update({p.id: p for p in own.values()})
        rows = priced["payer_id"] == "_default"
        priced.loc[rows, "payer_id"] = priced.loc[rows, "payer"].map(lambda p: own[p].id)
    priced["nsa"] = priced["nsa"].map({True: "Y", False: "N"})
    # what the readers ignored or read in another way (unknown columns, Windows-1252 rows), for the command
    warnings = [
        *claims.attrs.get("warnings", []),
        *(log.attrs.get("warnings", []) if log is not None else []),
    ]
    priced.attrs["warnings"] = warnings
    return priced, (log if log is not None else empty_log()), profiles


def by_payer(claims: pd.DataFrame, log: pd.DataFrame) -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """(payer id, its claim lines, its log entries) in payer-id order, as each payer workbook gets them."""
    out = []
    for payer_id, lines in claims.groupby("payer_id", sort=True):
        payer_log = log[log["claim_id"].isin(set(lines["claim_id"]))].reset_index(drop=True)
        out.append((str(payer_id), lines.reset_index(drop=True), payer_log))
    return out


def build_set(
    claims_path: Path,
    out_dir: Path,
    payers_dir: Path | None = None,
    as_of: dt.date | None = None,
    log_path: Path | None = None,
    benchmark_path: Path | None = None,
    with_udfs: bool = False,
    progress: Callable[[str], None] | None = None,
    password: str | None = None,
) -> BuildResult:
    """Build one workbook per payer and the portfolio into ``out_dir``."""
    as_of = as_of or dt.date.today()
    claims, log, profiles = prepare(claims_path, payers_dir, log_path, benchmark_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    # the set's other files are never a payer's ("Portfolio" as a payer name gets portfolio-2.xlsx)
    used: dict[str, str] = {"portfolio": "", "remit-report": ""}
    for payer_id, lines, payer_log in by_payer(claims, log):
        profile = profiles[payer_id]
        name = safe_file_name(payer_id)
        if name.lower() in used:
            name = f"{name}-{len(used)}"
        used[name.lower()] = payer_id
        if progress:
            progress(f"{profile.name} ({len(lines)} lines)")
        path = out_dir / f"{name}.xlsx"
        build_payer_workbook(path, profile, lines, payer_log, as_of, with_udfs, password)
        written[payer_id] = path
    if progress:
        progress("portfolio")
    portfolio = out_dir / "portfolio.xlsx"
    summary = build_portfolio(portfolio, claims, log, profiles, as_of, written, password)
    unprofiled = sorted(p.name for p in profiles.values() if not p.profiled)
    warnings = list(claims.attrs.get("warnings", []))
    return BuildResult(
        written, portfolio, len(claims), claims["claim_id"].nunique(), summary, unprofiled, warnings
    )
