"""Delivery through the facade: shipping per location, carriers, tracking, proof of delivery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain.events import (
    DomainEvent,
    OrderCompleted,
    ShipmentBooked,
    ShipmentBookingFailed,
    ShipmentCreated,
    ShipmentDelivered,
    ShipmentTracked,
)
from ordermgmt.domain.shipment import TrackingStatus
from ordermgmt.errors import (
    CarrierError,
    InvalidStateTransition,
    NotFound,
    ValidationError,
)
from ordermgmt.messages import CustomerView, OrderView

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def parcel(clock: FixedClock) -> InMemoryCarrier:
    return InMemoryCarrier(clock)


@pytest.fixture
def fleet(clock: FixedClock) -> OwnFleetCarrier:
    return OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))])


@pytest.fixture
def oms(
    clock: FixedClock,
    parcel: InMemoryCarrier,
    fleet: OwnFleetCarrier,
    build_oms: Callable[..., OrderManagement],
) -> OrderManagement:
    oms = build_oms(clock=clock, ids=SequentialIdGenerator(), carriers=[parcel, fleet])
    oms.define_location("BER", priority=10)
    oms.define_location("HAM", priority=20)
    oms.upsert_product(
        sku="CHAIR",
        name="Office chair",
        unit_price=eur("149.00"),
        tax_rate="0.19",
        unit_cost=eur("80.00"),
        weight_kg="12.5",
    )
    oms.upsert_product(
        sku="LAMP", name="Desk lamp", unit_price=eur("29.90"), tax_rate="0.19", weight_kg="1.2"
    )
    return oms


@pytest.fixture
def acme(oms: OrderManagement) -> CustomerView:
    return oms.register_customer(
        name="ACME GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        email="ap@acme.example",
        shipping_address={
            "line1": "Hauptstr. 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
    )


def stock(oms: OrderManagement, sku: str, quantity: int, location: str = "BER") -> None:
    oms.receive_stock(sku=sku, location=location, quantity=quantity, supplier="Stuhlwerk AG")


def order(oms: OrderManagement, customer: CustomerView, *lines: tuple[str, int]) -> OrderView:
    return oms.place_order(
        customer_id=customer.id,
        channel="phone",
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines],
    )


def pending_shipment(
    oms: OrderManagement, acme: CustomerView, parcel: InMemoryCarrier
) -> tuple[OrderView, str]:
    """Two chairs ordered from ten in stock, and a shipment left pending by a failed booking:
    the order and the shipment's id."""
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    parcel.fail_next()
    with pytest.raises(CarrierError) as raised:
        oms.ship_order(placed.id, carrier="parcel")
    return placed, str(raised.value.details["shipment_id"])


def on_hand_and_reserved(oms: OrderManagement, sku: str, location: str) -> tuple[int, int]:
    for row in oms.availability(sku).locations:
        if row.location == location:
            return row.on_hand, row.reserved
    return 0, 0


# -- shipping ----------------------------------------------------------------------------------


