"""A small, realistic order-to-cash week, told step by step.

An office-furniture wholesaler with two warehouses sells chairs, desks, a handbook and coffee
to four customers on four channels. Over one week orders are captured and reserved, a big EDI
order runs out of chairs and waits for the supplier, invoices go out, money comes in (cash
sales at the checkout and at the counter, business customers on account), one order waits on a
credit hold until its customer pays, goods leave with the company's own van and with a parcel
service, a customer returns a book, a damaged chair is exchanged and a paid order is cancelled.
It ends with the trial balance and every order's three statuses.

The scenario writes lines to an ``out`` callable instead of printing, so it runs the same in a
terminal (``python -m ordermgmt demo``) and in a test. It runs on any storage: in memory, or on
a database URL (``sqlite:///...``, ``postgresql+psycopg://...``), which must be empty. Business
time comes from a :class:`FixedClock` and ids from a :class:`SequentialIdGenerator`, so every
run prints exactly the same text, whatever the storage.
"""

from __future__ import annotations

import inspect
import logging
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import make_url

from ordermgmt import errors
from ordermgmt import messages as m
from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications, SequentialIdGenerator
from ordermgmt.adapters.sqlalchemy import SqlAlchemyUnitOfWorkFactory
from ordermgmt.domain import events as ev
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.ledger import ChartOfAccounts
from ordermgmt.domain.money import Money
from ordermgmt.domain.shipment import TrackingStatus
from ordermgmt.facade import OrderManagement
from ordermgmt.ports import CarrierPort

log = logging.getLogger(__name__)

#: Where the demo writes its text, one line per call (``print`` in the CLI, a list in tests).
Output = Callable[[str], None]

#: Business time at which the demo starts: a Monday morning.
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

WIDTH = 78

#: The default chart of accounts, for naming the accounts the journal shows.
CHART = ChartOfAccounts()


def eur(amount: str) -> Money:
    """An amount in euros."""
    return Money(amount, "EUR")


def percent(rate: Decimal) -> str:
    """``Decimal("0.19")`` as ``"19 %"``."""
    return f"{(rate * 100).normalize():f} %"


def amount(value: Decimal) -> str:
    """A plain amount with thousands separators: ``1,234.50``."""
    return f"{value:,.2f}"


@dataclass
class DemoRun:
    """The state of a demo run: the OMS, what the steps created, and every published event.

    Steps look up what earlier steps made by a short key (``customers["nordlicht"]``,
    ``orders["edi"]``); the views kept here are refreshed whenever a step reads them again.
    """

    oms: OrderManagement
    clock: FixedClock
    out: Output
    parcel: InMemoryCarrier
    fleet: OwnFleetCarrier
    notifications: InMemoryNotifications
    #: Where the data is: ``"in memory"`` or the database URL (without its password).
    where: str = "in memory"
    show_events: bool = True
    customers: dict[str, m.CustomerView] = field(default_factory=dict)
    orders: dict[str, m.OrderView] = field(default_factory=dict)
    invoices: dict[str, m.InvoiceView] = field(default_factory=dict)
    shipments: dict[str, m.ShipmentView] = field(default_factory=dict)
    events: list[DomainEvent] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)
    #: The reader went away (``demo | head``) while an event was being shown.
    output_closed: bool = False

    # -- writing ------------------------------------------------------------------------------

    def write(self, line: str) -> None:
        """Write one line; a reader that went away ends the run with ``BrokenPipeError``."""
        if self.output_closed:
            raise BrokenPipeError("the demo's output was closed")
        self.out(line)

    def say(self, text: str = "") -> None:
        """Write one line of narration."""
        self.write(f"  {text}".rstrip() if text else "")

    def heading(self, number: int, title: str) -> None:
        """Write a step's numbered heading."""
        self.write("")
        self.write(f"{number}. {title} ".ljust(WIDTH, "-"))

    def on_event(self, event: DomainEvent) -> None:
        """Subscriber: remember every event, and show it as it happens."""
        self.events.append(event)
        match event:
            case ev.OrderPlaced(order_id=key, number=number):
                self.numbers[key] = number
            case ev.InvoiceIssued(invoice_id=key, number=number):
                self.numbers[key] = number
            case ev.CreditNoteIssued(credit_note_id=key, number=number):
                self.numbers[key] = number
            case ev.ShipmentCreated(shipment_id=key, number=number):
                self.numbers[key] = number
            case ev.ReturnRequested(return_id=key, number=number):
                self.numbers[key] = number
        if self.show_events and not self.output_closed:
            try:
                self.out(f"      > {describe_event(event, self)}")
            except BrokenPipeError:
                # Raised here, the publisher would keep it as a failed delivery and log it as
                # an error; the next line of narration ends the run quietly instead.
                self.output_closed = True

    def close(self) -> None:
        """Release the database connections, if the run used a database."""
        uow = self.oms.dependencies.uow
        if isinstance(uow, SqlAlchemyUnitOfWorkFactory):
            uow.engine.dispose()

    # -- looking things up --------------------------------------------------------------------

    def customer_name(self, customer_id: str) -> str:
        """The name of a customer registered by the demo (the id if unknown)."""
        for customer in self.customers.values():
            if customer.id == customer_id:
                return customer.name
        return customer_id

    def number(self, key: str) -> str:
        """The human number of an order, invoice, credit note, shipment or return (or the
        key itself if the demo has not seen it)."""
        return self.numbers.get(key, key)

    def refresh(self, key: str) -> m.OrderView:
        """Read an order again (its reservations change as stock moves)."""
        self.orders[key] = self.oms.get_order(self.orders[key].id)
        return self.orders[key]

    def later(self, **delta: float) -> None:
        """Let business time pass."""
        self.clock.advance(timedelta(**delta))

    def next_morning(self, days: int = 1, hour: int = 8) -> None:
        """Move business time to ``hour`` o'clock, ``days`` days later."""
        today = self.clock.now().date() + timedelta(days=days)
        self.clock.set(datetime(today.year, today.month, today.day, hour, tzinfo=UTC))
        self.say(f"(business time: {self.clock.now():%A %Y-%m-%d %H:%M})")


