"""The SQL of ``OrderRepository.search``: each filter of
:class:`~ordermgmt.ports.queries.OrderSearch` as a condition the indexes on ``orders`` serve
(every one of them ends in ``placed_at, id``, the order of the search)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.ports.queries import OrderSearch

#: Sorts after every character: ``prefix + _LAST`` bounds the numbers starting with prefix.
_LAST = "\U0010ffff"


def order_search_criteria(search: OrderSearch, dialect: str) -> list[Any]:
    """WHERE conditions selecting the orders ``search`` matches, on ``dialect``."""
    c = t.orders.c
    criteria: list[Any] = []
    for column, wanted in (
        (c.status, search.status),
        (c.fulfillment_status, search.fulfillment_status),
        (c.payment_status, search.payment_status),
        (c.channel, search.channel),
    ):
        if wanted:
            criteria.append(column.in_(sorted(value.value for value in wanted)))
    if search.customer_id is not None:
        criteria.append(c.customer_id == search.customer_id)
    if search.placed_from is not None:
        criteria.append(c.placed_at >= search.placed_from)
    if search.placed_to is not None:
        criteria.append(c.placed_at < search.placed_to)
    if search.number_prefix:
        criteria += _prefix(search.number_prefix, dialect)
    if search.after is not None:
        placed_at, order_id = search.after
        # The first term bounds the index range; the second breaks ties by id.
        criteria.append(c.placed_at <= placed_at)
        criteria.append(or_(c.placed_at < placed_at, c.id < order_id))
    return criteria


def _prefix(prefix: str, dialect: str) -> list[Any]:
    """Numbers starting with ``prefix``, case-sensitive on every database."""
    number = t.orders.c.number
    if dialect == "postgresql":
        return [number.startswith(prefix, autoescape=True)]  # LIKE: case-sensitive here
    # SQLite's LIKE ignores case; a range on the (binary) number index does not, and the
    # substring test keeps it exact.
    return [
        and_(number >= prefix, number < prefix + _LAST),
        func.substr(number, 1, len(prefix)) == prefix,
    ]
