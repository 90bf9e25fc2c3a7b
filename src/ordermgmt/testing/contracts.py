"""Contract tests for storage adapters: the promises of :mod:`ordermgmt.ports`, as pytest classes.

Every storage adapter, ours and yours, must pass the same suite. Each class tests one port
against the contract in its methods' docstrings. The classes need one fixture from you,
``uow_factory``: a callable without arguments that returns a new
:class:`~ordermgmt.ports.UnitOfWork` on your store each time it is called, on a fresh, empty
store for every test. Hand the suite's ``publisher`` fixture to your units of work as their
event publisher, so that the event tests see what is published::

    import pytest
    from ordermgmt.testing.contracts import StorageContract

    class TestMyStore(StorageContract):
        @pytest.fixture
        def uow_factory(self, publisher, tmp_path):
            store = MyStore.create(tmp_path / "orders.db")  # fresh and empty for every test
            return lambda: MyUnitOfWork(store, publisher)

:class:`StorageContract` is every repository and unit-of-work class below at once. While you
build an adapter up, run single classes instead
(``from ordermgmt.testing.contracts import UnitOfWorkContract``, then
``class TestMyUnitOfWork(UnitOfWorkContract)`` with the same fixture). A durable store with an
outbox also runs :class:`OutboxContract`, which needs a second fixture, ``outbox_relay``: the
store's :class:`~ordermgmt.ports.OutboxRelay`, publishing to ``publisher``.

How the suite reads the contracts where a store has a choice:

- A duplicate (id, number, idempotency key, a second open requisition) may be refused by
  ``add`` or, at the latest, by ``commit``: a database can only be sure at commit. Either way
  it is a :class:`~ordermgmt.errors.Conflict` and nothing of that unit of work is stored.
- Events may be published at ``commit`` or when the unit of work is left, but only once the
  commit is durable: a subscriber that opens a new unit of work already sees the data.
- Objects a repository returns belong to their unit of work: the suite changes them only
  there, and expects changes made after a commit to need another commit.

The suite builds domain objects directly, with fixed times and ids, so it is deterministic.
For detailed assertion messages let pytest rewrite this module: call
``pytest.register_assert_rewrite("ordermgmt.testing.contracts")`` in your ``conftest.py``
before anything imports it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Final, TypeVar

import pytest

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Address, Customer, CustomerKind, PaymentPreference
from ordermgmt.domain.events import (
    CustomerRegistered,
    CustomerUpdated,
    DomainEvent,
    OrderHeld,
    OrderPlaced,
    StockReserved,
)
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope
from ordermgmt.domain.ids import CustomerId, OrderId, ReceiptId, RequisitionId
from ordermgmt.domain.inventory import Location
from ordermgmt.domain.invoice import CreditNote, Invoice, Settlement, document_line
from ordermgmt.domain.ledger import JournalEntry, Posting, Side
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Channel, Order, OrderLine, OrderStatus, PaymentStatus
from ordermgmt.domain.payment import Payment, PaymentKind, PaymentMethod
from ordermgmt.domain.purchasing import (
    PurchaseRequisition,
    RequisitionReason,
    RequisitionStatus,
    SupplierReceipt,
)
from ordermgmt.domain.returns import ReturnLine, ReturnRequest, ReturnStatus
from ordermgmt.domain.shipment import (
    Booking,
    Parcel,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
)
from ordermgmt.errors import Conflict, NotFound, OrderManagementError
from ordermgmt.ports import EventHandler, OutboxRelay, UnitOfWork, UnitOfWorkFactory
from ordermgmt.ports.queries import OrderSearch

__all__ = [
    "CatalogContract",
    "CustomerRepositoryContract",
    "DocumentRepositoriesContract",
    "IdempotencyContract",
    "LedgerContract",
    "OrderRepositoryContract",
    "OutboxContract",
    "PublisherUnavailable",
    "ReadYourWritesContract",
    "RecordingPublisher",
    "RequisitionContract",
    "SequenceContract",
    "StockRepositoryContract",
    "StorageContract",
    "UnitOfWorkContract",
]

T = TypeVar("T")

#: Business time of the suite's data: Monday, 5 January 2026, 09:00 UTC.
T0: Final = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


# -- the publisher the suite watches ------------------------------------------------------------


class PublisherUnavailable(OrderManagementError):
    """The :class:`RecordingPublisher` was told to fail (a broker outage, simulated)."""

    code = "publisher_unavailable"


class RecordingPublisher:
    """An :class:`~ordermgmt.ports.EventPublisher` that keeps every event it is given.

    ``published`` holds the events in the order they arrived. Subscribers are called in order,
    in the publishing thread; a subscriber's exception propagates, so a broken test shows.
    ``fail_next()`` makes the next ``publish`` calls raise :class:`PublisherUnavailable`
    without delivering anything.
    """

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []
        self._subscribers: list[tuple[EventHandler, tuple[type[DomainEvent], ...]]] = []
        self._failures = 0

    def fail_next(self, times: int = 1) -> None:
        """Refuse the next ``times`` calls of :meth:`publish`."""
        self._failures = times

    def publish(self, events: Sequence[DomainEvent]) -> None:
        if self._failures > 0:
            self._failures -= 1
            raise PublisherUnavailable(f"event publisher unavailable ({len(events)} events)")
        batch = list(events)
        self.published.extend(batch)
        for event in batch:
            for handler, types in list(self._subscribers):
                if not types or isinstance(event, types):
                    handler(event)

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        self._subscribers.append((handler, event_types))

    @property
    def names(self) -> list[str]:
        """The type names of the published events, in order."""
        return [event.name for event in self.published]


# -- building the suite's data ------------------------------------------------------------------


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _eur(amount: str) -> Money:
    return Money(amount, "EUR")


def _customer(customer_id: str = "C-1", name: str = "Erika Mustermann") -> Customer:
    return Customer(
        id=CustomerId(customer_id),
        name=name,
        kind=CustomerKind.B2C,
        payment_preference=PaymentPreference.CARD,
        registered_at=T0,
    )


def _b2b_customer(customer_id: str = "C-B2B") -> Customer:
    office = Address(
        line1="Industriestraße 7",
        line2="Halle 3",
        city="Köln",
        postal_code="50667",
        country="DE",
        name="ACME GmbH",
    )
    return Customer(
        id=CustomerId(customer_id),
        name="ACME GmbH",
        kind=CustomerKind.B2B,
        payment_preference=PaymentPreference.INVOICE,
        payment_terms_days=30,
        credit_limit=_eur("5000.00"),
        email="einkauf@acme.example",
        phone="+49 221 1234567",
        billing_address=office,
        shipping_address=Address(
            line1="Lagerweg 1", city="Hürth", postal_code="50354", country="DE"
        ),
        blocked=True,
        registered_at=_at(-60 * 24),
    )


def _line(
    line_no: int,
    sku: str = "SKU-1",
    quantity: int = 2,
    price: str = "10.00",
    *,
    discount: str = "0.00",
    tax_rate: str = "0.19",
) -> OrderLine:
    return OrderLine(
        line_no=line_no,
        sku=sku,
        name=f"Product {sku}",
        quantity=quantity,
        unit_price=_eur(price),
        tax_rate=Decimal(tax_rate),
        discount=_eur(discount),
    )


def _order(
    order_id: str = "O-1",
    number: str = "SO-000001",
    customer_id: str = "C-1",
    *,
    lines: list[OrderLine] | None = None,
    at: datetime = T0,
    key: str | None = None,
) -> Order:
    return Order.place(
        id=OrderId(order_id),
        number=number,
        customer_id=CustomerId(customer_id),
        channel=Channel.WEB,
        currency="EUR",
        lines=lines if lines is not None else [_line(1)],
        at=at,
        idempotency_key=key,
    )


def _rich_order() -> Order:
    """An order using every field: discounts, two tax rates, a split reservation, a backorder."""
    order = Order.place(
        id=OrderId("O-RICH"),
        number="SO-000042",
        customer_id=CustomerId("C-B2B"),
        channel=Channel.EDI,
        currency="EUR",
        lines=[
            _line(1, "CHAIR", 3, "149.00", discount="10.00"),
            _line(2, "SCREW", 5, "0.3333", tax_rate="0.07"),
        ],
        at=_at(5),
        idempotency_key="po-4711",
        request_fingerprint="sha256:4711",
        customer_reference="PO 4711",
    )
    order.reserve(1, "BER", 2, _at(5))
    order.reserve(1, "HAM", 1, _at(5))
    order.backorder(2, 5, _at(5))
    order.hold("credit check", _at(6))
    order.payment_status = PaymentStatus.PARTIALLY_PAID
    order.prepaid_amount = Decimal("50.00")
    return order


def _invoice(
    invoice_id: str, number: str, order: Order, *, at: datetime = T0, terms: int = 14
) -> Invoice:
    return Invoice.issue(
        id=invoice_id,
        number=number,
        order_id=order.id,
        customer_id=order.customer_id,
        currency=order.currency,
        lines=tuple(document_line(line, line.quantity, 0) for line in order.lines),
        at=at,
        payment_terms_days=terms,
        settlement=Settlement.RECEIVABLE,
    )


def _credit_note(note_id: str, number: str, invoice: Invoice, *, at: datetime) -> CreditNote:
    return CreditNote(
        id=note_id,
        number=number,
        order_id=invoice.order_id,
        customer_id=invoice.customer_id,
        currency=invoice.currency,
        lines=invoice.lines[:1],
        issued_at=at,
        invoice_id=invoice.id,
        reason="damaged in transit",
    )


def _payment(payment_id: str, order: Order, invoice_id: str, amount: str, at: datetime) -> Payment:
    return Payment(
        id=payment_id,
        kind=PaymentKind.PAYMENT,
        customer_id=order.customer_id,
        order_id=order.id,
        invoice_id=invoice_id,
        amount=_eur(amount),
        method=PaymentMethod.BANK_TRANSFER,
        reference=f"transfer {payment_id}",
        received_at=at,
    )


def _shipment(shipment_id: str, number: str, order_id: str = "O-1") -> Shipment:
    return Shipment(
        id=shipment_id,
        number=number,
        order_id=order_id,
        location="MAIN",
        carrier="own-fleet",
        lines=(ShipmentLine(1, "SKU-1", 2),),
        parcels=(Parcel(Decimal("2.5")), Parcel(Decimal("0.75"))),
        created_at=_at(30),
    )


def _return(return_id: str, number: str, order_id: str = "O-1") -> ReturnRequest:
    return ReturnRequest(
        id=return_id,
        number=number,
        order_id=order_id,
        customer_id="C-1",
        lines=(ReturnLine(1, "SKU-1", 1),),
        reason="wrong colour",
        requested_at=_at(60),
    )


def _entry(
    entry_id: str,
    reference: str,
    amount: str,
    *,
    debit: str = "1400",
    credit: str = "4000-19",
    currency: str = "EUR",
    at: datetime = T0,
) -> JournalEntry:
    money = Money(amount, currency)
    return JournalEntry(
        id=entry_id,
        posted_at=at,
        description=f"Posting for {reference}",
        postings=(Posting(debit, Side.DEBIT, money), Posting(credit, Side.CREDIT, money)),
        reference=reference,
    )


def _requisition(
    requisition_id: str, sku: str = "SKU-1", location: str = "MAIN", *, at: datetime = T0
) -> PurchaseRequisition:
    return PurchaseRequisition.raise_for(
        id=RequisitionId(requisition_id),
        sku=sku,
        location=location,
        quantity=10,
        reason=RequisitionReason.BACKORDER,
        at=at,
    )


def _receipt(receipt_id: str, sku: str = "SKU-1", *, at: datetime = T0) -> SupplierReceipt:
    return SupplierReceipt.record_delivery(
        id=ReceiptId(receipt_id),
        supplier="Stuhlwerk AG",
        sku=sku,
        location="MAIN",
        quantity=5,
        reference=f"delivery note {receipt_id}",
        at=at,
        unit_cost=_eur("4.2050"),
    )


def _product(sku: str, *, active: bool = True) -> Product:
    return Product(
        sku=sku,
        name=f"Product {sku}",
        unit_price=_eur("149.00"),
        tax_rate=Decimal("0.19"),
        reorder_point=3,
        reorder_quantity=12,
        active=active,
        unit_cost=_eur("61.5025"),
        weight_kg=Decimal("7.25"),
    )


# -- running units of work ----------------------------------------------------------------------


def _commit(uow_factory: UnitOfWorkFactory, *changes: Callable[[UnitOfWork], object]) -> None:
    """Apply ``changes`` in one new unit of work and commit it."""
    with uow_factory() as uow:
        for change in changes:
            change(uow)
        uow.commit()


def _read(uow_factory: UnitOfWorkFactory, query: Callable[[UnitOfWork], T]) -> T:
    """The answer to ``query`` in a new unit of work that changes nothing."""
    with uow_factory() as uow:
        return query(uow)


def _add_orders(*orders: Order) -> Callable[[UnitOfWork], None]:
    """A change that adds ``orders``."""

    def add(uow: UnitOfWork) -> None:
        for order in orders:
            uow.orders.add(order)

    return add


def _add_invoices(*invoices: Invoice) -> Callable[[UnitOfWork], None]:
    """A change that adds ``invoices``."""

    def add(uow: UnitOfWork) -> None:
        for invoice in invoices:
            uow.invoices.add(invoice)

    return add


class _Abandoned(Exception):
    """Raised inside a unit of work to leave it by an exception."""


def _abandon(uow_factory: UnitOfWorkFactory, *changes: Callable[[UnitOfWork], object]) -> None:
    """Apply ``changes`` in one new unit of work, then leave it by an exception."""
    with uow_factory() as uow:
        for change in changes:
            change(uow)
        raise _Abandoned


class _Contract:
    """The fixtures every contract class shares."""

    @pytest.fixture
    def publisher(self) -> RecordingPublisher:
        """Where the units of work of ``uow_factory`` must publish their events."""
        return RecordingPublisher()

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        """Override: a fresh, empty store for each test, a new unit of work on it per call."""
        pytest.fail(
            f"{type(self).__name__} needs a `uow_factory` fixture: a callable returning a new "
            "unit of work on a fresh, empty store (see ordermgmt.testing.contracts)"
        )


# -- the unit of work ---------------------------------------------------------------------------


def _sale(uow: UnitOfWork) -> None:
    """One sale touching stock, order, sequence, invoice and ledger in one unit of work."""
    item = uow.stock.get_for_update("SKU-1", "MAIN")
    item.receive(5)
    item.reserve(2)
    order = _order()
    order.reserve(1, "MAIN", 2, T0)
    uow.orders.add(order)
    number = uow.sequences.next_value("invoice")
    invoice = _invoice("I-1", f"INV-2026-{number:06d}", order)
    uow.invoices.add(invoice)
    uow.ledger.post(_entry("E-1", invoice.number, "23.80"))


class UnitOfWorkContract(_Contract):
    """:class:`~ordermgmt.ports.UnitOfWork`: one transaction across every repository.

    Commit makes everything durable at once; rollback, an exception or leaving without commit
    leaves no trace; a refused commit writes nothing. Within a unit of work one stored
    aggregate is one object. Versions count committed changes. Events are published after a
    durable commit only, in the order they were recorded, each with its own id.
    """

    def test_uow_committed_changes_are_seen_by_the_next_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        customer = _customer()
        _commit(uow_factory, lambda uow: uow.customers.add(customer))
        stored = _read(uow_factory, lambda uow: uow.customers.get("C-1"))
        assert stored == customer

    def test_uow_leaving_without_commit_leaves_no_trace(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            uow.customers.add(_customer())
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-1")

    def test_uow_an_exception_inside_leaves_no_trace(self, uow_factory: UnitOfWorkFactory) -> None:
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.customers.add(_customer()))
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-1")

    def test_uow_rollback_forgets_changes_and_the_unit_of_work_goes_on(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            uow.customers.add(_customer("C-1"))
            uow.rollback()
            uow.customers.add(_customer("C-2"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.customers.get("C-2").id == "C-2"
            with pytest.raises(NotFound):
                uow.customers.get("C-1")

    def test_uow_commits_twice(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.customers.add(_customer("C-1"))
            uow.commit()
            uow.customers.add(_customer("C-2"))
            uow.commit()
        names = _read(uow_factory, lambda uow: [uow.customers.get(c).id for c in ("C-1", "C-2")])
        assert names == ["C-1", "C-2"]

    def test_uow_stock_order_invoice_and_ledger_commit_together(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, _sale)
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert (item.on_hand, item.reserved) == (5, 2)
            assert uow.orders.get("O-1").lines[0].allocations == {"MAIN": 2}
            assert uow.invoices.get_by_number("INV-2026-000001").id == "I-1"
            assert [e.id for e in uow.ledger.entries("INV-2026-000001")] == ["E-1"]
            assert uow.sequences.next_value("invoice") == 2

    def _assert_no_sale(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            items = uow.stock.list_for_sku("SKU-1")
            assert [(i.on_hand, i.reserved) for i in items if i.on_hand or i.reserved] == []
            with pytest.raises(NotFound):
                uow.orders.get("O-1")
            with pytest.raises(NotFound):
                uow.invoices.get("I-1")
            assert uow.ledger.entries() == []
            assert uow.ledger.balances() == {}
            assert uow.sequences.next_value("invoice") == 1

    def test_uow_stock_order_invoice_and_ledger_vanish_together_without_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            _sale(uow)
        self._assert_no_sale(uow_factory)

    def test_uow_stock_order_invoice_and_ledger_vanish_together_on_an_exception(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, _sale)
        self._assert_no_sale(uow_factory)

    def test_uow_stock_order_invoice_and_ledger_vanish_together_on_rollback(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            _sale(uow)
            uow.rollback()
            uow.commit()
        self._assert_no_sale(uow_factory)

    def test_uow_a_refused_commit_writes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))

        def clash(uow: UnitOfWork) -> None:
            uow.customers.add(_customer("C-9"))
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            item.receive(7)
            uow.ledger.post(_entry("E-9", "SO-000001", "10.00"))
            uow.sequences.next_value("order")
            uow.orders.add(_order("O-2", "SO-000001"))  # the number is taken

        with pytest.raises(Conflict):
            _commit(uow_factory, clash)
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.customers.get("C-9")
            with pytest.raises(NotFound):
                uow.orders.get("O-2")
            assert uow.stock.get_for_update("SKU-1", "MAIN").on_hand == 0
            assert uow.ledger.entries() == []
            assert uow.sequences.next_value("order") == 1
            assert uow.orders.get_by_number("SO-000001").id == "O-1"

    def test_uow_one_stored_aggregate_is_one_object(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order(key="key-1")
        order.reserve(1, "MAIN", 2, T0)
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(3),
        )
        with uow_factory() as uow:
            assert uow.customers.get("C-1") is uow.customers.get("C-1")
            first = uow.orders.get("O-1")
            assert uow.orders.get("O-1") is first
            assert uow.orders.get_by_number("SO-000001") is first
            assert uow.orders.find_by_idempotency_key("C-1", "key-1") is first
            assert uow.orders.list_for_customer("C-1") == [first]
            assert uow.orders.list_for_customer("C-1")[0] is first
            assert uow.orders.list_reserving("SKU-1", "MAIN")[0] is first
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert uow.stock.get_for_update("SKU-1", "MAIN") is item
            assert uow.stock.list_for_sku("SKU-1")[0] is item
            assert uow.stock.list_for_update(["SKU-1"])[0] is item
            invoice = uow.invoices.get("I-1")
            assert uow.invoices.get_by_number("INV-1") is invoice
            assert uow.invoices.list_for_order("O-1")[0] is invoice
            assert uow.invoices.list_unsettled("C-1")[0] is invoice

    def test_uow_an_added_aggregate_is_the_object_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        customer, order = _customer(), _order()
        with uow_factory() as uow:
            uow.customers.add(customer)
            uow.orders.add(order)
            assert uow.customers.get("C-1") is customer
            assert uow.orders.get("O-1") is order

    def test_uow_changes_to_loaded_aggregates_are_saved_on_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(_order()),
        )
        with uow_factory() as uow:
            uow.customers.get("C-1").update(at=_at(1), name="Erika Musterfrau")
            uow.orders.get("O-1").reserve(1, "MAIN", 2, _at(1))
            uow.commit()
        with uow_factory() as uow:
            assert uow.customers.get("C-1").name == "Erika Musterfrau"
            assert uow.orders.get("O-1").lines[0].allocations == {"MAIN": 2}

    def test_uow_changes_to_loaded_aggregates_vanish_without_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(_order()),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-000001")),
        )
        with uow_factory() as uow:
            uow.customers.get("C-1").update(at=_at(1), name="Erika Musterfrau")
            order = uow.orders.get("O-1")
            order.reserve(1, "MAIN", 1, _at(1))
            order.hold("fraud check", _at(1))
            shipment = uow.shipments.get("S-1")
            shipment.booked(Booking(tracking_number="TN-1", label="label"))
            shipment.track(TrackingEvent(TrackingStatus.PICKED_UP, _at(2)))
        with uow_factory() as uow:
            assert uow.customers.get("C-1").name == "Erika Mustermann"
            order = uow.orders.get("O-1")
            assert (order.status, order.lines[0].allocations) == (OrderStatus.OPEN, {})
            shipment = uow.shipments.get("S-1")
            assert (shipment.status, shipment.tracking) == (ShipmentStatus.PENDING, [])

    def test_uow_changes_made_after_commit_need_another_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        customer, order = _customer(), _order()
        with uow_factory() as uow:
            uow.customers.add(customer)
            uow.orders.add(order)
            uow.commit()
            customer.name = "Changed After Commit"
            order.lines[0].allocations["MAIN"] = 2
        customer.email = "changed.after.the.end@example.com"
        order.hold("changed after the end", _at(1))
        with uow_factory() as uow:
            stored = uow.customers.get("C-1")
            assert (stored.name, stored.email) == ("Erika Mustermann", "")
            stored_order = uow.orders.get("O-1")
            assert stored_order.status is OrderStatus.OPEN
            assert stored_order.lines[0].allocations == {}

    def test_uow_stored_times_keep_their_instant_in_any_timezone(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        berlin, new_york = timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))
        customer = _customer()
        customer.registered_at = datetime(2026, 1, 5, 10, 0, tzinfo=berlin)
        order = _order(at=datetime(2026, 1, 5, 4, 30, tzinfo=new_york))
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(customer),
            lambda uow: uow.orders.add(order),
        )
        with uow_factory() as uow:
            assert uow.customers.get("C-1").registered_at == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
            assert uow.orders.get("O-1").placed_at == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

    # -- versions --------------------------------------------------------------------------

    def test_uow_a_new_aggregate_has_version_1_after_its_first_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()

        def stock(uow: UnitOfWork) -> None:
            uow.stock.get_for_update("SKU-1", "MAIN").receive(5)

        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            stock,
        )
        with uow_factory() as uow:
            versions = [
                uow.customers.get("C-1").version,
                uow.orders.get("O-1").version,
                uow.invoices.get("I-1").version,
                uow.stock.get_for_update("SKU-1", "MAIN").version,
            ]
        assert versions == [1, 1, 1, 1]

    def test_uow_every_committed_change_adds_one_to_the_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order(lines=[_line(1, "SKU-1", 3)])
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(5),
        )
        for step in (1, 2):
            with uow_factory() as uow:
                uow.customers.get("C-1").update(at=_at(step), phone=f"+49 30 {step}")
                uow.orders.get("O-1").reserve(1, "MAIN", 1, _at(step))  # a change of a line only
                uow.invoices.get("I-1").apply_payment(_eur("1.00"))
                uow.stock.get_for_update("SKU-1", "MAIN").reserve(1)
                uow.commit()
        with uow_factory() as uow:
            versions = [
                uow.customers.get("C-1").version,
                uow.orders.get("O-1").version,
                uow.invoices.get("I-1").version,
                uow.stock.get_for_update("SKU-1", "MAIN").version,
            ]
        assert versions == [3, 3, 3, 3]

    def test_uow_an_unchanged_aggregate_keeps_its_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(5),
        )
        with uow_factory() as uow:  # read everything, change nothing, commit
            uow.customers.get("C-1")
            uow.orders.get("O-1")
            uow.orders.list_for_customer("C-1")
            uow.invoices.list_unsettled()
            uow.stock.list_for_update(["SKU-1"])
            uow.commit()
        with uow_factory() as uow:  # change, then roll back
            uow.customers.get("C-1").update(at=_at(1), name="Rolled Back")
            uow.orders.get("O-1").hold("rolled back", _at(1))
            uow.rollback()
            uow.commit()
        with uow_factory() as uow:
            versions = [
                uow.customers.get("C-1").version,
                uow.orders.get("O-1").version,
                uow.invoices.get("I-1").version,
                uow.stock.get_for_update("SKU-1", "MAIN").version,
            ]
        assert versions == [1, 1, 1, 1]

    # -- events ----------------------------------------------------------------------------

    def test_uow_events_are_published_after_a_durable_commit(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        seen_by_subscriber: list[bool] = []

        def look(event: DomainEvent) -> None:
            with uow_factory() as reader:
                seen_by_subscriber.append(
                    reader.orders.find_by_idempotency_key("C-1", "k-1") is not None
                )

        publisher.subscribe(look, OrderPlaced)
        with uow_factory() as uow:
            uow.orders.add(_order(key="k-1"))
            assert publisher.published == [], "events were published before commit"
            uow.commit()
        assert publisher.names == ["OrderPlaced"], (
            "the publisher received nothing: does `uow_factory` hand the `publisher` fixture "
            "to its units of work?"
        )
        assert seen_by_subscriber == [True], "an event was published before its data was durable"

    def test_uow_events_come_in_the_order_they_were_recorded(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        customer = Customer.register(
            at=T0,
            id=CustomerId("C-1"),
            name="Erika Mustermann",
            kind=CustomerKind.B2C,
            payment_preference=PaymentPreference.CARD,
        )
        order = _order()
        order.reserve(1, "MAIN", 2, _at(1))
        customer.update(at=_at(2), email="erika@example.com")
        order.hold("fraud check", _at(3))
        with uow_factory() as uow:
            uow.orders.add(order)  # added first, recorded later: the recording order counts
            uow.customers.add(customer)
            uow.commit()
        assert [type(e) for e in publisher.published] == [
            CustomerRegistered,
            OrderPlaced,
            StockReserved,
            CustomerUpdated,
            OrderHeld,
        ]

    def test_uow_every_event_gets_its_own_id(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        for n in (1, 2):
            order = _order(f"O-{n}", f"SO-00000{n}")
            order.reserve(1, "MAIN", 1, T0)
            order.backorder(1, 1, T0)
            _commit(uow_factory, _add_orders(order))
        ids = [event.event_id for event in publisher.published]
        assert len(ids) == 6
        assert all(ids), "an event was published without an event_id"
        assert len(set(ids)) == len(ids)

    def test_uow_events_of_loaded_aggregates_are_published(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order()))
        with uow_factory() as uow:
            uow.orders.get_by_number("SO-000001").hold("fraud check", _at(1))
            uow.commit()
        assert publisher.names == ["OrderPlaced", "OrderHeld"]

    def test_uow_each_commit_publishes_its_events_once(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        with uow_factory() as uow:
            order = _order()
            uow.orders.add(order)
            uow.commit()
            uow.customers.add(
                Customer.register(
                    at=_at(1),
                    id=CustomerId("C-1"),
                    name="Erika Mustermann",
                    kind=CustomerKind.B2C,
                    payment_preference=PaymentPreference.CARD,
                )
            )
            uow.commit()
            uow.commit()
        assert publisher.names == ["OrderPlaced", "CustomerRegistered"]

    def test_uow_nothing_is_published_without_commit(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        with uow_factory() as uow:
            uow.orders.add(_order())
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.orders.add(_order()))
        with uow_factory() as uow:
            uow.orders.add(_order())
            uow.rollback()
            uow.orders.add(_order("O-2", "SO-000002"))
            uow.commit()
        assert [(e.name, getattr(e, "order_id", None)) for e in publisher.published] == [
            ("OrderPlaced", "O-2")
        ]

    def test_uow_a_refused_commit_publishes_nothing(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-2", "SO-000001")))
        assert [getattr(e, "order_id", None) for e in publisher.published] == ["O-1"]


# -- customers and catalog ----------------------------------------------------------------------


class CustomerRepositoryContract(_Contract):
    """:class:`~ordermgmt.ports.CustomerRepository`: get, add, ``NotFound``, ``Conflict``."""

    def test_customers_get_of_a_missing_customer_raises_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-404")

    def test_customers_come_back_as_they_were_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        b2b, b2c = _b2b_customer(), _customer()
        _commit(uow_factory, lambda uow: uow.customers.add(b2b), lambda uow: uow.customers.add(b2c))
        stored = _read(uow_factory, lambda uow: [uow.customers.get(c.id) for c in (b2b, b2c)])
        assert stored == [b2b, b2c]

    def test_customers_add_refuses_a_taken_id(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.customers.add(_customer("C-1")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.customers.add(_customer("C-1", "Someone Else")))
        assert _read(uow_factory, lambda uow: uow.customers.get("C-1").name) == "Erika Mustermann"

    def test_customers_add_refuses_an_id_added_in_the_same_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.customers.add(_customer("C-1")),
                lambda uow: uow.customers.add(_customer("C-1", "Someone Else")),
            )
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-1")


class CatalogContract(_Contract):
    """:class:`~ordermgmt.ports.ProductRepository` and
    :class:`~ordermgmt.ports.LocationRepository`: find, add, list, ``Conflict``."""

    def test_catalog_find_of_a_missing_product_or_location_is_none(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.products.find("SKU-404") is None
            assert uow.locations.find("NOWHERE") is None

    def test_catalog_products_and_locations_come_back_as_they_were_stored(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        product = _product("CHAIR")
        location = Location(code="BER", name="Berlin warehouse", priority=10)
        _commit(
            uow_factory,
            lambda uow: uow.products.add(product),
            lambda uow: uow.locations.add(location),
        )
        with uow_factory() as uow:
            assert uow.products.find("CHAIR") == product
            assert uow.locations.find("BER") == location

    def test_catalog_add_refuses_a_taken_sku_or_location_code(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.products.add(_product("CHAIR")),
            lambda uow: uow.locations.add(Location(code="BER", name="Berlin")),
        )
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.products.add(_product("CHAIR")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.locations.add(Location(code="BER", name="Other")))
        assert _read(uow_factory, lambda uow: uow.locations.list_all()) == [
            Location(code="BER", name="Berlin", version=1)
        ]

    def test_catalog_products_are_listed_by_sku(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.products.add(_product("TABLE")),
            lambda uow: uow.products.add(_product("CHAIR", active=False)),
        )
        with uow_factory() as uow:
            uow.products.add(_product("DESK"))  # not yet committed: listed all the same
            assert [p.sku for p in uow.products.list_all()] == ["CHAIR", "DESK", "TABLE"]
            assert [p.sku for p in uow.products.list_all(active_only=True)] == ["DESK", "TABLE"]

    def test_catalog_locations_are_listed_by_priority_then_code(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.locations.add(Location(code="MUC", name="Munich", priority=20)),
            lambda uow: uow.locations.add(Location(code="HAM", name="Hamburg", priority=10)),
        )
        with uow_factory() as uow:
            uow.locations.add(Location(code="BER", name="Berlin", priority=20))
            assert [loc.code for loc in uow.locations.list_all()] == ["HAM", "BER", "MUC"]


# -- stock --------------------------------------------------------------------------------------


class StockRepositoryContract(_Contract):
    """:class:`~ordermgmt.ports.StockRepository`: items per sku and location, created on demand."""

    def test_stock_get_for_update_creates_a_missing_item_empty(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert (item.sku, item.location, item.on_hand, item.reserved) == (
                "SKU-1",
                "MAIN",
                0,
                0,
            )

    def test_stock_changes_are_kept_on_commit_and_forgotten_without(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def stock(uow: UnitOfWork) -> None:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            item.receive(10)
            item.reserve(4)

        _commit(uow_factory, stock)
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            item.consume(4)
            item.remove(6)
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert (item.on_hand, item.reserved, item.available) == (10, 4, 6)

    def test_stock_list_for_update_gives_existing_items_of_the_skus_in_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def stock(uow: UnitOfWork) -> None:
            for sku, location in [("B", "MAIN"), ("A", "ZRH"), ("A", "BER"), ("C", "BER")]:
                uow.stock.get_for_update(sku, location).receive(1)

        _commit(uow_factory, stock)
        with uow_factory() as uow:
            items = uow.stock.list_for_update(["B", "A", "X"])
            assert [(i.sku, i.location) for i in items] == [
                ("A", "BER"),
                ("A", "ZRH"),
                ("B", "MAIN"),
            ]

    def test_stock_list_for_sku_gives_every_item_of_the_sku(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def stock(uow: UnitOfWork) -> None:
            uow.stock.get_for_update("SKU-1", "HAM").receive(3)
            uow.stock.get_for_update("SKU-1", "BER").receive(2)
            uow.stock.get_for_update("SKU-2", "BER").receive(9)

        _commit(uow_factory, stock)
        with uow_factory() as uow:
            uow.stock.get_for_update("SKU-1", "MUC").receive(1)  # not yet committed
            items = uow.stock.list_for_sku("SKU-1")
            assert sorted((i.location, i.on_hand) for i in items) == [
                ("BER", 2),
                ("HAM", 3),
                ("MUC", 1),
            ]
            assert uow.stock.list_for_sku("SKU-404") == []


# -- orders -------------------------------------------------------------------------------------


class OrderRepositoryContract(_Contract):
    """:class:`~ordermgmt.ports.OrderRepository`: lookups by id, number and idempotency key,
    uniqueness of all three, and the lists the use cases work from."""

    def test_orders_missing_orders_are_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.orders.get("O-404")
            with pytest.raises(NotFound):
                uow.orders.get_by_number("SO-404404")
            assert uow.orders.find_by_idempotency_key("C-1", "never-used") is None

    def test_orders_come_back_as_they_were_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _rich_order()
        _commit(uow_factory, lambda uow: uow.orders.add(order))
        with uow_factory() as uow:
            assert uow.orders.get("O-RICH") == order
            assert uow.orders.get_by_number("SO-000042") == order
            assert uow.orders.find_by_idempotency_key("C-B2B", "po-4711") == order

    def test_orders_added_in_this_unit_of_work_are_found_by_number_and_key(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order(key="k-1")
        with uow_factory() as uow:
            uow.orders.add(order)
            assert uow.orders.get_by_number("SO-000001") is order
            assert uow.orders.find_by_idempotency_key("C-1", "k-1") is order

    def test_orders_add_refuses_a_taken_id(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000002")))
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.orders.get_by_number("SO-000002")

    def test_orders_add_refuses_a_taken_number(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-2", "SO-000001")))
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.orders.get("O-2")

    def test_orders_add_refuses_a_used_idempotency_key(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001", key="k-1")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-2", "SO-000002", key="k-1")))
        with uow_factory() as uow:
            assert uow.orders.find_by_idempotency_key("C-1", "k-1") == uow.orders.get("O-1")
            with pytest.raises(NotFound):
                uow.orders.get("O-2")

    def test_orders_idempotency_keys_are_scoped_per_customer(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001", key="PO-1")))
        _commit(
            uow_factory,
            lambda uow: uow.orders.add(_order("O-2", "SO-000002", "C-2", key="PO-1")),
        )
        with uow_factory() as uow:
            assert uow.orders.find_by_idempotency_key("C-1", "PO-1") == uow.orders.get("O-1")
            assert uow.orders.find_by_idempotency_key("C-2", "PO-1") == uow.orders.get("O-2")
            assert uow.orders.find_by_idempotency_key("C-3", "PO-1") is None

    def test_orders_add_refuses_an_id_twice_in_one_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.orders.add(_order("O-1", "SO-000001")),
                lambda uow: uow.orders.add(_order("O-1", "SO-000002")),
            )
        assert _read(uow_factory, lambda uow: uow.orders.list_for_customer("C-1")) == []

    def test_orders_add_refuses_a_number_or_key_twice_in_one_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        for second in (_order("O-2", "SO-000001"), _order("O-2", "SO-000002", key="k-1")):
            with pytest.raises(Conflict):
                _commit(
                    uow_factory,
                    lambda uow: uow.orders.add(_order("O-1", "SO-000001", key="k-1")),
                    _add_orders(second),
                )
        assert _read(uow_factory, lambda uow: uow.orders.list_for_customer("C-1")) == []

    def test_orders_without_idempotency_key_do_not_clash(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        _commit(
            uow_factory,
            lambda uow: uow.orders.add(_order("O-2", "SO-000002")),
            lambda uow: uow.orders.add(_order("O-3", "SO-000003")),
        )
        ids = _read(uow_factory, lambda uow: [o.id for o in uow.orders.list_for_customer("C-1")])
        assert ids == ["O-1", "O-2", "O-3"]

    def test_orders_of_a_customer_oldest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.orders.add(_order("O-B", "SO-000002", at=_at(20))),
            lambda uow: uow.orders.add(_order("O-X", "SO-000003", "C-2", at=_at(5))),
        )
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-A", "SO-000001", at=_at(10))))
        with uow_factory() as uow:
            uow.orders.add(_order("O-C", "SO-000004", at=_at(30)))  # not yet committed
            assert [o.id for o in uow.orders.list_for_customer("C-1")] == ["O-A", "O-B", "O-C"]
            assert [o.id for o in uow.orders.list_for_customer("C-2")] == ["O-X"]
            assert uow.orders.list_for_customer("C-404") == []

    def test_orders_active_only_means_open_or_on_hold(self, uow_factory: UnitOfWorkFactory) -> None:
        orders = [_order(f"O-{n}", f"SO-00000{n}", at=_at(n)) for n in range(1, 6)]
        orders[1].hold("credit check", T0)
        orders[2].cancel("customer changed their mind", T0)
        orders[3].complete(T0)
        _commit(uow_factory, _add_orders(*orders))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_for_customer("C-1", active_only=True)] == [
                "O-1",
                "O-2",
                "O-5",
            ]
            uow.orders.get("O-5").cancel("changed in this unit of work", _at(9))
            uow.orders.get("O-3")  # loaded, still cancelled
            assert [o.id for o in uow.orders.list_for_customer("C-1", active_only=True)] == [
                "O-1",
                "O-2",
            ]
            assert len(uow.orders.list_for_customer("C-1")) == 5

    def test_orders_backordered_oldest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        def backordered(order_id: str, sku: str, at: datetime) -> Order:
            order = _order(order_id, f"SO-{order_id}", lines=[_line(1, sku, 2)], at=at)
            order.backorder(1, 2, at)
            return order

        late, early = (
            backordered("O-LATE", "SKU-1", _at(20)),
            backordered("O-EARLY", "SKU-1", _at(1)),
        )
        other = backordered("O-OTHER", "SKU-2", _at(10))
        cancelled = backordered("O-CANCELLED", "SKU-1", _at(2))
        cancelled.cancel("no longer needed", _at(3))
        reserved = _order("O-RESERVED", "SO-RESERVED", at=_at(4))
        reserved.reserve(1, "MAIN", 2, _at(4))
        _commit(uow_factory, _add_orders(late, other, reserved))
        _commit(uow_factory, _add_orders(early, cancelled))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-EARLY", "O-LATE"]
            assert [o.id for o in uow.orders.list_backordered()] == [
                "O-EARLY",
                "O-OTHER",
                "O-LATE",
            ]
            assert uow.orders.list_backordered("SKU-404") == []
            early_order = uow.orders.get("O-EARLY")
            early_order.serve_backorder(1, "MAIN", 2, _at(30))  # served in this unit of work
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-LATE"]

    def test_orders_reserving_a_sku_at_a_location_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def reserving(order_id: str, location: str, at: datetime) -> Order:
            order = _order(order_id, f"SO-{order_id}", lines=[_line(1, "SKU-1", 2)], at=at)
            order.reserve(1, location, 2, at)
            return order

        late, early = reserving("O-LATE", "MAIN", _at(20)), reserving("O-EARLY", "MAIN", _at(1))
        elsewhere = reserving("O-ELSEWHERE", "BER", _at(2))
        completed = reserving("O-COMPLETED", "MAIN", _at(3))
        completed.complete(_at(4))
        cancelled = reserving("O-CANCELLED", "MAIN", _at(5))
        cancelled.cancel("no longer needed", _at(6))
        other_sku = _order("O-SKU-2", "SO-SKU-2", lines=[_line(1, "SKU-2", 1)], at=_at(7))
        other_sku.reserve(1, "MAIN", 1, _at(7))
        _commit(uow_factory, _add_orders(late, elsewhere))
        _commit(
            uow_factory,
            _add_orders(early, completed, cancelled, other_sku),
        )
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == [
                "O-EARLY",
                "O-LATE",
            ]
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "BER")] == ["O-ELSEWHERE"]
            assert uow.orders.list_reserving("SKU-1", "HAM") == []
            uow.orders.get("O-EARLY").cancel("cancelled in this unit of work", _at(30))
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == ["O-LATE"]

    def test_orders_lists_follow_committed_changes(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order(lines=[_line(1, "SKU-1", 3)])
        order.backorder(1, 3, T0)
        _commit(uow_factory, lambda uow: uow.orders.add(order))

        def serve(uow: UnitOfWork) -> None:
            uow.orders.get("O-1").serve_backorder(1, "MAIN", 2, _at(1))

        _commit(uow_factory, serve)
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-1"]
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == ["O-1"]
        _commit(uow_factory, lambda uow: uow.orders.get("O-1").cancel("stop", _at(2)))
        with uow_factory() as uow:
            assert uow.orders.list_backordered("SKU-1") == []
            assert uow.orders.list_reserving("SKU-1", "MAIN") == []
            assert uow.orders.list_for_customer("C-1", active_only=True) == []
            assert uow.orders.get("O-1").lines[0].allocations == {}


# -- replenishment ------------------------------------------------------------------------------


class RequisitionContract(_Contract):
    """:class:`~ordermgmt.ports.RequisitionRepository` (at most one open requisition per sku
    and location) and :class:`~ordermgmt.ports.ReceiptRepository`."""

    def test_requisitions_missing_requisition_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.requisitions.get("R-404")
            assert uow.requisitions.find_open("SKU-1", "MAIN") is None
            assert uow.requisitions.list_open() == []

    def test_requisitions_come_back_as_they_were_stored(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        requisition = _requisition("R-1")
        requisition.submitted = True
        _commit(uow_factory, lambda uow: uow.requisitions.add(requisition))
        with uow_factory() as uow:
            assert uow.requisitions.get("R-1") == requisition
            assert uow.requisitions.find_open("SKU-1", "MAIN") == requisition

    def test_requisitions_one_open_per_sku_and_location(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-1")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-2")))
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.requisitions.add(_requisition("R-3", "SKU-2")),
                lambda uow: uow.requisitions.add(_requisition("R-4", "SKU-2")),
            )
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-5", "SKU-1", "BER")),
            lambda uow: uow.requisitions.add(_requisition("R-6", "SKU-2", "MAIN")),
        )
        with uow_factory() as uow:
            assert sorted(r.id for r in uow.requisitions.list_open()) == ["R-1", "R-5", "R-6"]
            for missing in ("R-2", "R-3", "R-4"):
                with pytest.raises(NotFound):
                    uow.requisitions.get(missing)

    def test_requisitions_a_closed_one_makes_room_for_a_new_one(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-1")))
        _commit(uow_factory, lambda uow: uow.requisitions.get("R-1").close("GR-1", _at(1)))
        with uow_factory() as uow:
            assert uow.requisitions.find_open("SKU-1", "MAIN") is None
            assert uow.requisitions.get("R-1").status is RequisitionStatus.CLOSED
            assert uow.requisitions.list_open() == []
        _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-2", at=_at(2))))
        with uow_factory() as uow:  # close and raise anew in one unit of work
            uow.requisitions.get("R-2").close("GR-2", _at(3))
            uow.requisitions.add(_requisition("R-3", at=_at(4)))
            uow.commit()
        with uow_factory() as uow:
            found = uow.requisitions.find_open("SKU-1", "MAIN")
            assert found is not None
            assert found.id == "R-3"
            assert [r.id for r in uow.requisitions.list_open()] == ["R-3"]

    def test_requisitions_open_ones_are_listed_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-LATE", "SKU-1", at=_at(20))),
            lambda uow: uow.requisitions.add(_requisition("R-CLOSED", "SKU-3", at=_at(1))),
        )
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-EARLY", "SKU-2", at=_at(5))),
            lambda uow: uow.requisitions.get("R-CLOSED").close("GR-1", _at(6)),
        )
        with uow_factory() as uow:
            uow.requisitions.add(_requisition("R-NEW", "SKU-4", at=_at(10)))
            assert [r.id for r in uow.requisitions.list_open()] == ["R-EARLY", "R-NEW", "R-LATE"]

    def test_requisitions_receipts_are_kept_and_listed_per_sku(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second = _receipt("GR-1", at=_at(1)), _receipt("GR-2", at=_at(2))
        _commit(
            uow_factory,
            lambda uow: uow.receipts.add(first),
            lambda uow: uow.receipts.add(_receipt("GR-X", "SKU-2", at=_at(1))),
        )
        with uow_factory() as uow:
            uow.receipts.add(second)
            assert uow.receipts.list_for_sku("SKU-1") == [first, second]
            uow.commit()
        with uow_factory() as uow:
            assert uow.receipts.list_for_sku("SKU-1") == [first, second]
            assert uow.receipts.list_for_sku("SKU-404") == []

    def test_requisitions_receipts_are_listed_by_time_not_by_insertion(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.receipts.add(_receipt("GR-LATE", at=_at(20))))
        _commit(uow_factory, lambda uow: uow.receipts.add(_receipt("GR-EARLY", at=_at(10))))
        ids = _read(uow_factory, lambda uow: [r.id for r in uow.receipts.list_for_sku("SKU-1")])
        assert ids == ["GR-EARLY", "GR-LATE"]


# -- sequences ----------------------------------------------------------------------------------


class SequenceContract(_Contract):
    """:class:`~ordermgmt.ports.SequenceRepository`: gapless numbers per series."""

    def test_sequences_count_from_one_per_series(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            taken = [uow.sequences.next_value("invoice") for _ in range(3)]
            taken.append(uow.sequences.next_value("credit-note"))
            taken.append(uow.sequences.next_value("invoice"))
            uow.commit()
        assert taken == [1, 2, 3, 1, 4]
        with uow_factory() as uow:
            assert uow.sequences.next_value("invoice") == 5
            assert uow.sequences.next_value("credit-note") == 2
            assert uow.sequences.next_value("order") == 1

    def test_sequences_numbers_not_committed_are_handed_out_again(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.sequences.next_value("invoice") == 1
            uow.commit()
        with uow_factory() as uow:  # left without commit
            assert uow.sequences.next_value("invoice") == 2
        with pytest.raises(_Abandoned):  # left by an exception
            _abandon(uow_factory, lambda uow: uow.sequences.next_value("invoice"))
        with uow_factory() as uow:  # rolled back, then taken again in the same unit of work
            assert [uow.sequences.next_value("invoice") for _ in range(2)] == [2, 3]
            uow.rollback()
            assert uow.sequences.next_value("invoice") == 2
            uow.commit()
        with uow_factory() as uow:
            assert uow.sequences.next_value("invoice") == 3

    def test_sequences_a_refused_commit_returns_its_numbers(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.customers.add(_customer()))
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.sequences.next_value("invoice"),
                lambda uow: uow.customers.add(_customer()),
            )
        assert _read(uow_factory, lambda uow: uow.sequences.next_value("invoice")) == 1


# -- idempotency records ------------------------------------------------------------------------


def _record(
    key: str = "k-1", scope: Scope = Scope.PAYMENT, ids: tuple[str, ...] = ("P-1",)
) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=scope, key=key, fingerprint=f"{{'key': '{key}'}}", result_ids=ids, recorded_at=T0
    )


class IdempotencyContract(_Contract):
    """:class:`~ordermgmt.ports.IdempotencyRepository`: one record per (scope, key), stored
    with the unit of work's other changes or not at all."""

    def test_idempotency_records_come_back_as_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        record = _record(ids=("P-1", "P-2"))
        with uow_factory() as uow:
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") is None
            uow.idempotency.add(record)
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") == record
            uow.commit()
        with uow_factory() as uow:
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") == record
            assert uow.idempotency.find(Scope.REFUND, "k-1") is None

    def test_idempotency_one_key_in_several_scopes(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.idempotency.add(_record()))
        _commit(uow_factory, lambda uow: uow.idempotency.add(_record(scope=Scope.REFUND)))
        with uow_factory() as uow:
            found = uow.idempotency.find(Scope.REFUND, "k-1")
            assert found is not None
            assert found.scope is Scope.REFUND

    def test_idempotency_a_used_key_is_refused(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.idempotency.add(_record()))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.idempotency.add(_record(ids=("P-9",))))
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.idempotency.add(_record("k-2")),
                lambda uow: uow.idempotency.add(_record("k-2")),
            )
        with uow_factory() as uow:
            found = uow.idempotency.find(Scope.PAYMENT, "k-1")
            assert found is not None
            assert found.result_ids == ("P-1",)
            assert uow.idempotency.find(Scope.PAYMENT, "k-2") is None

    def test_idempotency_records_vanish_with_their_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.idempotency.add(_record()))
        with pytest.raises(Conflict):  # the effect is refused: the record goes with it
            _commit(
                uow_factory,
                lambda uow: uow.customers.add(_customer()),
                lambda uow: uow.idempotency.add(_record()),
                lambda uow: uow.customers.add(_customer()),
            )
        with uow_factory() as uow:
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") is None


