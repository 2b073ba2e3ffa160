"""Tests of udfs see only the embedded data unless they import some: OONKIT_DATA_DIR points at an empty
temporary folder, so a developer's own ``oonkit data import-pfs`` never changes a test result."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OONKIT_DATA_DIR", str(tmp_path_factory.mktemp("oonkit-data")))
