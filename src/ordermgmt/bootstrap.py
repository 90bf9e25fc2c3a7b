"""Wiring: the only module that knows concrete adapters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import (
    InMemoryEventPublisher,
    InMemoryNotifications,
    InMemoryPurchasing,
    InMemoryStore,
)
from ordermgmt.adapters.memory.outbox import InMemoryOutboxRelay
from ordermgmt.adapters.memory.store import InMemoryUnitOfWork
from ordermgmt.adapters.system import SystemClock, UuidIdGenerator
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.inventory import AllocationPolicy, SingleLocationFirst
from ordermgmt.ports import (
    CarrierPort,
    Clock,
    Dependencies,
    DocumentRenderer,
    EventPublisher,
    IdGenerator,
    NotificationPort,
    PurchasingPort,
    Settings,
    UnitOfWork,
)

#: The simulated adapters, by the names ``simulate=`` asks for them: the ``parcel`` carrier
#: (:class:`~ordermgmt.adapters.carriers.InMemoryCarrier`), recording ``purchasing`` and
#: recording ``notifications``. None of them reaches the outside world.
SIMULATIONS = ("parcel", "purchasing", "notifications")

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger("ordermgmt.bootstrap")


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
    documents: DocumentRenderer | None = None,
) -> Dependencies:
    """Ports for an in-memory OMS; a fresh store and fresh adapters unless given. It is the
    test double of a whole OMS, so every simulation in :data:`SIMULATIONS` serves where no
    adapter is given."""
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
        documents=documents,
        simulate=SIMULATIONS,
        outbox=InMemoryOutboxRelay(store, events),
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
    simulate: Collection[str],
    documents: DocumentRenderer | None = None,
    **storage: Any,
) -> Dependencies:
    """Dependencies around a unit of work factory, with the defaults for every port not given:
    the system clock, UUIDs, the single-location-first allocation policy and default settings;
    the own fleet (:func:`default_carriers`) besides the given ``carriers`` (see
    :func:`merge_carriers`); the simulations named in
    ``simulate`` where their port has no adapter, and none otherwise (no purchasing, no
    notifications). ``storage`` passes on what a store adds (``outbox``, ``close``)."""
    clock = clock or SystemClock()
    fleet = merge_carriers(carriers or (), default_carriers(clock))
    if "parcel" in simulate and "parcel" not in fleet:
        fleet = {"parcel": InMemoryCarrier(clock), **fleet}
    if purchasing is None and "purchasing" in simulate:
        purchasing = InMemoryPurchasing()
    if notifications is None and "notifications" in simulate:
        notifications = InMemoryNotifications()
    return Dependencies(
        uow=uow,
        publisher=publisher,
        purchasing=purchasing,
        clock=clock,
        ids=ids or UuidIdGenerator(),
        allocation=allocation or SingleLocationFirst(),
        carriers=fleet,
        notifications=notifications,
        settings=settings or Settings(),
        documents=documents or default_documents(),
        **storage,
    )


def default_documents() -> DocumentRenderer | None:
    """The e-invoice and PDF renderer where the ``einvoice`` extra is installed, else None
    (asking for a document then raises ``DocumentError`` saying what to install)."""
    from ordermgmt.adapters.einvoice import EInvoiceRenderer

    return EInvoiceRenderer() if EInvoiceRenderer.available() else None


def simulations(simulate: Iterable[str]) -> frozenset[str]:
    """The names in ``simulate``, checked against :data:`SIMULATIONS` (``ValidationError``
    for any other; a single string counts as one name)."""
    names = (simulate,) if isinstance(simulate, str) else tuple(simulate)
    for name in names:
        if name not in SIMULATIONS:
            known = ", ".join(SIMULATIONS)
            raise ValidationError("simulate", name, f"is no simulated adapter; known: {known}")
    return frozenset(names)


def merge_carriers(
    given: Iterable[CarrierPort], built_in: Iterable[CarrierPort]
) -> dict[str, CarrierPort]:
    """Carriers by name: the given ones in their order, then every built-in carrier whose name
    none of them has. So a given carrier replaces the built-in carrier of its name (pass an
    ``OwnFleetCarrier`` named ``"own-fleet"`` to plan your own vans), and every other built-in
    carrier stays. Two given carriers with one name are a ``ValidationError``: one of them
    would be dropped without a word."""
    merged: dict[str, CarrierPort] = {}
    for carrier in given:
        if carrier.name in merged:
            raise ValidationError("carriers", carrier.name, "two carriers have this name")
        merged[carrier.name] = carrier
    for carrier in built_in:
        merged.setdefault(carrier.name, carrier)
    return merged


def default_carriers(clock: Clock) -> list[CarrierPort]:
    """The company's own fleet with one 1,000 kg van, Monday to Friday (a real carrier, not a
    simulation: it plans the company's own vans)."""
    return [OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))])]


