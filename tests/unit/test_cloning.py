"""Copies of aggregates: what a unit of work compares an aggregate with to decide whether to
write it. A copy that shared a mutable part with the original would change with it, and the
write would be skipped; these tests make every aggregate class prove that cannot happen."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.structure import NOT_STATE, shared_mutables, state

import ordermgmt.domain
from ordermgmt.domain.base import Aggregate
from ordermgmt.domain.cloning import copy_plan
from ordermgmt.domain.ids import CustomerId, OrderId
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Channel, Order, OrderLine
from ordermgmt.domain.shipment import (
    Parcel,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    TrackingStatus,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _line(line_no: int, sku: str, quantity: int, price: str) -> OrderLine:
    return OrderLine(
        line_no=line_no,
        sku=sku,
        name=f"Product {sku}",
        quantity=quantity,
        unit_price=Money(price, "EUR"),
        tax_rate=Decimal("0.19"),
        discount=Money("0.00", "EUR"),
    )


def _rich_order() -> Order:
    """An order with mutable parts at every depth: a split reservation and a backorder."""
    order = Order.place(
        id=OrderId("O-1"),
        number="SO-000001",
        customer_id=CustomerId("C-1"),
        channel=Channel.WEB,
        currency="EUR",
        lines=[_line(1, "CHAIR", 3, "149.00"), _line(2, "SCREW", 5, "0.3333")],
        at=T0,
    )
    order.reserve(1, "BER", 2, T0)
    order.reserve(1, "HAM", 1, T0)
    order.backorder(2, 5, T0)
    order.hold("credit check", T0)
    return order


def _shipment() -> Shipment:
    return Shipment(
        id="S-1",
        number="SH-000001",
        order_id="O-1",
        location="MAIN",
        carrier="own-fleet",
        lines=(ShipmentLine(1, "CHAIR", 2),),
        parcels=(Parcel(Decimal("2.5")),),
        created_at=T0,
    )


def _aggregate_classes() -> list[type[Aggregate]]:
    """Every aggregate class the domain defines (every module imported first)."""
    for module in pkgutil.iter_modules(ordermgmt.domain.__path__):
        importlib.import_module(f"ordermgmt.domain.{module.name}")

    def below(cls: type[Aggregate]) -> Iterator[type[Aggregate]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return sorted(
        {c for c in below(Aggregate) if c.__module__.startswith("ordermgmt.")},
        key=lambda c: c.__qualname__,
    )


AGGREGATES = _aggregate_classes()


def test_the_domain_has_the_aggregates_the_stores_keep() -> None:
    names = {cls.__name__ for cls in AGGREGATES}
    assert {"Order", "Invoice", "CreditNote", "Payment", "Shipment", "ReturnRequest"} <= names
    assert {"Customer", "Product", "Location", "StockItem", "JournalEntry"} <= names
    assert {"PurchaseRequisition", "SupplierReceipt"} <= names


@pytest.mark.parametrize("cls", AGGREGATES, ids=lambda c: c.__name__)
def test_every_field_of_every_aggregate_has_a_known_way_to_be_copied(cls: type) -> None:
    """Building the plan refuses any field whose type is neither immutable nor a list, dict,
    set or mutable dataclass the copy follows: a new field of such a type fails here."""
    copy_plan(cls)


@pytest.mark.parametrize("cls", AGGREGATES, ids=lambda c: c.__name__)
def test_no_aggregate_writes_its_own_copy(cls: type) -> None:
    """A hand-written ``clone`` is what forgets a new field; the one in ``Aggregate`` follows
    the declared types."""
    own = [k.__qualname__ for k in cls.__mro__ if k is not Aggregate and "clone" in k.__dict__]
    assert own == []


@pytest.mark.parametrize("cls", AGGREGATES, ids=lambda c: c.__name__)
def test_every_stored_field_takes_part_in_change_detection(cls: type) -> None:
    """The unit of work writes an aggregate that is not ``==`` its copy: a field left out of
    ``==`` could change without being written."""
    assert cls.__dataclass_params__.eq  # type: ignore[attr-defined]
    ignored = [f.name for f in dataclasses.fields(cls) if not f.compare]
    assert set(ignored) <= NOT_STATE


def _loaded_examples() -> list[Aggregate]:
    order = _rich_order()
    shipment = _shipment()
    shipment.tracking.append(TrackingEvent(TrackingStatus.PICKED_UP, T0))
    return [order, shipment]


@pytest.mark.parametrize("original", _loaded_examples(), ids=lambda a: type(a).__name__)
def test_a_copy_shares_no_mutable_part_and_equals_the_original(original: Aggregate) -> None:
    original.take_events()
    twin = original.clone()
    assert shared_mutables(original, twin) == []
    assert twin == original
    assert state(twin) == state(original)
    assert twin.pending_events == []


def test_changing_an_order_line_in_place_makes_the_order_differ_from_its_copy() -> None:
    order = _rich_order()
    twin = order.clone()
    order.lines[0].allocations["BER"] += 1
    order.lines[1].shipped += 1
    assert order != twin
    assert twin.lines[0].allocations == {"BER": 2, "HAM": 1}
    assert twin.lines[1].shipped == 0


def test_recorded_events_stay_with_the_original() -> None:
    order = _rich_order()
    twin = order.clone()
    assert order.pending_events
    assert twin.pending_events == []


@dataclass(kw_only=True)
class _Basket(Aggregate):
    """An aggregate as a later change might add one: mutable parts at several depths."""

    id: str
    lines: list[OrderLine] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    notes: dict[str, list[str]] = field(default_factory=dict)
    history: tuple[str, ...] = ()
    spare: OrderLine | None = None


def test_a_new_aggregate_with_mutable_fields_is_copied_without_writing_a_clone() -> None:
    line = _rich_order().lines[0]
    basket = _Basket(id="B-1", lines=[line], tags={"a"}, notes={"x": ["1"]}, spare=line)
    twin = basket.clone()
    assert shared_mutables(basket, twin) == []
    twin.notes["x"].append("2")
    twin.tags.add("b")
    assert twin.spare is not None
    twin.spare.allocations.clear()
    assert basket.notes == {"x": ["1"]}
    assert basket.tags == {"a"}
    assert basket.spare is not None
    assert basket.spare.allocations == {"BER": 2, "HAM": 1}


@pytest.mark.parametrize(
    ("annotation", "complaint"),
    [
        (Any, "cannot tell"),
        (object, "cannot tell whether object"),
        (list, "bare list"),
        (Sequence[int], "cannot tell how to copy"),
        (bytearray, "cannot tell whether bytearray"),
        (tuple[list[int], ...] | list[str], "only ``X | None``"),
        (set[OrderLine], "set of mutable values"),
        (dict[OrderLine, int], "holds mutable values"),
        (tuple[int, list[int]], "holds a mutable value"),
    ],
)
def test_a_field_of_a_type_the_copy_cannot_follow_is_refused_by_name(
    annotation: Any, complaint: str
) -> None:
    cls: type = dataclass(kw_only=True)(
        type("Odd", (Aggregate,), {"__annotations__": {"odd": annotation}, "odd": None})
    )
    with pytest.raises(TypeError, match=complaint) as refused:
        copy_plan(cls)
    assert "Odd.odd" in str(refused.value)


@dataclass(frozen=True)
class _Leaky:
    items: list[int]


@dataclass(kw_only=True)
class _Holder(Aggregate):
    value: _Leaky


def test_a_frozen_value_with_a_mutable_field_is_refused() -> None:
    with pytest.raises(TypeError, match="frozen _Leaky holds a mutable field items"):
        copy_plan(_Holder)


def test_immutable_fields_are_shared_not_copied() -> None:
    order = _rich_order()
    twin = order.clone()
    assert twin.lines[0].unit_price is order.lines[0].unit_price
    assert twin.placed_at is order.placed_at
    assert [name for name, _ in copy_plan(OrderLine)] == ["allocations"]
    assert Decimal(0) == twin.prepaid_amount - order.prepaid_amount
