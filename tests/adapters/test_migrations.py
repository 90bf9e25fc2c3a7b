"""The shipped Alembic migrations build exactly the schema the code maps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

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
