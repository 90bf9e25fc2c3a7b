"""A small, realistic order-to-cash scenario on the in-memory OMS, told step by step.

An office-furniture wholesaler with two warehouses sells chairs, desks, a handbook and coffee
to four customers on four channels. A big EDI order runs out of chairs: part of it goes on
backorder and purchasing is asked to buy more; the supplier's delivery serves the backorder;
another customer cancels. Every step prints what happened, and every domain event is shown as
it is published.

The scenario writes lines to an ``out`` callable instead of printing, so it runs the same in a
terminal (``python -m ordermgmt demo``) and in a test. Business time comes from a
:class:`FixedClock` and ids from a :class:`SequentialIdGenerator`, so every run prints exactly
the same text.

Later steps of order-to-cash (invoicing, payment, shipping) extend :data:`STEPS`.
"""

from __future__ import annotations

import inspect
import logging
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ordermgmt import messages as m
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain import events as ev
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.money import Money
from ordermgmt.facade import OrderManagement

log = logging.getLogger(__name__)

#: Where the demo writes its text, one line per call (``print`` in the CLI, a list in tests).
Output = Callable[[str], None]

#: Business time at which the demo starts: a Monday morning.
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

WIDTH = 78


def eur(amount: str) -> Money:
    """An amount in euros."""
    return Money(amount, "EUR")


def percent(rate: Decimal) -> str:
    """``Decimal("0.19")`` as ``"19 %"``."""
    return f"{(rate * 100).normalize():f} %"


@dataclass
class DemoRun:
    """The state of a demo run: the OMS, what the steps created, and every published event.

    Steps look up what earlier steps made by a short key (``customers["nordlicht"]``,
    ``orders["edi"]``); the views kept here are refreshed whenever a step reads them again.
    """

    oms: OrderManagement
    clock: FixedClock
    out: Output
    show_events: bool = True
    customers: dict[str, m.CustomerView] = field(default_factory=dict)
    orders: dict[str, m.OrderView] = field(default_factory=dict)
    events: list[DomainEvent] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)

    # -- writing ------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        """Write one line of narration."""
        self.out(f"  {text}" if text else "")

    def heading(self, number: int, title: str) -> None:
        """Write a step's numbered heading."""
        self.out("")
        self.out(f"{number}. {title} ".ljust(WIDTH, "-"))

    def on_event(self, event: DomainEvent) -> None:
        """Subscriber: remember every event, and show it as it happens."""
        self.events.append(event)
        if isinstance(event, ev.OrderPlaced):
            self.numbers[event.order_id] = event.number
        if self.show_events:
            self.out(f"      > {describe_event(event, self)}")

    # -- looking things up --------------------------------------------------------------------

    def customer_name(self, customer_id: str) -> str:
        """The name of a customer registered by the demo (the id if unknown)."""
        for customer in self.customers.values():
            if customer.id == customer_id:
                return customer.name
        return customer_id

    def order_number(self, order_id: str) -> str:
        """The human number of an order placed during the run (the id if unknown)."""
        return self.numbers.get(order_id, order_id)

    def refresh(self, key: str) -> m.OrderView:
        """Read an order again (its reservations change as stock moves)."""
        self.orders[key] = self.oms.get_order(self.orders[key].id)
        return self.orders[key]

    def later(self, **delta: float) -> None:
        """Let business time pass."""
        self.clock.advance(timedelta(**delta))


# -- how things are shown ---------------------------------------------------------------------


