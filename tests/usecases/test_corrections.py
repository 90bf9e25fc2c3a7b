"""Corrections to what an earlier step did, on every store: a location renamed keeps its
priority; a return restocked at a new location serves orders from there, a refused one brings
nothing back; a part payment lowers the open amount by what it paid; a resend that fails is
reported; a credit note by sku spreads over the invoice's lines, and the credited units are
invoiced anew; a parcel returned to the sender is back in stock and ships again; a cancel after
a credit credits nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications, SequentialIdGenerator
from ordermgmt.errors import InvalidStateTransition, NotificationError


@pytest.fixture
def notifications() -> InMemoryNotifications:
    return InMemoryNotifications()


@pytest.fixture
def oms(
    clock: FixedClock,
    notifications: InMemoryNotifications,
    build_oms: Callable[..., OrderManagement],
) -> OrderManagement:
    oms = build_oms(clock=clock, ids=SequentialIdGenerator(), notifications=notifications)
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur("100.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=20, supplier="Stuhlwerk AG")
    return oms


def test_changing_a_location_keeps_what_is_not_given(oms: OrderManagement) -> None:
    oms.define_location("HAM", name="Hamburg", priority=5)
    changed = oms.define_location("HAM", name="Hamburg Hafen")
    assert (changed.name, changed.priority) == ("Hamburg Hafen", 5)
    assert oms.define_location("MUC").priority == 100


def test_a_return_restocked_at_a_new_location_serves_orders_from_there(
    oms: OrderManagement,
) -> None:
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 20}]
    )
    shipment = oms.ship_order(placed.id, carrier="parcel")
    oms.confirm_delivery(shipment.id, proof="signed")
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="spare")
    oms.receive_return(rma.id, restock=True, location="OUTLET")

    later = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 1}]
    )
    assert later.fulfillment_status == "reserved"
    assert later.lines[0].allocations == {"OUTLET": 1}


def test_a_refused_return_brings_nothing_back_and_the_units_can_be_asked_again(
    oms: OrderManagement,
) -> None:
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 2}]
    )
    oms.confirm_delivery(oms.ship_order(placed.id, carrier="parcel").id, proof="signed")
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 2}], reason="late")

    refused = oms.reject_return(rma.id, reason="outside the return period")

    assert (refused.status, refused.rejection_reason) == ("rejected", "outside the return period")
    with pytest.raises(InvalidStateTransition):
        oms.receive_return(rma.id)
    assert oms.availability("CHAIR").on_hand == 18
    again = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 2}], reason="late")
    assert again.status == "requested"


def test_the_open_amount_is_what_the_customer_still_owes_or_has_on_order(
    oms: OrderManagement,
) -> None:
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    first = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 1}]
    )
    oms.place_order(customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 2}])
    assert oms.customer_profile(buyer.id).open_amount == {"EUR": eur("357.00")}

    invoice = oms.issue_invoice(first.id)
    oms.record_payment(invoice_id=invoice.id, amount=eur("100.00"), method="bank_transfer")

    profile = oms.customer_profile(buyer.id)
    assert profile.open_amount == {"EUR": eur("257.00")}  # 19.00 of the invoice + 238.00
    assert profile.order_volume == {"EUR": eur("357.00")}


def test_an_asked_for_resend_that_fails_is_reported(
    oms: OrderManagement, notifications: InMemoryNotifications
) -> None:
    buyer = oms.register_customer(
        name="ACME", kind="b2b", payment_preference="invoice", email="ap@acme.example"
    )
    placed = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 1}]
    )
    invoice = oms.issue_invoice(placed.id)
    assert invoice.sent_to == "ap@acme.example"
    notifications.fail_next()

    with pytest.raises(NotificationError):
        oms.resend_invoice(invoice.id)
    assert len(notifications.sent) == 1
    oms.resend_invoice(invoice.id)
    assert len(notifications.sent) == 2


def test_a_credit_by_sku_spreads_over_the_invoice_lines_of_that_sku(
    oms: OrderManagement,
) -> None:
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id,
        channel="web",
        lines=[
            {"sku": "CHAIR", "quantity": 2},
            {"sku": "CHAIR", "quantity": 3, "unit_price": eur("90.00")},
        ],
    )
    invoice = oms.issue_invoice(placed.id)

    note = oms.issue_credit_note(
        invoice.id, reason="wrong colour", lines=[{"sku": "CHAIR", "quantity": 4}]
    )

    assert [(line.order_line_no, line.quantity) for line in note.lines] == [(1, 2), (2, 2)]
    assert note.net_total == eur("380.00")
    assert oms.get_invoice(invoice.id).credited == eur("452.20")


def test_a_parcel_returned_to_sender_is_back_in_stock_and_can_ship_again(
    oms: OrderManagement,
) -> None:
    oms.upsert_product(
        sku="DESK", name="Desk", unit_price=eur("300.00"), tax_rate="0.19", unit_cost=eur("120.00")
    )
    oms.receive_stock(sku="DESK", location="BER", quantity=3, supplier="Tischler")
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "DESK", "quantity": 2}]
    )
    shipment = oms.ship_order(placed.id, carrier="parcel")
    assert oms.availability("DESK").on_hand == 1

    back = oms.record_tracking(shipment.id, status="returned_to_sender", description="refused")

    assert back.status == "failed"
    stock = oms.availability("DESK")
    assert (stock.on_hand, stock.reserved) == (3, 2)
    again = oms.get_order(placed.id)
    assert (again.fulfillment_status, again.lines[0].shipped) == ("reserved", 0)
    assert oms.trial_balance().balance("5000", "EUR") == Decimal("0.00")
    second = oms.ship_order(placed.id, carrier="parcel")
    oms.confirm_delivery(second.id, proof="signed")
    assert oms.get_order(placed.id).fulfillment_status == "delivered"


def test_credited_units_are_invoiced_anew_and_the_order_completes(
    oms: OrderManagement,
) -> None:
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 2}]
    )
    wrong = oms.issue_invoice(placed.id)
    oms.confirm_delivery(oms.ship_order(placed.id, carrier="parcel").id, proof="signed")
    oms.issue_credit_note(wrong.id, reason="wrong address", lines=[{"sku": "CHAIR", "quantity": 1}])

    again = oms.issue_invoice(placed.id)
    for invoice in (wrong, again):
        left = oms.get_invoice(invoice.id).outstanding
        oms.record_payment(invoice_id=invoice.id, amount=left, method="bank_transfer")

    assert [line.quantity for line in again.lines] == [1]
    done = oms.get_order(placed.id)
    assert (done.status, done.fulfillment_status) == ("completed", "delivered")


def test_cancelling_after_a_credit_credits_nothing_twice(
    oms: OrderManagement,
) -> None:
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 2}]
    )
    invoice = oms.issue_invoice(placed.id)
    oms.issue_credit_note(invoice.id, reason="wrong price")

    cancelled = oms.cancel_order(placed.id, reason="customer withdrew")

    assert cancelled.status == "cancelled"
    assert oms.get_invoice(invoice.id).credited == invoice.total
    assert oms.trial_balance().balance("1400", "EUR") == Decimal("0.00")
