"""Outside adapters that fail never leak and never lose, on every store.

Each port's adapter is wrapped so that its next call raises an exception drawn from the whole
class of built-in exceptions (and the library's own errors of other ports, and a bug of the
adapter's own): the caller sees only the port's typed error with the context it needs, the
failure is recorded on the object it concerns and logged with its traceback, nothing committed
is undone, and the ordinary retry succeeds once the adapter works again. A ``BaseException``
that is not an ``Exception`` (``KeyboardInterrupt``, ``SystemExit``) is never swallowed.
"""

from __future__ import annotations

import builtins
import itertools
import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.money import eur

from ordermgmt import OrderManagement, errors
from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import (
    FixedClock,
    InMemoryEventPublisher,
    InMemoryNotifications,
    InMemoryPurchasing,
    SequentialIdGenerator,
)
from ordermgmt.domain.events import DomainEvent, OrderPlaced
from ordermgmt.domain.purchasing import PurchaseRequisition
from ordermgmt.domain.shipment import Booking, RateQuote, ShipmentRequest, TrackingEvent
from ordermgmt.messages import CustomerView
from ordermgmt.ports import EventHandler, OutgoingMessage


class AdapterBug(Exception):
    """What a bug in an adapter raises: an exception nobody planned for."""


def _instance(kind: type[BaseException]) -> BaseException:
    if kind is ExceptionGroup:
        return ExceptionGroup("boom", [ValueError("inner")])
    if kind is BaseExceptionGroup:
        return BaseExceptionGroup("boom", [KeyboardInterrupt()])
    try:
        return kind("boom")
    except TypeError:  # e.g. UnicodeDecodeError needs five arguments
        return kind.__new__(kind)


def _builtin(base: type[BaseException]) -> list[type[BaseException]]:
    return sorted(
        (
            c
            for c in vars(builtins).values()
            if isinstance(c, type) and issubclass(c, base) and not issubclass(c, Warning)
        ),
        key=lambda c: c.__name__,
    )


#: Every built-in ``Exception``, an adapter's own bug, and the library's typed errors.
UNEXPECTED: list[type[BaseException]] = [
    *_builtin(Exception),
    AdapterBug,
    errors.NotFound,
    errors.ValidationError,
    errors.StorageError,
    errors.OrderManagementError,
]
#: Not ``Exception``: these stop the process or task and must never be swallowed.
NOT_SWALLOWED: list[type[BaseException]] = [
    c for c in _builtin(BaseException) if not issubclass(c, Exception)
]


def raising(kind: type[BaseException]) -> BaseException:
    if kind in (errors.NotFound,):
        return errors.NotFound("thing", "x")
    if kind is errors.ValidationError:
        return errors.ValidationError("field", "x", "bad")
    if issubclass(kind, errors.OrderManagementError):
        return kind("adapter says no")
    return _instance(kind)


exceptions = st.sampled_from(UNEXPECTED)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Armed:
    """Raises ``failure`` (once set) from the next call of ``method``, then works again."""

    def __init__(self) -> None:
        self.failure: BaseException | None = None
        self.method = ""

    def arm(self, method: str, failure: BaseException) -> None:
        self.method, self.failure = method, failure

    def check(self, method: str) -> None:
        if self.failure is not None and method == self.method:
            failure, self.failure = self.failure, None
            raise failure


class FlakyCarrier(Armed):
    def __init__(self, inner: InMemoryCarrier) -> None:
        super().__init__()
        self.inner = inner
        self.name = inner.name
        self.on_book: Callable[[], None] | None = None

    def quote(self, request: ShipmentRequest) -> list[RateQuote]:
        self.check("quote")
        return self.inner.quote(request)

    def book(self, request: ShipmentRequest) -> Booking:
        self.check("book")
        booking = self.inner.book(request)
        if self.on_book is not None:
            self.on_book()
        return booking

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        self.check("track")
        return self.inner.track(tracking_number)

    def cancel(self, tracking_number: str) -> None:
        self.check("cancel")
        self.inner.cancel(tracking_number)