def test_shipping_an_order_consumes_its_reservation_and_books_the_carrier(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    stock(oms, "CHAIR", 10)
    stock(oms, "LAMP", 5)
    placed = order(oms, acme, ("CHAIR", 2), ("LAMP", 1))
    events.clear()

    shipment = oms.ship_order(placed.id, carrier="parcel")

    assert (shipment.number, shipment.status, shipment.carrier) == ("SH-000001", "booked", "parcel")
    assert shipment.location == "BER"
    assert [(ln.sku, ln.quantity) for ln in shipment.lines] == [("CHAIR", 2), ("LAMP", 1)]
    assert shipment.weight_kg == Decimal("26.2")
    assert shipment.parcels == (Decimal("26.2"),)
    assert shipment.tracking_number == "PARCEL000001"
    assert "PARCEL000001" in shipment.label
    assert shipment.price == eur("18.00")  # 4.90 + 0.50 per kg
    assert shipment.estimated_delivery == date(2026, 12, 2)
    assert shipment.booking_error == ""
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (8, 0)
    assert on_hand_and_reserved(oms, "LAMP", "BER") == (4, 0)
    after = oms.get_order(placed.id)
    assert after.fulfillment_status == "shipped"
    assert [(ln.shipped, ln.reserved) for ln in after.lines] == [(2, 0), (1, 0)]
    assert oms.order_shipments(placed.id) == [shipment]
    assert oms.get_shipment(shipment.id) == shipment
    assert [e.name for e in events if isinstance(e, ShipmentCreated | ShipmentBooked)] == [
        "ShipmentCreated",
        "ShipmentBooked",
    ]
    booked = next(e for e in events if isinstance(e, ShipmentBooked))
    assert (booked.shipment_id, booked.tracking_number) == (shipment.id, "PARCEL000001")


def test_an_order_can_be_shipped_in_parts_with_given_parcels(
    oms: OrderManagement, acme: CustomerView
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 5))

    first = oms.ship_order(
        placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": 2}], parcels=["10", "15.5"]
    )

    assert first.parcels == (Decimal("10"), Decimal("15.5"))
    assert first.weight_kg == Decimal("25.5")
    partly = oms.get_order(placed.id)
    assert partly.fulfillment_status == "partially_shipped"
    assert (partly.line("CHAIR").shipped, partly.line("CHAIR").reserved) == (2, 3)
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (8, 3)

    with pytest.raises(ValidationError, match="not reserved at BER"):
        oms.ship_order(placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": 4}])
    second = oms.ship_order(placed.id, carrier="parcel")

    assert second.lines[0].quantity == 3
    assert oms.get_order(placed.id).fulfillment_status == "shipped"
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (5, 0)
    with pytest.raises(ValidationError, match="nothing is reserved"):
        oms.ship_order(placed.id, carrier="parcel")


def test_reservations_at_two_locations_are_shipped_per_location(
    oms: OrderManagement, acme: CustomerView
) -> None:
    stock(oms, "CHAIR", 2, "BER")
    stock(oms, "CHAIR", 3, "HAM")
    placed = order(oms, acme, ("CHAIR", 5))
    assert placed.line("CHAIR").allocations == {"BER": 2, "HAM": 3}

    with pytest.raises(ValidationError) as raised:
        oms.ship_order(placed.id, carrier="parcel")
    assert raised.value.field == "location"
    assert "BER, HAM" in raised.value.reason

    from_hamburg = oms.ship_order(placed.id, carrier="parcel", location="HAM")
    assert (from_hamburg.location, from_hamburg.lines[0].quantity) == ("HAM", 3)
    assert on_hand_and_reserved(oms, "CHAIR", "HAM") == (0, 0)
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (2, 2)
    assert oms.get_order(placed.id).fulfillment_status == "partially_shipped"

    from_berlin = oms.ship_order(
        placed.id, carrier="parcel"
    )  # one location left: no need to name it
    assert (from_berlin.location, from_berlin.lines[0].quantity) == ("BER", 2)
    assert oms.availability("CHAIR").on_hand == 0
    assert oms.get_order(placed.id).fulfillment_status == "shipped"


def test_nothing_can_be_shipped_from_a_location_without_reservations(
    oms: OrderManagement, acme: CustomerView
) -> None:
    stock(oms, "CHAIR", 2)
    placed = order(oms, acme, ("CHAIR", 2))

    with pytest.raises(ValidationError, match="nothing of SO-000001 to ship there"):
        oms.ship_order(placed.id, carrier="parcel", location="HAM")


def test_a_backordered_order_has_nothing_to_ship(oms: OrderManagement, acme: CustomerView) -> None:
    placed = order(oms, acme, ("CHAIR", 2))

    with pytest.raises(ValidationError, match="nothing is reserved"):
        oms.ship_order(placed.id, carrier="parcel")


def test_an_unknown_carrier_is_not_found(oms: OrderManagement, acme: CustomerView) -> None:
    stock(oms, "CHAIR", 2)
    placed = order(oms, acme, ("CHAIR", 2))

    with pytest.raises(NotFound):
        oms.ship_order(placed.id, carrier="pigeon")
    assert oms.order_shipments(placed.id) == []


def test_a_cancelled_order_cannot_be_shipped(oms: OrderManagement, acme: CustomerView) -> None:
    stock(oms, "CHAIR", 2)
    placed = order(oms, acme, ("CHAIR", 2))
    oms.cancel_order(placed.id)

    with pytest.raises(InvalidStateTransition):
        oms.ship_order(placed.id, carrier="parcel")


# -- failed bookings ---------------------------------------------------------------------------


def test_a_failed_booking_leaves_the_shipment_pending_and_the_stock_reserved(
    oms: OrderManagement,
    acme: CustomerView,
    parcel: InMemoryCarrier,
    events: list[DomainEvent],
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    parcel.fail_next()

    with pytest.raises(CarrierError) as raised:
        oms.ship_order(placed.id, carrier="parcel")

    assert raised.value.code == "carrier_error"
    assert (raised.value.carrier, raised.value.operation) == ("parcel", "book")
    shipment_id = raised.value.details["shipment_id"]
    pending = oms.get_shipment(shipment_id)
    assert (pending.status, pending.tracking_number) == ("pending", "")
    assert pending.booking_error == "service unavailable (simulated)"
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (10, 2)
    assert oms.get_order(placed.id).fulfillment_status == "reserved"
    assert oms.journal() == []  # no cost of goods sold for goods still on the shelf
    failed = [e for e in events if isinstance(e, ShipmentBookingFailed)]
    assert [(e.shipment_id, e.reason) for e in failed] == [
        (shipment_id, "service unavailable (simulated)")
    ]
    with pytest.raises(ValidationError, match="nothing is reserved"):
        oms.ship_order(placed.id, carrier="parcel")  # the units wait for the pending shipment

    booked = oms.book_shipment(shipment_id)

    assert (booked.status, booked.booking_error) == ("booked", "")
    assert booked.tracking_number == "PARCEL000001"
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (8, 0)
    assert oms.get_order(placed.id).fulfillment_status == "shipped"
    assert len(oms.journal(booked.number)) == 1
    assert oms.book_shipment(shipment_id) == booked  # booking a booked shipment changes nothing


def test_a_pending_shipment_can_be_cancelled_and_its_units_shipped_otherwise(
    oms: OrderManagement, acme: CustomerView, parcel: InMemoryCarrier
) -> None:
    placed, shipment_id = pending_shipment(oms, acme, parcel)

    cancelled = oms.cancel_shipment(shipment_id)

    assert cancelled.status == "cancelled"
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (10, 2)
    by_fleet = oms.ship_order(placed.id, carrier="own-fleet")
    assert (by_fleet.number, by_fleet.status) == ("SH-000002", "booked")
    with pytest.raises(InvalidStateTransition):
        oms.cancel_shipment(by_fleet.id)  # booked goods have left


def test_cancelling_an_order_cancels_its_unbooked_shipment(
    oms: OrderManagement, acme: CustomerView, parcel: InMemoryCarrier
) -> None:
    placed, shipment_id = pending_shipment(oms, acme, parcel)
    oms.cancel_order(placed.id, reason="customer withdrew")

    assert oms.get_shipment(shipment_id).status == "cancelled"
    assert oms.book_shipment(shipment_id).status == "cancelled"  # nothing left to book
    assert parcel.cancelled == set()  # the carrier never got it
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (10, 0)
    assert oms.journal() == []


def test_a_held_order_is_not_booked_with_the_carrier(
    oms: OrderManagement, acme: CustomerView, parcel: InMemoryCarrier
) -> None:
    placed, shipment_id = pending_shipment(oms, acme, parcel)
    oms.hold_order(placed.id, reason="address check")

    with pytest.raises(InvalidStateTransition):
        oms.book_shipment(shipment_id)
    assert oms.get_shipment(shipment_id).status == "pending"
    oms.release_order(placed.id)
    assert oms.book_shipment(shipment_id).status == "booked"
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (8, 0)


# -- tracking and delivery ---------------------------------------------------------------------


def test_recorded_tracking_events_move_the_shipment_to_delivered(
    oms: OrderManagement, clock: FixedClock, acme: CustomerView, events: list[DomainEvent]
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    shipment = oms.ship_order(placed.id, carrier="parcel")

    clock.advance(timedelta(hours=3))
    picked = oms.record_tracking(shipment.id, status="picked_up", description="Hub Berlin")
    assert picked.status == "in_transit"
    assert [(t.status, t.description, t.at) for t in picked.tracking] == [
        ("picked_up", "Hub Berlin", clock.now())
    ]
    assert oms.get_order(placed.id).fulfillment_status == "shipped"

    clock.advance(timedelta(days=1))
    delivered = oms.record_tracking(shipment.id, status="delivered")

    assert (delivered.status, delivered.delivered_at) == ("delivered", clock.now())
    assert [t.status for t in delivered.tracking] == ["picked_up", "delivered"]
    after = oms.get_order(placed.id)
    assert after.fulfillment_status == "delivered"
    assert after.line("CHAIR").delivered == 2
    assert [e.status for e in events if isinstance(e, ShipmentTracked)] == [
        "picked_up",
        "delivered",
    ]
    assert [e.shipment_id for e in events if isinstance(e, ShipmentDelivered)] == [shipment.id]
    with pytest.raises(InvalidStateTransition):
        oms.record_tracking(shipment.id, status="in_transit")


def test_refreshing_tracking_applies_the_carriers_new_events_once(
    oms: OrderManagement, clock: FixedClock, acme: CustomerView, parcel: InMemoryCarrier
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    shipment = oms.ship_order(placed.id, carrier="parcel")
    assert oms.refresh_tracking(shipment.id).tracking == ()

    parcel.advance(shipment.tracking_number, TrackingStatus.PICKED_UP)
    clock.advance(timedelta(hours=5))
    parcel.advance(shipment.tracking_number, TrackingStatus.IN_TRANSIT, "Hub Leipzig")
    moving = oms.refresh_tracking(shipment.id)

    assert moving.status == "in_transit"
    assert [(t.status, t.description) for t in moving.tracking] == [
        ("picked_up", "picked_up"),
        ("in_transit", "Hub Leipzig"),
    ]
    assert oms.refresh_tracking(shipment.id) == moving  # nothing new, nothing doubled

    parcel.advance(shipment.tracking_number, TrackingStatus.DELIVERED)
    arrived = oms.refresh_tracking(shipment.id)

    assert arrived.status == "delivered"
    assert len(arrived.tracking) == 3
    assert oms.get_order(placed.id).fulfillment_status == "delivered"
    assert oms.refresh_tracking(shipment.id) == arrived  # delivered shipments are not asked again


def test_a_parcel_returned_to_sender_fails_the_shipment(
    oms: OrderManagement, acme: CustomerView
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    shipment = oms.ship_order(placed.id, carrier="parcel")

    oms.upsert_product(  # a new cost after shipping changes nothing for these goods
        sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19", unit_cost=eur("99")
    )

    failed = oms.record_tracking(shipment.id, status="returned_to_sender", description="refused")

    assert failed.status == "failed"
    # the goods are back at BER and reserved for the order again, ready to ship anew
    assert oms.get_order(placed.id).fulfillment_status == "reserved"
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (10, 2)
    # their cost goes back to inventory at the cost they left at
    assert [
        {(p.account, p.side, p.amount) for p in e.postings} for e in oms.journal(shipment.number)
    ] == [
        {("5000", "debit", eur("160.00")), ("1500", "credit", eur("160.00"))},
        {("1500", "debit", eur("160.00")), ("5000", "credit", eur("160.00"))},
    ]
    assert oms.trial_balance().balance("5000", "EUR") == 0


def test_a_pending_shipment_cannot_be_tracked_or_delivered(
    oms: OrderManagement, acme: CustomerView, parcel: InMemoryCarrier
) -> None:
    _, shipment_id = pending_shipment(oms, acme, parcel)

    with pytest.raises(InvalidStateTransition):
        oms.record_tracking(shipment_id, status="picked_up")
    with pytest.raises(InvalidStateTransition):
        oms.confirm_delivery(shipment_id, proof="signed: nobody")
    assert oms.get_shipment(shipment_id).proof_of_delivery == ""


def test_proof_of_delivery_delivers_the_shipment(
    oms: OrderManagement, clock: FixedClock, acme: CustomerView, events: list[DomainEvent]
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 3))
    first = oms.ship_order(placed.id, carrier="own-fleet", lines=[{"sku": "CHAIR", "quantity": 1}])
    second = oms.ship_order(placed.id, carrier="own-fleet")
    clock.advance(timedelta(days=1))

    delivered = oms.confirm_delivery(first.id, proof="signed: M. Weber")

    assert (delivered.status, delivered.proof_of_delivery) == ("delivered", "signed: M. Weber")
    assert delivered.delivered_at == clock.now()
    assert delivered.tracking[-1].description == "proof of delivery: signed: M. Weber"
    assert oms.get_order(placed.id).fulfillment_status == "partially_delivered"
    proofs = [e.proof for e in events if isinstance(e, ShipmentDelivered)]
    assert proofs == ["signed: M. Weber"]
    with pytest.raises(InvalidStateTransition):
        oms.confirm_delivery(first.id, proof="signed again")

    oms.confirm_delivery(second.id, proof="signed: M. Weber")
    after = oms.get_order(placed.id)
    assert after.fulfillment_status == "delivered"
    assert after.status == "open"  # delivered, but not yet invoiced and paid


# -- the own fleet -----------------------------------------------------------------------------


def test_the_own_fleet_plans_by_weight_and_delivery_day_and_prints_a_delivery_note(
    oms: OrderManagement, acme: CustomerView, fleet: OwnFleetCarrier
) -> None:
    stock(oms, "CHAIR", 100)
    first = order(oms, acme, ("CHAIR", 60))  # 750 kg
    second = order(oms, acme, ("CHAIR", 20))  # 250 kg: exactly fills the van
    third = order(oms, acme, ("CHAIR", 1))  # 12.5 kg: no room left on Tuesday

    tuesday = oms.ship_order(first.id, carrier="own-fleet")
    full = oms.ship_order(second.id, carrier="own-fleet")
    wednesday = oms.ship_order(third.id, carrier="own-fleet")

    assert [s.estimated_delivery for s in (tuesday, full, wednesday)] == [
        date(2026, 12, 1),
        date(2026, 12, 1),
        date(2026, 12, 2),
    ]
    assert tuesday.tracking_number == "FLEET-20261201-VAN-1-0001"
    assert wednesday.tracking_number == "FLEET-20261202-VAN-1-0003"
    assert (tuesday.service, tuesday.price) == ("own fleet", eur("0"))
    assert tuesday.label.splitlines() == [
        "Delivery note SO-000001/SH-000001",
        "Vehicle VAN-1, Tuesday 2026-12-01",
        "From BER to Hauptstr. 1, 10115 Berlin",
        "  60 x CHAIR",
        "Weight 750.0 kg",
        "Received in good order: ____________________",
    ]
    assert fleet.manifest("VAN-1", date(2026, 12, 1)) == [
        tuesday.tracking_number,
        full.tracking_number,
    ]


def test_the_own_fleet_does_not_deliver_at_the_weekend(
    oms: OrderManagement, clock: FixedClock, acme: CustomerView
) -> None:
    clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))  # a Friday
    stock(oms, "CHAIR", 10)

    shipment = oms.ship_order(order(oms, acme, ("CHAIR", 1)).id, carrier="own-fleet")

    assert shipment.estimated_delivery == date(2026, 12, 7)  # Monday
    assert "Monday 2026-12-07" in shipment.label


def test_a_second_vehicle_takes_what_the_first_has_no_room_for(clock: FixedClock) -> None:
    fleet = OwnFleetCarrier(
        clock, [Vehicle("VAN-1", Decimal(500)), Vehicle("TRUCK-1", Decimal(3000))]
    )
    oms = OrderManagement.in_memory(clock=clock, ids=SequentialIdGenerator(), carriers=[fleet])
    oms.upsert_product(
        sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19", weight_kg="12.5"
    )
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    stock(oms, "CHAIR", 100)

    small = oms.ship_order(order(oms, buyer, ("CHAIR", 40)).id, carrier="own-fleet")  # 500 kg
    big = oms.ship_order(order(oms, buyer, ("CHAIR", 60)).id, carrier="own-fleet")  # 750 kg

    assert small.tracking_number.startswith("FLEET-20261201-VAN-1-")
    assert big.tracking_number.startswith("FLEET-20261201-TRUCK-1-")
    assert "From BER to customer" in big.label  # no address on file


def test_a_shipment_too_heavy_for_every_vehicle_is_not_booked(
    oms: OrderManagement, acme: CustomerView
) -> None:
    stock(oms, "CHAIR", 100)
    placed = order(oms, acme, ("CHAIR", 81))  # 1012.5 kg, the van carries 1000

    with pytest.raises(CarrierError) as raised:
        oms.ship_order(placed.id, carrier="own-fleet")

    pending = oms.get_shipment(raised.value.details["shipment_id"])
    assert pending.status == "pending"
    assert pending.booking_error == "no vehicle has room for 1012.5 kg in 14 days"
    assert on_hand_and_reserved(oms, "CHAIR", "BER") == (100, 81)


# -- completion --------------------------------------------------------------------------------


def test_an_order_delivered_and_paid_is_completed(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    invoice = oms.issue_invoice(placed.id)
    shipment = oms.ship_order(placed.id, carrier="own-fleet")
    oms.confirm_delivery(shipment.id, proof="signed: M. Weber")
    assert oms.get_order(placed.id).status == "open"

    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    done = oms.get_order(placed.id)
    assert (done.status, done.fulfillment_status, done.payment_status) == (
        "completed",
        "delivered",
        "paid",
    )
    assert [e.order_id for e in events if isinstance(e, OrderCompleted)] == [placed.id]
    balance = oms.trial_balance()
    assert balance.balanced
    assert balance.balance("1400", "EUR") == 0
    assert balance.balance("5000", "EUR") == Decimal("160.00")


def test_an_order_paid_first_is_completed_by_its_delivery(
    oms: OrderManagement, acme: CustomerView
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    invoice = oms.issue_invoice(placed.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
    shipment = oms.ship_order(placed.id, carrier="parcel")
    assert oms.get_order(placed.id).status == "open"

    oms.record_tracking(shipment.id, status="delivered")

    assert oms.get_order(placed.id).status == "completed"


def test_a_delivered_order_that_was_never_invoiced_is_not_completed(
    oms: OrderManagement, acme: CustomerView
) -> None:
    stock(oms, "CHAIR", 10)
    placed = order(oms, acme, ("CHAIR", 2))
    shipment = oms.ship_order(placed.id, carrier="parcel")

    oms.confirm_delivery(shipment.id, proof="signed")

    after = oms.get_order(placed.id)
    assert (after.status, after.payment_status) == ("open", "not_invoiced")


# -- quotes ------------------------------------------------------------------------------------


def test_shipping_quotes_come_cheapest_first(clock: FixedClock) -> None:
    express = InMemoryCarrier(clock, name="express", base=Decimal("9.90"), transit_days=1)
    parcel = InMemoryCarrier(clock)
    fleet = OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))], price_per_kg=Decimal("0.40"))
    oms = OrderManagement.in_memory(
        clock=clock, ids=SequentialIdGenerator(), carriers=[express, parcel, fleet]
    )
    oms.upsert_product(
        sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19", weight_kg="12.5"
    )
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    stock(oms, "CHAIR", 10)
    placed = order(oms, buyer, ("CHAIR", 2))  # 25 kg

    quotes = oms.quote_shipping(placed.id)

    assert [(q.carrier, q.service, q.price, q.transit_days) for q in quotes] == [
        ("own-fleet", "own fleet", eur("10.00"), 1),
        ("parcel", "standard", eur("17.40"), 2),
        ("express", "standard", eur("22.40"), 1),
    ]
    assert oms.availability("CHAIR").reserved == 2  # quoting ships nothing

    parcel.fail_next()
    assert [q.carrier for q in oms.quote_shipping(placed.id)] == ["own-fleet", "express"]
