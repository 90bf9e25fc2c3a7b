"""Alembic environment for ordermgmt's schema (online mode, on a given connection or URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ordermgmt.adapters.sqlalchemy.schema import open_engine
from ordermgmt.adapters.sqlalchemy.tables import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection")
    with open_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
