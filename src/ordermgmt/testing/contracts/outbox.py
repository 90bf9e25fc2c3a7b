"""The outbox relay contract."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest

from ordermgmt.domain.order import Order
from ordermgmt.ports import OutboxRelay, UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _commit, _Contract, _read
from ordermgmt.testing.contracts._data import T0, _line, _order
from ordermgmt.testing.contracts.recording import PublisherUnavailable, RecordingPublisher


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
