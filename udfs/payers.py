"""Payer profiles: how each payer prices out-of-network claims and the rules it follows.

A profile is a YAML file (``templates/payers/<id>.yaml`` for the shipped ones, or a folder a user passes with
``--payers``); ``templates/payers/_default.yaml`` documents every field and serves payers without a profile.
Invalid profiles are reported with every problem at once (``summit.yaml:4: factor: "abc" is not a number``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from .allowed import METHODS
from .errors import FileError, Problem
from .reference import template_path

_INT_FIELDS = (
    "timely_filing_days",
    "appeal_window_days",
    "reconsideration_response_days",
    "peer_to_peer_follow_up_days",
    "appeal_levels",
)


@dataclass(frozen=True)
class PayerProfile:
    """One payer's out-of-network pricing and rules (field meanings in ``templates/payers/_default.yaml``)."""

    id: str
    name: str
    method: str
    factor: float
    percentile: float | None
    lesser_of: bool
    medicare_year: int | None
    timely_filing_days: int
    appeal_window_days: int
    reconsideration_response_days: int
    peer_to_peer_follow_up_days: int
    appeal_levels: int
    notes: str
    source: str
    path: str = ""


def _line_of(node: yaml.MappingNode, key: str) -> int | None:
    for k, _ in node.value:
        if k.value == key:
            return int(k.start_mark.line) + 1
    return None


def parse_profile(text: str, source: str, defaults: dict[str, Any] | None = None) -> PayerProfile:
    """Parse and validate one profile; fields it lacks come from ``defaults``."""
    problems: list[Problem] = []
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FileError(
            [Problem(source, mark.line + 1 if mark else None, None, f"not valid YAML: {exc}")]
        ) from None
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise FileError([Problem(source, 1, None, "a payer profile is a mapping of field: value")])
    merged = {**(defaults or {}), **data}
    names = {f.name for f in fields(PayerProfile)} - {"path"}
    for key in data:
        if key not in names:
            problems.append(Problem(source, _line_of(node, key), str(key), "unknown field"))

    def bad(key: str, message: str) -> None:
        problems.append(Problem(source, _line_of(node, key), key, message))

    for key in sorted(names - set(merged)):
        problems.append(Problem(source, None, key, "missing"))
    if problems:
        raise FileError(problems)
    if merged["method"] not in METHODS:
        bad("method", f"{merged['method']!r} is not one of {', '.join(METHODS)}")
    for key in ("factor", "percentile"):
        value = merged[key]
        if value is None and key == "percentile":
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            bad(key, f"{value!r} is not a number >= 0")
    if merged["method"] == "Charge percentile" and not (
        isinstance(merged["percentile"], int | float) and 1 <= merged["percentile"] <= 99
    ):
        bad("percentile", "Charge percentile needs a percentile between 1 and 99 (80 for the 80th)")
    for key in _INT_FIELDS:
        if isinstance(merged[key], bool) or not isinstance(merged[key], int) or merged[key] < 0:
            bad(key, f"{merged[key]!r} is not a whole number of days >= 0")
    if not isinstance(merged["lesser_of"], bool):
        bad("lesser_of", f"{merged['lesser_of']!r} is not true or false")
    year = merged["medicare_year"]
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100):
        bad("medicare_year", f"{year!r} is not a year")
    if problems:
        raise FileError(sorted(problems, key=lambda p: p.line or 0))
    values = {k: merged[k] for k in names}
    values["factor"] = float(values["factor"])
    values["notes"] = str(values["notes"] or "").strip()
    values["source"] = str(values["source"] or "").strip()
    return PayerProfile(**values, path=source)


def load_profiles(folder: str | Path | None = None) -> dict[str, PayerProfile]:
    """Profiles by id: the shipped ones, overridden and extended by the ``.yaml`` files in ``folder``.

    Every file is checked; all problems in all files are raised together.

    >>> profiles = load_profiles()
    >>> profiles["summit-health"].method, profiles["summit-health"].factor
    ('Percent of Medicare', 1.4)
    """
    default_path = template_path("payers/_default.yaml")
    defaults = yaml.safe_load(default_path.read_text(encoding="utf-8"))
    files = sorted(default_path.parent.glob("*.yaml"))
    if folder is not None:
        folder = Path(folder)
        if not folder.is_dir():
            raise FileError([Problem(str(folder), None, None, "payer profile folder not found")])
        files += sorted(folder.glob("*.yaml"))
    profiles: dict[str, PayerProfile] = {}
    problems: list[Problem] = []
    for path in files:
        try:
            profile = parse_profile(path.read_text(encoding="utf-8"), path.name, defaults)
        except FileError as exc:
            problems.extend(exc.problems)
            continue
        profiles[profile.id] = profile
    if problems:
        raise FileError(problems)
    return profiles


def profile_for(payer: str, profiles: dict[str, PayerProfile]) -> PayerProfile:
    """The profile of ``payer`` matched by id or name (case-insensitive), else the default profile."""
    key = payer.strip().lower()
    for p in profiles.values():
        if key in (p.id.lower(), p.name.lower()):
            return p
    return profiles["_default"]
