"""Where an order came in, and its three status axes (docs/concepts.md, "The three status axes
of an order"): the order's own state machine, fulfilment and payment."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Where the order came in."""

    WEB = "web"
    STORE = "store"
    PHONE = "phone"
    EMAIL = "email"
    EDI = "edi"
    MARKETPLACE = "marketplace"
    SALES_REP = "sales_rep"
    API = "api"


class OrderStatus(StrEnum):
    OPEN = "open"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class FulfillmentStatus(StrEnum):
    UNRESERVED = "unreserved"
    PARTIALLY_RESERVED = "partially_reserved"
    RESERVED = "reserved"
    BACKORDERED = "backordered"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"


class PaymentStatus(StrEnum):
    NOT_INVOICED = "not_invoiced"
    INVOICED = "invoiced"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


#: The legal moves of ``Order.status``.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset(
        {OrderStatus.ON_HOLD, OrderStatus.COMPLETED, OrderStatus.CANCELLED}
    ),
    OrderStatus.ON_HOLD: frozenset({OrderStatus.OPEN, OrderStatus.CANCELLED}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
