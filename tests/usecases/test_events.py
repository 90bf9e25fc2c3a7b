"""Domain events: published after commit, in order, to every subscriber; none from a failure."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import (
    FixedClock,
    InMemoryEventPublisher,
    SequentialIdGenerator,
)
from ordermgmt.domain.events import (
    BackorderCreated,
    BackorderReleased,
    BackorderServed,
    CustomerRegistered,
    CustomerUpdated,
    DomainEvent,
    OrderCancelled,
    OrderHeld,
    OrderPlaced,
    OrderReleased,
    ProductDeactivated,
    ProductUpserted,
    PurchaseRequisitionClosed,
    PurchaseRequisitionRaised,
    ReservationReleased,
    StockAdjusted,
    StockLow,
    StockMoved,
    StockReceived,
    StockReserved,
)
from ordermgmt.errors import NotFound, ValidationError
from ordermgmt.messages import CustomerView, OrderView, ProductView, ReceiptView

Place = Callable[..., OrderView]
Receive = Callable[..., ReceiptView]


def names(events: list[DomainEvent]) -> list[str]:
    return [event.name for event in events]


def test_customer_and_catalog_events(
    oms: OrderManagement,
    events: list[DomainEvent],
    make_customer: Callable[..., CustomerView],
    make_product: Callable[..., ProductView],
) -> None:
    customer = make_customer("Erika")
    oms.update_customer(customer.id, phone="+49 1", name="Erika")
    make_product("CHAIR", price="149.00")
    oms.deactivate_product("CHAIR")

    assert names(events) == [
        "CustomerRegistered",
        "CustomerUpdated",
        "ProductUpserted",
        "ProductDeactivated",
    ]
    registered, updated, upserted, deactivated = events
    assert isinstance(registered, CustomerRegistered)
    assert (registered.customer_id, registered.kind) == (customer.id, "b2c")
    assert "Erika" in registered.to_dict().values()
    assert isinstance(updated, CustomerUpdated)
    assert updated.changed == ("phone",)
    assert isinstance(upserted, ProductUpserted)
    assert (upserted.sku, upserted.unit_price) == ("CHAIR", Money("149.00", "EUR"))
    assert isinstance(deactivated, ProductDeactivated)


def test_placing_an_order_publishes_placement_reservation_backorder_and_requisition(
    oms: OrderManagement,
    clock: FixedClock,
    customer: CustomerView,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
) -> None:
    make_product("CHAIR", reorder_point=5, reorder_quantity=40)
    receive("CHAIR", 12)
    seen: list[DomainEvent] = []
    oms.subscribe(seen.append)

    order = place(("CHAIR", 15), channel="phone")

    by_type = {type(e): e for e in seen}
    assert set(by_type) == {
        OrderPlaced,
        StockReserved,
        BackorderCreated,
        StockLow,
        PurchaseRequisitionRaised,
    }
    placed = by_type[OrderPlaced]
    assert isinstance(placed, OrderPlaced)
    assert (placed.order_id, placed.number, placed.customer_id, placed.channel) == (
        order.id,
        "SO-000001",
        customer.id,
        "phone",
    )
    assert placed.total == order.total
    assert placed.occurred_at == clock.now()
    reserved = by_type[StockReserved]
    assert isinstance(reserved, StockReserved)
    assert (reserved.sku, reserved.location, reserved.quantity) == ("CHAIR", "BER", 12)
    backordered = by_type[BackorderCreated]
    assert isinstance(backordered, BackorderCreated)
    assert backordered.quantity == 3
    low = by_type[StockLow]
    assert isinstance(low, StockLow)
    assert (low.available, low.reorder_point) == (0, 5)
    raised = by_type[PurchaseRequisitionRaised]
    assert isinstance(raised, PurchaseRequisitionRaised)
    assert (raised.sku, raised.location, raised.quantity) == ("CHAIR", "BER", 40)
    assert names(seen).index("OrderPlaced") < names(seen).index("StockReserved")


def test_stock_events(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
    events: list[DomainEvent],
) -> None:
    make_product("CHAIR", reorder_point=1, reorder_quantity=10)
    receive("CHAIR", 3)
    place(("CHAIR", 2))  # down to the reorder point: a requisition is raised
    waiting = place(("CHAIR", 2))  # one reserved, one on backorder
    [raised] = [e for e in events if isinstance(e, PurchaseRequisitionRaised)]
    events.clear()

    receipt = receive("CHAIR", 5)

    received = events[0]
    assert isinstance(received, StockReceived)
    assert (received.receipt_id, received.quantity, received.supplier) == (
        receipt.id,
        5,
        "Stuhlwerk AG",
    )
    served = [e for e in events if isinstance(e, BackorderServed)]
    assert [(e.order_id, e.location, e.quantity) for e in served] == [(waiting.id, "BER", 1)]
    closed = [e for e in events if isinstance(e, PurchaseRequisitionClosed)]
    assert [(e.requisition_id, e.receipt_id) for e in closed] == [
        (raised.requisition_id, receipt.id)
    ]
    events.clear()

    oms.adjust_stock(sku="CHAIR", location="BER", reason="damage", change=-1, note="dropped")
    oms.move_stock(sku="CHAIR", from_location="BER", to_location="HAM", quantity=1)

    adjusted = next(e for e in events if isinstance(e, StockAdjusted))
    assert (adjusted.change, adjusted.on_hand, adjusted.reason) == (-1, 7, "damage: dropped")
    moved = next(e for e in events if isinstance(e, StockMoved))
    assert (moved.from_location, moved.to_location, moved.quantity) == ("BER", "HAM", 1)


def test_hold_release_and_cancel_events(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
    events: list[DomainEvent],
) -> None:
    make_product("CHAIR")
    receive("CHAIR", 2)
    order = place(("CHAIR", 3))
    events.clear()

    oms.hold_order(order.id, reason="credit check")
    oms.release_order(order.id)
    oms.cancel_order(order.id, reason="too slow")

    assert names(events) == [
        "OrderHeld",
        "OrderReleased",
        "ReservationReleased",
        "BackorderReleased",
        "OrderCancelled",
    ]
    held, _, released, dropped, cancelled = events
    assert isinstance(held, OrderHeld)
    assert held.reason == "credit check"
    assert isinstance(released, ReservationReleased)
    assert (released.location, released.quantity) == ("BER", 2)
    assert isinstance(dropped, BackorderReleased)
    assert dropped.quantity == 1
    assert isinstance(cancelled, OrderCancelled)
    assert (cancelled.number, cancelled.reason) == (order.number, "too slow")
    assert isinstance(events[1], OrderReleased)


def test_subscribers_may_filter_by_event_type(
    oms: OrderManagement, make_product: Callable[..., ProductView], place: Place
) -> None:
    make_product("CHAIR")
    placed: list[DomainEvent] = []
    oms.subscribe(placed.append, OrderPlaced, OrderCancelled)

    order = place(("CHAIR", 1))
    oms.cancel_order(order.id)

    assert names(placed) == ["OrderPlaced", "OrderCancelled"]


def test_events_arrive_after_commit(
    oms: OrderManagement, make_product: Callable[..., ProductView], place: Place
) -> None:
    make_product("CHAIR")
    looked_up: list[OrderView] = []

    def on_placed(event: DomainEvent) -> None:
        assert isinstance(event, OrderPlaced)
        looked_up.append(oms.get_order(event.order_id))

    oms.subscribe(on_placed, OrderPlaced)
    order = place(("CHAIR", 1))

    assert looked_up == [order]


def test_a_failed_use_case_publishes_nothing(
    oms: OrderManagement,
    customer: CustomerView,
    make_product: Callable[..., ProductView],
    receive: Receive,
    place: Place,
    events: list[DomainEvent],
) -> None:
    make_product("CHAIR", reorder_point=5, reorder_quantity=10)
    receive("CHAIR", 3)
    events.clear()

    with pytest.raises(NotFound):
        place(("CHAIR", 1), ("NOPE", 1))
    with pytest.raises(ValidationError):
        oms.place_order(
            customer_id=customer.id,
            channel="web",
            lines=[{"sku": "CHAIR", "quantity": 1, "discount": Money("999", "EUR")}],
        )
    with pytest.raises(ValidationError):
        oms.receive_stock(sku="CHAIR", location="NEW", quantity=1, supplier="a\x00b")
    with pytest.raises(ValidationError):
        oms.update_customer(customer.id, credit_limit=Money("1", "EUR"))
    with pytest.raises(ValidationError):
        oms.adjust_stock(sku="CHAIR", location="BER", reason="loss", change=-4)

    assert events == []


def test_a_failing_subscriber_does_not_break_the_use_case(
    caplog: pytest.LogCaptureFixture,
) -> None:
    publisher = InMemoryEventPublisher()
    oms = OrderManagement.in_memory(
        clock=FixedClock(), ids=SequentialIdGenerator(), publisher=publisher
    )
    calls: list[str] = []

    def broken(event: DomainEvent) -> None:
        calls.append(event.name)
        raise RuntimeError("subscriber is down")

    later: list[DomainEvent] = []
    oms.subscribe(broken, ProductUpserted)
    oms.subscribe(later.append)

    with caplog.at_level(logging.ERROR, logger="ordermgmt.events"):
        product = oms.upsert_product(
            sku="CHAIR", name="Chair", unit_price=Money("1.00", "EUR"), tax_rate="0.19"
        )

    assert product.sku == "CHAIR"
    assert oms.get_product("CHAIR") == product
    assert calls == ["ProductUpserted"]
    assert names(later) == ["ProductUpserted"]
    [failure] = publisher.failed
    assert isinstance(failure.error, RuntimeError)
    assert failure.event.name == "ProductUpserted"
    assert "ProductUpserted" in caplog.text
    assert "kept for redelivery" in caplog.text
    [record] = caplog.records
    assert "broken" in record.getMessage()  # the subscriber is named
    assert len(record.getMessage()) < 200  # but not dumped

    assert publisher.redeliver_failed() == 1
    assert calls == ["ProductUpserted", "ProductUpserted"]


def test_events_serialize_to_plain_json(
    make_product: Callable[..., ProductView], place: Place, events: list[DomainEvent]
) -> None:
    make_product("CHAIR", price="149.00")

    place(("CHAIR", 1))

    placed = next(e for e in events if isinstance(e, OrderPlaced))
    data = json.loads(json.dumps(placed.to_dict()))
    assert data["event"] == "OrderPlaced"
    assert data["total"] == {"amount": "177.31", "currency": "EUR"}
    assert data["occurred_at"] == "2026-01-05T09:00:00+00:00"
