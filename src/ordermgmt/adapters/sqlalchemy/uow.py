"""The SQLAlchemy unit of work: one database transaction, an identity map, and the outbox.

Concurrency, by mechanism:
- Stock rows are read ``SELECT ... FOR UPDATE`` (PostgreSQL) in (sku, location) order, so two
  transactions reserving the same sku queue up and the second sees the first one's reservation:
  no oversell. SQLite takes the database write lock at ``BEGIN IMMEDIATE``: writers run one
  after another.
- Document numbers come from ``sequences`` by ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``;
  the row stays locked until commit, so numbers are unique and gapless.
- Every other aggregate carries a ``version``; an UPDATE that finds another version raises
  ``ConcurrencyConflict``. Unique indexes back idempotency keys, document numbers and "one open
  requisition per sku and location"; a violation raises ``DuplicateKey``.
- Events are written to ``outbox`` in the same transaction and published after commit.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.compiled import Statement, execute
from ordermgmt.adapters.sqlalchemy.errors import translate
from ordermgmt.adapters.sqlalchemy.ledger import SqlAlchemyLedger
from ordermgmt.adapters.sqlalchemy.records import SqlAlchemyIdempotencyRecords, SqlAlchemySequences
from ordermgmt.adapters.sqlalchemy.repositories import (
    SqlAlchemyCreditNoteRepository,
    SqlAlchemyCustomerRepository,
    SqlAlchemyInvoiceRepository,
    SqlAlchemyLocationRepository,
    SqlAlchemyOrderRepository,
    SqlAlchemyPaymentRepository,
    SqlAlchemyProductRepository,
    SqlAlchemyReceiptRepository,
    SqlAlchemyRequisitionRepository,
    SqlAlchemyReturnRepository,
    SqlAlchemyShipmentRepository,
    SqlAlchemyStockRepository,
)
from ordermgmt.adapters.sqlalchemy.statements import insert_rows
from ordermgmt.adapters.sqlalchemy.tracked import Tracked
from ordermgmt.adapters.system import UuidIdGenerator
from ordermgmt.domain.base import Aggregate, committed_events
from ordermgmt.domain.events import DomainEvent
from ordermgmt.ports import EventPublisher, IdGenerator
from ordermgmt.ports.guard import publish_committed

__all__ = ["DeliveredMarks", "SqlAlchemyUnitOfWork", "SqlAlchemyUnitOfWorkFactory", "translate"]

log = logging.getLogger("ordermgmt.sql")


class SqlAlchemyUnitOfWork:
    """A unit of work over an engine; see the module docstring for what it promises."""

    def __init__(
        self,
        engine: Engine,
        publisher: EventPublisher,
        ids: IdGenerator | None = None,
        marks: DeliveredMarks | None = None,
    ) -> None:
        self._engine = engine
        self._publisher = publisher
        self._ids: IdGenerator = ids or UuidIdGenerator()
        self._marks = marks or DeliveredMarks()
        self._connection: Connection | None = None
        dialect = engine.dialect.name
        self._insert_module: Any = postgresql if dialect == "postgresql" else sqlite

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not active; use it in a with-block")
        return self._connection

    def upsert(self, table: Any) -> Any:
        return self._insert_module.insert(table)

    def insert_ignore(self, table: Any) -> Any:
        return self._insert_module.insert(table).on_conflict_do_nothing()

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work cannot be entered twice; make a new one")
        try:
            # The transaction begins with the first statement (SQLAlchemy's autobegin), which
            # on SQLite issues BEGIN IMMEDIATE: see schema.open_engine.
            self._connection = self._engine.connect()
        except DBAPIError as error:
            self._connection = None
            raise translate(error) from error
        self._committed: list[DomainEvent] = []
        self._reset()
        return self

    def _reset(self) -> None:
        self.touched: list[Aggregate] = []
        self._made: dict[str, Any] = {}

    def _made_as(self, name: str, make: Callable[[SqlAlchemyUnitOfWork], Any]) -> Any:
        repository = self._made.get(name)
        if repository is None:
            repository = self._made[name] = make(self)
        return repository

    @property
    def customers(self) -> SqlAlchemyCustomerRepository:
        return self._made_as("customers", SqlAlchemyCustomerRepository)  # type: ignore[no-any-return]

    @property
    def products(self) -> SqlAlchemyProductRepository:
        return self._made_as("products", SqlAlchemyProductRepository)  # type: ignore[no-any-return]

    @property
    def locations(self) -> SqlAlchemyLocationRepository:
        return self._made_as("locations", SqlAlchemyLocationRepository)  # type: ignore[no-any-return]

    @property
    def stock(self) -> SqlAlchemyStockRepository:
        return self._made_as("stock", SqlAlchemyStockRepository)  # type: ignore[no-any-return]

    @property
    def orders(self) -> SqlAlchemyOrderRepository:
        return self._made_as("orders", SqlAlchemyOrderRepository)  # type: ignore[no-any-return]

    @property
    def requisitions(self) -> SqlAlchemyRequisitionRepository:
        return self._made_as("requisitions", SqlAlchemyRequisitionRepository)  # type: ignore[no-any-return]

    @property
    def receipts(self) -> SqlAlchemyReceiptRepository:
        return self._made_as("receipts", SqlAlchemyReceiptRepository)  # type: ignore[no-any-return]

    @property
    def invoices(self) -> SqlAlchemyInvoiceRepository:
        return self._made_as("invoices", SqlAlchemyInvoiceRepository)  # type: ignore[no-any-return]

    @property
    def credit_notes(self) -> SqlAlchemyCreditNoteRepository:
        return self._made_as("credit_notes", SqlAlchemyCreditNoteRepository)  # type: ignore[no-any-return]

    @property
    def payments(self) -> SqlAlchemyPaymentRepository:
        return self._made_as("payments", SqlAlchemyPaymentRepository)  # type: ignore[no-any-return]

    @property
    def shipments(self) -> SqlAlchemyShipmentRepository:
        return self._made_as("shipments", SqlAlchemyShipmentRepository)  # type: ignore[no-any-return]

    @property
    def returns(self) -> SqlAlchemyReturnRepository:
        return self._made_as("returns", SqlAlchemyReturnRepository)  # type: ignore[no-any-return]

    @property
    def idempotency(self) -> SqlAlchemyIdempotencyRecords:
        return self._made_as("idempotency", SqlAlchemyIdempotencyRecords)  # type: ignore[no-any-return]

    @property
    def sequences(self) -> SqlAlchemySequences:
        return self._made_as("sequences", SqlAlchemySequences)  # type: ignore[no-any-return]

    @property
    def ledger(self) -> SqlAlchemyLedger:
        return self._made_as("ledger", SqlAlchemyLedger)  # type: ignore[no-any-return]

    def _repositories(self) -> list[Tracked[Any]]:
        """The repositories this unit of work used, in the order their rows are written."""
        order = [
            "customers",
            "products",
            "locations",
            "stock",
            "orders",
            "requisitions",
            "receipts",
            "invoices",
            "credit_notes",
            "payments",
            "shipments",
            "returns",
        ]
        return [self._made[name] for name in order if name in self._made]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        events = self._committed
        self._reset()
        if connection is not None:
            try:
                if connection.in_transaction():
                    connection.rollback()
                connection.close()
            except SQLAlchemyError as error:
                if exc is None:
                    raise translate(error) from error
                log.warning("rollback after a failed unit of work failed too: %s", error)
        if events:
            self._publish(events)
        if isinstance(exc, SQLAlchemyError):
            # Every statement of the unit of work, not only the commit: a read, a lock or a
            # lookup in the middle of a use case fails with the library's error as well.
            raise translate(exc) from exc

    def commit(self) -> None:
        conn = self.connection
        marks: list[str] = []
        try:
            if "idempotency" in self._made:  # first: a concurrent twin fails before any work
                self.idempotency.flush()
            for repository in self._repositories():
                repository.flush()
            if "ledger" in self._made:
                self.ledger.flush()
            events = committed_events(self.touched, self._new_event_id)
            marks = self._marks.take_due()
            if marks:
                self._marks.mark(conn, marks)
            if events:
                committed_at = datetime.now(UTC)
                insert_rows(
                    conn,
                    t.outbox.name,
                    [
                        {
                            "event_id": e.event_id,
                            "name": e.name,
                            "payload": json.dumps(e.to_dict()),
                            "occurred_at": e.occurred_at,
                            "committed_at": committed_at,
                        }
                        for e in events
                    ],
                )
            conn.commit()
        except DBAPIError as error:
            conn.rollback()
            self._marks.add(marks)
            raise translate(error) from error
        except BaseException:
            conn.rollback()
            self._marks.add(marks)
            raise
        self._committed.extend(events)
        self._reset()

    def _new_event_id(self) -> str:
        """From the id generator the store was opened with (UUIDs unless one was given)."""
        return self._ids.new_id()

    def rollback(self) -> None:
        self.connection.rollback()
        self._reset()

    def _publish(self, events: list[DomainEvent]) -> None:
        """After commit: deliver, then remember the events as delivered. The next commit on
        this engine marks them in the outbox within its own transaction (no extra round trip);
        if the process dies first, the relay delivers them again: at least once, and consumers
        de-duplicate by ``event_id``."""
        if publish_committed(self._publisher, events):  # else the relay delivers them later
            self._marks.add(e.event_id for e in events)


class DeliveredMarks:
    """Event ids delivered but not yet marked in the outbox, shared by one engine's units of
    work (thread-safe).

    Marks are written in batches, riding on a later commit: once ``batch`` ids wait or the
    oldest has waited ``patience`` seconds. The price of a lost batch (the process dies) is
    that the relay delivers those events again: at least once, as promised.
    """

    def __init__(self, batch: int = 64, patience: float = 2.0) -> None:
        self._lock = threading.Lock()
        self._ids: list[str] = []
        self._since = 0.0
        self._batch = batch
        self._patience = patience

    def add(self, ids: Iterable[str]) -> None:
        with self._lock:
            if not self._ids:
                self._since = time.monotonic()
            self._ids.extend(ids)

    def take(self) -> list[str]:
        """Every waiting id (the relay and ``close`` use this)."""
        with self._lock:
            ids, self._ids = self._ids, []
            return ids

    def take_due(self) -> list[str]:
        """The waiting ids if a batch is full or has waited long enough, else none."""
        with self._lock:
            due = len(self._ids) >= self._batch or (
                self._ids and time.monotonic() - self._since >= self._patience
            )
            if not due:
                return []
            ids, self._ids = self._ids, []
            return ids

    _mark = Statement(
        update(t.outbox)
        .where(t.outbox.c.event_id.in_(bindparam("ids", expanding=True)))
        .values(published_at=bindparam("now", type_=t.outbox.c.published_at.type))
    )

    def mark(self, conn: Connection, ids: Sequence[str]) -> None:
        now = datetime.now(UTC)
        for start in range(0, len(ids), 500):
            execute(conn, self._mark, {"ids": list(ids[start : start + 500]), "now": now})


class SqlAlchemyUnitOfWorkFactory:
    """Makes units of work on one engine; ``engine`` is there for tools and tests."""

    def __init__(
        self, engine: Engine, publisher: EventPublisher, ids: IdGenerator | None = None
    ) -> None:
        self.engine = engine
        self.publisher = publisher
        self.ids = ids
        self.marks = DeliveredMarks()

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.engine, self.publisher, self.ids, self.marks)

    def flush_marks(self) -> None:
        """Mark delivered events in the outbox now (the relay calls this first)."""
        ids = self.marks.take()
        if ids:
            with self.engine.begin() as conn:
                self.marks.mark(conn, ids)
