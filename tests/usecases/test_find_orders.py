"""Searching all orders: filters and keyset pagination, on every store.

The oracle is independent of the search: every order the test ever placed, read one by one
with ``get_order``, filtered and sorted in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.errors import ValidationError
from ordermgmt.messages import OrderView

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANNELS = ("web", "phone", "edi")
STATUSES = ("open", "on_hold", "cancelled", "completed")
FULFILLMENT = ("reserved", "partially_reserved", "backordered", "unreserved")
PAYMENT = ("not_invoiced", "invoiced")
PREFIXES = ("", "SO-", "SO-0000", "SO-00001", "SO-000002", "X")


@dataclass
class World:
    """One OMS for the whole test (examples add to it) and every order it holds."""

    oms: OrderManagement
    clock: FixedClock
    customers: list[str]
    placed: list[str] = field(default_factory=list)

    def place(self, minute: int, customer: int, channel: str, sku: str, action: str) -> str:
        self.clock.set(T0 + timedelta(minutes=minute))
        order = self.oms.place_order(
            customer_id=self.customers[customer],
            channel=channel,
            lines=[{"sku": sku, "quantity": 2}],
        )
        if action == "cancel":
            self.oms.cancel_order(order.id, reason="test")
        elif action == "hold":
            self.oms.hold_order(order.id, reason="test")
        elif action == "invoice":
            self.oms.issue_invoice(order.id)
        self.placed.append(order.id)
        return order.id


@pytest.fixture
def world(build_oms: Callable[..., OrderManagement]) -> World:
    clock = FixedClock(T0)
    oms = build_oms(clock=clock, ids=SequentialIdGenerator())
    for sku in ("A", "B"):
        oms.upsert_product(sku=sku, name=sku, unit_price=eur("10.00"), tax_rate="0.19")
    customers = [
        oms.register_customer(
            name=f"Customer {n}", kind="b2b", payment_preference="invoice", payment_terms_days=30
        ).id
        for n in range(3)
    ]
    return World(oms, clock, customers)


def position(order: OrderView) -> tuple[datetime, str]:
    return (order.placed_at, order.id)


def oracle(world: World, filters: dict[str, Any]) -> list[OrderView]:
    """Every order matching ``filters``, newest first, found without the search."""

    def keep(o: OrderView) -> bool:
        def among(name: str, value: str) -> bool:
            wanted = filters.get(name, ())
            return not wanted or value in wanted

        return (
            among("status", o.status)
            and among("fulfillment_status", o.fulfillment_status)
            and among("payment_status", o.payment_status)
            and among("channel", o.channel)
            and filters.get("customer_id", o.customer_id) == o.customer_id
            and o.placed_at >= filters.get("placed_from", o.placed_at)
            and (filters.get("placed_to") is None or o.placed_at < filters["placed_to"])
            and o.number.startswith(filters.get("number_prefix", ""))
        )

    orders = [world.oms.get_order(order_id) for order_id in world.placed]
    return sorted((o for o in orders if keep(o)), key=position, reverse=True)


orders = st.tuples(
    st.integers(0, 6),
    st.integers(0, 2),
    st.sampled_from(CHANNELS),
    st.sampled_from(("A", "B")),
    st.sampled_from(("none", "none", "cancel", "hold", "invoice")),
)


@st.composite
def searches(draw: st.DrawFn) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for name, values in (
        ("status", STATUSES),
        ("fulfillment_status", FULFILLMENT),
        ("payment_status", PAYMENT),
        ("channel", CHANNELS),
    ):
        if draw(st.booleans()):
            filters[name] = draw(st.lists(st.sampled_from(values), min_size=1, unique=True))
    if draw(st.booleans()):
        filters["customer_id"] = draw(st.integers(0, 2))
    if draw(st.booleans()):
        filters["placed_from"] = T0 + timedelta(minutes=draw(st.integers(0, 6)))
    if draw(st.booleans()):
        filters["placed_to"] = T0 + timedelta(minutes=draw(st.integers(0, 7)))
    if "placed_from" in filters and "placed_to" in filters:
        low, high = sorted((filters["placed_from"], filters["placed_to"]))
        filters["placed_from"], filters["placed_to"] = low, high
    if draw(st.booleans()):
        filters["number_prefix"] = draw(st.sampled_from(PREFIXES))
    return filters


def test_paging_returns_exactly_the_matching_orders_in_order_while_orders_come_in(
    world: World,
) -> None:
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        initial=st.lists(orders, max_size=8),
        filters=searches(),
        page_size=st.integers(1, 5),
        arrivals=st.lists(st.lists(orders, max_size=2), max_size=4),
    )
    def check(
        initial: list[Any], filters: dict[str, Any], page_size: int, arrivals: list[Any]
    ) -> None:
        world.oms.receive_stock(sku="A", location="BER", quantity=3, supplier="S")
        for spec in initial:
            world.place(*spec)
        if "customer_id" in filters:
            filters["customer_id"] = world.customers[filters["customer_id"]]
        before = oracle(world, filters)
        seen: list[OrderView] = []
        expected_new: set[str] = set()
        cursor: str | None = None
        pages = 0
        while True:
            page = world.oms.find_orders(**filters, limit=page_size, cursor=cursor)
            pages += 1
            assert len(page.items) <= page_size
            seen += page.items
            if page.next_cursor is None:
                break
            assert len(page.items) == page_size
            cursor = page.next_cursor
            last = position(page.items[-1])
            for spec in arrivals[pages - 1] if pages <= len(arrivals) else []:
                new_id = world.place(*spec)
                new = world.oms.get_order(new_id)
                if position(new) < last and new in oracle(world, filters):
                    expected_new.add(new_id)  # sorts after the cursor: its page is to come
        positions = [position(o) for o in seen]
        assert positions == sorted(set(positions), reverse=True)  # in order, no repeats
        old = {o.id for o in before}
        assert [o.id for o in seen if o.id in old] == [o.id for o in before]  # no gaps
        assert {o.id for o in seen} - old == expected_new
        assert seen == [world.oms.get_order(o.id) for o in seen]

    check()


def test_a_search_without_filters_pages_through_everything(world: World) -> None:
    ids = [world.place(minute % 3, 0, "web", "B", "none") for minute in range(7)]
    newest_first = sorted((world.oms.get_order(i) for i in ids), key=position, reverse=True)
    first = world.oms.find_orders(limit=4)
    assert first.next_cursor is not None
    second = world.oms.find_orders(limit=4, cursor=first.next_cursor)
    assert second.next_cursor is None
    assert [o.id for o in first.items + second.items] == [o.id for o in newest_first]
    assert world.oms.find_orders(number_prefix="SO-9").items == ()


BAD: list[tuple[str, dict[str, Any]]] = [
    ("cursor", {"cursor": "not a cursor"}),
    ("cursor", {"cursor": ""}),
    ("cursor", {"cursor": "\x00"}),
    ("cursor", {"cursor": "MjAyMC0wMS0wMVQwMDowMDowMCswMDowMHxhAA"}),  # an id with NUL
    ("cursor", {"cursor": "MjAyMC0wMS0wMVQwMDowMDowMHxh"}),  # a time without zone
    ("cursor", {"cursor": 42}),
    ("status[0]", {"status": "shipped"}),
    ("fulfillment_status[0]", {"fulfillment_status": ["open"]}),
    ("payment_status[0]", {"payment_status": [None]}),
    ("channel[0]", {"channel": "fax"}),
    ("customer_id", {"customer_id": ""}),
    ("customer_id", {"customer_id": "C\x00"}),
    ("placed_from", {"placed_from": "2026-01-01T00:00:00"}),
    ("placed_to", {"placed_to": "yesterday"}),
    ("placed_from", {"placed_from": "9999-12-31T23:00:00-05:00"}),
    ("input", {"placed_from": T0, "placed_to": T0 - timedelta(seconds=1)}),
    ("number_prefix", {"number_prefix": "SO\x00"}),
    ("number_prefix", {"number_prefix": "x" * 41}),
    ("limit", {"limit": 0}),
    ("limit", {"limit": 501}),
    ("limit", {"limit": 2.0}),
]


@pytest.mark.parametrize(("field", "arguments"), BAD, ids=[repr(a) for _, a in BAD])
def test_bad_filters_and_cursors_are_validation_errors(
    world: World, field: str, arguments: dict[str, Any]
) -> None:
    world.place(0, 0, "web", "B", "none")
    with pytest.raises(ValidationError) as raised:
        world.oms.find_orders(**arguments)
    assert raised.value.field == field
