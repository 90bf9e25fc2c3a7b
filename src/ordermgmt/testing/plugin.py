"""The ordermgmt pytest plugin: an in-memory OMS for any test suite, in one fixture.

Installed with the package and loaded by pytest automatically (entry point ``pytest11``), so a
test only asks for it::

    from ordermgmt.testing import a_product, an_order

    def test_an_order_reserves_stock(oms):
        product = a_product(oms, stock={"MAIN": 3})
        order = an_order(oms, lines={product.sku: 2})
        assert order.fulfillment_status == "reserved"

Fixtures:

``oms``
    A fresh :class:`~ordermgmt.OrderManagement` in memory for every test, built from the
    fixtures below: business time from ``oms_clock``, ids from ``oms_ids``, requisitions sent
    to ``oms_purchasing``, invoices to ``oms_notifications``, events through ``oms_publisher``,
    and the carriers in ``oms_carriers`` besides the built-in ones.
``oms_clock``
    The :class:`~ordermgmt.testing.FixedClock` the OMS reads; it stands at
    :data:`~ordermgmt.testing.START` until the test moves it (``oms_clock.advance(...)``).
``oms_ids``
    The :class:`~ordermgmt.testing.SequentialIdGenerator` the OMS draws ids from
    (``id-000001``, ``id-000002``, ...).
``oms_purchasing``
    The :class:`~ordermgmt.testing.InMemoryPurchasing` that receives purchase requisitions
    (``oms_purchasing.submitted``; ``oms_purchasing.fail_next()`` simulates an outage).
``oms_notifications``
    The :class:`~ordermgmt.testing.InMemoryNotifications` that receives invoices and notices
    (``oms_notifications.sent``; ``oms_notifications.fail_next()`` simulates an outage).
``oms_carriers``
    Carriers of your own for ``oms``, empty by default. They join the built-in ones (the
    simulated ``"parcel"`` service and the ``"own-fleet"``); one with a built-in carrier's
    name replaces it.
``oms_publisher``
    The :class:`~ordermgmt.ports.EventPublisher` the OMS publishes committed events to
    (in-process delivery by default).
``oms_events``
    A list that receives every domain event the ``oms`` publishes after the fixture is set up.

Override any of them in a ``conftest.py`` or a test module to plug in your own adapter, your
carrier client against its sandbox, say, without rewriting ``oms``::

    @pytest.fixture
    def oms_carriers(oms_clock):
        return [MyCarrier(sandbox=True)]

or ``oms_clock`` to start on another day.
"""

from __future__ import annotations

import pytest

from ordermgmt.adapters.memory import InMemoryEventPublisher
from ordermgmt.domain.events import DomainEvent
from ordermgmt.facade import OrderManagement
from ordermgmt.ports import CarrierPort, EventPublisher, NotificationPort, PurchasingPort
from ordermgmt.testing import (
    START,
    FixedClock,
    InMemoryNotifications,
    InMemoryPurchasing,
    SequentialIdGenerator,
)


@pytest.fixture
def oms_clock() -> FixedClock:
    """Business time for ``oms``: a clock standing at ``ordermgmt.testing.START``."""
    return FixedClock(START)


@pytest.fixture
def oms_ids() -> SequentialIdGenerator:
    """Ids for ``oms``: ``id-000001``, ``id-000002``, ... in the order they are drawn."""
    return SequentialIdGenerator("id")


@pytest.fixture
def oms_purchasing() -> InMemoryPurchasing:
    """The purchasing system ``oms`` sends its purchase requisitions to."""
    return InMemoryPurchasing()


@pytest.fixture
def oms_notifications() -> InMemoryNotifications:
    """Where ``oms`` sends invoices and notices: a recorder of every message sent."""
    return InMemoryNotifications()


@pytest.fixture
def oms_carriers() -> list[CarrierPort]:
    """Carriers of your own for ``oms`` (none by default): they join the built-in ``parcel``
    and ``own-fleet`` carriers, replacing the one of their name."""
    return []


@pytest.fixture
def oms_publisher() -> EventPublisher:
    """The event publisher ``oms`` publishes committed events to (in-process by default)."""
    return InMemoryEventPublisher()


@pytest.fixture
def oms(
    oms_clock: FixedClock,
    oms_ids: SequentialIdGenerator,
    oms_purchasing: PurchasingPort,
    oms_notifications: NotificationPort,
    oms_carriers: list[CarrierPort],
    oms_publisher: EventPublisher,
) -> OrderManagement:
    """A fresh, empty in-memory OMS with deterministic time and ids."""
    return OrderManagement.in_memory(
        clock=oms_clock,
        ids=oms_ids,
        purchasing=oms_purchasing,
        notifications=oms_notifications,
        carriers=oms_carriers,
        publisher=oms_publisher,
    )


@pytest.fixture
def oms_events(oms: OrderManagement) -> list[DomainEvent]:
    """Every domain event ``oms`` publishes from now on, in the order published."""
    seen: list[DomainEvent] = []
    oms.subscribe(seen.append)
    return seen
