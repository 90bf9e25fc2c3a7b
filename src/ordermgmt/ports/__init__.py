"""Ports: the only doors between the use cases and the outside world.

Each is a small :class:`typing.Protocol` with one role. A method's docstring is its contract:
what it returns, which :mod:`ordermgmt.errors` it raises, and what it promises under
concurrency. Every port has an in-memory reference adapter (:mod:`ordermgmt.adapters.memory`)
and a contract suite in :mod:`ordermgmt.testing.contracts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope
from ordermgmt.domain.inventory import AllocationPolicy, Location, StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice, InvoicePolicy
from ordermgmt.domain.ledger import ChartOfAccounts, JournalEntry
from ordermgmt.domain.order import Order
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition, SupplierReceipt
from ordermgmt.domain.returns import ReturnRequest
from ordermgmt.domain.shipment import Booking, RateQuote, Shipment, ShipmentRequest, TrackingEvent
from ordermgmt.ports.queries import OrderSearch

# -- time and identity -------------------------------------------------------------------------


class Clock(Protocol):
    """Where business time comes from: every instant the library records (placed, issued,
    received, posted) and every due date is derived from :meth:`now`. The default is the wall
    clock in UTC; tests inject :class:`ordermgmt.adapters.memory.FixedClock`."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC unless the adapter says otherwise)."""
        ...


class IdGenerator(Protocol):
    """Where the ids of new aggregates and journal entries come from (human numbers such as
    ``SO-000042`` come from :class:`SequenceRepository` instead). The default is UUID4;
    tests inject :class:`ordermgmt.adapters.memory.SequentialIdGenerator`."""

    def new_id(self) -> str:
        """A new id, unique across the store (UUID4 text by default), 1 to 64 characters (the
        length the messages and the SQL schema accept). Thread-safe."""
        ...


# -- repositories ------------------------------------------------------------------------------
# Repositories live inside a unit of work. Every object they return belongs to that unit of
# work: changes to it are written when the unit of work commits and vanish when it does not.


class CustomerRepository(Protocol):
    """Customers (Kunden) by id. A customer changed in two units of work at once: the later
    commit raises ``ConcurrencyConflict`` (optimistic, by version)."""

    def get(self, customer_id: str) -> Customer:
        """The customer; raises ``NotFound`` if there is none with this id."""
        ...

    def add(self, customer: Customer) -> None:
        """Store a new customer; raises ``Conflict`` if its id is taken."""
        ...


class ProductRepository(Protocol):
    """The catalog: products by sku. Changes are checked optimistically by version, like
    customers."""

    def find(self, sku: str) -> Product | None:
        """The product with this sku, or None."""
        ...

    def add(self, product: Product) -> None:
        """Store a new product; raises ``Conflict`` if the sku exists."""
        ...

    def list_all(self, *, active_only: bool = False) -> list[Product]:
        """All products sorted by sku (only active ones if ``active_only``), including those
        added in this unit of work."""
        ...


class LocationRepository(Protocol):
    """Stock locations (warehouses, stores) by code. Changes are checked optimistically by
    version."""

    def find(self, code: str) -> Location | None:
        """The location with this code, or None."""
        ...

    def add(self, location: Location) -> None:
        """Store a new location; raises ``Conflict`` if the code exists."""
        ...

    def list_all(self) -> list[Location]:
        """All locations by priority, then code: the order in which stock is allocated."""
        ...


class StockRepository(Protocol):
    """Stock items: on-hand and reserved units per (sku, location). The one repository that
    locks what it reads for update (pessimistic), because concurrent orders compete for the
    same items and a lost update would oversell."""

    def get_for_update(self, sku: str, location: str) -> StockItem:
        """The stock item, created empty if missing, locked against concurrent changes until
        the unit of work ends. Two units of work never both change the same item's counts from
        the same starting point: that is what makes overselling impossible."""
        ...

    def list_for_update(self, skus: Sequence[str]) -> list[StockItem]:
        """Every existing stock item of ``skus``, locked like :meth:`get_for_update`. Locks are
        taken in (sku, location) order so that concurrent callers cannot deadlock."""
        ...

    def list_for_sku(self, sku: str) -> list[StockItem]:
        """Every stock item of ``sku`` (read only, no lock)."""
        ...