class FlakyPurchasing(Armed):
    def __init__(self) -> None:
        super().__init__()
        self.inner = InMemoryPurchasing()

    def submit(self, requisition: PurchaseRequisition) -> None:
        self.check("submit")
        self.inner.submit(requisition)


class FlakyNotifications(Armed):
    def __init__(self) -> None:
        super().__init__()
        self.inner = InMemoryNotifications()

    def send(self, message: OutgoingMessage) -> None:
        self.check("send")
        self.inner.send(message)


class FlakyPublisher(Armed):
    def __init__(self) -> None:
        super().__init__()
        self.inner = InMemoryEventPublisher()

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.check("publish")
        self.inner.publish(events)

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        self.inner.subscribe(handler, *event_types)


class World:
    """An OMS whose every outside adapter can be made to fail."""

    def __init__(self, build_oms: Callable[..., OrderManagement], clock: FixedClock) -> None:
        self.parcel = FlakyCarrier(InMemoryCarrier(clock))
        self.purchasing = FlakyPurchasing()
        self.notifications = FlakyNotifications()
        self.publisher = FlakyPublisher()
        self.oms = build_oms(
            clock=clock,
            ids=SequentialIdGenerator(),
            carriers=[self.parcel, OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))])],
            purchasing=self.purchasing,
            notifications=self.notifications,
            publisher=self.publisher,
        )
        self.oms.define_location("BER", priority=10)
        self.oms.upsert_product(
            sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19", weight_kg="9"
        )
        self.oms.receive_stock(sku="CHAIR", location="BER", quantity=100_000, supplier="S")
        self.customer: CustomerView = self.oms.register_customer(
            name="ACME GmbH",
            kind="b2b",
            payment_preference="invoice",
            payment_terms_days=30,
            email="ap@acme.example",
            billing_address={
                "line1": "Hauptstr. 1",
                "city": "Berlin",
                "postal_code": "10115",
                "country": "DE",
            },
        )
        self.skus = itertools.count(1)

    def order(self, sku: str = "CHAIR", quantity: int = 1) -> str:
        return self.oms.place_order(
            customer_id=self.customer.id,
            channel="phone",
            lines=[{"sku": sku, "quantity": quantity}],
        ).id

    def new_sku(self) -> str:
        sku = f"SKU-{next(self.skus)}"
        self.oms.upsert_product(sku=sku, name=sku, unit_price=eur("10.00"), tax_rate="0.19")
        return sku


@pytest.fixture
def world(build_oms: Callable[..., OrderManagement], clock: FixedClock) -> World:
    return World(build_oms, clock)


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="ordermgmt"):
        yield caplog


def unexpected_logged(caplog: pytest.LogCaptureFixture, failure: BaseException) -> None:
    """The unexpected failure was logged with its traceback."""
    records = [r for r in caplog.records if r.name == "ordermgmt.outside" and r.exc_info]
    assert records, "no traceback logged"
    assert records[-1].exc_info is not None
    assert records[-1].exc_info[1] is failure
    caplog.clear()


def translated(error: errors.OrderManagementError, failure: BaseException) -> None:
    assert error.__cause__ is failure
    assert error.details["cause"] == type(failure).__name__
    assert "boom" not in error.message  # the adapter's message stays in the log


# -- carriers ----------------------------------------------------------------------------------


@FUZZ
@given(kind=exceptions)
def test_a_carrier_failing_to_book_leaves_a_pending_shipment_to_retry(
    world: World, logged: pytest.LogCaptureFixture, kind: type[BaseException]
) -> None:
    oms = world.oms
    order_id = world.order()
    failure = raising(kind)
    world.parcel.arm("book", failure)

    with pytest.raises(errors.CarrierError) as raised:
        oms.ship_order(order_id, carrier="parcel")

    error = raised.value
    translated(error, failure)
    assert (error.carrier, error.operation) == ("parcel", "book")
    shipment_id = error.details["shipment_id"]
    pending = oms.get_shipment(shipment_id)
    assert (pending.status, pending.order_id) == ("pending", order_id)
    assert pending.booking_error == f"unexpected {kind.__name__} from the adapter"
    assert oms.get_order(order_id).fulfillment_status == "reserved"
    unexpected_logged(logged, failure)

    booked = oms.book_shipment(shipment_id)

    assert (booked.status, booked.booking_error) == ("booked", "")
    assert oms.get_order(order_id).fulfillment_status == "shipped"


