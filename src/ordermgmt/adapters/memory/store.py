"""The in-memory store and its unit of work.

Concurrency: a unit of work takes the store's lock when it starts and releases it when it ends,
so units of work are serialized; that alone makes overselling and duplicate numbers impossible
here. Atomicity: repositories hand out private copies of stored aggregates and the unit of work
writes them back only on commit, so an exception anywhere before commit leaves no trace.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

from ordermgmt.adapters.memory.records import (
    InMemoryIdempotencyRecords,
    InMemoryLedger,
    InMemorySequences,
    add_to_balances,
)
from ordermgmt.adapters.memory.repositories import (
    InMemoryCreditNoteRepository,
    InMemoryCustomerRepository,
    InMemoryInvoiceRepository,
    InMemoryLocationRepository,
    InMemoryOrderRepository,
    InMemoryPaymentRepository,
    InMemoryProductRepository,
    InMemoryReceiptRepository,
    InMemoryRepository,
    InMemoryRequisitionRepository,
    InMemoryReturnRepository,
    InMemoryShipmentRepository,
    InMemoryStockRepository,
)
from ordermgmt.adapters.system import UuidIdGenerator
from ordermgmt.domain.base import Aggregate, committed_events
from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.idempotency import IdempotencyRecord
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.domain.ledger import JournalEntry
from ordermgmt.domain.order import Order
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition, SupplierReceipt
from ordermgmt.domain.returns import ReturnRequest
from ordermgmt.domain.shipment import Shipment
from ordermgmt.ports import EventPublisher, IdGenerator
from ordermgmt.ports.guard import publish_committed

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]


class InMemoryStore:
    """Every aggregate, with the indexes the queries need. Share one between units of work."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.customers: dict[str, Customer] = {}
        self.products: dict[str, Product] = {}
        self.locations: dict[str, Location] = {}
        self.stock: dict[tuple[str, str], StockItem] = {}
        self.stock_locations: dict[str, set[str]] = {}
        self.orders: dict[str, Order] = {}
        self.order_numbers: dict[str, str] = {}
        self.order_keys: dict[tuple[str, str], str] = {}
        self.customer_orders: dict[str, list[str]] = {}
        self.customer_active: dict[str, set[str]] = {}
        self.backordered: dict[str, set[str]] = {}
        self.reserving: dict[tuple[str, str], set[str]] = {}
        self.requisitions: dict[str, PurchaseRequisition] = {}
        self.open_requisitions: dict[tuple[str, str], str] = {}
        self.receipts: dict[str, SupplierReceipt] = {}
        self.sku_receipts: dict[str, list[str]] = {}
        self.sequences: dict[str, int] = {}
        self.journal: list[JournalEntry] = []
        #: Journal entries by reference (an invoice or shipment number), in posting order.
        self.journal_by_reference: dict[str, list[JournalEntry]] = {}
        self.balances: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
        self.invoices: dict[str, Invoice] = {}
        self.unsettled: dict[str, set[str]] = {}
        self.credit_notes: dict[str, CreditNote] = {}
        self.payments: dict[str, Payment] = {}
        self.shipments: dict[str, Shipment] = {}
        #: Committed events the publisher failed to take, for ``publish_pending_events``.
        self.undelivered: list[DomainEvent] = []
        self.returns: dict[str, ReturnRequest] = {}
        #: (kind, index name, key) -> ids, in insertion order; indexed fields never change.
        self.index: dict[tuple[str, str, str], list[str]] = {}
        self.idempotency: dict[tuple[str, str], IdempotencyRecord] = {}

    # -- index upkeep for orders ------------------------------------------------------------

    def _order_keys(self, order: Order) -> tuple[set[str], set[tuple[str, str]]]:
        if not order.is_active:
            return set(), set()
        backordered = {line.sku for line in order.lines if line.backordered}
        reserving = {(line.sku, loc) for line in order.lines for loc in line.allocations}
        return backordered, reserving

    def save_order(self, order: Order, previous: Order | None) -> None:
        if previous is None:
            self.order_numbers[order.number] = order.id
            if order.idempotency_key is not None:
                self.order_keys[(order.customer_id, order.idempotency_key)] = order.id
            self.customer_orders.setdefault(order.customer_id, []).append(order.id)
            old_back: set[str] = set()
            old_res: set[tuple[str, str]] = set()
        else:
            old_back, old_res = self._order_keys(previous)
        new_back, new_res = self._order_keys(order)
        for sku in old_back - new_back:
            self.backordered[sku].discard(order.id)
        for sku in new_back - old_back:
            self.backordered.setdefault(sku, set()).add(order.id)
        for key in old_res - new_res:
            self.reserving[key].discard(order.id)
        for key in new_res - old_res:
            self.reserving.setdefault(key, set()).add(order.id)
        active = self.customer_active.setdefault(order.customer_id, set())
        if order.is_active:
            active.add(order.id)
        else:
            active.discard(order.id)
        self.orders[order.id] = order