class OrderRepository(Protocol):
    """Orders with their lines, reservations and backorders, by id, human number or
    idempotency key. Changes are checked optimistically by version; the number is unique, and
    the idempotency key is unique per customer."""

    def get(self, order_id: str) -> Order:
        """The order; raises ``NotFound``. Saving it later raises ``ConcurrencyConflict`` if
        another unit of work committed a change to it in between."""
        ...

    def get_by_number(self, number: str) -> Order:
        """The order with this human number; raises ``NotFound``."""
        ...

    def find_by_idempotency_key(self, customer_id: str, key: str) -> Order | None:
        """The order the customer placed with this idempotency key, or None. Keys are scoped
        per customer (a purchase order number): two customers may use the same key."""
        ...

    def add(self, order: Order) -> None:
        """Store a new order. A duplicate id, number or (customer, idempotency key) raises
        ``Conflict``
        here or, at the latest, at commit; a duplicate idempotency key found at commit raises
        ``DuplicateKey`` with ``kind == "idempotency key"`` (``place_order`` then answers
        with the order that won)."""
        ...

    def list_for_customer(self, customer_id: str, *, active_only: bool = False) -> list[Order]:
        """The customer's orders (only open and held ones if ``active_only``), oldest first."""
        ...

    def list_backordered(self, sku: str | None = None) -> list[Order]:
        """Active orders with a backorder (of ``sku``, if given), oldest first."""
        ...

    def list_reserving(self, sku: str, location: str) -> list[Order]:
        """Active orders holding a reservation of ``sku`` at ``location``, oldest first."""
        ...

    def search(self, search: OrderSearch, *, limit: int) -> list[Order]:
        """At most ``limit`` orders matching ``search``, newest first (``placed_at``, then
        ``id``, both descending), after ``search.after`` if given: one page of a keyset
        pagination. Must not read every order: stores index the filters (see
        :class:`~ordermgmt.ports.queries.OrderSearch`)."""
        ...


class RequisitionRepository(Protocol):
    """Purchase requisitions (Bestellanforderungen). Storage keeps at most one open per sku and
    location; changes are checked optimistically by version."""

    def get(self, requisition_id: str) -> PurchaseRequisition:
        """The requisition; raises ``NotFound``."""
        ...

    def find_open(self, sku: str, location: str) -> PurchaseRequisition | None:
        """The open requisition for this sku and location, or None (there is at most one)."""
        ...

    def add(self, requisition: PurchaseRequisition) -> None:
        """Store a new requisition; raises ``Conflict`` if one is already open for its sku and
        location (so two concurrent raisers cannot both add one)."""
        ...

    def list_open(self) -> list[PurchaseRequisition]:
        """Open requisitions, oldest first."""
        ...


class ReceiptRepository(Protocol):
    """Supplier receipts (Wareneingang): append-only, so there is nothing to conflict on."""

    def get(self, receipt_id: str) -> SupplierReceipt:
        """The receipt; raises ``NotFound``."""
        ...

    def add(self, receipt: SupplierReceipt) -> None:
        """Store a supplier receipt (receipts are never changed)."""
        ...

    def list_for_sku(self, sku: str) -> list[SupplierReceipt]:
        """Receipts of ``sku``, oldest first."""
        ...


class SequenceRepository(Protocol):
    """Gapless number series for human document numbers: ``order``, ``invoice-<year>``,
    ``credit-note-<year>``, ``shipment`` and ``return``. A series is created at its first use."""

    def next_value(self, series: str) -> int:
        """The next number of ``series`` (1, 2, 3, ...). Gapless: a number taken in a unit of
        work that does not commit is handed out again. Concurrent units of work wait for each
        other, so no number is given twice."""
        ...


class LedgerRepository(Protocol):
    """The general ledger (Hauptbuch): append-only journal entries and the balances they add up
    to. Entries posted in a unit of work that does not commit leave no trace."""

    def post(self, entry: JournalEntry) -> None:
        """Store a balanced entry. Entries are never changed or removed."""
        ...

    def balances(self) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        """(account code, currency) -> (total debits, total credits) over every entry."""
        ...

    def entries(self, reference: str | None = None) -> list[JournalEntry]:
        """Entries in posting order (only those with ``reference``, if given)."""
        ...

    def entries_since(self, at: datetime) -> list[JournalEntry]:
        """Entries posted at or after ``at``, by posting time, in posting order within one
        time (reports as of a past date undo what came after it)."""
        ...


