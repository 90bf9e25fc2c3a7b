"""Stock through the facade: receipts, adjustments, moves, availability, backorders and
purchase requisitions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, InMemoryPurchasing, SequentialIdGenerator
from ordermgmt.errors import CurrencyMismatch, InsufficientStock, NotFound, ValidationError
from ordermgmt.messages import CustomerView, OrderView, ProductView, ReceiptView

Place = Callable[..., OrderView]
Receive = Callable[..., ReceiptView]


@pytest.fixture
def chair(make_product: Callable[..., ProductView]) -> ProductView:
    return make_product("CHAIR")


# -- receiving ---------------------------------------------------------------------------------


def test_receiving_records_the_delivery(
    oms: OrderManagement, clock: FixedClock, chair: ProductView
) -> None:
    receipt = oms.receive_stock(
        sku="CHAIR",
        location="BER",
        quantity=12,
        supplier="Stuhlwerk AG",
        reference="DN-881",
        unit_cost=Money("80.00", "EUR"),
    )

    assert (receipt.sku, receipt.location, receipt.quantity) == ("CHAIR", "BER", 12)
    assert (receipt.supplier, receipt.reference) == ("Stuhlwerk AG", "DN-881")
    assert receipt.unit_cost == Money("80.00", "EUR")
    assert receipt.received_at == clock.now()
    assert receipt.backorders_served == 0
    assert receipt.availability == oms.availability("CHAIR")
    stock = oms.availability("CHAIR")
    assert (stock.on_hand, stock.reserved, stock.available) == (12, 0, 12)


def test_receipts_add_up_per_location(oms: OrderManagement, chair: ProductView) -> None:
    oms.define_location("BER", priority=1)
    oms.define_location("HAM", priority=2)
    for location, quantity in (("HAM", 4), ("BER", 3), ("HAM", 1)):
        oms.receive_stock(sku="CHAIR", location=location, quantity=quantity, supplier="S")

    stock = oms.availability("CHAIR")

    assert stock.on_hand == 8
    assert [(loc.location, loc.on_hand) for loc in stock.locations] == [("BER", 3), ("HAM", 5)]
    assert stock.at("HAM").available == 5
    assert stock.at("MUC").on_hand == 0


def test_availability_of_a_product_never_stocked(oms: OrderManagement, chair: ProductView) -> None:
    stock = oms.availability("CHAIR")

    assert (stock.on_hand, stock.reserved, stock.available, stock.backordered) == (0, 0, 0, 0)
    assert stock.locations == ()


def test_receiving_serves_backorders_oldest_first(
    oms: OrderManagement, clock: FixedClock, chair: ProductView, receive: Receive, place: Place
) -> None:
    older = place(("CHAIR", 3))
    clock.advance()
    younger = place(("CHAIR", 2))

    receipt = receive("CHAIR", 4)

    assert receipt.backorders_served == 4
    assert oms.get_order(older.id).fulfillment_status == "reserved"
    assert oms.get_order(older.id).line("CHAIR").allocations == {"BER": 3}
    served = oms.get_order(younger.id)
    assert (served.reserved, served.backordered) == (1, 1)
    assert served.fulfillment_status == "partially_reserved"
    assert receipt.availability.available == 0
    assert receipt.availability.backordered == 1
    assert [(b.order_id, b.quantity) for b in oms.open_backorders()] == [(younger.id, 1)]


def test_backorders_are_listed_oldest_first_and_by_sku(
    oms: OrderManagement,
    clock: FixedClock,
    make_product: Callable[..., ProductView],
    place: Place,
) -> None:
    make_product("CHAIR")
    make_product("DESK")
    first = place(("CHAIR", 2), ("DESK", 1))
    clock.advance()
    second = place(("CHAIR", 5))

    listed = oms.open_backorders()

    assert [(b.order_number, b.sku, b.quantity, b.line_no) for b in listed] == [
        (first.number, "CHAIR", 2, 1),
        (first.number, "DESK", 1, 2),
        (second.number, "CHAIR", 5, 1),
    ]
    assert listed[0].placed_at < listed[2].placed_at
    assert [b.order_id for b in oms.open_backorders("DESK")] == [first.id]
    assert oms.open_backorders("LAMP") == []


def test_receiving_an_unknown_product_is_refused(oms: OrderManagement) -> None:
    with pytest.raises(NotFound) as caught:
        oms.receive_stock(sku="NOPE", location="BER", quantity=1, supplier="S")
    assert caught.value.key == "NOPE"


# -- adjusting ---------------------------------------------------------------------------------


def test_adjust_by_a_change(oms: OrderManagement, chair: ProductView, receive: Receive) -> None:
    receive("CHAIR", 10)

    after_damage = oms.adjust_stock(sku="CHAIR", location="BER", reason="damage", change=-3)
    after_found = oms.adjust_stock(sku="CHAIR", location="BER", reason="found", change=2)

    assert after_damage.on_hand == 7
    assert after_found.on_hand == 9
    assert oms.availability("CHAIR").on_hand == 9


def test_adjust_to_a_counted_total(
    oms: OrderManagement, chair: ProductView, receive: Receive
) -> None:
    receive("CHAIR", 10)

    counted = oms.adjust_stock(sku="CHAIR", location="BER", reason="count", counted=6)

    assert (counted.on_hand, counted.available) == (6, 6)
    assert oms.adjust_stock(sku="CHAIR", location="BER", reason="count", counted=6) == counted


def test_an_adjustment_cannot_make_stock_negative(
    oms: OrderManagement, chair: ProductView, receive: Receive
) -> None:
    receive("CHAIR", 2)

    with pytest.raises(ValidationError) as caught:
        oms.adjust_stock(sku="CHAIR", location="BER", reason="loss", change=-3)

    assert (caught.value.field, caught.value.value) == ("change", -3)
    assert oms.availability("CHAIR").on_hand == 2


def test_a_count_below_reserved_puts_the_youngest_orders_back_on_backorder(
    oms: OrderManagement, clock: FixedClock, chair: ProductView, receive: Receive, place: Place
) -> None:
    receive("CHAIR", 6)
    oldest = place(("CHAIR", 2))
    clock.advance()
    middle = place(("CHAIR", 2))
    clock.advance()
    youngest = place(("CHAIR", 2))

    stock = oms.adjust_stock(sku="CHAIR", location="BER", reason="count", counted=3)

    assert (stock.on_hand, stock.reserved, stock.available, stock.backordered) == (3, 3, 0, 3)
    assert oms.get_order(oldest.id).reserved == 2
    assert (oms.get_order(middle.id).reserved, oms.get_order(middle.id).backordered) == (1, 1)
    assert oms.get_order(youngest.id).fulfillment_status == "backordered"
    assert [b.order_id for b in oms.open_backorders()] == [middle.id, youngest.id]


def test_stock_found_by_an_adjustment_serves_backorders(
    oms: OrderManagement, chair: ProductView, receive: Receive, place: Place
) -> None:
    receive("CHAIR", 1)
    order = place(("CHAIR", 3))

    oms.adjust_stock(sku="CHAIR", location="BER", reason="found", change=2)

    assert oms.get_order(order.id).fulfillment_status == "reserved"
    assert oms.open_backorders() == []


# -- moving ------------------------------------------------------------------------------------


def test_move_stock_between_locations(
    oms: OrderManagement, chair: ProductView, receive: Receive
) -> None:
    receive("CHAIR", 10, location="BER")

    stock = oms.move_stock(sku="CHAIR", from_location="BER", to_location="HAM", quantity=4)

    assert stock.on_hand == 10
    assert (stock.at("BER").on_hand, stock.at("HAM").on_hand) == (6, 4)


def test_reserved_units_cannot_be_moved(
    oms: OrderManagement, chair: ProductView, receive: Receive, place: Place
) -> None:
    receive("CHAIR", 5)
    place(("CHAIR", 4))

    with pytest.raises(InsufficientStock) as caught:
        oms.move_stock(sku="CHAIR", from_location="BER", to_location="HAM", quantity=2)

    error = caught.value
    assert (error.sku, error.location, error.requested, error.available) == ("CHAIR", "BER", 2, 1)
    stock = oms.availability("CHAIR")
    assert (stock.at("BER").on_hand, stock.at("BER").reserved, stock.at("HAM").on_hand) == (5, 4, 0)


def test_moving_from_an_unknown_location_is_refused(
    oms: OrderManagement, chair: ProductView
) -> None:
    with pytest.raises(NotFound) as caught:
        oms.move_stock(sku="CHAIR", from_location="NOWHERE", to_location="BER", quantity=1)
    assert (caught.value.kind, caught.value.key) == ("location", "NOWHERE")


def test_a_price_override_in_another_currency_needs_that_currency_named(
    oms: OrderManagement, chair: ProductView, customer: CustomerView
) -> None:
    line = {"sku": "CHAIR", "quantity": 1, "unit_price": Money("50.00", "USD")}
    with pytest.raises(CurrencyMismatch) as caught:
        oms.place_order(customer_id=customer.id, channel="web", lines=[line])
    assert (caught.value.field, caught.value.expected, caught.value.got) == (
        "lines[0].unit_price",
        "EUR",
        "USD",
    )
    order = oms.place_order(customer_id=customer.id, channel="web", currency="USD", lines=[line])
    assert order.total == Money("59.50", "USD")


def test_a_shortfall_found_by_a_count_is_reserved_elsewhere_when_possible(
    oms: OrderManagement, chair: ProductView, receive: Receive, place: Place
) -> None:
    oms.define_location("BER", priority=1)
    oms.define_location("HAM", priority=2)
    receive("CHAIR", 3, location="BER")
    receive("CHAIR", 3, location="HAM")
    order = place(("CHAIR", 2))

    oms.adjust_stock(sku="CHAIR", location="BER", reason="count", counted=0)

    assert oms.get_order(order.id).line("CHAIR").allocations == {"HAM": 2}
    assert oms.open_backorders() == []


# -- purchase requisitions ---------------------------------------------------------------------


def test_falling_to_the_reorder_point_raises_one_requisition(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
) -> None:
    make_product("CHAIR", reorder_point=5, reorder_quantity=40)
    receive("CHAIR", 12)
    place(("CHAIR", 6))
    assert oms.open_purchase_requisitions() == []

    place(("CHAIR", 1))
    place(("CHAIR", 2))

    [requisition] = oms.open_purchase_requisitions()
    assert (requisition.sku, requisition.location, requisition.quantity) == ("CHAIR", "BER", 40)
    assert requisition.reason == "reorder_point"
    assert (requisition.status, requisition.submitted) == ("open", True)
    purchasing = oms.dependencies.purchasing
    assert isinstance(purchasing, InMemoryPurchasing)
    assert list(purchasing.submitted) == [requisition.id]


def test_a_product_without_reorder_quantity_is_not_reordered_at_its_point(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
) -> None:
    make_product("CHAIR", reorder_point=5)
    receive("CHAIR", 12)

    place(("CHAIR", 10))

    assert oms.open_purchase_requisitions() == []


def test_a_receipt_closes_the_open_requisition_and_a_new_one_can_follow(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
) -> None:
    make_product("CHAIR", reorder_point=5, reorder_quantity=40)
    receive("CHAIR", 8)
    place(("CHAIR", 4))
    [first] = oms.open_purchase_requisitions()

    receive("CHAIR", 40)
    assert oms.open_purchase_requisitions() == []

    place(("CHAIR", 40))
    [second] = oms.open_purchase_requisitions()
    assert second.id != first.id


def test_a_receipt_still_at_the_reorder_point_closes_and_raises_a_new_requisition(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
) -> None:
    make_product("CHAIR", reorder_point=5, reorder_quantity=40)
    receive("CHAIR", 6)
    place(("CHAIR", 6))
    [first] = oms.open_purchase_requisitions()

    receive("CHAIR", 2)

    [second] = oms.open_purchase_requisitions()
    assert second.id != first.id
    assert second.reason == "reorder_point"


def test_an_adjustment_down_to_the_reorder_point_raises_a_requisition(
    oms: OrderManagement, make_product: Callable[..., ProductView], receive: Receive
) -> None:
    make_product("CHAIR", reorder_point=5, reorder_quantity=40)
    receive("CHAIR", 10)

    oms.adjust_stock(sku="CHAIR", location="BER", reason="damage", change=-5)
    oms.adjust_stock(sku="CHAIR", location="BER", reason="damage", change=-1)

    [requisition] = oms.open_purchase_requisitions()
    assert (requisition.location, requisition.reason) == ("BER", "reorder_point")


def test_a_backorder_at_placement_raises_a_requisition(
    oms: OrderManagement, chair: ProductView, receive: Receive, place: Place
) -> None:
    receive("CHAIR", 2)

    place(("CHAIR", 5))

    requisitions = oms.open_purchase_requisitions()
    assert len(requisitions) == 1
    requisition = requisitions[0]
    assert (requisition.sku, requisition.location) == ("CHAIR", "BER")
    assert requisition.reason == "backorder"
    assert requisition.quantity >= 3


def test_a_backorder_made_by_a_count_raises_one_requisition(
    oms: OrderManagement, clock: FixedClock, chair: ProductView, receive: Receive, place: Place
) -> None:
    receive("CHAIR", 4)
    place(("CHAIR", 4))

    oms.adjust_stock(sku="CHAIR", location="BER", reason="count", counted=1)
    oms.adjust_stock(sku="CHAIR", location="BER", reason="count", counted=0)

    [requisition] = oms.open_purchase_requisitions()
    assert (requisition.sku, requisition.location) == ("CHAIR", "BER")
    assert requisition.reason == "backorder"
    assert requisition.quantity == 3


def test_a_failed_submission_stays_pending_and_is_retried() -> None:
    purchasing = InMemoryPurchasing()
    oms = OrderManagement.in_memory(
        clock=FixedClock(), ids=SequentialIdGenerator(), purchasing=purchasing
    )
    oms.upsert_product(
        sku="CHAIR",
        name="Chair",
        unit_price=Money("149.00", "EUR"),
        tax_rate="0.19",
        reorder_point=5,
        reorder_quantity=40,
    )
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="S")
    buyer = oms.register_customer(name="Buyer", kind="b2c", payment_preference="card")
    purchasing.fail_next()

    order = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 6}]
    )

    assert order.fulfillment_status == "reserved"
    [pending] = oms.open_purchase_requisitions()
    assert pending.submitted is False
    assert purchasing.submitted == {}

    assert oms.submit_pending_requisitions() == 1

    [submitted] = oms.open_purchase_requisitions()
    assert (submitted.id, submitted.submitted) == (pending.id, True)
    assert list(purchasing.submitted) == [pending.id]
    assert oms.submit_pending_requisitions() == 0


def test_a_pending_requisition_is_not_duplicated_while_open(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
    customer: CustomerView,
) -> None:
    make_product("CHAIR", reorder_point=5, reorder_quantity=40)
    receive("CHAIR", 10)
    for _ in range(4):
        place(("CHAIR", 2))
    oms.adjust_stock(sku="CHAIR", location="BER", reason="damage", change=-1)

    assert len(oms.open_purchase_requisitions()) == 1