@FUZZ
@given(kind=exceptions)
def test_a_carrier_failing_to_track_raises_its_error_and_changes_nothing(
    world: World, logged: pytest.LogCaptureFixture, kind: type[BaseException]
) -> None:
    oms = world.oms
    shipment = oms.ship_order(world.order(), carrier="parcel")
    failure = raising(kind)
    world.parcel.arm("track", failure)

    with pytest.raises(errors.CarrierError) as raised:
        oms.refresh_tracking(shipment.id)

    translated(raised.value, failure)
    assert raised.value.details["shipment_id"] == shipment.id
    assert raised.value.operation == "track"
    assert oms.get_shipment(shipment.id) == shipment
    unexpected_logged(logged, failure)
    assert oms.refresh_tracking(shipment.id).status == "booked"


@FUZZ
@given(kind=exceptions)
def test_a_carrier_failing_to_quote_is_left_out_of_the_quotes(
    world: World, logged: pytest.LogCaptureFixture, kind: type[BaseException]
) -> None:
    oms = world.oms
    order_id = world.order()
    failure = raising(kind)
    world.parcel.arm("quote", failure)

    quotes = oms.quote_shipping(order_id)

    assert [q.carrier for q in quotes] == ["own-fleet"]
    unexpected_logged(logged, failure)
    assert {q.carrier for q in oms.quote_shipping(order_id)} == {"parcel", "own-fleet"}


@FUZZ
@given(kind=exceptions)
def test_a_carrier_failing_to_cancel_a_booking_hides_nothing(
    world: World, logged: pytest.LogCaptureFixture, kind: type[BaseException]
) -> None:
    """The order is cancelled while the carrier books: the booking is undone; a carrier that
    fails to cancel it does not hide why the goods stay (the order's state), and the shipment
    is cancelled all the same."""
    oms = world.oms
    order_id = world.order()
    failure = raising(kind)

    def cancel_order_meanwhile() -> None:
        world.parcel.on_book = None
        oms.cancel_order(order_id, reason="customer called")
        world.parcel.arm("cancel", failure)

    world.parcel.on_book = cancel_order_meanwhile

    with pytest.raises(errors.OrderManagementError) as raised:
        oms.ship_order(order_id, carrier="parcel")

    assert not isinstance(raised.value, errors.CarrierError)
    [shipment] = oms.order_shipments(order_id)
    assert shipment.status == "cancelled"
    assert oms.get_order(order_id).status == "cancelled"
    unexpected_logged(logged, failure)


def test_a_carriers_own_error_passes_through_with_the_shipment(world: World) -> None:
    own = errors.CarrierError("parcel", "book", "address not served")
    world.parcel.arm("book", own)

    with pytest.raises(errors.CarrierError) as raised:
        world.oms.ship_order(world.order(), carrier="parcel")

    assert raised.value is own
    shipment = world.oms.get_shipment(raised.value.details["shipment_id"])
    assert shipment.booking_error == "address not served"


# -- purchasing --------------------------------------------------------------------------------


@FUZZ
@given(kind=exceptions)
def test_purchasing_failing_leaves_the_requisition_pending_with_the_reason(
    world: World, logged: pytest.LogCaptureFixture, kind: type[BaseException]
) -> None:
    oms = world.oms
    sku = world.new_sku()
    failure = raising(kind)
    world.purchasing.arm("submit", failure)

    placed = oms.place_order(  # backordered: raises a requisition, then hands it over
        customer_id=world.customer.id, channel="phone", lines=[{"sku": sku, "quantity": 3}]
    )

    assert placed.lines[0].backordered == 3  # the order stands
    [requisition] = [r for r in oms.open_purchase_requisitions() if r.sku == sku]
    assert requisition.submitted is False
    assert requisition.submission_error == f"unexpected {kind.__name__} from the adapter"
    unexpected_logged(logged, failure)

    assert oms.submit_pending_requisitions() >= 1

    [requisition] = [r for r in oms.open_purchase_requisitions() if r.sku == sku]
    assert (requisition.submitted, requisition.submission_error) == (True, "")
    assert requisition.id in world.purchasing.inner.submitted


