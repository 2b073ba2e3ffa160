"""``oonkit update``: bring a payer workbook staff have filled in up to date with 835 remittances (and new
claims from a claims file) without touching anything they typed.

Only the parts that must change are rewritten: the Claims, Escalation log and Deadlines sheets and their
tables (rows filled or added), workbook.xml (a name that follows the Claims table, ``fullCalcOnLoad``),
styles.xml only if a quote-prefixed style is missing, and the hidden *Remit imports* sheet; every other part
(charts, drawings, printer settings, extension blocks, other sheets) keeps its bytes. Within a rewritten
sheet every row the update does not fill or add keeps its bytes too.

Safety: a workbook open in Excel (``~$name.xlsx`` beside it) or LibreOffice (``.~lock.name.xlsx#``) is
refused; the new workbook is written to a temporary file and renamed over the old one, which is kept as
``name.before-update-YYYYMMDD-HHMMSS.xlsx``; an encrypted workbook is decrypted in memory and written back
encrypted with the same password; a workbook of a newer template version, or not built by oonkit, is refused
with the reason; nothing is written when there is nothing new.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from remits.reader import read_remits
from udfs.atomic import atomic_path
from udfs.claims import price_claims
from udfs.errors import FileError, InputError, Problem
from udfs.payers import load_profiles

from . import sheet_xml
from .build import prepare
from .remit_claims import remit_claims
from .remit_plan import Plan, Planner, as_text
from .saving import backup_path, decrypt, is_encrypted, keep, lock_files
from .tracker import READ, Tracker, open_tracker
from .update_imports import COLUMNS, read_imports
from .update_write import (
    Cells,
    TableWriter,
    add_sheet,
    extend_names,
    full_calc_on_load,
    grow_dimension,
    import_rows,
    new_imports_sheet,
)
from .xlsx_package import Package, Writer

__all__ = ["UpdateReport", "lock_files", "update_workbook"]


@dataclass
class UpdateReport:
    """What an update did: the plan (counts, conflicts, skipped claims), whether it wrote, and the backup."""

    path: Path
    plan: Plan
    written: bool = False
    backup: Path | None = None
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows added (spare rows used or new)
    extended: dict[str, int] = field(default_factory=dict)  # table -> rows the table grew by


def check_not_open(path: Path) -> None:
    locks = lock_files(path)
    if locks:
        raise InputError(
            f"{path.name} is open in Excel or LibreOffice (lock file {locks[0].name}): close it and run the "
            f"update again (if it is not open, delete {locks[0]})"
        )


def update_workbook(
    path: str | os.PathLike[str],
    remits: list[str | os.PathLike[str]] | None = None,
    claims: str | os.PathLike[str] | None = None,
    payer: str | None = None,
    password: str | None = None,
    payers_dir: str | os.PathLike[str] | None = None,
    benchmark: str | os.PathLike[str] | None = None,
    now: dt.datetime | None = None,
) -> UpdateReport:
    """Import remits (and the new lines of a claims file) into a payer workbook, in place.

    Parameters
    ----------
    path : path
        A workbook written by ``oonkit build`` (encrypted ones need ``password``).
    remits : list of path
        835 files; every file is read and checked before anything else happens.
    claims : path, optional
        A claims file (CSV or XLSX, the claims-file columns): its lines of this workbook's payer that the
        workbook does not have (by claim ID and line) are added, priced as ``oonkit build`` prices them.
    payer : str, optional
        The remits' payer (N1*PR name or id) whose claims belong here; needed only when it cannot be told.
    password : str, optional
        Opens an encrypted workbook; the result is encrypted with it too.
    payers_dir, benchmark : path, optional
        As for ``oonkit build``: payer profiles and a charge benchmark for pricing added lines.
    now : datetime, optional
        Time recorded on the imports and in the backup's name (default: now).

    Returns
    -------
    UpdateReport

    Raises
    ------
    InputError, FileError
        The workbook is open, encrypted without a password, not an oonkit workbook, of a newer template, or an
        input file has problems; nothing is written then.
    """
    path = Path(path)
    now = now or dt.datetime.now().replace(microsecond=0)
    if not path.is_file():
        raise FileError([Problem(path.name, None, None, "workbook not found")])
    check_not_open(path)
    encrypted = is_encrypted(path)
    if encrypted and not password:
        raise InputError(
            f"{path.name} is encrypted: pass --password (the password comes from OONKIT_PASSWORD or a prompt)"
        )
    if password and not encrypted:
        raise InputError(
            f"{path.name} is not encrypted: run the update without --password (oonkit build --password "
            "writes encrypted workbooks)"
        )
    remit = read_remits(remits) if remits else None
    source: Path | bytes = decrypt(path, password) if encrypted and password else path
    package = Package(source, path.name)
    try:
        tracker = open_tracker(path, package)
        plan = _plan(tracker, remit, claims, payer, payers_dir, benchmark, now)
        report = UpdateReport(path, plan)
        if not plan.changes:
            return report
        _price(plan, tracker, payers_dir, benchmark)
        replace, add = _edits(tracker, plan, report)
        check_not_open(path)
        report.backup = _write(package, path, replace, add, password, now)
        report.written = True
        return report
    finally:
        package.close()


def _plan(
    tracker: Tracker,
    remit: Any,
    claims_path: Any,
    payer: str | None,
    payers_dir: Any,
    benchmark: Any,
    now: dt.datetime,
) -> Plan:
    claims = tracker.tables["claims"].records(READ["claims"])
    for rec in claims:
        if isinstance(rec["payment_date"], float):
            rec["payment_date"] = sheet_xml.from_serial(rec["payment_date"], tracker.date1904)
    log = tracker.tables["log"].records(READ["log"])
    deadline_ids = {as_text(r["claim_id"]) for r in tracker.tables["deadlines"].records(["claim_id"])} - {""}
    imported, _, _, _ = read_imports(tracker)
    planner = Planner(claims, log, deadline_ids, imported, now.isoformat(sep=" "))
    if claims_path is not None:
        planner.add_claims_file(
            _claims_lines(Path(claims_path), tracker, payers_dir, benchmark, planner.plan)
        )
    planner.missing_deadlines()
    if remit is not None:
        planner.run(remit_claims(remit), payer)
    return planner.plan


def _claims_lines(path: Path, tracker: Tracker, payers_dir: Any, benchmark: Any, plan: Plan) -> pd.DataFrame:
    """The checked, priced lines of a claims file that are for this workbook's payer."""
    lines, _, profiles = prepare(
        path, Path(payers_dir) if payers_dir else None, None, Path(benchmark) if benchmark else None
    )
    if tracker.payer_id is None:
        raise InputError(
            f"--claims: cannot tell the payer of {tracker.path.name} (no 'Payer id' on its Payer sheet), so "
            "not which lines of the claims file belong to it"
        )
    plan.warnings += lines.attrs.get("warnings", [])
    mine = lines["payer_id"] == tracker.payer_id
    if (
        tracker.payer_id == "_default"
    ):  # a workbook of every payer without a profile (builds before 2026-11-23)
        mine = lines["payer_id"].map(lambda pid: not profiles[pid].profiled)
    for payer in sorted(set(lines.loc[~mine, "payer"])):
        plan.skipped[f"claims-file lines of payer {payer} (another workbook's)"] = int(
            (lines["payer"] == payer).sum()
        )
    return lines[mine]


