"""Each aggregate method that changes state records the event that says so; a method that
refuses the change records nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tests.money import eur

from ordermgmt.domain.events import (
    InvoiceIssued,
    InvoiceSent,
    JournalEntryPosted,
    PaymentReceived,
    RefundPaid,
    ReturnReceived,
    ReturnRequested,
    ShipmentBooked,
    ShipmentBookingFailed,
    ShipmentCreated,
    ShipmentDelivered,
    ShipmentTracked,
    StockAdjusted,
    StockLow,
    StockMoved,
)
from ordermgmt.domain.inventory import StockItem
from ordermgmt.domain.invoice import DocumentLine, Invoice, Settlement
from ordermgmt.domain.ledger import JournalEntry, Posting, Side
from ordermgmt.domain.payment import Payment, PaymentKind
from ordermgmt.domain.returns import ReturnLine, ReturnRequest
from ordermgmt.domain.shipment import (
    Booking,
    Parcel,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
)
from ordermgmt.errors import InsufficientStock, InvalidStateTransition

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def names(events: list[object]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_posting_a_journal_entry_records_its_size() -> None:
    entry = JournalEntry.post(
        id="je-1",
        at=AT,
        description="Invoice INV-2026-000001",
        postings=(
            Posting("1400", Side.DEBIT, eur("119.00")),
            Posting("4000-19", Side.CREDIT, eur("119.00")),
        ),
        reference="INV-2026-000001",
    )

    [event] = entry.take_events()
    assert isinstance(event, JournalEntryPosted)
    assert (event.entry_id, event.reference, event.amount) == (
        "je-1",
        "INV-2026-000001",
        eur("119.00"),
    )


def test_an_invoice_records_its_issue_and_each_send() -> None:
    line = DocumentLine(1, "CHAIR", "Chair", 1, eur("100.00"), eur("0"), Decimal("0.19"))
    invoice = Invoice.issue(
        id="inv-1",
        number="INV-2026-000001",
        order_id="order-1",
        customer_id="customer-1",
        currency="EUR",
        lines=(line,),
        at=AT,
        payment_terms_days=14,
        settlement=Settlement.RECEIVABLE,
    )
    invoice.sent("erika@example.com", LATER)

    issued, sent = invoice.take_events()
    assert isinstance(issued, InvoiceIssued)
    assert (issued.total, issued.due_date, issued.settlement) == (
        eur("119.00"),
        "2026-03-16",
        "receivable",
    )
    assert isinstance(sent, InvoiceSent)
    assert (sent.recipient, sent.occurred_at) == ("erika@example.com", LATER)


@pytest.mark.parametrize(
    ("kind", "event_type"),
    [(PaymentKind.PAYMENT, PaymentReceived), (PaymentKind.REFUND, RefundPaid)],
)
def test_booking_money_records_money_in_or_out(kind: PaymentKind, event_type: type) -> None:
    payment = Payment.book(
        id="pay-1",
        kind=kind,
        customer_id="customer-1",
        order_id="order-1",
        invoice_id="inv-1",
        amount=eur("50.00"),
        method="card",
        reference="",
        at=AT,
    )

    [event] = payment.take_events()
    assert isinstance(event, event_type)
    assert (event.payment_id, event.amount, event.method) == ("pay-1", eur("50.00"), "card")


def shipment() -> Shipment:
    return Shipment.create(
        id="sh-1",
        number="SH-000001",
        order_id="order-1",
        location="BER",
        carrier="parcel",
        lines=(ShipmentLine(1, "CHAIR", 2),),
        parcels=(Parcel(Decimal("3.5")),),
        at=AT,
    )


def test_a_shipment_records_creation_refusal_booking_tracking_and_delivery() -> None:
    sent = shipment()
    sent.booking_failed("carrier down", AT)
    sent.confirm_booking(Booking(tracking_number="TN-1", label="label"), AT)
    picked_up = TrackingEvent(TrackingStatus.PICKED_UP, AT, "picked up")
    assert not sent.report(picked_up, AT)
    assert not sent.report(picked_up, LATER)  # the same news again changes nothing
    assert sent.report(TrackingEvent(TrackingStatus.DELIVERED, LATER), LATER, proof="signed")

    events = sent.take_events()
    assert names(events) == [
        ShipmentCreated.__name__,
        ShipmentBookingFailed.__name__,
        ShipmentBooked.__name__,
        ShipmentTracked.__name__,
        ShipmentTracked.__name__,
        ShipmentTracked.__name__,
        ShipmentDelivered.__name__,
    ]
    booked, delivered = events[2], events[-1]
    assert isinstance(booked, ShipmentBooked)
    assert booked.tracking_number == "TN-1"
    assert isinstance(delivered, ShipmentDelivered)
    assert delivered.proof == "signed"
    assert sent.status is ShipmentStatus.DELIVERED
    assert sent.tracking == [picked_up, TrackingEvent(TrackingStatus.DELIVERED, LATER)]


def test_a_booked_shipment_cannot_fail_to_book_and_records_nothing_for_trying() -> None:
    sent = shipment()
    sent.confirm_booking(Booking(tracking_number="TN-1", label="label"), AT)
    sent.take_events()

    with pytest.raises(InvalidStateTransition):
        sent.booking_failed("too late", AT)
    assert sent.take_events() == []


def test_a_return_records_its_request_and_then_its_settlement() -> None:
    request = ReturnRequest.open(
        id="ret-1",
        number="RMA-000001",
        order_id="order-1",
        customer_id="customer-1",
        lines=(ReturnLine(1, "CHAIR", 1),),
        reason="too small",
        at=AT,
    )
    request.receive(restock=True, location="BER", at=LATER)
    request.settle(credit_note_id="cn-1", refund_id="", at=LATER)

    requested, received = request.take_events()
    assert isinstance(requested, ReturnRequested)
    assert requested.reason == "too small"
    assert isinstance(received, ReturnReceived)
    assert received.restocked is True
    assert (request.credit_note_id, request.refund_id) == ("cn-1", "")


def test_stock_records_counts_moves_and_a_fall_to_the_reorder_point() -> None:
    here = StockItem(sku="CHAIR", location="BER", on_hand=10, reserved=2)
    there = StockItem(sku="CHAIR", location="HAM")

    here.adjust(8, "count", AT)
    here.move_to(there, 3, AT)
    here.check_low(available_before=9, reorder_point=3, at=AT)  # 3 available now: low
    here.check_low(available_before=3, reorder_point=3, at=AT)  # was low already: no news

    adjusted, moved, low = here.take_events()
    assert isinstance(adjusted, StockAdjusted)
    assert (adjusted.change, adjusted.on_hand) == (-2, 8)
    assert isinstance(moved, StockMoved)
    assert (moved.from_location, moved.to_location, moved.quantity) == ("BER", "HAM", 3)
    assert isinstance(low, StockLow)
    assert (low.available, low.reorder_point) == (3, 3)
    assert (here.on_hand, there.on_hand) == (5, 3)
    with pytest.raises(InsufficientStock):
        here.move_to(there, 4, AT)
    assert here.take_events() == []
    assert (here.on_hand, there.on_hand) == (5, 3)
