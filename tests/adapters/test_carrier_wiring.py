"""Carriers passed to ``in_memory`` / ``from_url`` join the built-in ones instead of replacing
them all: a carrier replaces only the built-in carrier of its own name."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.errors import ValidationError


def _an_order_to_ship(oms: OrderManagement) -> str:
    oms.upsert_product(
        sku="DESK",
        name="Desk",
        unit_price=Money("300.00", "EUR"),
        tax_rate="0.19",
        weight_kg="20",
    )
    oms.receive_stock(sku="DESK", location="MAIN", quantity=5, supplier="Tischler KG")
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    order = oms.place_order(
        customer_id=buyer.id, channel="phone", lines=[{"sku": "DESK", "quantity": 1}]
    )
    return order.id


def test_a_carrier_of_ones_own_joins_the_own_fleet(
    build_oms: Callable[..., OrderManagement], clock: FixedClock
) -> None:
    dhl = InMemoryCarrier(clock, name="dhl")
    oms = build_oms(clock=clock, ids=SequentialIdGenerator(), carriers=[dhl])
    order_id = _an_order_to_ship(oms)

    quoted = {quote.carrier for quote in oms.quote_shipping(order_id)}
    shipment = oms.ship_order(order_id, carrier="own-fleet")

    assert quoted == {"dhl", "own-fleet", "parcel"}  # parcel: build_oms simulates it
    assert shipment.status == "booked"
    assert shipment.tracking_number.startswith("FLEET-")


def test_a_carrier_named_like_a_built_in_one_replaces_it(
    build_oms: Callable[..., OrderManagement], clock: FixedClock
) -> None:
    trucks = OwnFleetCarrier(clock, [Vehicle("TRUCK-7", Decimal(5000))])
    parcel = InMemoryCarrier(clock, base=Decimal("1.00"), per_kg=Decimal(0))
    oms = build_oms(clock=clock, ids=SequentialIdGenerator(), carriers=[trucks, parcel])
    order_id = _an_order_to_ship(oms)

    prices = {quote.carrier: quote.price for quote in oms.quote_shipping(order_id)}
    shipment = oms.ship_order(order_id, carrier="own-fleet")

    assert prices == {"own-fleet": Money("0.00", "EUR"), "parcel": Money("1.00", "EUR")}
    assert "-TRUCK-7-" in shipment.tracking_number  # planned on the given fleet's truck


def test_a_database_oms_keeps_the_own_fleet_beside_given_carriers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/orders.db"
    clock = FixedClock()
    oms = OrderManagement.from_url(
        url, migrate=True, clock=clock, carriers=[InMemoryCarrier(clock, name="dhl")]
    )
    try:
        assert sorted(oms.dependencies.carriers) == ["dhl", "own-fleet"]  # nothing simulated
    finally:
        oms.close()


def test_two_carriers_with_one_name_are_refused(clock: FixedClock) -> None:
    twins = [InMemoryCarrier(clock, name="dhl"), InMemoryCarrier(clock, name="dhl")]

    with pytest.raises(ValidationError) as raised:
        OrderManagement.in_memory(clock=clock, carriers=twins)

    assert raised.value.value == "dhl"
