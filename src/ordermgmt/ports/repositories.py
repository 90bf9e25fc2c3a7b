"""The repositories: one port per aggregate, each reached through the unit of work.

Repositories live inside a unit of work. Every object they return belongs to that unit of
work: changes to it are written when the unit of work commits and vanish when it does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.domain.ledger import JournalEntry
from ordermgmt.domain.order import Order
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition, SupplierReceipt
from ordermgmt.domain.returns import ReturnRequest
from ordermgmt.domain.shipment import Shipment
from ordermgmt.ports.queries import OrderSearch


class CustomerRepository(Protocol):
    """Customers (Kunden) by id. A customer changed in two units of work at once: the later
    commit raises ``ConcurrencyConflict`` (optimistic, by version)."""

    def get(self, customer_id: str) -> Customer:
        """The customer; raises ``NotFound`` if there is none with this id."""
        ...

    def add(self, customer: Customer) -> None:
        """Store a new customer; raises ``Conflict`` if its id is taken."""
        ...


class ProductRepository(Protocol):
    """The catalog: products by sku. Changes are checked optimistically by version, like
    customers."""

    def find(self, sku: str) -> Product | None:
        """The product with this sku, or None."""
        ...

    def add(self, product: Product) -> None:
        """Store a new product; raises ``Conflict`` if the sku exists."""
        ...

    def list_all(self, *, active_only: bool = False) -> list[Product]:
        """All products sorted by sku (only active ones if ``active_only``), including those
        added in this unit of work."""
        ...


class LocationRepository(Protocol):
    """Stock locations (warehouses, stores) by code. Changes are checked optimistically by
    version."""

    def find(self, code: str) -> Location | None:
        """The location with this code, or None."""
        ...

    def add(self, location: Location) -> None:
        """Store a new location; raises ``Conflict`` if the code exists."""
        ...

    def list_all(self) -> list[Location]:
        """All locations by priority, then code: the order in which stock is allocated."""
        ...


class StockRepository(Protocol):
    """Stock items: on-hand and reserved units per (sku, location). The one repository that
    locks what it reads for update (pessimistic), because concurrent orders compete for the
    same items and a lost update would oversell."""

    def get_for_update(self, sku: str, location: str) -> StockItem:
        """The stock item, created empty if missing, locked against concurrent changes until
        the unit of work ends. Two units of work never both change the same item's counts from
        the same starting point: that is what makes overselling impossible."""
        ...

    def list_for_update(self, skus: Sequence[str]) -> list[StockItem]:
        """Every existing stock item of ``skus``, locked like :meth:`get_for_update`. Locks are
        taken in (sku, location) order so that concurrent callers cannot deadlock."""
        ...

    def list_for_sku(self, sku: str) -> list[StockItem]:
        """Every stock item of ``sku`` (read only, no lock)."""
        ...


class OrderRepository(Protocol):
    """Orders with their lines, reservations and backorders, by id, human number or
    idempotency key. Changes are checked optimistically by version; the number is unique, and
    the idempotency key is unique per customer."""

    def get(self, order_id: str) -> Order:
        """The order; raises ``NotFound``. Saving it later raises ``ConcurrencyConflict`` if
        another unit of work committed a change to it in between."""
        ...

    def get_by_number(self, number: str) -> Order:
        """The order with this human number; raises ``NotFound``."""
        ...

    def find_by_idempotency_key(self, customer_id: str, key: str) -> Order | None:
        """The order the customer placed with this idempotency key, or None. Keys are scoped
        per customer (a purchase order number): two customers may use the same key."""
        ...

    def add(self, order: Order) -> None:
        """Store a new order. A duplicate id, number or (customer, idempotency key) raises
        ``Conflict``
        here or, at the latest, at commit; a duplicate idempotency key found at commit raises
        ``DuplicateKey`` with ``kind == "idempotency key"`` (``place_order`` then answers
        with the order that won)."""
        ...

    def list_for_customer(self, customer_id: str, *, active_only: bool = False) -> list[Order]:
        """The customer's orders (only open and held ones if ``active_only``), oldest first."""
        ...

    def list_backordered(self, sku: str | None = None) -> list[Order]:
        """Active orders with a backorder (of ``sku``, if given), oldest first."""
        ...

    def list_reserving(self, sku: str, location: str) -> list[Order]:
        """Active orders holding a reservation of ``sku`` at ``location``, oldest first."""
        ...

    def search(self, search: OrderSearch, *, limit: int) -> list[Order]:
        """At most ``limit`` orders matching ``search``, newest first (``placed_at``, then
        ``id``, both descending), after ``search.after`` if given: one page of a keyset
        pagination. Must not read every order: stores index the filters (see
        :class:`~ordermgmt.ports.queries.OrderSearch`)."""
        ...


class RequisitionRepository(Protocol):
    """Purchase requisitions (Bestellanforderungen). Storage keeps at most one open per sku and
    location; changes are checked optimistically by version."""

    def get(self, requisition_id: str) -> PurchaseRequisition:
        """The requisition; raises ``NotFound``."""
        ...

    def find_open(self, sku: str, location: str) -> PurchaseRequisition | None:
        """The open requisition for this sku and location, or None (there is at most one)."""
        ...

    def add(self, requisition: PurchaseRequisition) -> None:
        """Store a new requisition; raises ``Conflict`` if one is already open for its sku and
        location (so two concurrent raisers cannot both add one)."""
        ...

    def list_open(self) -> list[PurchaseRequisition]:
        """Open requisitions, oldest first."""
        ...


