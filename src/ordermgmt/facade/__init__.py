"""OrderManagement: the one object callers talk to.

Every use case is a method with keyword arguments (plain values in, read-only views out) and is
also reachable as ``oms.execute(command)`` with a frozen command from :mod:`ordermgmt.messages`.
The facade knows ports, never adapters: ``in_memory`` and ``from_url`` hand over to
:mod:`ordermgmt.bootstrap`, the only module that knows concrete adapters.

The methods come in groups, one module each (``customers``, ``catalog``, ``stock``, ``orders``,
``accounting``, ``delivery``, ``returns``); each names its use case and command type, so mypy
checks what it returns. :func:`build` turns keyword arguments into a validated command.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ordermgmt import messages as m
from ordermgmt.domain.document import Seller
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.inventory import AllocationPolicy
from ordermgmt.domain.invoice import InvoicePolicy
from ordermgmt.domain.ledger import ChartOfAccounts
from ordermgmt.facade.accounting import AccountingMethods
from ordermgmt.facade.base import build
from ordermgmt.facade.catalog import CatalogMethods
from ordermgmt.facade.customers import CustomerMethods
from ordermgmt.facade.delivery import DeliveryMethods
from ordermgmt.facade.orders import OrderMethods
from ordermgmt.facade.returns import ReturnMethods
from ordermgmt.facade.stock import StockMethods
from ordermgmt.ports import (
    CarrierPort,
    Clock,
    Dependencies,
    DocumentRenderer,
    EventHandler,
    EventPublisher,
    IdGenerator,
    NotificationPort,
    PurchasingPort,
    Settings,
)
from ordermgmt.usecases import HANDLERS
from ordermgmt.usecases.retry import run_with_retry

__all__ = ["OrderManagement", "build"]


class OrderManagement(
    CustomerMethods,
    CatalogMethods,
    StockMethods,
    OrderMethods,
    AccountingMethods,
    DeliveryMethods,
    ReturnMethods,
):
    """The order-to-cash facade. Make one with :meth:`in_memory`, :meth:`from_url`, or from
    explicit :class:`~ordermgmt.ports.Dependencies`."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def in_memory(
        cls,
        *,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        purchasing: PurchasingPort | None = None,
        publisher: EventPublisher | None = None,
        allocation: AllocationPolicy | None = None,
        carriers: Sequence[CarrierPort] | None = None,
        notifications: NotificationPort | None = None,
        invoice_policy: str = "on_order",
        chart: ChartOfAccounts | None = None,
        seller: Seller | None = None,
        documents: DocumentRenderer | None = None,
    ) -> OrderManagement:
        """A complete, thread-safe OMS in memory: the test double of a whole OMS. Every argument
        left out gets a default: system clock, UUID ids, invoices on order, and, unlike
        :meth:`from_url`, the simulated adapters (recording purchasing and notifications, a
        simulated parcel carrier ``"parcel"``) besides the own fleet with one van
        (``"own-fleet"``). Carriers in ``carriers`` join these; one with the name of a built-in
        carrier replaces it. Nothing it does leaves the process. ``seller``: the company its
        invoices name, which e-invoices and PDFs need; ``documents``: what renders them (by
        default the e-invoice renderer, where the ``einvoice`` extra is installed)."""
        from ordermgmt import bootstrap  # the one sanctioned upward import (see pyproject)

        return cls(
            bootstrap.in_memory_dependencies(
                clock=clock,
                ids=ids,
                purchasing=purchasing,
                publisher=publisher,
                allocation=allocation,
                carriers=carriers,
                notifications=notifications,
                settings=_settings(invoice_policy, chart, seller),
                documents=documents,
            )
        )

    @classmethod
    def from_url(
        cls,
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
        invoice_policy: str = "on_order",
        chart: ChartOfAccounts | None = None,
        seller: Seller | None = None,
        documents: DocumentRenderer | None = None,
        simulate: Iterable[str] = (),
    ) -> OrderManagement:
        """An OMS on a database: ``sqlite:///orders.db`` (embedded) or
        ``postgresql+psycopg://user@host/db`` (extra ``ordermgmt[postgres]``), or on any
        storage another package registers for its URL scheme (entry point group
        ``ordermgmt.adapters``). An out-of-date or empty schema raises ``SchemaOutOfDate``
        unless ``migrate=True`` (or ``python -m ordermgmt db upgrade URL`` ran first).

        A durable OMS never claims an effect that did not happen, so nothing simulated serves
        unless ``simulate`` names it: ``"parcel"`` (a simulated parcel carrier),
        ``"purchasing"`` and ``"notifications"`` (recording adapters), for demos and tests;
        any other name is a ``ValidationError``. Without a purchasing adapter requisitions
        stay pending, without notifications invoices stay unsent (``resend_invoice`` sends them
        once one is configured), and the carriers are those in ``carriers`` plus the own fleet
        (``"own-fleet"``), unless one of them has that name and replaces it. ``seller`` and
        ``documents`` as in :meth:`in_memory`. Opening logs which adapter serves each port."""
        from ordermgmt import bootstrap  # the one sanctioned upward import (see pyproject)

        return cls(
            bootstrap.url_dependencies(
                url,
                migrate=migrate,
                clock=clock,
                ids=ids,
                purchasing=purchasing,
                publisher=publisher,
                allocation=allocation,
                carriers=carriers,
                notifications=notifications,
                settings=_settings(invoice_policy, chart, seller),
                documents=documents,
                simulate=simulate,
            )
        )

    def publish_pending_events(self) -> int:
        """Deliver committed events that were not delivered yet (after a crash, or after the
        event publisher failed); returns how many. Raises ``PublishError`` if the publisher
        fails again (the events stay pending)."""
        outbox = self._deps.outbox
        return 0 if outbox is None else outbox.relay()

    def close(self) -> None:
        """Release database connections (a no-op in memory). Also ``with OrderManagement...``."""
        if self._deps.close is not None:
            self._deps.close()

    def __enter__(self) -> OrderManagement:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def dependencies(self) -> Dependencies:
        """The ports this OMS runs on (for wiring in tests and integrations)."""
        return self._deps

    # -- generic ---------------------------------------------------------------------------

    def execute(self, command: m.Message) -> Any:
        """Run any command or query from :mod:`ordermgmt.messages` and return its result (what
        the facade method of the same use case returns). Raises what that use case raises, and
        ``ValidationError`` for a message type that is no known command or query.

        A use case whose transaction the database gave up on (a deadlock, a serialization
        failure, a busy database) is run again, a few times, before that is raised as
        ``TransientConflict`` (``retryable``)."""
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise ValidationError("command", type(command).__name__, "is not a known command")
        return run_with_retry(handler, self._deps, command)

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        """Receive events in real time, after each commit (of ``event_types``, if given)."""
        self._deps.publisher.subscribe(handler, *event_types)


def _settings(
    invoice_policy: str, chart: ChartOfAccounts | None, seller: Seller | None
) -> Settings:
    try:
        policy = InvoicePolicy(invoice_policy)
    except ValueError:
        raise ValidationError(
            "invoice_policy", invoice_policy, "must be 'on_order' or 'on_shipment'"
        ) from None
    return Settings(invoice_policy=policy, chart=chart or ChartOfAccounts(), seller=seller)
