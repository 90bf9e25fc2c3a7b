"""The storage contract suite of ``ordermgmt.testing.contracts`` against every store we ship.

Each contract class runs on the in-memory store, on a SQLite file and on PostgreSQL (the last
when ``ORDERMGMT_TEST_POSTGRES_URL`` names a server; skipped, and reported, otherwise). SQLite
gets a new file per test. PostgreSQL gets one new database for this module, and every test
starts on emptied tables, so no test sees another's rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from ordermgmt.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from ordermgmt.adapters.sqlalchemy import (
    SqlAlchemyOutboxRelay,
    SqlAlchemyUnitOfWorkFactory,
    open_engine,
    upgrade,
)
from ordermgmt.adapters.sqlalchemy.tables import metadata
from ordermgmt.ports import OutboxRelay, UnitOfWork, UnitOfWorkFactory
from ordermgmt.testing import contracts
from ordermgmt.testing.contracts import (
    CatalogContract,
    CustomerRepositoryContract,
    DocumentRepositoriesContract,
    IdempotencyContract,
    LedgerContract,
    OrderRepositoryContract,
    OutboxContract,
    ReadYourWritesContract,
    RecordingPublisher,
    RequisitionContract,
    SequenceContract,
    StockRepositoryContract,
    StorageContract,
    UnitOfWorkContract,
)
from tests.adapters.test_port_contracts import PORT_CONTRACTS
from tests.databases import postgres_database, require_postgres, sqlite_url

BACKENDS = ("memory", "sqlite", "postgres")
SQL = ("sqlite", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize every contract test by backend."""
    if "backend" not in metafunc.fixturenames:
        return
    backends = getattr(metafunc.cls, "backends", BACKENDS)
    params = []
    for backend in backends:
        marks = [pytest.mark.postgres] if backend == "postgres" else []
        params.append(pytest.param(backend, id=backend, marks=marks))
    metafunc.parametrize("backend", params)


@pytest.fixture(scope="module")
def postgres_engine() -> Iterator[Engine]:
    """One database for the module, created and upgraded once, dropped at the end."""
    with postgres_database(require_postgres()) as url:
        engine = open_engine(url)
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def _empty(engine: Engine) -> None:
    """Remove every row so that a test starts on an empty store. DELETE rather than TRUNCATE:
    on a few rows it is many times faster, and no test depends on where counters start."""
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


class Backends:
    """Provides ``uow_factory`` (and the engine behind it) for the parametrized backend."""

    backends: tuple[str, ...] = BACKENDS

    @pytest.fixture
    def storage_engine(
        self, backend: str, request: pytest.FixtureRequest, tmp_path: Path
    ) -> Iterator[Engine | None]:
        if backend == "memory":
            yield None
        elif backend == "sqlite":
            engine = open_engine(sqlite_url(tmp_path))
            try:
                upgrade(engine)
                yield engine
            finally:
                engine.dispose()
        else:
            engine = request.getfixturevalue("postgres_engine")
            _empty(engine)
            yield engine

    @pytest.fixture
    def uow_factory(
        self, storage_engine: Engine | None, publisher: RecordingPublisher
    ) -> UnitOfWorkFactory:
        if storage_engine is None:
            store = InMemoryStore()

            def memory() -> UnitOfWork:
                return InMemoryUnitOfWork(store, publisher)

            return memory
        return SqlAlchemyUnitOfWorkFactory(storage_engine, publisher)


class TestUnitOfWork(Backends, UnitOfWorkContract):
    pass


class TestCustomers(Backends, CustomerRepositoryContract):
    pass


class TestCatalog(Backends, CatalogContract):
    pass


class TestStock(Backends, StockRepositoryContract):
    pass


class TestOrders(Backends, OrderRepositoryContract):
    pass


class TestRequisitions(Backends, RequisitionContract):
    pass


class TestSequences(Backends, SequenceContract):
    pass


class TestLedger(Backends, LedgerContract):
    pass


class TestDocuments(Backends, DocumentRepositoriesContract):
    pass


class TestReadYourWrites(Backends, ReadYourWritesContract):
    pass


class TestIdempotency(Backends, IdempotencyContract):
    pass


class TestOutbox(Backends, OutboxContract):
    """Only durable stores have an outbox; the in-memory store publishes directly."""

    backends = SQL

    @pytest.fixture
    def outbox_relay(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> OutboxRelay:
        # Wired as the bootstrap wires it: the relay first marks what was delivered.
        assert isinstance(uow_factory, SqlAlchemyUnitOfWorkFactory)
        return SqlAlchemyOutboxRelay(uow_factory.engine, publisher, before=uow_factory.flush_marks)


CONTRACTS = [
    UnitOfWorkContract,
    CustomerRepositoryContract,
    CatalogContract,
    StockRepositoryContract,
    OrderRepositoryContract,
    RequisitionContract,
    SequenceContract,
    LedgerContract,
    DocumentRepositoriesContract,
    ReadYourWritesContract,
    IdempotencyContract,
    OutboxContract,
]


def _tests(cls: type) -> set[str]:
    return {name for name in vars(cls) if name.startswith("test_")}


def test_every_contract_class_runs_here() -> None:
    shipped = {
        getattr(contracts, name)
        for name in contracts.__all__
        if name.endswith("Contract") and name != "StorageContract"
    }
    assert shipped == set(CONTRACTS) | set(PORT_CONTRACTS)  # the latter run in test_port_contracts
    run = {
        base
        for name, cls in globals().items()
        if name.startswith("Test") and isinstance(cls, type)
        for base in cls.__mro__
    }
    assert set(CONTRACTS) <= run


def test_storage_contract_holds_every_repository_test_once() -> None:
    per_class = [_tests(cls) for cls in CONTRACTS if cls is not OutboxContract]
    every = set().union(*per_class)
    assert sum(len(names) for names in per_class) == len(every), "two contracts share a test name"
    assert {name for name in dir(StorageContract) if name.startswith("test_")} == every