# -- how things are shown ---------------------------------------------------------------------


def describe_event(event: DomainEvent, run: DemoRun) -> str:
    """One readable line for a domain event."""
    name = event.name
    n = run.number
    match event:
        case ev.ProductUpserted(sku=sku, unit_price=price):
            detail = f"{sku} at {price}"
        case ev.CustomerRegistered(customer_name=customer, kind=customer_kind):
            detail = f"{customer} ({customer_kind})"
        case ev.OrderPlaced(number=number, channel=channel, total=total):
            detail = f"{number} via {channel}, total {total}"
        case ev.OrderHeld(number=number, reason=reason):
            detail = f"{number}: {reason}"
        case ev.OrderReleased(number=number):
            detail = f"{number} released for shipping"
        case ev.OrderCompleted(number=number):
            detail = f"{number}: delivered and paid"
        case ev.StockReserved(order_id=oid, sku=sku, location=loc, quantity=qty):
            detail = f"{n(oid)}: {qty} x {sku} at {loc}"
        case ev.BackorderCreated(order_id=oid, sku=sku, quantity=qty):
            detail = f"{n(oid)}: {qty} x {sku} waiting for stock"
        case ev.BackorderServed(order_id=oid, sku=sku, location=loc, quantity=qty):
            detail = f"{n(oid)}: {qty} x {sku} now reserved at {loc}"
        case ev.BackorderReleased(order_id=oid, sku=sku, quantity=qty):
            detail = f"{n(oid)}: {qty} x {sku} no longer awaited"
        case ev.ReservationReleased(order_id=oid, sku=sku, location=loc, quantity=qty):
            detail = f"{n(oid)}: {qty} x {sku} back to stock at {loc}"
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
        case ev.JournalEntryPosted(description=description, amount=size):
            detail = f"{description}: {size}"
        case ev.InvoiceIssued(number=number, order_id=oid, total=total, settlement=how):
            detail = f"{number} for {n(oid)}, {total}, {how.replace('_', ' ')}"
        case ev.InvoiceSent(number=number, recipient=recipient):
            detail = f"{number} to {recipient}"
        case ev.PaymentReceived(kind=kind, amount=paid, method=method, invoice_id=iid):
            what = f" for {n(iid)}" if iid else ""
            detail = f"{paid} by {method.replace('_', ' ')}{what} ({kind.replace('_', ' ')})"
        case ev.CreditNoteIssued(number=number, invoice_id=iid, total=total):
            detail = f"{number} against {n(iid)}, {total}"
        case ev.RefundPaid(amount=paid, method=method, order_id=oid):
            detail = f"{paid} back to the customer of {n(oid)} by {method.replace('_', ' ')}"
        case ev.ShipmentCreated(number=number, order_id=oid, location=loc, carrier=carrier):
            detail = f"{number} for {n(oid)} from {loc} with {carrier}"
        case ev.ShipmentBooked(number=number, tracking_number=tracking):
            detail = f"{number}: tracking number {tracking}"
        case ev.ShipmentBookingFailed(number=number, reason=reason):
            detail = f"{number}: {reason}"
        case ev.ShipmentTracked(number=number, status=status):
            detail = f"{number}: {status.replace('_', ' ')}"
        case ev.ShipmentDelivered(number=number, order_id=oid, proof=proof):
            detail = f"{number} of {n(oid)}" + (f" ({proof})" if proof else "")
        case ev.ReturnRequested(number=number, order_id=oid, reason=reason):
            detail = f"{number} for {n(oid)}: {reason}"
        case ev.ReturnReceived(number=number, restocked=restocked):
            detail = f"{number}: " + ("back in stock" if restocked else "written off")
        case _:
            fields = event.to_dict()
            for key in ("event", "occurred_at", "event_id"):
                fields.pop(key, None)
            detail = ", ".join(f"{key}={value}" for key, value in fields.items())
    return f"{name:<26}{detail}"


