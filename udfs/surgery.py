"""Claim-level Medicare PFS adjustments: the RVU file's payment-policy indicators applied across the lines
of one claim (one date of service and one rendering provider per claim id).

Order of application, per claim:

1. fee schedule amount of each line (:func:`udfs.medicare.price_arrays`), one procedure per unit; a status T
   line is bundled (paid 0) when another line of its claim and date of service, by the same provider, is
   payable under the fee schedule (status A or R), and paid when it is not;
2. bilateral surgery (BILAT SURG) for modifier 50, or for the same code on two lines with LT and RT, which
   then form one procedure whose amount is split evenly over the two lines (indicators 0, 1, 2 and 3: the
   LT + RT form is priced as the modifier 50 form);
3. multiple procedures (MULT PROC): endoscopy families (3) collapse into one procedure, then standard
   ranking (1, 2, 3) by amount after the bilateral adjustment: 100% for the highest, 50% for the others;
   diagnostic imaging (4) TC 50% / PC 95%, therapy (5) PE 50%, cardiovascular (6) TC 75%, ophthalmology (7)
   TC 80% for the second and later procedures of their group. Assistant-at-surgery lines rank among
   themselves;
4. assistant at surgery (ASST SURG, modifiers 80/81/82 16%, AS 85% of 16%) and co-surgeons (CO-SURG,
   modifier 62, 62.5%); team surgery (66) is priced by report by the MAC, so it gets no amount.

Percentages and indicator meanings are read from ``templates/rules/pfs_payment_rules.yaml``.

References
----------
CMS Medicare Claims Processing Manual, Pub. 100-04, ch. 12, s. 40.6-40.8, 20.4.3, 30.3.12; CMS "PFS
Relative Value Files" documentation (STATUS CODE, MULT PROC, BILAT SURG, ASST SURG, CO-SURG, TEAM SURG,
ENDO BASE).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .arrays import floats
from .errors import InputError
from .medicare import price_arrays, split_modifiers
from .pfs_data import load_pfs, rules

CLAIM_COLUMNS = [
    "claim_id",
    "line",
    "hcpcs",
    "modifier",
    "units",
    "locality",
    "setting",
    "year",
    "status",
    "fee_schedule_amount",
    "unadjusted_amount",
    "allowed",
    "priced",
    "adjustments",
    "note",
]


def _rank(group: np.ndarray, value: np.ndarray, order: np.ndarray) -> np.ndarray:
    """0-based rank of each value within its group, highest first, ties in ``order``."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.lexsort((order, -value, group))
    g = group[idx]
    start = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1]
    pos = np.arange(g.size) - np.repeat(start, np.diff(np.r_[start, g.size]))
    rank = np.empty(g.size, dtype=np.int64)
    rank[idx] = pos
    return rank


def _rank_procedures(proc: np.ndarray, group: np.ndarray, value: np.ndarray, order: np.ndarray) -> np.ndarray:
    """0-based rank of each item's procedure within its group, highest first: the items of one procedure
    (the two sides of an LT/RT pair) add up their values and share its rank."""
    if proc.size == 0:
        return np.zeros(0, dtype=np.int64)
    codes = np.asarray(pd.factorize(proc)[0])
    total = np.bincount(codes, weights=value)
    _, first = np.unique(codes, return_index=True)
    return _rank(group[first], total, order[first])[codes]


def _indicators(base: dict[str, Any]) -> dict[str, np.ndarray]:
    """RVU-file indicators of each priced line (text; '' where the code is absent)."""
    n = base["row"].size
    names = ("mult_proc", "bilat_surg", "asst_surg", "co_surg", "team_surg", "endo_base", "pctc")
    out = {k: np.full(n, "", dtype=object) for k in names}
    for y in np.unique(base["year"]):
        sel = np.flatnonzero((base["year"] == y) & (base["row"] >= 0))
        rvu = load_pfs(int(y)).rvu
        for k in names:
            out[k][sel] = rvu[k].to_numpy(dtype=object)[base["row"][sel]]
    return out


def _component(base: dict[str, Any], lines: np.ndarray, mod: str, dos: np.ndarray) -> np.ndarray:
    """Amount of the ``mod`` (TC or 26) row of the code on each of ``lines``; 0 where there is none.

    ``dos`` is the date of service of every line: it picks the CF of a year whose CF changed within it."""
    if lines.size == 0:
        return np.zeros(0)
    part = price_arrays(
        base["hcpcs"][lines],
        mod,
        base["locality"][lines],
        np.where(base["nonfacility"][lines], "nonfacility", "facility"),
        base["year"][lines],
        base["qp"][lines],
        dos[lines],
    )
    found = part["row_modifier"] == mod
    return np.where(found, np.nan_to_num(part["amount"]), 0.0)


