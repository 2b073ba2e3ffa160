"""``oonkit update``: what an 835 import writes into a payer workbook, and what it never touches.

Every expected amount comes from the 835 the test generates (``remits.synthetic``, read back with
``remits.reader``): SVC03 paid per line, the line's PR adjustments, BPR16, CLP07, TRN02.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from udfs.errors import FileError, InputError
from workbooks.layout import load_layout
from workbooks.update import lock_files, update_workbook

from .test_update_support import AS_OF, make_case, parts, table_frame

ROOT = Path(__file__).resolve().parents[2]
CHANGED = {  # parts an import may rewrite; every other part keeps its bytes
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet4.xml",
    "xl/tables/table1.xml",
    "xl/tables/table2.xml",
    "xl/tables/table3.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "xl/styles.xml",
}


def remit_lines(remit, payer: str) -> pd.DataFrame:
    """One row per service line of the payer's claims with what the import should write."""
    claims = remit.claims.set_index("claim_id")
    pay = remit.payments.set_index("payment_id")
    adj = remit.adjustments
    out = []
    for ln in remit.lines.itertuples(index=False):
        c = claims.loc[ln.claim_id]
        if c["payer"] != payer:
            continue
        mine = adj[adj["line_id"] == ln.line_id]
        out.append(
            {
                "pcn": c["patient_control_number"],
                "status": c["status"],
                "line": int(ln.line_number),
                "paid": float(ln.paid),
                "patient": float(mine.loc[mine["group"] == "PR", "amount"].sum()),
                "payment_date": pay.loc[c["payment_id"], "payment_date"].date(),
                "icn": c["payer_claim_id"],
                "carc": {f"{g}-{r}" for g, r in zip(mine["group"], mine["reason"], strict=True)},
                "charge": float(ln.charge),
            }
        )
    return pd.DataFrame(out)


@pytest.fixture
def case(tmp_path):
    return make_case(tmp_path, seed=5, claims=40, prefill_every=4)


def test_first_import_fills_blank_inputs_adds_remit_only_claims_and_logs_each_claim(case):
    before = table_frame(case.workbook, "claims")
    report = update_workbook(case.workbook, [case.remit_path])
    assert report.written and not report.plan.conflicts
    after = table_frame(case.workbook, "claims")
    expected = remit_lines(case.remit, case.payer).set_index(["pcn", "line"])
    for r in after.itertuples(index=False):
        e = expected.loc[(r.claim_id, r.line)]
        assert r.initial_paid == pytest.approx(e["paid"], abs=0.005), (r.claim_id, r.line)
        assert r.patient_paid == pytest.approx(e["patient"], abs=0.005)
        assert r.payment_date.date() == e["payment_date"]
        assert r.payer_claim_id == e["icn"]
        assert set(r.carc_codes.split()) == e["carc"]
    old = before.set_index(["claim_id", "line"])
    for r in after.itertuples(index=False):
        if r.claim_id in case.left_out:
            assert r.notes.startswith("Added by oonkit update from the 835")
            assert r.billed == pytest.approx(expected.loc[(r.claim_id, r.line), "charge"])
            assert r.status == ("Denied" if expected.loc[(r.claim_id, r.line), "status"] == "4" else "Open")
            assert r.medicare is not None  # priced like a built line
        else:
            assert r.notes == old.loc[(r.claim_id, r.line), "notes"]  # staff notes untouched
            assert r.hcpcs == old.loc[(r.claim_id, r.line), "hcpcs"]
    assert set(after["claim_id"]) == set(before["claim_id"]) | set(case.left_out)
    log = table_frame(case.workbook, "log")
    mine = case.remit.claims[case.remit.claims["payer"] == case.payer]
    assert len(log) == len(mine)
    assert set(log["reference"]) == {
        f"835 {t} ICN {i}" for t, i in zip(mine["trace_number"], mine["payer_claim_id"], strict=True)
    }
    assert set(log["stage"]) == {"Payment review"}
    assert (
        log["amount_paid"].isna().all()
    )  # first determinations: the amounts are in Claims, not counted twice
    deadlines = table_frame(case.workbook, "deadlines")
    assert set(deadlines["claim_id"]) == set(after["claim_id"])


