"""The command line: ``python -m ordermgmt demo`` and ``python -m ordermgmt db upgrade|check URL``.

This module and ``__main__`` are the only places that print; the library itself logs.

Exit codes: 0 success; 1 the database is not usable as it is (out-of-date schema, not empty,
not reachable); 2 the command line or a URL is malformed.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import ordermgmt
from ordermgmt import errors

#: Where ``python -m ordermgmt demo`` stores its data unless told otherwise (relative to the
#: current directory; replaced on every run).
DEMO_FILE = "ordermgmt-demo.db"

#: How every SQLite database file starts.
SQLITE_HEADER = b"SQLite format 3\x00"


class CommandError(Exception):
    """A command could not do its work; the message says why, the code is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _parser() -> argparse.ArgumentParser:
    """The command line: ``demo`` and ``db upgrade|check``, with ``--version`` and ``-v``."""
    parser = argparse.ArgumentParser(
        prog="python -m ordermgmt",
        description="ordermgmt: order-to-cash as a library.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {ordermgmt.__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show the library's debug log on stderr"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_demo(commands)
    _add_db(commands)
    return parser


def _add_demo(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``demo [--memory | --url URL] [--no-events]``."""
    demo = commands.add_parser(
        "demo",
        help="run one week of order-to-cash and tell what happens",
        description=(
            "Runs a small, realistic week of order-to-cash (four customers on four channels; "
            "orders, reservations, a backorder and a supplier delivery; invoices, cash sales "
            "and payments on account; a credit hold; shipping with the own fleet and a parcel "
            "service; proof of delivery; a return, an exchange and a cancelled paid order) "
            "and prints it step by step, ending with the trial balance and every order's "
            f"statuses. By default it stores everything in a SQLite file, {DEMO_FILE} in the "
            "current directory, which is deleted and created afresh on every run."
        ),
    )
    where = demo.add_mutually_exclusive_group()
    where.add_argument(
        "--memory", action="store_true", help="run on the in-memory OMS and store nothing"
    )
    where.add_argument(
        "--url",
        metavar="URL",
        help=(
            "run on this database instead (sqlite:///path.db or "
            "postgresql+psycopg://user@host/db); it must be empty, its schema is created"
        ),
    )
    demo.add_argument(
        "--no-events", action="store_true", help="do not show the domain events as they happen"
    )


def _add_db(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``db upgrade URL`` and ``db check URL``."""
    db = commands.add_parser(
        "db",
        help="database schema: upgrade or check",
        description="Manage the database schema of an ordermgmt database.",
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser(
        "upgrade",
        help="create or upgrade the schema to the revision this ordermgmt needs",
        description=(
            "Creates the tables in an empty database, or migrates an older schema, and prints "
            "the schema revision before and after. Safe to run again."
        ),
    )
    upgrade.add_argument("url", metavar="URL", help="sqlite:///path.db or postgresql+psycopg://…")
    check = db_commands.add_parser(
        "check",
        help="exit 0 if the schema is current, 1 if it is not",
        description=(
            "Checks that the database's schema is the revision this ordermgmt needs. Exits 0 "
            "if it is, and 1 with the reason (and how to upgrade) if it is not."
        ),
    )
    check.add_argument("url", metavar="URL", help="sqlite:///path.db or postgresql+psycopg://…")


# -- demo ---------------------------------------------------------------------------------------


def _replace_demo_file(path: Path) -> None:
    """Delete the demo's SQLite file (and its journal files), refusing anything else."""
    if path.exists():
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise CommandError(
                    f"{path} exists and is not a SQLite database; not replacing it "
                    "(move it away, or use --memory or --url)"
                )
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _demo(args: argparse.Namespace) -> int:
    from ordermgmt.demo import run_demo

    url: str | None
    if args.memory:
        url = None
    elif args.url is not None:
        url = args.url
    else:
        _replace_demo_file(Path(DEMO_FILE))
        url = f"sqlite:///{DEMO_FILE}"
    run = run_demo(print, url=url, show_events=not args.no_events)
    run.close()
    if url is not None:
        print(f'the data stays there: OrderManagement.from_url("{run.where}")')
    return 0


# -- db -----------------------------------------------------------------------------------------


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _without_password(error: errors.ValidationError) -> str:
    """The error's message, with the password of a URL it quotes hidden."""
    if error.field != "url" or not isinstance(error.value, str):
        return str(error)
    try:
        shown = repr(_shown(error.value))
    except Exception:  # not even parseable: show it unless it might hold a password
        shown = "a value that is not a URL" if "@" in error.value else repr(error.value)
    return f"url: {error.reason} (got {shown})"


def _sqlite_file(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL (None for other databases and ``:memory:``)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _db_upgrade(url: str) -> int:
    from ordermgmt.adapters.sqlalchemy import current_revision, open_engine, upgrade

    engine = open_engine(url)
    try:
        before = current_revision(engine) or "none"
        upgrade(engine)
        after = current_revision(engine) or "none"
    finally:
        engine.dispose()
    if before == after:
        print(f"{_shown(url)}: schema revision {after}, already current; nothing to do")
    else:
        print(f"{_shown(url)}: schema revision {before} -> {after}")
    return 0


def _db_check(url: str) -> int:
    from ordermgmt.adapters.sqlalchemy import check, current_revision, open_engine

    engine = open_engine(url)
    try:
        path = _sqlite_file(url)
        if path is not None and not path.exists():  # connecting would create an empty file
            raise CommandError(
                f"{_shown(url)}: there is no database file {path}; create one with "
                f"`python -m ordermgmt db upgrade {_shown(url)}`"
            )
        check(engine, url)
        revision = current_revision(engine)
    finally:
        engine.dispose()
    print(f"{_shown(url)}: schema revision {revision}, current")
    return 0


def _db(args: argparse.Namespace) -> int:
    if args.db_command == "upgrade":
        return _db_upgrade(args.url)
    return _db_check(args.url)


# -- main ---------------------------------------------------------------------------------------


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
        if args.command == "db":
            return _db(args)
    except (CommandError, errors.OrderManagementError, ModuleNotFoundError) as error:
        message, code = _failure(error, args)
        print(f"error: {message}", file=sys.stderr)
        return code
    except BrokenPipeError:  # e.g. `python -m ordermgmt demo | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    raise AssertionError(f"unhandled command {args.command!r}")  # argparse prevents this


def _failure(error: Exception, args: argparse.Namespace) -> tuple[str, int]:
    """What to tell about a command that failed with ``error``, and the exit code."""
    if isinstance(error, CommandError):
        return str(error), error.code
    if isinstance(error, errors.ValidationError):  # a malformed URL, say
        return _without_password(error), 2
    if isinstance(error, errors.StorageError):  # unreachable, unreadable, not a database
        where = f"{_shown(args.url)}: " if getattr(args, "url", None) else ""
        return f"{where}{error}", 1
    if isinstance(error, ModuleNotFoundError):  # the URL's database driver is not installed
        return (
            f"the database driver {error.name!r} is not installed; for PostgreSQL, "
            "pip install 'ordermgmt[postgres]' and use postgresql+psycopg:// URLs"
        ), 1
    return str(error), 1
