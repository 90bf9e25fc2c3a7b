"""Wiring: the only module that knows concrete adapters."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import (
    InMemoryEventPublisher,
    InMemoryNotifications,
    InMemoryPurchasing,
    InMemoryStore,
)
from ordermgmt.adapters.memory.store import InMemoryUnitOfWork
from ordermgmt.adapters.system import SystemClock, UuidIdGenerator
from ordermgmt.domain.inventory import AllocationPolicy, SingleLocationFirst
from ordermgmt.ports import (
    CarrierPort,
    Clock,
    Dependencies,
    EventPublisher,
    IdGenerator,
    NotificationPort,
    PurchasingPort,
    Settings,
    UnitOfWork,
)


def in_memory_dependencies(
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    purchasing: PurchasingPort | None = None,
    publisher: EventPublisher | None = None,
    allocation: AllocationPolicy | None = None,
    carriers: Sequence[CarrierPort] | None = None,
    notifications: NotificationPort | None = None,
    settings: Settings | None = None,
    store: InMemoryStore | None = None,
) -> Dependencies:
    """Ports for an in-memory OMS; a fresh store and fresh adapters unless given."""
    store = store or InMemoryStore()
    events = publisher or InMemoryEventPublisher()
    clock = clock or SystemClock()
    if carriers is None:
        carriers = default_carriers(clock)

    def unit_of_work() -> UnitOfWork:
        return InMemoryUnitOfWork(store, events)

    return Dependencies(
        uow=unit_of_work,
        publisher=events,
        purchasing=purchasing or InMemoryPurchasing(),
        clock=clock,
        ids=ids or UuidIdGenerator(),
        allocation=allocation or SingleLocationFirst(),
        carriers={carrier.name: carrier for carrier in carriers},
        notifications=notifications or InMemoryNotifications(),
        settings=settings or Settings(),
    )


def default_carriers(clock: Clock) -> list[CarrierPort]:
    """A parcel service and an own fleet with one 1,000 kg van, Monday to Friday."""
    return [
        InMemoryCarrier(clock),
        OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))]),
    ]