def describe_event(event: DomainEvent, run: DemoRun) -> str:
    """One readable line for a domain event."""
    name = event.name
    match event:
        case ev.ProductUpserted(sku=sku, unit_price=price):
            detail = f"{sku} at {price}"
        case ev.CustomerRegistered(customer_name=customer, kind=customer_kind):
            detail = f"{customer} ({customer_kind})"
        case ev.OrderPlaced(number=number, channel=channel, total=total):
            detail = f"{number} via {channel}, total {total}"
        case ev.StockReserved(order_id=oid, sku=sku, location=loc, quantity=qty):
            detail = f"{run.order_number(oid)}: {qty} x {sku} at {loc}"
        case ev.BackorderCreated(order_id=oid, sku=sku, quantity=qty):
            detail = f"{run.order_number(oid)}: {qty} x {sku} waiting for stock"
        case ev.BackorderServed(order_id=oid, sku=sku, location=loc, quantity=qty):
            detail = f"{run.order_number(oid)}: {qty} x {sku} now reserved at {loc}"
        case ev.BackorderReleased(order_id=oid, sku=sku, quantity=qty):
            detail = f"{run.order_number(oid)}: {qty} x {sku} no longer awaited"
        case ev.ReservationReleased(order_id=oid, sku=sku, location=loc, quantity=qty):
            detail = f"{run.order_number(oid)}: {qty} x {sku} back to stock at {loc}"
        case ev.StockLow(sku=sku, location=loc, available=available, reorder_point=point):
            detail = f"{sku} at {loc}: {available} available, reorder point {point}"
        case ev.PurchaseRequisitionRaised(sku=sku, location=loc, quantity=qty, reason=reason):
            detail = f"buy {qty} x {sku} for {loc} (reason: {reason})"
        case ev.PurchaseRequisitionClosed(sku=sku, location=loc):
            detail = f"{sku} for {loc} delivered"
        case ev.StockReceived(sku=sku, location=loc, quantity=qty, supplier=supplier):
            detail = f"{qty} x {sku} at {loc} from {supplier}"
        case ev.OrderCancelled(number=number, reason=reason):
            detail = f"{number}: {reason}"
        case _:
            fields = event.to_dict()
            fields.pop("event")
            fields.pop("occurred_at")
            fields.pop("event_id")
            detail = ", ".join(f"{key}={value}" for key, value in fields.items())
    return f"{name:<26}{detail}"


def show_order(run: DemoRun, order: m.OrderView) -> None:
    """An order as a shop clerk would read it: lines, tax per rate, totals, where it stands."""
    customer = run.customer_name(order.customer_id)
    reference = f", reference {order.customer_reference}" if order.customer_reference else ""
    run.say(f"{order.number}  {customer}, via {order.channel}{reference}")
    for line in order.lines:
        where = " + ".join(f"{qty} {loc}" for loc, qty in line.allocations.items())
        state = f"reserved {where}" if where else "not reserved"
        if line.backordered:
            state += f", {line.backordered} backordered"
        run.say(
            f"{line.quantity:>5} x {line.sku:<11}{line.unit_price!s:>11}"
            f"  {percent(line.tax_rate):>4}{line.net!s:>14}   {state}"
        )
    for subtotal in order.tax_subtotals:
        run.say(f"{'':8}VAT {percent(subtotal.rate):>4} of {subtotal.net!s:>14} = {subtotal.tax}")
    run.say(f"{'':8}net {order.net_total} + VAT {order.tax_total} = total {order.total}")
    run.say(
        f"{'':8}status {order.status}, fulfillment {order.fulfillment_status}, "
        f"payment {order.payment_status}"
    )


def show_availability(run: DemoRun, skus: Sequence[str]) -> None:
    """Stock per sku: per location on hand / reserved / available, and the backordered units."""
    run.say(f"{'sku':<12}{'location':<10}{'on hand':>8}{'reserved':>10}{'available':>11}")
    for sku in skus:
        view = run.oms.availability(sku)
        for item in view.locations:
            run.say(
                f"{sku:<12}{item.location:<10}{item.on_hand:>8}"
                f"{item.reserved:>10}{item.available:>11}"
            )
        backordered = f"   backordered {view.backordered}" if view.backordered else ""
        run.say(
            f"{'':<12}{'total':<10}{view.on_hand:>8}{view.reserved:>10}{view.available:>11}"
            f"{backordered}"
        )


def show_requisitions(run: DemoRun) -> None:
    """Open purchase requisitions: what purchasing must buy, for where, and why."""
    requisitions = run.oms.open_purchase_requisitions()
    if not requisitions:
        run.say("open purchase requisitions: none")
        return
    run.say("open purchase requisitions:")
    for req in requisitions:
        handed = "handed to purchasing" if req.submitted else "not yet acknowledged"
        run.say(
            f"  buy {req.quantity:>3} x {req.sku:<11} for {req.location}"
            f"  (reason: {req.reason}; {handed})"
        )