# -- the ledger ---------------------------------------------------------------------------------


class LedgerContract(_Contract):
    """:class:`~ordermgmt.ports.LedgerRepository`: entries in posting order, balances per
    account and currency."""

    def test_ledger_is_empty_at_first(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.ledger.entries() == []
            assert uow.ledger.balances() == {}

    def test_ledger_entries_come_back_in_posting_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        # Posted in another order than their dates: posting order is what counts.
        first = _entry("E-1", "INV-1", "119.00", at=_at(30))
        second = JournalEntry(
            id="E-2",
            posted_at=_at(10),
            description="Sale with tax",
            postings=(
                Posting("1200", Side.DEBIT, _eur("23.80")),
                Posting("4000-19", Side.CREDIT, _eur("20.00")),
                Posting("2300-19", Side.CREDIT, _eur("3.80")),
            ),
            reference="INV-2",
        )
        third = _entry("E-3", "INV-1", "19.00", debit="4000-19", credit="1400", at=_at(20))
        third.reverses = "E-1"
        _commit(uow_factory, lambda uow: uow.ledger.post(first))
        _commit(uow_factory, lambda uow: uow.ledger.post(second))
        with uow_factory() as uow:
            uow.ledger.post(third)
            assert uow.ledger.entries() == [first, second, third]
            uow.commit()
        with uow_factory() as uow:
            assert uow.ledger.entries() == [first, second, third]
            assert uow.ledger.entries("INV-1") == [first, third]
            assert uow.ledger.entries("INV-2") == [second]
            assert uow.ledger.entries("INV-404") == []

    def test_ledger_balances_sum_debits_and_credits_per_account_and_currency(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.ledger.post(_entry("E-1", "INV-1", "119.00")),
            lambda uow: uow.ledger.post(_entry("E-2", "INV-2", "0.01")),
            lambda uow: uow.ledger.post(
                _entry("E-3", "PAY-1", "100.00", debit="1200", credit="1400")
            ),
        )
        _commit(
            uow_factory,
            lambda uow: uow.ledger.post(_entry("E-4", "INV-3", "1500", currency="JPY")),
            lambda uow: uow.ledger.post(_entry("E-5", "INV-4", "12.345", currency="KWD")),
        )
        zero = Decimal(0)
        with uow_factory() as uow:
            assert uow.ledger.balances() == {
                ("1400", "EUR"): (Decimal("119.01"), Decimal("100.00")),
                ("4000-19", "EUR"): (zero, Decimal("119.01")),
                ("1200", "EUR"): (Decimal("100.00"), zero),
                ("1400", "JPY"): (Decimal(1500), zero),
                ("4000-19", "JPY"): (zero, Decimal(1500)),
                ("1400", "KWD"): (Decimal("12.345"), zero),
                ("4000-19", "KWD"): (zero, Decimal("12.345")),
            }

    def test_ledger_entries_not_committed_leave_no_trace(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.ledger.post(_entry("E-1", "INV-1", "10.00")))
        with uow_factory() as uow:
            uow.ledger.post(_entry("E-2", "INV-2", "20.00"))
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.ledger.post(_entry("E-3", "INV-3", "30.00")))
        with uow_factory() as uow:
            uow.ledger.post(_entry("E-4", "INV-4", "40.00"))
            uow.rollback()
            uow.commit()
        with uow_factory() as uow:
            assert [e.id for e in uow.ledger.entries()] == ["E-1"]
            assert uow.ledger.balances() == {
                ("1400", "EUR"): (Decimal("10.00"), Decimal(0)),
                ("4000-19", "EUR"): (Decimal(0), Decimal("10.00")),
            }


