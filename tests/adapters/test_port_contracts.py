"""The contract suites of the outside ports against every adapter we ship, and the proof that
each suite catches an adapter that breaks its port's promise."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest

from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.einvoice import EInvoiceRenderer
from ordermgmt.adapters.memory import (
    FixedClock,
    InMemoryEventPublisher,
    InMemoryNotifications,
    InMemoryPurchasing,
)
from ordermgmt.domain.document import DocumentFormat, InvoiceDocument
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.purchasing import PurchaseRequisition
from ordermgmt.domain.shipment import Booking, RateQuote, ShipmentRequest
from ordermgmt.ports import CarrierPort, EventHandler, OutgoingMessage, RenderedDocument
from ordermgmt.testing.contracts import (
    CarrierContract,
    CarrierOutageContract,
    DocumentRendererContract,
    EventPublisherContract,
    NotificationContract,
    NotificationOutageContract,
    PurchasingContract,
    PurchasingOutageContract,
    RecordingPublisher,
    SubscriberFailureContract,
)
from ordermgmt.testing.contracts.purchasing import Held
from ordermgmt.testing.contracts.renderers import a_document

PORT_CONTRACTS = [
    DocumentRendererContract,
    CarrierContract,
    CarrierOutageContract,
    PurchasingContract,
    PurchasingOutageContract,
    NotificationContract,
    NotificationOutageContract,
    EventPublisherContract,
    SubscriberFailureContract,
]


# -- carriers ------------------------------------------------------------------------------------


class TestSimulatedParcelCarrier(CarrierOutageContract):
    @pytest.fixture
    def carrier(self) -> InMemoryCarrier:
        return InMemoryCarrier(FixedClock())

    @pytest.fixture
    def outage(self, carrier: InMemoryCarrier) -> Callable[[], None]:
        return carrier.fail_next


class TestOwnFleet(CarrierContract):
    """The own fleet plans vans in this process: it has no outage to simulate."""

    @pytest.fixture
    def carrier(self) -> OwnFleetCarrier:
        return OwnFleetCarrier(FixedClock(), [Vehicle("VAN-1", Decimal(1000))])


# -- purchasing and notifications ----------------------------------------------------------------


class TestRecordingPurchasing(PurchasingOutageContract):
    @pytest.fixture
    def purchasing(self) -> InMemoryPurchasing:
        return InMemoryPurchasing()

    @pytest.fixture
    def held(self, purchasing: InMemoryPurchasing) -> Callable[[], Held]:
        return lambda: [(r.id, r.sku, r.quantity) for r in purchasing.submitted.values()]

    @pytest.fixture
    def outage(self, purchasing: InMemoryPurchasing) -> Callable[[], None]:
        return purchasing.fail_next


class TestRecordingNotifications(NotificationOutageContract):
    @pytest.fixture
    def notifications(self) -> InMemoryNotifications:
        return InMemoryNotifications()

    @pytest.fixture
    def delivered(
        self, notifications: InMemoryNotifications
    ) -> Callable[[], Sequence[OutgoingMessage]]:
        return lambda: list(notifications.sent)

    @pytest.fixture
    def outage(self, notifications: InMemoryNotifications) -> Callable[[], None]:
        return notifications.fail_next


# -- document renderers --------------------------------------------------------------------------


class TestEInvoiceRenderer(DocumentRendererContract):
    @pytest.fixture
    def renderer(self) -> EInvoiceRenderer:
        return EInvoiceRenderer()


# -- event publishers ----------------------------------------------------------------------------


class TestInMemoryPublisher(EventPublisherContract, SubscriberFailureContract):
    @pytest.fixture
    def event_publisher(self) -> InMemoryEventPublisher:
        return InMemoryEventPublisher()

    @pytest.fixture
    def redeliver(self, event_publisher: InMemoryEventPublisher) -> Callable[[], int]:
        return event_publisher.redeliver_failed


class TestRecordingPublisher(EventPublisherContract):
    """The storage suites' publisher lets a failing subscriber's error through on purpose (a
    broken test shows), so it passes the delivery contract and not the failure one."""

    @pytest.fixture
    def event_publisher(self) -> RecordingPublisher:
        return RecordingPublisher()


def test_every_port_contract_runs_here() -> None:
    run = {
        base
        for name, cls in globals().items()
        if name.startswith("Test") and isinstance(cls, type)
        for base in cls.__mro__
    }
    assert set(PORT_CONTRACTS) <= run


# -- each suite fails a broken adapter -----------------------------------------------------------


class CarrierThatBooksTwice(InMemoryCarrier):
    """Books a shipment anew on every call: not idempotent by shipment id."""

    calls = 0

    def book(self, request: ShipmentRequest) -> Booking:
        self.calls += 1
        return super().book(dataclasses.replace(request, shipment_id=f"x{self.calls}", number=""))


class CarrierThatLeaks(InMemoryCarrier):
    """Lets its SDK's errors out instead of translating them into ``CarrierError``."""

    def track(self, tracking_number: str) -> list[object]:  # type: ignore[override]
        raise KeyError(tracking_number)


