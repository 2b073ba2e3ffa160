"""Shared fixtures of the 835 reader tests."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SAMPLES = sorted(DATA.glob("*.835"))
CORRECTED = DATA / "corrected"


def sample(name: str, corrected: bool = False) -> str:
    """Text of a sample file (its corrected copy when asked)."""
    return ((CORRECTED if corrected else DATA) / name).read_text(encoding="ascii")


@pytest.fixture
def managed_care() -> str:
    return sample("managed-care.835", corrected=True)
