"""Searching all orders: filters and keyset pagination (``OrderManagement.find_orders``)."""

from __future__ import annotations

from ordermgmt.messages import FindOrders, OrderPage, encode_order_cursor
from ordermgmt.ports import Dependencies
from ordermgmt.ports.queries import OrderSearch, order_position
from ordermgmt.usecases.views import order_view


def find_orders(deps: Dependencies, query: FindOrders) -> OrderPage:
    """A page of the orders ``query`` matches, newest first, and the cursor of the next one."""
    search = OrderSearch(
        status=frozenset(query.status),
        fulfillment_status=frozenset(query.fulfillment_status),
        payment_status=frozenset(query.payment_status),
        channel=frozenset(query.channel),
        customer_id=query.customer_id,
        placed_from=query.placed_from,
        placed_to=query.placed_to,
        number_prefix=query.number_prefix,
        after=query.cursor,
    )
    with deps.uow() as uow:
        found = uow.orders.search(search, limit=query.limit + 1)
    page = found[: query.limit]
    more = len(found) > query.limit
    return OrderPage(
        items=tuple(order_view(o) for o in page),
        next_cursor=encode_order_cursor(order_position(page[-1])) if more else None,
    )
