"""Wiring: the only module that knows concrete adapters."""

from __future__ import annotations

from ordermgmt.adapters.memory import InMemoryEventPublisher, InMemoryPurchasing, InMemoryStore
from ordermgmt.adapters.memory.store import InMemoryUnitOfWork
from ordermgmt.adapters.system import SystemClock, UuidIdGenerator
from ordermgmt.domain.inventory import AllocationPolicy, SingleLocationFirst
from ordermgmt.ports import (
    Clock,
    Dependencies,
    EventPublisher,
    IdGenerator,
    PurchasingPort,
    UnitOfWork,
)


def in_memory_dependencies(
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    purchasing: PurchasingPort | None = None,
    publisher: EventPublisher | None = None,
    allocation: AllocationPolicy | None = None,
    store: InMemoryStore | None = None,
) -> Dependencies:
    """Ports for an in-memory OMS; a fresh store and fresh adapters unless given."""
    store = store or InMemoryStore()
    events = publisher or InMemoryEventPublisher()

    def unit_of_work() -> UnitOfWork:
        return InMemoryUnitOfWork(store, events)

    return Dependencies(
        uow=unit_of_work,
        publisher=events,
        purchasing=purchasing or InMemoryPurchasing(),
        clock=clock or SystemClock(),
        ids=ids or UuidIdGenerator(),
        allocation=allocation or SingleLocationFirst(),
    )
