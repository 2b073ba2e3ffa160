"""Where a workbook password comes from: the environment variable OONKIT_PASSWORD, or a prompt (typed twice when
encrypting). It is never printed, logged or written anywhere."""

from __future__ import annotations

import getpass
import os
import sys

from udfs.errors import InputError

ENV = "OONKIT_PASSWORD"


def password(confirm: bool = True) -> str:
    """The password to encrypt (``confirm``: ask twice) or to open a workbook with."""
    value = os.environ.get(ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise InputError(f"--password: set the environment variable {ENV} (no terminal to prompt on)")
    first = getpass.getpass("Workbook password: ")
    if not first:
        raise InputError("--password: the password is empty")
    if confirm and getpass.getpass("Same password again: ") != first:
        raise InputError("--password: the two passwords differ")
    return first
