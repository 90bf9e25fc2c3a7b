"""Defects the state machine (or modelling it) found, one short sequence each, in the
machine's world: its catalog, one location ``BER`` and one of its customers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ordermgmt import Money, OrderManagement
from tests.stateful.world import (
    BANK,
    COGS,
    CUSTOMERS,
    PREPAYMENTS,
    PRODUCTS,
    WRITE_OFF,
    make_oms,
    round_cents,
)


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