class InvoiceRepository(Protocol):
    """Issued invoices by id or number. Only their money side (paid, credited, refunded) and
    ``sent_to`` change, checked optimistically by version; numbers are unique."""

    def get(self, invoice_id: str) -> Invoice:
        """The invoice; raises ``NotFound``."""
        ...

    def get_by_number(self, number: str) -> Invoice:
        """The invoice with this number; raises ``NotFound``."""
        ...

    def add(self, invoice: Invoice) -> None:
        """Store a new invoice; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_order(self, order_id: str) -> list[Invoice]:
        """The order's invoices, oldest first."""
        ...

    def list_for_customer(self, customer_id: str) -> list[Invoice]:
        """The customer's invoices, oldest first."""
        ...

    def list_unsettled(self, customer_id: str | None = None) -> list[Invoice]:
        """Invoices whose outstanding amount is not zero (of one customer, if given), oldest
        first."""
        ...


class CreditNoteRepository(Protocol):
    """Issued credit notes: append-only; numbers are unique."""

    def get(self, note_id: str) -> CreditNote:
        """The credit note; raises ``NotFound``."""
        ...

    def add(self, note: CreditNote) -> None:
        """Store a new credit note; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_invoice(self, invoice_id: str) -> list[CreditNote]:
        """Credit notes of an invoice, oldest first."""
        ...

    def list_for_order(self, order_id: str) -> list[CreditNote]:
        """Credit notes of an order, oldest first."""
        ...

    def list_issued_since(self, at: datetime) -> list[CreditNote]:
        """Credit notes issued at or after ``at``, oldest first."""
        ...


class PaymentRepository(Protocol):
    """Payments, prepayments, cash sales and refunds: append-only."""

    def get(self, payment_id: str) -> Payment:
        """The payment or refund; raises ``NotFound``."""
        ...

    def add(self, payment: Payment) -> None:
        """Store a payment or refund (never changed afterwards)."""
        ...

    def list_for_order(self, order_id: str) -> list[Payment]:
        """Payments and refunds of an order, oldest first."""
        ...


class ShipmentRepository(Protocol):
    """Shipments with their tracking, by id. Changes are checked optimistically by version;
    numbers are unique."""

    def get(self, shipment_id: str) -> Shipment:
        """The shipment; raises ``NotFound``."""
        ...

    def add(self, shipment: Shipment) -> None:
        """Store a new shipment; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_order(self, order_id: str) -> list[Shipment]:
        """The order's shipments, oldest first."""
        ...


class ReturnRepository(Protocol):
    """Returns (RMAs), by id. Changes are checked optimistically by version; numbers are
    unique."""

    def get(self, return_id: str) -> ReturnRequest:
        """The return; raises ``NotFound``."""
        ...

    def add(self, request: ReturnRequest) -> None:
        """Store a new return; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_order(self, order_id: str) -> list[ReturnRequest]:
        """The order's returns, oldest first."""
        ...


class IdempotencyRepository(Protocol):
    """What commands sent with an idempotency key did the first time, by (scope, key).
    Append-only: a record is never changed or removed."""

    def find(self, scope: Scope, key: str) -> IdempotencyRecord | None:
        """The record of ``key`` in ``scope`` (also one added in this unit of work), or None."""
        ...

    def add(self, record: IdempotencyRecord) -> None:
        """Store a record with the command's effect. A (scope, key) added twice in this unit of
        work raises ``Conflict``; one another unit of work stored first raises ``DuplicateKey``
        with ``kind == "idempotency key"``, here or at the latest at commit: of concurrent
        commands with one key, exactly one commits."""
        ...


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
#: A subscriber: called with each committed event it subscribed to, after the commit.
EventHandler = Callable[[DomainEvent], None]


# -- driven systems ----------------------------------------------------------------------------


class EventPublisher(Protocol):
    """Real-time events: the unit of work publishes here after commit."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Deliver ``events`` in order to every subscriber. A failing subscriber does not stop
        delivery to the others; its failure is kept for redelivery, never dropped. If
        ``publish`` itself raises (a broker is down), the events count as undelivered:
        ``publish_pending_events`` delivers them again."""
        ...

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        """Call ``handler`` for every later event (of ``event_types``, if given)."""
        ...


class PurchasingPort(Protocol):
    """The purchasing department or system that turns requisitions into purchase orders."""

    def submit(self, requisition: PurchaseRequisition) -> None:
        """Hand over a requisition. Called after commit; may be called again for the same
        requisition if an earlier call failed, so implementations must be idempotent by
        ``requisition.id``. Raises ``PurchasingError`` on failure (anything else it raises is
        turned into one by :func:`ordermgmt.ports.guard.call_outside`)."""
        ...


