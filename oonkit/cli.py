"""Entry point of the ``oonkit`` command. Each sub-command lives in its own module under ``oonkit/``
with a ``register(subparsers)`` function that adds its parser and sets ``func``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from udfs.errors import OonError
from workbooks.saving import decode_error_text, os_error_text

# Modules that each register one or more sub-commands, in the order ``oonkit --help`` lists them.
COMMAND_MODULES: list[str] = [
    "oonkit.cmd_build",
    "oonkit.cmd_update",
    "oonkit.cmd_remit",
    "oonkit.cmd_price",
    "oonkit.cmd_case",
    "oonkit.cmd_data",
    "oonkit.cmd_addin",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oonkit",
        description="Out-of-network reimbursement toolkit: price claims, build tracking workbooks, read remits.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except OonError as exc:
        print(f"oonkit {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was left half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:  # one no command put in its own words (they say "cannot write PATH: ...")
        where = f"{os.fsdecode(exc.filename)}: " if exc.filename is not None else ""
        print(f"oonkit {args.command}: error: {where}{os_error_text(exc)}", file=sys.stderr)
        return 1
    except UnicodeDecodeError as exc:  # an input file whose reader does not name it
        print(f"oonkit {args.command}: error: an input file is {decode_error_text(exc)}", file=sys.stderr)
        return 1