def show_order(run: DemoRun, order: m.OrderView) -> None:
    """An order as a shop clerk would read it: lines, tax per rate, totals, where it stands."""
    customer = run.customer_name(order.customer_id)
    reference = f", reference {order.customer_reference}" if order.customer_reference else ""
    run.say(f"{order.number}  {customer}, via {order.channel}{reference}")
    for line in order.lines:
        where = " + ".join(f"{qty} {loc}" for loc, qty in line.allocations.items())
        parts = [f"reserved {where}"] if where else []
        for label, quantity in (
            ("backordered", line.backordered),
            ("shipped", line.shipped),
            ("delivered", line.delivered),
            ("returned", line.returned),
            ("cancelled", line.cancelled),
        ):
            if quantity:
                parts.append(f"{quantity} {label}")
        run.say(
            f"{line.quantity:>5} x {line.sku:<11}{line.unit_price!s:>11}"
            f"  {percent(line.tax_rate):>4}{line.net!s:>14}   {', '.join(parts) or 'not reserved'}"
        )
    for subtotal in order.tax_subtotals:
        run.say(f"{'':8}VAT {percent(subtotal.rate):>4} of {subtotal.net!s:>14} = {subtotal.tax}")
    run.say(f"{'':8}net {order.net_total} + VAT {order.tax_total} = total {order.total}")
    show_statuses(run, order)


def show_statuses(run: DemoRun, order: m.OrderView) -> None:
    """The order's three status axes on one line (and why it is held, if it is)."""
    run.say(
        f"{'':8}status {order.status}, fulfillment {order.fulfillment_status}, "
        f"payment {order.payment_status}"
    )
    if order.status == "on_hold":
        run.say(f"{'':8}held: {order.hold_reason}")


def show_invoice(run: DemoRun, invoice: m.InvoiceView) -> None:
    """An invoice: number, lines, tax per rate, totals, due date, what is paid, where it went."""
    customer = run.customer_name(invoice.customer_id)
    how = invoice.settlement.replace("_", " ")
    run.say(f"{invoice.number}  {customer}, order {run.number(invoice.order_id)}, {how}")
    for line in invoice.lines:
        run.say(
            f"{line.quantity:>5} x {line.sku:<11}{line.unit_price!s:>11}"
            f"  {percent(line.tax_rate):>4}{line.net!s:>14}"
        )
    for subtotal in invoice.tax_subtotals:
        run.say(f"{'':8}VAT {percent(subtotal.rate):>4} of {subtotal.net!s:>14} = {subtotal.tax}")
    run.say(f"{'':8}net {invoice.net_total} + VAT {invoice.tax_total} = total {invoice.total}")
    run.say(
        f"{'':8}issued {invoice.issued_at:%Y-%m-%d}, due {invoice.due_date:%Y-%m-%d}; "
        f"paid {invoice.paid}, outstanding {invoice.outstanding}; {invoice.status}"
    )
    sent = f"sent to {invoice.sent_to}" if invoice.sent_to else "not sent yet"
    run.say(f"{'':8}{sent}")


def show_journal(run: DemoRun, reference: str, *, only: str = "") -> None:
    """The journal entries about one document (those whose description starts with ``only``,
    if given), with debits and credits per account."""
    for entry in run.oms.journal(reference):
        if not entry.description.startswith(only):
            continue
        run.say(f"journal: {entry.description}")
        for posting in sorted(entry.postings, key=lambda p: (p.side != "debit", p.account)):
            account = CHART.describe(posting.account)
            debit = str(posting.amount) if posting.side == "debit" else ""
            credit = str(posting.amount) if posting.side == "credit" else ""
            run.say(f"  {posting.account:<8}{account.name:<28}{debit:>17}{credit:>17}")


def show_shipment(run: DemoRun, shipment: m.ShipmentView, *, label: bool = False) -> None:
    """A shipment: what, from where, with whom, when; the carrier's label if asked."""
    items = ", ".join(f"{line.quantity} x {line.sku}" for line in shipment.lines)
    run.say(
        f"{shipment.number}  order {run.number(shipment.order_id)} from {shipment.location}"
        f" with {shipment.carrier}"
    )
    run.say(f"{'':8}{items}")
    run.say(
        f"{'':8}{shipment.weight_kg} kg in {len(shipment.parcels)} parcel(s); {shipment.status}"
    )
    if shipment.tracking_number:
        expected = shipment.estimated_delivery
        run.say(
            f"{'':8}tracking {shipment.tracking_number}"
            + (f", expected {expected:%a %Y-%m-%d}" if expected else "")
        )
    if label and shipment.label:
        for text in shipment.label.splitlines():
            run.say(f"{'':8}| {text}")


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

#: sku, name, price, VAT rate, reorder point, reorder quantity, unit cost, weight in kg
PRODUCTS = (
    ("CHAIR-ERGO", "Ergonomic office chair", "249.00", "0.19", 4, 25, "132.00", "18.5"),
    ("DESK-SIT", "Sit-stand desk", "589.00", "0.19", 2, 10, "310.00", "38"),
    ("BOOK-ERGO", "Handbook of office ergonomics", "34.90", "0.07", 3, 20, "14.20", "0.9"),
    ("COFFEE-1KG", "Espresso beans, 1 kg", "16.80", "0.07", 10, 60, "8.40", "1"),
)
UNIT_COST = {sku: eur(cost) for sku, *_, cost, _ in PRODUCTS}


