"""Charge benchmarks: percentiles of billed charges by code and geography, supplied by the user.

Payers price out-of-network claims at a percentile of a charge benchmark (the 80th percentile of FAIR Health
charges is the common "usual, customary and reasonable" standard; ``DOMAIN.md``). oonkit ships no benchmark data
(they are licensed); a user supplies a table with one row per code (and optional geography and modifier) and
one column per published percentile. Between published percentiles the amount is interpolated linearly;
outside them the answer is "not available", never a silent extrapolation.

File layout (CSV or XLSX, first row headers, case-insensitive)::

    code,geo,p50,p60,p70,p75,p80,p85,p90,p95
    27447,100,6500,7100,7800,8200,8900,9400,10100,11800

``geo`` (a geozip, region or locality id) and ``modifier`` columns are optional; percentile columns are named
``p<N>`` or ``<N>th`` with N between 1 and 99. Other columns are ignored. The file is read as the claims file is
(:mod:`udfs.table_files`): UTF-8 or Windows-1252 text separated by commas, semicolons (amounts with a decimal
comma, ``6.500,50``) or tabs, or the first sheet of an .xlsx; blank rows are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from .arrays import broadcast, floats, texts
from .errors import FileError, Problem
from .medicare import split_modifiers
from .table_files import decimal_comma_text, read_table_file

_PCT_COLUMN = re.compile(r"^(?:P(\d{1,2})|(\d{1,2})(?:TH|ST|ND|RD)?(?: PERCENTILE)?)$")


#: The modifiers that make a line a different service in a charge benchmark: the professional and technical
#: components of a global code. Others (LT, RT, 50, 51, 59...) are priced as the code itself.
COMPONENTS = ("26", "TC")


def component(modifiers: np.ndarray) -> np.ndarray:
    """The component modifier (26 or TC) of each modifier string, '' when it has none.

    >>> component(np.array(["26", "TC LT", "LT,50", "", "RT-26"], dtype=object))
    array(['26', 'TC', '', '', '26'], dtype=object)
    """
    codes, uniques = pd.factorize(modifiers.reshape(-1))
    parts = [next((m for m in split_modifiers(u) if m in COMPONENTS), "") for u in uniques]
    table = np.array([*parts, ""], dtype=object)  # code -1 (missing) -> ''
    return table[codes].reshape(modifiers.shape)


@dataclass(frozen=True)
class ChargeBenchmark:
    """A validated charge benchmark table.

    Attributes
    ----------
    percentiles : ndarray
        Published percentiles, ascending (e.g. ``[50, 75, 80, 90, 95]``).
    keys : pandas.Index
        ``code|geo|modifier`` of each row (geo and modifier '' when the table has none).
    values : ndarray
        Charges, shape ``(rows, len(percentiles))``, non-decreasing along each row.
    source : str
        Where the table came from, for messages.
    """

    percentiles: np.ndarray
    keys: pd.Index
    values: np.ndarray
    source: str = "benchmark"

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        source: str = "benchmark",
        first_line: int = 2,
        lines: Sequence[int] | None = None,
    ) -> ChargeBenchmark:
        """Validate a table (see module docstring); every problem is reported at once as a :class:`FileError`
        with ``source:line: column: message`` (``first_line`` is the file line of the first data row, or
        ``lines`` gives the line of each row)."""
        problems: list[Problem] = []
        at = np.asarray(lines if lines is not None else range(first_line, first_line + len(frame)), dtype=int)
        cols = {str(c).strip().upper(): c for c in frame.columns}
        pct_cols: dict[int, object] = {}
        for upper, original in cols.items():
            m = _PCT_COLUMN.match(upper)
            if m:
                pct_cols[int(m.group(1) or m.group(2))] = original
        if "CODE" not in cols:
            problems.append(Problem(source, 1, "code", "column missing"))
        if len(pct_cols) < 1:
            problems.append(Problem(source, 1, None, "no percentile columns (name them p50, p80, 90th, ...)"))
        if problems:
            raise FileError(problems)
        pcts = sorted(p for p in pct_cols if 1 <= p <= 99)
        values = np.full((len(frame), len(pcts)), np.nan)
        for j, p in enumerate(pcts):
            col = pct_cols[p]
            numbers = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
            for i in np.flatnonzero(np.isnan(numbers) | (numbers < 0)):
                problems.append(
                    Problem(source, int(at[i]), str(col), f"{frame[col].iloc[i]!r} is not an amount")
                )
            values[:, j] = numbers
        code = texts(frame[cols["CODE"]].to_numpy(dtype=object), "code")
        geo = (
            texts(frame[cols["GEO"]].to_numpy(dtype=object), "geo")
            if "GEO" in cols
            else np.full(len(frame), "")
        )
        mod = (
            component(texts(frame[cols["MODIFIER"]].to_numpy(dtype=object), "modifier"))
            if "MODIFIER" in cols
            else np.full(len(frame), "")
        )
        keys = pd.Index([f"{c}|{g}|{m}" for c, g, m in zip(code, geo, mod, strict=True)])
        for i in np.flatnonzero(code == ""):
            problems.append(Problem(source, int(at[i]), str(cols["CODE"]), "code is empty"))
        for i in np.flatnonzero(keys.duplicated()):
            problems.append(
                Problem(source, int(at[i]), str(cols["CODE"]), f"duplicate row for {keys[int(i)]}")
            )
        with np.errstate(invalid="ignore"):
            decreasing = (np.diff(values, axis=1) < 0).any(axis=1)
        for i in np.flatnonzero(decreasing):
            problems.append(Problem(source, int(at[i]), None, "charges decrease as the percentile rises"))
        if problems:
            raise FileError(sorted(problems, key=lambda x: x.line or 0))
        return cls(np.asarray(pcts, dtype=float), keys, values, source)

    @classmethod
    def read(cls, path: str | Path) -> ChargeBenchmark:
        """Read and validate a CSV or XLSX benchmark file; every problem is listed at once (a file that cannot
        be read as a table, rows that cannot be read, and what :meth:`from_frame` finds)."""
        raw = read_table_file(path)
        problems = list(raw.problems)
        keep: dict[str, int] = {}  # header -> position; columns without a header are ignored
        for position, header in enumerate(raw.headers):
            if header and header.upper() in {h.upper() for h in keep}:
                problems.append(Problem(raw.source, raw.header_row, header, "a second column of that name"))
            elif header:
                keep[header] = position
        frame = pd.DataFrame(
            {h: pd.Series([row[i] for row in raw.rows], dtype=object) for h, i in keep.items()},
            columns=list(keep),
        )
        if raw.decimal_comma:
            for column in [c for c in frame.columns if _PCT_COLUMN.match(str(c).strip().upper())]:
                frame[column] = frame[column].map(
                    lambda v: decimal_comma_text(v) if isinstance(v, str) else v
                )
        try:
            table = cls.from_frame(frame, source=raw.source, lines=raw.lines)
        except FileError as exc:
            problems += exc.problems
        if problems:
            raise FileError(sorted(problems, key=lambda x: x.line or 0))
        return table

    def amount(
        self,
        code: npt.ArrayLike,
        percentile: npt.ArrayLike,
        geo: npt.ArrayLike = "",
        modifier: npt.ArrayLike = "",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Charge at ``percentile`` for each line, and a note explaining every NaN.

        Parameters
        ----------
        code, geo, modifier : array_like of str
            Line keys; a row keyed with an empty geo or modifier serves lines whose own is not in the table.
        percentile : array_like
            Percentile on the 0-100 scale (80 for the 80th).

        Returns
        -------
        amount : ndarray
            Interpolated charge; NaN where the code is missing or the percentile lies outside the published range.
        note : ndarray of str
            '' where an amount was found, otherwise why not.

        Notes
        -----
        With published percentiles :math:`p_j < p < p_{j+1}` and charges :math:`c_j, c_{j+1}`:
        :math:`c = c_j + (p - p_j)(c_{j+1} - c_j)/(p_{j+1} - p_j)`.

        Examples
        --------
        >>> t = ChargeBenchmark.from_frame(pd.DataFrame({"code": ["27447"], "p75": [8200], "p80": [8900]}))
        >>> amount, note = t.amount(["27447", "27447", "99999", "27447"], [77.5, 90, 80, 0.8])
        >>> amount
        array([8550.,   nan,   nan,   nan])
        >>> list(note)  # doctest: +NORMALIZE_WHITESPACE
        ['', 'percentile 90 is outside the published 75-80; not extrapolated', 'code 99999 not in benchmark',
         'percentile is on the 0-100 scale (80 for the 80th); got 0.8']
        """
        c, g, m = texts(code, "code"), texts(geo, "geo"), component(texts(modifier, "modifier"))
        p = floats(percentile, "percentile")
        c, g, m, p = broadcast(c, g, m, p)
        shape = c.shape
        c, g, m, p = (a.reshape(-1) for a in (c, g, m, p))
        row = np.full(c.shape, -1, dtype=np.intp)
        # The line's geo first, then the row without geo; a professional (26) or technical (TC) component is
        # looked up only under its own modifier, never priced at the global charge.
        for keys in (
            np.char.add(
                np.char.add(c.astype(str), "|"), np.char.add(np.char.add(g.astype(str), "|"), m.astype(str))
            ),
            np.char.add(np.char.add(c.astype(str), "||"), m.astype(str)),
        ):
            todo = row < 0
            if not todo.any():
                break
            row[todo] = self.keys.get_indexer(pd.Index(keys[todo]))
        lo, hi = self.percentiles[0], self.percentiles[-1]
        inside = (p >= lo) & (p <= hi)
        found = row >= 0
        j = np.clip(np.searchsorted(self.percentiles, p, side="right") - 1, 0, len(self.percentiles) - 1)
        j1 = np.minimum(j + 1, len(self.percentiles) - 1)
        r = np.where(found, row, 0)
        c0, c1 = self.values[r, j], self.values[r, j1]
        span = self.percentiles[j1] - self.percentiles[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(span > 0, (p - self.percentiles[j]) / span, 0.0)
        amount = np.where(found & inside, c0 + frac * (c1 - c0), np.nan)
        note = np.full(c.shape, "", dtype=object)
        rng = f"{lo:g}-{hi:g}"
        for i in np.flatnonzero(~inside):
            if np.isnan(p[i]):
                note[i] = "percentile is missing"
            elif 0 < p[i] < 1:
                note[i] = f"percentile is on the 0-100 scale (80 for the 80th); got {p[i]:g}"
            else:
                note[i] = f"percentile {p[i]:g} is outside the published {rng}; not extrapolated"
        for i in np.flatnonzero(~found):
            note[i] = (
                f"code {c[i]}"
                + (f"-{m[i]}" if m[i] else "")
                + " not in benchmark"
                + (f" for geo {g[i]}" if g[i] else "")
            )
        return amount.reshape(shape), note.reshape(shape)
