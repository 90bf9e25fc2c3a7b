"""The order search: :class:`FindOrders`, its cursor and :class:`OrderPage`."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictInt,
    WithJsonSchema,
    model_validator,
)

from ordermgmt.domain.order import Channel, FulfillmentStatus, OrderStatus, PaymentStatus
from ordermgmt.messages.base import Query, View
from ordermgmt.messages.fields import Id
from ordermgmt.messages.orders import OrderView


def encode_order_cursor(position: tuple[datetime, str]) -> str:
    """The opaque cursor of a position in an order search: after ``(placed_at, id)``."""
    placed_at, order_id = position
    text = f"{placed_at.astimezone(UTC).isoformat()}|{order_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _order_cursor(value: object) -> tuple[datetime, str]:
    """A cursor that :func:`encode_order_cursor` made, decoded; anything else is refused."""
    try:
        if not isinstance(value, str) or not 0 < len(value) <= 200:
            raise ValueError
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        stamp, separator, order_id = text.partition("|")
        placed_at = datetime.fromisoformat(stamp)
        if not separator or placed_at.tzinfo is None or not 0 < len(order_id) <= 64:
            raise ValueError
        return placed_at.astimezone(UTC), _plain_text(order_id)
    except (ValueError, UnicodeError, OverflowError):
        raise ValueError("not a cursor of an order search (use next_cursor of a page)") from None


def _plain_text(value: str) -> str:
    """Text a database stores as given: no control characters, valid Unicode."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    try:
        value.encode()
    except UnicodeError:
        raise ValueError("must be valid Unicode") from None
    return value


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def _one_or_many(value: object) -> object:
    return (value,) if isinstance(value, str) else value


#: A timezone-aware instant (ISO 8601 text or datetime), kept in UTC.
Instant = Annotated[AwareDatetime, AfterValidator(_utc)]
#: A position in an order search (``OrderPage.next_cursor``), decoded to ``(placed_at, id)``.
OrderCursor = Annotated[
    tuple[datetime, str],
    PlainValidator(_order_cursor),
    PlainSerializer(encode_order_cursor),
    WithJsonSchema({"type": "string"}),
]


class FindOrders(Query):
    """Search all orders, newest first (``placed_at``, then ``id``, both descending), a page
    at a time (``OrderManagement.find_orders``).

    Filters (all optional, combined with AND): ``status``, ``fulfillment_status``,
    ``payment_status`` and ``channel`` take one value or several (any of them); ``customer_id``;
    ``placed_from`` (inclusive) and ``placed_to`` (exclusive), timezone-aware; ``number_prefix``
    (case-sensitive). ``limit`` orders per page (1 to 500). ``cursor`` is the ``next_cursor`` of
    the previous page. Pagination is by keyset: every order that matches throughout is returned
    exactly once, in order, however many orders are placed or changed between pages; an order
    placed meanwhile appears only if it sorts after the cursor (placed earlier than the last
    order shown: a clock behind), and one that changes meanwhile appears as it is when its page
    is read (a change may move it into or out of the filter).
    """

    status: Annotated[tuple[OrderStatus, ...], BeforeValidator(_one_or_many)] = ()
    fulfillment_status: Annotated[tuple[FulfillmentStatus, ...], BeforeValidator(_one_or_many)] = ()
    payment_status: Annotated[tuple[PaymentStatus, ...], BeforeValidator(_one_or_many)] = ()
    channel: Annotated[tuple[Channel, ...], BeforeValidator(_one_or_many)] = ()
    customer_id: Annotated[Id, AfterValidator(_plain_text)] | None = None
    placed_from: Instant | None = None
    placed_to: Instant | None = None
    number_prefix: Annotated[str, Field(max_length=40), AfterValidator(_plain_text)] = ""
    limit: Annotated[StrictInt, Field(ge=1, le=500)] = 50
    cursor: OrderCursor | None = None

    @model_validator(mode="after")
    def _range(self) -> FindOrders:
        if self.placed_from and self.placed_to and self.placed_from > self.placed_to:
            raise ValueError("placed_from must not be after placed_to")
        return self


class OrderPage(View):
    """One page of :class:`FindOrders`: ``items`` newest first, and ``next_cursor`` to pass as
    ``cursor`` for the next page (``None`` on the last page)."""

    items: tuple[OrderView, ...]
    next_cursor: str | None