def set_up_catalog(run: DemoRun) -> None:
    """What the wholesaler sells: chairs and desks at the standard VAT rate of 19 %, a book
    and coffee at the reduced rate of 7 %. A warehouse that falls to a product's reorder point
    asks purchasing for the reorder quantity. The unit cost values stock in the ledger; the
    weight plans the van."""
    for sku, name, price, rate, point, quantity, cost, weight in PRODUCTS:
        product = run.oms.upsert_product(
            sku=sku,
            name=name,
            unit_price=eur(price),
            tax_rate=Decimal(rate),
            reorder_point=point,
            reorder_quantity=quantity,
            unit_cost=eur(cost),
            weight_kg=weight,
        )
        run.say(
            f"{product.sku:<11} {product.name:<30} {product.unit_price!s:>11}"
            f"  VAT {percent(product.tax_rate):>4}"
            f"  reorder {product.reorder_quantity} at {product.reorder_point} left"
        )
        run.say(f"{'':12}cost {cost} EUR, {weight} kg")


def stock_the_warehouses(run: DemoRun) -> None:
    """Two warehouses; Berlin (the lower priority number) is allocated first and has the
    showroom. The opening stock is booked as supplier receipts at unit cost: inventory up,
    goods received not invoiced (the supplier's bill is still to come) up by the same."""
    berlin = run.oms.define_location(
        "BER", name="Berlin central warehouse and showroom", priority=10
    )
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
                reference="OB-2026",
                unit_cost=UNIT_COST[sku],
            )
    run.say()
    show_availability(run, SKUS)


