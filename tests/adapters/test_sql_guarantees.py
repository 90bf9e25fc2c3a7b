"""What the SQL storage promises under concurrency and failure, on SQLite and PostgreSQL.

Processes, not threads: each worker opens its own OMS on the same database, as separate
application servers would.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from ordermgmt import Money, OrderManagement, errors
from ordermgmt.adapters.sqlalchemy import (
    HEAD,
    SqlAlchemyUnitOfWork,
    current_revision,
    open_engine,
    tables,
    upgrade,
)
from ordermgmt.adapters.sqlalchemy.errors import DUPLICATE_KINDS, translate
from tests.adapters import workers
from tests.databases import database

BACKENDS = ["sqlite", "postgres"]
PROCESSES = 8


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def _pool(processes: int) -> Any:
    return multiprocessing.get_context("spawn").Pool(processes)


def _barrier(parties: int) -> Any:
    return multiprocessing.get_context("spawn").Manager().Barrier(parties)


def test_many_processes_never_reserve_more_than_is_on_hand(url: str) -> None:
    customers = workers.prepare(url, stock=10, customers=PROCESSES)
    barrier = _barrier(PROCESSES)
    with _pool(PROCESSES) as pool:
        results = pool.starmap(workers.buy, [(url, c, 4, barrier) for c in customers])
    oms = OrderManagement.from_url(url)
    stock = oms.availability(workers.SKU)
    placed = [oms.get_order(order_id) for batch in results for order_id in batch]
    assert len(placed) == PROCESSES * 4
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 10, 0)
    assert sum(o.reserved for o in placed) == 10
    assert sum(o.backordered for o in placed) == PROCESSES * 4 - 10
    assert stock.backordered == PROCESSES * 4 - 10


def test_one_idempotency_key_sent_by_many_processes_makes_one_order(url: str) -> None:
    customers = workers.prepare(url, stock=50, customers=1)
    barrier = _barrier(PROCESSES)
    with _pool(PROCESSES) as pool:
        ids = pool.starmap(
            workers.buy_with_key, [(url, customers[0], "po-4711", barrier)] * PROCESSES
        )
    assert len(set(ids)) == 1
    oms = OrderManagement.from_url(url)
    assert len(oms.customer_orders(customers[0])) == 1
    assert oms.availability(workers.SKU).reserved == 2


def test_one_payment_key_sent_by_many_processes_books_one_payment(url: str) -> None:
    """A bank statement line imported by several processes at once pays the order's open
    invoice once; every process answers with the same payment."""
    customers = workers.prepare(url, stock=50, customers=1)
    oms = OrderManagement.from_url(url)
    placed = oms.place_order(
        customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 1}]
    )
    oms.issue_invoice(placed.id)  # 119.00
    barrier = _barrier(PROCESSES)
    with _pool(PROCESSES) as pool:
        results = pool.starmap(
            workers.pay_with_key,
            [(url, placed.id, "119.00", "stmt-1/line-1", barrier)] * PROCESSES,
        )
    assert len({tuple(r) for r in results}) == 1
    balance = OrderManagement.from_url(url).trial_balance()
    assert balance.balance("1200", "EUR") == Decimal("119.00")
    assert balance.balance("1400", "EUR") == Decimal("0.00")
    assert [i.status for i in oms.order_invoices(placed.id)] == ["paid"]


def test_one_delivery_note_sent_by_many_processes_is_received_once(url: str) -> None:
    workers.prepare(url, stock=1, customers=0)  # MAIN exists
    barrier = _barrier(PROCESSES)
    with _pool(PROCESSES) as pool:
        ids = pool.starmap(workers.receive_with_key, [(url, "LS-9", barrier)] * PROCESSES)
    assert len(set(ids)) == 1
    assert OrderManagement.from_url(url).availability(workers.SKU).on_hand == 8


def test_concurrent_invoicing_gives_gapless_unique_numbers(url: str) -> None:
    customers = workers.prepare(url, stock=100, customers=4)
    oms = OrderManagement.from_url(url)
    orders = [
        oms.place_order(
            customer_id=c, channel="web", lines=[{"sku": workers.SKU, "quantity": 1}]
        ).id
        for c in customers
        for _ in range(5)
    ]
    batches = [orders[i::4] for i in range(4)]
    barrier = _barrier(4)
    with _pool(4) as pool:
        numbers = [
            n
            for batch in pool.starmap(workers.invoice, [(url, b, barrier) for b in batches])
            for n in batch
        ]
    sequence = sorted(int(re.sub(r"^INV-\d{4}-", "", n)) for n in numbers)
    assert sequence == list(range(1, len(orders) + 1))


def test_concurrent_credit_notes_get_gapless_unique_numbers(url: str) -> None:
    customers = workers.prepare(url, stock=100, customers=4)
    oms = OrderManagement.from_url(url)
    invoices = [
        oms.issue_invoice(
            oms.place_order(
                customer_id=c, channel="web", lines=[{"sku": workers.SKU, "quantity": 1}]
            ).id
        ).id
        for c in customers
        for _ in range(3)
    ]
    barrier = _barrier(4)
    with _pool(4) as pool:
        batches = pool.starmap(workers.credit, [(url, invoices[i::4], barrier) for i in range(4)])
    numbers = sorted(int(re.sub(r"^CN-\d{4}-", "", n)) for batch in batches for n in batch)
    assert numbers == list(range(1, len(invoices) + 1))
    assert OrderManagement.from_url(url).trial_balance().balanced


WRITE_STEPS = ["place", "invoice", "pay", "ship", "deliver"]
#: Which of the use case's transactions carries its business writes (shipping first commits
#: the pending shipment, then books the carrier, then moves the goods).
MAIN_TRANSACTION = {"place": 0, "invoice": 0, "pay": 0, "ship": 1, "deliver": 0}


@pytest.mark.parametrize("step", WRITE_STEPS)
def test_a_use_case_failing_at_any_write_leaves_no_trace(url: str, step: str) -> None:
    """Fail the use case's main transaction at its 1st, 2nd, ... write statement in turn:
    after each failure stock and ledger are exactly as before and nothing of that transaction
    was stored; then the use case succeeds."""
    customers = workers.prepare(url, stock=20, customers=1)
    oms = OrderManagement.from_url(url, simulate=["parcel"])
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    state: dict[str, Any] = {}

    def run(name: str) -> None:
        if name == "place":
            state["order"] = oms.place_order(
                customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 2}]
            )
        elif name == "invoice":
            state["invoice"] = oms.issue_invoice(state["order"].id)
        elif name == "pay":
            invoice = state["invoice"]
            oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
        elif name == "ship":
            state["shipment"] = oms.ship_order(state["order"].id, carrier="parcel")
        else:
            oms.confirm_delivery(state["shipment"].id, proof="signed")

    for earlier in WRITE_STEPS[: WRITE_STEPS.index(step)]:
        run(earlier)
    failures = 0
    while True:
        before = _counts(oms), _contents(oms)
        injector = _Injector(MAIN_TRANSACTION[step], failures)
        event.listen(engine, "before_cursor_execute", injector.before_statement)
        event.listen(engine, "commit", injector.after_commit)
        try:
            run(step)
        except RuntimeError:
            failures += 1
            after = _counts(oms), _contents(oms)
            assert after == before or _only_committed_parts(before, after)
            continue
        finally:
            event.remove(engine, "before_cursor_execute", injector.before_statement)
            event.remove(engine, "commit", injector.after_commit)
        break
    assert failures >= 3  # every use case writes several statements
    assert OrderManagement.from_url(url).trial_balance().balanced


class _Injector:
    """Raises at the ``fail_at``-th write of the ``transaction``-th transaction."""

    def __init__(self, transaction: int, fail_at: int) -> None:
        self.transaction = transaction
        self.fail_at = fail_at
        self.commits = 0
        self.writes = 0
        self.failed = False

    def before_statement(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.failed or self.commits != self.transaction:
            return
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            if self.writes == self.fail_at:
                self.failed = True  # once: what the use case does to recover must work
                raise RuntimeError("power cut")
            self.writes += 1

    def after_commit(self, conn: Any) -> None:
        self.commits += 1


def _contents(oms: OrderManagement) -> Any:
    stock = oms.availability(workers.SKU)
    return (stock.on_hand, stock.reserved, oms.trial_balance().lines)


def _only_committed_parts(before: Any, after: Any) -> bool:
    """Shipping commits the pending shipment before it calls the carrier: that row (and its
    event) may stay after a later failure; stock and ledger must not move."""
    (counts_before, contents_before), (counts_after, contents_after) = before, after
    grown = {k for k in counts_after if counts_after[k] != counts_before[k]}
    return contents_after == contents_before and grown <= {"shipments", "outbox", "sequences"}


def test_a_failure_between_writes_leaves_no_trace(url: str) -> None:
    customers = workers.prepare(url, stock=5, customers=1)
    oms = OrderManagement.from_url(url)
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    before = _counts(oms)

    def fail(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ORDER_ALLOCATIONS"):
            raise RuntimeError("disk on fire")

    event.listen(engine, "before_cursor_execute", fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        oms.place_order(
            customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 2}]
        )
    event.remove(engine, "before_cursor_execute", fail)
    assert _counts(oms) == before
    assert oms.availability(workers.SKU).reserved == 0
    # The order number that failed is handed out again: the series stays gapless.
    order = oms.place_order(
        customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 2}]
    )
    assert order.number == "SO-000001"


def test_a_process_killed_mid_transaction_leaves_committed_data_intact(url: str) -> None:
    customers = workers.prepare(url, stock=5, customers=1)
    oms = OrderManagement.from_url(url)
    first = oms.place_order(
        customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 1}]
    )
    before = _counts(oms)
    process = multiprocessing.get_context("spawn").Process(
        target=workers.die_while_placing, args=(url, customers[0])
    )
    process.start()
    process.join(60)
    assert process.exitcode == -9  # SIGKILL
    reopened = OrderManagement.from_url(url)
    assert _counts(reopened) == before
    assert reopened.get_order(first.id).reserved == 1
    stock = reopened.availability(workers.SKU)
    assert (stock.on_hand, stock.reserved) == (5, 1)
    assert (
        reopened.place_order(
            customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 1}]
        ).number
        == "SO-000002"
    )


def test_a_stale_order_update_is_a_concurrency_conflict(url: str) -> None:
    customers = workers.prepare(url, stock=5, customers=1)
    oms = OrderManagement.from_url(url)
    order = oms.place_order(
        customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 1}]
    )
    factory = oms.dependencies.uow
    with factory() as uow:
        mine = uow.orders.get(order.id)
        # Someone else's committed change: the row's version moves on under our feet.
        uow.connection.execute(tables.orders.update().values(version=tables.orders.c.version + 1))  # type: ignore[attr-defined]
        mine.hold("fraud check", mine.placed_at)
        with pytest.raises(errors.ConcurrencyConflict) as raised:
            uow.commit()
    assert raised.value.expected_version == 1
    assert oms.get_order(order.id).status == "open"


def test_overlapping_transactions_on_postgres_conflict_instead_of_losing_an_update(
    tmp_path: Path,
) -> None:
    with database("postgres", tmp_path) as url:
        customers = workers.prepare(url, stock=5, customers=1)
        oms = OrderManagement.from_url(url)
        order = oms.place_order(
            customer_id=customers[0], channel="web", lines=[{"sku": workers.SKU, "quantity": 1}]
        )
        factory = oms.dependencies.uow
        with factory() as first, factory() as second:
            mine = first.orders.get(order.id)
            theirs = second.orders.get(order.id)
            mine.hold("checking the address", mine.placed_at)
            first.commit()
            theirs.hold("fraud check", theirs.placed_at)
            with pytest.raises(errors.ConcurrencyConflict):
                second.commit()
        assert oms.get_order(order.id).hold_reason == "checking the address"


def test_events_are_stored_in_the_outbox_and_relayed_when_delivery_was_lost(url: str) -> None:
    workers.prepare(url, stock=5, customers=1)
    seen: list[Any] = []
    oms = OrderManagement.from_url(url)
    oms.subscribe(seen.append)
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:  # as if the process died after commit, before marking
        conn.execute(tables.outbox.update().values(published_at=None))
    pending = oms.dependencies.outbox.pending()  # type: ignore[union-attr]
    assert pending > 0
    from datetime import timedelta

    relayed = oms.dependencies.outbox.relay(grace=timedelta(0))  # type: ignore[union-attr]
    assert relayed == pending
    assert oms.dependencies.outbox.pending() == 0  # type: ignore[union-attr]
    names = [e.name for e in seen]
    assert "CustomerRegistered" in names
    assert "StockReceived" in names
    assert len({e.event_id for e in seen}) == len(seen)
    assert all(e.event_id for e in seen)


def test_an_out_of_date_schema_is_refused_with_a_clear_message(url: str) -> None:
    with pytest.raises(errors.SchemaOutOfDate, match="db upgrade") as raised:
        OrderManagement.from_url(url)
    assert raised.value.found is None
    assert raised.value.needed == HEAD
    OrderManagement.from_url(url, migrate=True)
    oms = OrderManagement.from_url(url)
    assert current_revision(oms.dependencies.uow.engine) == HEAD  # type: ignore[attr-defined]


def test_money_is_stored_exactly(url: str) -> None:
    customers = workers.prepare(url, stock=0, customers=1)
    oms = OrderManagement.from_url(url)
    oms.upsert_product(
        sku="ODD", name="Odd", unit_price=Money("0.333333", "KWD"), tax_rate=Decimal("0.055")
    )
    order = oms.place_order(
        customer_id=customers[0], channel="web", lines=[{"sku": "ODD", "quantity": 7}]
    )
    again = OrderManagement.from_url(url).get_order(order.id)
    assert again.lines[0].unit_price == Money("0.333333", "KWD")
    assert again.total == order.total == Money("2.461", "KWD")


def _counts(oms: OrderManagement) -> dict[str, int]:
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in tables.metadata.tables.items()
        }


_ = SqlAlchemyUnitOfWork


# -- refused rows are translated by the name of the constraint they violate -----------------

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SHIPMENT = {"id": "s-1", "version": 1, "number": "SH-1", "order_id": "o-1", "body": "{}"}
REQUISITION = {
    "id": "r-1",
    "version": 1,
    "sku": "A",
    "location": "BER",
    "quantity": 5,
    "reason": "reorder",
    "status": "open",
    "submitted": False,
    "raised_at": NOW,
    "closed_by": "",
}
PRODUCT = {
    "sku": "part-number-7",  # a word in a key value says nothing about the constraint
    "version": 1,
    "name": "P",
    "unit_price": Decimal("1.00"),
    "currency": "EUR",
    "tax_rate": Decimal("0.19"),
    "reorder_point": 0,
    "reorder_quantity": 0,
    "active": True,
    "weight_kg": Decimal(0),
}
RECORD = {
    "scope": "payment",
    "key": "k",
    "fingerprint": "f",
    "result_ids": "[]",
    "recorded_at": NOW,
}
ENTRY = {"id": "e-1", "posted_at": NOW, "description": "", "reference": "", "reverses": ""}

REFUSED = [
    # (table, first row, second row, DuplicateKey kind or None for a plain Conflict)
    (tables.shipments, SHIPMENT, {**SHIPMENT, "id": "s-2"}, "document number"),
    (tables.requisitions, REQUISITION, {**REQUISITION, "id": "r-2"}, "open requisition"),
    (tables.idempotency_records, RECORD, {**RECORD, "fingerprint": "g"}, "idempotency key"),
    (tables.products, PRODUCT, {**PRODUCT, "name": "Q"}, None),
    (tables.journal_entries, ENTRY, {**ENTRY, "description": "again"}, None),
]


@pytest.mark.parametrize(
    ("table", "first", "second", "kind"),
    REFUSED,
    ids=[f"{table.name}-{kind or 'conflict'}" for table, _, _, kind in REFUSED],
)
def test_a_refused_row_is_translated_by_the_constraint_it_violates(
    url: str, table: Any, first: dict[str, Any], second: dict[str, Any], kind: str | None
) -> None:
    engine = open_engine(url)
    try:
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(table.insert(), first)
        with engine.connect() as conn, pytest.raises(IntegrityError) as raised:
            conn.execute(table.insert(), second)
    finally:
        engine.dispose()
    error = translate(raised.value)
    if kind is None:
        assert type(error) is errors.Conflict
    else:
        assert isinstance(error, errors.DuplicateKey)
        assert error.kind == kind


def test_every_constraint_that_means_a_duplicate_is_one_the_tables_name() -> None:
    named = {
        constraint.name
        for table in tables.metadata.tables.values()
        for constraint in table.constraints
    } | {index.name for table in tables.metadata.tables.values() for index in table.indexes}
    assert set(DUPLICATE_KINDS) <= named