def _price(plan: Plan, tracker: Tracker, payers_dir: Any, benchmark: Any) -> None:
    """Medicare (and benchmark) amounts of the lines added from remits, as ``oonkit build`` prices lines:
    national amounts (the 835 has no locality), facility setting."""
    todo = [v for v in plan.new_lines if "medicare" not in v]
    if not todo:
        return
    frame = pd.DataFrame(todo)
    frame["payer"] = tracker.payer_id or "_default"
    frame["date_of_service"] = pd.to_datetime(frame["date_of_service"])
    bench = None
    if benchmark:
        from udfs.charges import ChargeBenchmark

        bench = ChargeBenchmark.read(Path(benchmark))
    priced = price_claims(frame, load_profiles(Path(payers_dir) if payers_dir else None), bench)
    for values, (_, p) in zip(todo, priced.iterrows(), strict=True):
        values["medicare"] = p["medicare"]
        values["medicare_note"] = p["medicare_note"] or "national amount (the 835 gives no locality)"
        if "benchmark_rate" in p:
            values["benchmark_rate"] = p["benchmark_rate"]


def _edits(
    tracker: Tracker, plan: Plan, report: UpdateReport
) -> tuple[dict[str, bytes | Writer], dict[str, bytes | Writer]]:
    pkg = tracker.package
    cells = Cells(tracker)
    writers = {
        key: TableWriter(t, cells, f"{pkg.name}: sheet {t.sheet.name}") for key, t in tracker.tables.items()
    }
    if len({t.sheet.part for t in tracker.tables.values()}) < 3:
        raise FileError(
            [Problem(pkg.name, None, None, "the Claims, Log and Deadlines tables must be on separate sheets")]
        )
    claims_w = writers["claims"]
    for row, values in plan.fills.items():
        claims_w.fill(row, values)
    for values in plan.new_lines:
        claims_w.add(values)
    for entry in plan.log:
        writers["log"].add(entry)
    for cid in plan.new_claim_ids:
        writers["deadlines"].add({"claim_id": cid})
    replace: dict[str, bytes | Writer] = {}
    add: dict[str, bytes | Writer] = {}
    workbook_xml = tracker.workbook_xml
    for key, w in writers.items():
        w.finish()
        if w.edits.empty():
            continue
        report.rows[key] = w.count
        replace[w.t.sheet.part] = _sheet_writer(pkg, w.t.sheet.part, w.edits)
        if w.extended():
            report.extended[key] = w.new_last - w.t.data_last
            replace[w.t.part] = w.table_part()
            workbook_xml = extend_names(workbook_xml, w.t.sheet.name, w.grow)
    if plan.records:
        workbook_xml = _records(tracker, plan, cells, workbook_xml, replace, add)
    styles = cells.styles_part()
    if styles is not None and cells.part:
        replace[cells.part] = styles
    replace[pkg.workbook_part] = full_calc_on_load(workbook_xml)
    return replace, add