class ReceiptRepository(Protocol):
    """Supplier receipts (Wareneingang): append-only, so there is nothing to conflict on."""

    def get(self, receipt_id: str) -> SupplierReceipt:
        """The receipt; raises ``NotFound``."""
        ...

    def add(self, receipt: SupplierReceipt) -> None:
        """Store a supplier receipt (receipts are never changed)."""
        ...

    def list_for_sku(self, sku: str) -> list[SupplierReceipt]:
        """Receipts of ``sku``, oldest first."""
        ...


class SequenceRepository(Protocol):
    """Gapless number series for human document numbers: ``order``, ``invoice-<year>``,
    ``credit-note-<year>``, ``shipment`` and ``return``. A series is created at its first use."""

    def next_value(self, series: str) -> int:
        """The next number of ``series`` (1, 2, 3, ...). Gapless: a number taken in a unit of
        work that does not commit is handed out again. Concurrent units of work wait for each
        other, so no number is given twice."""
        ...


class LedgerRepository(Protocol):
    """The general ledger (Hauptbuch): append-only journal entries and the balances they add up
    to. Entries posted in a unit of work that does not commit leave no trace."""

    def post(self, entry: JournalEntry) -> None:
        """Store a balanced entry. Entries are never changed or removed."""
        ...

    def balances(self) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        """(account code, currency) -> (total debits, total credits) over every entry."""
        ...

    def entries(self, reference: str | None = None) -> list[JournalEntry]:
        """Entries in posting order (only those with ``reference``, if given)."""
        ...

    def entries_since(self, at: datetime) -> list[JournalEntry]:
        """Entries posted at or after ``at``, by posting time, in posting order within one
        time (reports as of a past date undo what came after it)."""
        ...


class InvoiceRepository(Protocol):
    """Issued invoices by id or number. Only their money side (paid, credited, refunded) and
    ``sent_to`` change, checked optimistically by version; numbers are unique."""

    def get(self, invoice_id: str) -> Invoice:
        """The invoice; raises ``NotFound``."""
        ...

    def get_by_number(self, number: str) -> Invoice:
        """The invoice with this number; raises ``NotFound``."""
        ...

    def add(self, invoice: Invoice) -> None:
        """Store a new invoice; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_order(self, order_id: str) -> list[Invoice]:
        """The order's invoices, oldest first."""
        ...

    def list_for_customer(self, customer_id: str) -> list[Invoice]:
        """The customer's invoices, oldest first."""
        ...

    def list_unsettled(self, customer_id: str | None = None) -> list[Invoice]:
        """Invoices whose outstanding amount is not zero (of one customer, if given), oldest
        first."""
        ...


class CreditNoteRepository(Protocol):
    """Issued credit notes: append-only; numbers are unique."""

    def get(self, note_id: str) -> CreditNote:
        """The credit note; raises ``NotFound``."""
        ...

    def add(self, note: CreditNote) -> None:
        """Store a new credit note; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_invoice(self, invoice_id: str) -> list[CreditNote]:
        """Credit notes of an invoice, oldest first."""
        ...

    def list_for_order(self, order_id: str) -> list[CreditNote]:
        """Credit notes of an order, oldest first."""
        ...

    def list_issued_since(self, at: datetime) -> list[CreditNote]:
        """Credit notes issued at or after ``at``, oldest first."""
        ...


class PaymentRepository(Protocol):
    """Payments, prepayments, cash sales and refunds: append-only."""

    def get(self, payment_id: str) -> Payment:
        """The payment or refund; raises ``NotFound``."""
        ...

    def add(self, payment: Payment) -> None:
        """Store a payment or refund (never changed afterwards)."""
        ...

    def list_for_order(self, order_id: str) -> list[Payment]:
        """Payments and refunds of an order, oldest first."""
        ...


class ShipmentRepository(Protocol):
    """Shipments with their tracking, by id. Changes are checked optimistically by version;
    numbers are unique."""

    def get(self, shipment_id: str) -> Shipment:
        """The shipment; raises ``NotFound``."""
        ...

    def add(self, shipment: Shipment) -> None:
        """Store a new shipment; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_order(self, order_id: str) -> list[Shipment]:
        """The order's shipments, oldest first."""
        ...


class ReturnRepository(Protocol):
    """Returns (RMAs), by id. Changes are checked optimistically by version; numbers are
    unique."""

    def get(self, return_id: str) -> ReturnRequest:
        """The return; raises ``NotFound``."""
        ...

    def add(self, request: ReturnRequest) -> None:
        """Store a new return; raises ``Conflict`` if its id or number exists."""
        ...

    def list_for_order(self, order_id: str) -> list[ReturnRequest]:
        """The order's returns, oldest first."""
        ...


class IdempotencyRepository(Protocol):
    """What commands sent with an idempotency key did the first time, by (scope, key).
    Append-only: a record is never changed or removed."""

    def find(self, scope: Scope, key: str) -> IdempotencyRecord | None:
        """The record of ``key`` in ``scope`` (also one added in this unit of work), or None."""
        ...

    def add(self, record: IdempotencyRecord) -> None:
        """Store a record with the command's effect. A (scope, key) added twice in this unit of
        work raises ``Conflict``; one another unit of work stored first raises ``DuplicateKey``
        with ``kind == "idempotency key"``, here or at the latest at commit: of concurrent
        commands with one key, exactly one commits."""
        ...
