"""``oonkit price HCPCS``: the Medicare Physician Fee Schedule amount of one code and its parts."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from udfs.errors import InputError
from udfs.localities import county_named, locality_name, resolve_locality
from udfs.medicare import limiting_charge, price_pfs
from udfs.money import round_cents
from udfs.pfs_data import load_pfs


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "price",
        help="Medicare fee schedule amount of a HCPCS code, with its RVUs, GPCIs and CF",
        description=(
            "Price one HCPCS/CPT code on the Medicare Physician Fee Schedule. Without a locality the amount "
            "is national (GPCIs of 1). Exit status: 0 priced, 1 not priced (reason on stderr), "
            "2 bad arguments."
        ),
    )
    p.add_argument("hcpcs", metavar="HCPCS", help="HCPCS or CPT code, e.g. 27447")
    p.add_argument("--modifier", default="", help="modifier(s): 26, TC, 53 select their RVU row (e.g. 26)")
    p.add_argument("--state", help="state postal code or name, e.g. CA")
    p.add_argument(
        "--locality", help="locality number within the state or MAC (e.g. 18), or an id like CA-18"
    )
    p.add_argument("--county", help="county name, with --state (e.g. 'Los Angeles')")
    p.add_argument("--mac", help="Medicare Administrative Contractor number, e.g. 01182")
    p.add_argument("--setting", default="facility", help="facility (default) or nonfacility (office)")
    p.add_argument("--year", type=int, default=2025, help="calendar year of the fee schedule (default 2025)")
    p.add_argument("--qp", action="store_true", help="qualifying APM participant (its own CF from 2026)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _num(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def run(args: argparse.Namespace) -> int:
    try:
        lid = resolve_locality(args.state, args.locality, args.county, args.mac, args.year)
        row = price_pfs(args.hcpcs, args.modifier, lid, args.setting, args.year, args.qp).iloc[0]
        table = load_pfs(args.year)
        name = locality_name(lid, args.year)
    except InputError as exc:
        print(f"oonkit price: error: {exc}", file=sys.stderr)
        return 2
    locality_note = ""
    if args.county and not county_named(args.state, args.county, args.year):
        locality_note = (
            f"county {args.county!r} is not named in the CMS crosswalk for {args.state}: priced as the "
            f"rest-of-state locality {lid} (check the spelling)"
        )
        print(f"oonkit price: note: {locality_note}", file=sys.stderr)
    amount = _num(row.amount)
    sources = {k: v["source"] + " (" + v["folder"] + ")" for k, v in table.sources.items()}
    mac = str(table.gpci.loc[lid, "mac"]) if lid and table.gpci is not None else ""
    result = {
        "hcpcs": row.hcpcs,
        "modifier": row.modifier,
        "rvu_row_modifier": row.row_modifier,
        "year": int(row.year),
        "qp": bool(args.qp),
        "setting": row.setting,
        "locality": lid,
        "locality_name": name,
        "mac": mac,
        "status": row.status,
        "priced": bool(row.priced),
        "note": row.note,
        "locality_note": locality_note,
        "amount": None if amount is None else float(round_cents(amount)),
        "amount_unrounded": amount,
        "limiting_charge": None if amount is None else float(round_cents(limiting_charge(amount))),
        "work_rvu": _num(row.work_rvu),
        "pe_rvu": _num(row.pe_rvu),
        "mp_rvu": _num(row.mp_rvu),
        "gpci_work": _num(row.gpci_work),
        "gpci_pe": _num(row.gpci_pe),
        "gpci_mp": _num(row.gpci_mp),
        "cf": _num(row.cf),
        "sources": sources,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_text(result)
    if not row.priced:
        print(f"oonkit price: {row.hcpcs} not priced: {row.note}", file=sys.stderr)
        return 1
    return 0


def _print_text(r: dict[str, Any]) -> None:
    mod = f"-{r['modifier']}" if r["modifier"] else ""
    where = f"{r['locality']} {r['locality_name']}" if r["locality"] else r["locality_name"]
    print(
        f"{r['hcpcs']}{mod}  CY{r['year']}  {r['setting']}  {where}"
        + (f"  MAC {r['mac']}" if r["mac"] else "")
    )
    print(
        f"status {r['status'] or '-'}"
        + (f"  (RVU row {r['rvu_row_modifier']})" if r["rvu_row_modifier"] else "")
    )
    if r["work_rvu"] is not None:
        parts = [("work", "work_rvu", "gpci_work"), ("PE", "pe_rvu", "gpci_pe"), ("MP", "mp_rvu", "gpci_mp")]
        total = 0.0
        for label, rv, gp in parts:
            total += r[rv] * r[gp]
            print(f"  {label:<5} RVU {r[rv]:>8.2f} x GPCI {r[gp]:.3f} = {r[rv] * r[gp]:10.4f}")
        print(f"  geographically adjusted RVUs {total:.4f} x CF {r['cf']:.4f}" + (" (QP)" if r["qp"] else ""))
    if r["priced"]:
        print(
            f"amount ${r['amount']:,.2f}   limiting charge (non-participating) ${r['limiting_charge']:,.2f}"
        )
        if r["note"]:
            print(f"note: {r['note']}")
    else:
        print(f"not priced: {r['note']}")
    print("data: " + "; ".join(f"{k} {v}" for k, v in r["sources"].items()))