# -- documents ----------------------------------------------------------------------------------


class DocumentRepositoriesContract(_Contract):
    """Invoices, credit notes, payments, shipments and returns: get, add, ``NotFound``,
    ``Conflict`` on ids and numbers, and their lists, oldest first."""

    def test_documents_missing_ones_are_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.invoices.get("I-404")
            with pytest.raises(NotFound):
                uow.invoices.get_by_number("INV-404")
            with pytest.raises(NotFound):
                uow.shipments.get("S-404")
            with pytest.raises(NotFound):
                uow.returns.get("RMA-404")
            assert uow.invoices.list_for_order("O-404") == []
            assert uow.invoices.list_for_customer("C-404") == []
            assert uow.invoices.list_unsettled() == []
            assert uow.credit_notes.list_for_invoice("I-404") == []
            assert uow.credit_notes.list_for_order("O-404") == []
            assert uow.payments.list_for_order("O-404") == []
            assert uow.shipments.list_for_order("O-404") == []
            assert uow.returns.list_for_order("O-404") == []

    def test_documents_come_back_as_they_were_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _rich_order()
        invoice = _invoice("I-1", "INV-2026-000001", order, at=_at(10), terms=30)
        invoice.apply_payment(_eur("100.00"))
        invoice.sent_to = "einkauf@acme.example"
        note = _credit_note("CN-1", "CN-2026-000001", invoice, at=_at(20))
        payment = _payment("P-1", order, "I-1", "100.00", _at(15))
        shipment = _shipment("S-1", "SH-000001", order.id)
        shipment.booked(
            Booking(
                tracking_number="TN-1",
                label="%PDF label",
                service="express",
                price=_eur("7.90"),
                estimated_delivery=date(2026, 1, 7),
            )
        )
        shipment.track(TrackingEvent(TrackingStatus.PICKED_UP, _at(40), "picked up in Berlin"))
        request = _return("RMA-1", "RMA-000001", order.id)
        request.receive(restock=True, location="MAIN", at=_at(90))
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(invoice),
            lambda uow: uow.credit_notes.add(note),
            lambda uow: uow.payments.add(payment),
            lambda uow: uow.shipments.add(shipment),
            lambda uow: uow.returns.add(request),
        )
        with uow_factory() as uow:
            assert uow.invoices.get("I-1") == invoice
            assert uow.invoices.get_by_number("INV-2026-000001") == invoice
            assert uow.credit_notes.list_for_invoice("I-1") == [note]
            assert uow.payments.list_for_order(order.id) == [payment]
            assert uow.shipments.get("S-1") == shipment
            assert uow.returns.get("RMA-1") == request

    def test_documents_invoices_added_in_this_unit_of_work_are_found_by_number(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        invoice = _invoice("I-1", "INV-1", _order())
        with uow_factory() as uow:
            uow.invoices.add(invoice)
            assert uow.invoices.get_by_number("INV-1") is invoice

    def test_documents_add_refuses_taken_ids_and_numbers(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()
        invoice = _invoice("I-1", "INV-1", order)
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(invoice),
            lambda uow: uow.credit_notes.add(_credit_note("CN-1", "CN-1", invoice, at=T0)),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-1")),
        )
        duplicates: list[Callable[[UnitOfWork], object]] = [
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-2", order)),
            lambda uow: uow.invoices.add(_invoice("I-2", "INV-1", order)),
            lambda uow: uow.credit_notes.add(_credit_note("CN-1", "CN-2", invoice, at=T0)),
            lambda uow: uow.credit_notes.add(_credit_note("CN-2", "CN-1", invoice, at=T0)),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-2")),
            lambda uow: uow.shipments.add(_shipment("S-2", "SH-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-2")),
            lambda uow: uow.returns.add(_return("RMA-2", "RMA-1")),
        ]
        for duplicate in duplicates:
            with pytest.raises(Conflict):
                _commit(uow_factory, duplicate)
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_for_order("O-1")] == ["I-1"]
            assert [n.id for n in uow.credit_notes.list_for_order("O-1")] == ["CN-1"]
            assert [s.id for s in uow.shipments.list_for_order("O-1")] == ["S-1"]
            assert [r.id for r in uow.returns.list_for_order("O-1")] == ["RMA-1"]

    def test_documents_are_listed_per_order_and_customer(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order_1, order_2 = _order("O-1", "SO-1"), _order("O-2", "SO-2")
        other = _order("O-3", "SO-3", "C-2")
        first = _invoice("I-1", "INV-1", order_1, at=_at(1))
        second = _invoice("I-2", "INV-2", order_1, at=_at(2))
        third = _invoice("I-3", "INV-3", order_2, at=_at(3))
        foreign = _invoice("I-4", "INV-4", other, at=_at(4))
        _commit(
            uow_factory,
            _add_invoices(first, second, third, foreign),
            lambda uow: uow.credit_notes.add(_credit_note("CN-1", "CN-1", first, at=_at(5))),
            lambda uow: uow.credit_notes.add(_credit_note("CN-2", "CN-2", second, at=_at(6))),
            lambda uow: uow.credit_notes.add(_credit_note("CN-3", "CN-3", first, at=_at(7))),
            lambda uow: uow.payments.add(_payment("P-1", order_1, "I-1", "5.00", _at(8))),
            lambda uow: uow.payments.add(_payment("P-2", order_2, "I-3", "5.00", _at(9))),
            lambda uow: uow.payments.add(_payment("P-3", order_1, "I-2", "5.00", _at(10))),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-000001", "O-1")),
            lambda uow: uow.shipments.add(_shipment("S-2", "SH-000002", "O-2")),
            lambda uow: uow.shipments.add(_shipment("S-3", "SH-000003", "O-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-000001", "O-1")),
            lambda uow: uow.returns.add(_return("RMA-2", "RMA-000002", "O-2")),
            lambda uow: uow.returns.add(_return("RMA-3", "RMA-000003", "O-1")),
        )
        with uow_factory() as uow:
            uow.invoices.add(_invoice("I-5", "INV-5", order_1, at=_at(11)))  # not yet committed
            assert [i.id for i in uow.invoices.list_for_order("O-1")] == ["I-1", "I-2", "I-5"]
            assert [i.id for i in uow.invoices.list_for_customer("C-1")] == [
                "I-1",
                "I-2",
                "I-3",
                "I-5",
            ]
            assert [i.id for i in uow.invoices.list_for_customer("C-2")] == ["I-4"]
            assert [n.id for n in uow.credit_notes.list_for_invoice("I-1")] == ["CN-1", "CN-3"]
            assert [n.id for n in uow.credit_notes.list_for_order("O-1")] == [
                "CN-1",
                "CN-2",
                "CN-3",
            ]
            assert [p.id for p in uow.payments.list_for_order("O-1")] == ["P-1", "P-3"]
            assert [s.id for s in uow.shipments.list_for_order("O-1")] == ["S-1", "S-3"]
            assert [r.id for r in uow.returns.list_for_order("O-1")] == ["RMA-1", "RMA-3"]

    def test_documents_are_listed_by_time_not_by_insertion(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()
        late = _invoice("I-LATE", "INV-2", order, at=_at(20))
        early = _invoice("I-EARLY", "INV-1", order, at=_at(10))
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(late),
            lambda uow: uow.credit_notes.add(_credit_note("CN-LATE", "CN-2", late, at=_at(40))),
            lambda uow: uow.payments.add(_payment("P-LATE", order, "I-LATE", "1.00", _at(60))),
        )
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(early),
            lambda uow: uow.credit_notes.add(_credit_note("CN-EARLY", "CN-1", late, at=_at(30))),
            lambda uow: uow.payments.add(_payment("P-EARLY", order, "I-LATE", "1.00", _at(50))),
        )
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_for_order("O-1")] == ["I-EARLY", "I-LATE"]
            assert [i.id for i in uow.invoices.list_for_customer("C-1")] == ["I-EARLY", "I-LATE"]
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-EARLY", "I-LATE"]
            assert [n.id for n in uow.credit_notes.list_for_invoice("I-LATE")] == [
                "CN-EARLY",
                "CN-LATE",
            ]
            assert [n.id for n in uow.credit_notes.list_for_order("O-1")] == [
                "CN-EARLY",
                "CN-LATE",
            ]
            assert [p.id for p in uow.payments.list_for_order("O-1")] == ["P-EARLY", "P-LATE"]

    def test_documents_unsettled_invoices_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order, other = _order("O-1", "SO-1"), _order("O-2", "SO-2", "C-2")
        paid = _invoice("I-PAID", "INV-1", order, at=_at(1))
        paid.apply_payment(paid.total)
        part_paid = _invoice("I-PART", "INV-2", order, at=_at(2))
        part_paid.apply_payment(_eur("0.01"))
        credited = _invoice("I-CREDITED", "INV-3", order, at=_at(3))
        credited.apply_credit(credited.total)
        foreign = _invoice("I-FOREIGN", "INV-4", other, at=_at(4))
        unpaid = _invoice("I-UNPAID", "INV-5", order, at=_at(5))
        _commit(uow_factory, _add_invoices(paid, part_paid, credited, foreign, unpaid))
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-PART", "I-UNPAID"]
            assert [i.id for i in uow.invoices.list_unsettled()] == [
                "I-PART",
                "I-FOREIGN",
                "I-UNPAID",
            ]
            assert uow.invoices.list_unsettled("C-404") == []
        with uow_factory() as uow:  # settled in this unit of work: gone from the list at once
            invoice = uow.invoices.get("I-PART")
            invoice.apply_payment(invoice.outstanding)
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-UNPAID"]
            uow.commit()
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-UNPAID"]
            uow.invoices.get("I-UNPAID").apply_payment(_eur("1.00"))
            uow.commit()
        with uow_factory() as uow:
            unsettled = uow.invoices.list_unsettled("C-1")
            assert [(i.id, i.paid) for i in unsettled] == [("I-UNPAID", _eur("1.00"))]

    def test_documents_changes_are_saved_on_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order()
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-1")),
        )

        def progress(uow: UnitOfWork) -> None:
            uow.invoices.get("I-1").apply_payment(_eur("10.00"))
            shipment = uow.shipments.get("S-1")
            shipment.booked(Booking(tracking_number="TN-1", label="label"))
            shipment.track(TrackingEvent(TrackingStatus.PICKED_UP, _at(40)))
            shipment.track(TrackingEvent(TrackingStatus.DELIVERED, _at(50), "front door"))
            uow.returns.get("RMA-1").reject("not ours")

        _commit(uow_factory, progress)
        with uow_factory() as uow:
            assert uow.invoices.get("I-1").paid == _eur("10.00")
            shipment = uow.shipments.get("S-1")
            assert shipment.status is ShipmentStatus.DELIVERED
            assert shipment.delivered_at == _at(50)
            assert [e.status for e in shipment.tracking] == [
                TrackingStatus.PICKED_UP,
                TrackingStatus.DELIVERED,
            ]
            assert uow.returns.get("RMA-1").status is ReturnStatus.REJECTED


