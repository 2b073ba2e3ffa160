"""Access to the reviewed data files shipped in the ``templates`` package.

The product reads reference data only from its own package (and from a user's data directory for files
the user imported with ``oonkit data``), never from the development tree's ``../shared``.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import TemplateError


def template_path(relative: str) -> Path:
    """Path of a file shipped in ``templates/`` (``relative`` uses forward slashes)."""
    path = Path(str(resources.files("templates").joinpath(relative)))
    if not path.exists():
        raise TemplateError(f"templates/{relative}: file missing from the installed package")
    return path


def user_data_dir() -> Path:
    """Folder for data a user imports (``oonkit data import-pfs``): ``$OONKIT_DATA_DIR`` if set, else the
    platform's user data folder (``~/.local/share/oonkit`` on Linux, ``%LOCALAPPDATA%\\oonkit`` on Windows,
    ``~/Library/Application Support/oonkit`` on macOS)."""
    if env := os.environ.get("OONKIT_DATA_DIR"):
        return Path(env)
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "oonkit"
    if os.uname().sysname == "Darwin":
        return Path.home() / "Library" / "Application Support" / "oonkit"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "oonkit"


@cache
def load_yaml(relative: str) -> Any:
    """Parsed YAML file from ``templates/``; a malformed file raises :class:`TemplateError` with its name."""
    path = template_path(relative)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"templates/{relative}: {exc}") from None
