"""Random order-to-cash sequences, checked after every step.

A rule-based state machine drives an OMS through its facade only. It places orders (with and
without idempotency keys, replaying keys with the same and with a changed request), cancels,
holds and releases them, receives, counts and moves stock, and blocks and unblocks a customer;
it invoices, takes payments (for invoices, and for orders before their invoice: prepayments and
cash sales), issues credit notes and pays refunds; it ships with the parcel carrier and the own
fleet (also through failed bookings that are retried or cancelled), tracks and delivers; it takes
goods back (restocked or written off) and exchanges them; products' unit costs change; and
business days pass. After every step the invariants at the end of the machine must hold.

The machine keeps a small model of what it expects where that is cheap: stock on hand, every
document's money (invoice totals, credit notes with their tax per rate, payments, refunds), the
prepayments held per order, shipments (with the unit cost of each line when it was made up)
and returns (with the shipped units each took back). The ledger is checked against it account
by account.

The same rules run on three storages: in memory, on a SQLite file (a fresh copy of a migrated
template per example) and on PostgreSQL (one database for the run, emptied per example; skipped
unless ``ORDERMGMT_TEST_POSTGRES_URL`` names a server).

Every defect the machine (or modelling it) found is fixed; a short test at the end of this file
replays each one and guards the fix.
"""

from __future__ import annotations

import itertools
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from tests.databases import empty_tables
from tests.money import eur

from ordermgmt import Money, OrderManagement, errors
from ordermgmt.adapters.carriers import InMemoryCarrier
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.bootstrap import SIMULATIONS
from ordermgmt.messages import (
    AvailabilityView,
    BackorderView,
    CustomerProfileView,
    InvoiceView,
    JournalEntryView,
    OrderView,
    OverdueInvoiceView,
    PaymentPartView,
    RequisitionView,
    ShipmentView,
    TrialBalanceView,
)


def make_oms(clock: FixedClock | None = None) -> OrderManagement:
    """A fresh, deterministic OMS in memory for one run of the machine."""
    return OrderManagement.in_memory(clock=clock or FixedClock(), ids=SequentialIdGenerator())


# -- the world every run starts from -----------------------------------------------------------

#: sku -> (unit price in EUR, tax rate, reorder point, reorder quantity)
PRODUCTS: dict[str, tuple[str, str, int, int]] = {
    "CHAIR": ("149.00", "0.19", 5, 40),
    "DESK": ("399.00", "0.19", 2, 10),
    "LAMP": ("29.95", "0.07", 0, 0),
    "CABLE": ("4.99", "0.19", 0, 50),
}
SKUS = tuple(PRODUCTS)
#: sku -> unit cost in EUR at the start; shipping, returns and write-offs of these post to the
#: ledger. Costs change during a run (the cable gets one, others lose theirs).
UNIT_COSTS: dict[str, str] = {"CHAIR": "61.40", "DESK": "187.25", "LAMP": "11.35"}
#: the unit cost of a supplier receipt of a product without a cost of its own
RECEIPT_COST = Decimal("1.05")

#: defined location -> priority (lower is allocated first)
LOCATIONS: dict[str, int] = {"BER": 10, "HAM": 20, "MUC": 30}
#: a location nobody defines: it comes into being with its first stock, ranked after the others
POPUP = "POPUP"
CODES = (*LOCATIONS, POPUP)

#: customer handle -> register_customer arguments. The credit limit is far above anything the
#: machine can order, so no order is ever held for credit.
CUSTOMERS: dict[str, dict[str, Any]] = {
    "acme": {
        "name": "ACME GmbH",
        "kind": "b2b",
        "payment_preference": "invoice",
        "payment_terms_days": 30,
        "credit_limit": Money("10000000.00", "EUR"),
    },
    "erika": {"name": "Erika Mustermann", "kind": "b2c", "payment_preference": "card"},
    "max": {"name": "Max Muster", "kind": "b2c", "payment_preference": "prepayment"},
}
HANDLES = tuple(CUSTOMERS)
#: the customer the machine blocks and unblocks
BLOCKABLE = "max"
#: preferences whose customers buy in cash sales when they pay a whole order before its invoice
CASH_SALE_PREFERENCES = frozenset({"prepayment", "card", "cash"})

CHANNELS = ("web", "store", "phone", "edi", "marketplace")
ACTIVE = frozenset({"open", "on_hold"})
LEGAL_STATUSES = frozenset({"open", "on_hold", "completed", "cancelled"})
METHODS = ("bank_transfer", "card", "cash", "direct_debit", "paypal")
CARRIERS = ("parcel", "own-fleet")
TRACKING = ("picked_up", "in_transit", "out_for_delivery", "failed_attempt", "delivered")
#: shipment statuses whose units have left the building (a failed one came back)
LEFT = frozenset({"booked", "in_transit", "delivered"})
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# the default chart of accounts
CASH, BANK, RECEIVABLES, INVENTORY = "1000", "1200", "1400", "1500"
PREPAYMENTS, GRNI, COGS, WRITE_OFF = "2100", "2200", "5000", "5900"

skus = st.sampled_from(SKUS)
locations = st.sampled_from(CODES)
line_lists = st.lists(
    st.tuples(skus, st.integers(min_value=1, max_value=20)), min_size=1, max_size=4
)


def order_number(n: int) -> str:
    return f"SO-{n:06d}"


def round_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def price(sku: str) -> Decimal:
    return Decimal(PRODUCTS[sku][0])


def tax_rate(sku: str) -> Decimal:
    return Decimal(PRODUCTS[sku][1])


def rate_suffix(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


def cash_account(method: str) -> str:
    return CASH if method == "cash" else BANK


def eur_or_none(amount: Decimal | None) -> Money | None:
    return None if amount is None else eur(amount)


def goods_value(costs: Iterable[tuple[Decimal | None, int]]) -> Decimal:
    """What ``(unit cost, units)`` are worth, rounded once for the whole document; units
    without a cost count nothing."""
    return round_cents(sum((cost * units for cost, units in costs if cost is not None), ZERO))


def nets_by_rate(units: dict[int, int], skus_of: dict[int, str]) -> dict[Decimal, Decimal]:
    """Net per tax rate of ``units`` (order line no -> units) at catalog prices."""
    nets: dict[Decimal, Decimal] = {}
    for line_no, quantity in units.items():
        sku = skus_of[line_no]
        nets[tax_rate(sku)] = nets.get(tax_rate(sku), ZERO) + price(sku) * quantity
    return nets


def document_total(units: dict[int, int], skus_of: dict[int, str]) -> Decimal:
    """Net plus tax, the tax rounded once per rate on the sum of the nets (EN 16931)."""
    nets = nets_by_rate(units, skus_of)
    return sum((net + round_cents(net * rate) for rate, net in nets.items()), ZERO)


def number_sequence(number: str) -> tuple[int, int]:
    """``INV-2026-000007`` -> (2026, 7)."""
    _, year, sequence = number.split("-")
    return int(year), int(sequence)


def gapless_per_year(numbers: Sequence[str], prefix: str) -> None:
    """Numbers of one series: unique, ``<prefix>-<year>-<n>``, 1..k without a gap per year."""
    assert len(numbers) == len(set(numbers)), numbers
    by_year: dict[int, list[int]] = {}
    for number in numbers:
        assert number.startswith(f"{prefix}-"), number
        year, sequence = number_sequence(number)
        assert number == f"{prefix}-{year}-{sequence:06d}", number
        by_year.setdefault(year, []).append(sequence)
    for year, sequences in by_year.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), (prefix, year, sequences)


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


def expected_payment_status(invoices: Sequence[InvoiceView]) -> str:
    """The payment status of an order with these invoices, as ``payment_status()`` in
    ``ordermgmt.usecases.accounting`` documents it: not invoiced without an invoice; once
    anything is credited, refunded (all of it credited) or partially refunded; else paid,
    partially paid or invoiced by what was paid of the invoices' total."""
    if not invoices:
        return "not_invoiced"
    total = sum((i.total.amount for i in invoices), ZERO)
    credited = sum((i.credited.amount for i in invoices), ZERO)
    paid = sum((i.paid.amount for i in invoices), ZERO)
    if credited:
        return "refunded" if credited == total else "partially_refunded"
    if paid >= total:
        return "paid"
    return "partially_paid" if paid else "invoiced"


def expected_allocation(
    demand: dict[str, int], free: dict[tuple[str, str], int], order: list[str]
) -> dict[tuple[str, str], int]:
    """Where the documented default policy reserves an order's units:
    one location for the whole order if any can fill it, else per sku one location that can,
    else split across locations in priority order; what is left is backordered."""
    for code in order:
        if all(free[sku, code] >= qty for sku, qty in demand.items()):
            return {(sku, code): qty for sku, qty in demand.items()}
    taken: dict[tuple[str, str], int] = {}
    for sku, qty in demand.items():
        whole = next((code for code in order if free[sku, code] >= qty), None)
        if whole is not None:
            taken[sku, whole] = qty
            continue
        for code in order:
            take = min(free[sku, code], qty)
            if take:
                taken[sku, code] = take
                qty -= take
    return taken


# -- the model ---------------------------------------------------------------------------------


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


