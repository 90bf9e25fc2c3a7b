"""Stock per sku and location, the default allocation policy, requisitions and receipts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermgmt.domain.events import PurchaseRequisitionClosed, PurchaseRequisitionRaised
from ordermgmt.domain.ids import ReceiptId, RequisitionId
from ordermgmt.domain.inventory import (
    Location,
    SingleLocationFirst,
    StockItem,
    require_location,
)
from ordermgmt.domain.purchasing import (
    PurchaseRequisition,
    RequisitionReason,
    RequisitionStatus,
    SupplierReceipt,
)
from ordermgmt.errors import InsufficientStock, InvalidStateTransition, ValidationError

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def item(on_hand: int = 10, reserved: int = 0) -> StockItem:
    return StockItem(sku="CHAIR", location="BER", on_hand=on_hand, reserved=reserved)


# -- StockItem ---------------------------------------------------------------------------------


def test_available_is_on_hand_minus_reserved() -> None:
    stock = item(10, 4)
    assert stock.available == 6


def test_reserve_and_release() -> None:
    stock = item(10)

    stock.reserve(7)
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 7, 3)
    stock.release(2)
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 5, 5)


def test_reserving_more_than_available_raises_insufficient_stock_with_the_figures() -> None:
    stock = item(10, 8)

    with pytest.raises(InsufficientStock) as caught:
        stock.reserve(3)

    error = caught.value
    assert (error.sku, error.location, error.requested, error.available) == ("CHAIR", "BER", 3, 2)
    assert error.code == "insufficient_stock"
    assert (stock.on_hand, stock.reserved) == (10, 8)


def test_releasing_more_than_reserved_is_refused() -> None:
    stock = item(10, 2)

    with pytest.raises(ValidationError) as caught:
        stock.release(3)

    assert (caught.value.field, caught.value.value) == ("quantity", 3)
    assert stock.reserved == 2


def test_receive_adds_to_on_hand() -> None:
    stock = item(1, 1)
    stock.receive(5)
    assert (stock.on_hand, stock.reserved, stock.available) == (6, 1, 5)


def test_remove_takes_only_unreserved_units() -> None:
    stock = item(10, 6)

    stock.remove(4)
    assert (stock.on_hand, stock.reserved, stock.available) == (6, 6, 0)

    with pytest.raises(InsufficientStock) as caught:
        stock.remove(1)
    assert (caught.value.requested, caught.value.available) == (1, 0)
    assert stock.on_hand == 6


def test_consume_takes_reserved_units_out_of_the_building() -> None:
    stock = item(10, 6)

    stock.consume(4)
    assert (stock.on_hand, stock.reserved, stock.available) == (6, 2, 4)

    with pytest.raises(ValidationError):
        stock.consume(3)
    assert (stock.on_hand, stock.reserved) == (6, 2)


@pytest.mark.parametrize("operation", ["reserve", "release", "receive", "remove", "consume"])
@pytest.mark.parametrize("bad", [0, -1, True, 1.0, "2", None])
def test_quantities_must_be_whole_numbers_above_zero(operation: str, bad: object) -> None:
    stock = item(10, 5)

    with pytest.raises(ValidationError) as caught:
        getattr(stock, operation)(bad)

    assert caught.value.field == "quantity"
    assert caught.value.value is bad
    assert (stock.on_hand, stock.reserved) == (10, 5)


@settings(max_examples=150, derandomize=True)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["reserve", "release", "receive", "remove", "consume"]),
            st.integers(min_value=1, max_value=20),
        ),
        max_size=25,
    )
)
def test_stock_never_goes_negative_and_reserved_never_exceeds_on_hand(
    steps: list[tuple[str, int]],
) -> None:
    stock = item(5)
    for operation, quantity in steps:
        before = (stock.on_hand, stock.reserved)
        try:
            getattr(stock, operation)(quantity)
        except (InsufficientStock, ValidationError):
            assert (stock.on_hand, stock.reserved) == before
        assert 0 <= stock.reserved <= stock.on_hand
        assert stock.available >= 0


# -- locations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["BER", "wh-1", "Store_7", "A.B", "X" * 32])
def test_location_codes_accepted(code: str) -> None:
    assert require_location(code) == code


@pytest.mark.parametrize("code", ["", " BER", "B E R", "-BER", "X" * 33, "BER/1", None, 7])
def test_location_codes_refused(code: object) -> None:
    with pytest.raises(ValidationError) as caught:
        require_location(code)
    assert (caught.value.field, caught.value.value) == ("location", code)


def test_location_validates_its_fields() -> None:
    assert Location(code="BER", name="Berlin", priority=1).priority == 1
    with pytest.raises(ValidationError):
        Location(code="BER", name="Berlin", priority=True)
    with pytest.raises(ValidationError):
        Location(code="B E R", name="Berlin")
    with pytest.raises(ValidationError):
        Location(code="BER", name="")


# -- allocation policy -------------------------------------------------------------------------

policy = SingleLocationFirst()


def test_whole_order_from_the_first_location_that_can_fill_it() -> None:
    # A comes first and could ship the chairs, but only B can ship the whole order.
    allocation = policy.allocate(
        {"CHAIR": 2, "DESK": 1},
        {"CHAIR": {"A": 5, "B": 2}, "DESK": {"B": 1}},
        ["A", "B"],
    )
    assert allocation == {"CHAIR": [("B", 2)], "DESK": [("B", 1)]}


def test_whole_order_prefers_priority_among_locations_that_can_fill_it() -> None:
    allocation = policy.allocate({"CHAIR": 2}, {"CHAIR": {"A": 5, "B": 5}}, ["B", "A"])
    assert allocation == {"CHAIR": [("B", 2)]}


def test_otherwise_each_sku_from_the_first_location_that_can_fill_it() -> None:
    allocation = policy.allocate(
        {"CHAIR": 3, "DESK": 3},
        {"CHAIR": {"A": 1, "B": 3}, "DESK": {"A": 5, "B": 0}},
        ["A", "B"],
    )
    assert allocation == {"CHAIR": [("B", 3)], "DESK": [("A", 3)]}


def test_otherwise_split_in_priority_order_and_leave_the_rest() -> None:
    allocation = policy.allocate(
        {"CHAIR": 10}, {"CHAIR": {"A": 2, "B": 5, "C": 1}}, ["C", "A", "B"]
    )
    assert allocation == {"CHAIR": [("C", 1), ("A", 2), ("B", 5)]}


def test_split_stops_once_the_demand_is_met() -> None:
    allocation = policy.allocate({"CHAIR": 6}, {"CHAIR": {"A": 2, "B": 5, "C": 9}}, ["A", "B"])
    assert allocation == {"CHAIR": [("A", 2), ("B", 4)]}


def test_nothing_available_allocates_nothing() -> None:
    assert policy.allocate({"CHAIR": 2}, {}, ["A"]) == {}
    assert policy.allocate({"CHAIR": 2}, {"CHAIR": {"A": 0}}, ["A"]) == {}
    assert policy.allocate({"CHAIR": 0}, {"CHAIR": {"A": 3}}, ["A"]) == {}
    assert policy.allocate({}, {"CHAIR": {"A": 3}}, ["A"]) == {}


def test_locations_not_in_the_priority_list_are_not_used() -> None:
    assert policy.allocate({"CHAIR": 2}, {"CHAIR": {"GONE": 9}}, ["A"]) == {}


location_codes = ["A", "B", "C", "D"]
skus = ["S1", "S2", "S3"]


@settings(max_examples=200, derandomize=True)
@given(
    demand=st.dictionaries(st.sampled_from(skus), st.integers(0, 30), max_size=3),
    supply=st.dictionaries(
        st.sampled_from(skus),
        st.dictionaries(st.sampled_from(location_codes), st.integers(0, 20), max_size=4),
        max_size=3,
    ),
    order=st.permutations(location_codes),
)
def test_allocation_never_exceeds_demand_or_supply_and_fills_what_it_can(
    demand: dict[str, int], supply: dict[str, dict[str, int]], order: list[str]
) -> None:
    allocation = policy.allocate(demand, supply, order)

    for sku, parts in allocation.items():
        allocated = sum(quantity for _, quantity in parts)
        assert allocated <= demand[sku]
        locations = [location for location, _ in parts]
        assert len(locations) == len(set(locations))
        for location, quantity in parts:
            assert quantity > 0
            assert quantity <= supply[sku][location]
    for sku, wanted in demand.items():
        allocated = sum(q for _, q in allocation.get(sku, []))
        can_have = sum(supply.get(sku, {}).values())
        assert allocated == min(wanted, can_have)
    wanted_skus = {sku for sku, qty in demand.items() if qty > 0}
    single = [
        loc
        for loc in order
        if all(supply.get(sku, {}).get(loc, 0) >= demand[sku] for sku in wanted_skus)
    ]
    if wanted_skus and single:
        assert allocation == {sku: [(single[0], demand[sku])] for sku in wanted_skus}


# -- purchase requisitions and supplier receipts -----------------------------------------------


def test_a_requisition_is_raised_open_and_closed_once() -> None:
    requisition = PurchaseRequisition.raise_for(
        id=RequisitionId("req-1"),
        sku="CHAIR",
        location="BER",
        quantity=40,
        reason=RequisitionReason.REORDER_POINT,
        at=AT,
    )
    assert requisition.status is RequisitionStatus.OPEN
    assert requisition.submitted is False

    requisition.close("receipt-1", AT)

    assert requisition.status is RequisitionStatus.CLOSED
    assert requisition.closed_by == "receipt-1"
    with pytest.raises(InvalidStateTransition):
        requisition.close("receipt-2", AT)
    raised, closed = requisition.take_events()
    assert isinstance(raised, PurchaseRequisitionRaised)
    assert (raised.sku, raised.location, raised.quantity, raised.reason) == (
        "CHAIR",
        "BER",
        40,
        "reorder_point",
    )
    assert isinstance(closed, PurchaseRequisitionClosed)
    assert closed.receipt_id == "receipt-1"


def test_a_requisition_needs_a_quantity() -> None:
    with pytest.raises(ValidationError):
        PurchaseRequisition.raise_for(
            id=RequisitionId("req-1"),
            sku="CHAIR",
            location="BER",
            quantity=0,
            reason=RequisitionReason.BACKORDER,
            at=AT,
        )


def test_a_supplier_receipt_validates_supplier_quantity_and_reference() -> None:
    def receipt(**changes: object) -> SupplierReceipt:
        fields: dict[str, object] = {
            "id": ReceiptId("rec-1"),
            "supplier": " Stuhlwerk AG ",
            "sku": "CHAIR",
            "location": "BER",
            "quantity": 12,
            "reference": "DN-881",
            "at": AT,
        }
        fields.update(changes)
        return SupplierReceipt.record_delivery(**fields)  # type: ignore[arg-type]

    assert receipt().supplier == "Stuhlwerk AG"
    for field, bad in [
        ("supplier", ""),
        ("supplier", "a\x00b"),
        ("quantity", 0),
        ("reference", "r" * 101),
    ]:
        with pytest.raises(ValidationError) as caught:
            receipt(**{field: bad})
        assert caught.value.field == field