def test_importing_the_same_remit_again_changes_nothing(case):
    update_workbook(case.workbook, [case.remit_path])
    first = case.workbook.read_bytes()
    files = sorted(case.workbook.parent.iterdir())
    report = update_workbook(case.workbook, [case.remit_path, case.remit_path])
    assert not report.written
    assert report.plan.already == 2 * int((case.remit.claims["payer"] == case.payer).sum())  # the file twice
    assert case.workbook.read_bytes() == first
    assert sorted(case.workbook.parent.iterdir()) == files  # no new backup either


def test_the_key_survives_without_the_imports_sheet_through_the_log_references(case):
    update_workbook(case.workbook, [case.remit_path])
    wb = openpyxl.load_workbook(case.workbook)
    del wb["Remit imports"]
    del wb.defined_names["oonkit_remit_imports"]
    wb.save(case.workbook)
    report = update_workbook(case.workbook, [case.remit_path])
    assert report.plan.log == [] and report.plan.fills == {}


def test_staff_values_are_never_overwritten_and_differences_are_reported(case):
    wb = openpyxl.load_workbook(case.workbook)
    ws = wb["Claims"]
    ws["M2"] = 1.23  # Initial paid
    ws["R3"] = "TYPED-BY-STAFF"  # Payer claim ID
    ws["P4"] = "=1+1"  # a formula in CARC codes
    wb.save(case.workbook)
    report = update_workbook(case.workbook, [case.remit_path])
    ws = openpyxl.load_workbook(case.workbook)["Claims"]
    assert ws["M2"].value == 1.23 and ws["R3"].value == "TYPED-BY-STAFF" and ws["P4"].value == "=1+1"
    text = "\n".join(report.plan.conflicts)
    assert "Claims row 2 " in text and "Initial paid is 1.23 in the workbook" in text
    assert "Claims row 3 " in text and "Payer claim ID is 'TYPED-BY-STAFF'" in text
    assert "Claims row 4 " in text and "CARC codes is a formula" in text
    claim = ws["A2"].value
    log = table_frame(case.workbook, "log")
    assert "differs from the 835" in log.loc[log["claim_id"] == claim, "notes"].iloc[0]


def test_a_later_payment_goes_to_the_log_amount_paid_not_to_the_claims_inputs(case):
    update_workbook(case.workbook, [case.remit_path])
    claims_before = table_frame(case.workbook, "claims")
    later = case.root / "later.835"  # the same claims paid again under another trace number
    later.write_bytes(case.remit_path.read_bytes().replace(b"TRN*1*EFT0000000001", b"TRN*1*EFT0000000777"))
    report = update_workbook(case.workbook, [later])
    assert report.written and not report.plan.fills
    pd.testing.assert_frame_equal(table_frame(case.workbook, "claims"), claims_before)
    log = table_frame(case.workbook, "log")
    new = log[log["reference"].str.startswith("835 EFT0000000777")]
    mine = case.remit.claims[case.remit.claims["payer"] == case.payer].set_index("patient_control_number")
    assert len(new) == len(mine)
    for r in new.itertuples(index=False):
        assert r.amount_paid == pytest.approx(mine.loc[r.claim_id, "paid"])  # CLP04 of the remit


def test_a_reversal_and_its_correction_change_the_total_paid_to_the_corrected_amount(tmp_path):
    case = make_case(tmp_path, seed=11, claims=60, keep_every=0, reversal_rate=0.25)
    claims = case.remit.claims
    reversals = claims[
        (claims["status"] == "22") & (claims["payer"] == case.payer) & claims["reversal_of"].notna()
    ]
    assert len(reversals) >= 2  # the generator made some
    update_workbook(case.workbook, [case.remit_path])
    log = table_frame(case.workbook, "log")
    wb_claims = table_frame(case.workbook, "claims")
    by_id = claims.set_index("claim_id")
    for rev in reversals.itertuples(index=False):
        original = by_id.loc[int(rev.reversal_of)]
        corrected = by_id.loc[int(rev.corrected_by)]
        pcn = rev.patient_control_number
        initial = wb_claims.loc[wb_claims["claim_id"] == pcn, "initial_paid"].sum()
        recovered = log.loc[log["claim_id"] == pcn, "amount_paid"].fillna(0).sum()
        assert initial == pytest.approx(original["paid"], abs=0.01)  # the first determination in Claims
        assert recovered == pytest.approx(
            corrected["paid"] - original["paid"], abs=0.01
        )  # -original +corrected
        assert initial + recovered == pytest.approx(corrected["paid"], abs=0.01)


