"""One readable line per domain event, as the demo shows them while they happen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ordermgmt.domain import events as ev
from ordermgmt.domain.events import DomainEvent

#: Looks up the human number of an order, invoice, shipment, ... by its id.
Numbers = Callable[[str], str]


def describe_event(event: DomainEvent, run: _HasNumbers) -> str:
    """One readable line for a domain event: its name, then what it says."""
    n = run.number
    detail = (
        _orders(event, n)
        or _stock(event, n)
        or _money(event, n)
        or _delivery(event, n)
        or _anything(event)
    )
    return f"{event.name:<26}{detail}"


class _HasNumbers(Protocol):
    """What ``describe_event`` needs of a demo run: the numbers of what it has seen."""

    def number(self, key: str) -> str: ...


def _orders(event: DomainEvent, n: Numbers) -> str | None:
    """Catalog, customers, orders."""
    match event:
        case ev.ProductUpserted(sku=sku, unit_price=price):
            return f"{sku} at {price}"
        case ev.CustomerRegistered(customer_name=customer, kind=customer_kind):
            return f"{customer} ({customer_kind})"
        case ev.OrderPlaced(number=number, channel=channel, total=total):
            return f"{number} via {channel}, total {total}"
        case ev.OrderHeld(number=number, reason=reason):
            return f"{number}: {reason}"
        case ev.OrderReleased(number=number):
            return f"{number} released for shipping"
        case ev.OrderCompleted(number=number):
            return f"{number}: delivered and paid"
        case ev.OrderCancelled(number=number, reason=reason):
            return f"{number}: {reason}"
    return None


def _stock(event: DomainEvent, n: Numbers) -> str | None:
    """Reservations, backorders, stock levels, purchasing."""
    match event:
        case ev.StockReserved(order_id=oid, sku=sku, location=loc, quantity=qty):
            return f"{n(oid)}: {qty} x {sku} at {loc}"
        case ev.BackorderCreated(order_id=oid, sku=sku, quantity=qty):
            return f"{n(oid)}: {qty} x {sku} waiting for stock"
        case ev.BackorderServed(order_id=oid, sku=sku, location=loc, quantity=qty):
            return f"{n(oid)}: {qty} x {sku} now reserved at {loc}"
        case ev.BackorderReleased(order_id=oid, sku=sku, quantity=qty):
            return f"{n(oid)}: {qty} x {sku} no longer awaited"
        case ev.ReservationReleased(order_id=oid, sku=sku, location=loc, quantity=qty):
            return f"{n(oid)}: {qty} x {sku} back to stock at {loc}"
        case ev.StockLow(sku=sku, location=loc, available=available, reorder_point=point):
            return f"{sku} at {loc}: {available} available, reorder point {point}"
        case ev.PurchaseRequisitionRaised(sku=sku, location=loc, quantity=qty, reason=reason):
            return f"buy {qty} x {sku} for {loc} (reason: {reason})"
        case ev.PurchaseRequisitionClosed(sku=sku, location=loc):
            return f"{sku} for {loc} delivered"
        case ev.StockReceived(sku=sku, location=loc, quantity=qty, supplier=supplier):
            return f"{qty} x {sku} at {loc} from {supplier}"
    return None


def _money(event: DomainEvent, n: Numbers) -> str | None:
    """The journal, invoices, payments, credit notes, refunds."""
    match event:
        case ev.JournalEntryPosted(description=description, amount=size):
            return f"{description}: {size}"
        case ev.InvoiceIssued(number=number, order_id=oid, total=total, settlement=how):
            return f"{number} for {n(oid)}, {total}, {how.replace('_', ' ')}"
        case ev.InvoiceSent(number=number, recipient=recipient):
            return f"{number} to {recipient}"
        case ev.PaymentReceived(kind=kind, amount=paid, method=method, invoice_id=iid):
            what = f" for {n(iid)}" if iid else ""
            return f"{paid} by {method.replace('_', ' ')}{what} ({kind.replace('_', ' ')})"
        case ev.CreditNoteIssued(number=number, invoice_id=iid, total=total):
            return f"{number} against {n(iid)}, {total}"
        case ev.RefundPaid(amount=paid, method=method, order_id=oid):
            return f"{paid} back to the customer of {n(oid)} by {method.replace('_', ' ')}"
    return None


def _delivery(event: DomainEvent, n: Numbers) -> str | None:
    """Shipments, tracking, returns."""
    match event:
        case ev.ShipmentCreated(number=number, order_id=oid, location=loc, carrier=carrier):
            return f"{number} for {n(oid)} from {loc} with {carrier}"
        case ev.ShipmentBooked(number=number, tracking_number=tracking):
            return f"{number}: tracking number {tracking}"
        case ev.ShipmentBookingFailed(number=number, reason=reason):
            return f"{number}: {reason}"
        case ev.ShipmentTracked(number=number, status=status):
            return f"{number}: {status.replace('_', ' ')}"
        case ev.ShipmentDelivered(number=number, order_id=oid, proof=proof):
            return f"{number} of {n(oid)}" + (f" ({proof})" if proof else "")
        case ev.ReturnRequested(number=number, order_id=oid, reason=reason):
            return f"{number} for {n(oid)}: {reason}"
        case ev.ReturnReceived(number=number, restocked=restocked):
            return f"{number}: " + ("back in stock" if restocked else "written off")
    return None


def _anything(event: DomainEvent) -> str:
    """Any other event: its fields as ``name=value``."""
    fields = event.to_dict()
    for key in ("event", "occurred_at", "event_id"):
        fields.pop(key, None)
    return ", ".join(f"{key}={value}" for key, value in fields.items())