R = TypeVar("R")


class _Made(Generic[R]):
    """A repository of a unit of work, made on first use; from then on a plain attribute of
    the unit of work (which is what makes it cheap) until the unit of work resets."""

    def __init__(self, make: Callable[[InMemoryUnitOfWork], R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...

    @overload
    def __get__(self, uow: InMemoryUnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: InMemoryUnitOfWork | None, owner: type) -> Self | R:
        if uow is None:
            return self
        repository = self._make(uow)
        uow.__dict__[self._name] = repository
        uow._repositories[self._name] = repository
        return repository


class InMemoryUnitOfWork:
    """A unit of work over an :class:`InMemoryStore`; publishes events after commit."""

    def __init__(
        self, store: InMemoryStore, publisher: EventPublisher, ids: IdGenerator | None = None
    ) -> None:
        self.store = store
        self._publisher = publisher
        self._ids: IdGenerator = ids or UuidIdGenerator()
        self._active = False

    def __enter__(self) -> Self:
        if self._active:
            raise RuntimeError("a unit of work cannot be entered twice; make a new one")
        self.store.lock.acquire()
        self._active = True
        self._committed_events: list[DomainEvent] = []
        self._reset()
        return self

    def _reset(self) -> None:
        for name in getattr(self, "_repositories", ()):
            del self.__dict__[name]
        self.touched: list[Aggregate] = []
        self._repositories: dict[str, Any] = {}

    customers = _Made(lambda uow: InMemoryCustomerRepository(uow, uow.store.customers))
    products = _Made(lambda uow: InMemoryProductRepository(uow, uow.store.products))
    locations = _Made(lambda uow: InMemoryLocationRepository(uow, uow.store.locations))
    stock = _Made(lambda uow: InMemoryStockRepository(uow, uow.store.stock))
    orders = _Made(lambda uow: InMemoryOrderRepository(uow, uow.store.orders))
    requisitions = _Made(lambda uow: InMemoryRequisitionRepository(uow, uow.store.requisitions))
    receipts = _Made(lambda uow: InMemoryReceiptRepository(uow, uow.store.receipts))
    sequences = _Made(InMemorySequences)
    ledger = _Made(InMemoryLedger)
    invoices = _Made(lambda uow: InMemoryInvoiceRepository(uow, uow.store.invoices))
    credit_notes = _Made(lambda uow: InMemoryCreditNoteRepository(uow, uow.store.credit_notes))
    payments = _Made(lambda uow: InMemoryPaymentRepository(uow, uow.store.payments))
    shipments = _Made(lambda uow: InMemoryShipmentRepository(uow, uow.store.shipments))
    returns = _Made(lambda uow: InMemoryReturnRepository(uow, uow.store.returns))
    idempotency = _Made(InMemoryIdempotencyRecords)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        events = self._committed_events
        self._reset()
        self._active = False
        self.store.lock.release()
        if events and not publish_committed(self._publisher, events):
            with self.store.lock:
                self.store.undelivered.extend(events)

    def commit(self) -> None:
        if not self._active:
            raise RuntimeError("commit outside the unit of work's with-block")
        store = self.store
        # Compute every change first (this is where a version conflict would surface), then
        # apply them all: nothing is half-written.
        made = self._repositories
        if "idempotency" in made:
            self.idempotency.check()
        changes = [
            (repository, list(repository.changes()))
            for repository in made.values()
            if isinstance(repository, InMemoryRepository)
        ]
        for repository, changed in changes:
            for key, obj, previous in changed:
                repository.save(key, obj, previous)
        if "ledger" in made:
            store.journal.extend(self.ledger.posted)
            for entry in self.ledger.posted:
                store.journal_by_reference.setdefault(entry.reference, []).append(entry)
            add_to_balances(store.balances, self.ledger.posted)
        if "sequences" in made:
            store.sequences.update(self.sequences.taken)
        if "idempotency" in made:
            store.idempotency.update(self.idempotency.added)
        events = committed_events(self.touched, self._new_event_id)
        self._committed_events.extend(events)
        self._reset()

    def _new_event_id(self) -> str:
        """From the id generator the store was opened with (UUIDs unless one was given)."""
        return self._ids.new_id()

    def rollback(self) -> None:
        self._reset()
