"""Driver errors become the library's errors at every statement, and transient ones (deadlock,
serialization failure, busy database) are retried before they reach the caller as the
retryable ``TransientConflict``."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from ordermgmt import Money, OrderManagement, errors
from tests.adapters import workers
from tests.databases import database


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def _stocked(url: str) -> OrderManagement:
    oms = OrderManagement.from_url(url, migrate=True)
    oms.upsert_product(
        sku="BOLT", name="Bolt", unit_price=Money("1.00", "EUR"), tax_rate=Decimal("0.19")
    )
    oms.receive_stock(sku="BOLT", location="A", quantity=10, supplier="Supplier")
    return oms


def _transient(oms: OrderManagement) -> Exception:
    """What the driver raises when the database gives up on a transaction."""
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        import psycopg

        return psycopg.errors.DeadlockDetected("deadlock detected")
    import sqlite3

    return sqlite3.OperationalError("database is locked")


def _fail_on(
    oms: OrderManagement, wanted: Callable[[str], bool], error: Exception, times: int
) -> list[str]:
    """Make the driver raise ``error`` on the first ``times`` statements ``wanted`` picks."""
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _fail(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if wanted(statement) and len(seen) < times:
            seen.append(statement)
            raise error

    return seen


def _stock_read(statement: str) -> bool:
    return statement.lstrip().upper().startswith("SELECT") and "stock_items" in statement


def test_a_deadlock_in_a_lock_mid_use_case_is_retried_and_the_use_case_succeeds(
    url: str,
) -> None:
    oms = _stocked(url)
    failed = _fail_on(oms, _stock_read, _transient(oms), times=2)
    result = oms.adjust_stock(sku="BOLT", location="A", reason="found", change=5)
    assert len(failed) == 2  # the first two runs met it, the third went through
    assert result.on_hand == 15
    assert OrderManagement.from_url(url).availability("BOLT").on_hand == 15


def test_a_deadlock_that_persists_is_a_retryable_transient_conflict_and_changes_nothing(
    url: str,
) -> None:
    oms = _stocked(url)
    failed = _fail_on(oms, _stock_read, _transient(oms), times=1000)
    with pytest.raises(errors.TransientConflict) as caught:
        oms.adjust_stock(sku="BOLT", location="A", reason="found", change=5)
    assert caught.value.retryable
    assert caught.value.code == "transient_conflict"
    assert caught.value.attempts == len(failed) == 5
    assert OrderManagement.from_url(url).availability("BOLT").on_hand == 10


def test_a_driver_error_in_a_read_is_a_storage_error_not_a_raw_driver_error(url: str) -> None:
    oms = _stocked(url)
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    broken = engine.dialect.loaded_dbapi.OperationalError("disk I/O error")
    _fail_on(oms, _stock_read, broken, times=1)
    with pytest.raises(errors.StorageError):
        oms.availability("BOLT")
    assert oms.availability("BOLT").on_hand == 10  # the next call works


def test_a_reservation_taken_by_a_write_off_after_the_order_was_read_is_a_conflict(
    tmp_path: Path,
) -> None:
    """cancel_order reads the order, then a write-off takes one of its reserved units, then
    cancel locks the stock row: the order it read is stale, which is a ConcurrencyConflict
    (retryable), not an input error."""
    with database("postgres", tmp_path) as url:
        oms = _stocked(url)
        customer = oms.register_customer(name="Acme", kind="b2b", payment_preference="invoice")
        order = oms.place_order(
            customer_id=customer.id, channel="web", lines=[{"sku": "BOLT", "quantity": 4}]
        )
        other = OrderManagement.from_url(url)
        engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
        wrote_off = threading.Event()

        @event.listens_for(engine, "before_cursor_execute")
        def _write_off_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if "FOR UPDATE" in statement and "stock_items" in statement and not wrote_off.is_set():
                wrote_off.set()  # the competing write-off commits before cancel locks the row
                other.adjust_stock(sku="BOLT", location="A", reason="damage", counted=3)

        with pytest.raises(errors.ConcurrencyConflict) as caught:
            oms.cancel_order(order.id)
        assert caught.value.retryable
        assert wrote_off.is_set()
        cancelled = oms.cancel_order(order.id)  # running it again reads the new state
        assert cancelled.status == "cancelled"
        stock = oms.availability("BOLT")
        assert (stock.on_hand, stock.reserved) == (3, 0)


def test_many_processes_adjusting_ordering_and_cancelling_meet_no_deadlock(
    tmp_path: Path,
) -> None:
    """Orders over three locations, write-offs and cancels from several processes at once:
    every lock is taken in one order, so no deadlock reaches anyone, and stock adds up."""
    processes, rounds = 6, 40
    with database("postgres", tmp_path) as url:
        customers = workers.prepare_churn(url, processes)
        context = multiprocessing.get_context("spawn")
        barrier = context.Manager().Barrier(processes)
        with context.Pool(processes) as pool:
            results = pool.starmap_async(
                workers.churn, [(url, c, rounds, n, barrier) for n, c in enumerate(customers)]
            ).get(timeout=240)
        met: dict[str, int] = {}
        for result in results:
            for code, count in result.items():
                met[code] = met.get(code, 0) + count
        assert "transient_conflict" not in met, met
        assert met.get("ok", 0) > processes * rounds // 2, met
        oms = OrderManagement.from_url(url)
        for sku in workers.CHURN_SKUS:
            stock = oms.availability(sku)
            reserved = sum(
                line.reserved
                for customer in customers
                for order in oms.customer_orders(customer)
                for line in order.lines
                if line.sku == sku
            )
            assert stock.reserved == reserved
            assert all(0 <= loc.reserved <= loc.on_hand for loc in stock.locations)


def test_a_driver_error_while_relaying_events_is_a_storage_error(url: str) -> None:
    oms = _stocked(url)
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    broken = engine.dialect.loaded_dbapi.OperationalError("disk I/O error")
    _fail_on(oms, lambda statement: "outbox" in statement, broken, times=1)
    with pytest.raises(errors.StorageError):
        oms.publish_pending_events()
    assert oms.publish_pending_events() == 0
