"""Wiring: the only module that knows concrete adapters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import (
    InMemoryEventPublisher,
    InMemoryNotifications,
    InMemoryPurchasing,
    InMemoryStore,
)
from ordermgmt.adapters.memory.store import InMemoryUnitOfWork
from ordermgmt.adapters.system import SystemClock, UuidIdGenerator
from ordermgmt.domain.errors import ValidationError
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
    ids = ids or UuidIdGenerator()

    def unit_of_work() -> UnitOfWork:
        return InMemoryUnitOfWork(store, events, ids)

    return _assemble(
        unit_of_work,
        events,
        clock=clock,
        ids=ids,
        purchasing=purchasing,
        allocation=allocation,
        carriers=carriers,
        notifications=notifications,
        settings=settings,
    )


def _assemble(
    uow: Callable[[], UnitOfWork],
    publisher: EventPublisher,
    *,
    clock: Clock | None,
    ids: IdGenerator | None,
    purchasing: PurchasingPort | None,
    allocation: AllocationPolicy | None,
    carriers: Sequence[CarrierPort] | None,
    notifications: NotificationPort | None,
    settings: Settings | None,
    **storage: Any,
) -> Dependencies:
    """Dependencies around a unit of work factory, with the defaults for every port not given:
    the system clock, UUIDs, in-memory purchasing and notifications, :func:`default_carriers`,
    the single-location-first allocation policy and default settings. ``storage`` passes on
    what a store adds (``outbox``, ``close``)."""
    clock = clock or SystemClock()
    return Dependencies(
        uow=uow,
        publisher=publisher,
        purchasing=purchasing or InMemoryPurchasing(),
        clock=clock,
        ids=ids or UuidIdGenerator(),
        allocation=allocation or SingleLocationFirst(),
        carriers={c.name: c for c in (default_carriers(clock) if carriers is None else carriers)},
        notifications=notifications or InMemoryNotifications(),
        settings=settings or Settings(),
        **storage,
    )


def default_carriers(clock: Clock) -> list[CarrierPort]:
    """A parcel service and an own fleet with one 1,000 kg van, Monday to Friday."""
    return [
        InMemoryCarrier(clock),
        OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))]),
    ]


def sql_dependencies(
    url: str,
    *,
    migrate: bool = False,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    purchasing: PurchasingPort | None = None,
    publisher: EventPublisher | None = None,
    allocation: AllocationPolicy | None = None,
    carriers: Sequence[CarrierPort] | None = None,
    notifications: NotificationPort | None = None,
    settings: Settings | None = None,
    engine_options: dict[str, Any] | None = None,
) -> Dependencies:
    """Ports for an OMS on a database. Refuses an out-of-date schema unless ``migrate``."""
    from ordermgmt.adapters.sqlalchemy import (
        SqlAlchemyOutboxRelay,
        SqlAlchemyUnitOfWorkFactory,
        check,
        open_engine,
        upgrade,
    )

    engine = open_engine(url, **(engine_options or {}))
    if migrate:
        upgrade(engine)
    check(engine, url)
    events = publisher or InMemoryEventPublisher()
    ids = ids or UuidIdGenerator()
    factory = SqlAlchemyUnitOfWorkFactory(engine, events, ids)
    return _assemble(
        factory,
        events,
        clock=clock,
        ids=ids,
        purchasing=purchasing,
        allocation=allocation,
        carriers=carriers,
        notifications=notifications,
        settings=settings,
        outbox=SqlAlchemyOutboxRelay(engine, events, before=factory.flush_marks),
        close=lambda: _close(factory),
    )


def _close(factory: Any) -> None:
    """Mark what was delivered, then release the engine's connections."""
    factory.flush_marks()
    factory.engine.dispose()


#: Entry point group through which other packages add storage (keyed by URL scheme).
ENTRY_POINT_GROUP = "ordermgmt.adapters"
BUILT_IN_SCHEMES = ("sqlite", "postgresql")


def url_dependencies(url: str, **options: Any) -> Dependencies:
    """Ports for the storage named by ``url``'s scheme: SQLite and PostgreSQL built in, any
    other scheme from a package that registers an entry point in ``ordermgmt.adapters`` under
    that scheme, pointing at a callable ``(url, **options) -> Dependencies``."""
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower() if ":" in url else ""
    if scheme in BUILT_IN_SCHEMES:
        return sql_dependencies(url, **options)
    plugins = {ep.name: ep for ep in _entry_points(ENTRY_POINT_GROUP)}
    plugin = plugins.get(scheme)
    if plugin is None:
        known = ", ".join(sorted({*BUILT_IN_SCHEMES, *plugins}))
        raise ValidationError("url", url, f"no storage for this scheme; known: {known}")
    factory = plugin.load()
    deps = factory(url, **options)
    if not isinstance(deps, Dependencies):
        raise ValidationError("url", url, f"the {scheme!r} adapter did not return Dependencies")
    return deps


def _entry_points(group: str) -> list[EntryPoint]:
    return list(entry_points(group=group))
