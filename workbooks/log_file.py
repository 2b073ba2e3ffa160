"""Reading an escalation log file (CSV or XLSX) to seed a workbook's Escalation log: the columns of the log
table in ``templates/layouts/payer_workbook.yaml``, with stages, channels and outcomes from the drop-down lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pandas as pd

from udfs.errors import FileError, Problem

from .claims_file import ColumnSpec, read_table
from .layout import load_layout
from .names import drop_down_lists

_TYPES = {"choice": "choice", "text": "text", "date": "date", "amount": "amount"}


def log_specs() -> list[ColumnSpec]:
    lists = drop_down_lists()
    specs = []
    for col in load_layout()["log"].columns:
        if col.kind != "input" or not col.source:
            continue
        choices = tuple(lists[col.list]) if col.type == "choice" and col.list else ()
        specs.append(
            ColumnSpec(
                name=col.source,
                type=col.type if col.type in _TYPES else "text",
                required=col.source in ("claim_id", "date", "stage"),
                default="" if col.type == "text" else None,
                aliases=(col.header,),
                choices=choices,
                description=col.note,
            )
        )
    return specs


def read_log(path: str | Path, claim_ids: set[str] | None = None) -> pd.DataFrame:
    """Read and check a log file (:func:`workbooks.claims_file.read_table`: warnings in ``attrs["warnings"]``);
    with ``claim_ids``, every entry must name a known claim, checked in the same pass as the cells."""

    def check(frame: pd.DataFrame, src: str, headers: dict[str, str], bad: pd.DataFrame) -> list[Problem]:
        if claim_ids is None:
            return []
        records = cast(list[dict[str, Any]], frame.to_dict("records"))
        return [
            Problem(
                src,
                int(r["source_line"]),
                headers.get("claim_id", "claim_id"),
                f"claim {r['claim_id']} is not in the claims file",
            )
            for r, wrong in zip(records, bad["claim_id"], strict=True)
            if not wrong and r["claim_id"] not in claim_ids
        ]

    return read_table(path, log_specs(), check)


def empty_log() -> pd.DataFrame:
    return pd.DataFrame({s.name: pd.Series(dtype=object) for s in log_specs()})


__all__ = ["FileError", "empty_log", "log_specs", "read_log"]