def _sheet_writer(pkg: Package, part: str, edits: sheet_xml.SheetEdits) -> Writer:
    def write(dst: Any) -> None:
        with pkg.open(part) as src:
            sheet_xml.rewrite(src, dst, edits, f"{pkg.name}: {part}")

    return write


def _records(
    tracker: Tracker,
    plan: Plan,
    cells: Cells,
    workbook_xml: bytes,
    replace: dict[str, bytes | Writer],
    add: dict[str, bytes | Writer],
) -> bytes:
    _, sheet, last, letters = read_imports(tracker)
    if sheet is None:
        return add_sheet(tracker, workbook_xml, replace, add, new_imports_sheet(plan.records, cells))
    if not letters:
        letters = {s: chr(ord("A") + i) for i, (s, _, _) in enumerate(COLUMNS)}
    rows = import_rows(plan.records, last + 1, letters, cells)
    edits = sheet_xml.SheetEdits(make=cells.make, added=rows)
    new_last = max(rows)
    edits.head = partial(grow_dimension, new_last=new_last)
    replace[sheet.part] = _sheet_writer(tracker.package, sheet.part, edits)
    return workbook_xml


def _write(
    package: Package,
    path: Path,
    replace: dict[str, bytes | Writer],
    add: dict[str, bytes | Writer],
    password: str | None,
    now: dt.datetime,
) -> Path:
    """Write the new package to a temporary file, keep the old workbook as the backup, rename into place.

    The source package is closed before the rename (Windows cannot replace a file that is open); the new file
    gets the old one's permissions (:func:`udfs.atomic.atomic_path`)."""
    backup = backup_path(path, now, "update")
    with atomic_path(path) as tmp:
        if password:
            plain = io.BytesIO()
            package.write(plain, replace, add)
            from msoffcrypto.format.ooxml import OOXMLFile

            with open(tmp, "wb") as out:
                OOXMLFile(io.BytesIO(plain.getvalue())).encrypt(password, out)
        else:
            with open(tmp, "wb") as out:
                package.write(out, replace, add)
        package.close()
        keep(path, backup)
    return backup