# -- notifications -----------------------------------------------------------------------------


@FUZZ
@given(kind=exceptions)
def test_notifications_failing_leave_the_invoice_unsent_for_a_resend(
    world: World, logged: pytest.LogCaptureFixture, kind: type[BaseException]
) -> None:
    oms = world.oms
    order_id = world.order()
    failure = raising(kind)
    world.notifications.arm("send", failure)

    invoice = oms.issue_invoice(order_id)  # the invoice is issued all the same

    assert (invoice.sent_to, invoice.send_error) == (
        "",
        f"unexpected {kind.__name__} from the adapter",
    )
    assert oms.get_invoice(invoice.id) == invoice
    unexpected_logged(logged, failure)

    again = raising(kind)
    world.notifications.arm("send", again)
    with pytest.raises(errors.NotificationError) as raised:
        oms.resend_invoice(invoice.id)
    translated(raised.value, again)
    assert raised.value.details["invoice_id"] == invoice.id
    assert raised.value.details["reference"] == invoice.number
    unexpected_logged(logged, again)

    sent = oms.resend_invoice(invoice.id)

    assert (sent.sent_to, sent.send_error) == ("ap@acme.example", "")
    sent_now = [m for m in world.notifications.inner.sent if m.reference == invoice.number]
    assert [m.recipient for m in sent_now] == ["ap@acme.example"]


# -- event publisher ---------------------------------------------------------------------------


@FUZZ
@given(kind=exceptions)
def test_a_failing_publisher_loses_no_event_and_fails_no_command(
    world: World, logged: pytest.LogCaptureFixture, kind: type[BaseException]
) -> None:
    oms = world.oms
    relay = oms.dependencies.outbox
    assert relay is not None
    relay.relay(grace=timedelta(0))  # what is pending from the setup
    received: list[DomainEvent] = []
    oms.subscribe(received.append, OrderPlaced)
    failure = raising(kind)
    world.publisher.arm("publish", failure)

    order_id = world.order()  # committed; its events could not be delivered

    assert oms.get_order(order_id).status == "open"
    assert received == []
    assert relay.pending() >= 1
    unexpected_logged(logged, failure)

    again = raising(kind)
    world.publisher.arm("publish", again)
    with pytest.raises(errors.PublishError) as raised:
        relay.relay(grace=timedelta(0))
    translated(raised.value, again)

    assert relay.relay(grace=timedelta(0)) >= 1
    assert [e.order_id for e in received] == [order_id]  # type: ignore[attr-defined]
    assert relay.pending() == 0


# -- what is never swallowed -------------------------------------------------------------------


@pytest.mark.parametrize("kind", NOT_SWALLOWED, ids=lambda k: k.__name__)
def test_base_exceptions_are_never_swallowed_and_leave_everything_retryable(
    world: World, kind: type[BaseException]
) -> None:
    oms = world.oms
    order_id = world.order()
    world.parcel.arm("book", raising(kind))
    with pytest.raises(kind):
        oms.ship_order(order_id, carrier="parcel")
    [pending] = oms.order_shipments(order_id)
    assert (pending.status, pending.booking_error) == ("pending", "")
    assert oms.book_shipment(pending.id).status == "booked"

    world.notifications.arm("send", raising(kind))
    with pytest.raises(kind):
        oms.issue_invoice(order_id)
    [invoice] = oms.order_invoices(order_id)
    assert (invoice.sent_to, invoice.send_error) == ("", "")
    assert oms.resend_invoice(invoice.id).sent_to == "ap@acme.example"

    sku = world.new_sku()
    world.purchasing.arm("submit", raising(kind))
    with pytest.raises(kind):
        world.order(sku)
    [requisition] = [r for r in oms.open_purchase_requisitions() if r.sku == sku]
    assert (requisition.submitted, requisition.submission_error) == (False, "")
    assert oms.submit_pending_requisitions() == 1
