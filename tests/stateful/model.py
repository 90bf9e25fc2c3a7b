"""The machine's model: what the OMS should hold, kept independently of it.

Plain records of what the machine asked for and what the documented rules make of it: orders
(owner, status, prepayment held), invoices with their credit notes and payments, shipments
with the unit cost of each line when it was made up, returns. Each oracle below derives what
the OMS should show from these records and the rule as ``docs/concepts.md`` states it, in the
plainest way that is obviously right, never by repeating the implementation's steps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ordermgmt.messages import (
    AvailabilityView,
    BackorderView,
    CustomerProfileView,
    InvoiceView,
    JournalEntryView,
    OrderView,
    OverdueInvoiceView,
    RequisitionView,
    ShipmentView,
    TrialBalanceView,
)
from tests.stateful.world import ZERO, document_total, goods_value, nets_by_rate, round_cents


@dataclass(frozen=True)
class Placement:
    """A placement request as the machine sent it, to replay it under its idempotency key."""

    customer: str
    channel: str
    lines: tuple[tuple[str, int], ...]

    def kwargs(self, customer_ids: dict[str, str]) -> dict[str, Any]:
        return {
            "customer_id": customer_ids[self.customer],
            "channel": self.channel,
            "lines": [{"sku": sku, "quantity": qty} for sku, qty in self.lines],
        }


@dataclass
class OrderModel:
    """What the machine knows of an order beyond what its view shows."""

    owner: str
    status: str
    skus: dict[int, str]  # order line no -> sku
    invoices: list[str] = field(default_factory=list)  # invoice ids, oldest first
    prepaid: Decimal = ZERO  # received before the invoice, not yet set against one
    paid_with: str = "bank_transfer"  # the method of the last money received: refunds use it


@dataclass
class InvoiceModel:
    """An invoice's lines and money. Credit notes take the tax per rate cumulatively: after
    each note, round(credited net x rate) has been credited at that rate."""

    id: str
    number: str
    order_id: str
    units: dict[int, int]  # order line no -> invoiced units
    skus: dict[int, str]
    due: date
    settlement: str
    net: dict[Decimal, Decimal]  # per rate
    tax: dict[Decimal, Decimal]
    paid: Decimal = ZERO
    credited: Decimal = ZERO
    refunded: Decimal = ZERO
    credited_units: Counter[int] = field(default_factory=Counter)
    credited_net: dict[Decimal, Decimal] = field(default_factory=dict)
    credited_tax: dict[Decimal, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.net.values(), ZERO) + sum(self.tax.values(), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.credited - self.paid + self.refunded

    def creditable(self) -> dict[int, int]:
        """Units per line not credited yet."""
        return {
            no: units - self.credited_units[no]
            for no, units in self.units.items()
            if units > self.credited_units[no]
        }

    def credit(self, units: dict[int, int]) -> Decimal:
        """Record a credit note for ``units``; returns its total."""
        total = ZERO
        for rate, net in nets_by_rate(units, self.skus).items():
            before = self.credited_net.get(rate, ZERO)
            tax = round_cents((before + net) * rate) - round_cents(before * rate)
            self.credited_net[rate] = before + net
            self.credited_tax[rate] = self.credited_tax.get(rate, ZERO) + tax
            total += net + tax
        self.credited_units.update(units)
        self.credited += total
        return total


@dataclass
class ShipmentModel:
    """A shipment, with the unit cost of each line when it was made up (``None``: the product
    had none) and the units of each line customers have sent back since."""

    id: str
    number: str
    order_id: str
    location: str
    lines: tuple[tuple[int, str, int], ...]  # (order line no, sku, units)
    costs: tuple[Decimal | None, ...]  # per line
    status: str
    taken_back: Counter[int] = field(default_factory=Counter)  # line index -> units

    @property
    def value(self) -> Decimal:
        """Cost of goods sold for the whole shipment: posted once it is booked, reversed in
        full when the carrier brings it back."""
        lines = zip(self.costs, self.lines, strict=True)
        return goods_value((cost, units) for cost, (_, _, units) in lines)


@dataclass
class ReturnModel:
    id: str
    order_id: str
    lines: tuple[tuple[int, str, int], ...]
    status: str
    replacement: str = ""
    cost: Decimal = ZERO  # the cost the received goods shipped at, back from cost of goods sold
    restocked: bool = False


@dataclass(frozen=True)
class Snapshot:
    """Everything the invariants read, fetched once per step."""

    orders: dict[str, OrderView]
    availability: dict[str, AvailabilityView]
    backorders: list[BackorderView]
    requisitions: list[RequisitionView]
    profiles: dict[str, CustomerProfileView]
    invoices: dict[str, list[InvoiceView]]  # order id -> its invoices
    shipments: dict[str, list[ShipmentView]]  # order id -> its shipments
    trial_balance: TrialBalanceView
    journal: list[JournalEntryView]
    overdue: list[OverdueInvoiceView]


# -- oracles -----------------------------------------------------------------------------------


def expected_fulfillment(order: OrderView) -> str:
    """The fulfillment status an order's line quantities call for (docs/concepts.md)."""
    active = sum(line.quantity - line.cancelled for line in order.lines)
    returned = sum(line.returned for line in order.lines)
    delivered = sum(line.delivered for line in order.lines)
    shipped = sum(line.shipped for line in order.lines)
    reserved = sum(line.reserved for line in order.lines)
    backordered = sum(line.backordered for line in order.lines)
    if returned:
        return "returned" if returned == delivered == active else "partially_returned"
    if delivered:
        return "delivered" if delivered == active else "partially_delivered"
    if shipped:
        return "shipped" if shipped == active else "partially_shipped"
    if reserved:
        return "reserved" if reserved == active else "partially_reserved"
    if backordered:
        return "backordered"
    return "unreserved"


