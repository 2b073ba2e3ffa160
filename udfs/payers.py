"""Payer profiles: how each payer prices out-of-network claims and the rules it follows.

A profile is a YAML file (``templates/payers/<id>.yaml`` for the shipped ones, or a folder a user passes with
``--payers``); ``templates/payers/_default.yaml`` documents every field and serves payers without a profile.
Invalid profiles are reported with every problem at once (``summit.yaml:4: factor: "abc" is not a number``).

A payer is matched to its profile by the profile's ``id``, its ``name`` or one of its ``aliases`` (the names
and payer ids the payer uses on remittances: N1*PR name, N1*PR04 or REF*2U payer id), ignoring case and
repeated spaces (:func:`find_profile`). An alias may belong to one profile only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
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
    aliases: tuple[str, ...] = field(default=())
    #: False for a payer no profile answers to, priced by the default profile's rules (:func:`without_profile`)
    profiled: bool = True


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
    names = {f.name for f in fields(PayerProfile)} - {
        "path",
        "aliases",
        "profiled",
    }  # set by oonkit, not by a file
    for key in data:
        if key == "aliases":
            continue
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
    aliases = merged.get("aliases")
    if aliases is None:
        aliases = []
    if not isinstance(aliases, list):
        bad("aliases", f"{aliases!r} is not a list of names or payer ids")
        aliases = []
    for alias in aliases:
        if not isinstance(alias, str):
            bad(
                "aliases", f"{alias!r} is not text: write payer ids in quotes ('00123') to keep leading zeros"
            )
        elif not alias.strip():
            bad("aliases", "an alias is empty")
    cleaned = [" ".join(a.split()) for a in aliases if isinstance(a, str) and a.strip()]
    seen = {match_key(merged["id"]), match_key(merged["name"])}
    for alias in cleaned:
        if match_key(alias) in seen:
            bad("aliases", f"{alias!r} repeats the profile's id, name or another alias")
        seen.add(match_key(alias))
    if problems:
        raise FileError(sorted(problems, key=lambda p: p.line or 0))
    values: dict[str, Any] = {k: merged[k] for k in names}
    values["aliases"] = tuple(dict.fromkeys(cleaned))
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
    defaults.pop("aliases", None)  # the default profile's own aliases are not inherited
    profiles: dict[str, PayerProfile] = {}
    problems: list[Problem] = []
    for path in files:
        try:
            profile = parse_profile(path.read_text(encoding="utf-8"), path.name, defaults)
        except FileError as exc:
            problems.extend(exc.problems)
            continue
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            problems.append(Problem(path.name, line, None, "not UTF-8 text: save the profile as UTF-8"))
            continue
        except OSError as exc:
            problems.append(Problem(path.name, None, None, f"cannot read the file: {exc.strerror}"))
            continue
        profiles[profile.id] = profile
    problems += _ambiguous(profiles)
    if problems:
        raise FileError(problems)
    return profiles


def match_key(text: object) -> str:
    """How names and ids are compared: case-insensitive, spaces trimmed and collapsed.

    >>> match_key("  Summit   HEALTH plan ")
    'summit health plan'
    """
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _keys(profile: PayerProfile) -> list[tuple[str, str]]:
    """(key, what) of every way a profile is matched."""
    return [(match_key(profile.id), "id"), (match_key(profile.name), "name")] + [
        (match_key(a), f"alias {a!r}") for a in profile.aliases
    ]


def _ambiguous(profiles: Mapping[str, PayerProfile]) -> list[Problem]:
    """An alias that another profile also answers to (as id, name or alias) makes matching ambiguous."""
    owners: dict[str, PayerProfile] = {}
    problems = []
    for profile in profiles.values():
        for key, what in _keys(profile):
            other = owners.setdefault(key, profile)
            if other.id != profile.id and what.startswith("alias"):
                problems.append(
                    Problem(
                        profile.path,
                        None,
                        "aliases",
                        f"{what} is also the id, name or an alias of profile {other.id} ({other.path})",
                    )
                )
    return problems


def find_profile(
    names: Iterable[object], profiles: Mapping[str, PayerProfile]
) -> tuple[PayerProfile, str] | None:
    """The profile that answers to the first of ``names`` that matches a profile's id, name or alias.

    Parameters
    ----------
    names : iterable
        Candidate names or ids of the payer, best first (for a remittance: N1*PR name, N1*PR04 id,
        REF*2U id); blanks and None are skipped.
    profiles : mapping
        Profiles by id (:func:`load_profiles`).

    Returns
    -------
    (PayerProfile, str) or None
        The profile and the name that matched; None when none matches (the default profile is never matched
        by its own name).

    Examples
    --------
    >>> profile, matched = find_profile(["SUMMIT HEALTH PLAN", "SHP01"], load_profiles())
    >>> profile.id, matched
    ('summit-health', 'SUMMIT HEALTH PLAN')
    """
    table: dict[str, PayerProfile] = {}
    for profile in profiles.values():
        if profile.id == "_default":
            continue
        for key, _ in _keys(profile):
            table.setdefault(key, profile)
    for name in names:
        if name is None or (isinstance(name, float) and name != name):
            continue
        key = match_key(name)
        if key and key in table:
            return table[key], str(name)
    return None


def without_profile(payers: Iterable[str], profiles: dict[str, PayerProfile]) -> dict[str, PayerProfile]:
    """A profile of its own for each payer no profile answers to: the default profile's method and rules under
    the payer's name, so that each payer keeps its own workbook and name.

    Payer names that differ only in case and spacing are one payer (:func:`match_key`); the id is the name in
    lower case with dashes, made unique against the existing profile ids; ``profiled`` is False. Returns
    {payer as written: profile}.

    >>> found = without_profile(["Aetna", "AETNA ", "Cigna"], load_profiles())
    >>> sorted((k, p.id, p.name, p.method) for k, p in found.items())[:2]
    [('AETNA ', 'aetna', 'Aetna', 'Percent of Medicare'), ('Aetna', 'aetna', 'Aetna', 'Percent of Medicare')]
    """
    default = profiles["_default"]
    taken = {match_key(pid) for pid in profiles}
    by_key: dict[str, PayerProfile] = {}
    out: dict[str, PayerProfile] = {}
    for payer in payers:
        key = match_key(payer)
        if find_profile([payer], profiles) is not None:
            continue
        if key not in by_key:
            base = re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "payer"
            pid, n = base, 1
            while pid in taken:
                n += 1
                pid = f"{base}-{n}"
            taken.add(pid)
            by_key[key] = replace(
                default, id=pid, name=re.sub(r"\s+", " ", str(payer)).strip(), aliases=(), profiled=False
            )
        out[payer] = by_key[key]
    return out


def profile_for(payer: str, profiles: dict[str, PayerProfile]) -> PayerProfile:
    """The profile of ``payer`` matched by id, name or alias (case-insensitive), else the default profile."""
    found = find_profile([payer], profiles)
    return found[0] if found else profiles["_default"]
