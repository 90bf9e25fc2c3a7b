"""The unit of work: one transaction across every repository, and the factory that makes one
per use case call."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from ordermgmt.ports.repositories import (
    CreditNoteRepository,
    CustomerRepository,
    IdempotencyRepository,
    InvoiceRepository,
    LedgerRepository,
    LocationRepository,
    OrderRepository,
    PaymentRepository,
    ProductRepository,
    ReceiptRepository,
    RequisitionRepository,
    ReturnRepository,
    SequenceRepository,
    ShipmentRepository,
    StockRepository,
)


class UnitOfWork(Protocol):
    """One transaction across every repository. Use as a context manager; leaving it without
    :meth:`commit` rolls everything back, leaving no trace.

    Within one unit of work a repository hands out one object per key (an identity map), so
    every reader sees the changes made so far. Every list query reads its own writes too: it
    includes objects added in this unit of work and objects changed so that they now match,
    leaves out those changed so that they no longer match, and keeps its order
    (:mod:`ordermgmt.ports.queries` says each query as a predicate and a sort key, and
    :func:`~ordermgmt.ports.queries.merge_pending` applies them). On commit the unit of work
    stores the events raised by every aggregate it handed out and, once the commit is durable,
    passes them to the event publisher.
    """

    @property
    def customers(self) -> CustomerRepository:
        """Customers, by id."""
        ...

    @property
    def products(self) -> ProductRepository:
        """The catalog, by sku."""
        ...

    @property
    def locations(self) -> LocationRepository:
        """Stock locations, by code."""
        ...

    @property
    def stock(self) -> StockRepository:
        """Stock items per (sku, location); its reads for update hold locks until the end."""
        ...

    @property
    def orders(self) -> OrderRepository:
        """Orders with their lines and reservations."""
        ...

    @property
    def requisitions(self) -> RequisitionRepository:
        """Purchase requisitions, at most one open per sku and location."""
        ...

    @property
    def receipts(self) -> ReceiptRepository:
        """Supplier receipts (append-only)."""
        ...

    @property
    def sequences(self) -> SequenceRepository:
        """Gapless document number series; a number taken here is final only on commit."""
        ...

    @property
    def ledger(self) -> LedgerRepository:
        """The general ledger (append-only)."""
        ...

    @property
    def invoices(self) -> InvoiceRepository:
        """Issued invoices, by id or number."""
        ...

    @property
    def credit_notes(self) -> CreditNoteRepository:
        """Issued credit notes (append-only)."""
        ...

    @property
    def payments(self) -> PaymentRepository:
        """Payments and refunds (append-only)."""
        ...

    @property
    def shipments(self) -> ShipmentRepository:
        """Shipments with their tracking."""
        ...

    @property
    def idempotency(self) -> IdempotencyRepository:
        """What commands sent with an idempotency key did, by (scope, key)."""
        ...

    @property
    def returns(self) -> ReturnRepository:
        """Returns (RMAs) of delivered goods."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every change durable at once. Raises ``ConcurrencyConflict`` if an aggregate
        was changed by someone else since it was read; then nothing is written."""
        ...

    def rollback(self) -> None:
        """Forget every change of this unit of work."""
        ...


#: Makes a fresh :class:`UnitOfWork` for each use case call; must be safe to call from any
#: thread.
UnitOfWorkFactory = Callable[[], UnitOfWork]