def register_customers(run: DemoRun) -> None:
    """Two businesses buying on account, a consumer paying by card, a walk-in paying cash.
    Card and cash customers are booked as cash sales when they pay; customers on account get
    an invoice with payment terms, and a business's open amount is checked against its credit
    limit."""
    run.customers["nordlicht"] = run.oms.register_customer(
        name="Nordlicht Consulting GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        credit_limit=eur("15000"),
        email="einkauf@nordlicht.example",
        billing_address={
            "line1": "Speicherstadt 12",
            "postal_code": "20457",
            "city": "Hamburg",
            "country": "DE",
        },
        shipping_address={
            "line1": "Chausseestraße 8",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
    )
    run.customers["weber"] = run.oms.register_customer(
        name="Bürobedarf Weber KG",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=14,
        credit_limit=eur("8000"),
        email="buchhaltung@weber-buero.example",
        phone="+49 341 555 0192",
        billing_address={
            "line1": "Karl-Liebknecht-Straße 22",
            "postal_code": "04107",
            "city": "Leipzig",
            "country": "DE",
        },
    )
    run.customers["jana"] = run.oms.register_customer(
        name="Jana Schmidt",
        kind="b2c",
        payment_preference="card",
        email="jana@example.org",
        shipping_address={
            "line1": "Lindenstraße 5",
            "postal_code": "50674",
            "city": "Köln",
            "country": "DE",
        },
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
    """A consumer orders in the web shop, one line at 19 % and one at 7 %, and pays by card at
    the checkout. A card customer paying the whole order is a cash sale: the invoice is issued
    and paid at once, and the money goes straight to the bank, with no receivable in between."""
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
    run.say()
    payment = run.oms.record_payment(
        order_id=order.id, amount=order.total, method="card", reference="card capture 8f3a"
    )
    run.say(f"card payment of {payment.amount}: booked as a {payment.kind.replace('_', ' ')}")
    [invoice] = run.oms.order_invoices(order.id)
    if not invoice.sent_to:  # the shop e-mails the invoice with the order confirmation
        invoice = run.oms.resend_invoice(invoice.id)
    run.invoices["web"] = invoice
    run.say()
    show_invoice(run, invoice)
    show_journal(run, invoice.number)
    run.say()
    show_statuses(run, run.refresh("web"))


def counter_sale(run: DemoRun) -> None:
    """A walk-in customer buys at the showroom counter, pays cash and takes the goods along:
    a cash sale into the till (cash, not bank), and a hand-over at the counter that is
    recorded like any delivery, so stock and cost of goods sold follow."""
    run.later(minutes=35)
    order = run.oms.place_order(
        customer_id=run.customers["walk_in"].id,
        channel="store",
        lines=[{"sku": "COFFEE-1KG", "quantity": 3}, {"sku": "BOOK-ERGO", "quantity": 1}],
    )
    run.orders["store"] = order
    run.say()
    show_order(run, order)
    payment = run.oms.record_payment(order_id=order.id, amount=order.total, method="cash")
    [invoice] = run.oms.order_invoices(order.id)
    run.say()
    run.say(f"paid {payment.amount} in cash: {payment.kind.replace('_', ' ')} {invoice.number}")
    show_journal(run, invoice.number)
    handed_over = run.oms.ship_order(order.id, carrier="counter")
    handed_over = run.oms.confirm_delivery(handed_over.id, proof="handed over at the counter")
    run.say()
    run.say(
        f"{handed_over.number} from {handed_over.location}: {handed_over.status}, "
        f"{handed_over.proof_of_delivery}"
    )
    show_journal(run, handed_over.number)
    run.say()
    show_statuses(run, run.refresh("store"))


def phone_order(run: DemoRun) -> None:
    """A stationery dealer phones in an order on account. This OMS invoices on order (the
    other policy invoices what was shipped), so the invoice goes out at once: gapless number,
    due date from the customer's 14 days, VAT per rate, posted to receivables and sent."""
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
    invoice = run.oms.issue_invoice(order.id)
    run.invoices["phone"] = invoice
    run.say()
    show_invoice(run, invoice)
    show_journal(run, invoice.number)


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
    requisition also covers the backorder. The order stays within the credit limit.
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
    run.say(f"resubmitted with key {EDI_KEY!r}:")
    run.say(f"got {again.number}, {same}")
    orders = run.oms.customer_orders(run.customers["nordlicht"].id)
    chairs = run.oms.availability("CHAIR-ERGO")
    run.say(
        f"Nordlicht still has {len(orders)} order; chairs reserved {chairs.reserved}, "
        f"backordered {chairs.backordered}: nothing was taken twice"
    )


def parcel_to_the_web_customer(run: DemoRun) -> None:
    """The web order leaves Berlin with the parcel service. Booking the carrier moves the
    goods: on hand and reserved fall together, and cost of goods sold is posted at unit
    cost. The parcel service's scans come in as tracking events."""
    run.later(hours=2, minutes=30)
    order = run.orders["web"]
    shipment = run.oms.ship_order(order.id, carrier="parcel")
    run.shipments["web"] = shipment
    run.say()
    show_shipment(run, shipment, label=True)
    show_journal(run, shipment.number)
    run.later(hours=3)
    run.parcel.advance(shipment.tracking_number, TrackingStatus.PICKED_UP, "picked up in Berlin")
    run.oms.refresh_tracking(shipment.id)
    run.say()
    show_statuses(run, run.refresh("web"))


def payment_on_account(run: DemoRun) -> None:
    """Next morning: the parcel is on its way, and the dealer pays the phone order's invoice
    by bank transfer, two weeks before it is due. Bank up, receivables down."""
    run.next_morning()
    shipment = run.shipments["web"]
    run.parcel.advance(shipment.tracking_number, TrackingStatus.IN_TRANSIT, "hub Köln")
    run.oms.refresh_tracking(shipment.id)
    run.later(hours=2)
    invoice = run.invoices["phone"]
    run.oms.record_payment(
        invoice_id=invoice.id,
        amount=invoice.total,
        method="bank_transfer",
        reference="bank statement 2026-03-03/4",
    )
    run.say()
    show_invoice(run, run.oms.get_invoice(invoice.id))
    show_journal(run, invoice.number)
    run.say()
    show_statuses(run, run.refresh("phone"))


def parcel_delivered(run: DemoRun) -> None:
    """The parcel service reports the web order delivered. Delivered and paid: the order is
    completed."""
    run.later(hours=4)
    shipment = run.shipments["web"]
    run.parcel.advance(shipment.tracking_number, TrackingStatus.DELIVERED, "left with neighbour")
    tracked = run.oms.refresh_tracking(shipment.id)
    run.say()
    for event in tracked.tracking:
        run.say(f"{event.at:%a %H:%M}  {event.status:<12}{event.description}")
    run.say()
    show_statuses(run, run.refresh("web"))


def supplier_delivery(run: DemoRun) -> None:
    """The chair supplier delivers to Berlin. The backorder is served at once (oldest order
    first) and Berlin's chair requisition is closed."""
    run.next_morning()
    run.later(hours=4, minutes=42)
    receipt = run.oms.receive_stock(
        sku="CHAIR-ERGO",
        location="BER",
        quantity=25,
        supplier="Stuhlwerk AG",
        reference="DN-7781",
        unit_cost=UNIT_COST["CHAIR-ERGO"],
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


def cancel_a_paid_order(run: DemoRun) -> None:
    """The dealer finds it ordered twice and cancels the phone order, which is invoiced and
    paid. The reservations go back to stock, a credit note reverses the invoice (revenue and
    VAT per rate, exactly), and the money goes back to the dealer's bank account."""
    run.later(hours=3)
    order = run.oms.cancel_order(run.orders["phone"].id, reason="ordered twice by mistake")
    run.orders["phone"] = order
    run.say()
    run.say(f"{order.number} is {order.status} ({order.cancel_reason})")
    invoice = run.oms.get_invoice(run.invoices["phone"].id)
    run.say(
        f"{invoice.number}: total {invoice.total}, credited {invoice.credited}, "
        f"refunded {invoice.refunded}; {invoice.status}"
    )
    run.say()
    show_journal(run, invoice.number, only="Invoice")
    show_journal(run, invoice.number, only="Payment")
    for event in run.events:
        if isinstance(event, ev.CreditNoteIssued) and event.invoice_id == invoice.id:
            show_journal(run, event.number)
    show_journal(run, invoice.number, only="Refund")
    run.say()
    show_statuses(run, order)
    run.say()
    show_availability(run, ["CHAIR-ERGO", "DESK-SIT"])


def invoice_the_edi_order(run: DemoRun) -> None:
    """The consultancy's order is invoiced: 30 days' terms. The invoice is sent through the
    notification port; this is the message the customer receives."""
    run.later(minutes=20)
    invoice = run.oms.issue_invoice(run.orders["edi"].id)
    run.invoices["edi"] = invoice
    run.say()
    show_invoice(run, invoice)
    run.say()
    [message] = [msg for msg in run.notifications.sent if msg.reference == invoice.number]
    run.say(f"to: {message.recipient}   subject: {message.subject}")
    for text in message.body.splitlines():
        run.say(f"  | {text}")


def credit_hold(run: DemoRun) -> None:
    """The consultancy orders furniture for a second room. With the big invoice still open
    this would take it over its credit limit of 15,000.00 EUR, so the order is placed on hold:
    the stock is reserved for it, but it cannot be shipped."""
    run.later(minutes=40)
    order = run.oms.place_order(
        customer_id=run.customers["nordlicht"].id,
        channel="email",
        lines=[{"sku": "CHAIR-ERGO", "quantity": 6}, {"sku": "DESK-SIT", "quantity": 2}],
        customer_reference="PO-2026-0121",
    )
    run.orders["email"] = order
    run.say()
    show_order(run, order)
    run.say()
    try:
        run.oms.ship_order(order.id, carrier="own-fleet")
    except errors.InvalidStateTransition as error:
        run.say(f"shipping it is refused: {error.code} ({error.current} -> {error.target})")


def ship_the_edi_order(run: DemoRun) -> None:
    """The consultancy's order leaves in two parts. From Berlin it goes on the company's own
    van, planned for the next delivery day with room for its weight; the label is the delivery
    note the driver carries. The six chairs in Leipzig go by parcel service, whose system is
    down at the first attempt: the shipment stays pending and the chairs stay reserved, so
    nothing is lost, and the retry books it."""
    run.next_morning()
    order = run.orders["edi"]
    van = run.oms.ship_order(order.id, carrier="own-fleet", location="BER")
    run.shipments["edi-van"] = van
    run.say()
    show_shipment(run, van, label=True)
    run.say()
    run.parcel.fail_next()
    try:
        run.oms.ship_order(order.id, carrier="parcel", location="LEJ", parcels=["18.5"] * 6)
    except errors.CarrierError as error:
        pending = run.oms.get_shipment(error.details["shipment_id"])
        chairs = run.oms.availability("CHAIR-ERGO").at("LEJ")
        run.say(f"booking failed: {error.reason}")
        run.say(
            f"{pending.number} is {pending.status}; chairs at LEJ still reserved: {chairs.reserved}"
        )
        run.later(minutes=15)
        parcels = run.oms.book_shipment(pending.id)
        run.shipments["edi-parcels"] = parcels
        run.say("retried a quarter of an hour later:")
        show_shipment(run, parcels)
    run.say()
    show_statuses(run, run.refresh("edi"))


def payment_releases_the_hold(run: DemoRun) -> None:
    """The consultancy pays the big invoice by bank transfer. Its open amount falls below the
    credit limit, so the held order is released, invoiced and loaded onto the same van: the
    van still has room on that day."""
    run.later(hours=2)
    invoice = run.invoices["edi"]
    run.oms.record_payment(
        invoice_id=invoice.id,
        amount=invoice.total,
        method="bank_transfer",
        reference="bank statement 2026-03-05/2",
    )
    run.say()
    show_invoice(run, run.oms.get_invoice(invoice.id))
    run.say()
    order = run.refresh("email")
    show_statuses(run, order)
    run.invoices["email"] = run.oms.issue_invoice(order.id)
    run.say()
    show_invoice(run, run.invoices["email"])
    run.shipments["email"] = run.oms.ship_order(order.id, carrier="own-fleet")
    run.say()
    show_shipment(run, run.shipments["email"])


def deliveries(run: DemoRun) -> None:
    """Delivery day. The van leaves with its run sheet, the driver brings back the signed
    delivery notes (proof of delivery), and the parcel service reports its six parcels
    delivered. The big order is now delivered and paid:
    completed. The second order is delivered, its invoice is open and not yet due."""
    run.next_morning(hour=7)
    today = run.clock.now().date()
    run.say(
        f"VAN-1 run sheet for {today:%a %Y-%m-%d}: {', '.join(run.fleet.manifest('VAN-1', today))}"
    )
    run.later(hours=3)
    for key in ("edi-van", "email"):
        shipment = run.shipments[key]
        run.oms.confirm_delivery(shipment.id, proof="signed: K. Jansen, Nordlicht reception")
        run.later(minutes=40)
    parcels = run.shipments["edi-parcels"]
    run.parcel.advance(parcels.tracking_number, TrackingStatus.DELIVERED, "6 parcels delivered")
    run.oms.refresh_tracking(parcels.id)
    run.say()
    for key in ("edi", "email"):
        order = run.refresh(key)
        run.say(f"{order.number}  {run.customer_name(order.customer_id)}")
        show_statuses(run, order)


def a_return(run: DemoRun) -> None:
    """Monday: the web customer sends back one of the two handbooks (an RMA for delivered
    units only). It is received back into stock at Berlin, a credit note reverses its revenue
    and its 7 % VAT, and, since the order was paid, the money goes back to her card."""
    run.next_morning(days=3)
    order = run.orders["web"]
    rma = run.oms.request_return(
        order.id, lines=[{"sku": "BOOK-ERGO", "quantity": 1}], reason="bought one too many"
    )
    run.say()
    run.say(f"{rma.number} for {run.number(order.id)}: 1 x BOOK-ERGO ({rma.reason})")
    run.later(days=1, hours=2)
    received = run.oms.receive_return(rma.id, restock=True)
    run.say(
        f"{received.number} {received.status}: back in stock at {received.location}, "
        f"credit note {run.number(received.credit_note_id)}"
    )
    run.say()
    show_journal(run, received.number)
    show_journal(run, run.number(received.credit_note_id))
    show_journal(run, run.invoices["web"].number, only="Refund")
    run.say()
    show_order(run, run.refresh("web"))


def an_exchange(run: DemoRun) -> None:
    """The consultancy reports one chair damaged in transport. It is exchanged: the damaged
    chair comes back and is written off, and a replacement order takes the credit as a
    prepayment, so the replacement's invoice is already settled when it is issued."""
    run.later(hours=1)
    order = run.orders["edi"]
    swap = run.oms.exchange(
        order.id,
        return_lines=[{"sku": "CHAIR-ERGO", "quantity": 1}],
        replacement_lines=[{"sku": "CHAIR-ERGO", "quantity": 1}],
        reason="damaged in transport",
    )
    rma, replacement = swap.return_request, swap.replacement_order
    run.orders["exchange"] = replacement
    run.say()
    run.say(f"{rma.number}: 1 x CHAIR-ERGO back; replacement order {replacement.number}")
    received = run.oms.receive_return(rma.id, restock=False)
    run.say(
        f"{received.number} {received.status}, written off; "
        f"credit note {run.number(received.credit_note_id)}"
    )
    run.say()
    show_journal(run, received.number)
    show_journal(run, run.number(received.credit_note_id))
    invoice = run.oms.issue_invoice(replacement.id)
    run.say()
    show_invoice(run, invoice)
    shipment = run.oms.ship_order(replacement.id, carrier="own-fleet")
    run.say()
    show_shipment(run, shipment)
    run.next_morning(hour=11)
    run.oms.confirm_delivery(shipment.id, proof="signed: K. Jansen, Nordlicht reception")
    run.say()
    for key in ("edi", "exchange"):
        order = run.refresh(key)
        run.say(f"{order.number}  {run.customer_name(order.customer_id)}")
        show_statuses(run, order)


def dunning(run: DemoRun) -> None:
    """Weeks later, the dunning list and the receivables aging: which invoices are past due,
    by how many days, for how much."""
    as_of = date(2026, 4, 20)
    run.say(f"overdue on {as_of}:")
    overdue = run.oms.overdue_invoices(as_of=as_of)
    for row in overdue:
        run.say(
            f"  {row.invoice_number}  {row.customer_name:<27} due {row.due_date}, "
            f"{row.days_overdue} days overdue, {row.outstanding}"
        )
    if not overdue:
        run.say("  none")
    aging = run.oms.receivables_aging(as_of=as_of)
    for bucket in aging.buckets:
        run.say(
            f"aging {bucket.currency}: not due {amount(bucket.current)}, "
            f"1-30 {amount(bucket.days_1_30)}, 31-60 {amount(bucket.days_31_60)}, "
            f"61-90 {amount(bucket.days_61_90)}, over 90 {amount(bucket.over_90)}; "
            f"total {amount(bucket.total)}"
        )


def stock_purchasing_customers(run: DemoRun) -> None:
    """The stock after the week, what purchasing must buy, and each customer's profile."""
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


def the_trial_balance(run: DemoRun) -> None:
    """Every account the week touched, with its debits, credits and balance (debit minus
    credit). Every journal entry balanced, so the totals do too."""
    balance = run.oms.trial_balance()
    run.say(f"{'account':<9}{'name':<29}{'debit':>12}{'credit':>12}{'balance':>12}")
    for line in balance.lines:
        run.say(
            f"{line.account:<9}{line.name:<29}{amount(line.debit):>12}"
            f"{amount(line.credit):>12}{amount(line.balance):>12}"
        )
    for currency in sorted(balance.total_debit):
        debit = balance.total_debit[currency]
        credit = balance.total_credit.get(currency, Decimal(0))
        run.say(f"{'total ' + currency:<38}{amount(debit):>12}{amount(credit):>12}")
    verdict = "yes" if balance.balanced else "NO"
    run.say(f"debits = credits: {verdict}; journal entries: {len(run.oms.journal())}")


def final_statuses(run: DemoRun) -> None:
    """Every order's three statuses at the end of the week."""
    run.say(f"{'order':<11}{'customer':<27}{'channel':<8}{'status':<11}{'fulfillment':<20}payment")
    for key in run.orders:
        order = run.refresh(key)
        run.say(
            f"{order.number:<11}{run.customer_name(order.customer_id):<27}{order.channel:<8}"
            f"{order.status:<11}{order.fulfillment_status:<20}{order.payment_status}"
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


#: The scenario, in order.
STEPS: tuple[Step, ...] = (
    Step("Catalog", set_up_catalog),
    Step("Warehouses and opening stock", stock_the_warehouses),
    Step("Customers", register_customers),
    Step("Web shop order, paid by card: a cash sale", web_order),
    Step("Counter sale in the showroom, cash", counter_sale),
    Step("Phone order on account, invoiced", phone_order),
    Step("A big EDI order: split, backorder, purchase requisitions", big_edi_order),
    Step("The same EDI message arrives twice", edi_message_repeated),
    Step("The web order goes by parcel service", parcel_to_the_web_customer),
    Step("A payment on account", payment_on_account),
    Step("The parcel is delivered", parcel_delivered),
    Step("Supplier delivery serves the backorder", supplier_delivery),
    Step("A paid order is cancelled", cancel_a_paid_order),
    Step("Invoicing the EDI order", invoice_the_edi_order),
    Step("Credit limit: an order on hold", credit_hold),
    Step("Shipping with the own fleet and the parcel service", ship_the_edi_order),
    Step("A payment releases the credit hold", payment_releases_the_hold),
    Step("Proof of delivery", deliveries),
    Step("A return: restock, credit note, refund", a_return),
    Step("An exchange", an_exchange),
    Step("Dunning list and receivables aging", dunning),
    Step("Stock, purchasing and customers", stock_purchasing_customers),
    Step("The trial balance", the_trial_balance),
    Step("Every order's final status", final_statuses),
)


def demo_carriers(clock: FixedClock) -> tuple[InMemoryCarrier, OwnFleetCarrier, InMemoryCarrier]:
    """The parcel service, the own fleet (one 1,000 kg van, Monday to Friday), and the
    showroom counter, where goods are handed over in person (free, same day)."""
    parcel = InMemoryCarrier(clock)
    fleet = OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))])
    counter = InMemoryCarrier(
        clock, name="counter", base=Decimal(0), per_kg=Decimal(0), transit_days=0
    )
    return parcel, fleet, counter


