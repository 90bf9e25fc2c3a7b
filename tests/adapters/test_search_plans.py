"""``find_orders`` reads one page through an index, whatever the filter (SQLite's planner).

A search by one value of one axis (or none, a time range or a cursor) walks an index that ends
in ``placed_at, id``, the order of the search, so it reads a page and stops: no scan of
``orders`` and no sort. A number prefix and several values of one axis read the matching
orders through an index and sort them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from tests.databases import sqlite_url

IN_ORDER: list[tuple[dict[str, Any], str]] = [
    ({}, "ix_orders_placed"),
    ({"status": "open"}, "ix_orders_status_placed"),
    ({"fulfillment_status": "backordered"}, "ix_orders_fulfillment_status_placed"),
    ({"payment_status": "paid"}, "ix_orders_payment_status_placed"),
    ({"channel": "web"}, "ix_orders_channel_placed"),
    ({"customer_id": "id-000002"}, "ix_orders_customer_id_placed"),
    ({"placed_from": "2026-01-01T00:00:00Z", "placed_to": "2026-02-01T00:00Z"}, "ix_orders_placed"),
    ({"cursor": "cursor"}, "ix_orders_placed"),
    ({"status": "open", "cursor": "cursor"}, "ix_orders_status_placed"),
]
SORTED: list[dict[str, Any]] = [{"number_prefix": "SO-0001"}, {"status": ["open", "on_hold"]}]


@pytest.fixture
def plans(tmp_path: Path) -> Any:
    oms = OrderManagement.from_url(
        sqlite_url(tmp_path), migrate=True, clock=FixedClock(), ids=SequentialIdGenerator()
    )
    oms.upsert_product(sku="A", name="A", unit_price=Money("1.00", "EUR"), tax_rate="0.19")
    buyer = oms.register_customer(name="X", kind="b2c", payment_preference="card")
    assert buyer.id == "id-000002"
    for _ in range(3):
        oms.place_order(customer_id=buyer.id, channel="web", lines=[{"sku": "A", "quantity": 1}])
    cursor = oms.find_orders(limit=1).next_cursor
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    seen: list[tuple[str, Any]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn: Any, cur: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.startswith("SELECT") and "ORDER BY orders.placed_at DESC" in statement:
            seen.append((statement, params))

    def plan_of(filters: dict[str, Any]) -> list[str]:
        if filters.get("cursor") == "cursor":
            filters = {**filters, "cursor": cursor}
        seen.clear()
        oms.find_orders(**filters)
        ((statement, params),) = seen
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
        return [str(row[-1]) for row in rows]

    yield plan_of
    engine.dispose()


@pytest.mark.parametrize(("filters", "index"), IN_ORDER, ids=[str(f) for f, _ in IN_ORDER])
def test_a_search_walks_an_index_in_its_order(
    plans: Any, filters: dict[str, Any], index: str
) -> None:
    (step,) = plans(filters)
    assert f"USING INDEX {index} " in f"{step} "


@pytest.mark.parametrize("filters", SORTED, ids=[str(f) for f in SORTED])
def test_other_searches_read_only_matching_orders_through_an_index(
    plans: Any, filters: dict[str, Any]
) -> None:
    search, sort = plans(filters)
    assert search.startswith("SEARCH orders USING INDEX")
    assert sort == "USE TEMP B-TREE FOR ORDER BY"
