"""The errors oonkit raises: one base class and a few subclasses.

Every message says where and what: the argument, or the file, line and column at fault.
A check of a file collects every problem before it stops (:class:`FileError` carries them all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class OonError(Exception):
    """Base class of every error oonkit raises on purpose."""


class InputError(OonError, ValueError):
    """An argument has a value the function cannot use; the message names the argument."""


class TemplateError(OonError):
    """A data file in ``templates/`` (or one a user imported) is missing or malformed."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes
    ----------
    source : str
        File name as the user gave it.
    line : int or None
        1-based line (CSV, YAML) or row (XLSX) number; None for a problem with the whole file.
    column : str or None
        Column or field name at fault.
    message : str
        What is wrong, quoting the offending value.
    """

    source: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class FileError(OonError):
    """An input file has problems; ``problems`` lists every one, in file order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
