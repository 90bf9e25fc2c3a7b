"""The repositories of the in-memory unit of work, one per aggregate kind.

Each is an identity map of private copies over one dict of the store
(:class:`InMemoryRepository`); the unit of work writes the copies back only on commit.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

from ordermgmt.domain.base import Aggregate
from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.errors import ConcurrencyConflict, Conflict, NotFound
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.domain.order import Order
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition, RequisitionStatus, SupplierReceipt
from ordermgmt.domain.returns import ReturnRequest
from ordermgmt.domain.shipment import Shipment
from ordermgmt.ports import queries as q

if TYPE_CHECKING:
    from ordermgmt.adapters.memory.store import InMemoryUnitOfWork

A = TypeVar("A", bound=Aggregate)
K = TypeVar("K", bound=Hashable)


class InMemoryRepository(Generic[K, A]):
    """An identity map of private copies over one dict of the store."""

    kind = "object"

    def __init__(self, uow: InMemoryUnitOfWork, stored: dict[K, A]) -> None:
        self._uow = uow
        self._stored = stored
        self.loaded: dict[K, A] = {}
        self.base_versions: dict[K, int | None] = {}

    def _find(self, key: K) -> A | None:
        if key in self.loaded:
            return self.loaded[key]
        stored = self._stored.get(key)
        if stored is None:
            return None
        obj = stored.clone()
        self.loaded[key] = obj
        self.base_versions[key] = stored.version
        self._uow.touched.append(obj)
        return obj

    def _get(self, key: K) -> A:
        obj = self._find(key)
        if obj is None:
            raise NotFound(self.kind, key)
        return obj

    def _add(self, key: K, obj: A) -> None:
        if key in self.loaded or key in self._stored:
            raise Conflict(f"{self.kind} {key!r} already exists", kind=self.kind, key=key)
        self.loaded[key] = obj
        self.base_versions[key] = None
        self._uow.touched.append(obj)

    def _merged(self, keys: Iterable[K], query: q.ListQuery[A]) -> list[A]:
        """What ``query`` finds among the stored objects under ``keys`` (every one that matched
        before this unit of work) and the objects this unit of work holds: see
        :func:`ordermgmt.ports.queries.merge_pending`."""
        return q.merge_pending([self._get(key) for key in keys], self.loaded.values(), query)

    def changes(self) -> Iterable[tuple[K, A, A | None]]:
        """(key, new state, stored state) of every loaded object that differs from the store."""
        for key, obj in self.loaded.items():
            stored = self._stored.get(key)
            base = self.base_versions[key]
            current = None if stored is None else stored.version
            if current != base:
                raise ConcurrencyConflict(self.kind, key, base or 0)
            if stored is not None and obj == stored:
                continue
            obj.version = (base or 0) + 1
            # The store keeps its own copy: the caller's object stays theirs after commit.
            yield key, obj.clone(), stored

    def save(self, key: K, obj: A, previous: A | None) -> None:
        """Store one changed object (and keep the store's indexes up to date)."""
        self._stored[key] = obj


class InMemoryCustomerRepository(InMemoryRepository[str, Customer]):
    """Customers, by id (the ``CustomerRepository`` port)."""

    kind = "customer"

    def get(self, customer_id: str) -> Customer:
        return self._get(customer_id)

    def add(self, customer: Customer) -> None:
        self._add(customer.id, customer)


class InMemoryProductRepository(InMemoryRepository[str, Product]):
    """Products, by sku (the ``ProductRepository`` port)."""

    kind = "product"

    def find(self, sku: str) -> Product | None:
        return self._find(sku)

    def add(self, product: Product) -> None:
        self._add(product.sku, product)

    def list_all(self, *, active_only: bool = False) -> list[Product]:
        return self._merged(list(self._stored), q.products(active_only=active_only))


class InMemoryLocationRepository(InMemoryRepository[str, Location]):
    """Stock locations, by code (the ``LocationRepository`` port)."""

    kind = "location"

    def find(self, code: str) -> Location | None:
        return self._find(code)

    def add(self, location: Location) -> None:
        self._add(location.code, location)

    def list_all(self) -> list[Location]:
        return self._merged(list(self._stored), q.locations())


class InMemoryStockRepository(InMemoryRepository[tuple[str, str], StockItem]):
    """Stock items, by (sku, location) (the ``StockRepository`` port)."""

    kind = "stock item"

    def get_for_update(self, sku: str, location: str) -> StockItem:
        item = self._find((sku, location))
        if item is None:
            item = StockItem(sku=sku, location=location)
            self._add((sku, location), item)
        return item

    def list_for_update(self, skus: Sequence[str]) -> list[StockItem]:
        return self._list(skus)

    def list_for_sku(self, sku: str) -> list[StockItem]:
        return self._list([sku])

    def _list(self, skus: Sequence[str]) -> list[StockItem]:
        locations = self._uow.store.stock_locations
        keys = [(sku, loc) for sku in set(skus) for loc in locations.get(sku, ())]
        return self._merged(keys, q.stock_of(frozenset(skus)))

    def changes(self) -> Iterable[tuple[tuple[str, str], StockItem, StockItem | None]]:
        for key, item, stored in super().changes():
            if stored is None and item.on_hand == 0 and item.reserved == 0:
                continue  # looked at, never stocked: not worth a row
            yield key, item, stored

    def save(self, key: tuple[str, str], obj: StockItem, previous: StockItem | None) -> None:
        self._stored[key] = obj
        if previous is None:
            self._uow.store.stock_locations.setdefault(key[0], set()).add(key[1])


class InMemoryOrderRepository(InMemoryRepository[str, Order]):
    """Orders, by id, number and idempotency key (the ``OrderRepository`` port)."""

    kind = "order"

    def get(self, order_id: str) -> Order:
        return self._get(order_id)

    def save(self, key: str, obj: Order, previous: Order | None) -> None:
        self._uow.store.save_order(obj, previous)

    def get_by_number(self, number: str) -> Order:
        order_id = self._uow.store.order_numbers.get(number)
        if order_id is None:
            for order in self.loaded.values():
                if order.number == number:
                    return order
            raise NotFound("order", number)
        return self._get(order_id)

    def find_by_idempotency_key(self, customer_id: str, key: str) -> Order | None:
        order_id = self._uow.store.order_keys.get((customer_id, key))
        if order_id is not None:
            return self._get(order_id)
        return next(
            (
                o
                for o in self.loaded.values()
                if o.idempotency_key == key and o.customer_id == customer_id
            ),
            None,
        )

    def add(self, order: Order) -> None:
        store = self._uow.store
        if order.number in store.order_numbers:
            raise Conflict(f"order number {order.number} already exists", number=order.number)
        key = order.idempotency_key
        if key is not None and (order.customer_id, key) in store.order_keys:
            raise Conflict(f"idempotency key {key!r} already used", key=key)
        for other in self.loaded.values():
            if other.number == order.number:
                raise Conflict(f"order number {order.number} already exists", number=order.number)
            same_customer = other.customer_id == order.customer_id
            if key is not None and same_customer and other.idempotency_key == key:
                raise Conflict(f"idempotency key {key!r} already used", key=key)
        self._add(order.id, order)

    def list_for_customer(self, customer_id: str, *, active_only: bool = False) -> list[Order]:
        store = self._uow.store
        if active_only:
            ids: Iterable[str] = store.customer_active.get(customer_id, set())
        else:
            ids = store.customer_orders.get(customer_id, [])
        return self._merged(ids, q.customer_orders(customer_id, active_only=active_only))

    def list_backordered(self, sku: str | None = None) -> list[Order]:
        index = self._uow.store.backordered
        ids = index.get(sku, set()) if sku is not None else set().union(*index.values())
        return self._merged(ids, q.backordered(sku))

    def list_reserving(self, sku: str, location: str) -> list[Order]:
        ids = self._uow.store.reserving.get((sku, location), set())
        return self._merged(ids, q.reserving(sku, location))

    def search(self, search: q.OrderSearch, *, limit: int) -> list[Order]:
        # A scan of the stored orders (this store keeps no sorted index); only the page's
        # orders are copied into the unit of work.
        query = q.order_search(search)
        loaded = self.loaded
        stored = (
            order
            for key, order in self._uow.store.orders.items()
            if key not in loaded and query.matches(order)
        )
        page = heapq.nlargest(limit, stored, key=q.order_position)
        return self._merged([order.id for order in page], query)[:limit]


class InMemoryRequisitionRepository(InMemoryRepository[str, PurchaseRequisition]):
    """Purchase requisitions, at most one open per sku and location."""

    kind = "purchase requisition"

    def get(self, requisition_id: str) -> PurchaseRequisition:
        return self._get(requisition_id)

    def save(
        self, key: str, obj: PurchaseRequisition, previous: PurchaseRequisition | None
    ) -> None:
        store = self._uow.store
        store.requisitions[key] = obj
        where = (obj.sku, obj.location)
        if obj.status is RequisitionStatus.OPEN:
            store.open_requisitions[where] = key
        elif store.open_requisitions.get(where) == key:
            del store.open_requisitions[where]

    def find_open(self, sku: str, location: str) -> PurchaseRequisition | None:
        for req in self.loaded.values():
            if (req.sku, req.location) == (sku, location) and req.status is RequisitionStatus.OPEN:
                return req
        req_id = self._uow.store.open_requisitions.get((sku, location))
        if req_id is None:
            return None
        req = self._get(req_id)
        return req if req.status is RequisitionStatus.OPEN else None

    def add(self, requisition: PurchaseRequisition) -> None:
        if self.find_open(requisition.sku, requisition.location) is not None:
            raise Conflict(
                f"a requisition for {requisition.sku} at {requisition.location} is already open",
                sku=requisition.sku,
                location=requisition.location,
            )
        self._add(requisition.id, requisition)

    def list_open(self) -> list[PurchaseRequisition]:
        return self._merged(list(self._uow.store.open_requisitions.values()), q.open_requisitions())


class InMemoryReceiptRepository(InMemoryRepository[str, SupplierReceipt]):
    """Supplier receipts, by id and sku."""

    kind = "supplier receipt"

    def get(self, receipt_id: str) -> SupplierReceipt:
        return self._get(receipt_id)

    def add(self, receipt: SupplierReceipt) -> None:
        self._add(receipt.id, receipt)

    def save(self, key: str, obj: SupplierReceipt, previous: SupplierReceipt | None) -> None:
        self._stored[key] = obj
        if previous is None:
            self._uow.store.sku_receipts.setdefault(obj.sku, []).append(key)

    def list_for_sku(self, sku: str) -> list[SupplierReceipt]:
        return self._merged(self._uow.store.sku_receipts.get(sku, []), q.receipts_of(sku))


class InMemoryDocuments(InMemoryRepository[str, A]):
    """A repository of documents found by id, and listed by fields that never change."""

    indexed: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()

    def get(self, key: str) -> A:
        return self._get(key)

    def add(self, obj: A) -> None:
        for name in self.unique:
            if self._ids(name, getattr(obj, name)):
                raise Conflict(f"{self.kind} {name} {getattr(obj, name)!r} already exists")
        self._add(getattr(obj, "id"), obj)  # noqa: B009

    def _ids(self, name: str, value: str) -> list[str]:
        ids = list(self._uow.store.index.get((self.kind, name, value), ()))
        ids += [k for k, o in self.loaded.items() if getattr(o, name) == value and k not in ids]
        return ids

    #: The attribute lists are sorted by (then by id): oldest first.
    chronology = "id"

    def _list(self, name: str, value: str) -> list[A]:
        stored = self._uow.store.index.get((self.kind, name, value), ())
        return self._merged(stored, q.documents_by(name, value, self.chronology))

    def save(self, key: str, obj: A, previous: A | None) -> None:
        store = self._uow.store
        self._stored[key] = obj
        if previous is None:
            for name in self.indexed + self.unique:
                store.index.setdefault((self.kind, name, getattr(obj, name)), []).append(key)


class InMemoryInvoiceRepository(InMemoryDocuments[Invoice]):
    """Invoices, by id and number, listed per order or customer."""

    chronology = "issued_at"
    kind = "invoice"
    indexed = ("order_id", "customer_id")
    unique = ("number",)

    def get_by_number(self, number: str) -> Invoice:
        ids = self._ids("number", number)
        if not ids:
            raise NotFound("invoice", number)
        return self._get(ids[0])

    def list_for_order(self, order_id: str) -> list[Invoice]:
        return self._list("order_id", order_id)

    def list_for_customer(self, customer_id: str) -> list[Invoice]:
        return self._list("customer_id", customer_id)

    def list_unsettled(self, customer_id: str | None = None) -> list[Invoice]:
        unsettled = self._uow.store.unsettled
        if customer_id is None:
            ids = [i for per_customer in unsettled.values() for i in per_customer]
        else:
            ids = list(unsettled.get(customer_id, ()))
        return self._merged(ids, q.unsettled_invoices(customer_id))

    def save(self, key: str, obj: Invoice, previous: Invoice | None) -> None:
        super().save(key, obj, previous)
        unsettled = self._uow.store.unsettled.setdefault(obj.customer_id, set())
        if obj.outstanding.is_zero:
            unsettled.discard(key)
        else:
            unsettled.add(key)


class InMemoryCreditNoteRepository(InMemoryDocuments[CreditNote]):
    """Credit notes, listed per invoice or order."""

    chronology = "issued_at"
    kind = "credit note"
    indexed = ("invoice_id", "order_id")
    unique = ("number",)

    def list_for_invoice(self, invoice_id: str) -> list[CreditNote]:
        return self._list("invoice_id", invoice_id)

    def list_for_order(self, order_id: str) -> list[CreditNote]:
        return self._list("order_id", order_id)

    def list_issued_since(self, at: datetime) -> list[CreditNote]:
        ids = [k for k, n in self._stored.items() if n.issued_at >= at]
        ids += [k for k, n in self.loaded.items() if n.issued_at >= at and k not in ids]
        found = [self._get(i) for i in ids]
        return sorted(found, key=lambda n: (n.issued_at, n.id))


class InMemoryPaymentRepository(InMemoryDocuments[Payment]):
    """Payments and refunds, listed per order."""

    chronology = "received_at"
    kind = "payment"
    indexed = ("order_id",)

    def list_for_order(self, order_id: str) -> list[Payment]:
        return self._list("order_id", order_id)


class InMemoryShipmentRepository(InMemoryDocuments[Shipment]):
    """Shipments, listed per order."""

    chronology = "number"
    kind = "shipment"
    indexed = ("order_id",)
    unique = ("number",)

    def list_for_order(self, order_id: str) -> list[Shipment]:
        return self._list("order_id", order_id)


class InMemoryReturnRepository(InMemoryDocuments[ReturnRequest]):
    """Returns (RMAs), listed per order."""

    chronology = "number"
    kind = "return"
    indexed = ("order_id",)
    unique = ("number",)

    def list_for_order(self, order_id: str) -> list[ReturnRequest]:
        return self._list("order_id", order_id)
