"""Every list query of the repositories, as a predicate and a sort key over domain objects.

A unit of work hands out one object per key and writes changes only when it commits, so what
its store finds for a query (rows of the database, entries of an index) reflects the state
before this unit of work. :func:`merge_pending` makes every list read its own writes, on every
store, by one rule: the objects the store found and the objects this unit of work holds (added
or loaded, in their current state) are pooled, those that match the query *now* are kept, and
they are sorted by the query's key. An object changed so that it no longer matches drops out;
one changed so that it now matches, or added, comes in; the order is the query's, not the order
of discovery.

An adapter finds candidates however it likes (an index, SQL), as long as every object that
matched before this unit of work is among them; :func:`merge_pending` does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.invoice import Invoice
from ordermgmt.domain.order import Channel, FulfillmentStatus, Order, OrderStatus, PaymentStatus
from ordermgmt.domain.purchasing import PurchaseRequisition, RequisitionStatus, SupplierReceipt

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ListQuery(Generic[T]):
    """What a list query returns, said over domain objects: which match, in which order."""

    matches: Callable[[T], bool]
    sort_key: Callable[[T], Any]
    #: Largest key first.
    descending: bool = False


def merge_pending(found: Iterable[T], pending: Iterable[T], query: ListQuery[T]) -> list[T]:
    """The objects of ``found`` and ``pending`` that match ``query`` in their current state,
    each once (by identity: an identity map hands out one object per key), sorted by the
    query's key."""
    pool: dict[int, T] = {id(obj): obj for obj in found}
    for obj in pending:
        pool.setdefault(id(obj), obj)
    matching = (obj for obj in pool.values() if query.matches(obj))
    return sorted(matching, key=query.sort_key, reverse=query.descending)


def _everything(obj: object) -> bool:
    return True


# -- the catalog, locations, stock, purchasing -------------------------------------------------


def products(*, active_only: bool) -> ListQuery[Product]:
    """``ProductRepository.list_all``: by sku."""
    return ListQuery(lambda p: p.active or not active_only, lambda p: p.sku)


def locations() -> ListQuery[Location]:
    """``LocationRepository.list_all``: by priority, then code."""
    return ListQuery(_everything, lambda loc: (loc.priority, loc.code))


def stock_of(skus: Collection[str]) -> ListQuery[StockItem]:
    """``StockRepository.list_for_update`` and ``list_for_sku``: by (sku, location)."""
    return ListQuery(lambda item: item.sku in skus, lambda item: (item.sku, item.location))


def open_requisitions() -> ListQuery[PurchaseRequisition]:
    """``RequisitionRepository.list_open``: oldest first."""
    return ListQuery(lambda r: r.status is RequisitionStatus.OPEN, lambda r: (r.raised_at, r.id))


def receipts_of(sku: str) -> ListQuery[SupplierReceipt]:
    """``ReceiptRepository.list_for_sku``: oldest first."""
    return ListQuery(lambda r: r.sku == sku, lambda r: (r.received_at, r.id))


# -- orders ------------------------------------------------------------------------------------


def _oldest_order_first(order: Order) -> tuple[Any, ...]:
    return (order.placed_at, order.number)


def customer_orders(customer_id: str, *, active_only: bool) -> ListQuery[Order]:
    """``OrderRepository.list_for_customer``: oldest first."""
    return ListQuery(
        lambda o: o.customer_id == customer_id and (o.is_active or not active_only),
        _oldest_order_first,
    )


def backordered(sku: str | None) -> ListQuery[Order]:
    """``OrderRepository.list_backordered``: active orders with a backorder, oldest first."""

    def matches(order: Order) -> bool:
        return order.is_active and any(
            line.backordered and (sku is None or line.sku == sku) for line in order.lines
        )

    return ListQuery(matches, _oldest_order_first)


def reserving(sku: str, location: str) -> ListQuery[Order]:
    """``OrderRepository.list_reserving``: active orders holding a reservation, oldest
    first."""

    def matches(order: Order) -> bool:
        return order.is_active and any(
            line.sku == sku and line.allocations.get(location) for line in order.lines
        )

    return ListQuery(matches, _oldest_order_first)


@dataclass(frozen=True, kw_only=True)
class OrderSearch:
    """The filters of ``OrderRepository.search``; ``None`` (or empty) means any. Statuses,
    channels: the order's value is one of those given. ``placed_from`` is inclusive,
    ``placed_to`` exclusive (both timezone-aware). ``number_prefix`` is case-sensitive.
    ``after`` is a keyset position ``(placed_at, id)``: only orders that sort after it, in
    the search's order (newest first: ``placed_at`` then ``id``, both descending)."""

    status: frozenset[OrderStatus] = frozenset()
    fulfillment_status: frozenset[FulfillmentStatus] = frozenset()
    payment_status: frozenset[PaymentStatus] = frozenset()
    channel: frozenset[Channel] = frozenset()
    customer_id: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    number_prefix: str = ""
    after: tuple[datetime, str] | None = None


def order_position(order: Order) -> tuple[datetime, str]:
    """Where an order sorts in a search: by ``placed_at``, then ``id``."""
    return (order.placed_at, order.id)


def order_search(search: OrderSearch) -> ListQuery[Order]:
    """``OrderRepository.search``: the orders matching ``search``, newest first."""

    def matches(o: Order) -> bool:
        return (
            (not search.status or o.status in search.status)
            and (not search.fulfillment_status or o.fulfillment_status in search.fulfillment_status)
            and (not search.payment_status or o.payment_status in search.payment_status)
            and (not search.channel or o.channel in search.channel)
            and search.customer_id in (None, o.customer_id)
            and (search.placed_from is None or o.placed_at >= search.placed_from)
            and (search.placed_to is None or o.placed_at < search.placed_to)
            and o.number.startswith(search.number_prefix)
            and (search.after is None or order_position(o) < search.after)
        )

    return ListQuery(matches, order_position, descending=True)


# -- documents ---------------------------------------------------------------------------------


def documents_by(field: str, value: str, chronology: str) -> ListQuery[Any]:
    """Documents (invoices, credit notes, payments, shipments, returns) whose ``field`` is
    ``value``, sorted by ``chronology`` then id: the ``list_for_*`` queries."""
    return ListQuery(
        lambda doc: getattr(doc, field) == value,
        lambda doc: (getattr(doc, chronology), doc.id),
    )


def unsettled_invoices(customer_id: str | None) -> ListQuery[Invoice]:
    """``InvoiceRepository.list_unsettled``: oldest first."""
    return ListQuery(
        lambda i: not i.outstanding.is_zero and customer_id in (None, i.customer_id),
        lambda i: (i.issued_at, i.number),
    )
