"""How the demo shows documents: orders, invoices, journal entries, shipments, and the lines
that tell what a step's calls returned. Everything here only writes; nothing changes the OMS."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

from ordermgmt import errors
from ordermgmt import messages as m
from ordermgmt.demo.run import DemoRun
from ordermgmt.domain import events as ev
from ordermgmt.domain.ledger import ChartOfAccounts

#: The default chart of accounts, for naming the accounts the journal shows.
CHART = ChartOfAccounts()


def percent(rate: Decimal) -> str:
    """``Decimal("0.19")`` as ``"19 %"``."""
    return f"{(rate * 100).normalize():f} %"


def amount(value: Decimal) -> str:
    """A plain amount with thousands separators: ``1,234.50``."""
    return f"{value:,.2f}"


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


# -- what a step's calls returned ----------------------------------------------------------------


def show_product(run: DemoRun, product: m.ProductView, cost: str, weight: str) -> None:
    """A product as the catalog lists it, with its cost and weight."""
    run.say(
        f"{product.sku:<11} {product.name:<30} {product.unit_price!s:>11}"
        f"  VAT {percent(product.tax_rate):>4}"
        f"  reorder {product.reorder_quantity} at {product.reorder_point} left"
    )
    run.say(f"{'':12}cost {cost} EUR, {weight} kg")


def show_location(run: DemoRun, location: m.LocationView) -> None:
    """A warehouse and its allocation priority."""
    run.say(f"{location.code}: {location.name}, allocation priority {location.priority}")


def show_customer(run: DemoRun, customer: m.CustomerView) -> None:
    """A customer: kind, how they pay, terms and credit limit."""
    terms = f", {customer.payment_terms_days} days" if customer.payment_terms_days else ""
    limit = f", credit limit {customer.credit_limit}" if customer.credit_limit else ""
    run.say(
        f"{customer.name:<27} {customer.kind.upper()}  pays by "
        f"{customer.payment_preference}{terms}{limit}"
    )


def show_card_payment(run: DemoRun, payment: m.PaymentView) -> None:
    """A card payment and how it was booked."""
    run.say(f"card payment of {payment.amount}: booked as a {payment.kind.replace('_', ' ')}")


def show_cash_payment(run: DemoRun, payment: m.PaymentView, invoice: m.InvoiceView) -> None:
    """Cash at the counter and the invoice it paid."""
    run.say(f"paid {payment.amount} in cash: {payment.kind.replace('_', ' ')} {invoice.number}")


def show_handed_over(run: DemoRun, shipment: m.ShipmentView) -> None:
    """Goods handed over in person."""
    run.say(
        f"{shipment.number} from {shipment.location}: {shipment.status}, "
        f"{shipment.proof_of_delivery}"
    )


def show_resubmitted(
    run: DemoRun, key: str, again: m.OrderView, orders: int, chairs: m.AvailabilityView
) -> None:
    """What a resubmitted order with a known idempotency key returned, and what it left."""
    first = run.orders["edi"]
    same = "the same order, not a second one" if again.id == first.id else "a second order"
    run.say(f"resubmitted with key {key!r}:")
    run.say(f"got {again.number}, {same}")
    run.say(
        f"Nordlicht still has {orders} order; chairs reserved {chairs.reserved}, "
        f"backordered {chairs.backordered}: nothing was taken twice"
    )


def show_tracking(run: DemoRun, shipment: m.ShipmentView) -> None:
    """The carrier's tracking events of a shipment."""
    for event in shipment.tracking:
        run.say(f"{event.at:%a %H:%M}  {event.status:<12}{event.description}")


def show_receipt(run: DemoRun, receipt: m.ReceiptView) -> None:
    """A supplier receipt and the backordered units it served."""
    run.say(
        f"receipt {receipt.reference}: {receipt.quantity} x {receipt.sku} at {receipt.location}"
        f" from {receipt.supplier}; {receipt.backorders_served} backordered units served"
    )


def show_cancelled(run: DemoRun, order: m.OrderView, invoice: m.InvoiceView) -> None:
    """A cancelled order, and what became of its invoice."""
    run.say(f"{order.number} is {order.status} ({order.cancel_reason})")
    run.say(
        f"{invoice.number}: total {invoice.total}, credited {invoice.credited}, "
        f"refunded {invoice.refunded}; {invoice.status}"
    )


def show_credit_note_journals(run: DemoRun, invoice_id: str) -> None:
    """The journal entries of every credit note against an invoice."""
    for event in run.events:
        if isinstance(event, ev.CreditNoteIssued) and event.invoice_id == invoice_id:
            show_journal(run, event.number)


class Letter(Protocol):
    """A message sent through the notification port, as the demo shows it."""

    @property
    def recipient(self) -> str: ...

    @property
    def subject(self) -> str: ...

    @property
    def body(self) -> str: ...


def show_message(run: DemoRun, message: Letter) -> None:
    """A message as the customer receives it."""
    run.say(f"to: {message.recipient}   subject: {message.subject}")
    for text in message.body.splitlines():
        run.say(f"  | {text}")


def show_refused(run: DemoRun, error: errors.InvalidStateTransition) -> None:
    """Shipping a held order, refused."""
    run.say(f"shipping it is refused: {error.code} ({error.current} -> {error.target})")


def show_booking_failed(
    run: DemoRun, error: errors.CarrierError, pending: m.ShipmentView, reserved: int
) -> None:
    """A carrier booking that failed, and what it left behind."""
    run.say(f"booking failed: {error.reason}")
    run.say(f"{pending.number} is {pending.status}; chairs at LEJ still reserved: {reserved}")


def show_run_sheet(run: DemoRun, day: date, stops: Sequence[str]) -> None:
    """The van's run sheet for a day."""
    run.say(f"VAN-1 run sheet for {day:%a %Y-%m-%d}: {', '.join(stops)}")


def show_order_statuses(run: DemoRun, order: m.OrderView) -> None:
    """An order's number, customer and three statuses."""
    run.say(f"{order.number}  {run.customer_name(order.customer_id)}")
    show_statuses(run, order)


def show_return_requested(run: DemoRun, rma: m.ReturnView) -> None:
    """A return authorised for some delivered units."""
    items = ", ".join(f"{line.quantity} x {line.sku}" for line in rma.lines)
    run.say(f"{rma.number} for {run.number(rma.order_id)}: {items} ({rma.reason})")


def show_exchange(run: DemoRun, rma: m.ReturnView, replacement: m.OrderView) -> None:
    """An exchange: what comes back, and the replacement order."""
    items = ", ".join(f"{line.quantity} x {line.sku}" for line in rma.lines)
    run.say(f"{rma.number}: {items} back; replacement order {replacement.number}")


def show_return_received(run: DemoRun, received: m.ReturnView) -> None:
    """A return received: restocked where, or written off; its credit note."""
    note = run.number(received.credit_note_id)
    if received.restocked:
        run.say(
            f"{received.number} {received.status}: back in stock at {received.location}, "
            f"credit note {note}"
        )
    else:
        run.say(f"{received.number} {received.status}, written off; credit note {note}")


def show_retried(run: DemoRun, shipment: m.ShipmentView) -> None:
    """A shipment booked at the second attempt."""
    run.say("retried a quarter of an hour later:")
    show_shipment(run, shipment)
