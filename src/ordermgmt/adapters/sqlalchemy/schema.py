"""Engines, schema revisions and upgrades.

The schema is versioned with Alembic; its migrations ship inside this package. A new, empty
database can be created without Alembic installed (the tables of the current revision, stamped
with that revision); upgrading an existing database needs the ``migrations`` extra.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from ordermgmt.adapters.sqlalchemy.compiled import execute_sql
from ordermgmt.adapters.sqlalchemy.tables import metadata
from ordermgmt.domain.errors import SchemaOutOfDate, StorageError, ValidationError

log = logging.getLogger("ordermgmt.sql")

#: The Alembic revision this code needs.
HEAD = "0005"


def open_engine(url: str, **options: Any) -> Engine:
    """An engine set up for the unit of work's locking (see ``uow``).

    SQLite: WAL journal, foreign keys on, a 30 s busy timeout, and ``BEGIN IMMEDIATE`` so that a
    transaction holds the write lock from its start. PostgreSQL: READ COMMITTED with row locks.
    """
    try:
        parsed = make_url(url)
    except Exception:
        raise ValidationError("url", url, "is not a database URL") from None
    backend = parsed.get_backend_name()
    try:
        return _engine_for(backend, url, parsed, options)
    except ModuleNotFoundError as missing:
        extra = "postgres" if backend == "postgresql" else backend
        raise StorageError(
            f"the database driver {missing.name!r} is not installed: "
            f"pip install 'ordermgmt[{extra}]'"
        ) from None


def _engine_for(backend: str, url: str, parsed: Any, options: dict[str, Any]) -> Engine:
    if backend == "sqlite":
        engine = create_engine(url, **options)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if parsed.database and parsed.database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            execute_sql(conn, "BEGIN IMMEDIATE")

        return engine
    if backend == "postgresql":
        options.setdefault("pool_pre_ping", True)
        options.setdefault("isolation_level", "READ COMMITTED")
        return create_engine(url, **options)
    raise ValidationError("url", url, "supported are sqlite:/// and postgresql+psycopg:// URLs")


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the database, or None for an empty database."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as error:
        raise StorageError(f"cannot read the schema revision: {error.orig}") from error


def check(engine: Engine, url: str) -> None:
    """Raise ``SchemaOutOfDate`` unless the database is at :data:`HEAD`."""
    found = current_revision(engine)
    if found != HEAD:
        raise SchemaOutOfDate(_safe(url), found, HEAD)


def upgrade(target: str | Engine) -> str:
    """Bring the database to :data:`HEAD`; returns the revision it had before ('none' if empty).

    An empty database gets the current tables directly; an older one is migrated by Alembic.
    """
    engine = open_engine(target) if isinstance(target, str) else target
    found = current_revision(engine)
    if found == HEAD:
        return found
    try:
        from alembic import command
        from alembic.config import Config
    except ImportError:
        if found is not None:
            raise StorageError(
                f"the schema is at revision {found}; upgrading it needs Alembic: "
                "pip install 'ordermgmt[migrations]'"
            ) from None
        _create(engine)
        return "none"
    config = Config()
    config.set_main_option("script_location", "ordermgmt.adapters.sqlalchemy:migrations")
    with migrating(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    log.info("database schema upgraded from %s to %s", found, HEAD)
    return found or "none"


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations, committed at the end.

    SQLite changes a table's constraints by rebuilding it (copy, drop, rename), and dropping a
    table that others refer to fails while foreign keys are enforced. So, as SQLite's own
    procedure for schema changes says, they are switched off for the migration (outside the
    transaction, the only place the pragma works), every reference is checked before the
    commit, and they are switched on again for whoever uses the connection next.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            _pragma(conn, "foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StorageError(
                            f"the migration left {len(broken)} broken references, first: "
                            f"{tuple(broken[0])}; nothing was changed"
                        )
        finally:
            if sqlite:
                _pragma(conn, "foreign_keys=ON")


def _pragma(conn: Connection, setting: str) -> None:
    """Run a pragma on the driver's connection, outside any transaction (SQLAlchemy would
    begin one first)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA {setting}")
    finally:
        cursor.close()


def _create(engine: Engine) -> None:
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(
            text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        )
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": HEAD})


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)
