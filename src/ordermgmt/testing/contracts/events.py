"""The event publisher contracts: what every :class:`~ordermgmt.ports.EventPublisher` adapter
promises about subscribing, publishing and failing subscribers."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from ordermgmt.domain.events import (
    CustomerRegistered,
    DomainEvent,
    OrderCancelled,
    OrderHeld,
    ProductDeactivated,
)
from ordermgmt.errors import PublishError
from ordermgmt.ports import EventPublisher

_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def some_events() -> list[DomainEvent]:
    """Three committed events of three types, each with its own event id."""
    return [
        CustomerRegistered(
            occurred_at=_AT, event_id="E-1", customer_id="C-1", customer_name="ACME", kind="b2b"
        ),
        OrderHeld(occurred_at=_AT, event_id="E-2", order_id="O-1", number="SO-1", reason="x"),
        ProductDeactivated(occurred_at=_AT, event_id="E-3", sku="DESK"),
    ]


def _ids(events: list[DomainEvent]) -> list[str]:
    return [event.event_id for event in events]


class _PublisherFixture:
    def settle(self, event_publisher: EventPublisher) -> None:
        """Override for a publisher that delivers in the background: wait until what was
        published reached the subscribers (a synchronous publisher has nothing to wait for)."""

    @pytest.fixture
    def event_publisher(self) -> EventPublisher:
        """Override: the event publisher under test, with no subscriber, fresh per test."""
        pytest.fail(
            f"{type(self).__name__} needs an `event_publisher` fixture: the EventPublisher "
            "adapter under test (see ordermgmt.testing.contracts.EventPublisherContract)"
        )


class EventPublisherContract(_PublisherFixture):
    """:class:`~ordermgmt.ports.EventPublisher`: every subscriber gets every later event of the
    types it asked for, in the order published, each with its event id.

    Needs the fixture ``event_publisher``: your publisher with no subscriber yet, fresh for
    every test. Subscribers are called by the time ``publish`` returns or, for a publisher
    that hands events to a broker or a worker thread, later: then also override
    :meth:`settle` to wait for that.
    """

    def test_publisher_delivers_events_in_the_order_published(
        self, event_publisher: EventPublisher
    ) -> None:
        seen: list[DomainEvent] = []
        event_publisher.subscribe(seen.append)
        events = some_events()
        event_publisher.publish(events[:2])
        event_publisher.publish(events[2:])
        self.settle(event_publisher)
        assert seen == events

    def test_publisher_delivers_every_event_to_every_subscriber(
        self, event_publisher: EventPublisher
    ) -> None:
        first: list[DomainEvent] = []
        second: list[DomainEvent] = []
        event_publisher.subscribe(first.append)
        event_publisher.subscribe(second.append)
        event_publisher.publish(some_events())
        self.settle(event_publisher)
        assert _ids(first) == _ids(second) == ["E-1", "E-2", "E-3"]

    def test_publisher_delivers_only_the_types_subscribed_to(
        self, event_publisher: EventPublisher
    ) -> None:
        orders: list[DomainEvent] = []
        either: list[DomainEvent] = []
        event_publisher.subscribe(orders.append, OrderHeld)
        event_publisher.subscribe(either.append, CustomerRegistered, ProductDeactivated)
        event_publisher.publish(some_events())
        self.settle(event_publisher)
        assert _ids(orders) == ["E-2"]
        assert _ids(either) == ["E-1", "E-3"]

    def test_publisher_a_subscriber_gets_only_later_events(
        self, event_publisher: EventPublisher
    ) -> None:
        events = some_events()
        event_publisher.publish(events[:1])
        self.settle(event_publisher)
        late: list[DomainEvent] = []
        event_publisher.subscribe(late.append)
        event_publisher.publish(events[1:])
        self.settle(event_publisher)
        assert _ids(late) == ["E-2", "E-3"]

    def test_publisher_publishing_nothing_delivers_nothing(
        self, event_publisher: EventPublisher
    ) -> None:
        seen: list[DomainEvent] = []
        event_publisher.subscribe(seen.append)
        event_publisher.publish([])
        event_publisher.publish(some_events()[:1])
        self.settle(event_publisher)
        assert _ids(seen) == ["E-1"]


class SubscriberFailureContract(_PublisherFixture):
    """:class:`~ordermgmt.ports.EventPublisher` with a failing subscriber: the others still get
    every event, and the failed delivery is kept and made again, never dropped.

    Needs ``event_publisher`` as :class:`EventPublisherContract` does, and ``redeliver``: a
    callable that makes the publisher deliver again what subscribers failed on (what your
    retry job or the broker's redelivery does). A publisher that delivers in the background
    overrides :meth:`settle` as for :class:`EventPublisherContract`.
    """

    @pytest.fixture
    def redeliver(self) -> Callable[[], object]:
        """Override: deliver again, now, every event a subscriber failed on."""
        pytest.fail(
            f"{type(self).__name__} needs a `redeliver` fixture: a callable that delivers "
            "again what subscribers failed on"
        )

    @staticmethod
    def _flaky(seen: list[DomainEvent], failures: int) -> Callable[[DomainEvent], None]:
        """A subscriber that fails on its first ``failures`` events, then records them."""
        left = [failures]

        def handle(event: DomainEvent) -> None:
            if left[0] > 0:
                left[0] -= 1
                raise RuntimeError(f"subscriber down, {event.name} not handled")
            seen.append(event)

        return handle

    def test_publisher_a_failing_subscriber_does_not_stop_the_others(
        self, event_publisher: EventPublisher
    ) -> None:
        before: list[DomainEvent] = []
        after: list[DomainEvent] = []
        event_publisher.subscribe(before.append)
        event_publisher.subscribe(self._flaky([], failures=10))
        event_publisher.subscribe(after.append)
        with contextlib.suppress(PublishError):  # reporting the failure is allowed
            event_publisher.publish(some_events())
        self.settle(event_publisher)
        assert _ids(before) == _ids(after) == ["E-1", "E-2", "E-3"]

    def test_publisher_a_failed_delivery_is_made_again(
        self, event_publisher: EventPublisher, redeliver: Callable[[], object]
    ) -> None:
        seen: list[DomainEvent] = []
        event_publisher.subscribe(self._flaky(seen, failures=1), OrderHeld, OrderCancelled)
        with contextlib.suppress(PublishError):
            event_publisher.publish(some_events())
        self.settle(event_publisher)
        assert seen == []
        redeliver()
        self.settle(event_publisher)
        assert _ids(seen) == ["E-2"]