def show_backorders(run: DemoRun) -> None:
    """Open backorders: which order waits for how many units of which sku."""
    backorders = run.oms.open_backorders()
    if not backorders:
        run.say("open backorders: none")
        return
    run.say("open backorders:")
    for item in backorders:
        run.say(
            f"  {item.order_number} {run.customer_name(item.customer_id)}:"
            f" {item.quantity} x {item.sku}"
        )


# -- the steps ----------------------------------------------------------------------------------

SKUS = ("CHAIR-ERGO", "DESK-SIT", "BOOK-ERGO", "COFFEE-1KG")


def set_up_catalog(run: DemoRun) -> None:
    """What the wholesaler sells: chairs and desks at the standard VAT rate of 19 %, a book
    and coffee at the reduced rate of 7 %. A warehouse that falls to a product's reorder point
    asks purchasing for the reorder quantity."""
    products = [
        ("CHAIR-ERGO", "Ergonomic office chair", "249.00", "0.19", 4, 25),
        ("DESK-SIT", "Sit-stand desk", "589.00", "0.19", 2, 10),
        ("BOOK-ERGO", "Handbook of office ergonomics", "34.90", "0.07", 3, 20),
        ("COFFEE-1KG", "Espresso beans, 1 kg", "16.80", "0.07", 10, 60),
    ]
    for sku, name, price, rate, point, quantity in products:
        product = run.oms.upsert_product(
            sku=sku,
            name=name,
            unit_price=eur(price),
            tax_rate=Decimal(rate),
            reorder_point=point,
            reorder_quantity=quantity,
        )
        run.say(
            f"{product.sku:<11} {product.name:<30} {product.unit_price!s:>11}"
            f"  VAT {percent(product.tax_rate):>4}"
            f"  reorder {product.reorder_quantity} at {product.reorder_point} left"
        )


def stock_the_warehouses(run: DemoRun) -> None:
    """Two warehouses; Berlin (the lower priority number) is allocated first. The opening
    stock is booked as supplier receipts."""
    berlin = run.oms.define_location("BER", name="Berlin central warehouse", priority=10)
    leipzig = run.oms.define_location("LEJ", name="Leipzig overflow warehouse", priority=20)
    for warehouse in (berlin, leipzig):
        run.say(f"{warehouse.code}: {warehouse.name}, allocation priority {warehouse.priority}")
    opening = {
        "CHAIR-ERGO": {"BER": 20, "LEJ": 6},
        "DESK-SIT": {"BER": 8, "LEJ": 3},
        "BOOK-ERGO": {"BER": 30, "LEJ": 10},
        "COFFEE-1KG": {"BER": 40, "LEJ": 25},
    }
    for sku, per_location in opening.items():
        for location, quantity in per_location.items():
            run.oms.receive_stock(
                sku=sku,
                location=location,
                quantity=quantity,
                supplier="Opening stock",
                reference="INV-2026-02",
            )
    run.say()
    show_availability(run, SKUS)


def register_customers(run: DemoRun) -> None:
    """Two businesses buying on account, a consumer paying by card, a walk-in paying cash."""
    run.customers["nordlicht"] = run.oms.register_customer(
        name="Nordlicht Consulting GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        credit_limit=eur("25000"),
        email="einkauf@nordlicht.example",
        billing_address={
            "line1": "Speicherstadt 12",
            "postal_code": "20457",
            "city": "Hamburg",
            "country": "DE",
        },
    )
    run.customers["weber"] = run.oms.register_customer(
        name="Bürobedarf Weber KG",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=14,
        credit_limit=eur("8000"),
        phone="+49 341 555 0192",
    )
    run.customers["jana"] = run.oms.register_customer(
        name="Jana Schmidt", kind="b2c", payment_preference="card", email="jana@example.org"
    )
    run.customers["walk_in"] = run.oms.register_customer(
        name="Walk-in customer", kind="b2c", payment_preference="cash"
    )
    for customer in run.customers.values():
        terms = f", {customer.payment_terms_days} days" if customer.payment_terms_days else ""
        limit = f", credit limit {customer.credit_limit}" if customer.credit_limit else ""
        run.say(
            f"{customer.name:<27} {customer.kind.upper()}  pays by "
            f"{customer.payment_preference}{terms}{limit}"
        )


