"""Property: whatever staff did to a workbook, an update keeps it.

Hypothesis makes random staff edits to a generated payer workbook (new log rows, notes, changed inputs, added
claim rows, cell formatting, a hidden sheet, a renamed and an added sheet, column widths), saves it as a
spreadsheet program would (openpyxl, whose round trip of an openpyxl-written file is lossless:
``../shared/EXCEL.md``), then runs updates with remits generated to match the workbook's claims (the remit
itself, the same claims paid again under another trace number, or both, in either order). After each update
every cell that held something holds the same value and format, every format, width, name, validation and
sheet is still there, and the only changed cells are blank inputs the update filled or rows it added.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.formula import ArrayFormula

from workbooks.update import update_workbook

from .test_update_support import make_case

CLAIMS_INPUTS = {  # column letter -> a value staff might type there
    "M": 123.45,  # Initial paid
    "N": 0.0,  # Patient paid
    "O": dt.datetime(2025, 12, 1),  # Payment date
    "P": "CO-45",  # CARC codes
    "R": "ICN-BY-STAFF",  # Payer claim ID
    "L": 999.0,  # Billed
    "S": "Closed",  # Status
    "AB": "call back Tuesday",  # Notes
}
PAYMENT_INPUTS = {"M", "N", "O", "P", "R"}
STAGES = ["Reconsideration", "Formal appeal (level 1)", "Peer-to-peer", "IDR"]


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    root = tmp_path_factory.mktemp("property")
    out = []
    for seed in (5, 9):
        case = make_case(root / f"case{seed}", seed=seed, claims=30, keep_every=4, prefill_every=3)
        later = case.root / "later.835"
        later.write_bytes(
            case.remit_path.read_bytes().replace(b"TRN*1*EFT0000000001", b"TRN*1*EFT0000000555")
        )
        out.append((case, later))
    return out


edit = st.one_of(
    st.tuples(
        st.just("log row"),
        st.integers(0, 30),
        st.sampled_from(STAGES),
        st.floats(0, 5000).map(lambda x: round(x, 2)),
    ),
    st.tuples(st.just("note"), st.integers(0, 80), st.text("abcdefgh =+-@!", min_size=1, max_size=12)),
    st.tuples(st.just("input"), st.integers(0, 80), st.sampled_from(sorted(CLAIMS_INPUTS))),
    st.tuples(st.just("claim row"), st.integers(1, 9), st.floats(10, 90000).map(lambda x: round(x, 2))),
    st.tuples(
        st.just("format"),
        st.sampled_from(["Claims", "Escalation log", "Deadlines"]),
        st.integers(2, 60),
        st.integers(1, 14),
    ),
    st.tuples(
        st.just("width"),
        st.sampled_from(["Claims", "Escalation log", "Payer"]),
        st.integers(1, 30),
        st.floats(4, 60),
    ),
    st.tuples(st.just("hidden sheet")),
    st.tuples(st.just("add sheet")),
    st.tuples(st.just("rename"), st.sampled_from(["Escalation log", "Guide"])),
)


def staff_edits(path: Path, edits: list[tuple]) -> None:
    """Apply the edits as staff would in Excel, then save."""
    wb = openpyxl.load_workbook(path)
    sheets = {ws.title: ws for ws in wb.worksheets}
    claims, log = sheets["Claims"], sheets["Escalation log"]
    claim_rows = [r for r in range(2, claims.max_row + 1) if claims.cell(r, 1).value]
    next_log = 2 + sum(1 for r in range(2, log.max_row + 1) if log.cell(r, 1).value)
    next_claim = claim_rows[-1] + 1
    for e in edits:
        kind = e[0]
        if kind == "log row" and next_log < 100:
            cid = claims.cell(claim_rows[e[1] % len(claim_rows)], 1).value
            for col, value in zip(
                "ABCDJK", [cid, dt.datetime(2025, 12, 2), e[2], "staff action", e[3], "Pending"], strict=True
            ):
                log[f"{col}{next_log}"] = value
            next_log += 1
        elif kind == "note":
            cell = claims[f"AB{claim_rows[e[1] % len(claim_rows)]}"]
            cell.value = e[2]
            cell.data_type = "s"  # typed text stays text
        elif kind == "input":
            claims[f"{e[2]}{claim_rows[e[1] % len(claim_rows)]}"] = CLAIMS_INPUTS[e[2]]
        elif kind == "claim row" and next_claim < claims.max_row:
            for col, value in zip(
                "ABGLS", [f"STAFF-{e[1]}-{next_claim}", 1, "99285", e[2], "Open"], strict=True
            ):
                claims[f"{col}{next_claim}"] = value
            next_claim += 1
        elif kind == "format":
            cell = sheets[e[1]].cell(e[2], e[3])
            cell.fill = PatternFill("solid", fgColor="FFC7CE")
            cell.font = Font(bold=True, color="9C0006")
        elif kind == "width":
            sheets[e[1]].column_dimensions[openpyxl.utils.get_column_letter(e[2])].width = round(e[3], 2)
        elif kind == "hidden sheet" and "Staff private" not in wb.sheetnames:
            ws = wb.create_sheet("Staff private")
            ws["A1"] = "supervisor notes"
            ws.sheet_state = "hidden"
        elif kind == "add sheet" and "Follow-ups" not in wb.sheetnames:
            ws = wb.create_sheet("Follow-ups", 2)
            ws["A1"], ws["B1"] = "call payer", dt.datetime(2026, 1, 20)
        elif kind == "rename" and e[1] in wb.sheetnames:
            wb[e[1]].title = e[1] + " (ours)"
    wb.save(path)


def value(cell):
    v = cell.value
    return ("array", v.ref, v.text) if isinstance(v, ArrayFormula) else v


def blank(v) -> bool:
    return v is None or v == ""


def styles(cell) -> tuple:
    """A cell's format by value (openpyxl's style proxies of two workbooks never compare equal)."""
    return (
        *tuple(repr(s) for s in (cell.font, cell.fill, cell.border, cell.protection, cell.alignment)),
        cell.number_format,
        cell.quotePrefix,
    )


def assert_kept(before_path: Path, after_path: Path) -> int:
    """Everything of ``before`` is in ``after``; returns how many blank cells the update filled."""
    before = openpyxl.load_workbook(before_path)
    after = openpyxl.load_workbook(after_path)
    assert after.sheetnames[: len(before.sheetnames)] == before.sheetnames
    assert set(after.sheetnames) - set(before.sheetnames) <= {"Remit imports"}
    filled = 0
    for ws in before.worksheets:
        new = after[ws.title]
        assert new.sheet_state == ws.sheet_state and new.freeze_panes == ws.freeze_panes, ws.title
        assert new.protection.sheet == ws.protection.sheet
        tables = {t.name for t in ws.tables.values()}
        for key, dim in ws.column_dimensions.items():
            assert (new.column_dimensions[key].width, new.column_dimensions[key].hidden) == (
                dim.width,
                dim.hidden,
            )
        for row in ws.iter_rows():
            for cell in row:
                other = new.cell(cell.row, cell.column)
                assert styles(other) == styles(cell), f"{ws.title}!{cell.coordinate} format changed"
                if value(other) == value(cell):
                    continue
                assert (tables and cell.row > 1 and blank(cell.value)) or (
                    ws.title == "Claims"
                    and cell.column_letter in "MN"
                    and cell.value == 0
                    and blank(ws[f"O{cell.row}"].value)
                ), f"{ws.title}!{cell.coordinate}: {cell.value!r} became {other.value!r}"
                filled += 1
        before_dv = sorted(
            (dv.type, dv.formula1, str(dv.sqref).split(":")[0]) for dv in ws.data_validations.dataValidation
        )
        after_dv = sorted(
            (dv.type, dv.formula1, str(dv.sqref).split(":")[0]) for dv in new.data_validations.dataValidation
        )
        assert before_dv == after_dv, ws.title
        assert [str(c.sqref).split(":")[0] for c in ws.conditional_formatting] == [
            str(c.sqref).split(":")[0] for c in new.conditional_formatting
        ]
    for name, dn in before.defined_names.items():
        if name != "ClaimIDs":
            assert after.defined_names[name].attr_text == dn.attr_text, name
    return filled


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.integers(0, 1),
    edits=st.lists(edit, min_size=1, max_size=12),
    remits=st.sampled_from(
        [("remit",), ("later",), ("remit", "later"), ("later", "remit"), ("remit", "remit")]
    ),
)
def test_staff_edits_survive_any_update(cases, which, edits, remits):
    case, later = cases[which]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "summit-health.xlsx"
        shutil.copy(case.workbook, path)
        staff_edits(path, edits)
        for name in remits:
            before = Path(folder) / "before.xlsx"
            shutil.copy(path, before)
            report = update_workbook(path, [case.remit_path if name == "remit" else later])
            if report.written:
                assert_kept(before, path)
                assert report.plan.log  # each import logs its claims
            else:
                assert path.read_bytes() == before.read_bytes()
        used = {"remit": case.remit_path, "later": later}
        again = update_workbook(path, [used[n] for n in reversed(remits)])
        assert not again.written  # idempotent whatever the order