# -- the outbox ---------------------------------------------------------------------------------


class OutboxContract(_Contract):
    """:class:`~ordermgmt.ports.OutboxRelay`: committed events that the publisher did not take
    are delivered later, at least once, with their event ids.

    Needs a second fixture besides ``uow_factory``: ``outbox_relay``, the relay of the same
    store, publishing to the suite's ``publisher``.
    """

    @pytest.fixture
    def outbox_relay(self) -> OutboxRelay:
        """Override: the outbox relay of the store behind ``uow_factory``, publishing to
        ``publisher``."""
        pytest.fail(
            f"{type(self).__name__} needs an `outbox_relay` fixture: the OutboxRelay of the "
            "store behind `uow_factory`, publishing to the `publisher` fixture"
        )

    @staticmethod
    def _commit_missed(
        uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher, order: Order
    ) -> None:
        """Commit ``order`` while the publisher is down."""
        publisher.fail_next()
        with contextlib.suppress(PublisherUnavailable):  # surfacing the outage is allowed
            _commit(uow_factory, lambda uow: uow.orders.add(order))
        publisher.fail_next(0)
        assert publisher.published == []

    def test_outbox_has_nothing_pending_once_events_are_delivered(
        self,
        uow_factory: UnitOfWorkFactory,
        outbox_relay: OutboxRelay,
        publisher: RecordingPublisher,
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order()))
        assert publisher.names == ["OrderPlaced"]
        assert outbox_relay.pending() == 0
        assert outbox_relay.relay(grace=timedelta(0)) == 0
        assert publisher.names == ["OrderPlaced"]

    def test_outbox_delivers_what_the_publisher_missed(
        self,
        uow_factory: UnitOfWorkFactory,
        outbox_relay: OutboxRelay,
        publisher: RecordingPublisher,
    ) -> None:
        order = _order()
        order.reserve(1, "MAIN", 1, T0)
        order.backorder(1, 1, T0)
        self._commit_missed(uow_factory, publisher, order)
        assert _read(uow_factory, lambda uow: uow.orders.get("O-1").id) == "O-1"
        assert outbox_relay.pending() == 3
        assert outbox_relay.relay(grace=timedelta(0)) == 3
        assert publisher.names == ["OrderPlaced", "StockReserved", "BackorderCreated"]
        ids = [event.event_id for event in publisher.published]
        assert all(ids)
        assert len(set(ids)) == 3
        assert outbox_relay.pending() == 0
        assert outbox_relay.relay(grace=timedelta(0)) == 0
        assert len(publisher.published) == 3

    def test_outbox_relays_at_most_limit_events_at_a_time(
        self,
        uow_factory: UnitOfWorkFactory,
        outbox_relay: OutboxRelay,
        publisher: RecordingPublisher,
    ) -> None:
        order = _order(lines=[_line(1, "SKU-1", 3)])
        for _ in range(3):
            order.reserve(1, "MAIN", 1, T0)
        self._commit_missed(uow_factory, publisher, order)
        assert outbox_relay.relay(limit=2, grace=timedelta(0)) == 2
        assert outbox_relay.pending() == 2
        assert outbox_relay.relay(limit=2, grace=timedelta(0)) == 2
        assert outbox_relay.relay(limit=2, grace=timedelta(0)) == 0
        assert publisher.names == ["OrderPlaced"] + ["StockReserved"] * 3

    def test_outbox_leaves_fresh_events_to_their_unit_of_work(
        self,
        uow_factory: UnitOfWorkFactory,
        outbox_relay: OutboxRelay,
        publisher: RecordingPublisher,
    ) -> None:
        self._commit_missed(uow_factory, publisher, _order(at=datetime.now(UTC)))
        assert outbox_relay.relay(grace=timedelta(hours=1)) == 0
        assert outbox_relay.pending() == 1
        assert outbox_relay.relay(grace=timedelta(0)) == 1

    def test_outbox_relays_events_whatever_their_business_time(
        self,
        uow_factory: UnitOfWorkFactory,
        outbox_relay: OutboxRelay,
        publisher: RecordingPublisher,
    ) -> None:
        # A business clock may run ahead of the machine's (a test clock, a planned date): the
        # grace period is about when the event was committed, not what time it speaks of.
        self._commit_missed(uow_factory, publisher, _order(at=T0 + timedelta(days=36500)))
        assert outbox_relay.relay(grace=timedelta(0)) == 1
        assert outbox_relay.pending() == 0

    def test_outbox_keeps_nothing_of_a_unit_of_work_that_did_not_commit(
        self,
        uow_factory: UnitOfWorkFactory,
        outbox_relay: OutboxRelay,
        publisher: RecordingPublisher,
    ) -> None:
        with uow_factory() as uow:
            uow.orders.add(_order())
        with uow_factory() as uow:
            uow.orders.add(_order())
            uow.rollback()
            uow.commit()
        assert outbox_relay.pending() == 0
        assert outbox_relay.relay(grace=timedelta(0)) == 0
        assert publisher.published == []