def web_order(run: DemoRun) -> None:
    """A consumer orders in the web shop: one line at 19 %, one at 7 %."""
    run.later(hours=1, minutes=12)
    order = run.oms.place_order(
        customer_id=run.customers["jana"].id,
        channel="web",
        lines=[{"sku": "CHAIR-ERGO", "quantity": 1}, {"sku": "BOOK-ERGO", "quantity": 2}],
        idempotency_key="web-checkout-8f3a",
    )
    run.orders["web"] = order
    run.say()
    show_order(run, order)


def counter_sale(run: DemoRun) -> None:
    """A walk-in customer buys at the showroom counter and pays cash."""
    run.later(minutes=35)
    order = run.oms.place_order(
        customer_id=run.customers["walk_in"].id,
        channel="store",
        lines=[{"sku": "COFFEE-1KG", "quantity": 3}, {"sku": "BOOK-ERGO", "quantity": 1}],
    )
    run.orders["store"] = order
    run.say()
    show_order(run, order)


def phone_order(run: DemoRun) -> None:
    """A stationery dealer phones in an order on account."""
    run.later(minutes=50)
    order = run.oms.place_order(
        customer_id=run.customers["weber"].id,
        channel="phone",
        lines=[{"sku": "DESK-SIT", "quantity": 2}, {"sku": "CHAIR-ERGO", "quantity": 4}],
        customer_reference="call 11:47, Mr Weber",
    )
    run.orders["phone"] = order
    run.say()
    show_order(run, order)


EDI_LINES = [
    {"sku": "CHAIR-ERGO", "quantity": 30},
    {"sku": "DESK-SIT", "quantity": 6},
    {"sku": "BOOK-ERGO", "quantity": 10},
]
EDI_KEY = "edi:nordlicht:ORDERS-PO-2026-0117"


def big_edi_order(run: DemoRun) -> None:
    """A consultancy furnishes a new office by EDI and wants more chairs than both warehouses
    hold. No single warehouse can fill the order, so the chairs are split across both in
    priority order and the rest goes on backorder. Warehouses that fall to a reorder point ask
    purchasing to buy more: one requisition per sku and warehouse, and Berlin's chair
    requisition also covers the backorder.
    """
    run.later(hours=2)
    order = run.oms.place_order(
        customer_id=run.customers["nordlicht"].id,
        channel="edi",
        lines=EDI_LINES,
        idempotency_key=EDI_KEY,
        customer_reference="PO-2026-0117",
    )
    run.orders["edi"] = order
    run.say()
    show_order(run, order)
    run.say()
    show_availability(run, ["CHAIR-ERGO", "DESK-SIT"])
    run.say()
    show_backorders(run)
    show_requisitions(run)


def edi_message_repeated(run: DemoRun) -> None:
    """The EDI gateway sends the same message again; its idempotency key makes it harmless."""
    run.later(minutes=5)
    again = run.oms.place_order(
        customer_id=run.customers["nordlicht"].id,
        channel="edi",
        lines=EDI_LINES,
        idempotency_key=EDI_KEY,
        customer_reference="PO-2026-0117",
    )
    first = run.orders["edi"]
    same = "the same order, not a second one" if again.id == first.id else "a second order"
    run.say(f"resubmitted with key {EDI_KEY!r}: got {again.number}, {same}")
    orders = run.oms.customer_orders(run.customers["nordlicht"].id)
    chairs = run.oms.availability("CHAIR-ERGO")
    run.say(
        f"Nordlicht still has {len(orders)} order; chairs reserved {chairs.reserved}, "
        f"backordered {chairs.backordered}: nothing was taken twice"
    )


def supplier_delivery(run: DemoRun) -> None:
    """The chair supplier delivers to Berlin. The backorder is served at once (oldest order
    first) and Berlin's chair requisition is closed."""
    run.later(days=2)
    receipt = run.oms.receive_stock(
        sku="CHAIR-ERGO",
        location="BER",
        quantity=25,
        supplier="Stuhlwerk AG",
        reference="DN-7781",
    )
    run.say()
    run.say(
        f"receipt {receipt.reference}: {receipt.quantity} x {receipt.sku} at {receipt.location}"
        f" from {receipt.supplier}; {receipt.backorders_served} backordered units served"
    )
    run.say()
    show_order(run, run.refresh("edi"))
    run.say()
    show_availability(run, ["CHAIR-ERGO"])
    run.say()
    show_backorders(run)
    show_requisitions(run)


