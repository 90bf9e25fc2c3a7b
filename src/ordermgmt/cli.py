"""The command line: ``python -m ordermgmt demo``.

This module and ``__main__`` are the only places that print; the library itself logs.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from collections.abc import Sequence

import ordermgmt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ordermgmt",
        description="ordermgmt: order-to-cash as a library.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ordermgmt.__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show the library's debug log on stderr"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="run a small order-to-cash scenario in memory and tell what happens",
        description=(
            "Runs a small, realistic scenario on the in-memory OMS (four customers, four "
            "channels, a backorder, purchase requisitions, a supplier delivery, a cancellation) "
            "and prints it step by step. Nothing is stored."
        ),
    )
    demo.add_argument(
        "--no-events", action="store_true", help="do not show the domain events as they happen"
    )
    return parser


def _demo(args: argparse.Namespace) -> int:
    from ordermgmt.demo import run_demo

    run_demo(print, show_events=not args.no_events)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")  # a terminal without UTF-8 still gets the text
    try:
        if args.command == "demo":
            return _demo(args)
    except BrokenPipeError:  # e.g. `python -m ordermgmt demo | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    raise AssertionError(f"unhandled command {args.command!r}")  # argparse prevents this
