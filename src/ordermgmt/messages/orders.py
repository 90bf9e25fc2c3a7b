"""Commands, queries and views about orders: placing, cancelling, holding, releasing and
reading them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from ordermgmt.domain.order import Channel, FulfillmentStatus, OrderStatus, PaymentStatus
from ordermgmt.domain.vat import VatCategory
from ordermgmt.messages.base import Command, Message, Query, View, exactly_one
from ordermgmt.messages.fields import (
    CurrencyCode,
    Id,
    IdempotencyKey,
    MoneyField,
    Name,
    Quantity,
    Reference,
    Sku,
    TaxRate,
    Text,
)


class OrderLineInput(Message):
    """One line of a new order (``PlaceOrder.lines``, ``Exchange.replacement_lines``).

    ``quantity``: whole units, 1 to 1,000,000. ``unit_price`` overrides the catalog's net price per
    unit; ``discount`` is an amount off the whole line (not per unit). Both must be in the order's
    currency and not negative, and the discount may not exceed the line amount. The line net is
    quantity x unit price - discount, rounded half-up to the currency's minor unit.
    """

    sku: Sku
    quantity: Quantity
    unit_price: MoneyField | None = Field(
        default=None, description="Overrides the catalog price for this line."
    )
    discount: MoneyField | None = Field(
        default=None, description="An amount off the whole line (not per unit)."
    )
    discount_reason: Text = Field(default="", description="Why the line has its discount.")
    charge: MoneyField | None = Field(
        default=None, description="A charge on the whole line (not per unit)."
    )
    charge_reason: Text = Field(default="", description="What the line charge is for.")


class ChargeInput(Message):
    """An allowance or charge on the whole order (``PlaceOrder.charges``): a shipping charge,
    a handling fee, an early-order discount. Invoiced once, with the order's first invoice.

    - ``charge``: True for a charge (default), False for an allowance; ``amount``: net, above
      0, in the order's currency.
    - ``reason`` and/or ``reason_code``: UNTDID 7161 for charges (``FC`` freight, ``ABL``
      packaging, ``SAA`` shipping and handling), UNTDID 5189 for allowances (``95`` discount,
      ``100`` special rebate, ``64`` special agreement). One of them is required.
    - ``tax_category`` and ``tax_rate``: what it is taxed at. Left out, it follows the order's
      main item: the category and rate of its line with the largest net.
    """

    charge: bool = True
    amount: MoneyField
    reason: Text = ""
    reason_code: Annotated[str, Field(max_length=3)] = ""
    tax_category: VatCategory | None = None
    tax_rate: TaxRate | None = None


class PlaceOrder(Command):
    """Place an order (``OrderManagement.place_order``); returns an :class:`OrderView`.

    Every line is priced from the catalog (or its override) and taxed at the product's rate; stock
    is reserved at once by the allocation policy, and what cannot be reserved is backordered (a
    purchase requisition follows). A B2B order that takes the customer over the credit limit is
    placed ``on_hold`` with its stock reserved, not refused.

    - ``channel``: ``web``, ``store``, ``phone``, ``email``, ``edi``, ``marketplace``, ``sales_rep``
      or ``api``.
    - ``lines``: 1 to 500 :class:`OrderLineInput`.
    - ``currency``: ISO 4217 code of every amount of the order; by default the currency of the first
      line's catalog price. A line priced in another currency raises ``CurrencyMismatch``.
    - ``idempotency_key``: unique per customer (the customer's purchase order number, say: two
      customers may both send "PO-1001"). A repeat by the same customer with the same key and the
      same content returns the first order, also when both arrive at once; the same key with other
      content raises ``IdempotencyConflict``.
    - ``customer_reference``: the customer's own reference (their purchase order number,
      BT-13 on the invoice).
    - ``charges``: allowances and charges on the whole order (:class:`ChargeInput`), such as a
      shipping charge.
    - ``buyer_reference``: the routing reference invoices of this order quote (BT-10); by
      default the customer's.

    Each line's VAT category follows the product's, the seller and the buyer: goods delivered
    from the EU to outside it are an export (``G``), to a business with a VAT identifier in
    another member state an intra-community supply (``K``), both at 0 %.

    Raises ``NotFound`` (customer, product), ``CustomerBlocked``, ``ProductInactive``,
    ``CurrencyMismatch``, ``IdempotencyConflict`` and ``ValidationError``.
    """

    customer_id: Id
    channel: Channel
    lines: Annotated[list[OrderLineInput], Field(min_length=1, max_length=500)]
    currency: CurrencyCode | None = Field(
        default=None, description="Defaults to the currency of the first line's catalog price."
    )
    idempotency_key: IdempotencyKey | None = Field(
        default=None, description="A repeat with the same key and content gets the first order."
    )
    customer_reference: Reference = ""
    charges: Annotated[list[ChargeInput], Field(max_length=50)] = Field(default_factory=list)
    buyer_reference: Reference = ""

    def fingerprint(self) -> str:
        """What makes two submissions "the same order" (everything but the key)."""
        return self.model_dump_json(exclude={"idempotency_key"})


class CancelOrder(Command):
    """Cancel what is still open of an order; returns its :class:`OrderView`.

    Used by ``OrderManagement.cancel_order``. Reservations go back to stock (serving other orders'
    backorders) and backorders are dropped. Cancelled units that were invoiced get a credit note,
    and what the customer paid for them, prepayments included, is refunded by the method they paid
    with. An order of which nothing was shipped becomes ``cancelled``; a partly shipped one stays
    open with its remaining units cancelled. ``reason`` defaults to ``"cancelled"``. Raises
    ``NotFound``, and ``InvalidStateTransition`` for a completed or cancelled order or one with
    nothing left open.
    """

    order_id: Id
    reason: Text = ""


class HoldOrder(Command):
    """Put an open order on hold (``OrderManagement.hold_order``); returns its :class:`OrderView`.

    The order keeps its reservations but cannot be shipped until released. ``reason`` (required,
    1-200 characters) becomes ``hold_reason``. Raises ``NotFound``, and ``InvalidStateTransition``
    unless the order is open.
    """

    order_id: Id
    reason: Name


class ReleaseOrder(Command):
    """Release an order on hold (``OrderManagement.release_order``); returns its :class:`OrderView`.

    The order is open again whatever the hold's reason: a credit hold released by hand is not
    checked against the credit limit again. Raises ``NotFound``, and ``InvalidStateTransition``
    unless the order is on hold.
    """

    order_id: Id


class GetOrder(Query):
    """Find an order by ``order_id`` or by its human ``number`` (``SO-000042``); give exactly one.

    Used by ``OrderManagement.get_order``; raises ``NotFound``.
    """

    order_id: Id | None = None
    number: Annotated[str, Field(min_length=1, max_length=40)] | None = None

    _one_of = exactly_one("order_id", "number")


class ListCustomerOrders(Query):
    """List a customer's orders, oldest first (``OrderManagement.customer_orders``).

    Raises ``NotFound`` for an unknown customer.
    """

    customer_id: Id


class OrderLineView(View):
    """One order line and where its units are.

    Money: ``unit_price`` is the exact net price per unit (``price_overridden`` when it came with
    the order rather than from the catalog), ``discount`` is off the whole line, ``net`` = quantity
    x unit price - discount, rounded half-up to the minor unit. ``tax_rate`` is a fraction. Units:
    ``quantity`` ordered; ``reserved`` in total and per location in ``allocations``;
    ``backordered``; ``shipped``; ``delivered``; ``returned``; ``cancelled``. quantity >= reserved +
    backordered + shipped + cancelled, with equality while the order is open; shipped >= delivered
    >= returned.
    """

    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: MoneyField
    discount: MoneyField
    tax_rate: Decimal
    net: MoneyField
    price_overridden: bool
    tax_category: VatCategory
    unit_code: str
    base_quantity: int
    discount_reason: str
    charge: MoneyField | None
    charge_reason: str
    reserved: int
    allocations: dict[str, int]
    backordered: int
    shipped: int
    delivered: int
    returned: int
    cancelled: int


class TaxSubtotalView(View):
    """Net and tax of all lines at one tax ``rate`` (a fraction).

    ``tax`` = round(net x rate), rounded once per rate, half-up to the minor unit (EN 16931); a
    credit note that completes the reversal of an invoice carries exactly the tax still left
    instead.
    """

    rate: Decimal
    net: MoneyField
    tax: MoneyField
    category: VatCategory


class ChargeView(View):
    """An allowance (``charge`` False) or charge on a whole order or document, net."""

    charge: bool
    amount: MoneyField
    reason: str
    reason_code: str
    tax_category: VatCategory
    tax_rate: Decimal


class OrderView(View):
    """An order with its lines, totals and three status axes.

    - ``number``: the human order number (``SO-000042``); ``currency``: of every amount.
    - ``status``: ``open``, ``on_hold``, ``completed`` (every unit delivered or cancelled and every
      invoice settled) or ``cancelled``.
    - ``fulfillment_status``: ``unreserved``, ``partially_reserved``, ``reserved``, ``backordered``,
      ``partially_shipped``, ``shipped``, ``partially_delivered``, ``delivered``,
      ``partially_returned`` or ``returned``.
    - ``payment_status``: ``not_invoiced``, ``invoiced``, ``partially_paid``, ``paid``, then
      ``partially_refunded`` or ``refunded`` once credit notes reverse part or all of what was
      invoiced.
    - ``tax_subtotals``: per rate, highest rate first; ``net_total`` and ``tax_total`` are their
      sums and ``total`` = net + tax, nothing rounded again.
    - ``idempotency_key``: ``None`` if none was given; ``hold_reason`` is ``""`` unless on hold;
      ``cancel_reason`` is ``""`` unless the order was cancelled; ``version`` counts committed
      changes.
    """

    id: str
    number: str
    customer_id: str
    channel: Channel
    currency: str
    status: OrderStatus
    fulfillment_status: FulfillmentStatus
    payment_status: PaymentStatus
    lines: tuple[OrderLineView, ...]
    tax_subtotals: tuple[TaxSubtotalView, ...]
    net_total: MoneyField
    tax_total: MoneyField
    total: MoneyField
    placed_at: datetime
    idempotency_key: str | None
    customer_reference: str
    charges: tuple[ChargeView, ...]
    buyer_reference: str
    hold_reason: str
    cancel_reason: str
    version: int

    def line(self, sku: str) -> OrderLineView:
        """The first line for ``sku``; raises ``KeyError`` if the order has none."""
        for line in self.lines:
            if line.sku == sku:
                return line
        raise KeyError(sku)

    @property
    def reserved(self) -> int:
        """Units reserved over all lines."""
        return sum(line.reserved for line in self.lines)

    @property
    def backordered(self) -> int:
        """Units on backorder over all lines."""
        return sum(line.backordered for line in self.lines)