class OrderToCashMachine(RuleBasedStateMachine):
    """Order to cash, driven through the facade, checked against a small model."""

    def new_oms(self, clock: FixedClock) -> OrderManagement:
        """The OMS under test; override to run the same rules on another backend."""
        return make_oms(clock)

    def teardown(self) -> None:
        oms: OrderManagement | None = getattr(self, "oms", None)
        if oms is not None:
            oms.close()

    # -- set-up ------------------------------------------------------------------------------

    @initialize(
        stock=st.dictionaries(
            st.tuples(skus, st.sampled_from(tuple(LOCATIONS))),
            st.integers(min_value=1, max_value=30),
            max_size=8,
        )
    )
    def set_up(self, stock: dict[tuple[str, str], int]) -> None:
        self.clock = FixedClock()
        self.oms = self.new_oms(self.clock)
        for code, priority in LOCATIONS.items():
            self.oms.define_location(code, name=f"Warehouse {code}", priority=priority)
        #: sku -> the product's unit cost now (``None``: it has none)
        self.costs: dict[str, Decimal | None] = {
            sku: Decimal(UNIT_COSTS[sku]) if sku in UNIT_COSTS else None for sku in SKUS
        }
        for sku in SKUS:
            self._upsert_product(sku)
        self.customer_ids = {
            handle: self.oms.register_customer(**fields).id for handle, fields in CUSTOMERS.items()
        }
        # the model: what we expect, where it is cheap to know
        self.blocked = dict.fromkeys(HANDLES, False)
        self.known_locations = set(LOCATIONS)
        self.on_hand: Counter[tuple[str, str]] = Counter()
        self.models: dict[str, OrderModel] = {}  # order id -> model
        self.numbers: list[str] = []  # order numbers, in placement order
        self.keys: dict[str, tuple[Placement, str]] = {}  # idempotency key -> (request, order)
        self.keys_issued = 0
        self.invoices: dict[str, InvoiceModel] = {}  # invoice id -> model, in issue order
        self.credit_notes: list[str] = []  # credit note numbers, in issue order
        self.shipments: dict[str, ShipmentModel] = {}  # in creation order
        self.returns: dict[str, ReturnModel] = {}
        self.money: defaultdict[str, Decimal] = defaultdict(Decimal)  # cash and bank balances
        self.receipts_cost = ZERO  # supplier receipts with a unit cost
        self.journal_seen: list[JournalEntryView] = []
        self.payments = 0
        self._snapshot: Snapshot | None = None
        for (sku, code), quantity in sorted(stock.items()):
            self.oms.receive_stock(sku=sku, location=code, quantity=quantity, supplier="Initial")
            self.on_hand[sku, code] += quantity

    def _upsert_product(self, sku: str) -> None:
        """Send the product as the catalog has it, at the cost the model holds for it."""
        unit_price, rate, point, quantity = PRODUCTS[sku]
        self.oms.upsert_product(
            sku=sku,
            name=sku.title(),
            unit_price=eur(Decimal(unit_price)),
            tax_rate=Decimal(rate),
            reorder_point=point,
            reorder_quantity=quantity,
            unit_cost=eur_or_none(self.costs[sku]),
        )

    def _changed(self) -> None:
        """Every rule calls this before it changes anything: the invariants read afresh."""
        self._snapshot = None

    def _snap(self) -> Snapshot:
        if self._snapshot is None:
            orders: dict[str, OrderView] = {}
            for customer_id in self.customer_ids.values():
                orders.update((o.id, o) for o in self.oms.customer_orders(customer_id))
            self._snapshot = Snapshot(
                orders=orders,
                availability={sku: self.oms.availability(sku) for sku in SKUS},
                backorders=self.oms.open_backorders(),
                requisitions=self.oms.open_purchase_requisitions(),
                profiles={h: self.oms.customer_profile(c) for h, c in self.customer_ids.items()},
                invoices={order_id: self.oms.order_invoices(order_id) for order_id in orders},
                shipments={order_id: self.oms.order_shipments(order_id) for order_id in orders},
                trial_balance=self.oms.trial_balance(),
                journal=self.oms.journal(),
                overdue=self.oms.overdue_invoices(as_of=self._today()),
            )
        return self._snapshot

    def _today(self) -> date:
        return self.clock.now().date()

    def _at(self, sku: str, code: str) -> tuple[int, int]:
        """(on hand, reserved) of ``sku`` at ``code`` right now."""
        for row in self.oms.availability(sku).locations:
            if row.location == code:
                return row.on_hand, row.reserved
        return 0, 0

    def _free(self) -> dict[tuple[str, str], int]:
        free: Counter[tuple[str, str]] = Counter()
        for sku in SKUS:
            for row in self.oms.availability(sku).locations:
                free[sku, row.location] = row.available
        return free

    def _location_order(self) -> list[str]:
        # the popup location is created on first use, ranked after every defined location
        defined = sorted(LOCATIONS, key=LOCATIONS.__getitem__)
        return [*defined, POPUP] if POPUP in self.known_locations else defined

    def _pick(
        self, data: st.DataObject, eligible: Sequence[str], everything: Sequence[str], label: str
    ) -> str | None:
        """Mostly one of ``eligible`` (where the step can succeed), sometimes any of
        ``everything`` (where it may have to be refused)."""
        if eligible and data.draw(st.integers(0, 3), label=f"{label} is eligible") > 0:
            return data.draw(st.sampled_from(sorted(eligible)), label=label)
        if not everything:
            return None
        return data.draw(st.sampled_from(sorted(everything)), label=label)

    # Preconditions: a step of the cycle is taken where it can succeed (it still picks, now
    # and then, something it must refuse), so that runs go the whole way round.

    def _with_shipments(self, *statuses: str) -> bool:
        return any(shipment.status in statuses for shipment in self.shipments.values())

    def _with_returns(self) -> bool:
        return any(request.status == "requested" for request in self.returns.values())

    def _anything_to_ship(self) -> bool:
        snap = self._snap()
        return any(
            model.status == "open"
            and any(units > 0 for units in self._shippable(snap.orders[order_id]).values())
            for order_id, model in self.models.items()
        )

    def _anything_to_invoice(self) -> bool:
        snap = self._snap()
        return any(
            model.status != "cancelled" and self._to_invoice(snap.orders[order_id])
            for order_id, model in self.models.items()
        )

    def _anything_to_return(self) -> bool:
        return bool(self._can_return(self._snap()))

    def _next_number(self, prefix: str, numbers: Sequence[str]) -> str:
        year = self.clock.now().year
        used = sum(number.startswith(f"{prefix}-{year}-") for number in numbers)
        return f"{prefix}-{year}-{used + 1:06d}"

    def _reference(self) -> str:
        self.payments += 1
        return f"bank statement line {self.payments}"

    # -- model helpers: money ------------------------------------------------------------------

    def _net_invoiced(self, order_id: str, line_no: int) -> int:
        """Units of a line invoiced and not credited."""
        return sum(
            self.invoices[i].units.get(line_no, 0) - self.invoices[i].credited_units[line_no]
            for i in self.models[order_id].invoices
        )

    def _to_invoice(self, order: OrderView) -> dict[int, int]:
        """What an invoice would cover now (policy on_order): per line, what is ordered and
        neither cancelled nor returned, less what is invoiced and not credited."""
        result = {}
        for line in order.lines:
            target = line.quantity - line.cancelled - line.returned
            already = self._net_invoiced(order.id, line.line_no)
            if target > already:
                result[line.line_no] = target - already
        return result

    def _receive_money(self, order_id: str, amount: Decimal, method: str) -> None:
        self.money[cash_account(method)] += amount
        self.models[order_id].paid_with = method

    def _refund(self, invoice: InvoiceModel, method: str | None) -> Decimal:
        """Pay back what the customer is owed on ``invoice``, by ``method`` or the way they
        paid; returns the amount."""
        due = -invoice.outstanding
        if due <= 0:
            return ZERO
        invoice.refunded += due
        self.money[cash_account(method or self.models[invoice.order_id].paid_with)] -= due
        return due

    def _credit(self, invoice: InvoiceModel, units: dict[int, int]) -> Decimal:
        self.credit_notes.append(self._next_number("CN", self.credit_notes))
        return invoice.credit(units)

    def _new_invoice(
        self, view: InvoiceView, order_id: str, units: dict[int, int], settlement: str
    ) -> InvoiceModel:
        """Check a freshly issued invoice against what was expected, and model it."""
        model = self.models[order_id]
        assert view.number == self._next_number("INV", [i.number for i in self.invoices.values()])
        assert view.order_id == order_id
        assert view.customer_id == self.customer_ids[model.owner]
        assert {line.order_line_no: line.quantity for line in view.lines} == units, view.lines
        for line in view.lines:
            assert line.sku == model.skus[line.order_line_no], line
            assert line.net == eur(price(line.sku) * line.quantity), line
            assert line.tax_rate == tax_rate(line.sku), line
        nets = nets_by_rate(units, model.skus)
        invoice = InvoiceModel(
            id=view.id,
            number=view.number,
            order_id=order_id,
            units=dict(units),
            skus=model.skus,
            due=self._today() + timedelta(days=self._terms(model.owner, settlement)),
            settlement=settlement,
            net=nets,
            tax={rate: round_cents(net * rate) for rate, net in nets.items()},
        )
        assert view.settlement == settlement, view
        assert view.total == eur(invoice.total), view
        assert view.net_total == eur(sum(nets.values(), ZERO)), view
        assert view.due_date == invoice.due, view
        self.invoices[view.id] = invoice
        model.invoices.append(view.id)
        return invoice

    @staticmethod
    def _terms(owner: str, settlement: str) -> int:
        if settlement != "receivable":
            return 0
        return int(CUSTOMERS[owner].get("payment_terms_days", 0))

    # -- model helpers: status -----------------------------------------------------------------

    def _done(self, order: OrderView, invoices: Sequence[InvoiceView]) -> bool:
        """Every unit delivered or cancelled, everything invoiced, every invoice settled."""
        if any(line.delivered + line.cancelled != line.quantity for line in order.lines):
            return False
        if not invoices:
            return False
        if any(
            self._net_invoiced(order.id, line.line_no)
            < line.quantity - line.cancelled - line.returned
            for line in order.lines
        ):
            return False
        return all(invoice.outstanding.amount == 0 for invoice in invoices)

    def _settle(self, order_id: str) -> None:
        """After a step that looks at an order's documents: an open order that is done is
        completed."""
        model = self.models[order_id]
        if model.status != "open":
            return
        order = self.oms.get_order(order_id)
        if self._done(order, self.oms.order_invoices(order_id)):
            model.status = "completed"

    # -- orders ------------------------------------------------------------------------------

    def _check_placed(
        self,
        order: OrderView,
        customer: str,
        lines: Sequence[tuple[str, int]],
        free: dict[tuple[str, str], int],
    ) -> None:
        """A new order: the next number, open, reserved where the default policy says."""
        assert order.id not in self.models
        self.numbers.append(order.number)
        assert order.number == order_number(len(self.numbers))
        assert order.status == "open"
        assert order.payment_status == "not_invoiced"
        assert order.customer_id == self.customer_ids[customer]
        assert [(line.sku, line.quantity) for line in order.lines] == list(lines)
        demand: Counter[str] = Counter()
        for sku, qty in lines:
            demand[sku] += qty
        expected = expected_allocation(dict(demand), free, self._location_order())
        reserved: Counter[tuple[str, str]] = Counter()
        backordered: Counter[str] = Counter()
        for line in order.lines:
            reserved.update({(line.sku, code): q for code, q in line.allocations.items()})
            backordered[line.sku] += line.backordered
        assert reserved == Counter(expected), (free, order.lines)
        for sku, qty in demand.items():
            got = sum(q for (s, _), q in expected.items() if s == sku)
            assert backordered[sku] == qty - got, (sku, free, order.lines)
        self.models[order.id] = OrderModel(
            owner=customer,
            status="open",
            skus={line.line_no: line.sku for line in order.lines},
        )

    @rule(
        customer=st.sampled_from(HANDLES),
        channel=st.sampled_from(CHANNELS),
        lines=line_lists,
        with_key=st.booleans(),
        blocked=st.none() | st.booleans(),
    )
    def place_order(
        self,
        customer: str,
        channel: str,
        lines: list[tuple[str, int]],
        with_key: bool,
        blocked: bool | None,
    ) -> None:
        """An order comes in (just before it, a customer may have been blocked or unblocked:
        a blocked customer's order is refused)."""
        self._changed()
        self._block(blocked)
        request = Placement(customer, channel, tuple(lines))
        key = None
        if with_key:
            self.keys_issued += 1
            key = f"po-{self.keys_issued}"
        if self.blocked[customer]:
            with pytest.raises(errors.CustomerBlocked):
                self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
            return
        free = self._free()
        order = self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
        assert order.idempotency_key == key
        self._check_placed(order, customer, lines, free)
        if key is not None:
            self.keys[key] = (request, order.id)

    @precondition(lambda self: self.keys)
    @rule(data=st.data(), change=st.sampled_from(["none", "quantity", "channel", "line"]))
    def replay_key(self, data: st.DataObject, change: str) -> None:
        """A used idempotency key comes again: with the same request it gives the first order
        and nothing new; with a different one it is refused and changes nothing."""
        self._changed()
        key = data.draw(st.sampled_from(sorted(self.keys)), label="key")
        if change == "none":
            self.replay_same_request(key)
        else:
            self.replay_different_request(key, change)

    def replay_same_request(self, key: str) -> None:
        request, order_id = self.keys[key]
        before = self.oms.get_order(order_id)
        order = self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
        assert order.id == order_id
        assert order == before

    def replay_different_request(self, key: str, change: str) -> None:
        request, order_id = self.keys[key]
        (sku, qty), *rest = request.lines
        if change == "quantity":
            other = Placement(request.customer, request.channel, ((sku, qty % 20 + 1), *rest))
        elif change == "channel":
            channel = CHANNELS[(CHANNELS.index(request.channel) + 1) % len(CHANNELS)]
            other = Placement(request.customer, channel, request.lines)
        else:
            other = Placement(request.customer, request.channel, (*request.lines, ("LAMP", 1)))
        before = self.oms.get_order(order_id)
        with pytest.raises(errors.IdempotencyConflict) as raised:
            self.oms.place_order(**other.kwargs(self.customer_ids), idempotency_key=key)
        assert raised.value.existing_order_id == order_id
        assert self.oms.get_order(order_id) == before

    @precondition(lambda self: self.models)
    @rule(data=st.data(), reason=st.sampled_from(["", "customer changed their mind"]))
    def cancel_order(self, data: st.DataObject, reason: str) -> None:
        """Cancel what is open: a credit note for what was invoiced beyond what is still
        delivered (less what earlier credit notes took), a refund of what was paid for it, the
        prepayment back as far as the shipped units no longer need it. An order partly shipped
        stays as it was for the rest; one shipped in full cannot be cancelled."""
        self._changed()
        active = [order_id for order_id, m in self.models.items() if m.status in ACTIVE]
        order_id = self._pick(data, active, list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        before = self.oms.get_order(order_id)
        shipped = any(line.shipped for line in before.lines)
        still_open = any(line.quantity - line.shipped - line.cancelled for line in before.lines)
        if model.status not in ACTIVE or (shipped and not still_open):
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.cancel_order(order_id, reason=reason)
            assert self.oms.get_order(order_id) == before
            return
        order = self.oms.cancel_order(order_id, reason=reason)
        if not shipped:
            model.status = "cancelled"
        for shipment in self.shipments.values():
            if shipment.order_id == order_id and shipment.status == "pending":
                shipment.status = "cancelled"  # not booked yet: it will not go
        assert order.reserved == 0
        assert order.backordered == 0
        assert all(line.cancelled == line.quantity - line.shipped for line in order.lines)
        for invoice_id in model.invoices:
            invoice = self.invoices[invoice_id]
            over = {}
            for line_no, units in invoice.creditable().items():
                line = order.lines[line_no - 1]
                excess = self._net_invoiced(order_id, line_no) - (
                    line.quantity - line.cancelled - line.returned
                )
                if excess > 0:
                    over[line_no] = min(excess, units)
            if over:
                self._credit(invoice, over)
            self._refund(invoice, None)
        self._release_prepayment(order)
        self._settle(order_id)  # what was shipped may be all delivered and paid for now
        assert order.status == model.status

    def _release_prepayment(self, order: OrderView) -> None:
        """After a cancel or a return: the part of the prepayment held for ``order`` above
        what is left to invoice on it goes back the way the customer last paid."""
        model = self.models[order.id]
        rest = document_total(self._to_invoice(order), model.skus)
        if model.prepaid > rest:
            self.money[cash_account(model.paid_with)] -= model.prepaid - rest
            model.prepaid = rest

    @precondition(lambda self: self.models)
    @rule(data=st.data(), hold=st.booleans())
    def hold_or_release(self, data: st.DataObject, hold: bool) -> None:
        """An order is put on hold (it keeps its reservations) or released; either only
        from the state that allows it."""
        if hold:
            active = [order_id for order_id, m in self.models.items() if m.status == "open"]
            order_id = self._pick(data, active, list(self.models), "order")
            assert order_id is not None
            self.hold_order(order_id)
        else:
            self.release_order(data)

    def hold_order(self, order_id: str) -> None:
        self._changed()
        model = self.models[order_id]
        if model.status != "open":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.hold_order(order_id, reason="customer asked to wait")
            return
        before = self.oms.get_order(order_id)
        order = self.oms.hold_order(order_id, reason="customer asked to wait")
        model.status = "on_hold"
        assert order.status == "on_hold"
        assert order.lines == before.lines  # a held order keeps its reservations

    def release_order(self, data: st.DataObject) -> None:
        self._changed()
        held = [order_id for order_id, m in self.models.items() if m.status == "on_hold"]
        order_id = self._pick(data, held, list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        if model.status != "on_hold":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.release_order(order_id)
            return
        order = self.oms.release_order(order_id)
        model.status = "open"
        self._settle(order_id)  # delivered, invoiced and settled while held: completed now
        assert order.status == model.status

    def _block(self, blocked: bool | None) -> None:
        """The customer who can be blocked is blocked or unblocked (or left as they are)."""
        if blocked is None:
            return
        view = self.oms.update_customer(self.customer_ids[BLOCKABLE], blocked=blocked)
        assert view.blocked is blocked
        self.blocked[BLOCKABLE] = blocked

    def _days_pass(self, data: st.DataObject) -> None:
        """Business days pass: invoices fall due, and a new year starts new number series."""
        days = data.draw(st.sampled_from([0, 0, 1, 7, 14, 30, 45, 90, 200]), label="days later")
        self.clock.advance(timedelta(days=days))

    # -- stock -------------------------------------------------------------------------------

    @rule(
        data=st.data(), kind=st.sampled_from(["receipt", "change", "count", "count short", "move"])
    )
    def stock_changes(self, data: st.DataObject, kind: str) -> None:
        """Stock moves: a supplier receipt (with or without a unit cost), or a correction by a
        change, to a counted figure, by a count that finds fewer units than are reserved, or a
        move between locations."""
        self._changed()
        if kind == "receipt":
            self.receive_stock(
                data.draw(skus, label="sku"),
                data.draw(locations, label="location"),
                data.draw(st.integers(min_value=1, max_value=30), label="quantity"),
                data.draw(st.booleans(), label="with cost"),
            )
        elif kind == "change":
            change = st.integers(min_value=-10, max_value=10).filter(bool)
            self.adjust_stock_by_change(
                data.draw(skus, label="sku"),
                data.draw(locations, label="location"),
                data.draw(change, label="change"),
            )
        elif kind == "count":
            self.adjust_stock_to_count(
                data.draw(skus, label="sku"),
                data.draw(locations, label="location"),
                data.draw(st.integers(min_value=0, max_value=30), label="counted"),
            )
        elif kind == "count short":
            self.count_below_reserved(data)
        else:
            self.move_stock(data)

    def receive_stock(self, sku: str, code: str, quantity: int, with_cost: bool) -> None:
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        cost = self.costs[sku]
        if cost is None:
            cost = RECEIPT_COST
        receipt = self.oms.receive_stock(
            sku=sku,
            location=code,
            quantity=quantity,
            supplier="Stuhlwerk AG",
            reference="DN-1",
            unit_cost=eur(cost) if with_cost else None,
        )
        self.on_hand[sku, code] += quantity
        self.known_locations.add(code)
        if with_cost:
            self.receipts_cost += round_cents(cost * quantity)
        # open backorders take what is free here, oldest first
        served = min(backordered, on_hand + quantity - reserved)
        assert receipt.backorders_served == served
        assert self._at(sku, code) == (on_hand + quantity, reserved + served)

    def adjust_stock_by_change(self, sku: str, code: str, change: int) -> None:
        on_hand, reserved = self._at(sku, code)
        if on_hand + change < 0:
            before = self.oms.availability(sku)
            with pytest.raises(errors.ValidationError):
                self.oms.adjust_stock(sku=sku, location=code, reason="damage", change=change)
            assert self.oms.availability(sku) == before
            return
        backordered = self.oms.availability(sku).backordered
        reason = "found" if change > 0 else "damage"
        self.oms.adjust_stock(sku=sku, location=code, reason=reason, change=change)
        self._after_adjust(sku, code, on_hand, reserved, backordered, on_hand + change)

    def adjust_stock_to_count(self, sku: str, code: str, counted: int) -> None:
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        self.oms.adjust_stock(sku=sku, location=code, reason="count", counted=counted)
        self._after_adjust(sku, code, on_hand, reserved, backordered, counted)

    def count_below_reserved(self, data: st.DataObject) -> None:
        """A count finds fewer units than are reserved: those reservations lose their goods."""
        reserving = [
            (sku, row.location, row.reserved)
            for sku in SKUS
            for row in self.oms.availability(sku).locations
            if row.reserved
        ]
        if not reserving:
            return
        sku, code, held = data.draw(st.sampled_from(reserving), label="reserved at")
        counted = data.draw(st.integers(min_value=0, max_value=held - 1), label="counted")
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        self.oms.adjust_stock(sku=sku, location=code, reason="count", counted=counted)
        self._after_adjust(sku, code, on_hand, reserved, backordered, counted)

    def _after_adjust(
        self, sku: str, code: str, on_hand: int, reserved: int, backordered: int, new: int
    ) -> None:
        self.on_hand[sku, code] = new
        if new != on_hand:
            self.known_locations.add(code)
        if new < reserved:  # the count proved reserved units missing
            expected_reserved = new
        elif new > on_hand:  # found units serve open backorders
            expected_reserved = reserved + min(backordered, new - reserved)
        else:
            expected_reserved = reserved
        assert self._at(sku, code) == (new, expected_reserved)

    def move_stock(self, data: st.DataObject) -> None:
        """Move free units between locations; more than is free is refused, changing nothing."""
        free = {(sku, code): 0 for sku in SKUS for code in CODES}
        free.update(self._free())
        stocked = sorted(place for place, units in free.items() if units > 0)
        sku, source = data.draw(st.sampled_from(stocked or sorted(free)), label="from")
        destination = data.draw(st.sampled_from([c for c in CODES if c != source]), label="to")
        units = free[sku, source]
        if units and not data.draw(st.booleans(), label="too many"):
            quantity = data.draw(st.integers(min_value=1, max_value=units), label="quantity")
        else:
            quantity = data.draw(st.integers(units + 1, units + 3), label="quantity")
        before = self.oms.availability(sku)
        on_hand, reserved = self._at(sku, code=source)
        move = {"sku": sku, "from_location": source, "to_location": destination}
        if quantity > units:
            # nothing leaves a place that holds too little (or that does not exist yet)
            expected: tuple[type[Exception], ...] = (errors.InsufficientStock,)
            if source not in self.known_locations:
                expected = (errors.InsufficientStock, errors.NotFound)
            with pytest.raises(expected):
                self.oms.move_stock(**move, quantity=quantity)
            assert self.oms.availability(sku) == before
            return
        self.oms.move_stock(**move, quantity=quantity)
        self.on_hand[sku, source] -= quantity
        self.on_hand[sku, destination] += quantity
        self.known_locations.add(destination)
        assert self._at(sku, source) == (on_hand - quantity, reserved)

    @precondition(lambda self: self._anything_to_ship() or self._with_shipments(*LEFT))
    @rule(
        sku=skus,
        cost=st.integers(0, 7).flatmap(
            lambda kind: st.none() if kind == 0 else st.decimals(0, 500, places=2 + kind % 3)
        ),
    )
    def change_unit_cost(self, sku: str, cost: Decimal | None) -> None:
        """A product's unit cost changes (now and then to none at all; a product without one
        gets one). Its other fields stay as they were; shipments made up before keep the cost
        they recorded (the invariants compare them with the model). It is taken while there
        is something to ship or out with the customer, where it makes a difference."""
        self._changed()
        before = self.oms.get_product(sku)
        self.costs[sku] = cost
        self._upsert_product(sku)
        after = self.oms.get_product(sku)
        assert after.unit_cost == eur_or_none(cost), after
        assert after.model_copy(update={"unit_cost": before.unit_cost}) == before, after

    # -- invoices and payments -----------------------------------------------------------------

    @precondition(lambda self: self._anything_to_invoice())
    @rule(data=st.data())
    def issue_invoice(self, data: st.DataObject) -> None:
        """Invoice what is ordered and not yet invoiced (and sent); a prepayment held for the
        order pays for it first. Nothing left to invoice (or a cancelled order) is refused.
        The customer may ask for the invoice again."""
        snap = self._snap()
        self._changed()
        resend = data.draw(st.booleans(), label="asked for again")
        eligible = [
            order_id
            for order_id, model in self.models.items()
            if model.status != "cancelled" and self._to_invoice(snap.orders[order_id])
        ]
        order_id = self._pick(data, eligible, list(self.models), "order")
        assert order_id is not None
        self._days_pass(data)
        model = self.models[order_id]
        units = self._to_invoice(snap.orders[order_id])
        if model.status == "cancelled" or not units:
            with pytest.raises(errors.ValidationError):
                self.oms.issue_invoice(order_id)
            assert self.oms.order_invoices(order_id) == snap.invoices[order_id]
            return
        view = self.oms.issue_invoice(order_id)
        total = document_total(units, model.skus)
        covered = min(model.prepaid, total)
        settlement = "prepaid" if covered == total else "receivable"
        invoice = self._new_invoice(view, order_id, units, settlement)
        invoice.paid = covered
        model.prepaid -= covered
        assert view.paid == eur(covered), view
        assert view.sent_to, view
        if resend:
            assert self.oms.resend_invoice(view.id) == self.oms.get_invoice(view.id)
        self._settle(order_id)

    @precondition(lambda self: any(i.outstanding > 0 for i in self.invoices.values()))
    @rule(data=st.data())
    def pay_invoice(self, data: st.DataObject) -> None:
        """Money for an invoice: all that is outstanding, a part, or too much (refused as an
        overpayment, changing nothing)."""
        self._changed()
        size = data.draw(st.sampled_from(["all", "part", "too much"]), label="size")
        method = data.draw(st.sampled_from(METHODS), label="method")
        eligible = [i for i, inv in self.invoices.items() if inv.outstanding > 0]
        invoice_id = self._pick(data, eligible, list(self.invoices), "invoice")
        assert invoice_id is not None
        self._days_pass(data)
        invoice = self.invoices[invoice_id]
        outstanding = invoice.outstanding
        if size == "part" and outstanding > CENT:
            cents = data.draw(st.integers(1, int(outstanding * 100) - 1), label="cents")
            amount = Decimal(cents) / 100
        elif size != "too much" and outstanding > 0:
            amount = outstanding
        else:
            cents = data.draw(st.integers(1, 5000), label="cents too many")
            amount = max(outstanding, ZERO) + Decimal(cents) / 100
        pay: dict[str, Any] = {"invoice_id": invoice_id, "amount": eur(amount), "method": method}
        if amount > outstanding:
            self._refused(
                errors.Overpayment, invoice.order_id, lambda: self.oms.record_payment(**pay)
            )
            return
        payment = self.oms.record_payment(**pay, reference=self._reference())
        assert (payment.kind, payment.amount, payment.invoice_id) == (
            "payment",
            eur(amount),
            invoice_id,
        )
        invoice.paid += amount
        self._receive_money(invoice.order_id, amount, method)
        self._settle(invoice.order_id)

    def _refused(self, error: type[Exception], order_id: str, call: Any) -> None:
        """``call`` raises ``error`` and changes neither the ledger nor the order's documents."""
        ledger = self.oms.trial_balance()
        invoices = self.oms.order_invoices(order_id)
        order = self.oms.get_order(order_id)
        with pytest.raises(error):
            call()
        assert self.oms.trial_balance() == ledger
        assert self.oms.order_invoices(order_id) == invoices
        assert self.oms.get_order(order_id) == order

    @precondition(lambda self: self.models)
    @rule(data=st.data())
    def pay_order(self, data: st.DataObject) -> None:
        """Money for an order: it pays the order's open invoices, oldest due date first, then
        what is left is a prepayment held for it, or, when a prepayment, card or cash customer
        pays the whole uninvoiced rest, a cash sale (invoice and payment in one). More than the
        open invoices and the uninvoiced rest is an overpayment; a cancelled order takes none.
        Sent with an idempotency key, a repeat returns the first payment and books nothing."""
        snap = self._snap()
        self._changed()
        size = data.draw(st.sampled_from(["rest", "part", "too much"]), label="size")
        method = data.draw(st.sampled_from(METHODS), label="method")
        rests = {}
        for candidate, model in self.models.items():
            units = self._to_invoice(snap.orders[candidate])
            rest = max(document_total(units, model.skus) - model.prepaid, ZERO)
            open_ = sorted(
                (
                    i
                    for i in self.invoices.values()
                    if i.order_id == candidate and i.outstanding > 0
                ),
                key=lambda i: (i.due, i.number),
            )
            rests[candidate] = (units, rest, open_)
        eligible = [
            candidate
            for candidate, (units, rest, open_) in rests.items()
            if self.models[candidate].status != "cancelled" and (rest > 0 or open_)
        ]
        order_id = self._pick(data, eligible, list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        units, rest, open_invoices = rests[order_id]
        payable = rest + sum((i.outstanding for i in open_invoices), ZERO)
        if size == "part" and payable > CENT:
            cents = data.draw(st.integers(1, int(payable * 100) - 1), label="cents")
            amount = Decimal(cents) / 100
        elif size == "rest" and payable > 0:
            amount = payable
        else:
            cents = data.draw(st.integers(1, 5000), label="cents too many")
            amount = payable + Decimal(cents) / 100
        pay: dict[str, Any] = {"order_id": order_id, "amount": eur(amount), "method": method}
        if model.status == "cancelled":
            self._refused(errors.ValidationError, order_id, lambda: self.oms.record_payment(**pay))
            return
        if amount > payable:
            self._refused(errors.Overpayment, order_id, lambda: self.oms.record_payment(**pay))
            return
        key = None
        if data.draw(st.booleans(), label="with key"):
            self.keys_issued += 1
            key = f"stmt-{self.keys_issued}"
        pay |= {"reference": self._reference(), "idempotency_key": key}
        payment = self.oms.record_payment(**pay)
        assert payment.amount == eur(amount)
        self._receive_money(order_id, amount, method)
        left = amount
        for invoice, part in zip(open_invoices, payment.parts, strict=False):
            if left <= 0:
                break
            take = min(left, invoice.outstanding)
            assert (part.kind, part.invoice_id, part.amount) == ("payment", invoice.id, eur(take))
            invoice.paid += take
            left -= take
        if left > 0:
            self._pay_ahead(order_id, units, rest, left, payment.parts[-1])
        if key is not None:  # the bank statement comes again
            ledger = self.oms.trial_balance()
            assert self.oms.record_payment(**pay) == payment
            assert self.oms.trial_balance() == ledger
        self._settle(order_id)

    def _pay_ahead(
        self,
        order_id: str,
        units: dict[int, int],
        rest: Decimal,
        amount: Decimal,
        part: PaymentPartView,
    ) -> None:
        model = self.models[order_id]
        assert part.amount == eur(amount)
        preference = CUSTOMERS[model.owner]["payment_preference"]
        if preference in CASH_SALE_PREFERENCES and amount == rest and units:
            assert part.kind == "cash_sale", part
            view = self.oms.get_invoice(part.invoice_id)
            invoice = self._new_invoice(view, order_id, units, "cash_sale")
            invoice.paid = invoice.total
            model.prepaid = ZERO
            assert view.paid == view.total, view
        else:
            assert (part.kind, part.invoice_id) == ("prepayment", ""), part
            model.prepaid += amount

    @precondition(lambda self: any(i.creditable() for i in self.invoices.values()))
    @rule(data=st.data())
    def issue_credit_note(self, data: st.DataObject) -> None:
        """Credit an invoice in full or some units of a sku (spread over its lines of that
        sku); what the customer overpaid is refunded at once, or held back as due. More than
        is left to credit is refused."""
        self._changed()
        whole = data.draw(st.booleans(), label="whole")
        refund = data.draw(st.booleans(), label="refund at once")
        eligible = [i for i, inv in self.invoices.items() if inv.creditable()]
        invoice_id = self._pick(data, eligible, list(self.invoices), "invoice")
        assert invoice_id is not None
        invoice = self.invoices[invoice_id]
        lines: list[dict[str, Any]] | None = None
        if whole:
            units = invoice.creditable()
            possible = bool(units)
        else:
            sku = data.draw(st.sampled_from(sorted({invoice.skus[n] for n in invoice.units})))
            of_sku = sorted(n for n in invoice.units if invoice.skus[n] == sku)
            invoiced = sum(invoice.units[n] for n in of_sku)
            quantity = data.draw(st.integers(1, invoiced), label="quantity")
            lines = [{"sku": sku, "quantity": quantity}]
            left = invoice.creditable()
            units = {}
            for line_no in of_sku:  # spread over the sku's lines, in line order
                take = min(quantity - sum(units.values()), left.get(line_no, 0))
                if take > 0:
                    units[line_no] = take
            possible = sum(units.values()) == quantity
        credit: dict[str, Any] = {
            "reason": "price reduction agreed",
            "lines": lines,
            "refund": refund,
        }
        if not possible:
            self._refused(
                errors.ValidationError,
                invoice.order_id,
                lambda: self.oms.issue_credit_note(invoice_id, **credit),
            )
            return
        note = self.oms.issue_credit_note(invoice_id, **credit)
        total = self._credit(invoice, units)
        assert note.number == self.credit_notes[-1]
        assert (note.invoice_id, note.order_id) == (invoice_id, invoice.order_id)
        assert {line.order_line_no: line.quantity for line in note.lines} == units
        assert note.total == eur(total), (note, total)
        if refund:
            self._refund(invoice, None)
        self._settle(invoice.order_id)

    @precondition(lambda self: any(i.outstanding < 0 for i in self.invoices.values()))
    @rule(data=st.data())
    def pay_refund(self, data: st.DataObject) -> None:
        """Pay out a refund held back on an invoice: all of it, a part, or too much (refused)."""
        self._changed()
        size = data.draw(st.sampled_from(["all", "part", "too much"]), label="size")
        method = data.draw(st.sampled_from((None, *METHODS)), label="method")
        eligible = [i for i, inv in self.invoices.items() if inv.outstanding < 0]
        invoice_id = self._pick(data, eligible, list(self.invoices), "invoice")
        assert invoice_id is not None
        invoice = self.invoices[invoice_id]
        due = -invoice.outstanding
        amount: Decimal | None = None
        if size == "part" and due > CENT:
            amount = Decimal(data.draw(st.integers(1, int(due * 100) - 1), label="cents")) / 100
        elif size == "too much" or due <= 0:
            cents = data.draw(st.integers(1, 5000), label="cents too many")
            amount = max(due, ZERO) + Decimal(cents) / 100
        refund: dict[str, Any] = {
            "amount": None if amount is None else eur(amount),
            "method": method,
        }
        if due <= 0 or (amount is not None and amount > due):
            self._refused(
                errors.ValidationError,
                invoice.order_id,
                lambda: self.oms.pay_refund(invoice_id, **refund),
            )
            return
        payment = self.oms.pay_refund(invoice_id, **refund)
        paid_out = due if amount is None else amount
        assert (payment.kind, payment.amount) == ("refund", eur(paid_out)), payment
        invoice.refunded += paid_out
        used = method or self.models[invoice.order_id].paid_with
        assert payment.method == used
        self.money[cash_account(used)] -= paid_out
        self._settle(invoice.order_id)

    # -- shipping and delivery -----------------------------------------------------------------

    def _shippable(self, order: OrderView) -> dict[tuple[int, str], int]:
        """Reserved units per (line, location) not yet promised to a pending shipment."""
        free = {
            (line.line_no, code): units
            for line in order.lines
            for code, units in line.allocations.items()
        }
        for shipment in self.shipments.values():
            if shipment.order_id == order.id and shipment.status == "pending":
                for line_no, _, units in shipment.lines:
                    free[line_no, shipment.location] = (
                        free.get((line_no, shipment.location), 0) - units
                    )
        return free

    @precondition(lambda self: self._anything_to_ship())
    @rule(data=st.data())
    def ship_order(self, data: st.DataObject) -> None:
        """Ship what is reserved at one location, all of it or some units per sku. Only an
        open order ships; reservations at several locations need the location named; nothing
        reserved there, or more than is, is refused. A parcel booking may fail: the shipment
        then waits, pending, and the stock stays reserved."""
        snap = self._snap()
        self._changed()
        carrier = data.draw(st.sampled_from(CARRIERS), label="carrier")
        name_location = data.draw(st.booleans(), label="name the location")
        some_lines = data.draw(st.booleans(), label="some units only")
        eligible = [
            order_id
            for order_id, model in self.models.items()
            if model.status == "open"
            and any(units > 0 for units in self._shippable(snap.orders[order_id]).values())
        ]
        order_id = self._pick(data, eligible, list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        order = snap.orders[order_id]
        free = self._shippable(order)
        places = sorted({code for (_, code), units in free.items() if units > 0})
        location = None
        if name_location:
            if bool(places) and data.draw(st.booleans(), label="a location with units"):
                location = data.draw(st.sampled_from(places), label="location")
            else:
                location = data.draw(locations, label="location")
        where = location if location is not None else (places[0] if len(places) == 1 else None)
        wanted: Counter[str] | None = None
        if some_lines and where is not None:
            wanted = Counter()
            for line in order.lines:
                units = free.get((line.line_no, where), 0)
                if data.draw(st.booleans(), label=f"ship some {line.sku}"):
                    wanted[line.sku] += data.draw(st.integers(1, max(units, 0) + 1))
            if not wanted:
                wanted[order.lines[0].sku] = 1
        taken: list[tuple[int, str, int]] = []
        rest = Counter(wanted)
        for line in order.lines:
            units = free.get((line.line_no, where), 0) if where is not None else 0
            take = units if wanted is None else min(units, rest[line.sku])
            if take > 0:
                taken.append((line.line_no, line.sku, take))
                rest[line.sku] -= take
        costs = tuple(self.costs[sku] for _, sku, _ in taken)  # as the shipment is made up
        arguments: dict[str, Any] = {"carrier": carrier, "location": location}
        if wanted is not None:
            arguments["lines"] = [{"sku": s, "quantity": q} for s, q in sorted(wanted.items())]
        if model.status != "open":
            expected: type[Exception] | None = errors.InvalidStateTransition
        elif where is None or not taken or any(q > 0 for q in rest.values()):
            expected = errors.ValidationError
        else:
            expected = None
        if expected is not None:
            availability = [self.oms.availability(sku) for sku in SKUS]
            with pytest.raises(expected):
                self.oms.ship_order(order_id, **arguments)
            assert [self.oms.availability(sku) for sku in SKUS] == availability
            assert self.oms.order_shipments(order_id) == snap.shipments[order_id]
            return
        assert where is not None
        parcel = self.oms.dependencies.carriers["parcel"]
        assert isinstance(parcel, InMemoryCarrier)
        fails = carrier == "parcel" and data.draw(st.booleans(), label="booking fails")
        if fails:
            parcel.fail_next(1)
            try:
                with pytest.raises(errors.CarrierError) as raised:
                    self.oms.ship_order(order_id, **arguments)
            finally:
                parcel.fail_next(0)
            shipment = self.oms.get_shipment(raised.value.details["shipment_id"])
            assert shipment.status == "pending", shipment
            assert shipment.booking_error, shipment
            assert self.oms.get_order(order_id).lines == order.lines  # still reserved
        else:
            shipment = self.oms.ship_order(order_id, **arguments)
            assert shipment.status == "booked", shipment
            assert shipment.tracking_number, shipment
            for _, sku, units in taken:
                self.on_hand[sku, where] -= units
        assert (shipment.order_id, shipment.location, shipment.carrier) == (
            order_id,
            where,
            carrier,
        )
        assert [(ln.order_line_no, ln.sku, ln.quantity) for ln in shipment.lines] == taken
        assert [ln.unit_cost for ln in shipment.lines] == list(map(eur_or_none, costs))
        self.shipments[shipment.id] = ShipmentModel(
            id=shipment.id,
            number=shipment.number,
            order_id=order_id,
            location=where,
            lines=tuple(taken),
            costs=costs,
            status=shipment.status,
        )
        self._settle(order_id)

    def _pick_shipment(self, data: st.DataObject, statuses: frozenset[str]) -> ShipmentModel:
        eligible = [s.id for s in self.shipments.values() if s.status in statuses]
        shipment_id = self._pick(data, eligible, list(self.shipments), "shipment")
        assert shipment_id is not None
        return self.shipments[shipment_id]

    @precondition(lambda self: self._with_shipments("pending"))
    @rule(data=st.data())
    def pending_shipment(self, data: st.DataObject) -> None:
        """A shipment whose booking failed is booked again, or cancelled."""
        if data.draw(st.booleans(), label="book again"):
            self.retry_booking(data)
        else:
            self.cancel_pending_shipment(data)

    def retry_booking(self, data: st.DataObject) -> None:
        """Book a pending shipment again. A held order's shipment waits; an open order's
        ships if its units are still reserved, otherwise the booking is undone and the
        shipment cancelled."""
        snap = self._snap()
        self._changed()
        shipment = self._pick_shipment(data, frozenset({"pending"}))
        if shipment.status != "pending":
            view = self.oms.book_shipment(shipment.id)  # nothing to do
            assert view == self.oms.get_shipment(shipment.id)
            assert view.status == shipment.status
            return
        order = snap.orders[shipment.order_id]
        if self.models[order.id].status != "open":  # held: it waits for the release
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.book_shipment(shipment.id)
            assert self.oms.get_shipment(shipment.id).status == "pending"
            return
        ships = all(
            order.lines[line_no - 1].allocations.get(shipment.location, 0) >= units
            for line_no, _, units in shipment.lines
        )
        if not ships:
            availability = [self.oms.availability(sku) for sku in SKUS]
            with pytest.raises((errors.ValidationError, errors.InsufficientStock)):
                self.oms.book_shipment(shipment.id)
            assert [self.oms.availability(sku) for sku in SKUS] == availability
            shipment.status = "cancelled"
            assert self.oms.get_shipment(shipment.id).status == "cancelled"
            return
        view = self.oms.book_shipment(shipment.id)
        assert view.status == "booked", view
        assert view.tracking_number, view
        shipment.status = "booked"
        for _, sku, units in shipment.lines:
            self.on_hand[sku, shipment.location] -= units
        self._settle(order.id)

    def cancel_pending_shipment(self, data: st.DataObject) -> None:
        """A pending shipment can be cancelled (its units stay reserved); no other can."""
        self._changed()
        shipment = self._pick_shipment(data, frozenset({"pending"}))
        if shipment.status != "pending":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.cancel_shipment(shipment.id)
            return
        assert self.oms.cancel_shipment(shipment.id).status == "cancelled"
        shipment.status = "cancelled"

    @precondition(lambda self: self._with_shipments("booked", "in_transit"))
    @rule(data=st.data())
    def shipment_news(self, data: st.DataObject) -> None:
        """News of a shipment on its way: a carrier's tracking event, or the driver's proof
        of delivery."""
        if data.draw(st.booleans(), label="tracking event"):
            self.record_tracking(data, data.draw(st.sampled_from(TRACKING), label="status"))
        else:
            self.confirm_delivery(data)

    def record_tracking(self, data: st.DataObject, status: str) -> None:
        """A carrier's tracking event moves a booked shipment: in transit, delivered, or (now
        and then) returned to sender, which fails it and brings its units back on hand,
        reserved for the order again. Shipments not on the way refuse it."""
        self._changed()
        if not data.draw(st.integers(0, 9), label="not returned to sender"):
            status = "returned_to_sender"
        shipment = self._pick_shipment(data, frozenset({"booked", "in_transit"}))
        if shipment.status not in ("booked", "in_transit"):
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.record_tracking(shipment.id, status=status)
            return
        view = self.oms.record_tracking(shipment.id, status=status)
        shipment.status = {"delivered": "delivered", "returned_to_sender": "failed"}.get(
            status, "in_transit"
        )
        if shipment.status == "failed":
            for _, sku, units in shipment.lines:
                self.on_hand[sku, shipment.location] += units
        assert view.status == shipment.status, view
        self._settle(shipment.order_id)

    def confirm_delivery(self, data: st.DataObject) -> None:
        """The driver's proof of delivery delivers a shipment on the way, and no other."""
        self._changed()
        shipment = self._pick_shipment(data, frozenset({"booked", "in_transit"}))
        proof = f"signed for {shipment.id}"
        if shipment.status not in ("booked", "in_transit"):
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.confirm_delivery(shipment.id, proof=proof)
            return
        view = self.oms.confirm_delivery(shipment.id, proof=proof)
        assert (view.status, view.proof_of_delivery) == ("delivered", proof), view
        assert view.delivered_at == self.clock.now()
        shipment.status = "delivered"
        self._settle(shipment.order_id)

    # -- returns and exchanges -----------------------------------------------------------------

    def _returnable(self, order: OrderView) -> dict[int, int]:
        """Delivered units per line not returned and not promised to an open return."""
        left = {line.line_no: line.delivered - line.returned for line in order.lines}
        for request in self.returns.values():
            if request.order_id == order.id and request.status == "requested":
                for line_no, _, units in request.lines:
                    left[line_no] -= units
        return left

    def _draw_return(
        self, data: st.DataObject, order: OrderView, many: bool
    ) -> tuple[list[tuple[str, int]], bool]:
        """Skus and units to take back (now and then more than can be), and whether they can."""
        left = self._returnable(order)
        per_sku: Counter[str] = Counter()
        for line in order.lines:
            per_sku[line.sku] += left[line.line_no]
        choices = sorted({line.sku for line in order.lines})
        with_units = sorted(sku for sku in choices if per_sku[sku] > 0)
        picked = data.draw(
            st.lists(
                st.sampled_from(with_units or choices), min_size=1, max_size=2 if many else 1
            ).map(lambda items: sorted(set(items))),
            label="skus",
        )
        items = [
            (sku, data.draw(st.integers(1, max(per_sku[sku], 0) + 1), label=f"{sku} units"))
            for sku in picked
        ]
        return items, all(units <= per_sku[sku] for sku, units in items)

    def _expected_return_lines(
        self, order: OrderView, items: list[tuple[str, int]]
    ) -> tuple[tuple[int, str, int], ...]:
        left = self._returnable(order)
        lines = []
        for sku, wanted in items:
            for line in order.lines:
                if line.sku != sku:
                    continue
                take = min(wanted, left[line.line_no])
                if take > 0:
                    lines.append((line.line_no, sku, take))
                    left[line.line_no] -= take
                    wanted -= take
        return tuple(lines)

    def _can_return(self, snap: Snapshot) -> list[str]:
        return [
            order_id
            for order_id, model in self.models.items()
            if model.status != "cancelled"
            and any(units > 0 for units in self._returnable(snap.orders[order_id]).values())
        ]

    @precondition(lambda self: self._anything_to_return())
    @rule(data=st.data())
    def take_back(self, data: st.DataObject) -> None:
        """The customer sends delivered units back: a plain return (of one sku or two), or
        (one time in three) an exchange."""
        if data.draw(st.integers(0, 2), label="exchange") == 0:
            self.exchange(data)
        else:
            self.request_return(data, data.draw(st.booleans(), label="two skus"))

    def request_return(self, data: st.DataObject, many: bool) -> None:
        """An RMA for delivered units; more than was delivered and not yet returned (or any
        unit of a cancelled order) is refused."""
        snap = self._snap()
        self._changed()
        order_id = self._pick(data, self._can_return(snap), list(self.models), "order")
        assert order_id is not None
        order = snap.orders[order_id]
        items, possible = self._draw_return(data, order, many=many)
        lines = [{"sku": sku, "quantity": units} for sku, units in items]
        if self.models[order_id].status == "cancelled" or not possible:
            expected = (
                errors.InvalidStateTransition
                if self.models[order_id].status == "cancelled"
                else errors.ValidationError
            )
            with pytest.raises(expected):
                self.oms.request_return(order_id, lines=lines, reason="damaged in transit")
            return
        view = self.oms.request_return(order_id, lines=lines, reason="damaged in transit")
        expected_lines = self._expected_return_lines(order, items)
        assert tuple((ln.order_line_no, ln.sku, ln.quantity) for ln in view.lines) == (
            expected_lines
        )
        assert (view.status, view.order_id) == ("requested", order_id), view
        self.returns[view.id] = ReturnModel(view.id, order_id, expected_lines, "requested")

    def exchange(self, data: st.DataObject) -> None:
        """A return plus a replacement order placed at once (the same checks as a return,
        and the customer must not be blocked)."""
        snap = self._snap()
        self._changed()
        replacement = data.draw(line_lists, label="replacement")
        order_id = self._pick(data, self._can_return(snap), list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        order = snap.orders[order_id]
        items, possible = self._draw_return(data, order, many=False)
        arguments: dict[str, Any] = {
            "return_lines": [{"sku": sku, "quantity": units} for sku, units in items],
            "replacement_lines": [{"sku": sku, "quantity": units} for sku, units in replacement],
            "reason": "wrong colour",
        }
        if model.status == "cancelled":
            expected: type[Exception] | None = errors.InvalidStateTransition
        elif not possible:
            expected = errors.ValidationError
        elif self.blocked[model.owner]:
            expected = errors.CustomerBlocked
        else:
            expected = None
        if expected is not None:
            with pytest.raises(expected):
                self.oms.exchange(order_id, **arguments)
            return
        free = self._free()
        result = self.oms.exchange(order_id, **arguments)
        rma, new = result.return_request, result.replacement_order
        expected_lines = self._expected_return_lines(order, items)
        assert tuple((ln.order_line_no, ln.sku, ln.quantity) for ln in rma.lines) == (
            expected_lines
        )
        assert (rma.status, rma.replacement_order_id) == ("requested", new.id), rma
        assert new.channel == order.channel
        self._check_placed(new, model.owner, replacement, free)
        self.returns[rma.id] = ReturnModel(rma.id, order_id, expected_lines, "requested", new.id)

    def _home(self, order_id: str, line_no: int) -> str:
        """Where returned units go back by default: where the line was delivered from."""
        for shipment in self.shipments.values():
            if (
                shipment.order_id == order_id
                and shipment.status == "delivered"
                and any(line[0] == line_no for line in shipment.lines)
            ):
                return shipment.location
        return self._location_order()[0]

    @precondition(lambda self: self._with_returns())
    @rule(data=st.data())
    def settle_return(self, data: st.DataObject) -> None:
        """A requested return is received, restocked or written off, or (one time in four)
        rejected."""
        if data.draw(st.integers(0, 3), label="reject") == 0:
            self.reject_return(data)
        else:
            self.receive_return(data, data.draw(st.booleans(), label="restock"))

    def receive_return(self, data: st.DataObject, restock: bool) -> None:
        """Goods back: restocked (where they came from, or where named) or written off; the
        units that were invoiced are credited, and what was paid for them refunded (for an
        exchange, carried over to the replacement order first); a prepayment held for units
        that come back before their invoice is paid back."""
        self._changed()
        location = data.draw(st.none() | locations, label="location")
        method = data.draw(st.sampled_from((None, *METHODS)), label="refund method")
        eligible = [r.id for r in self.returns.values() if r.status == "requested"]
        return_id = self._pick(data, eligible, list(self.returns), "return")
        assert return_id is not None
        request = self.returns[return_id]
        arguments: dict[str, Any] = {
            "restock": restock,
            "location": location,
            "refund_method": method,
        }
        if request.status != "requested":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.receive_return(return_id, **arguments)
            return
        taken = self._taken_back(request)
        cost = goods_value((s.costs[index], units) for s, index, units in taken)
        # the returned units that were invoiced are credited, invoice by invoice
        to_credit: Counter[int] = Counter()
        for line_no, _, units in request.lines:
            to_credit[line_no] += units
        notes: list[tuple[InvoiceModel, dict[int, int]]] = []
        for invoice_id in self.models[request.order_id].invoices:
            invoice = self.invoices[invoice_id]
            take = {
                line_no: min(to_credit[line_no], units)
                for line_no, units in invoice.creditable().items()
                if to_credit[line_no]
            }
            if take:
                to_credit.subtract(take)
                notes.append((invoice, take))
        where = location or self._home(request.order_id, request.lines[0][0])
        view = self.oms.receive_return(return_id, **arguments)
        request.status = "received"
        request.cost, request.restocked = cost, restock
        for shipment, index, units in taken:
            shipment.taken_back[index] += units
        if restock:
            for _, sku, units in request.lines:
                self.on_hand[sku, where] += units
                self.known_locations.add(where)
        refunded = False
        for invoice, take in notes:
            self._credit(invoice, take)
            if request.replacement:
                self._carry_over(invoice, request.replacement)
            refunded = bool(self._refund(invoice, method)) or refunded
        self._release_prepayment(self.oms.get_order(request.order_id))
        credited = bool(notes)
        assert (view.status, view.restocked, view.location) == ("received", restock, where)
        assert bool(view.credit_note_id) == credited, view
        assert bool(view.refund_id) == refunded, view
        self._settle(request.order_id)

    def _delivered(self, order_id: str) -> list[ShipmentModel]:
        """The order's delivered shipments, in the order they were made up."""
        return sorted(
            (
                s
                for s in self.shipments.values()
                if s.order_id == order_id and s.status == "delivered"
            ),
            key=lambda s: s.number,
        )

    def _taken_back(self, request: ReturnModel) -> list[tuple[ShipmentModel, int, int]]:
        """Which units come back: (shipment, line index, units). Per order line, the first
        delivered units (by shipment number) that no earlier return took back."""
        taken: list[tuple[ShipmentModel, int, int]] = []
        delivered = self._delivered(request.order_id)
        for line_no, _, wanted in request.lines:
            for shipment in delivered:
                for index, (shipped_line, _, units) in enumerate(shipment.lines):
                    already = shipment.taken_back[index] + sum(
                        u for s, i, u in taken if s is shipment and i == index
                    )
                    take = min(wanted, units - already) if shipped_line == line_no else 0
                    if take > 0:
                        taken.append((shipment, index, take))
                        wanted -= take
            assert wanted == 0, (request, delivered)
        return taken

    def reject_return(self, data: st.DataObject) -> None:
        """A requested return is refused: nothing comes back, nothing is credited, and the
        units can be asked for again. One received or rejected already cannot be."""
        self._changed()
        eligible = [r.id for r in self.returns.values() if r.status == "requested"]
        return_id = self._pick(data, eligible, list(self.returns), "return")
        assert return_id is not None
        request = self.returns[return_id]
        if request.status != "requested":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.reject_return(return_id, reason="not bought here")
            return
        view = self.oms.reject_return(return_id, reason="not bought here")
        assert (view.status, view.rejection_reason) == ("rejected", "not bought here"), view
        assert not view.credit_note_id, view
        request.status = "rejected"

    def _carry_over(self, invoice: InvoiceModel, replacement_id: str) -> None:
        """What the customer is owed moves to the replacement as a prepayment, up to its
        uninvoiced price."""
        due = -invoice.outstanding
        if due <= 0:
            return
        replacement = self.models[replacement_id]
        units = self._to_invoice(self.oms.get_order(replacement_id))
        if not units:
            return
        amount = min(due, document_total(units, replacement.skus) - replacement.prepaid)
        if amount > 0:
            invoice.refunded += amount
            replacement.prepaid += amount

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def stock_is_never_negative(self) -> None:
        for sku, view in self._snap().availability.items():
            for row in view.locations:
                assert 0 <= row.reserved <= row.on_hand, (sku, row)
                assert row.available == row.on_hand - row.reserved, (sku, row)
                assert row.on_hand == self.on_hand[sku, row.location], (sku, row)
            assert view.on_hand == sum(row.on_hand for row in view.locations), view
            assert view.reserved == sum(row.reserved for row in view.locations), view
            assert view.available == sum(row.available for row in view.locations), view
            assert view.available == view.on_hand - view.reserved >= 0, view
            listed = {row.location for row in view.locations}
            assert all(self.on_hand[sku, code] == 0 for code in CODES if code not in listed)

    @invariant()
    def reservations_and_backorders_belong_to_active_orders(self) -> None:
        snap = self._snap()
        reserved: Counter[tuple[str, str]] = Counter()
        backordered: Counter[str] = Counter()
        backorder_lines = set()
        for order in snap.orders.values():
            for line in order.lines:
                if order.status not in ACTIVE:
                    assert line.reserved == line.backordered == 0, (order.number, line)
                    assert not line.allocations, (order.number, line)
                    continue
                for code, quantity in line.allocations.items():
                    reserved[line.sku, code] += quantity
                backordered[line.sku] += line.backordered
                if line.backordered:
                    backorder_lines.add((order.id, line.line_no, line.sku, line.backordered))
        for sku, view in snap.availability.items():
            assert view.reserved == sum(q for (s, _), q in reserved.items() if s == sku), sku
            assert view.backordered == backordered[sku], sku
            for row in view.locations:
                assert row.reserved == reserved[sku, row.location], (sku, row)
        listed = [(b.order_id, b.line_no, b.sku, b.quantity) for b in snap.backorders]
        assert sorted(listed) == sorted(backorder_lines)

    @invariant()
    def order_lines_account_for_every_unit(self) -> None:
        for order in self._snap().orders.values():
            for line in order.lines:
                assert line.reserved == sum(line.allocations.values()), (order.number, line)
                assert all(q > 0 for q in line.allocations.values()), (order.number, line)
                assert min(line.backordered, line.shipped, line.cancelled) >= 0, line
                accounted = line.reserved + line.backordered + line.shipped + line.cancelled
                if order.status in ACTIVE:
                    assert line.quantity == accounted, (order.number, line)
                else:
                    assert line.quantity >= accounted, (order.number, line)
                assert line.shipped >= line.delivered >= line.returned >= 0, (order.number, line)
                invoiced = self._net_invoiced(order.id, line.line_no)
                assert 0 <= invoiced <= line.quantity - line.cancelled - line.returned, (
                    order.number,
                    line,
                    invoiced,
                )

    @invariant()
    def shipments_and_returns_account_for_the_lines(self) -> None:
        """Shipped units left in booked shipments, delivered ones arrived in delivered
        shipments, returned ones came back in received returns."""
        snap = self._snap()
        shipped: Counter[tuple[str, int]] = Counter()
        delivered: Counter[tuple[str, int]] = Counter()
        returned: Counter[tuple[str, int]] = Counter()
        for shipment in self.shipments.values():
            for line_no, _, units in shipment.lines:
                if shipment.status in LEFT:
                    shipped[shipment.order_id, line_no] += units
                if shipment.status == "delivered":
                    delivered[shipment.order_id, line_no] += units
        for request in self.returns.values():
            if request.status == "received":
                for line_no, _, units in request.lines:
                    returned[request.order_id, line_no] += units
        for order in snap.orders.values():
            for line in order.lines:
                key = (order.id, line.line_no)
                assert line.shipped == shipped[key], (order.number, line)
                assert line.delivered == delivered[key], (order.number, line)
                assert line.returned == returned[key], (order.number, line)
            listed = [(s.id, s.status) for s in snap.shipments[order.id]]
            mine = [(s.id, s.status) for s in self.shipments.values() if s.order_id == order.id]
            assert listed == mine, order.number
            for view in snap.shipments[order.id]:  # the costs recorded when it was made up
                costs = tuple(ln.unit_cost for ln in view.lines)
                assert costs == tuple(map(eur_or_none, self.shipments[view.id].costs)), view

    @invariant()
    def every_order_is_in_a_legal_state(self) -> None:
        snap = self._snap()
        assert set(snap.orders) == set(self.models)
        for order_id, order in snap.orders.items():
            model = self.models[order_id]
            invoices = snap.invoices[order_id]
            assert order.status in LEGAL_STATUSES, order.number
            assert order.status == model.status, order.number
            assert order.fulfillment_status == expected_fulfillment(order), order.number
            assert order.payment_status == expected_payment_status(invoices), order.number
            assert order.customer_id == self.customer_ids[model.owner], order.number
            if order.status == "on_hold":
                assert order.hold_reason, order.number
            if order.status == "completed":
                assert all(
                    line.delivered + line.cancelled == line.quantity for line in order.lines
                ), order.number
            if order.status == "cancelled":  # no reservation (above), no open receivable
                assert all(i.outstanding.amount == 0 for i in invoices), order.number
            # money held for an order is never more than what is left to invoice on it
            rest = document_total(self._to_invoice(order), model.skus)
            assert 0 <= model.prepaid <= rest, (order.number, model.prepaid, rest)
            if order.status == "open":
                assert not self._done(order, invoices), (
                    f"{order.number} is delivered, invoiced and settled but still open"
                )

    @invariant()
    def invoices_match_the_model(self) -> None:
        """Every invoice as issued, with the money the model expects; the money side always
        reads outstanding = total - credited - paid + refunded."""
        snap = self._snap()
        for order_id, invoices in snap.invoices.items():
            assert [i.id for i in invoices] == self.models[order_id].invoices
            for view in invoices:
                model = self.invoices[view.id]
                assert view.number == model.number
                assert {ln.order_line_no: ln.quantity for ln in view.lines} == model.units
                assert view.settlement == model.settlement
                assert view.due_date == model.due
                figures = (view.total, view.paid, view.credited, view.refunded, view.outstanding)
                expected = (model.total, model.paid, model.credited, model.refunded)
                assert figures == (*map(eur, expected), eur(model.outstanding)), view
                if model.credited and model.credited == model.total:
                    status = "credited"
                elif model.outstanding > 0:
                    status = "partially_paid" if model.paid else "open"
                else:
                    status = "paid"
                assert view.status == status, view

    @invariant()
    def document_numbers_are_unique_and_gapless(self) -> None:
        snap = self._snap()
        numbers = [i.number for invoices in snap.invoices.values() for i in invoices]
        assert sorted(numbers) == sorted(i.number for i in self.invoices.values())
        gapless_per_year(numbers, "INV")
        notes = [e.reference for e in snap.journal if e.description.startswith("Credit note ")]
        assert notes == self.credit_notes
        gapless_per_year(notes, "CN")

    @invariant()
    def the_ledger_balances(self) -> None:
        """Every entry balances, entries are never changed, debits equal credits in total."""
        snap = self._snap()
        for entry in snap.journal:
            currencies = {p.amount.currency for p in entry.postings}
            assert len(entry.postings) >= 2, entry
            assert currencies == {"EUR"}, entry
            assert all(p.amount.amount > 0 for p in entry.postings), entry
            debit = sum((p.amount.amount for p in entry.postings if p.side == "debit"), ZERO)
            credit = sum((p.amount.amount for p in entry.postings if p.side == "credit"), ZERO)
            assert debit == credit, entry
        assert snap.journal[: len(self.journal_seen)] == self.journal_seen
        self.journal_seen = list(snap.journal)
        balance = snap.trial_balance
        assert balance.balanced, balance
        assert set(balance.total_debit) <= {"EUR"}, balance
        debit = sum((line.debit for line in balance.lines), ZERO)
        credit = sum((line.credit for line in balance.lines), ZERO)
        assert balance.total_debit.get("EUR", ZERO) == debit == credit, balance
        for line in balance.lines:
            assert line.balance == line.debit - line.credit, line

    @invariant()
    def accounts_hold_what_the_documents_say(self) -> None:
        """Receivables are the invoices' outstanding amounts; prepayments what orders hold;
        cash and bank the money that moved; revenue and output tax per rate what was invoiced
        less what was credited; cost of goods sold what left and did not come back, at the
        cost it shipped at; inventory what came in at cost less that and what was written
        off (whatever the figure: receipts and shipments need not be at the same cost)."""
        snap = self._snap()
        balance = snap.trial_balance
        outstanding = sum(
            (i.outstanding.amount for invoices in snap.invoices.values() for i in invoices), ZERO
        )
        assert balance.balance(RECEIVABLES, "EUR") == outstanding
        # each shipment that left posted its value, one the carrier brought back reversed
        # it; customer returns took back the cost their units shipped at
        received = [r for r in self.returns.values() if r.status == "received"]
        cogs = sum((s.value for s in self.shipments.values() if s.status in LEFT), ZERO)
        cogs -= sum((r.cost for r in received), ZERO)
        written_off = sum((r.cost for r in received if not r.restocked), ZERO)
        expected: defaultdict[str, Decimal] = defaultdict(
            Decimal,
            {
                RECEIVABLES: sum((i.outstanding for i in self.invoices.values()), ZERO),
                PREPAYMENTS: -sum((m.prepaid for m in self.models.values()), ZERO),
                CASH: self.money[CASH],
                BANK: self.money[BANK],
                COGS: cogs,
                WRITE_OFF: written_off,
                INVENTORY: self.receipts_cost - cogs - written_off,
                GRNI: -self.receipts_cost,
            },
        )
        for invoice in self.invoices.values():
            for rate, net in invoice.net.items():
                expected[f"4000-{rate_suffix(rate)}"] -= net - invoice.credited_net.get(rate, 0)
                tax = invoice.tax[rate] - invoice.credited_tax.get(rate, 0)
                expected[f"2300-{rate_suffix(rate)}"] -= tax
        for line in balance.lines:
            assert line.account in expected, line
        for account, amount in expected.items():
            assert balance.balance(account, "EUR") == amount, (account, amount, balance)

    @invariant()
    def the_dunning_list_holds_what_is_overdue(self) -> None:
        today = self._today()
        expected = sorted(
            (-(today - i.due).days, i.number, i.outstanding)
            for i in self.invoices.values()
            if i.outstanding > 0 and i.due < today
        )
        listed = [
            (-r.days_overdue, r.invoice_number, r.outstanding.amount) for r in self._snap().overdue
        ]
        assert listed == expected

    @invariant()
    def order_totals_follow_the_tax_rules(self) -> None:
        """Catalog prices; line net rounded once; tax per rate on the sum of its nets."""
        for order in self._snap().orders.values():
            nets: dict[Decimal, Decimal] = {}
            for line in order.lines:
                unit_price, rate, _, _ = PRODUCTS[line.sku]
                assert line.unit_price == Money(unit_price, "EUR"), (order.number, line)
                assert line.tax_rate == Decimal(rate), (order.number, line)
                assert line.net == eur(round_cents(Decimal(unit_price) * line.quantity))
                nets[line.tax_rate] = nets.get(line.tax_rate, ZERO) + line.net.amount
            tax = sum((round_cents(net * rate) for rate, net in nets.items()), ZERO)
            net = sum(nets.values(), ZERO)
            assert order.net_total == eur(net), order.number
            assert order.tax_total == eur(tax), order.number
            assert order.total == eur(net + tax), order.number

    @invariant()
    def order_numbers_are_unique_and_gapless(self) -> None:
        orders = self._snap().orders
        numbers = sorted(order.number for order in orders.values())
        assert numbers == [order_number(n) for n in range(1, len(orders) + 1)]
        assert numbers == self.numbers
        if self.numbers:
            assert self.oms.get_order(number=self.numbers[-1]).number == self.numbers[-1]
        with pytest.raises(errors.NotFound):
            self.oms.get_order(number=order_number(len(self.numbers) + 1))

    @invariant()
    def idempotency_keys_name_their_first_order(self) -> None:
        orders = self._snap().orders
        keyed = {o.idempotency_key: o.id for o in orders.values() if o.idempotency_key}
        assert keyed == {key: order_id for key, (_, order_id) in self.keys.items()}

    @invariant()
    def customer_profiles_count_their_orders(self) -> None:
        snap = self._snap()
        for handle, profile in snap.profiles.items():
            mine = [o for o in snap.orders.values() if self.models[o.id].owner == handle]
            assert profile.order_count == len(mine), handle
            assert profile.cancelled_count == sum(o.status == "cancelled" for o in mine), handle
            assert sum(profile.channels.values()) == len(mine), handle
            volume = sum((o.total.amount for o in mine if o.status != "cancelled"), ZERO)
            assert profile.order_volume.get("EUR", eur(ZERO)) == eur(volume), handle
            # what is owed plus what is on order and not invoiced, less prepayments
            owed = sum(
                (
                    i.outstanding
                    for i in self.invoices.values()
                    if i.outstanding > 0 and self.models[i.order_id].owner == handle
                ),
                ZERO,
            )
            documents = 1
            for order in mine:
                if order.status in ACTIVE:
                    model = self.models[order.id]
                    units = self._to_invoice(order)
                    owed += max(document_total(units, model.skus) - model.prepaid, ZERO)
                    documents += len(model.invoices)
            shown = profile.open_amount.get("EUR", eur(ZERO)).amount
            # tax rounded per document rather than once per order may differ by cents
            assert abs(shown - owed) <= CENT * documents, (handle, shown, owed)

    @invariant()
    def at_most_one_open_requisition_per_sku_and_location(self) -> None:
        requisitions = self._snap().requisitions
        places = [(r.sku, r.location) for r in requisitions]
        assert len(places) == len(set(places)), places
        assert all(r.status == "open" and r.quantity > 0 for r in requisitions)

    @invariant()
    def backorders_wait_only_while_sold_out(self) -> None:
        """A sku with open backorders has no free unit anywhere: whatever brings or frees a
        unit (a receipt, a found unit, a move, a cancellation, a restocked return) serves the
        backorders, and units a count takes from an order are reserved again where some are
        free."""
        for view in self._snap().availability.values():
            if view.backordered:
                assert view.available == 0, view


OrderToCashMachine.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),  # as Hypothesis does for state machines
)
TestOrderToCash = OrderToCashMachine.TestCase


# -- the same machine on SQL storage -----------------------------------------------------------

SQL_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class SqliteOrderToCashMachine(OrderToCashMachine):
    """Each example on a fresh copy of a migrated, empty SQLite file."""

    template: ClassVar[Path | None] = None
    directory: ClassVar[Path | None] = None
    counter: ClassVar[Iterator[int]] = itertools.count(1)

    def new_oms(self, clock: FixedClock) -> OrderManagement:
        assert self.template is not None
        assert self.directory is not None
        self.path = self.directory / f"orders-{next(self.counter)}.db"
        shutil.copyfile(self.template, self.path)
        return OrderManagement.from_url(
            f"sqlite:///{self.path}",
            clock=clock,
            ids=SequentialIdGenerator(),
            simulate=SIMULATIONS,
        )

    def teardown(self) -> None:
        super().teardown()
        path: Path | None = getattr(self, "path", None)
        if path is not None:
            path.unlink(missing_ok=True)


class PostgresOrderToCashMachine(OrderToCashMachine):
    """Each example on the emptied tables of the run's PostgreSQL database."""

    url: ClassVar[str | None] = None

    def new_oms(self, clock: FixedClock) -> OrderManagement:
        assert self.url is not None
        empty_tables(self.url)
        return OrderManagement.from_url(
            self.url, clock=clock, ids=SequentialIdGenerator(), simulate=SIMULATIONS
        )


class TestOrderToCashSqlite(SqliteOrderToCashMachine.TestCase):  # type: ignore[misc,valid-type]
    settings = SQL_SETTINGS

    @pytest.fixture(autouse=True)
    def _database(self, sqlite_template: Path, tmp_path: Path) -> Iterator[None]:
        SqliteOrderToCashMachine.template = sqlite_template
        SqliteOrderToCashMachine.directory = tmp_path
        yield
        SqliteOrderToCashMachine.template = SqliteOrderToCashMachine.directory = None


class TestOrderToCashPostgres(PostgresOrderToCashMachine.TestCase):  # type: ignore[misc,valid-type]
    settings = SQL_SETTINGS

    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> Iterator[None]:
        PostgresOrderToCashMachine.url = postgres_url
        yield
        PostgresOrderToCashMachine.url = None


# -- defects the machine found, one short sequence each ------------------------------------------


def small_world(customer: str, stock: dict[str, int]) -> tuple[OrderManagement, str]:
    """The machine's catalog, one location ``BER`` holding ``stock``, and one of its
    customers; returns the OMS and the customer's id."""
    oms = make_oms()
    oms.define_location("BER", priority=10)
    for sku, (unit_price, rate, _, _) in PRODUCTS.items():
        oms.upsert_product(
            sku=sku, name=sku.title(), unit_price=Money(unit_price, "EUR"), tax_rate=rate
        )
    for sku, quantity in stock.items():
        oms.receive_stock(sku=sku, location="BER", quantity=quantity, supplier="Initial")
    return oms, oms.register_customer(**CUSTOMERS[customer]).id


def one_line(sku: str, quantity: int) -> list[dict[str, Any]]:
    return [{"sku": sku, "quantity": quantity}]


def test_an_order_partly_credited_and_invoiced_again_can_be_cancelled() -> None:
    oms, acme = small_world("acme", {})
    order = oms.place_order(customer_id=acme, channel="web", lines=one_line("CHAIR", 1))
    first = oms.issue_invoice(order.id)
    oms.issue_credit_note(first.id, reason="price agreed", lines=one_line("CHAIR", 1))
    second = oms.issue_invoice(order.id)

    assert oms.cancel_order(order.id).status == "cancelled"
    for invoice in (first, second):
        settled = oms.get_invoice(invoice.id)
        assert (settled.credited, settled.outstanding) == (settled.total, Money("0", "EUR"))


def test_cancelled_units_are_not_counted_as_open() -> None:
    oms, customer = small_world("max", {"LAMP": 1})
    order = oms.place_order(customer_id=customer, channel="web", lines=one_line("LAMP", 3))
    oms.ship_order(order.id, carrier="parcel")
    oms.cancel_order(order.id)  # two of the three lamps: one is on its way

    one_lamp = Money(round_cents(Decimal("29.95") * Decimal("1.07")), "EUR")
    assert oms.customer_profile(customer).open_amount == {"EUR": one_lamp}


def test_a_prepayment_for_goods_returned_before_their_invoice_is_paid_back() -> None:
    oms, customer = small_world("max", {"DESK": 2})
    order = oms.place_order(customer_id=customer, channel="web", lines=one_line("DESK", 2))
    shipment = oms.ship_order(order.id, carrier="parcel")
    oms.confirm_delivery(shipment.id, proof="signed")
    oms.record_payment(order_id=order.id, amount=Money("500.00", "EUR"), method="bank_transfer")
    request = oms.request_return(order.id, lines=one_line("DESK", 2), reason="damaged")
    oms.receive_return(request.id)

    ledger = oms.trial_balance()
    assert ledger.balance(PREPAYMENTS, "EUR") == 0  # nothing is held for the order any more
    assert ledger.balance(BANK, "EUR") == 0  # the 500.00 went back


def test_an_order_delivered_and_paid_while_on_hold_is_completed_on_release() -> None:
    oms, acme = small_world("acme", {"CHAIR": 1})
    order = oms.place_order(customer_id=acme, channel="web", lines=one_line("CHAIR", 1))
    invoice = oms.issue_invoice(order.id)
    shipment = oms.ship_order(order.id, carrier="parcel")
    oms.confirm_delivery(shipment.id, proof="signed")
    oms.hold_order(order.id, reason="address check")
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    assert oms.release_order(order.id).status == "completed"


def test_cancelling_a_partly_shipped_order_keeps_the_prepayment_its_shipped_units_need() -> None:
    oms, customer = small_world("max", {"LAMP": 1})
    order = oms.place_order(customer_id=customer, channel="web", lines=one_line("LAMP", 3))
    oms.ship_order(order.id, carrier="parcel")
    oms.record_payment(order_id=order.id, amount=Money("50.00", "EUR"), method="bank_transfer")
    oms.cancel_order(order.id)  # two of the three lamps: one is on its way

    one_lamp = round_cents(Decimal("29.95") * Decimal("1.07"))
    ledger = oms.trial_balance()
    assert ledger.balance(PREPAYMENTS, "EUR") == -one_lamp  # held for the lamp on its way
    assert ledger.balance(BANK, "EUR") == one_lamp  # the rest went back
    assert oms.customer_profile(customer).open_amount == {}


def lamps_shipped_twice(costs: tuple[str, str]) -> tuple[OrderManagement, str, list[str]]:
    """Two lamps on one order line, shipped one at a time, the first at ``costs[0]``, the
    second at ``costs[1]``; returns the OMS, the order id and the shipment ids."""
    oms, customer = small_world("max", {"LAMP": 2})
    order = oms.place_order(customer_id=customer, channel="web", lines=one_line("LAMP", 2))
    shipments = []
    for cost in costs:
        oms.upsert_product(
            sku="LAMP",
            name="Lamp",
            unit_price=Money("29.95", "EUR"),
            tax_rate="0.07",
            unit_cost=Money(cost, "EUR"),
        )
        shipments.append(oms.ship_order(order.id, carrier="parcel", lines=one_line("LAMP", 1)))
    assert [s.lines[0].unit_cost for s in shipments] == [Money(c, "EUR") for c in costs]
    return oms, order.id, [s.id for s in shipments]


def test_a_return_naming_a_sku_twice_takes_back_each_unit_once() -> None:
    oms, order_id, shipments = lamps_shipped_twice(("10.00", "20.00"))
    for shipment_id in shipments:
        oms.confirm_delivery(shipment_id, proof="signed")
    request = oms.request_return(
        order_id, lines=[*one_line("LAMP", 1), *one_line("LAMP", 1)], reason="damaged"
    )
    oms.receive_return(request.id, restock=False)

    assert [(line.sku, line.quantity) for line in request.lines] == [("LAMP", 2)]
    ledger = oms.trial_balance()
    assert ledger.balance(COGS, "EUR") == 0  # both lamps back, each at the cost it shipped at
    assert ledger.balance(WRITE_OFF, "EUR") == Decimal("30.00")


def test_goods_returned_out_of_delivery_order_come_back_at_their_own_cost() -> None:
    oms, order_id, (first, second) = lamps_shipped_twice(("10.00", "20.00"))
    oms.confirm_delivery(second, proof="signed")  # the later parcel arrives first
    request = oms.request_return(order_id, lines=one_line("LAMP", 1), reason="damaged")
    oms.receive_return(request.id)  # the 20.00 lamp: the only one delivered
    oms.confirm_delivery(first, proof="signed")
    request = oms.request_return(order_id, lines=one_line("LAMP", 1), reason="damaged")
    oms.receive_return(request.id)  # the 10.00 lamp

    assert oms.trial_balance().balance(COGS, "EUR") == 0