def price_claim(
    claim_id: Any,
    hcpcs: Any,
    modifier: Any = "",
    units: Any = 1,
    locality: Any = "",
    setting: Any = "facility",
    year: Any = 2025,
    qp: Any = False,
    date_of_service: Any = None,
) -> pd.DataFrame:
    """Medicare allowed amount of each claim line after the claim-level surgical and diagnostic rules.

    Parameters
    ----------
    claim_id : array_like
        Lines with the same id are one claim (one date of service, one rendering provider).
    hcpcs, modifier, locality, setting, year, qp, date_of_service
        As in :func:`udfs.medicare.price_pfs` (broadcast). ``year`` is the fee schedule year: a date of
        service in another year is priced with that year's schedule and CF when the year has one CF; when
        it has several (2024) such a line is not priced and its note says why.
    units : int or array_like, default 1
        Units of service; units beyond the first count as further procedures.

    Returns
    -------
    DataFrame
        One row per input line, in input order: claim_id, line (0-based input position), hcpcs, modifier,
        units, locality, setting, year, status, fee_schedule_amount (one unit, unadjusted),
        unadjusted_amount (x units), allowed (after every adjustment; NaN when not priced), priced,
        adjustments (each adjustment applied and why) and note (why a line is not priced, or why a priced
        line is paid 0: a bundled status T line).

    Notes
    -----
    Standard rule (MULT PROC 2): allowed = FS x bilateral factor x (1.0 for the highest-ranked procedure,
    0.5 for the others); endoscopy family (3): highest FS + sum(FS_i - FS_base) for the other members;
    assistant = 16% (AS: 13.6%) and co-surgeon = 62.5% of the amount after those reductions. Bilateral
    factor: 1.5 (BILAT SURG 1), 1.0 (0: both sides as one; 2: the RVUs are already bilateral), 2.0 (3: each
    side 100%), for modifier 50 or an LT + RT pair alike, before the multiple procedure rules; the pair is
    one procedure in every ranking. Status T: allowed = 0 when the claim has another payable (A, R) line
    on the same date by the same provider, else FS.

    References
    ----------
    Medicare Claims Processing Manual ch. 12 s. 40.6 (multiple surgery, endoscopy), 40.7 (bilateral:
    modifier 50 or RT and LT, bilateral amount before multiple procedure rules), 40.8 (co-/team surgeons),
    20.4.3 (assistant at surgery); RVU file documentation (STATUS CODE T; BILAT SURG 0-3, 9).

    Examples
    --------
    Total knee (27447, 1,257.63 national facility) and knee arthroscopy (29881, 538.25) on one claim:

    >>> c = price_claim("A", ["27447", "29881"])
    >>> c.allowed.round(2).tolist()
    [1257.63, 269.12]
    >>> c.adjustments[1]
    'MULT PROC 3: procedure rank 2 of 2, 50%'
    """
    spec = rules()
    ids = np.asarray(claim_id, dtype=object)
    u = floats(units, "units")
    arrays = np.broadcast_arrays(
        ids,
        np.asarray(hcpcs, dtype=object),
        np.asarray(modifier, dtype=object),
        u,
        np.asarray(locality, dtype=object),
        np.asarray(setting, dtype=object),
        np.asarray(year),
        np.asarray(qp),
        np.asarray(
            np.datetime64("NaT") if date_of_service is None else date_of_service, dtype="datetime64[D]"
        ),
    )
    ids, hc, md, u, lc, st, yr, q, dos = (a.reshape(-1) for a in arrays)
    if np.any(~np.isfinite(u)) or np.any(u < 1) or np.any(u != np.round(u)):
        bad = u[~np.isfinite(u) | (u < 1) | (u != np.round(u))][0]
        raise InputError(f"units must be a whole number of at least 1, got {bad:g}")
    n = ids.size
    base = price_arrays(hc, md, lc, st, yr, q, dos)
    ind = _indicators(base)
    fs = base["amount"]
    priced = base["priced"].copy()
    note = base["note"].copy()
    claim, _ = pd.factorize(ids)
    claim = np.asarray(claim)

    mods_u, md_codes = np.unique(base["modifier"], return_inverse=True)
    flag_names = ("bilat", "lt", "rt", "asst", "as_np", "co", "team")
    sets = {
        "bilat": spec["bilateral_modifiers"]["both"],
        "lt": spec["bilateral_modifiers"]["left"],
        "rt": spec["bilateral_modifiers"]["right"],
        "asst": [m for m in spec["asst_surg"]["modifiers"] if m != "AS"],
        "as_np": ["AS"],
        "co": spec["co_surg"]["modifiers"],
        "team": spec["team_surg"]["modifiers"],
    }
    table = {
        f: np.array([any(m in sets[f] for m in split_modifiers(s)) for s in mods_u], dtype=bool)
        for f in flag_names
    }
    flag = {f: table[f][md_codes] for f in flag_names}
    assistant = flag["asst"] | flag["as_np"]
    role = assistant.astype(np.int64)
    # a priced line's note from the single-line price (a 26/TC/53 the code has no row for) heads its
    # adjustments, where the claims' Medicare note shows them
    texts: list[list[str]] = [[str(t)] if p and t else [] for p, t in zip(priced, note, strict=True)]

    # surgeon-role rules that decide whether a line is paid at all
    for i in np.flatnonzero(priced & flag["team"]):
        priced[i], note[i] = False, spec["team_surg"].get(ind["team_surg"][i], spec["team_surg"]["9"])["text"]
    for i in np.flatnonzero(priced & flag["co"]):
        rule = spec["co_surg"].get(ind["co_surg"][i], spec["co_surg"]["9"])
        if not rule["payable"]:
            priced[i], note[i] = False, rule["text"]
    for i in np.flatnonzero(priced & assistant):
        rule = spec["asst_surg"].get(ind["asst_surg"][i], spec["asst_surg"]["9"])
        if not rule["payable"]:
            priced[i], note[i] = False, rule["text"]

    # status T: paid only when no other service payable under the fee schedule is billed on the same date
    # by the same provider (assistant lines are another provider); otherwise bundled, paid 0
    alone = spec["status_codes"]["paid_alone"]
    bundled = priced & np.isin(base["status"], alone["statuses"])
    if bundled.any():
        # integer key of (claim, date of service, role), made compact for bincount
        date = np.asarray(pd.factorize(dos.astype(np.int64))[0], dtype=np.int64)
        day = np.asarray(pd.factorize((claim.astype(np.int64) * (int(date.max()) + 1) + date) * 2 + role)[0])
        others = priced & np.isin(base["status"], alone["bundled_by"])
        bundled &= np.bincount(day, weights=others)[day] > 0
    for i in np.flatnonzero(bundled):
        texts[i].append(alone["text"])
        note[i] = alone["text"]

    # bilateral: modifier 50 on one line, or LT + RT lines of the same code
    bil = np.ones(n)
    for i in np.flatnonzero(priced & flag["bilat"]):
        rule = spec["bilat_surg"].get(ind["bilat_surg"][i], spec["bilat_surg"]["9"])
        bil[i] = rule["factor"] if rule["factor"] is not None else 1.0
        texts[i].append(f"modifier 50: {rule['text']}")
    pair = np.full(n, -1, dtype=np.int64)
    # LT + RT form a pair under every indicator with a bilateral factor (0, 1, 2, 3; not 9)
    paired = [k for k, v in spec["bilat_surg"].items() if isinstance(v, dict) and v.get("factor") is not None]
    sides = np.flatnonzero(
        priced & ~bundled & (flag["lt"] ^ flag["rt"]) & ~flag["bilat"] & np.isin(ind["bilat_surg"], paired)
    )
    if sides.size:
        frame = pd.DataFrame(
            {
                "c": claim[sides],
                "h": base["hcpcs"][sides],
                "r": role[sides],
                "is_lt": flag["lt"][sides],
                "i": sides,
            }
        )
        frame["k"] = frame.groupby(["c", "h", "r", "is_lt"]).cumcount()
        left, right = frame[frame.is_lt], frame[~frame.is_lt]
        matched = left.merge(right, on=["c", "h", "r", "k"], suffixes=("_l", "_r"))
        for li, ri in zip(matched.i_l, matched.i_r, strict=True):
            rule = spec["bilat_surg"][ind["bilat_surg"][li]]
            pair[li] = pair[ri] = li
            for j in (li, ri):
                bil[j] = rule["factor"] / 2
                texts[j].append(f"LT/RT pair: {rule['text']}; half on each line")

    # one item per unit; an LT/RT pair is one procedure made of two half items
    rep = u.astype(np.int64)
    line = np.repeat(np.arange(n), rep)
    unit = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
    ok = priced[line] & ~bundled[line]
    it = pd.DataFrame(
        {
            "line": line,
            "unit": unit,
            "claim": claim[line],
            "role": role[line],
            "mp": ind["mult_proc"][line],
            "value": np.where(ok, fs[line] * bil[line], 0.0),
        }
    )
    it = it[ok].reset_index(drop=True)
    it["proc"] = np.where(pair[it.line] >= 0, -1 - pair[it.line], np.arange(len(it)))
    it["factor"] = 1.0
    it["adj"] = it["value"]
    item_line = it.line.to_numpy()
    m = len(it)
    order = np.arange(m)

    # endoscopy families (MULT PROC 3): base endoscopy and its family members collapse into one procedure
    endo = (it.mp == "3").to_numpy()
    if endo.any():
        fam_base = ind["endo_base"][item_line]
        # integer keys (claim, role, code) for the family of each endoscopy and the code of each item
        both, _ = pd.factorize(np.concatenate([fam_base, base["hcpcs"][item_line]]))
        owner = (it.claim.to_numpy() * 2 + it.role.to_numpy()) * (int(both.max()) + 1)
        fam_key, code_key = owner + both[:m], owner + both[m:]
        is_base = np.isin(code_key, fam_key[endo]) & ~endo
        member = endo | is_base
        fkey = np.where(endo, fam_key, code_key)
        mem = np.flatnonzero(member)
        bases = np.where(endo[mem], fam_base[mem], base["hcpcs"][item_line[mem]])
        lines_m = item_line[mem]
        base_fs = price_arrays(
            bases,
            "",
            base["locality"][lines_m],
            np.where(base["nonfacility"][lines_m], "nonfacility", "facility"),
            base["year"][lines_m],
            base["qp"][lines_m],
            dos[lines_m],
        )["amount"]
        weight = np.where(pair[lines_m] >= 0, 0.5, 1.0)
        base_fs = np.nan_to_num(base_fs)
        fam_codes, _ = pd.factorize(fkey[mem])
        r = _rank(fam_codes, it.value.to_numpy()[mem], order[mem])
        adj = np.where(
            r == 0,
            it.value.to_numpy()[mem],
            np.maximum(it.value.to_numpy()[mem] - base_fs * weight, 0.0),
        )
        it.loc[mem, "adj"] = adj
        it.loc[mem, "proc"] = -(10**12) - fam_codes
        fam_size = np.bincount(fam_codes)[fam_codes]
        for k, i in enumerate(mem):
            li = item_line[i]
            if fam_size[k] < 2:
                continue
            texts[li].append(
                "endoscopy family of "
                + str(bases[k])
                + (
                    ": highest, 100%"
                    if r[k] == 0
                    else f": amount minus base {bases[k]} ({base_fs[k] * weight[k]:.2f})"
                )
            )
        it.loc[mem, "mp"] = "3"

    # standard multiple procedure ranking (MULT PROC 1, 2, 3): one value per procedure
    item_mp = it.mp.to_numpy(dtype=object)
    std = it.mp.isin(["1", "2", "3"]).to_numpy()
    if std.any():
        procs = (
            it[std]
            .groupby("proc", sort=False)
            .agg(
                value=("adj", "sum"), claim=("claim", "first"), role=("role", "first"), first=("line", "min")
            )
        )
        group, _ = pd.factorize(pd.MultiIndex.from_arrays([procs.claim, procs.role]))
        rank = _rank(np.asarray(group), procs.value.to_numpy(), procs["first"].to_numpy())
        size = pd.Series(group).map(pd.Series(group).value_counts()).to_numpy()
        rule2 = spec["mult_proc"]["2"]
        f = np.where(rank == 0, rule2["first"], rule2["subsequent"])
        procs["factor"], procs["rank"], procs["size"] = f, rank, size
        hit = it.loc[std, "proc"]
        it.loc[std, "factor"] = hit.map(procs["factor"]).to_numpy()
        ranks, sizes = hit.map(procs["rank"]).to_numpy(), hit.map(procs["size"]).to_numpy()
        for k, i in enumerate(np.flatnonzero(std)):
            if sizes[k] > 1:
                li = item_line[i]
                extra = "; MAC prices by report" if ranks[k] + 1 >= rule2["by_report_from_rank"] else ""
                texts[li].append(
                    f"MULT PROC {item_mp[i]}: procedure rank {ranks[k] + 1} of {sizes[k]}, "
                    f"{100 * (rule2['first'] if ranks[k] == 0 else rule2['subsequent']):g}%{extra}"
                )
    it["allowed"] = it.adj * it.factor

    # component rules: imaging (4), therapy PE (5), cardiovascular (6) and ophthalmology (7) TC
    comp = it.mp.isin(["4", "5", "6", "7"]).to_numpy()
    if comp.any():
        idx = np.flatnonzero(comp)
        li = it.line.to_numpy()[idx]
        rm = base["row_modifier"][li]
        scale = it.value.to_numpy()[idx] / np.where(fs[li] > 0, fs[li], 1.0)
        glob = rm == ""
        tc = np.where(rm == "TC", fs[li], 0.0) + np.where(glob, _component(base, li, "TC", dos), 0.0)
        pc = np.where(rm == "26", fs[li], 0.0) + np.where(glob, _component(base, li, "26", dos), 0.0)
        tc, pc = tc * scale, pc * scale
        pe = base["pe_rvu"][li] * base["gpci_pe"][li] * base["cf"][li] * scale
        mp = it.mp.to_numpy()[idx]
        value = it.value.to_numpy()[idx]
        proc = it.proc.to_numpy()[idx]  # an LT/RT pair is one procedure: it ranks once
        group, _ = pd.factorize(
            pd.MultiIndex.from_arrays([it.claim.to_numpy()[idx], it.role.to_numpy()[idx], mp])
        )
        group = np.asarray(group)
        allowed = value.copy()
        words = [""] * idx.size
        for code in ("4", "6", "7"):
            sel = np.flatnonzero(mp == code)
            rule = spec["mult_proc"][code]
            for part, key, label in ((tc, "tc_subsequent", "TC"), (pc, "pc_subsequent", "PC")):
                if key not in rule:
                    continue
                has = sel[part[sel] > 0]
                r = _rank_procedures(proc[has], group[has], part[has], order[idx][has])
                cut = np.where(r > 0, part[has] * (1 - rule[key]), 0.0)
                allowed[has] -= cut
                for k, j in enumerate(has):
                    if cut[k] > 0:
                        words[j] += (
                            f"MULT PROC {code}: {label} rank {r[k] + 1}, {100 * rule[key]:g}% of {label}; "
                        )
        sel = np.flatnonzero(mp == "5")
        r = _rank_procedures(proc[sel], group[sel], pe[sel], order[idx][sel])
        cut = np.where(r > 0, pe[sel] * (1 - spec["mult_proc"]["5"]["pe_subsequent"]), 0.0)
        allowed[sel] -= cut
        for k, j in enumerate(sel):
            if cut[k] > 0:
                pct = 100 * spec["mult_proc"]["5"]["pe_subsequent"]
                words[j] += f"MULT PROC 5: therapy rank {r[k] + 1}, PE {pct:g}%; "
        it.loc[idx, "allowed"] = allowed
        for k, i in enumerate(idx):
            if words[k]:
                texts[item_line[i]].append(words[k].rstrip("; "))

    # assistant at surgery and co-surgeons: a share of the amount after the reductions
    share = np.ones(n)
    asst = spec["asst_surg"]
    for i in np.flatnonzero(priced & assistant):
        share[i] = asst["percent"] * (asst["nonphysician_share"] if flag["as_np"][i] else 1.0)
        who = (
            f"non-physician assistant (AS) {100 * asst['nonphysician_share']:g}% of "
            if flag["as_np"][i]
            else ""
        )
        texts[i].append(
            f"{who}assistant at surgery {100 * asst['percent']:g}%: {asst[ind['asst_surg'][i]]['text']}"
        )
    for i in np.flatnonzero(priced & flag["co"]):
        share[i] = spec["co_surg"]["percent"]
        texts[i].append(
            f"co-surgeon {100 * spec['co_surg']['percent']:g}%: {spec['co_surg'][ind['co_surg'][i]]['text']}"
        )

    allowed = np.bincount(it.line.to_numpy(), weights=it.allowed.to_numpy(), minlength=n) * share
    allowed = np.where(priced, allowed, np.nan)
    return pd.DataFrame(
        {
            "claim_id": ids,
            "line": np.arange(n),
            "hcpcs": base["hcpcs"],
            "modifier": base["modifier"],
            "units": u.astype(np.int64),
            "locality": base["locality"],
            "setting": np.where(base["nonfacility"], "nonfacility", "facility").astype(object),
            "year": base["year"],
            "status": base["status"],
            "fee_schedule_amount": fs,
            "unadjusted_amount": fs * u,
            "allowed": allowed,
            "priced": priced,
            "adjustments": np.array(["; ".join(t) for t in texts], dtype=object),
            "note": note.astype(object),
        }
    )
