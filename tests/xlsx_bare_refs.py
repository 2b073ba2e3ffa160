"""Find formulas whose result can be a bare reference to a cell that may be empty.

Excel shows a formula that returns a reference to an empty cell (``=IDRWin``, ``=INDEX(range,k)`` landing on an
empty cell) as 0. LibreOffice 7.4 gives an empty result: shown empty, equal to "", not ISNUMBER, yet saved to
.xlsx as 0, so a test that reads LibreOffice's recalculated values cannot see the difference. A generated formula
must wrap such a reference (``N(x)`` for a number, ``x&""`` or ``IF(x="","",x)`` for text) so that both engines
show the same thing.

:func:`bare_references` reads every formula of a workbook with openpyxl's tokenizer and follows the positions
that pass a reference through unchanged: the whole formula, the branches of IF, IFERROR, IFNA and CHOOSE, the cell
INDEX, VLOOKUP, HLOOKUP and LOOKUP return (OFFSET and INDIRECT cannot be followed and are always reported).
An IF branch counts as guarded when the condition proves the reference is not empty there (``x=""`` or
``ISBLANK(x)`` for the false branch, ``x<>""`` or ``ISNUMBER(x)`` for the true branch, through AND, OR and NOT,
matched on the formula text of ``x``). A referenced cell may be empty when it holds nothing, is an input (unlocked
on a protected sheet, or holding a value on a sheet without protection), or is an unlocked formula (an input with a
default formula that staff may clear). A reference that cannot be resolved counts as one that may be empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["bare_references"]

#: Functions whose result is one of their arguments unchanged, by the positions of those arguments.
PASS_THROUGH = {
    "IF": lambda n: [1, 2],
    "IFERROR": lambda n: [0, 1],
    "IFNA": lambda n: [0, 1],
    "CHOOSE": lambda n: list(range(1, n)),
}
#: Functions that return a cell of one of their arguments (a lookup), by the position of that argument.
LOOKUPS = {"INDEX": lambda n: 0, "VLOOKUP": lambda n: 1, "HLOOKUP": lambda n: 1, "LOOKUP": lambda n: n - 1}
UNFOLLOWABLE = {"OFFSET", "INDIRECT"}
_A1 = re.compile(
    r"^(?:(?P<sheet>'(?:[^']|'')+'|[^!]+)!)?(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$"
)
_STRUCTURED = re.compile(r"^(?P<table>[A-Za-z_][\w.]*)\[(?P<spec>.*)\]$")


@dataclass
class Node:
    """A piece of a parsed formula: an operand, an operator, a function call or a parenthesised group."""

    kind: str  # "operand", "operator", "call", "group"
    text: str  # the formula text of the node (normalised: upper case, no $, no spaces)
    token: Token | None = None
    name: str = ""  # function name (calls)
    args: list[list[Node]] = field(default_factory=list)  # arguments (calls) or the one expression (groups)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("$", "")).upper()


def _parse(tokens: list[Token]) -> list[Node]:
    """The tokens of one formula as a list of top-level nodes (calls and groups hold their own lists)."""
    pos = 0

    def expression(stop: set[str]) -> list[Node]:
        nonlocal pos
        nodes: list[Node] = []
        while pos < len(tokens):
            t = tokens[pos]
            if t.type == Token.WSPACE:
                pos += 1
            elif (t.type, t.subtype) in {(Token.FUNC, Token.CLOSE), (Token.PAREN, Token.CLOSE)} or (
                t.type == Token.SEP and "sep" in stop
            ):
                return nodes
            elif t.type == Token.FUNC and t.subtype == Token.OPEN:
                pos += 1
                args: list[list[Node]] = []
                while True:
                    args.append(expression({"sep"}))
                    closing = tokens[pos]
                    pos += 1
                    if closing.type != Token.SEP:
                        break
                name = t.value[:-1].upper().removeprefix("_XLFN.")
                text = name + "(" + ",".join("".join(n.text for n in a) for a in args) + ")"
                nodes.append(Node("call", text, name=name, args=args))
            elif t.type == Token.PAREN and t.subtype == Token.OPEN:
                pos += 1
                inner = expression(set())
                pos += 1
                nodes.append(Node("group", "(" + "".join(n.text for n in inner) + ")", args=[inner]))
            else:
                pos += 1
                kind = "operand" if t.type == Token.OPERAND else "operator"
                nodes.append(Node(kind, _norm(t.value), token=t))
        return nodes

    return expression(set())


def _single(nodes: list[Node]) -> Node | None:
    """The one node an expression passes through unchanged (unary + allowed), or None."""
    rest = [
        n
        for n in nodes
        if not (
            n.kind == "operator"
            and n.token is not None
            and n.token.type == Token.OP_PRE
            and n.token.value == "+"
        )
    ]
    if len(rest) != 1:
        return None
    node = rest[0]
    while node.kind == "group":
        inner = _single(node.args[0])
        if inner is None:
            return node
        node = inner
    return node


def _text(nodes: list[Node]) -> str:
    return "".join(n.text for n in nodes)


def _guards(cond: list[Node]) -> tuple[set[str], set[str]]:
    """Formula texts proven not empty when ``cond`` is TRUE, and when it is FALSE."""
    node = _single(cond)
    if node is not None and node.kind == "call":
        args = node.args
        if node.name == "NOT" and len(args) == 1:
            when_true, when_false = _guards(args[0])
            return when_false, when_true
        if node.name in ("AND", "OR"):
            parts = [_guards(a) for a in args]
            if len(parts) == 1:
                return parts[0]
            if node.name == "AND":
                return set().union(*(p[0] for p in parts)), set()
            return set(), set().union(*(p[1] for p in parts))
        if node.name == "ISBLANK" and len(args) == 1:
            return set(), {_text(args[0])}
        if node.name in ("ISNUMBER", "ISTEXT") and len(args) == 1:
            return {_text(args[0])}, set()
    ops = [i for i, n in enumerate(cond) if n.kind == "operator" and n.text in ("=", "<>")]
    if len(ops) == 1:
        i = ops[0]
        left, right = cond[:i], cond[i + 1 :]
        other = _text(right) if _text(left) == '""' else _text(left) if _text(right) == '""' else None
        if other:
            return ({other}, set()) if cond[i].text == "<>" else (set(), {other})
    return set(), set()


def _results(nodes: list[Node], guarded: frozenset[str]) -> Iterator[tuple[str, Node]]:
    """(how, node) for every operand or lookup the expression may return unchanged and no guard covers."""
    node = _single(nodes)
    if node is None or node.text in guarded:
        return
    if node.kind == "operand" and node.token is not None and node.token.subtype == Token.RANGE:
        yield "reference", node
    elif node.kind == "call" and node.name in UNFOLLOWABLE:
        yield "unfollowable", node
    elif node.kind == "call" and node.name in LOOKUPS and node.args:
        i = LOOKUPS[node.name](len(node.args))
        table = _single(node.args[i]) if i < len(node.args) else None
        if table is not None:
            yield "lookup", table
    elif node.kind == "call" and node.name in PASS_THROUGH:
        when_true, when_false = _guards(node.args[0]) if node.name == "IF" and node.args else (set(), set())
        for i in PASS_THROUGH[node.name](len(node.args)):
            if i < len(node.args):
                extra = (
                    when_true if (node.name, i) == ("IF", 1) else when_false if node.name == "IF" else set()
                )
                yield from _results(node.args[i], guarded | extra)


class _Cells:
    """Resolves references of a workbook to cells and says whether a cell may be empty."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.tables = {t.name.upper(): (ws, t) for ws in wb.worksheets for t in ws.tables.values()}

    def may_be_empty(self, ws: Worksheet, row: int, col: int) -> bool:
        cell = ws.cell(row, col)
        if cell.value is None:
            return True
        if cell.data_type == "f" or isinstance(cell.value, ArrayFormula):
            return not cell.protection.locked
        return not ws.protection.sheet or not cell.protection.locked

    def _range(self, ws: Worksheet, ref: str) -> list[str]:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        assert min_col and min_row and max_col and max_row
        return [
            f"{ws.title}!{ws.cell(r, c).coordinate}"
            for r in range(min_row, max_row + 1)
            for c in range(min_col, max_col + 1)
            if self.may_be_empty(ws, r, c)
        ]

    def empty_cells(self, text: str, ws: Worksheet, row: int) -> list[str] | None:
        """Cells of ``text`` (a reference, a name or a structured reference, read in ``ws`` at ``row``) that may
        be empty; None when the reference cannot be resolved."""
        text = text.strip()
        dn = ws.defined_names.get(text) or self.wb.defined_names.get(text)
        if dn is not None:
            dests = list(dn.destinations)
            if not dests:
                return [] if not dn.attr_text.startswith("#") else None
            return [c for sheet, ref in dests for c in self._range(self.wb[sheet], ref)]
        m = _A1.match(text)
        if m:
            sheet = m["sheet"]
            target = self.wb[sheet.strip("'").replace("''", "'")] if sheet else ws
            return self._range(target, m["ref"])
        m = _STRUCTURED.match(text)
        if m and m["table"].upper() in self.tables:
            return self._structured(m["table"], m["spec"], row)
        return None

    def _structured(self, table: str, spec: str, row: int) -> list[str] | None:
        ws, t = self.tables[table.upper()]
        parts = re.findall(r"\[([^\]]*)\]", spec) or [spec]
        this_row = any(p.upper() == "#THIS ROW" for p in parts) or spec.startswith("@")
        names = [p.lstrip("@") for p in parts if not p.startswith("#")] or [spec.lstrip("@")]
        min_col, min_row, _, max_row = range_boundaries(t.ref)
        assert min_col and min_row and max_row
        headers = [c.name for c in t.tableColumns]
        cols = []
        for name in names:
            if name not in headers:
                return None
            cols.append(min_col + headers.index(name))
        first = min_row + (t.headerRowCount or 0)
        rows = [row] if this_row else range(first, max_row + 1)
        return [
            f"{ws.title}!{ws.cell(r, c).coordinate}"
            for r in rows
            for c in cols
            if self.may_be_empty(ws, r, c)
        ]


