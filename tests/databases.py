"""Throwaway databases for tests: a SQLite file per test, a PostgreSQL database per test.

PostgreSQL is used when ``ORDERMGMT_TEST_POSTGRES_URL`` names a server (an admin URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test gets its own database, created
with a unique name and dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

POSTGRES_ENV = "ORDERMGMT_TEST_POSTGRES_URL"

#: The storages every OMS-level test runs on.
BACKENDS = ["memory", "sqlite", "postgres"]


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def require_postgres() -> str:
    url = postgres_admin_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)")
    return url


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its URL and drops it afterwards."""
    name = f"ordermgmt_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        try:
            yield url
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / f'orders-{uuid.uuid4().hex[:8]}.db'}"


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL of ``backend`` ("sqlite" or "postgres")."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path)
    elif backend == "postgres":
        with postgres_database(require_postgres()) as url:
            yield url
    else:
        raise ValueError(backend)


def empty_tables(url: str) -> None:
    """Remove every row (PostgreSQL), keeping the schema: a clean start for the next test."""
    from ordermgmt.adapters.sqlalchemy.tables import metadata

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
    finally:
        engine.dispose()
