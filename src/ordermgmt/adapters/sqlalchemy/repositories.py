"""The repositories of the SQLAlchemy unit of work, one per aggregate kind.

Each is a :class:`~ordermgmt.adapters.sqlalchemy.tracked.Tracked` identity map with the queries
its port promises; a list merges what the database holds with what the unit of work changed
(see :func:`ordermgmt.ports.queries.merge_pending`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.document_mappers import (
    CreditNoteMapper,
    InvoiceMapper,
    PaymentMapper,
    ReturnMapper,
    ShipmentMapper,
)
from ordermgmt.adapters.sqlalchemy.mappers import (
    CustomerMapper,
    LocationMapper,
    OrderMapper,
    ProductMapper,
    ReceiptMapper,
    RequisitionMapper,
    StockMapper,
)
from ordermgmt.adapters.sqlalchemy.search import order_search_criteria
from ordermgmt.adapters.sqlalchemy.tracked import Documents, Tracked
from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.errors import Conflict, NotFound
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.domain.order import Order, OrderStatus
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition, RequisitionStatus, SupplierReceipt
from ordermgmt.domain.returns import ReturnRequest
from ordermgmt.domain.shipment import Shipment
from ordermgmt.ports import queries as q

if TYPE_CHECKING:
    from ordermgmt.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork


class SqlAlchemyCustomerRepository(Tracked[Customer]):
    """Customers, by id (the ``CustomerRepository`` port)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, CustomerMapper())


class SqlAlchemyProductRepository(Tracked[Product]):
    """Products, by sku (the ``ProductRepository`` port)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ProductMapper())

    def list_all(self, *, active_only: bool = False) -> list[Product]:
        criteria = [t.products.c.active.is_(True)] if active_only else []
        found = self.load_where(*criteria)
        return self.merged(found, q.products(active_only=active_only))


class SqlAlchemyLocationRepository(Tracked[Location]):
    """Stock locations, by code (the ``LocationRepository`` port)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, LocationMapper())

    def list_all(self) -> list[Location]:
        return self.merged(self.load_where(), q.locations())


class SqlAlchemyStockRepository(Tracked[StockItem]):
    """Stock items, by (sku, location) (the ``StockRepository`` port)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, StockMapper())

    def get_for_update(self, sku: str, location: str) -> StockItem:
        item = self.find(sku, location, lock=True)
        if item is not None:
            return item
        # Create the row now (no-op if a concurrent transaction did), then lock it.
        self.conn.execute(
            self.uow.insert_ignore(t.stock_items).values(
                sku=sku, location=location, version=0, on_hand=0, reserved=0
            )
        )
        item = self.find(sku, location, lock=True)
        assert item is not None
        return item

    def list_for_update(self, skus: Sequence[str]) -> list[StockItem]:
        c = t.stock_items.c
        found = self.load_cached(
            "for_update",
            lambda base: (
                base.where(c.sku.in_(bindparam("skus", expanding=True)))
                .order_by(c.sku, c.location)
                .with_for_update()
            ),
            {"skus": sorted(set(skus))},
        )
        return self.merged(found, q.stock_of(frozenset(skus)))

    def list_for_sku(self, sku: str) -> list[StockItem]:
        c = t.stock_items.c
        found = self.load_cached(
            "for_sku",
            lambda base: base.where(c.sku == bindparam("sku")).order_by(c.location),
            {"sku": sku},
        )
        return self.merged(found, q.stock_of({sku}))


class SqlAlchemyOrderRepository(Tracked[Order]):
    """Orders, by id, number and idempotency key (the ``OrderRepository`` port)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, OrderMapper())

    def _by_ids(self, ids: list[str]) -> list[Order]:
        if not ids:
            return []
        return self.load_cached(
            "by_ids",
            lambda base: base.where(t.orders.c.id.in_(bindparam("ids", expanding=True))),
            {"ids": ids},
        )

    def get_by_number(self, number: str) -> Order:
        for order in self.objects.values():
            if order.number == number:
                return order
        found = self.load_where(t.orders.c.number == number)
        if not found:
            raise NotFound("order", number)
        return found[0]

    def find_by_idempotency_key(self, customer_id: str, key: str) -> Order | None:
        for order in self.objects.values():
            if order.idempotency_key == key and order.customer_id == customer_id:
                return order
        c = t.orders.c
        found = self.load_where(c.customer_id == customer_id, c.idempotency_key == key)
        return found[0] if found else None

    def list_for_customer(self, customer_id: str, *, active_only: bool = False) -> list[Order]:
        c = t.orders.c
        criteria = [c.customer_id == customer_id]
        if active_only:
            criteria.append(c.status.in_([OrderStatus.OPEN.value, OrderStatus.ON_HOLD.value]))
        found = self.load_where(*criteria)
        return self.merged(found, q.customer_orders(customer_id, active_only=active_only))

    def _active_ids(self, query: Any) -> list[str]:
        return [r[0] for r in self.conn.execute(query)]

    def list_backordered(self, sku: str | None = None) -> list[Order]:
        c = t.order_lines.c
        criteria = [c.backordered > 0] + ([c.sku == sku] if sku is not None else [])
        ids = self._active_ids(select(c.order_id).where(*criteria).distinct())
        return self.merged(self._by_ids(ids), q.backordered(sku))

    def list_reserving(self, sku: str, location: str) -> list[Order]:
        c = t.order_allocations.c
        ids = self._active_ids(
            select(c.order_id).where(c.sku == sku, c.location == location).distinct()
        )
        return self.merged(self._by_ids(ids), q.reserving(sku, location))

    def search(self, search: q.OrderSearch, *, limit: int) -> list[Order]:
        c = t.orders.c
        # Rows past the page too, as many as this unit of work holds orders: those may have
        # changed so that they no longer match, and the page must still be full.
        query = (
            select(t.orders)
            .where(*order_search_criteria(search, self.conn.dialect.name))
            .order_by(c.placed_at.desc(), c.id.desc())
            .limit(limit + len(self.objects))
        )
        found = self._load([dict(r) for r in self.conn.execute(query).mappings()])
        return self.merged(found, q.order_search(search))[:limit]