def run_demo(
    out: Output,
    *,
    url: str | None = None,
    show_events: bool = True,
    steps: Sequence[Step] = STEPS,
) -> DemoRun:
    """Run the scenario, writing its story line by line to ``out``.

    In memory when ``url`` is None; otherwise on the database at ``url``, whose schema is
    created or upgraded first and which must hold no data yet (``Conflict`` otherwise).
    Returns the :class:`DemoRun`, so callers (and tests) can look at the OMS afterwards.
    """
    clock = FixedClock(START)
    parcel, fleet, counter = demo_carriers(clock)
    notifications = InMemoryNotifications()
    ids = SequentialIdGenerator("demo")
    carriers: list[CarrierPort] = [parcel, fleet, counter]
    if url is None:
        oms = OrderManagement.in_memory(
            clock=clock, ids=ids, carriers=carriers, notifications=notifications
        )
        where = "in memory"
    else:
        oms = OrderManagement.from_url(
            url,
            migrate=True,
            clock=clock,
            ids=ids,
            carriers=carriers,  # the simulated parcel service and fleets, by explicit objects
            notifications=notifications,  # recording: the story shows the invoices it sent
            simulate=["purchasing"],  # a recording purchasing department
        )
        where = make_url(url).render_as_string(hide_password=True)
    run = DemoRun(
        oms=oms,
        clock=clock,
        out=out,
        parcel=parcel,
        fleet=fleet,
        notifications=notifications,
        where=where,
        show_events=show_events,
    )
    if oms.products() or oms.trial_balance().lines:
        run.close()
        raise errors.Conflict(
            f"the database {where} already holds data; the demo needs an empty one", url=where
        )
    oms.subscribe(run.on_event)
    out(f"ordermgmt demo: one week of order-to-cash, {'' if url is None else 'on '}{where}")
    out(f"business time starts {START:%a %Y-%m-%d %H:%M} UTC; lines marked > are live events")
    for number, step in enumerate(steps, start=1):
        log.debug("demo step %d: %s", number, step.title)
        run.heading(number, step.title)
        for line in step.explanation():
            run.say(line)
        step.run(run)
    undelivered = oms.publish_pending_events()
    out("")
    out(
        f"done: {len(run.orders)} orders, {len(run.events)} events published; "
        f"the outbox relay found {undelivered} undelivered"
    )
    return run
