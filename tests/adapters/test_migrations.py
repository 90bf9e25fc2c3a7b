"""The shipped Alembic migrations build exactly the schema the code maps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import ForeignKeyConstraint, PrimaryKeyConstraint, UniqueConstraint, inspect

from ordermgmt.adapters.sqlalchemy import HEAD, current_revision, open_engine, upgrade
from ordermgmt.adapters.sqlalchemy.tables import metadata
from tests.databases import database


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def test_migrating_an_empty_database_gives_the_mapped_schema(url: str) -> None:
    engine = open_engine(url)
    try:
        assert current_revision(engine) is None
        assert upgrade(engine) == "none"
        assert current_revision(engine) == HEAD
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
        assert differences == []
        assert upgrade(engine) == HEAD  # a second upgrade has nothing to do
    finally:
        engine.dispose()


def _constraint_names(inspector: Any, table: str) -> set[tuple[str, str | None]]:
    found: set[tuple[str, str | None]] = {("pk", inspector.get_pk_constraint(table)["name"])}
    found |= {("uq", c["name"]) for c in inspector.get_unique_constraints(table)}
    found |= {("fk", c["name"]) for c in inspector.get_foreign_keys(table)}
    found |= {("uq", i["name"]) for i in inspector.get_indexes(table) if i["unique"]}
    return found


def test_the_migrated_database_names_every_constraint_as_the_tables_do(url: str) -> None:
    """Refused rows are translated by constraint name (``errors.DUPLICATE_KINDS``), so the
    migrations must give each constraint the name the code knows it by."""
    expected: set[tuple[str, str, str | None]] = set()
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, PrimaryKeyConstraint):
                expected.add((table.name, "pk", constraint.name))
            elif isinstance(constraint, UniqueConstraint):
                expected.add((table.name, "uq", constraint.name))
            elif isinstance(constraint, ForeignKeyConstraint):
                expected.add((table.name, "fk", constraint.name))
        expected |= {(table.name, "uq", index.name) for index in table.indexes if index.unique}
    engine = open_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            inspector = inspect(conn)
            found = {
                (table, kind, name)
                for table in metadata.tables
                for kind, name in _constraint_names(inspector, table)
            }
    finally:
        engine.dispose()
    assert found == expected