def test_tables_grow_with_formulas_validation_formatting_and_names_when_spare_rows_run_out(tmp_path):
    case = make_case(tmp_path, seed=2, claims=300, keep_every=2)
    before_refs = _table_refs(case.workbook)
    report = update_workbook(case.workbook, [case.remit_path])
    assert set(report.extended) == {"claims", "log", "deadlines"}
    wb = openpyxl.load_workbook(case.workbook)
    refs = _table_refs(case.workbook)
    for key, name in (("claims", "Claims"), ("log", "Log"), ("deadlines", "Deadlines")):
        old_last, new_last = before_refs[name][1], refs[name][1]
        assert new_last == old_last + report.extended[key]
    ws = wb["Claims"]
    last = refs["Claims"][1]
    assert wb.defined_names["ClaimIDs"].attr_text == f"'Claims'!$A$2:$A${last}"
    assert all(str(dv.sqref).endswith(str(last)) for dv in ws.data_validations.dataValidation)
    headers = [c.header for c in load_layout()["claims"].columns]
    underpaid = get_column_letter(headers.index("Underpaid") + 1)  # highlighted when TRUE
    assert [str(r.sqref) for r in ws.conditional_formatting] == [f"{underpaid}2:{underpaid}{last}"]
    table = ws.tables["Claims"]
    for col_no, column in enumerate(table.tableColumns, start=1):
        if column.calculatedColumnFormula is not None:
            assert ws.cell(last, col_no).value == "=" + column.calculatedColumnFormula.attr_text
    dl = wb["Deadlines"]
    dl_last = refs["Deadlines"][1]
    headers = [c.value for c in dl[1]]
    nxt = dl.cell(dl_last, headers.index("Next deadline") + 1).value
    first, last_col = (get_column_letter(headers.index(h) + 1) for h in ("Timely filing", "Next action due"))
    assert f"${first}{dl_last}:${last_col}{dl_last}" in nxt and f"${first}2:" not in nxt  # moved to its row
    shown = (get_column_letter(headers.index(h) + 1) for h in ("Next deadline", "Business days left"))
    assert [str(r.sqref) for r in dl.conditional_formatting] == [
        "{}2:{}{}".format(*shown, dl_last)
    ]  # Next deadline .. days left


def _table_refs(path: Path) -> dict[str, tuple[str, int]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():
            out[table.name] = (table.ref, int(re.search(r"(\d+)$", table.ref).group(1)))
    return out


def test_parts_and_rows_not_meant_to_change_keep_their_bytes(case):
    before = parts(case.workbook)
    report = update_workbook(case.workbook, [case.remit_path])
    after = parts(case.workbook)
    new = set(after) - set(before)
    assert new == {"xl/worksheets/sheet10.xml"}  # the Remit imports sheet
    for name, data in before.items():
        if name not in CHANGED:
            assert after[name] == data, name
    touched = set(report.plan.fills)
    rows_before = _rows(before["xl/worksheets/sheet2.xml"])
    rows_after = _rows(after["xl/worksheets/sheet2.xml"])
    assert set(rows_before) == set(rows_after)
    unchanged = [r for r in rows_before if r not in touched and rows_before[r] == rows_after[r]]
    assert len(unchanged) == len(rows_before) - len(touched) - report.rows["claims"]
    head = before["xl/worksheets/sheet2.xml"].split(b"<sheetData>")[0]
    assert after["xl/worksheets/sheet2.xml"].startswith(head)
    tail = before["xl/worksheets/sheet2.xml"].split(b"</sheetData>")[1]
    assert after["xl/worksheets/sheet2.xml"].endswith(tail)


def _rows(xml: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(0) for m in re.finditer(rb'<row r="(\d+)".*?</row>', xml, re.S)}


@pytest.mark.parametrize(
    "lock", ["~${name}", "~${short}", ".~lock.{name}#"], ids=["excel", "excel-long-name", "libreoffice"]
)
def test_a_workbook_open_in_excel_or_libreoffice_is_refused(case, lock):
    name = case.workbook.name
    (case.workbook.parent / lock.format(name=name, short=name[2:])).write_bytes(b"owner")
    before = case.workbook.read_bytes()
    with pytest.raises(InputError, match=f"{name} is open in Excel or LibreOffice"):
        update_workbook(case.workbook, [case.remit_path])
    assert case.workbook.read_bytes() == before
    assert lock_files(case.workbook)


def _with_version(path: Path, value: bytes) -> None:
    data = parts(path)
    data["xl/workbook.xml"] = re.sub(
        rb'(name="oonkit_template_version"[^>]*>)\d+', rb"\g<1>" + value, data["xl/workbook.xml"]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in data.items():
            z.writestr(k, v)


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (b"2", "built by a newer oonkit \\(template version 2"),
        (b"0", "template version 0 has no upgrade path"),
    ],
    ids=["newer", "older"],
)
def test_other_template_versions_are_refused_with_the_reason(case, version, message):
    _with_version(case.workbook, version)
    before = case.workbook.read_bytes()
    with pytest.raises(FileError, match=message):
        update_workbook(case.workbook, [case.remit_path])
    assert case.workbook.read_bytes() == before