class CarrierPort(Protocol):
    """A carrier: a parcel service, a freight forwarder, or the company's own fleet.

    Every method raises ``CarrierError`` when the carrier refuses or cannot be reached. The use
    cases call carriers through :func:`ordermgmt.ports.guard.call_outside`, so an adapter that
    raises anything else (a timeout, a bug) still reaches the caller as ``CarrierError``, logged
    with its traceback; adapters should translate their SDK's errors all the same.
    """

    #: The key this carrier is known by in one OMS (``ShipOrder.carrier``); unique there.
    name: str

    def quote(self, request: ShipmentRequest) -> list[RateQuote]:
        """Rates for the request, cheapest first."""
        ...

    def book(self, request: ShipmentRequest) -> Booking:
        """Book the shipment. Idempotent by ``request.shipment_id``: booking the same
        shipment again returns the first booking."""
        ...

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        """Every tracking event so far, oldest first."""
        ...

    def cancel(self, tracking_number: str) -> None:
        """Cancel a booking that has not been picked up."""
        ...


@dataclass(frozen=True, slots=True)
class Message:
    """Something to send to a customer: an invoice, a delivery notice."""

    #: An e-mail address, or ``customer:<id>`` for a customer without one.
    recipient: str
    subject: str
    #: Plain text.
    body: str
    attachment_name: str = ""
    #: The attachment's text content (``""``: none).
    attachment: str = ""
    #: The document it is about (an invoice number); a resend carries the same reference.
    reference: str = ""


class NotificationPort(Protocol):
    """E-mail, EDI, a customer portal: where documents go out."""

    def send(self, message: Message) -> None:
        """Send ``message``; raises ``NotificationError`` on failure. Called after commit;
        may be called again for the same ``reference`` after a failure."""
        ...


class OutboxRelay(Protocol):
    """Re-publishes committed events that were not yet delivered (durable stores only)."""

    def relay(self, *, limit: int = 1000, grace: timedelta = timedelta(seconds=5)) -> int:
        """Publish up to ``limit`` undelivered events older than ``grace``; returns how many.
        At least once: the same ``event_id`` may arrive twice."""
        ...

    def pending(self) -> int:
        """How many committed events wait for delivery."""
        ...


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Business settings of one OMS."""

    #: What ``issue_invoice`` bills: everything ordered (``on_order``) or what was shipped
    #: (``on_shipment``), less what was already invoiced.
    invoice_policy: InvoicePolicy = InvoicePolicy.ON_ORDER
    #: The account codes every posting uses.
    chart: ChartOfAccounts = field(default_factory=ChartOfAccounts)


@dataclass(frozen=True, kw_only=True)
class Dependencies:
    """Everything a use case may reach: the unit of work and the driven ports."""

    uow: UnitOfWorkFactory
    publisher: EventPublisher
    #: Where requisitions go; None hands nothing over (they stay pending, ``submitted`` False,
    #: until an OMS with a purchasing adapter runs ``submit_pending_requisitions``).
    purchasing: PurchasingPort | None
    clock: Clock
    ids: IdGenerator
    allocation: AllocationPolicy
    #: Carriers by :attr:`CarrierPort.name`.
    carriers: Mapping[str, CarrierPort] = field(default_factory=dict)
    #: Where invoices are sent; None sends nothing (``sent_to`` stays empty, and
    #: ``resend_invoice`` raises ``NotificationError`` until one is configured).
    notifications: NotificationPort | None = None
    settings: Settings = field(default_factory=Settings)
    #: Redelivers committed events after a crash; None where the store has no outbox (memory).
    outbox: OutboxRelay | None = None
    #: Releases what the adapters hold (database connections); None when nothing to release.
    close: Callable[[], None] | None = None


__all__ = [
    "CarrierPort",
    "Clock",
    "CreditNoteRepository",
    "CustomerRepository",
    "Dependencies",
    "EventHandler",
    "EventPublisher",
    "IdGenerator",
    "InvoiceRepository",
    "LedgerRepository",
    "LocationRepository",
    "Message",
    "NotificationPort",
    "OrderRepository",
    "OutboxRelay",
    "PaymentRepository",
    "ProductRepository",
    "PurchasingPort",
    "ReceiptRepository",
    "RequisitionRepository",
    "ReturnRepository",
    "SequenceRepository",
    "Settings",
    "ShipmentRepository",
    "StockRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]