def describe_wiring(deps: Dependencies, where: str) -> str:
    """One line naming the adapter that serves each port (class names only, never settings or
    secrets), and what a port without one does."""

    def name(adapter: object) -> str:
        kind = type(adapter).__name__
        simulated = isinstance(
            adapter, InMemoryCarrier | InMemoryPurchasing | InMemoryNotifications
        )
        return f"{kind} (simulated)" if simulated else kind

    carriers = ", ".join(f"{key}={name(c)}" for key, c in sorted(deps.carriers.items()))
    purchasing = (
        name(deps.purchasing) if deps.purchasing is not None else "none (requisitions stay pending)"
    )
    notifications = (
        name(deps.notifications)
        if deps.notifications is not None
        else "none (invoices stay unsent)"
    )
    return (
        f"ordermgmt on {where}: carriers [{carriers or 'none'}]; purchasing {purchasing}; "
        f"notifications {notifications}; event publisher {name(deps.publisher)}; "
        f"outbox {name(deps.outbox) if deps.outbox is not None else 'none'}; "
        f"clock {name(deps.clock)}; ids {name(deps.ids)}; allocation {name(deps.allocation)}"
    )


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
    simulate: Iterable[str] = (),
    documents: DocumentRenderer | None = None,
) -> Dependencies:
    """Ports for an OMS on a database. Refuses an out-of-date schema unless ``migrate``.

    Nothing simulated serves unless named in ``simulate`` (see :data:`SIMULATIONS`): without a
    purchasing adapter requisitions stay pending, without notifications invoices stay unsent,
    and the only carriers are those in ``carriers`` and the own fleet. Logs once, at INFO,
    which adapter serves each port.
    """
    from sqlalchemy.engine import make_url

    from ordermgmt.adapters.sqlalchemy import SqlAlchemyOutboxRelay, SqlAlchemyUnitOfWorkFactory

    wanted = simulations(simulate)
    engine = _open_database(url, migrate, engine_options or {})
    events = publisher or InMemoryEventPublisher()
    ids = ids or UuidIdGenerator()
    factory = SqlAlchemyUnitOfWorkFactory(engine, events, ids)
    deps = _assemble(
        factory,
        events,
        clock=clock,
        ids=ids,
        purchasing=purchasing,
        allocation=allocation,
        carriers=carriers,
        notifications=notifications,
        settings=settings,
        documents=documents,
        simulate=wanted,
        outbox=SqlAlchemyOutboxRelay(engine, events, before=factory.flush_marks),
        close=lambda: _close(factory),
    )
    log.info(describe_wiring(deps, make_url(url).render_as_string(hide_password=True)))
    return deps


def _open_database(url: str, migrate: bool, engine_options: dict[str, Any]) -> Engine:
    """The engine for ``url``, its schema brought up to date if ``migrate``, else checked
    (``SchemaOutOfDate`` if it is behind)."""
    from ordermgmt.adapters.sqlalchemy import check, open_engine, upgrade

    engine = open_engine(url, **engine_options)
    if migrate:
        upgrade(engine)
    check(engine, url)
    return engine


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
    documents = options.pop("documents", None)
    plugins = {ep.name: ep for ep in _entry_points(ENTRY_POINT_GROUP)}
    plugin = plugins.get(scheme)
    if plugin is None:
        known = ", ".join(sorted({*BUILT_IN_SCHEMES, *plugins}))
        raise ValidationError("url", url, f"no storage for this scheme; known: {known}")
    factory = plugin.load()
    deps = factory(url, **options)
    if not isinstance(deps, Dependencies):
        raise ValidationError("url", url, f"the {scheme!r} adapter did not return Dependencies")
    if documents is not None:
        deps = replace(deps, documents=documents)
    log.info(describe_wiring(deps, f"{scheme} storage"))
    return deps


def _entry_points(group: str) -> list[EntryPoint]:
    return list(entry_points(group=group))