def cancellation(run: DemoRun) -> None:
    """The dealer cancels the phone order: its reservations go back to stock and are
    available again."""
    run.later(hours=3)
    order = run.oms.cancel_order(run.orders["phone"].id, reason="ordered twice by mistake")
    run.orders["phone"] = order
    run.say()
    run.say(f"{order.number} is {order.status} ({order.cancel_reason})")
    run.say()
    show_availability(run, ["CHAIR-ERGO", "DESK-SIT"])


def where_things_stand(run: DemoRun) -> None:
    """Every order, the stock, what purchasing must buy, and each customer's profile."""
    run.say("orders:")
    for key in run.orders:
        order = run.refresh(key)
        run.say(
            f"  {order.number}  {run.customer_name(order.customer_id):<27}"
            f"{order.channel:<7}{order.total!s:>14}  {order.status}, {order.fulfillment_status}"
        )
    run.say()
    show_availability(run, SKUS)
    run.say()
    show_backorders(run)
    show_requisitions(run)
    run.say()
    run.say("customer profiles:")
    for customer in run.customers.values():
        profile = run.oms.customer_profile(customer.id)
        volume = ", ".join(str(v) for v in profile.order_volume.values()) or "0.00 EUR"
        open_amount = ", ".join(str(v) for v in profile.open_amount.values()) or "0.00 EUR"
        channels = ", ".join(f"{name} {count}" for name, count in profile.channels.items())
        cancelled = f" ({profile.cancelled_count} cancelled)" if profile.cancelled_count else ""
        run.say(f"  {profile.name}")
        run.say(
            f"    {profile.order_count} order(s){cancelled}, volume {volume}, "
            f"open {open_amount}; channels: {channels or '-'}"
        )


@dataclass(frozen=True)
class Step:
    """One named step of the scenario."""

    title: str
    run: Callable[[DemoRun], None]

    def explanation(self) -> list[str]:
        """The step function's docstring, wrapped to the demo's width."""
        doc = inspect.getdoc(self.run) or ""
        return textwrap.wrap(" ".join(doc.split()), WIDTH - 2)


#: The scenario, in order. Later stages of order-to-cash add their steps here.
STEPS: tuple[Step, ...] = (
    Step("Catalog", set_up_catalog),
    Step("Warehouses and opening stock", stock_the_warehouses),
    Step("Customers", register_customers),
    Step("Web shop order, paid by card", web_order),
    Step("Counter sale in the showroom, cash", counter_sale),
    Step("Phone order on account", phone_order),
    Step("A big EDI order: split, backorder, purchase requisitions", big_edi_order),
    Step("The same EDI message arrives twice", edi_message_repeated),
    Step("Supplier delivery serves the backorder", supplier_delivery),
    Step("A cancellation", cancellation),
    Step("Where things stand", where_things_stand),
)


def run_demo(out: Output, *, show_events: bool = True, steps: Sequence[Step] = STEPS) -> DemoRun:
    """Run the scenario on a fresh in-memory OMS, writing its story line by line to ``out``.

    Returns the :class:`DemoRun`, so callers (and tests) can look at the OMS afterwards.
    """
    clock = FixedClock(START)
    oms = OrderManagement.in_memory(clock=clock, ids=SequentialIdGenerator("demo"))
    run = DemoRun(oms=oms, clock=clock, out=out, show_events=show_events)
    oms.subscribe(run.on_event)
    out("ordermgmt demo: order capture and stock on an in-memory OMS")
    out(f"business time starts {START:%a %Y-%m-%d %H:%M} UTC; lines marked > are live events")
    for number, step in enumerate(steps, start=1):
        log.debug("demo step %d: %s", number, step.title)
        run.heading(number, step.title)
        for line in step.explanation():
            run.say(line)
        step.run(run)
    out("")
    out(f"done: {len(run.orders)} orders, {len(run.events)} events published")
    return run