class CarrierQuotingDearestFirst(InMemoryCarrier):
    def quote(self, request: ShipmentRequest) -> list[RateQuote]:
        [standard] = super().quote(request)
        express = dataclasses.replace(standard, service="express", price=standard.price * 3)
        return [express, standard]


def test_the_carrier_suite_fails_a_broken_carrier() -> None:
    suite = CarrierContract()
    twice: CarrierPort = CarrierThatBooksTwice(FixedClock())
    with pytest.raises(AssertionError):
        suite.test_carrier_booking_a_shipment_again_returns_the_first_booking(twice)
    with pytest.raises(KeyError):
        suite.test_carrier_track_of_an_unknown_number_raises_carrier_error(
            CarrierThatLeaks(FixedClock())
        )
    with pytest.raises(AssertionError):
        suite.test_carrier_quotes_cheapest_first_in_the_requests_currency(
            CarrierQuotingDearestFirst(FixedClock())
        )


class PurchasingThatOrdersTwice:
    """Passes on every submission: a retry orders the goods twice."""

    def __init__(self) -> None:
        self.orders: list[PurchaseRequisition] = []

    def submit(self, requisition: PurchaseRequisition) -> None:
        self.orders.append(requisition)


def test_the_purchasing_suite_fails_a_purchasing_adapter_that_is_not_idempotent() -> None:
    broken = PurchasingThatOrdersTwice()

    def held() -> Held:
        return [(r.id, r.sku, r.quantity) for r in broken.orders]

    with pytest.raises(AssertionError):
        PurchasingContract().test_purchasing_submitting_again_holds_the_requisition_once(
            broken, held
        )


class NotificationsWithoutAttachments(InMemoryNotifications):
    def send(self, message: OutgoingMessage) -> None:
        super().send(dataclasses.replace(message, attachment_name="", attachment=""))


def test_the_notification_suite_fails_an_adapter_that_drops_attachments() -> None:
    broken = NotificationsWithoutAttachments()
    with pytest.raises(AssertionError):
        NotificationContract().test_notifications_a_sent_message_arrives_whole(
            broken, lambda: list(broken.sent)
        )


class RendererNamingEveryFileAlike(EInvoiceRenderer):
    """Names every file ``invoice.pdf``, whatever it is."""

    def render(self, document: InvoiceDocument, format: DocumentFormat) -> RenderedDocument:
        rendered = super().render(document, format)
        return dataclasses.replace(rendered, filename="invoice.pdf")


def test_the_renderer_suite_fails_a_renderer_that_misnames_its_files() -> None:
    with pytest.raises(AssertionError):
        DocumentRendererContract().test_renderer_renders_each_format_as_a_named_file(
            RendererNamingEveryFileAlike(), a_document()
        )


class PublisherIgnoringTypes(InMemoryEventPublisher):
    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        super().subscribe(handler)


def test_the_publisher_suites_fail_broken_publishers() -> None:
    with pytest.raises(AssertionError):
        EventPublisherContract().test_publisher_delivers_only_the_types_subscribed_to(
            PublisherIgnoringTypes()
        )
    # The recording publisher stops at a failing subscriber, as it is meant to in a test.
    with pytest.raises(RuntimeError):
        SubscriberFailureContract().test_publisher_a_failing_subscriber_does_not_stop_the_others(
            RecordingPublisher()
        )
    # A publisher that forgets what a subscriber failed on.
    with pytest.raises(AssertionError):
        SubscriberFailureContract().test_publisher_a_failed_delivery_is_made_again(
            InMemoryEventPublisher(), lambda: None
        )
