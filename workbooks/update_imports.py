"""The hidden sheet *Remit imports*: one row per remit claim and service line an update imported, so that the
same remit imported again changes nothing, and staff can see what came from which 835.

The sheet is found through the hidden defined name ``oonkit_remit_imports`` (which follows the sheet when it is
renamed), else by its name. Its first row holds the headers of :data:`COLUMNS`; columns are found by header.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from . import sheet_xml
from .remit_plan import Imported, as_text
from .tracker import Tracker
from .xlsx_package import SheetEntry

SHEET = "Remit imports"
NAME = "oonkit_remit_imports"
COLUMNS = [
    ("key", "Key", 40),
    ("imported", "Imported", 17),
    ("file", "File", 22),
    ("payer", "Payer", 24),
    ("payer_key", "Payer key", 12),
    ("trace", "Trace number", 16),
    ("payment_date", "Payment date", 12),
    ("payer_claim_id", "Payer claim ID", 16),
    ("patient_control_number", "Patient control number", 16),
    ("status", "Claim status", 8),
    ("line", "Line", 6),
    ("line_control_number", "Line control number", 14),
    ("procedure", "Procedure", 10),
    ("billed", "Billed", 12),
    ("paid", "Paid", 12),
    ("claim_id", "Claim ID", 14),
    ("workbook_line", "Workbook line", 10),
    ("result", "Result", 32),
]
LAST_ROW = 1_048_576  # Excel's last row


def find_sheet(tracker: Tracker) -> SheetEntry | None:
    sheets = tracker.package.sheets()
    m = re.search(
        rb'<definedName\b[^>]*\bname="' + NAME.encode() + rb'"[^>]*>\s*(?:\'((?:[^\']|\'\')+)\'|([^!<]+))!',
        tracker.workbook_xml,
    )
    if m:
        target = (m.group(1) or m.group(2)).decode().replace("''", "'")
        for s in sheets:
            if s.name == target:
                return s
    return next((s for s in sheets if s.name == SHEET), None)


def read_imports(tracker: Tracker) -> tuple[Imported, SheetEntry | None, int, dict[str, str]]:
    """The recorded imports, the sheet (None before the first import), its last used row, and its columns."""
    sheet = find_sheet(tracker)
    imported = Imported()
    if sheet is None:
        return imported, None, 0, {}
    letters = [get_column_letter(i) for i in range(1, 60)]
    pkg, strings = tracker.package, tracker.strings
    with pkg.open(sheet.part) as stream:
        head = sheet_xml.read_table(stream, sheet.name, 1, 1, letters, letters, strings, beyond=False)
    by_header = {str(v[1]): k for k, v in head.columns.items() if 1 in v}
    cols = {source: by_header[h] for source, h, _ in COLUMNS if h in by_header}
    wanted = [cols[s] for s in ("key", "claim_id", "payer_key") if s in cols]
    if "key" not in cols:
        return imported, sheet, max(head.last_used, 1), cols
    with pkg.open(sheet.part) as stream:
        body = sheet_xml.read_table(stream, sheet.name, 2, LAST_ROW, wanted, letters, strings)
    imported.keys = {as_text(v) for v in body.columns.get(cols["key"], {}).values()}
    imported.keys |= {k.rsplit("|", 1)[0] for k in imported.keys if k.count("|") == 7}
    if "claim_id" in cols:
        imported.claim_ids = {as_text(v) for v in body.columns.get(cols["claim_id"], {}).values()} - {""}
    if "payer_key" in cols:
        imported.payers = {as_text(v).upper() for v in body.columns.get(cols["payer_key"], {}).values()} - {
            ""
        }
    return imported, sheet, max(body.last_used, 1), cols
