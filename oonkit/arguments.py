"""Argument types shared by the sub-commands."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable


def iso_date(text: str) -> dt.date:
    """A ``YYYY-MM-DD`` command-line date; argparse reports anything else as a usage error (exit 2)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def warn(command: str, warnings: Iterable[object]) -> None:
    """Print what an input reader ignored or read another way (``frame.attrs["warnings"]``: columns oonkit does
    not read, rows read as Windows-1252) on stderr: said, not fatal."""
    for warning in warnings:
        print(f"oonkit {command}: warning: {warning}", file=sys.stderr)