class SqlAlchemyRequisitionRepository(Tracked[PurchaseRequisition]):
    """Purchase requisitions, at most one open per sku and location."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, RequisitionMapper())

    def find_open(self, sku: str, location: str) -> PurchaseRequisition | None:
        for req in self.objects.values():
            if (req.sku, req.location) == (sku, location) and req.status is RequisitionStatus.OPEN:
                return req
        c = t.requisitions.c
        found = self.load_where(c.sku == sku, c.location == location, c.status == "open")
        open_ = [r for r in found if r.status is RequisitionStatus.OPEN]
        return open_[0] if open_ else None

    def add(self, requisition: PurchaseRequisition) -> None:
        if self.find_open(requisition.sku, requisition.location) is not None:
            raise Conflict(
                f"a requisition for {requisition.sku} at {requisition.location} is already open",
                sku=requisition.sku,
                location=requisition.location,
            )
        super().add(requisition)

    def list_open(self) -> list[PurchaseRequisition]:
        c = t.requisitions.c
        return self.merged(self.load_where(c.status == "open"), q.open_requisitions())


class SqlAlchemyReceiptRepository(Tracked[SupplierReceipt]):
    """Supplier receipts, by id and sku."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ReceiptMapper())

    def list_for_sku(self, sku: str) -> list[SupplierReceipt]:
        c = t.receipts.c
        return self.merged(self.load_where(c.sku == sku), q.receipts_of(sku))


class SqlAlchemyInvoiceRepository(Documents[Invoice]):
    """Invoices, by id and number, listed per order or customer."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, InvoiceMapper())

    def get_by_number(self, number: str) -> Invoice:
        for invoice in self.objects.values():
            if invoice.number == number:
                return invoice
        found = self.load_where(t.invoices.c.number == number)
        if not found:
            raise NotFound("invoice", number)
        return found[0]

    def list_for_order(self, order_id: str) -> list[Invoice]:
        return self._list("order_id", order_id, "issued_at")

    def list_for_customer(self, customer_id: str) -> list[Invoice]:
        return self._list("customer_id", customer_id, "issued_at")

    def list_unsettled(self, customer_id: str | None = None) -> list[Invoice]:
        c = t.invoices.c
        criteria: list[Any] = [c.settled.is_(False)]
        if customer_id is not None:
            criteria.append(c.customer_id == customer_id)
        return self.merged(self.load_where(*criteria), q.unsettled_invoices(customer_id))


class SqlAlchemyCreditNoteRepository(Documents[CreditNote]):
    """Credit notes, listed per invoice or order."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, CreditNoteMapper())

    def list_for_invoice(self, invoice_id: str) -> list[CreditNote]:
        return self._list("invoice_id", invoice_id, "issued_at")

    def list_for_order(self, order_id: str) -> list[CreditNote]:
        return self._list("order_id", order_id, "issued_at")

    def list_issued_since(self, at: datetime) -> list[CreditNote]:
        c = t.credit_notes.c
        found = self.load_where(c.issued_at >= at, order_by=[c.issued_at, c.id])
        extra = [n for n in self.objects.values() if n.issued_at >= at and n not in found]
        return sorted(found + extra, key=lambda n: (n.issued_at, n.id))


class SqlAlchemyPaymentRepository(Documents[Payment]):
    """Payments and refunds, listed per order."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, PaymentMapper())

    def list_for_order(self, order_id: str) -> list[Payment]:
        return self._list("order_id", order_id, "received_at")


class SqlAlchemyShipmentRepository(Documents[Shipment]):
    """Shipments, listed per order."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ShipmentMapper())

    def list_for_order(self, order_id: str) -> list[Shipment]:
        return self._list("order_id", order_id, "number")


class SqlAlchemyReturnRepository(Documents[ReturnRequest]):
    """Returns (RMAs), listed per order."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ReturnMapper())

    def list_for_order(self, order_id: str) -> list[ReturnRequest]:
        return self._list("order_id", order_id, "number")
