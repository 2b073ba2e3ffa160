"""Registration of the ``OON_*`` functions with xlwings: every argument read as a whole range, every argument
documented, the docstring as the function wizard's help.

On Windows, xlwings' ``func``/``arg`` decorators record what "Import Functions" turns into VBA; elsewhere they
do nothing, and ``tests/addin/test_registration.py`` loads the modules under the real ones.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import xlwings as xw

F = TypeVar("F", bound=Callable[..., Any])
Cells = np.ndarray  # 2-D: one row per input row
CATEGORY = "oonkit"
#: How every argument is read: a 2-D array of Python objects, errors as their text ("#N/A").
RANGE_OPTIONS = {"ndim": 2, "dtype": object, "err_to_str": True}


def excel_function(**docs: str) -> Callable[[F], F]:
    """Register ``f`` with xlwings: each argument read as a range with its ``doc``, the docstring as the
    function wizard's help. Refuses (at import) a function whose arguments lack a doc."""

    def wrap(f: F) -> F:
        names = list(inspect.signature(f).parameters)
        missing = [n for n in names if n not in docs]
        if missing or set(docs) - set(names):
            raise TypeError(f"{f.__name__}: documented {sorted(docs)} but takes {names}")
        for name in reversed(names):
            f = xw.arg(name, np.array, doc=docs[name], **RANGE_OPTIONS)(f)
        return xw.func(category=CATEGORY)(f)

    return wrap