def test_files_that_are_not_payer_workbooks_are_refused(case, tmp_path):
    with pytest.raises(FileError, match="not a payer workbook of oonkit build"):
        update_workbook(case.workbook.parent / "portfolio.xlsx", [case.remit_path])
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    with pytest.raises(FileError, match="not a payer workbook"):
        update_workbook(other, [case.remit_path])
    fake = tmp_path / "fake.xlsx"
    fake.write_text("claim_id,billed\n")
    with pytest.raises(FileError, match="not an .xlsx workbook"):
        update_workbook(fake, [case.remit_path])
    with pytest.raises(FileError, match="workbook not found"):
        update_workbook(tmp_path / "missing.xlsx", [case.remit_path])


def test_the_previous_version_is_kept_beside_the_workbook(case):
    case.workbook.chmod(0o644)  # a workbook on a shared folder, readable by colleagues
    original = case.workbook.read_bytes()
    report = update_workbook(case.workbook, [case.remit_path])
    assert case.workbook.stat().st_mode & 0o777 == 0o644  # the new file keeps the permissions
    assert report.backup.parent == case.workbook.parent
    assert re.fullmatch(r"summit-health\.before-update-\d{8}-\d{6}\.xlsx", report.backup.name)
    assert report.backup.read_bytes() == original
    assert not list(case.workbook.parent.glob(".*.tmp"))


def test_a_claims_file_adds_only_the_lines_the_workbook_lacks(case, tmp_path):
    wb = openpyxl.load_workbook(case.workbook)
    wb["Payer"].title = "Payer profile"  # staff renamed the sheet the payer id is read from
    wb.save(case.workbook)
    extra = tmp_path / "more.csv"
    first = case.claims.iloc[0]
    extra.write_text(
        "claim_id,line,payer,date_of_service,hcpcs,billed,notes\n"
        f"{first['claim_id']},{first['line']},summit-health,{first['date_of_service']},{first['hcpcs']},1.00,changed\n"
        "NEW-1,1,summit-health,2025-09-01,27447,48000,new knee\n"
        "NEW-1,2,summit-health,2025-09-01,99285,1450,=1+1 looks like a formula\n"
        "OTHER-1,1,keystone-mutual,2025-09-01,27447,48000,\n"
    )
    report = update_workbook(case.workbook, claims=extra)
    assert report.written
    claims = table_frame(case.workbook, "claims")
    assert list(claims.loc[claims["claim_id"] == "NEW-1", "line"]) == [1, 2]
    new = claims[claims["claim_id"] == "NEW-1"].iloc[0]
    assert new["billed"] == 48000 and new["notes"] == "new knee" and new["medicare"] > 0
    ws = openpyxl.load_workbook(case.workbook)["Claims"]
    note = next(r[27] for r in ws.iter_rows(min_row=2) if r[0].value == "NEW-1" and r[1].value == 2)
    assert (
        note.value == "=1+1 looks like a formula" and note.data_type == "s" and note.quotePrefix
    )  # stays text
    assert "OTHER-1" not in set(claims["claim_id"])
    assert (
        claims.loc[
            (claims["claim_id"] == first["claim_id"]) & (claims["line"] == first["line"]), "billed"
        ].iloc[0]
        != 1
    )
    assert report.plan.skipped == {
        "claims-file lines already in the workbook (left as they are)": 1,
        "claims-file lines of payer keystone-mutual (another workbook's)": 1,
    }
    assert "NEW-1" in set(table_frame(case.workbook, "deadlines")["claim_id"])
    assert not update_workbook(case.workbook, claims=extra).written  # idempotent


