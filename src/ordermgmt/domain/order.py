"""Orders (Aufträge): what a customer asked for, on which channel, at which price and tax.

An order has three status axes (docs/concepts.md, "The three status axes of an order"):
``status`` is a small state machine kept on the order; ``fulfillment_status`` is derived from
the line quantities so it can never disagree with them; ``payment_status`` follows the order's
invoices and payments.

Per line, while the order is open, every ordered unit is in exactly one bucket:
``quantity == reserved + backordered + shipped + cancelled``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Protocol

from ordermgmt.domain.base import Aggregate, require_quantity, require_text
from ordermgmt.domain.charges import Charge
from ordermgmt.domain.errors import (
    InvalidStateTransition,
    NotFound,
    ValidationError,
)
from ordermgmt.domain.events import (
    BackorderCreated,
    BackorderReleased,
    BackorderServed,
    OrderCancelled,
    OrderCompleted,
    OrderHeld,
    OrderPlaced,
    OrderReleased,
    ReservationReleased,
    StockReserved,
)
from ordermgmt.domain.ids import CustomerId, OrderId
from ordermgmt.domain.money import MAX_AMOUNT, Money, round_amount
from ordermgmt.domain.order_checks import MAX_LINES as MAX_LINES
from ordermgmt.domain.order_checks import check_amounts, check_charges, check_lines
from ordermgmt.domain.order_checks import require_unit as require_unit
from ordermgmt.domain.order_status import TRANSITIONS as TRANSITIONS
from ordermgmt.domain.order_status import Channel as Channel
from ordermgmt.domain.order_status import FulfillmentStatus as FulfillmentStatus
from ordermgmt.domain.order_status import OrderStatus as OrderStatus
from ordermgmt.domain.order_status import PaymentStatus as PaymentStatus
from ordermgmt.domain.totals import TaxKey as TaxKey
from ordermgmt.domain.totals import TaxSubtotal as TaxSubtotal
from ordermgmt.domain.totals import Totals as Totals
from ordermgmt.domain.totals import line_gross as line_gross
from ordermgmt.domain.totals import tax_subtotals as tax_subtotals
from ordermgmt.domain.vat import VatCategory


class Owing(Protocol):
    """A document with an amount still outstanding on it (an invoice of the order)."""

    @property
    def outstanding(self) -> Money: ...


def order_number(sequence: int) -> str:
    """The human order number for the ``sequence``-th order: ``SO-000042``."""
    return f"SO-{sequence:06d}"


@dataclass(kw_only=True)
class OrderLine:
    """One position (Auftragsposition). Money is exact; ``net`` is rounded once, here."""

    line_no: int
    sku: str
    name: str
    quantity: int
    #: The price of ``base_quantity`` units (a price per 100 pieces has base quantity 100).
    unit_price: Money
    tax_rate: Decimal
    discount: Money
    price_overridden: bool = False
    tax_category: VatCategory = VatCategory.STANDARD
    #: Unit of measure, UN/ECE Recommendation 20 (``H87`` piece, ``KGM`` kilogram, ...).
    unit_code: str = "H87"
    base_quantity: int = 1
    #: Why the line has its discount (a line allowance) and a charge on the line, if any.
    discount_reason: str = ""
    charge: Money | None = None
    charge_reason: str = ""
    allocations: dict[str, int] = field(default_factory=dict)
    backordered: int = 0
    cancelled: int = 0
    shipped: int = 0
    delivered: int = 0
    returned: int = 0
    invoiced: int = 0
    credited: int = 0

    def __post_init__(self) -> None:
        # A line at 0 % given no other category is zero rated (standard rated needs a rate).
        if self.tax_category is VatCategory.STANDARD and self.tax_rate == 0:
            self.tax_category = VatCategory.ZERO_RATED

    @property
    def reserved(self) -> int:
        return sum(self.allocations.values())

    @property
    def open_quantity(self) -> int:
        """Units neither shipped nor cancelled: they are reserved or on backorder."""
        return self.quantity - self.shipped - self.cancelled

    @property
    def unassigned(self) -> int:
        return self.open_quantity - self.reserved - self.backordered

    @property
    def net(self) -> Money:
        """quantity × unit price / base quantity − discount + charge, rounded half-up to the
        minor unit."""
        gross = line_gross(self.unit_price, self.quantity, self.base_quantity)
        gross += -self.discount.amount + (self.charge.amount if self.charge else 0)
        currency = self.unit_price.currency
        amount = round_amount(gross, currency)
        return (
            Money(amount, currency) if abs(amount) >= MAX_AMOUNT else Money._exact(amount, currency)
        )


@dataclass(kw_only=True)
class Order(Totals, Aggregate):
    """A customer's order; the aggregate root of its lines and their reservations."""

    id: OrderId
    number: str
    customer_id: CustomerId
    channel: Channel
    currency: str
    lines: list[OrderLine]
    placed_at: datetime
    status: OrderStatus = OrderStatus.OPEN
    payment_status: PaymentStatus = PaymentStatus.NOT_INVOICED
    idempotency_key: str | None = None
    request_fingerprint: str = ""
    customer_reference: str = ""
    hold_reason: str = ""
    cancel_reason: str = ""
    #: Money received for this order and not yet applied to an invoice (a liability).
    prepaid_amount: Decimal = Decimal(0)
    #: Document-level allowances and charges (a shipping charge), invoiced once, with the
    #: first invoice of the order; ``charges_invoice_id`` names that invoice.
    charges: tuple[Charge, ...] = ()
    charges_invoice_id: str = ""
    #: The buyer's routing reference for this order (BT-10, a Leitweg-ID); the customer's
    #: when empty.
    buyer_reference: str = ""

    # -- placing -----------------------------------------------------------------------------

    @classmethod
    def place(
        cls,
        *,
        id: OrderId,
        number: str,
        customer_id: CustomerId,
        channel: Channel,
        currency: str,
        lines: list[OrderLine],
        at: datetime,
        idempotency_key: str | None = None,
        request_fingerprint: str = "",
        customer_reference: str = "",
        charges: tuple[Charge, ...] = (),
        buyer_reference: str = "",
    ) -> Order:
        check_lines(lines, currency)
        check_charges(charges, currency)
        order = cls(
            id=id,
            number=number,
            customer_id=customer_id,
            channel=channel,
            currency=currency,
            lines=lines,
            placed_at=at,
            idempotency_key=idempotency_key,
            request_fingerprint=request_fingerprint,
            customer_reference=require_text(
                customer_reference, "customer_reference", max_length=100, empty=True
            ),
            charges=charges,
            buyer_reference=require_text(
                buyer_reference, "buyer_reference", max_length=100, empty=True
            ),
        )
        check_amounts(order.tax_subtotals)
        order.record(
            OrderPlaced(
                occurred_at=at,
                order_id=id,
                number=number,
                customer_id=customer_id,
                channel=channel,
                total=order.total,
            )
        )
        return order

    # -- amounts -----------------------------------------------------------------------------

    @cached_property
    def tax_subtotals(self) -> tuple[TaxSubtotal, ...]:
        """Net and tax per category and rate, the order's allowances and charges included.
        Cached: prices, discounts and quantities of a placed order's lines never change (what
        changes is where its units are)."""
        nets = [(TaxKey(line.tax_category, line.tax_rate), line.net) for line in self.lines]
        nets += [(charge.key, charge.signed) for charge in self.charges]
        return tax_subtotals(nets, self.currency)

    # -- status ------------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        """Open or on hold: the order still holds stock and may change."""
        return self.status in (OrderStatus.OPEN, OrderStatus.ON_HOLD)

    def _move(self, target: OrderStatus) -> None:
        if target not in TRANSITIONS[self.status]:
            raise InvalidStateTransition("order", self.number, self.status, target)
        self.status = target

    def _require_active(self, target: str) -> None:
        if not self.is_active:
            raise InvalidStateTransition("order", self.number, self.status, target)

    @property
    def fulfillment_status(self) -> FulfillmentStatus:
        lines = self.lines
        active = sum(line.quantity - line.cancelled for line in lines)
        returned = sum(line.returned for line in lines)
        delivered = sum(line.delivered for line in lines)
        shipped = sum(line.shipped for line in lines)
        reserved = sum(line.reserved for line in lines)
        backordered = sum(line.backordered for line in lines)
        if returned:
            whole = returned == delivered == active
            return FulfillmentStatus.RETURNED if whole else FulfillmentStatus.PARTIALLY_RETURNED
        if delivered:
            whole = delivered == active
            return FulfillmentStatus.DELIVERED if whole else FulfillmentStatus.PARTIALLY_DELIVERED
        if shipped:
            return (
                FulfillmentStatus.SHIPPED
                if shipped == active
                else FulfillmentStatus.PARTIALLY_SHIPPED
            )
        if reserved:
            whole = reserved == active
            return FulfillmentStatus.RESERVED if whole else FulfillmentStatus.PARTIALLY_RESERVED
        if backordered:
            return FulfillmentStatus.BACKORDERED
        return FulfillmentStatus.UNRESERVED

    def hold(self, reason: str, at: datetime) -> None:
        self._move(OrderStatus.ON_HOLD)
        self.hold_reason = require_text(reason, "reason")
        self.record(
            OrderHeld(occurred_at=at, order_id=self.id, number=self.number, reason=self.hold_reason)
        )

    def release_hold(self, at: datetime) -> None:
        self._move(OrderStatus.OPEN)
        self.hold_reason = ""
        self.record(OrderReleased(occurred_at=at, order_id=self.id, number=self.number))

    # -- reservations ------------------------------------------------------------------------

    def line(self, line_no: int) -> OrderLine:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise NotFound("order line", f"{self.number}/{line_no}")

    def lines_for(self, sku: str) -> list[OrderLine]:
        return [line for line in self.lines if line.sku == sku]

    def reserve(self, line_no: int, location: str, quantity: int, at: datetime) -> None:
        """Reserve ``quantity`` not yet assigned units of a line at ``location``."""
        self._require_active("reserved")
        line = self.line(line_no)
        require_quantity(quantity)
        if quantity > line.unassigned:
            raise ValidationError("quantity", quantity, f"only {line.unassigned} left to assign")
        line.allocations[location] = line.allocations.get(location, 0) + quantity
        self.record(
            StockReserved(
                occurred_at=at, order_id=self.id, sku=line.sku, location=location, quantity=quantity
            )
        )

    def backorder(self, line_no: int, quantity: int, at: datetime) -> None:
        """Put ``quantity`` not yet assigned units of a line on backorder (Rückstand)."""
        self._require_active("backordered")
        line = self.line(line_no)
        require_quantity(quantity)
        if quantity > line.unassigned:
            raise ValidationError("quantity", quantity, f"only {line.unassigned} left to assign")
        line.backordered += quantity
        self.record(
            BackorderCreated(occurred_at=at, order_id=self.id, sku=line.sku, quantity=quantity)
        )

    def serve_backorder(self, line_no: int, location: str, quantity: int, at: datetime) -> None:
        """Backordered units became available at ``location`` and are now reserved there."""
        self._require_active("reserved")
        line = self.line(line_no)
        require_quantity(quantity)
        if quantity > line.backordered:
            raise ValidationError("quantity", quantity, f"only {line.backordered} on backorder")
        line.backordered -= quantity
        line.allocations[location] = line.allocations.get(location, 0) + quantity
        self.record(
            BackorderServed(
                occurred_at=at, order_id=self.id, sku=line.sku, location=location, quantity=quantity
            )
        )

    def unreserve_to_backorder(
        self, line_no: int, location: str, quantity: int, at: datetime
    ) -> None:
        """Reserved units turned out not to exist (a stock count): back onto backorder."""
        self._require_active("backordered")
        line = self.line(line_no)
        require_quantity(quantity)
        held = line.allocations.get(location, 0)
        if quantity > held:
            raise ValidationError("quantity", quantity, f"only {held} reserved at {location}")
        self._drop_allocation(line, location, quantity)
        line.backordered += quantity
        self.record(
            ReservationReleased(
                occurred_at=at, order_id=self.id, sku=line.sku, location=location, quantity=quantity
            )
        )
        self.record(
            BackorderCreated(occurred_at=at, order_id=self.id, sku=line.sku, quantity=quantity)
        )

    @staticmethod
    def _drop_allocation(line: OrderLine, location: str, quantity: int) -> None:
        left = line.allocations[location] - quantity
        if left:
            line.allocations[location] = left
        else:
            del line.allocations[location]

    # -- delivery, invoicing, returns -------------------------------------------------------

    @property
    def prepaid(self) -> Money:
        return Money(self.prepaid_amount, self.currency)

    def ship(self, line_no: int, location: str, quantity: int) -> None:
        """Reserved units left ``location``: the reservation becomes a shipped quantity."""
        line = self.line(line_no)
        require_quantity(quantity)
        held = line.allocations.get(location, 0)
        if quantity > held:
            raise ValidationError("quantity", quantity, f"only {held} reserved at {location}")
        self._drop_allocation(line, location, quantity)
        line.shipped += quantity

    def unship(self, line_no: int, location: str, quantity: int) -> None:
        """Shipped units came back undelivered (returned to sender): reserved again there."""
        line = self.line(line_no)
        require_quantity(quantity)
        if quantity > line.shipped - line.delivered:
            raise ValidationError(
                "quantity", quantity, f"only {line.shipped - line.delivered} in transit"
            )
        line.shipped -= quantity
        line.allocations[location] = line.allocations.get(location, 0) + quantity

    def deliver(self, line_no: int, quantity: int) -> None:
        line = self.line(line_no)
        require_quantity(quantity)
        if line.delivered + quantity > line.shipped:
            raise ValidationError(
                "quantity", quantity, f"only {line.shipped - line.delivered} in transit"
            )
        line.delivered += quantity

    def take_back(self, line_no: int, quantity: int) -> None:
        """Returned units arrived back."""
        line = self.line(line_no)
        require_quantity(quantity)
        if line.returned + quantity > line.delivered:
            raise ValidationError(
                "quantity",
                quantity,
                f"only {line.delivered - line.returned} delivered and not returned",
            )
        line.returned += quantity

    def mark_invoiced(self, line_no: int, quantity: int) -> None:
        line = self.line(line_no)
        require_quantity(quantity)
        if line.invoiced + quantity > line.quantity - line.cancelled + line.credited:
            raise ValidationError("quantity", quantity, "more than can be invoiced")
        line.invoiced += quantity

    def mark_credited(self, line_no: int, quantity: int) -> None:
        line = self.line(line_no)
        require_quantity(quantity)
        if line.credited + quantity > line.invoiced:
            raise ValidationError(
                "quantity", quantity, f"only {line.invoiced - line.credited} invoiced"
            )
        line.credited += quantity

    @property
    def fully_delivered(self) -> bool:
        return all(line.delivered + line.cancelled == line.quantity for line in self.lines)

    @property
    def fully_invoiced(self) -> bool:
        """Every unit the order still delivers (not cancelled, not returned) is invoiced and
        not credited."""
        return all(
            line.invoiced - line.credited >= line.quantity - line.cancelled - line.returned
            for line in self.lines
        )

    def follow_invoices(
        self, payment_status: PaymentStatus, invoices: Sequence[Owing], at: datetime
    ) -> None:
        """Take the payment status the order's ``invoices`` add up to, and complete the order
        when it is done: open, every unit delivered or cancelled, everything invoiced, and
        settled (it has invoices and nothing is outstanding on any of them)."""
        self.payment_status = payment_status
        if self.status is not OrderStatus.OPEN or not self.fully_delivered:
            return
        if self.fully_invoiced and invoices and all(i.outstanding.is_zero for i in invoices):
            self.complete(at)

    def complete(self, at: datetime) -> None:
        """Close the order for good. Refused (``InvalidStateTransition``) while any unit is
        still reserved: reservations belong to open orders only."""
        if any(line.reserved for line in self.lines):
            raise InvalidStateTransition("order", self.number, "reserved", OrderStatus.COMPLETED)
        self._move(OrderStatus.COMPLETED)
        self.record(OrderCompleted(occurred_at=at, order_id=self.id, number=self.number))

    # -- cancelling --------------------------------------------------------------------------

    def cancel(self, reason: str, at: datetime) -> list[tuple[str, str, int]]:
        """Cancel every open unit. Returns the reservations to give back: (sku, location, qty).

        An order of which nothing was shipped becomes ``cancelled``. One that was partly
        shipped stays open with its remaining units cancelled; it completes once what was
        shipped is delivered and paid.
        """
        reason = require_text(reason, "reason", empty=True) or "cancelled"
        if any(line.shipped for line in self.lines):
            self._require_active(OrderStatus.CANCELLED)
            if not any(line.open_quantity for line in self.lines):
                raise InvalidStateTransition("order", self.number, "shipped", OrderStatus.CANCELLED)
        else:
            self._move(OrderStatus.CANCELLED)
        released: list[tuple[str, str, int]] = []
        for line in self.lines:
            for location, quantity in sorted(line.allocations.items()):
                released.append((line.sku, location, quantity))
                self.record(
                    ReservationReleased(
                        occurred_at=at,
                        order_id=self.id,
                        sku=line.sku,
                        location=location,
                        quantity=quantity,
                    )
                )
            if line.backordered:
                self.record(
                    BackorderReleased(
                        occurred_at=at, order_id=self.id, sku=line.sku, quantity=line.backordered
                    )
                )
            line.cancelled += line.open_quantity
            line.allocations = {}
            line.backordered = 0
        self.cancel_reason = reason
        self.record(
            OrderCancelled(occurred_at=at, order_id=self.id, number=self.number, reason=reason)
        )
        return released
