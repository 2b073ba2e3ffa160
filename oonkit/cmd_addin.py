"""``oonkit addin install``: configure the xlwings add-in to load the OON_* functions."""

from __future__ import annotations

import argparse
from pathlib import Path

from addin import install
from workbooks.saving import Outputs, reading, writing


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("addin", help="set up the OON_* Excel functions (xlwings add-in configuration)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    inst = actions.add_parser("install", help="write the xlwings configuration that loads addin.functions")
    where = inst.add_mutually_exclusive_group()
    where.add_argument("--config", type=Path, help="xlwings.conf file to write (default: the user file)")
    where.add_argument(
        "--beside", type=Path, metavar="WORKBOOK", help="write xlwings.conf beside this workbook only"
    )
    inst.add_argument("--interpreter", help="Python that has oonkit installed (default: this one)")
    inst.set_defaults(func=run_install)
    show = actions.add_parser("show", help="print the xlwings user configuration")
    show.set_defaults(func=run_show)


def run_install(args: argparse.Namespace) -> int:
    path = args.config or (args.beside.parent / "xlwings.conf" if args.beside else None)
    path = path or install.user_config_file()
    with reading(path):  # the keys already there are kept: the file must be readable text
        install.read_config(path)
    Outputs("addin").check(path, "--beside" if args.beside else "--config")  # a folder that can be written
    with writing(path):
        target, config = install.install(path, args.interpreter)
    print(f"wrote {target}")
    for key, value in config.items():
        print(f"  {key} = {value}")
    print("Next, in Excel: xlwings tab > Import Functions (see README, 'The OON_* functions in Excel').")
    return 0


def run_show(args: argparse.Namespace) -> int:
    path = install.user_config_file()
    with reading(path):
        config = install.read_config(path)
    print(f"{path}{'' if path.exists() else ' (does not exist)'}")
    for key, value in config.items():
        print(f"  {key} = {value}")
    return 0