# -- read-your-writes ---------------------------------------------------------------------------


class ReadYourWritesContract(_Contract):
    """Every list query of every repository sees the changes of its own unit of work before
    commit: added objects, objects changed so that they now match or no longer match, each in
    the query's order. Each test lists once before changing (so a store that caches a first
    answer is caught too), changes, and lists again in the same unit of work."""

    def test_read_your_writes_products(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.products.add(_product("A")),
            lambda uow: uow.products.add(_product("C")),
            lambda uow: uow.products.add(_product("D", active=False)),
        )
        with uow_factory() as uow:
            assert [p.sku for p in uow.products.list_all(active_only=True)] == ["A", "C"]
            product_a, product_d = uow.products.find("A"), uow.products.find("D")
            assert product_a is not None
            assert product_d is not None
            product_a.deactivate(_at(1))
            product_d.active = True
            uow.products.add(_product("B"))
            assert [p.sku for p in uow.products.list_all(active_only=True)] == ["B", "C", "D"]
            assert [p.sku for p in uow.products.list_all()] == ["A", "B", "C", "D"]

    def test_read_your_writes_locations(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.locations.add(Location(code="BER", name="Berlin", priority=10)),
            lambda uow: uow.locations.add(Location(code="HAM", name="Hamburg", priority=20)),
        )
        with uow_factory() as uow:
            assert [loc.code for loc in uow.locations.list_all()] == ["BER", "HAM"]
            hamburg = uow.locations.find("HAM")
            assert hamburg is not None
            hamburg.priority = 5
            uow.locations.add(Location(code="MUC", name="München", priority=7))
            assert [loc.code for loc in uow.locations.list_all()] == ["HAM", "MUC", "BER"]

    def test_read_your_writes_stock(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(5))
        with uow_factory() as uow:
            assert [i.location for i in uow.stock.list_for_sku("SKU-1")] == ["MAIN"]
            uow.stock.get_for_update("SKU-1", "AAA").receive(3)
            uow.stock.get_for_update("SKU-2", "AAA").receive(1)
            uow.stock.get_for_update("SKU-1", "MAIN").reserve(2)
            items = uow.stock.list_for_sku("SKU-1")
            assert [(i.location, i.on_hand, i.reserved) for i in items] == [
                ("AAA", 3, 0),
                ("MAIN", 5, 2),
            ]
            locked = uow.stock.list_for_update(["SKU-2", "SKU-1"])
            assert [(i.sku, i.location) for i in locked] == [
                ("SKU-1", "AAA"),
                ("SKU-1", "MAIN"),
                ("SKU-2", "AAA"),
            ]

    def test_read_your_writes_orders_of_a_customer(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            _add_orders(_order("O-1", "SO-1", at=_at(1)), _order("O-2", "SO-2", at=_at(2))),
        )
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_for_customer("C-1", active_only=True)] == [
                "O-1",
                "O-2",
            ]
            uow.orders.get("O-1").cancel("changed my mind", _at(3))
            uow.orders.add(_order("O-0", "SO-0", at=_at(0)))
            uow.orders.add(_order("O-X", "SO-X", "C-2", at=_at(0)))
            active = uow.orders.list_for_customer("C-1", active_only=True)
            assert [o.id for o in active] == ["O-0", "O-2"]
            every = uow.orders.list_for_customer("C-1")
            assert [o.id for o in every] == ["O-0", "O-1", "O-2"]

    def test_read_your_writes_backordered_and_reserving_orders(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def backordered(order_id: str, at: datetime) -> Order:
            order = _order(order_id, f"SO-{order_id}", lines=[_line(1, "SKU-1", 2)], at=at)
            order.backorder(1, 2, at)
            return order

        _commit(uow_factory, _add_orders(backordered("O-1", _at(1)), backordered("O-2", _at(2))))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-1", "O-2"]
            assert uow.orders.list_reserving("SKU-1", "MAIN") == []
            uow.orders.get("O-2").serve_backorder(1, "MAIN", 2, _at(3))
            uow.orders.add(backordered("O-0", _at(0)))
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-0", "O-1"]
            assert [o.id for o in uow.orders.list_backordered()] == ["O-0", "O-1"]
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == ["O-2"]
            uow.orders.get("O-2").cancel("stop", _at(4))
            assert uow.orders.list_reserving("SKU-1", "MAIN") == []

    def test_read_your_writes_requisitions_and_receipts(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-1", "SKU-1", at=_at(1))),
            lambda uow: uow.requisitions.add(_requisition("R-2", "SKU-2", at=_at(2))),
            lambda uow: uow.receipts.add(_receipt("GR-2", at=_at(2))),
        )
        with uow_factory() as uow:
            assert [r.id for r in uow.requisitions.list_open()] == ["R-1", "R-2"]
            assert [r.id for r in uow.receipts.list_for_sku("SKU-1")] == ["GR-2"]
            uow.requisitions.get("R-1").close("GR-1", _at(3))
            uow.requisitions.add(_requisition("R-0", "SKU-3", at=_at(0)))
            uow.receipts.add(_receipt("GR-1", at=_at(1)))
            uow.receipts.add(_receipt("GR-X", "SKU-2", at=_at(0)))
            assert [r.id for r in uow.requisitions.list_open()] == ["R-0", "R-2"]
            assert [r.id for r in uow.receipts.list_for_sku("SKU-1")] == ["GR-1", "GR-2"]

    def test_read_your_writes_documents(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order()
        late = _invoice("I-LATE", "INV-2", order, at=_at(20))
        _commit(
            uow_factory,
            _add_invoices(late),
            lambda uow: uow.credit_notes.add(_credit_note("CN-2", "CN-2", late, at=_at(40))),
            lambda uow: uow.payments.add(_payment("P-2", order, "I-LATE", "1.00", _at(60))),
            lambda uow: uow.shipments.add(_shipment("S-2", "SH-000002")),
            lambda uow: uow.returns.add(_return("RMA-2", "RMA-000002")),
        )
        with uow_factory() as uow:
            lists: dict[str, Callable[[], list[str]]] = {
                "invoices": lambda: [d.id for d in uow.invoices.list_for_order("O-1")],
                "customer invoices": lambda: [d.id for d in uow.invoices.list_for_customer("C-1")],
                "unsettled": lambda: [d.id for d in uow.invoices.list_unsettled()],
                "notes of the invoice": lambda: [
                    d.id for d in uow.credit_notes.list_for_invoice("I-LATE")
                ],
                "notes": lambda: [d.id for d in uow.credit_notes.list_for_order("O-1")],
                "payments": lambda: [d.id for d in uow.payments.list_for_order("O-1")],
                "shipments": lambda: [d.id for d in uow.shipments.list_for_order("O-1")],
                "returns": lambda: [d.id for d in uow.returns.list_for_order("O-1")],
            }
            for listing in lists.values():
                assert len(listing()) == 1
            early = _invoice("I-EARLY", "INV-1", order, at=_at(10))
            uow.invoices.add(early)
            uow.invoices.get("I-LATE").apply_payment(late.total)
            uow.credit_notes.add(_credit_note("CN-1", "CN-1", late, at=_at(30)))
            uow.payments.add(_payment("P-1", order, "I-LATE", "1.00", _at(50)))
            uow.shipments.add(_shipment("S-1", "SH-000001"))
            uow.returns.add(_return("RMA-1", "RMA-000001"))
            assert {name: listing() for name, listing in lists.items()} == {
                "invoices": ["I-EARLY", "I-LATE"],
                "customer invoices": ["I-EARLY", "I-LATE"],
                "unsettled": ["I-EARLY"],
                "notes of the invoice": ["CN-1", "CN-2"],
                "notes": ["CN-1", "CN-2"],
                "payments": ["P-1", "P-2"],
                "shipments": ["S-1", "S-2"],
                "returns": ["RMA-1", "RMA-2"],
            }

    def test_read_your_writes_order_search(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            _add_orders(*(_order(f"O-{n}", f"SO-{n}", at=_at(n)) for n in range(1, 6))),
        )
        open_ = OrderSearch(status=frozenset({OrderStatus.OPEN}))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.search(open_, limit=3)] == ["O-5", "O-4", "O-3"]
            uow.orders.get("O-4").cancel("changed my mind", _at(9))
            uow.orders.get("O-5").cancel("changed my mind", _at(9))
            uow.orders.add(_order("O-0", "SO-0", at=_at(3)))
            page = uow.orders.search(open_, limit=3)
            assert [o.id for o in page] == ["O-3", "O-0", "O-2"]  # same time: larger id first
            after = OrderSearch(status=open_.status, after=(_at(3), "O-0"))
            assert [o.id for o in uow.orders.search(after, limit=3)] == ["O-2", "O-1"]
            cancelled = OrderSearch(status=frozenset({OrderStatus.CANCELLED}), number_prefix="SO")
            assert [o.id for o in uow.orders.search(cancelled, limit=9)] == ["O-5", "O-4"]

    def test_read_your_writes_ledger(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.ledger.post(_entry("E-1", "INV-1", "10.00")))
        with uow_factory() as uow:
            assert [e.id for e in uow.ledger.entries()] == ["E-1"]
            uow.ledger.post(_entry("E-2", "INV-1", "5.00"))
            uow.ledger.post(_entry("E-3", "INV-2", "1.00"))
            assert [e.id for e in uow.ledger.entries()] == ["E-1", "E-2", "E-3"]
            assert [e.id for e in uow.ledger.entries("INV-1")] == ["E-1", "E-2"]
            assert uow.ledger.balances()[("1400", "EUR")] == (Decimal("16.00"), Decimal(0))


class StorageContract(
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
):
    """Every repository and unit-of-work contract at once (the outbox is extra: see
    :class:`OutboxContract`)."""
