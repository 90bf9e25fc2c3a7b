"""Ports: the only doors between the use cases and the outside world.

Each is a small :class:`typing.Protocol` with one role. A method's docstring is its contract:
what it returns, which :mod:`ordermgmt.errors` it raises, and what it promises under
concurrency. Every port has a contract suite in :mod:`ordermgmt.testing.contracts`, and every
port with state or an outside system behind it an in-memory reference adapter
(:mod:`ordermgmt.adapters.memory`); the document renderer is pure computation, served by
:mod:`ordermgmt.adapters.einvoice` alone.

Every port is importable from here (``from ordermgmt.ports import UnitOfWork``); they live in
one module per role: :mod:`~ordermgmt.ports.time_and_ids`, :mod:`~ordermgmt.ports.repositories`,
:mod:`~ordermgmt.ports.unit_of_work`, :mod:`~ordermgmt.ports.events`,
:mod:`~ordermgmt.ports.purchasing`, :mod:`~ordermgmt.ports.carriers`,
:mod:`~ordermgmt.ports.notifications`, :mod:`~ordermgmt.ports.documents` (invoices as files)
and :mod:`~ordermgmt.ports.dependencies` (what a use case may reach).
:mod:`~ordermgmt.ports.queries` says what the repositories' list queries select.
"""

import warnings
from typing import TYPE_CHECKING

from ordermgmt.ports.carriers import CarrierPort
from ordermgmt.ports.dependencies import Dependencies, Settings
from ordermgmt.ports.documents import DocumentFormat, DocumentRenderer, RenderedDocument
from ordermgmt.ports.events import EventHandler, EventPublisher, OutboxRelay
from ordermgmt.ports.notifications import Attachment, NotificationPort, OutgoingMessage
from ordermgmt.ports.purchasing import PurchasingPort
from ordermgmt.ports.repositories import (
    CreditNoteRepository,
    CustomerRepository,
    IdempotencyRepository,
    InvoiceRepository,
    LedgerRepository,
    LocationRepository,
    OrderRepository,
    PaymentRepository,
    ProductRepository,
    ReceiptRepository,
    RequisitionRepository,
    ReturnRepository,
    SequenceRepository,
    ShipmentRepository,
    StockRepository,
)
from ordermgmt.ports.time_and_ids import Clock, IdGenerator
from ordermgmt.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

__all__ = [
    "Attachment",
    "CarrierPort",
    "Clock",
    "CreditNoteRepository",
    "CustomerRepository",
    "Dependencies",
    "DocumentFormat",
    "DocumentRenderer",
    "EventHandler",
    "EventPublisher",
    "IdGenerator",
    "IdempotencyRepository",
    "InvoiceRepository",
    "LedgerRepository",
    "LocationRepository",
    "NotificationPort",
    "OrderRepository",
    "OutboxRelay",
    "OutgoingMessage",
    "PaymentRepository",
    "ProductRepository",
    "PurchasingPort",
    "ReceiptRepository",
    "RenderedDocument",
    "RequisitionRepository",
    "ReturnRepository",
    "SequenceRepository",
    "Settings",
    "ShipmentRepository",
    "StockRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
]

#: Names this package had before, and what they are called now.
_RENAMED = {"Message": "OutgoingMessage"}

if not TYPE_CHECKING:  # type checkers see only the current names

    def __getattr__(name: str) -> object:
        """The old name ``Message`` still works, with a ``DeprecationWarning``: it clashed with
        :class:`ordermgmt.messages.Message`, the base of commands and queries."""
        if name in _RENAMED:
            new = _RENAMED[name]
            warnings.warn(
                f"ordermgmt.ports.{name} is now ordermgmt.ports.{new}",
                DeprecationWarning,
                stacklevel=2,
            )
            return globals()[new]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
