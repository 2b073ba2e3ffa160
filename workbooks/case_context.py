"""Published context figures (``templates/cases/context.yaml``) shown beside a case workbook's assumptions, and
the Context sheet that lists them all with their sources."""

from __future__ import annotations

from functools import cache
from typing import Any

from udfs.reference import load_yaml

from .case_cells import Sheet


@cache
def figures() -> tuple[dict[str, Any], ...]:
    return tuple(load_yaml("cases/context.yaml")["figures"])


def context_for(name: str) -> str:
    """The figures shown beside input ``name``, each with its source, as one line ('' when none)."""
    return " ".join(
        f"{f['figure']} ({f['source'].rstrip('.')}, {f['period']})."
        for f in figures()
        if name in f["used_for"]
    )


def write_context_sheet(s: Sheet) -> None:
    s.text("A1", "Published context", "oon title")
    s.text(
        "A2",
        "Figures reported by the sources named, to judge whether an assumption is plausible; oonkit does not compute "
        "them. templates/cases/context.yaml.",
        "oon case note",
    )
    for col, header in zip("ABCD", ("Topic", "Figure", "Period", "Source"), strict=True):
        s.text(f"{col}4", header, "oon header computed")
    for r, f in enumerate(figures(), start=5):
        s.text(f"A{r}", f["topic"], "oon text")
        s.text(f"B{r}", f["figure"], "oon text")
        s.text(f"C{r}", f["period"], "oon text")
        s.text(f"D{r}", f["source"], "oon text")
    s.widths(A=26, B=80, C=18, D=60)
