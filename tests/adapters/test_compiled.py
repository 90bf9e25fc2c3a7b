"""Statements run through ``compiled`` behave as through ``Connection.execute``: same values
stored and read, same errors, same engine events, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from ordermgmt.adapters.sqlalchemy import open_engine, tables, upgrade
from ordermgmt.adapters.sqlalchemy.compiled import (
    Statement,
    execute,
    execute_many,
    fetch,
    fetch_mappings,
)
from tests.databases import database

c = tables.invoices.c
BY_IDS = Statement(
    select(tables.invoices)
    .where(c.id.in_(bindparam("ids", expanding=True)), c.currency == bindparam("currency"))
    .order_by(c.id)
)
SETTLE = Statement(
    update(tables.invoices)
    .where(c.id == bindparam("k_id"))
    .values(
        settled=bindparam("settled", type_=c.settled.type),
        paid=bindparam("paid", type_=c.paid.type),
    )
)


def _invoice(number: int, **changes: Any) -> dict[str, Any]:
    row = {
        "id": f"inv-{number}",
        "version": 1,
        "number": f"INV-{number}",
        "order_id": "o-1",
        "customer_id": "c-1",
        "currency": "EUR",
        "issued_at": datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        "due_date": date(2025, 3, 31),
        "settlement": "invoice",
        "paid": Decimal("0.10"),
        "credited": Decimal("0"),
        "refunded": Decimal("1234567890.123456"),
        "sent_to": "",
        "fixed_tax": "[]",
        "settled": False,
    }
    return row | changes


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with database(request.param, tmp_path) as url:
        engine = open_engine(url)
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def _insert(rows: list[dict[str, Any]]) -> Statement:
    return Statement(insert(tables.invoices), column_keys=list(rows[0]))


def test_rows_written_and_read_match_sqlalchemy(engine: Engine) -> None:
    rows = [_invoice(1), _invoice(2, settled=True, issued_at=datetime(2025, 1, 1, tzinfo=UTC))]
    with engine.begin() as conn:
        execute_many(conn, _insert(rows), rows)
    with engine.connect() as conn:
        through_sqlalchemy = [
            dict(r._mapping) for r in conn.execute(select(tables.invoices).order_by(c.id))
        ]
        ours = fetch_mappings(conn, BY_IDS, {"ids": ["inv-1", "inv-2"], "currency": "EUR"})
    assert ours == through_sqlalchemy
    assert [r["paid"] for r in ours] == [Decimal("0.1"), Decimal("0.1")]
    assert ours[0]["issued_at"] == rows[0]["issued_at"]
    assert ours[0]["issued_at"].tzinfo is not None
    assert [r["settled"] for r in ours] == [False, True]


def test_an_instant_with_another_offset_is_stored_as_utc(engine: Engine) -> None:
    moment = datetime(2025, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    row = _invoice(1, issued_at=moment)
    with engine.begin() as conn:
        execute(conn, _insert([row]), row)
    with engine.connect() as conn:
        (found,) = fetch_mappings(conn, BY_IDS, {"ids": ["inv-1"], "currency": "EUR"})
    assert found["issued_at"] == moment
    assert found["issued_at"].utcoffset() == timedelta(0)


@pytest.mark.parametrize("count", [0, 1, 3, 7])
def test_expanding_lists_of_any_length(engine: Engine, count: int) -> None:
    rows = [_invoice(n) for n in range(10)]
    with engine.begin() as conn:
        execute_many(conn, _insert(rows), rows)
    with engine.connect() as conn:
        wanted = [f"inv-{n}" for n in range(count)]
        found = fetch(conn, BY_IDS, {"ids": wanted, "currency": "EUR"})
        assert [r[0] for r in found] == wanted
        assert fetch(conn, BY_IDS, {"ids": wanted, "currency": "USD"}) == []


def test_rowcount_and_transaction(engine: Engine) -> None:
    row = _invoice(1)
    with engine.connect() as conn:
        execute(conn, _insert([row]), row)
        assert conn.in_transaction()
        assert execute(conn, SETTLE, {"k_id": "inv-1", "settled": True, "paid": Decimal(5)}) == 1
        assert execute(conn, SETTLE, {"k_id": "nope", "settled": True, "paid": Decimal(5)}) == 0
        conn.rollback()
    with engine.connect() as conn:
        assert fetch(conn, BY_IDS, {"ids": ["inv-1"], "currency": "EUR"}) == []


def test_driver_errors_are_raised_as_sqlalchemy_raises_them(engine: Engine) -> None:
    row = _invoice(1)
    with engine.connect() as conn:
        execute(conn, _insert([row]), row)
        with pytest.raises(IntegrityError) as raised:
            execute(conn, _insert([row]), row)
        assert raised.value.orig is not None
        assert "INSERT INTO invoices" in str(raised.value.statement)
        conn.rollback()


def test_engine_listeners_see_each_statement(engine: Engine) -> None:
    seen: list[tuple[str, Any, bool]] = []

    def before(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        seen.append((sql.split()[0], params, many))

    def fail(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        if sql.startswith("UPDATE"):
            raise RuntimeError("injected")

    rows = [_invoice(1), _invoice(2)]
    event.listen(engine, "before_cursor_execute", before)
    try:
        with engine.connect() as conn:
            execute_many(conn, _insert(rows), rows)
            fetch(conn, BY_IDS, {"ids": ["inv-1"], "currency": "EUR"})
            event.listen(engine, "before_cursor_execute", fail)
            with pytest.raises(RuntimeError, match="injected"):
                execute(conn, SETTLE, {"k_id": "inv-1", "settled": True, "paid": Decimal(5)})
            conn.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "before_cursor_execute", fail)
    kinds = [(sql, many) for sql, _, many in seen if sql != "BEGIN"]
    assert kinds == [("INSERT", True), ("SELECT", False), ("UPDATE", False)]
    assert len(seen[-1][1]) == 3  # the driver's parameters


def test_statements_are_logged_like_sqlalchemy_logs_them(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="sqlalchemy.engine"), engine.connect() as conn:
        fetch(conn, BY_IDS, {"ids": ["inv-1"], "currency": "EUR"})
    logged = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("SELECT invoices.id") for m in logged)
    assert any("inv-1" in m for m in logged)


def test_a_table_with_client_side_defaults_is_refused() -> None:
    """Such defaults are computed per execution by SQLAlchemy; a statement planned once would
    leave them out, so it is refused up front."""
    defaults = Table(
        "with_defaults",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("note", String, default="none"),
    )
    with pytest.raises(ValueError, match="client-side column defaults"):
        Statement(insert(defaults))
    with pytest.raises(ValueError, match="client-side column defaults"):
        Statement(update(defaults).values(note="changed"))


def test_a_bind_parameter_without_a_type_is_refused() -> None:
    """Values are converted by their column's type (text for amounts on SQLite, say); a
    parameter in ``.values()`` gets no type from its column, so it must be given one."""
    untyped = update(tables.invoices).where(c.id == bindparam("k_id")).values(paid=bindparam("p"))
    with pytest.raises(ValueError, match="'p' has no type"):
        Statement(untyped)


def test_a_literal_that_needs_its_types_conversion_is_refused(engine: Engine) -> None:
    literal = Statement(select(c.id).where(c.paid == Decimal("1.50")))
    with engine.connect() as conn, pytest.raises(ValueError, match="named bindparam"):
        fetch(conn, literal)


def test_literal_strings_and_integers_are_sent_as_written(engine: Engine) -> None:
    rows = [_invoice(1), _invoice(2, currency="USD")]
    with engine.begin() as conn:
        execute_many(conn, _insert(rows), rows)
    eur = Statement(select(c.id).where(c.currency == "EUR", c.version == 1).limit(5))
    with engine.connect() as conn:
        assert fetch(conn, eur) == [("inv-1",)]
