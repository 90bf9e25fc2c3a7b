"""Domain events: what happened, raised by the aggregates at every step of order-to-cash.

Events are frozen records. Aggregates append them to their ``pending_events``; the unit of work
collects them from every aggregate it touched and publishes them after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, get_type_hints

from ordermgmt.domain.money import Money


@dataclass(frozen=True, kw_only=True, slots=True)
class DomainEvent:
    """Base of all events: ``occurred_at`` is the business time it happened; ``event_id`` is
    given when the event is committed, so consumers can drop a redelivered duplicate."""

    occurred_at: datetime
    event_id: str = ""

    @property
    def name(self) -> str:
        """The event's type name, e.g. ``"OrderPlaced"`` (no event has a field of this name)."""
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict: the event's name first (``"event"``), then its fields in
        declaration order; Decimals and Money as strings, datetimes in ISO 8601."""
        cls = type(self)
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(self))
        data: dict[str, Any] = {"event": cls.__name__}
        for name in names:
            data[name] = _plain(getattr(self, name))
        return data


#: Field names per event class, in declaration order (``dataclasses.fields`` is slow to ask).
_FIELD_NAMES: dict[type[DomainEvent], tuple[str, ...]] = {}


def event_types() -> dict[str, type[DomainEvent]]:
    """Every event class by name."""
    found: dict[str, type[DomainEvent]] = {}
    pending: list[type[DomainEvent]] = [DomainEvent]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            found[sub.__name__] = sub
            pending.append(sub)
    return found


def event_from_dict(data: dict[str, Any]) -> DomainEvent:
    """Rebuild an event from :meth:`DomainEvent.to_dict` output (the outbox's payload)."""
    cls = event_types().get(str(data.get("event")))
    if cls is None:
        raise ValueError(f"unknown event {data.get('event')!r}")
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):
        raw = data[f.name]
        hint = hints[f.name]
        if hint is Money:
            values[f.name] = Money(raw["amount"], raw["currency"])
        elif hint is datetime:
            values[f.name] = datetime.fromisoformat(raw)
        elif hint is Decimal:
            values[f.name] = Decimal(raw)
        elif isinstance(raw, list):
            values[f.name] = tuple(raw)
        else:
            values[f.name] = raw
    return cls(**values)


def _plain(value: object) -> object:
    if value is None or type(value) in (str, int, bool):
        return value  # most fields, and JSON already
    if isinstance(value, Money):
        return {"amount": value.canonical, "currency": value.currency}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        if {"amount", "currency"} <= value.keys() and len(value) == 2:
            return {"amount": str(value["amount"]), "currency": value["currency"]}
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# -- customers and catalog -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerRegistered(DomainEvent):
    customer_id: str
    customer_name: str
    kind: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerUpdated(DomainEvent):
    customer_id: str
    changed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductUpserted(DomainEvent):
    sku: str
    unit_price: Money
    active: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class ProductDeactivated(DomainEvent):
    sku: str


# -- orders ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderPlaced(DomainEvent):
    order_id: str
    number: str
    customer_id: str
    channel: str
    total: Money


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderCancelled(DomainEvent):
    order_id: str
    number: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderHeld(DomainEvent):
    order_id: str
    number: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderReleased(DomainEvent):
    order_id: str
    number: str


# -- stock -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class StockReserved(DomainEvent):
    order_id: str
    sku: str
    location: str
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ReservationReleased(DomainEvent):
    order_id: str
    sku: str
    location: str
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class BackorderCreated(DomainEvent):
    order_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class BackorderServed(DomainEvent):
    order_id: str
    sku: str
    location: str
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class BackorderReleased(DomainEvent):
    order_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class StockReceived(DomainEvent):
    receipt_id: str
    sku: str
    location: str
    quantity: int
    supplier: str
    reference: str


@dataclass(frozen=True, kw_only=True, slots=True)
class StockAdjusted(DomainEvent):
    sku: str
    location: str
    change: int
    reason: str
    on_hand: int


@dataclass(frozen=True, kw_only=True, slots=True)
class StockMoved(DomainEvent):
    sku: str
    from_location: str
    to_location: str
    quantity: int


@dataclass(frozen=True, kw_only=True, slots=True)
class StockLow(DomainEvent):
    sku: str
    location: str
    available: int
    reorder_point: int


@dataclass(frozen=True, kw_only=True, slots=True)
class PurchaseRequisitionRaised(DomainEvent):
    requisition_id: str
    sku: str
    location: str
    quantity: int
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PurchaseRequisitionClosed(DomainEvent):
    requisition_id: str
    sku: str
    location: str
    receipt_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class OrderCompleted(DomainEvent):
    order_id: str
    number: str


# -- accounting --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class JournalEntryPosted(DomainEvent):
    entry_id: str
    description: str
    reference: str
    amount: Money


@dataclass(frozen=True, kw_only=True, slots=True)
class InvoiceIssued(DomainEvent):
    invoice_id: str
    number: str
    order_id: str
    customer_id: str
    total: Money
    due_date: str
    settlement: str


@dataclass(frozen=True, kw_only=True, slots=True)
class InvoiceSent(DomainEvent):
    invoice_id: str
    number: str
    recipient: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentReceived(DomainEvent):
    payment_id: str
    kind: str
    customer_id: str
    order_id: str
    invoice_id: str
    amount: Money
    method: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CreditNoteIssued(DomainEvent):
    credit_note_id: str
    number: str
    invoice_id: str
    order_id: str
    total: Money
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RefundPaid(DomainEvent):
    payment_id: str
    customer_id: str
    order_id: str
    invoice_id: str
    amount: Money
    method: str


# -- delivery and returns ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class ShipmentCreated(DomainEvent):
    shipment_id: str
    number: str
    order_id: str
    location: str
    carrier: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ShipmentBooked(DomainEvent):
    shipment_id: str
    number: str
    order_id: str
    carrier: str
    tracking_number: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ShipmentBookingFailed(DomainEvent):
    shipment_id: str
    number: str
    order_id: str
    carrier: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ShipmentTracked(DomainEvent):
    shipment_id: str
    number: str
    status: str
    description: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ShipmentDelivered(DomainEvent):
    shipment_id: str
    number: str
    order_id: str
    proof: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ReturnRequested(DomainEvent):
    return_id: str
    number: str
    order_id: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ReturnReceived(DomainEvent):
    return_id: str
    number: str
    order_id: str
    restocked: bool
