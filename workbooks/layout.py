"""The layout of a payer workbook, read from ``templates/layouts/payer_workbook.yaml``, and the expansion of
its formula shorthand into Excel's structured references.

``{Column}`` is this row's cell of the table the formula sits in and becomes ``Claims[[#This Row],[Column]]``;
``{Table:Column}`` is a whole table column, ``Log[Column]``. Excel stores structured references in exactly
this form, and LibreOffice 7.4 computes it (``../shared/EXCEL.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from udfs.errors import TemplateError
from udfs.reference import load_yaml

LAYOUT_FILE = "layouts/payer_workbook.yaml"
_REF = re.compile(r"\{(?:([A-Za-z]+):)?([^{}:]+)\}")
#: Characters a column header may not contain, so that structured references need no escaping.
_SAFE_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9 ]*$")


@dataclass(frozen=True)
class Column:
    """One column of a table: where its values come from (``source``: a field of the input) or its formula."""

    header: str
    kind: str  # input | computed
    type: str  # text | integer | amount | fraction | date | flag | choice
    width: float = 12
    source: str | None = None
    list: str | None = None
    note: str = ""
    hidden: bool = False
    formula: str | None = None
    deadline: dict[str, Any] | None = None
    log_date: dict[str, Any] | None = None


@dataclass(frozen=True)
class TableLayout:
    name: str
    spare_rows: int
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def index(self, header: str) -> int:
        """0-based position of a column."""
        return self.headers.index(header)


def expand(formula: str, table: str) -> str:
    """Structured references for the layout shorthand.

    >>> expand('=IF({Claim ID}="","",SUMIFS({Log:Amount paid},{Log:Claim ID},{Claim ID}))', "Claims")
    '=IF(Claims[[#This Row],[Claim ID]]="","",SUMIFS(Log[Amount paid],Log[Claim ID],Claims[[#This Row],[Claim ID]]))'
    """

    def sub(m: re.Match[str]) -> str:
        other, col = m.group(1), m.group(2)
        return f"{other}[{col}]" if other else f"{table}[[#This Row],[{col}]]"

    return _REF.sub(sub, tidy(formula))


def tidy(formula: str) -> str:
    r"""Remove the whitespace YAML line folding leaves in a formula, except inside string literals, ``{...}``
    placeholders and ``[...]`` structured references (in Excel a space between two references is the
    intersection operator, so stray spaces are not harmless).

    >>> tidy('=IF({Claim ID}="a b", 1,\n  MIN( Log[Amount paid], C1 ))')
    '=IF({Claim ID}="a b",1,MIN(Log[Amount paid],C1))'
    """
    out, quoted, depth = [], False, 0
    for ch in formula:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "{[":
            depth += 1
        elif not quoted and ch in "}]":
            depth -= 1
        elif ch.isspace() and not quoted and depth == 0:
            continue
        out.append(ch)
    return "".join(out)


def referenced(formula: str) -> list[tuple[str | None, str]]:
    """(table or None, column) pairs a formula refers to."""
    return [(m.group(1), m.group(2)) for m in _REF.finditer(formula)]


@cache
def load_layout() -> dict[str, TableLayout]:
    """Tables by key (``claims``, ``log``, ``deadlines``), checked: headers safe for structured references and
    every reference naming an existing column."""
    data = load_yaml(LAYOUT_FILE)
    tables: dict[str, TableLayout] = {}
    for key in ("claims", "log", "deadlines"):
        spec = data[key]
        columns = []
        for c in spec["columns"]:
            unknown = set(c) - {f for f in Column.__dataclass_fields__}
            if unknown:
                raise TemplateError(
                    f"{LAYOUT_FILE}: {key}: column {c.get('header')}: unknown keys {sorted(unknown)}"
                )
            formula = c.get("formula")
            columns.append(Column(**{**c, "formula": tidy(formula) if formula else None}))
        tables[key] = TableLayout(spec["table"], int(spec["spare_rows"]), tuple(columns))
    by_name = {t.name: set(t.headers) for t in tables.values()}
    for key, t in tables.items():
        for c in t.columns:
            if not _SAFE_HEADER.match(c.header):
                raise TemplateError(
                    f"{LAYOUT_FILE}: {key}: header {c.header!r} has characters structured references escape"
                )
            if c.log_date:
                from .stages import labels

                unknown_stages = set(c.log_date["stages"]) - set(labels())
                if unknown_stages:
                    raise TemplateError(
                        f"{LAYOUT_FILE}: {key}: {c.header}: unknown stages {sorted(unknown_stages)}"
                    )
            texts = [c.formula or ""]
            if c.deadline:
                texts += [f"{{{c.deadline['start']}}}", c.deadline.get("when", "")]
            for text in texts:
                for other, col in referenced(text):
                    known = by_name.get(other or t.name)
                    if known is None or col not in known:
                        raise TemplateError(
                            f"{LAYOUT_FILE}: {key}: {c.header}: unknown reference {{{other + ':' if other else ''}{col}}}"
                        )
    return tables
