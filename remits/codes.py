"""The remittance code lists shipped in ``templates/codes/``: adjustment reasons (CARC), remarks (RARC) and
adjustment groups, with oonkit's own labels and the categories the underpayment classification uses.

The labels are the project's wording, never X12's description text; ``templates/codes/README.md`` gives
the source of each list and the date of the X12 status recorded for each code.

>>> carc_codes().loc["45", "category"]
'allowed_reduction'
>>> sorted(rarc_codes().index[rarc_codes()["starts_nsa_clock"]])
['N830', 'N859', 'N876', 'N877']
>>> print(describe_adjustment("CO", "45"))
CO-45: Cut to the payer's fee schedule or maximum allowable
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from udfs.errors import TemplateError
from udfs.reference import template_path

_COLUMNS = {
    "carc.csv": ["code", "label", "category", "x12_status", "x12_list_retrieved"],
    "rarc.csv": ["code", "label", "category", "starts_nsa_clock", "x12_status", "x12_list_retrieved"],
    "groups.csv": ["code", "label", "billable_to_patient"],
}
_FLAGS = {"starts_nsa_clock", "billable_to_patient"}


@cache
def _load(name: str) -> pd.DataFrame:
    path = template_path(f"codes/{name}")
    table = pd.read_csv(path, dtype="str", keep_default_na=False)
    where = f"templates/codes/{name}"
    if list(table.columns) != _COLUMNS[name]:
        raise TemplateError(f"{where}: columns {list(table.columns)}, expected {_COLUMNS[name]}")
    for row, code in enumerate(table["code"], start=2):
        if not code or table["code"].tolist().count(code) > 1:
            raise TemplateError(f"{where}:{row}: code {code!r} is empty or listed twice")
    for flag in _FLAGS & set(table.columns):
        bad = table.index[~table[flag].isin(["true", "false"])]
        if len(bad):
            raise TemplateError(
                f"{where}:{bad[0] + 2}: column {flag}: {table[flag][bad[0]]!r} is not true or false"
            )
        table[flag] = table[flag] == "true"
    return table.set_index("code")


def carc_codes() -> pd.DataFrame:
    """Claim adjustment reason codes the product knows, indexed by code (a copy: change it freely)."""
    return _load("carc.csv").copy()


def rarc_codes() -> pd.DataFrame:
    """Remittance advice remark codes the product knows, indexed by code, with ``starts_nsa_clock``."""
    return _load("rarc.csv").copy()


def group_codes() -> pd.DataFrame:
    """The five claim adjustment group codes, indexed by code, with ``billable_to_patient``."""
    return _load("groups.csv").copy()


def describe_adjustment(group: str, reason: str) -> str:
    """``GROUP-REASON: label`` for a CAS adjustment; a reason outside the shipped list says so.

    >>> print(describe_adjustment("PR", "ZZ9"))
    PR-ZZ9: reason code not in oonkit's list (see x12.org)
    """
    carc = _load("carc.csv")
    label = (
        str(carc.at[reason, "label"])
        if reason in carc.index
        else "reason code not in oonkit's list (see x12.org)"
    )
    return f"{group}-{reason}: {label}"
