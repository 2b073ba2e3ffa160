"""``portfolio.xlsx``: one row per payer with the figures of its workbook, totals and charts.

Payer figures are written as values (computed by ``workbooks.expected``, the same rules as the payer
workbooks' formulas), not as external references, so the portfolio opens anywhere without links to update;
totals and ratios are formulas over those values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from udfs.payers import PayerProfile

from .expected import compute
from .saving import save
from .styles import register
from .tables import text_cell

COLUMNS = [
    # header, key, type, width
    ("Payer", "payer", "text", 30),
    ("Workbook", "workbook", "text", 24),
    ("Method", "method", "text", 20),
    ("Factor", "factor", "fraction", 9),
    ("Claims", "claims", "integer", 8),
    ("Lines", "lines", "integer", 8),
    ("Billed", "billed", "amount", 14),
    ("Initial paid", "initial_paid", "amount", 14),
    ("Medicare", "medicare", "amount", 14),
    ("Expected allowed", "expected_allowed", "amount", 14),
    ("Underpaid lines", "underpaid", "integer", 10),
    ("Recovered", "recovered", "amount", 13),
    ("Gap to target", "gap", "amount", 14),
    ("IDR decided", "idr_decided", "integer", 9),
    ("IDR won", "idr_won", "integer", 9),
]


def payer_rows(
    claims: pd.DataFrame,
    log: pd.DataFrame,
    profiles: dict[str, PayerProfile],
    as_of: dt.date,
    workbooks: dict[str, Path],
    password: str | None = None,
) -> pd.DataFrame:
    rows = []
    for payer_id, lines in claims.groupby("payer_id", sort=True):
        payer_id = str(payer_id)
        p = profiles[payer_id]
        lg = log[log["claim_id"].isin(set(lines["claim_id"]))].reset_index(drop=True)
        e = compute(lines.reset_index(drop=True), lg, p, as_of)
        idr = e.log[e.log["stage"] == "IDR"] if len(e.log) else e.log
        rows.append(
            {
                "payer": p.name,
                "workbook": workbooks[payer_id].name if payer_id in workbooks else "",
                "method": p.method,
                "factor": p.factor,
                "claims": lines["claim_id"].nunique(),
                "lines": len(lines),
                "billed": float(lines["billed"].sum()),
                "initial_paid": float(lines["initial_paid"].fillna(0).sum()),
                "medicare": float(np.nansum(lines["medicare"].to_numpy(dtype=float))),
                "expected_allowed": float(np.nansum(e.claims["expected_allowed"].to_numpy(dtype=float))),
                "underpaid": int((e.claims["underpaid"] == True).sum()),  # noqa: E712
                "recovered": float(e.claims["recovered"].sum()),
                "gap": float(np.nansum(e.claims["gap"].to_numpy(dtype=float))),
                "idr_decided": int(idr["outcome"].isin(["Won", "Lost", "Partial"]).sum()) if len(idr) else 0,
                "idr_won": int((idr["outcome"] == "Won").sum()) if len(idr) else 0,
            }
        )
    return pd.DataFrame(rows)


def build_portfolio(
    path: Path,
    claims: pd.DataFrame,
    log: pd.DataFrame,
    profiles: dict[str, PayerProfile],
    as_of: dt.date,
    workbooks: dict[str, Path],
    password: str | None = None,
) -> pd.DataFrame:
    """Write the portfolio workbook (a Payers table, a totals row, ratios and two charts); returns its rows."""
    data = payer_rows(claims, log, profiles, as_of, workbooks)
    wb = Workbook(write_only=True)
    register(wb)
    ws = wb.create_sheet("Portfolio")
    headers = [c[0] for c in COLUMNS] + ["Paid of billed", "Paid of Medicare", "IDR win rate"]
    ws.append([text_cell(ws, f"Out-of-network portfolio as of {as_of:%Y-%m-%d}", "oon title")])
    ws.append(
        [
            text_cell(
                ws,
                "One row per payer, figures as in each payer's workbook at build time (values, not "
                "links); ratios and totals are formulas.",
                "oon note",
            )
        ]
    )
    ws.append([text_cell(ws, h, "oon header computed") for h in headers])
    first = 4
    n = len(data)
    last = first + n - 1
    col = {c[0]: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    for r, row in enumerate(data.itertuples(index=False), start=first):
        cells = []
        for (_, _, type_, _), value in zip(COLUMNS, row, strict=True):
            if isinstance(value, str):
                cells.append(text_cell(ws, value, f"oon value {type_}"))
            else:
                c = WriteOnlyCell(ws, value)
                c.style = f"oon value {type_}"
                cells.append(c)
        ratios = [
            f'=IF({col["Billed"]}{r}=0,"",({col["Initial paid"]}{r}+{col["Recovered"]}{r})/{col["Billed"]}{r})',
            f'=IF({col["Medicare"]}{r}=0,"",({col["Initial paid"]}{r}+{col["Recovered"]}{r})/{col["Medicare"]}{r})',
            f'=IF({col["IDR decided"]}{r}=0,"",{col["IDR won"]}{r}/{col["IDR decided"]}{r})',
        ]
        for f in ratios:
            c = WriteOnlyCell(ws, f)
            c.style = "oon value fraction"
            cells.append(c)
        ws.append(cells)
    total_row = last + 1
    totals = [text_cell(ws, "Total", "oon label"), None, None, None]
    for header, _, type_, _ in COLUMNS[4:]:
        c = WriteOnlyCell(ws, f"=SUM({col[header]}{first}:{col[header]}{last})" if n else 0)
        c.style = f"oon value {type_}"
        totals.append(c)
    for f in (
        f'=IF({col["Billed"]}{total_row}=0,"",({col["Initial paid"]}{total_row}+{col["Recovered"]}{total_row})/{col["Billed"]}{total_row})',
        f'=IF({col["Medicare"]}{total_row}=0,"",({col["Initial paid"]}{total_row}+{col["Recovered"]}{total_row})/{col["Medicare"]}{total_row})',
        f'=IF({col["IDR decided"]}{total_row}=0,"",{col["IDR won"]}{total_row}/{col["IDR decided"]}{total_row})',
    ):
        c = WriteOnlyCell(ws, f)
        c.style = "oon value fraction"
        totals.append(c)
    ws.append(totals)
    for i, (_, _, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for j in range(len(COLUMNS) + 1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 11
    if n:
        table = Table(displayName="Payers", ref=f"A3:{get_column_letter(len(headers))}{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        table._initialise_columns()
        for column, header in zip(table.tableColumns, headers, strict=True):
            column.name = header
        ws._tables.add(table)
        gap_chart = BarChart()
        gap_chart.type = "bar"
        gap_chart.title = "Gap to target by payer"
        gap_chart.legend = None
        gap_chart.add_data(
            Reference(ws, min_col=len(COLUMNS) - 2, min_row=3, max_row=last), titles_from_data=True
        )
        gap_chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        gap_chart.height, gap_chart.width = 8, 16
        ws.add_chart(gap_chart, f"A{total_row + 3}")
        paid = BarChart()
        paid.title = "Paid as a share of billed, by payer"
        paid.legend = None
        paid.add_data(Reference(ws, min_col=len(COLUMNS) + 1, min_row=3, max_row=last), titles_from_data=True)
        paid.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        paid.y_axis.number_format = "0%"
        paid.height, paid.width = 8, 16
        ws.add_chart(paid, f"J{total_row + 3}")
    ws.freeze_panes = "B4"
    save(wb, path, password)
    return data
