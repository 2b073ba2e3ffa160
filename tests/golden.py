"""Compare generated text with a reviewed reference file; ``OONKIT_UPDATE_GOLDEN=1`` rewrites the reference
(then read the diff before committing)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path


def assert_matches_golden(actual: str, reference: Path) -> None:
    if os.environ.get("OONKIT_UPDATE_GOLDEN") == "1":
        reference.parent.mkdir(parents=True, exist_ok=True)
        reference.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert reference.exists(), f"no reference {reference}; run with OONKIT_UPDATE_GOLDEN=1 and review it"
    expected = reference.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                str(reference),
                "generated",
            )
        )
        raise AssertionError(f"differs from {reference.name}:\n{diff}")
