"""The catalog through the facade: upsert, deactivate, read, and what placed orders keep."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.errors import NotFound, ProductInactive
from ordermgmt.messages import OrderView, ProductView, ReceiptView


def test_upsert_creates_a_product(oms: OrderManagement) -> None:
    created = oms.upsert_product(
        sku="CHAIR",
        name="Office chair",
        unit_price=Money("149.00", "EUR"),
        tax_rate="0.19",
        reorder_point=5,
        reorder_quantity=40,
        unit_cost=Money("80.00", "EUR"),
    )

    assert created.sku == "CHAIR"
    assert created.name == "Office chair"
    assert created.unit_price == Money("149.00", "EUR")
    assert created.tax_rate == Decimal("0.19")
    assert (created.reorder_point, created.reorder_quantity) == (5, 40)
    assert created.unit_cost == Money("80.00", "EUR")
    assert created.active is True
    assert oms.get_product("CHAIR") == created


def test_upsert_replaces_the_catalog_data(
    oms: OrderManagement, make_product: Callable[..., ProductView]
) -> None:
    make_product("CHAIR", price="149.00", reorder_point=5, reorder_quantity=40)

    changed = make_product("CHAIR", price="159.00", tax_rate="0.07", name="Chair, new model")

    assert changed.unit_price == Money("159.00", "EUR")
    assert changed.tax_rate == Decimal("0.07")
    assert changed.name == "Chair, new model"
    assert oms.get_product("CHAIR") == changed
    assert len(oms.products()) == 1


def test_products_are_listed_by_sku_and_filtered_by_activity(
    oms: OrderManagement, make_product: Callable[..., ProductView]
) -> None:
    for sku in ("LAMP", "CHAIR", "DESK"):
        make_product(sku)
    oms.deactivate_product("DESK")

    assert [p.sku for p in oms.products()] == ["CHAIR", "DESK", "LAMP"]
    assert [p.sku for p in oms.products(active_only=True)] == ["CHAIR", "LAMP"]


def test_an_inactive_product_cannot_be_ordered_and_can_come_back(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Callable[..., ReceiptView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR")
    make_product("DESK")
    receive("CHAIR", 5)
    placed = place(("CHAIR", 1))

    deactivated = oms.deactivate_product("CHAIR")

    assert deactivated.active is False
    with pytest.raises(ProductInactive) as caught:
        place(("DESK", 1), ("CHAIR", 1))
    assert caught.value.sku == "CHAIR"
    assert caught.value.code == "product_inactive"
    assert oms.get_order(placed.id) == placed
    assert oms.availability("CHAIR").reserved == 1

    make_product("CHAIR", active=True)
    assert place(("CHAIR", 1)).lines[0].sku == "CHAIR"


def test_a_price_change_does_not_change_placed_orders(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR", price="149.00", tax_rate="0.19")
    before = place(("CHAIR", 2))

    make_product("CHAIR", price="99.00", tax_rate="0.07")
    after = place(("CHAIR", 2))

    again = oms.get_order(before.id)
    assert again.lines[0].unit_price == Money("149.00", "EUR")
    assert again.lines[0].tax_rate == Decimal("0.19")
    assert again.total == Money("354.62", "EUR")
    assert again.total == before.total
    assert after.lines[0].unit_price == Money("99.00", "EUR")
    assert after.total == Money("211.86", "EUR")


def test_unknown_products_are_not_found(oms: OrderManagement) -> None:
    for call in (
        lambda: oms.get_product("NOPE"),
        lambda: oms.deactivate_product("NOPE"),
        lambda: oms.availability("NOPE"),
    ):
        with pytest.raises(NotFound) as caught:
            call()
        assert (caught.value.kind, caught.value.key) == ("product", "NOPE")
