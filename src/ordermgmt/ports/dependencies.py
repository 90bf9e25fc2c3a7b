"""What a use case may reach: the unit of work and the driven ports (:class:`Dependencies`),
and the business :class:`Settings` of one OMS."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ordermgmt.domain.document import Seller
from ordermgmt.domain.inventory import AllocationPolicy
from ordermgmt.domain.invoice import InvoicePolicy
from ordermgmt.domain.ledger import ChartOfAccounts
from ordermgmt.ports.carriers import CarrierPort
from ordermgmt.ports.documents import DocumentRenderer
from ordermgmt.ports.events import EventPublisher, OutboxRelay
from ordermgmt.ports.notifications import NotificationPort
from ordermgmt.ports.purchasing import PurchasingPort
from ordermgmt.ports.time_and_ids import Clock, IdGenerator
from ordermgmt.ports.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Business settings of one OMS."""

    #: What ``issue_invoice`` bills: everything ordered (``on_order``) or what was shipped
    #: (``on_shipment``), less what was already invoiced.
    invoice_policy: InvoicePolicy = InvoicePolicy.ON_ORDER
    #: The account codes every posting uses.
    chart: ChartOfAccounts = field(default_factory=ChartOfAccounts)
    #: The company that sells, as invoices name it. Without one, invoices are issued and
    #: posted as ever, but no e-invoice or PDF can be made of them (``DocumentError``), and
    #: every line keeps its product's domestic VAT category.
    seller: Seller | None = None


@dataclass(frozen=True, kw_only=True)
class Dependencies:
    """Everything a use case may reach: the unit of work and the driven ports."""

    uow: UnitOfWorkFactory
    publisher: EventPublisher
    #: Where requisitions go; None hands nothing over (they stay pending, ``submitted`` False,
    #: until an OMS with a purchasing adapter runs ``submit_pending_requisitions``).
    purchasing: PurchasingPort | None
    clock: Clock
    ids: IdGenerator
    allocation: AllocationPolicy
    #: Carriers by :attr:`CarrierPort.name`.
    carriers: Mapping[str, CarrierPort] = field(default_factory=dict)
    #: Where invoices are sent; None sends nothing (``sent_to`` stays empty, and
    #: ``resend_invoice`` raises ``NotificationError`` until one is configured).
    notifications: NotificationPort | None = None
    settings: Settings = field(default_factory=Settings)
    #: Turns issued invoices and credit notes into files (e-invoices, PDF); None where the
    #: ``einvoice`` extra is not installed (asking for a document raises ``DocumentError``).
    documents: DocumentRenderer | None = None
    #: Redelivers committed events after a crash; None where the store has no outbox (memory).
    outbox: OutboxRelay | None = None
    #: Releases what the adapters hold (database connections); None when nothing to release.
    close: Callable[[], None] | None = None
