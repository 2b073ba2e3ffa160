"""``portfolio.xlsx``: one row per payer with the figures of its workbook, totals and charts.

Payer figures are written as values (computed by ``workbooks.expected``, the same rules as the payer
workbooks' formulas), not as external references, so the portfolio opens anywhere without links to update;
totals and ratios are formulas over those values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from udfs.allowed import why_no_amount
from udfs.payers import PayerProfile

from . import stages
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
    ("Paid where priced", "paid_priced", "amount", 13),
    ("Expected allowed", "expected_allowed", "amount", 14),
    ("Underpaid lines", "underpaid", "integer", 10),
    ("Recovered", "recovered", "amount", 13),
    ("Gap to target", "gap", "amount", 14),
    ("Closed billed", "closed_billed", "amount", 13),
    ("Closed paid", "closed_paid", "amount", 13),
    ("Appeals decided", "appeals_decided", "integer", 9),
    ("Appeals won", "appeals_won", "integer", 9),
    ("IDR decided", "idr_decided", "integer", 9),
    ("IDR won", "idr_won", "integer", 9),
    ("Median response days", "median_response_days", "integer", 10),
]
#: Ratio columns after the values: header, numerator headers (summed), denominator header.
RATIOS = [
    ("Paid of billed", ("Initial paid", "Recovered"), "Billed"),
    ("Paid of Medicare", ("Paid where priced",), "Medicare"),
    ("Settlement of billed", ("Closed paid",), "Closed billed"),
    ("Appeal success rate", ("Appeals won",), "Appeals decided"),
    ("IDR win rate", ("IDR won",), "IDR decided"),
]
#: Columns whose total is not a sum (written as the Python value over all payers).
NOT_SUMMED = {"Median response days"}
APPEAL_STAGES = ("Formal appeal (level 1)", "Formal appeal (level 2)")


def _payer_figures(lines: pd.DataFrame, lg: pd.DataFrame, e) -> dict[str, float]:
    decided, success = stages.lists()["decided_outcomes"], stages.lists()["success_outcomes"]
    log = e.log
    appeals = log[log["stage"].isin(APPEAL_STAGES)] if len(log) else log
    idr = log[log["stage"] == "IDR"] if len(log) else log
    closed = e.claims["status"] == "Closed"
    days = log["response_days"].dropna() if len(log) else pd.Series(dtype=float)
    return {
        "closed_billed": float(e.claims.loc[closed, "billed"].sum()),
        "closed_paid": float(e.claims.loc[closed, "total_paid"].sum()),
        "appeals_decided": int(appeals["outcome"].isin(decided).sum()) if len(appeals) else 0,
        "appeals_won": int(appeals["outcome"].isin(success).sum()) if len(appeals) else 0,
        "idr_decided": int(idr["outcome"].isin(decided).sum()) if len(idr) else 0,
        "idr_won": int((idr["outcome"] == "Won").sum()) if len(idr) else 0,
        "median_response_days": float(np.median(days)) if len(days) else np.nan,
    }


def payer_rows(
    claims: pd.DataFrame,
    log: pd.DataFrame,
    profiles: dict[str, PayerProfile],
    as_of: dt.date,
    workbooks: dict[str, Path],
) -> pd.DataFrame:
    """One row per payer: the figures of its workbook (``workbooks.expected``), in COLUMNS order."""
    rows = []
    all_days: list[float] = []
    unpriced: dict[str, dict[str, Any]] = {}
    for payer_id, lines in claims.groupby("payer_id", sort=True):
        payer_id = str(payer_id)
        p = profiles[payer_id]
        lg = log[log["claim_id"].isin(set(lines["claim_id"]))].reset_index(drop=True)
        e = compute(lines.reset_index(drop=True), lg, p, as_of)
        if len(e.log):
            all_days += e.log["response_days"].dropna().tolist()
        unpriced[p.name] = _unpriced(e.claims, p)
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
                # paid (initial + recovered) on the lines with a Medicare amount, the numerator of paid of Medicare
                "paid_priced": float(
                    e.claims.loc[e.claims["medicare"].astype(float) > 0, "total_paid"].sum()
                ),
                "expected_allowed": float(np.nansum(e.claims["expected_allowed"].to_numpy(dtype=float))),
                "underpaid": int((e.claims["underpaid"] == True).sum()),  # noqa: E712
                "recovered": float(e.claims["recovered"].sum()),
                "gap": float(np.nansum(e.claims["gap"].to_numpy(dtype=float))),
                **_payer_figures(lines, lg, e),
            }
        )
    frame = pd.DataFrame(rows, columns=[c[1] for c in COLUMNS])
    # the overall median response days (a median of medians would be wrong), for the totals row
    frame.attrs["median_response_days"] = float(np.median(all_days)) if all_days else np.nan
    # by payer name: the lines left without an expected amount and why (the sums above leave them out)
    frame.attrs["unpriced"] = unpriced
    return frame


def _unpriced(c: pd.DataFrame, p: PayerProfile) -> dict[str, Any]:
    """``lines``: how many lines have no expected allowed amount (blank in the workbook), ``reasons``: how
    many for each reason (worded as ``oonkit remit`` words them), ``with_gap``: how many lines have a gap."""
    blank = np.isnan(c["expected_allowed"].to_numpy(dtype=float))
    reasons: dict[str, int] = {}
    no_rate = "no charge benchmark rate for the line (--benchmark, or benchmark_rate in the claims file)"
    for note in c.loc[blank, "medicare_note"].fillna("").astype(str):
        why = why_no_amount(p.method, note, no_rate)
        reasons[why] = reasons.get(why, 0) + 1
    return {
        "lines": int(blank.sum()),
        "reasons": reasons,
        "with_gap": int((~np.isnan(c["gap"].to_numpy(dtype=float))).sum()),
    }


def _value_cell(ws, value, type_: str) -> WriteOnlyCell:
    if isinstance(value, str):
        return text_cell(ws, value, f"oon value {type_}")
    c = WriteOnlyCell(ws, None if isinstance(value, float) and np.isnan(value) else value)
    c.style = f"oon value {type_}"
    return c


def _ratio_cells(ws, col: dict[str, str], r: int) -> list[WriteOnlyCell]:
    cells = []
    for _, numerators, denominator in RATIOS:
        top = "+".join(f"{col[h]}{r}" for h in numerators)
        c = WriteOnlyCell(ws, f'=IF(N({col[denominator]}{r})=0,"",({top})/{col[denominator]}{r})')
        c.style = "oon value fraction"
        cells.append(c)
    return cells


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
    headers = [c[0] for c in COLUMNS] + [r[0] for r in RATIOS]
    ws.append([text_cell(ws, f"Out-of-network portfolio as of {as_of:%Y-%m-%d}", "oon title")])
    note = (
        "One row per payer, figures as in each payer's workbook at build time (values, not links); "
        "ratios and totals are formulas."
    )
    ws.append([text_cell(ws, note, "oon note")])
    ws.append([text_cell(ws, h, "oon header computed") for h in headers])
    first, n = 4, len(data)
    last, total_row = first + n - 1, first + n
    col = {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}
    for r, row in enumerate(data.itertuples(index=False), start=first):
        cells = [_value_cell(ws, v, c[2]) for c, v in zip(COLUMNS, row, strict=True)]
        ws.append(cells + _ratio_cells(ws, col, r))
    totals = [text_cell(ws, "Total", "oon label"), None, None, None]
    for header, key, type_, _ in COLUMNS[4:]:
        if header in NOT_SUMMED:
            totals.append(_value_cell(ws, data.attrs[key], type_))
            continue
        c = WriteOnlyCell(ws, f"=SUM({col[header]}{first}:{col[header]}{last})" if n else 0)
        c.style = f"oon value {type_}"
        totals.append(c)
    ws.append(totals + _ratio_cells(ws, col, total_row))
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
        index = {h: i for i, h in enumerate(headers, start=1)}
        _chart(ws, "Gap to target by payer", index["Gap to target"], first, last, f"A{total_row + 3}", "bar")
        _chart(
            ws,
            "Paid as a share of billed, by payer",
            index["Paid of billed"],
            first,
            last,
            f"J{total_row + 3}",
            "col",
            "0%",
        )
    ws.freeze_panes = "B4"
    save(wb, path, password)
    return data


def _chart(
    ws, title: str, column: int, first: int, last: int, anchor: str, kind: str, fmt: str | None = None
) -> None:
    chart = BarChart()
    chart.type = kind
    chart.title = title
    chart.legend = None
    chart.add_data(Reference(ws, min_col=column, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    if fmt:
        chart.y_axis.number_format = fmt
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, anchor)
