"""Reading and checking a case file (``oonkit case CASE_FILE``): YAML, or the one-sheet XLSX form.

Every problem is collected and reported at once with the file line of the field at fault
(``case.yaml:12: stages[2].probability: 1.4 is not between 0 and 1``; lists are counted from 1); nothing is built
from a file with problems. The format is documented in the README ('The case file'); ``templates/cases/example.yaml`` is the
worked example. Medicare amounts are priced here, once, with ``udfs.surgery.price_claim`` (multiple-procedure,
bilateral, assistant and co-surgeon rules across the case's lines).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from udfs.allowed import METHODS
from udfs.deadlines import idr_initiation_window
from udfs.errors import FileError, InputError, Problem
from udfs.localities import locality_name
from udfs.medicare import SETTINGS
from udfs.payers import load_profiles
from udfs.reference import load_yaml, template_path
from udfs.surgery import price_claim

from . import stages as stage_rules
from .case_fields import EXPECTED, SCALARS, Field, convert, describe, method_name, show
from .case_model import OFFER_GRID, WIN_GRID, Case, CaseLine, CaseStage, batch_sizes
from .case_source import child, load_case_source, load_yaml_case

EXAMPLE = "cases/example.yaml"
#: Keys of the ``methods`` mapping, as the README writes them.
METHOD_KEYS = [m.lower().replace(" ", "_") for m in METHODS]
AMOUNT, FRACTION, FLAG, TEXT = Field("amount"), Field("fraction"), Field("flag"), Field("text")
LINE = {
    "hcpcs": Field("hcpcs", required=True),
    "modifier": TEXT,
    "units": Field("integer", low=1, high=999),
    "billed": Field("amount", required=True),
    "qpa": AMOUNT,
    "benchmark": AMOUNT,
    "sca_rate": AMOUNT,
    "medicare": AMOUNT,
}
STAGE = {
    "stage": Field("text", required=True),
    "include": FLAG,
    "probability": FRACTION,
    "share": FRACTION,
    "cost": AMOUNT,
    "days": Field("integer", low=0, high=3650),
}
SCHEMA: dict[str, Any] = {
    "case": TEXT,
    "date_of_service": Field("date", required=True),
    "fee_schedule": {"year": Field("integer", low=2000, high=2100), "locality": TEXT, "setting": TEXT},
    "payer": {
        "profile": TEXT,
        "name": TEXT,
        "method": Field("method"),
        "factor": Field("number", low=0),
        "lesser_of": FLAG,
    },
    "methods": "methods",
    "nsa": FLAG,
    "balance_billing_allowed": FLAG,
    "paid": AMOUNT,
    "patient": {
        "deductible_remaining": AMOUNT,
        "coinsurance": FRACTION,
        "copay": AMOUNT,
        "oop_remaining": AMOUNT,
    },
    "deposit": {"share": FRACTION, "include_balance_bill": FLAG},
    "lines": [LINE],
    "escalation": {
        "discount_rate": Field("number", low=0, high=1),
        "contingency_fee": FRACTION,
        "offer": AMOUNT,
        "target": {"method": Field("method"), "factor": Field("number", low=0)},
    },
    "stages": [STAGE],
    "idr": {
        "dispute_date": Field("date"),
        "win_probability": FRACTION,
        "offer_pct_qpa": Field("number", low=0),
        "payer_offer_pct_qpa": Field("number", low=0),
        "entity_fee": AMOUNT,
        "line_items": Field("integer", low=1),
    },
}


class _Checker:
    """Walks the data against :data:`SCHEMA`, collecting problems with their lines.

    Every level checks its shape first: a mapping where the schema has fields, a list where it has a list, a single
    value where it has a field. A part of the wrong shape is reported once (``payer: expected a mapping with ...,
    got the text 'Summit'``) and read as blank, so that the checks after it see every field of the schema."""

    def __init__(self, source: str, lines: dict[str, int]):
        self.source, self.lines = source, lines
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, self.line(path), path or None, message))

    def has(self, *paths: str) -> bool:
        """Whether a problem was found at one of ``paths``."""
        return any(p.column in paths for p in self.problems)

    def mapping(self, data: Any, spec: dict[str, Any], path: str) -> dict[str, Any]:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.add(path, f"expected a mapping with {', '.join(spec)}, got {describe(data)}")
            return _blank(spec)
        out: dict[str, Any] = {}
        for key in data:
            if key not in spec:
                self.add(child(path, str(key)), f"unknown field (fields here: {', '.join(spec)})")
        for key, sub in spec.items():
            out[key] = self.value(data.get(key), sub, child(path, key))
        return out

    def value(self, value: Any, spec: Any, path: str) -> Any:
        if spec == "methods":
            return self.methods(value, path)
        if isinstance(spec, dict):
            return self.mapping(value, spec, path)
        if isinstance(spec, list):
            if value is None:
                return None
            if not isinstance(value, list):
                self.add(
                    path,
                    f"expected a list, each item a mapping with {', '.join(spec[0])}, got {describe(value)}",
                )
                return None
            return [self.mapping(item, spec[0], child(path, i)) for i, item in enumerate(value, start=1)]
        if value is None or value == "":
            if spec.required:
                self.add(path, "missing")
            return None
        return self.scalar(value, spec, path)

    def scalar(self, value: Any, spec: Field, path: str) -> Any:
        if not isinstance(value, SCALARS):
            self.add(path, f"expected {EXPECTED[spec.kind]}, got {describe(value)}")
            return None
        converted, message = convert(value, spec)
        if message:
            self.add(path, message)
        return converted

    def methods(self, value: Any, path: str) -> dict[str, float]:
        out: dict[str, float] = {}
        if value is None:
            return out
        if not isinstance(value, dict):
            self.add(
                path,
                f"expected a mapping of each method to its factor ({', '.join(METHOD_KEYS)}), "
                f"got {describe(value)}",
            )
            return out
        for key, factor in value.items():
            name = method_name(str(key))
            where = child(path, str(key))
            if name is None:
                self.add(where, f"unknown method (one of {', '.join(METHODS)})")
                continue
            if factor is None or factor == "":
                continue
            converted = self.scalar(factor, Field("number", low=0), where)
            if converted is not None:
                out[name] = converted
        return out


def _blank(spec: Any) -> Any:
    """The checked form of an absent part of ``spec``: every field None, no method factor."""
    if isinstance(spec, dict):
        return {key: _blank(sub) for key, sub in spec.items()}
    return {} if spec == "methods" else None


def _defaults() -> dict[str, Any]:
    return load_yaml("cases/defaults.yaml")


def _stage_defaults() -> dict[str, stage_rules.Stage]:
    return {s.id: s for s in stage_rules.stage_table() if s.probability is not None}


def _stages(c: _Checker, given: list[dict[str, Any]] | None, nsa: bool) -> list[CaseStage]:
    table = _stage_defaults()
    d = _defaults()["stages"]
    if given is None:
        given = [{"stage": sid, "include": not nsa or sid in d["include_under_nsa"]} for sid in d["path"]]
    out, seen = [], set()
    for i, item in enumerate(given, start=1):
        path = child("stages", i)
        sid = item.get("stage")
        if sid is None:
            continue
        if sid not in table:
            c.add(child(path, "stage"), f"{show(sid)} is not an escalation stage (one of {', '.join(table)})")
            continue
        if sid in seen:
            c.add(child(path, "stage"), f"{show(sid)} is listed twice")
            continue
        seen.add(sid)
        s = table[sid]
        linked = frozenset(
            f for f in ("probability", "share", "cost") if sid == "idr" and item.get(f) is None
        )

        def pick(name: str, default: float | None, item: dict[str, Any] = item) -> float:
            return float(item[name]) if item.get(name) is not None else float(default or 0.0)

        out.append(
            CaseStage(
                id=sid,
                label=s.label,
                applies_to=s.applies_to,
                include=True if item.get("include") is None else bool(item["include"]),
                probability=pick("probability", s.probability),
                share=pick("share", s.share),
                cost=pick("cost", s.cost),
                days=pick("days", s.duration_days),
                source=s.source,
                linked=linked,
            )
        )
    if not out and not c.problems:
        c.add("stages", "no escalation stage listed")
    return out


def _price(c: _Checker, raw: list[dict[str, Any]], fee: dict[str, Any], dos: dt.date) -> list[CaseLine]:
    year = fee["year"] or 2025
    setting = fee["setting"] or "facility"
    locality = (fee["locality"] or "").upper()
    if setting.upper() not in SETTINGS:
        c.add("fee_schedule.setting", f"{show(setting)} is not facility or nonfacility (office)")
        return []
    try:
        priced = price_claim(
            "case",
            [x["hcpcs"] for x in raw],
            [x["modifier"] or "" for x in raw],
            [x["units"] or 1 for x in raw],
            locality,
            setting,
            year,
            date_of_service=np.datetime64(dos, "D"),
        )
    except InputError as exc:
        field = "fee_schedule.locality" if "locality" in str(exc) else "fee_schedule.year"
        c.add(field, str(exc))
        return []
    out = []
    records: list[dict[Any, Any]] = priced.to_dict("records")
    for i, (x, row) in enumerate(zip(raw, records, strict=True), start=1):
        given = x["medicare"]
        if given is None and not row["priced"]:
            c.add(
                child(child("lines", i), "hcpcs"),
                f"{x['hcpcs']}: not priced by the CY{year} fee schedule ({row['note']}); give the line's "
                "Medicare amount as medicare",
            )
            continue
        fs = float(row["fee_schedule_amount"]) if row["priced"] else 0.0
        if given is not None:
            unit, factor, rules = float(given), 1.0, "Medicare amount from the case file"
        else:
            unit = fs
            factor = float(row["allowed"]) / fs if fs > 0 else 1.0
            rules = row["adjustments"] or "no claim-level adjustment"
        out.append(
            CaseLine(
                hcpcs=x["hcpcs"],
                modifier=(x["modifier"] or "").upper(),
                units=int(x["units"] or 1),
                billed=float(x["billed"]),
                qpa=x["qpa"],
                benchmark=x["benchmark"],
                sca_rate=x["sca_rate"],
                medicare_unit=unit,
                medicare_factor=factor,
                rules=rules,
            )
        )
    return out


def _payer(
    c: _Checker, p: dict[str, Any], factors_given: dict[str, float]
) -> tuple[str, str, bool, dict[str, float]]:
    name, method, factor, lesser = p["name"], p["method"], p["factor"], p["lesser_of"]
    if p["profile"]:
        profiles = load_profiles()
        key = p["profile"].strip().lower()
        found = next((x for x in profiles.values() if key in (x.id.lower(), x.name.lower())), None)
        if found is None or found.id == "_default":
            c.add(
                "payer.profile",
                f"{show(p['profile'])} is not a payer profile ({', '.join(sorted(profiles))})",
            )
        else:
            name = name or found.name
            method = method or found.method
            factor = found.factor if factor is None and method == found.method else factor
            lesser = found.lesser_of if lesser is None else lesser
    if method is None:
        if not c.has("payer", "payer.method", "payer.profile"):
            c.add("payer.method", "missing (or give payer.profile)")
        method = "Percent of Medicare"
    factors = {m: float(v["factor"]) for m, v in _defaults()["methods"].items()}
    factors.update(factors_given)
    if factor is not None:
        if method in factors_given and factors_given[method] != factor:
            c.add(
                "payer.factor",
                f"{show(factor)} differs from methods.{method} ({show(factors_given[method])})",
            )
        factors[method] = float(factor)
    return name or "Payer", method, True if lesser is None else bool(lesser), factors


def _idr_date(c: _Checker, given: dt.date | None, dos: dt.date) -> dt.date:
    if given is None:
        paid = dos + dt.timedelta(days=int(_defaults()["idr"]["days_to_initial_payment"]))
        try:
            given = idr_initiation_window(paid)[0]
        except InputError as exc:
            c.add(
                "date_of_service",
                f"no IDR start date can be computed from {dos} ({exc}); give idr.dispute_date",
            )
            return dos
        where = "date_of_service"
    else:
        where = "idr.dispute_date"
    first = load_yaml("rules/idr_fees.yaml")["administrative_fee"][0]["from"]
    if given < first:
        c.add(
            where,
            f"IDR disputes started on {given} predate the first federal IDR fee on record ({first}); give idr.dispute_date",
        )
    return given


def _checks(c: _Checker, d: dict[str, Any], method: str, target: str) -> None:
    raw = d["lines"] or []
    for i, x in enumerate(raw, start=1):
        path = child("lines", i)
        if c.has(path):  # not a mapping: reported once
            continue
        if x["billed"] is not None and x["billed"] <= 0:
            c.add(child(path, "billed"), f"{show(x['billed'])} is not more than 0")
        for m, role in ((method, "the payer's method"), (target, "the target method")):
            need = {"Charge percentile": "benchmark", "Flat rate": "sca_rate"}.get(m)
            if need and x[need] is None and not c.has(child(path, need)):
                c.add(path, f"{need} is missing: {role} is {m}")
        if d["nsa"] and x["qpa"] is None and not c.has(child(path, "qpa")):
            c.add(path, "qpa is missing: under NSA the patient's cost sharing is computed on it")
    items = d["idr"]["line_items"]
    if items is not None and raw and items < len(raw):
        c.add("idr.line_items", f"{items} is fewer than the case's {len(raw)} lines")


def build_case(data: Any, lines: dict[str, int], source: str) -> Case:
    """Validate nested case data (from :mod:`workbooks.case_source`) and price its lines."""
    c = _Checker(source, lines)
    if not isinstance(data, dict):
        got = "the file is empty" if data is None else f"got {describe(data)}"
        message = f"a case file is a group of fields (see the README, 'The case file'); {got}"
        raise FileError([Problem(source, 1, None, message)])
    d = c.mapping(data, SCHEMA, "")
    raw_lines = d["lines"]
    if raw_lines is None:
        if not c.has("lines"):
            c.add("lines", "missing: list the procedure lines")
        raw_lines = []
    elif not raw_lines and "lines" in data:
        c.add("lines", "no procedure line listed")
    dos = d["date_of_service"]
    name, method, lesser, factors = _payer(c, d["payer"], d["methods"])
    assumptions = load_yaml("rules/assumptions.yaml")
    esc = d["escalation"]
    target = esc["target"]["method"] or assumptions["target"]["method"]
    nsa = bool(d["nsa"])
    stages = _stages(c, d["stages"], nsa)
    _checks(c, d, method, target)
    clean = not c.problems and dos is not None
    priced = _price(c, raw_lines, d["fee_schedule"], dos) if clean else []
    idr_date = _idr_date(c, d["idr"]["dispute_date"], dos) if dos is not None else None
    if c.problems:
        raise FileError(sorted(c.problems, key=lambda p: p.line or 0))
    assert dos is not None and idr_date is not None
    fee, patient, dep, idr = d["fee_schedule"], d["patient"], d["deposit"], d["idr"]
    defaults = _defaults()
    year = fee["year"] or 2025
    locality = (fee["locality"] or "").upper()
    win = next((s.probability for s in _stage_defaults().values() if s.id == "idr"), 0.8)

    def pick(value: Any, default: Any) -> Any:
        return default if value is None else value

    return Case(
        name=d["case"] or "Case",
        date_of_service=dos,
        year=year,
        locality=locality,
        locality_name=locality_name(locality, year) if locality else "",
        setting=(fee["setting"] or "facility").lower(),
        payer_name=name,
        method=method,
        lesser_of=lesser,
        factors=factors,
        nsa=nsa,
        balance_bill_allowed=pick(d["balance_billing_allowed"], True),
        paid=d["paid"],
        deductible_remaining=pick(patient["deductible_remaining"], 0.0),
        coinsurance=pick(patient["coinsurance"], 0.0),
        copay=pick(patient["copay"], 0.0),
        oop_remaining=patient["oop_remaining"],
        deposit_share=pick(dep["share"], float(defaults["deposit"]["share"])),
        deposit_balance_bill=pick(
            dep["include_balance_bill"], bool(defaults["deposit"]["include_balance_bill"])
        ),
        discount_rate=pick(esc["discount_rate"], float(assumptions["discount_rate"]["value"])),
        contingency_fee=pick(esc["contingency_fee"], float(assumptions["contingency_fee"]["value"])),
        offer=pick(esc["offer"], 0.0),
        target_method=target,
        target_factor=pick(esc["target"]["factor"], float(assumptions["target"]["factor"])),
        lines=tuple(priced),
        stages=tuple(stages),
        idr_date=idr_date,
        idr_win=pick(idr["win_probability"], float(win or 0.8)),
        idr_offer_pct=pick(idr["offer_pct_qpa"], float(defaults["idr"]["offer_pct_qpa"])),
        idr_payer_pct=pick(idr["payer_offer_pct_qpa"], float(defaults["idr"]["payer_offer_pct_qpa"])),
        idr_items=pick(idr["line_items"], len(priced)),
        idr_entity_fee=idr["entity_fee"],
        batch_sizes=batch_sizes(pick(idr["line_items"], len(priced))),
        win_grid=WIN_GRID,
        offer_grid=OFFER_GRID,
        source=source,
    )


def read_case(path: str | Path | None = None) -> Case:
    """Read, check and price a case file; without ``path``, the worked example (``templates/cases/example.yaml``).

    Raises
    ------
    FileError
        Listing every problem as ``file:line: field: message``.
    """
    if path is None:
        example = template_path(EXAMPLE)
        data, lines = load_yaml_case(example.read_text(encoding="utf-8"), example.name)
        return build_case(data, lines, example.name)
    data, lines, source = load_case_source(Path(path))
    return build_case(data, lines, source)