def test_claims_of_several_matching_payers_need_the_payer_named(tmp_path):
    case = make_case(tmp_path, seed=7, claims=24, per_transaction=6, keep_every=0)
    payers = list(dict.fromkeys(case.remit.claims["payer"]))
    # put the second payer's claims in the workbook too: both payers now match
    second = case.remit.claims[case.remit.claims["payer"] == payers[1]].iloc[0]
    extra = tmp_path / "extra.csv"
    extra.write_text(
        f"claim_id,payer,date_of_service,hcpcs,billed\n{second['patient_control_number']},summit-health,2025-06-01,27447,100\n"
    )
    update_workbook(case.workbook, claims=extra)
    with pytest.raises(InputError, match="claims of several payers in the remits match"):
        update_workbook(case.workbook, [case.remit_path])
    report = update_workbook(case.workbook, [case.remit_path], payer=payers[1].lower())
    assert report.plan.payers == [payers[1]]
    assert any(k.startswith(f"payer {payers[0]}: not this workbook's payer") for k in report.plan.skipped)
    with pytest.raises(InputError, match="--payer NOBODY: no claim of this payer"):
        update_workbook(case.workbook, [case.remit_path], payer="NOBODY")


def test_a_malformed_remit_changes_nothing(case, tmp_path):
    bad = tmp_path / "bad.835"
    bad.write_bytes(case.remit_path.read_bytes().replace(b"CLP*", b"CLX*", 1))
    before = case.workbook.read_bytes()
    with pytest.raises(FileError, match="bad.835"):
        update_workbook(case.workbook, [case.remit_path, bad])
    assert case.workbook.read_bytes() == before


def test_the_command_prints_what_it_did(case):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "oonkit", "update", str(case.workbook), "--remit", str(case.remit_path)]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"Updated summit-health.xlsx from 1 remit file (payer {case.payer})")
    assert "previous version kept as summit-health.before-update-" in first.stdout
    again = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    assert again.stdout.startswith("Nothing new for summit-health.xlsx; the workbook was not changed.")
    refused = subprocess.run(
        [sys.executable, "-m", "oonkit", "update", str(case.workbook)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert refused.returncode == 1 and "nothing to import" in refused.stderr


def test_as_of_is_the_build_date(case):
    # the workbook's own as-of date is left alone: an update changes payments, not the date deadlines count to
    update_workbook(case.workbook, [case.remit_path])
    ws = openpyxl.load_workbook(case.workbook)["Assumptions"]
    assert ws["B4"].value.date() == AS_OF


def test_a_remit_with_no_claim_of_the_workbook_needs_the_payer_named(case):
    claims = table_frame(case.workbook, "claims")
    other = case.root / "other.835"  # the same remit with claim numbers the workbook does not know
    data = case.remit_path.read_bytes().replace(b"CLP*PCN", b"CLP*ZZZ")
    for icn in set(claims["payer_claim_id"]) - {None}:
        data = data.replace(f"*{icn}*".encode(), f"*{icn[::-1]}*".encode())
    other.write_bytes(data)
    report = update_workbook(case.workbook, [other])
    assert not report.written
    assert report.plan.skipped == {
        f"payer {case.payer}: none of its claims is in this workbook (--payer '{case.payer}' adds them here)": 40
    }
    report = update_workbook(case.workbook, [other], payer=case.payer)
    assert report.plan.added_claims == 40 and report.plan.matched == 0