def bare_references(path: str | Path) -> list[str]:
    """One line per formula cell whose result can be a bare reference to a cell that may be empty:
    ``Summary!B23 =IDRWin: reference IDRWin may be empty (IDR!B6)``."""
    wb = openpyxl.load_workbook(path)
    cells = _Cells(wb)
    found = []
    for ws in wb.worksheets:
        for line in ws.iter_rows():
            for cell in line:
                value = cell.value
                formula = value.text if isinstance(value, ArrayFormula) else value
                if not (isinstance(formula, str) and formula.startswith("=")):
                    continue
                if cell.data_type != "f" and not isinstance(value, ArrayFormula):
                    continue
                tokens = Tokenizer(formula).items
                for how, node in _results(_parse(tokens), frozenset()):
                    where = f"{ws.title}!{cell.coordinate} {formula}"
                    if how == "unfollowable":
                        found.append(f"{where}: {node.name} cannot be followed")
                        continue
                    ref = node.token.value if node.token is not None else node.text
                    empty = cells.empty_cells(ref, ws, cell.row)
                    if empty is None:
                        found.append(f"{where}: {how} {ref} cannot be resolved")
                    elif empty:
                        more = f" and {len(empty) - 3} more" if len(empty) > 3 else ""
                        found.append(f"{where}: {how} {ref} may be empty ({', '.join(empty[:3])}{more})")
    return found