def expected_payment_status(invoices: Sequence[InvoiceModel]) -> str:
    """The payment status of an order whose invoices the model holds (docs/concepts.md, "The
    three status axes"): ``not_invoiced`` without an invoice; once credit notes took anything
    back, ``refunded`` if they took everything, else ``partially_refunded``; otherwise
    ``invoiced`` while nothing is paid, ``paid`` once the payments cover what was billed, else
    ``partially_paid``.

    Every figure comes from the model's own records: what was billed is each invoice's units
    at catalog prices with tax per rate, what was credited the credit notes the machine
    issued, what was paid the payments it recorded (prepayments set against the invoice
    included). Nothing is read from the OMS."""
    if not invoices:
        return "not_invoiced"
    billed = sum((document_total(i.units, i.skus) for i in invoices), ZERO)
    credited = sum((i.credited for i in invoices), ZERO)
    paid = sum((i.paid for i in invoices), ZERO)
    if credited == billed:
        return "refunded"
    if credited > ZERO:
        return "partially_refunded"
    if paid == ZERO:
        return "invoiced"
    return "paid" if paid >= billed else "partially_paid"


def expected_allocation(
    demand: Mapping[str, int], free: Mapping[tuple[str, str], int], locations: Sequence[str]
) -> dict[tuple[str, str], int]:
    """Where the default policy reserves an order's units, (sku, location) -> units, as
    docs/concepts.md ("Allocation policy") words it, ``locations`` in priority order:

    1. the first location that can fill the whole order (every sku);
    2. otherwise, per sku, the first location that can fill that sku alone;
    3. otherwise the sku is split across locations in priority order.

    What no location can supply is backordered (it is not in the result). The split is
    modelled one unit at a time: each unit comes from the first location that still has a
    free one, which is what "in priority order" means."""

    def fills(code: str, skus: Iterable[str]) -> bool:
        return all(free.get((sku, code), 0) >= demand[sku] for sku in skus)

    whole_order = [code for code in locations if fills(code, demand)]
    if whole_order:
        return {(sku, whole_order[0]): units for sku, units in demand.items()}
    reserved: Counter[tuple[str, str]] = Counter()
    for sku, units in demand.items():
        alone = [code for code in locations if fills(code, [sku])]
        if alone:
            reserved[sku, alone[0]] = units
            continue
        left = {code: free.get((sku, code), 0) for code in locations}
        for _ in range(units):
            source = next((code for code in locations if left[code] > 0), None)
            if source is None:
                break  # no unit left anywhere: the rest is backordered
            left[source] -= 1
            reserved[sku, source] += 1
    return dict(reserved)
