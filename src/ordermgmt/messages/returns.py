"""Commands, queries and views about returns (RMAs) and exchanges."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from ordermgmt.messages.accounting import PaymentMethodName
from ordermgmt.messages.base import Command, Message, Query, View
from ordermgmt.messages.fields import (
    _KEY_HELP,
    Id,
    IdempotencyKey,
    LocationCode,
    Name,
    Quantity,
    Sku,
)
from ordermgmt.messages.orders import OrderLineInput, OrderView


class ReturnLineInput(Message):
    """Units of one sku to return (``RequestReturn.lines``, ``Exchange.return_lines``): at most what
    was delivered and is not yet returned or on an open return.
    """

    sku: Sku
    quantity: Quantity


class RequestReturn(Command):
    """Open an RMA for delivered quantities (``OrderManagement.request_return``).

    Returns a :class:`ReturnView` (``RMA-<6 digits>``, status ``requested``); nothing moves until
    ``receive_return``. ``reason``: 1-200 characters. Raises ``NotFound``,
    ``InvalidStateTransition`` for a cancelled order, and ``ValidationError`` for more units than
    are returnable.

    ``idempotency_key`` is unique among return requests; a repeat returns the first return.
    """

    order_id: Id
    lines: Annotated[list[ReturnLineInput], Field(min_length=1, max_length=500)]
    reason: Name
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class ReceiveReturn(Command):
    """The goods are back: restock them (at ``location``, default where they were shipped from) or
    write them off; a credit note and, where already paid, a refund follow.

    Used by ``OrderManagement.receive_return``; returns the :class:`ReturnView`. Where a unit cost
    is known, inventory is posted back (and written off again without ``restock``). Restocked units
    serve backorders. ``refund_method`` defaults to the method the customer paid with. For an
    exchange, what the customer is owed pays for the replacement order first. Raises ``NotFound``,
    and ``InvalidStateTransition`` unless the return is requested.

    ``idempotency_key`` is unique among return receipts; a repeat returns the return as it is now
    and books nothing (without a key, a second receipt is an ``InvalidStateTransition``).
    """

    return_id: Id
    restock: bool = Field(default=True, description="False writes the goods off instead.")
    location: LocationCode | None = None
    refund_method: PaymentMethodName | None = Field(
        default=None, description="Defaults to the method the customer paid with."
    )
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class RejectReturn(Command):
    """Refuse a requested return (``OrderManagement.reject_return``): nothing comes back, no
    credit note; the units can be asked for again. Raises ``InvalidStateTransition`` for a
    return already received or rejected."""

    return_id: Id
    reason: Name


class Exchange(Command):
    """A return plus a replacement order; the price difference is invoiced or credited.

    Used by ``OrderManagement.exchange``; returns an :class:`ExchangeView`. The return is opened as
    with ``RequestReturn`` and the replacement placed at once for the same customer, channel and
    currency (reserving stock like ``PlaceOrder``). When the return is received, what the customer
    is owed moves to the replacement as a prepayment, up to its price; the rest is refunded, and a
    dearer replacement is invoiced for the difference. Raises what ``RequestReturn`` and
    ``PlaceOrder`` raise.
    """

    order_id: Id
    return_lines: Annotated[list[ReturnLineInput], Field(min_length=1, max_length=500)]
    replacement_lines: Annotated[list[OrderLineInput], Field(min_length=1, max_length=500)]
    reason: Name


class GetReturn(Query):
    """Read one return (``OrderManagement.get_return``); raises ``NotFound``."""

    return_id: Id


class ReturnLineView(View):
    """Units of one order line (``order_line_no``) on a return."""

    order_line_no: int
    sku: str
    quantity: int


class ReturnView(View):
    """A return (Retoure, RMA) of delivered units.

    ``number`` is ``RMA-<6 digits>``; ``status`` is ``requested`` until ``receive_return``, then
    ``received``. ``restocked`` says whether the goods went back to stock (at ``location``) or were
    written off; ``location`` and ``received_at`` are empty until received. ``credit_note_id`` and
    ``refund_id`` name the (first) credit note and refund that followed, ``replacement_order_id``
    the replacement of an exchange; ``""`` where there is none.
    """

    id: str
    number: str
    order_id: str
    customer_id: str
    status: str
    reason: str
    lines: tuple[ReturnLineView, ...]
    restocked: bool
    location: str
    requested_at: datetime
    received_at: datetime | None
    credit_note_id: str
    refund_id: str
    replacement_order_id: str
    rejection_reason: str = ""


class ExchangeView(View):
    """The result of an exchange: the opened return and the placed replacement order."""

    return_request: ReturnView
    replacement_order: OrderView
