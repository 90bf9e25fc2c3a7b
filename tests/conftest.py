"""Shared fixtures: an in-memory OMS with a standing clock and counted ids, and small builders.

The builders keep tests short without hiding what matters: every one goes through the public
facade, exactly as a caller would.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.adapters.sqlalchemy import open_engine, upgrade
from ordermgmt.bootstrap import SIMULATIONS
from ordermgmt.domain.events import DomainEvent
from ordermgmt.messages import CustomerView, OrderView, ProductView, ReceiptView
from tests.databases import (
    BACKENDS,
    POSTGRES_ENV,
    empty_tables,
    postgres_database,
    require_postgres,
)


@pytest.fixture
def clock() -> FixedClock:
    """Business time that stands still until a test moves it."""
    return FixedClock()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Every test that builds an OMS runs on each storage: memory, SQLite, PostgreSQL."""
    return str(request.param)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite database that each test copies (cheaper than migrating)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    engine = open_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One PostgreSQL database for this test run, created with a unique name and dropped at
    the end; each test starts from empty tables."""
    with postgres_database(require_postgres()) as url:
        engine = open_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def build_oms(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., OrderManagement]]:
    """``build_oms(**options)``: an OMS on this test's storage, options as for ``in_memory``.
    On a database it asks for every simulation by name (``simulate``, unless given), so the
    same test sees the same adapters on every store."""
    engines: list[Any] = []
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
        empty_tables(url)
    elif backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "orders.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"

    def build(**options: Any) -> OrderManagement:
        if backend == "memory":
            return OrderManagement.in_memory(**options)
        options.setdefault("simulate", SIMULATIONS)
        oms = OrderManagement.from_url(url, **options)
        engines.append(oms.dependencies.uow.engine)  # type: ignore[attr-defined]
        return oms

    yield build
    for engine in engines:
        engine.dispose()


@pytest.fixture
def oms(clock: FixedClock, build_oms: Callable[..., OrderManagement]) -> OrderManagement:
    """A fresh OMS on each storage: deterministic time and ids."""
    return build_oms(clock=clock, ids=SequentialIdGenerator())


@pytest.fixture
def make_product(oms: OrderManagement) -> Callable[..., ProductView]:
    """``make_product("CHAIR", price="149.00", currency="EUR", tax_rate="0.19", **fields)``."""

    def make(
        sku: str = "CHAIR",
        *,
        price: str = "149.00",
        currency: str = "EUR",
        tax_rate: str = "0.19",
        **fields: Any,
    ) -> ProductView:
        fields.setdefault("name", f"Product {sku}")
        return oms.upsert_product(
            sku=sku, unit_price=Money(price, currency), tax_rate=Decimal(tax_rate), **fields
        )

    return make


@pytest.fixture
def make_customer(oms: OrderManagement) -> Callable[..., CustomerView]:
    """``make_customer(name=..., kind="b2c", payment_preference="card", **fields)``."""

    def make(
        name: str = "Erika Mustermann",
        *,
        kind: str = "b2c",
        payment_preference: str = "card",
        **fields: Any,
    ) -> CustomerView:
        return oms.register_customer(
            name=name, kind=kind, payment_preference=payment_preference, **fields
        )

    return make


@pytest.fixture
def customer(make_customer: Callable[..., CustomerView]) -> CustomerView:
    """A registered B2C customer paying by card."""
    return make_customer()


@pytest.fixture
def receive(oms: OrderManagement) -> Callable[..., ReceiptView]:
    """``receive("CHAIR", 10, location="BER")``: a supplier delivery."""

    def deliver(
        sku: str, quantity: int, location: str = "BER", supplier: str = "Stuhlwerk AG"
    ) -> ReceiptView:
        return oms.receive_stock(sku=sku, location=location, quantity=quantity, supplier=supplier)

    return deliver


@pytest.fixture
def place(oms: OrderManagement, customer: CustomerView) -> Callable[..., OrderView]:
    """``place(("CHAIR", 2), ("DESK", 1), customer_id=..., **options)``: a web order."""

    def order(*lines: tuple[str, int], **options: Any) -> OrderView:
        options.setdefault("customer_id", customer.id)
        options.setdefault("channel", "web")
        return oms.place_order(
            lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines], **options
        )

    return order


@pytest.fixture
def events(oms: OrderManagement) -> list[DomainEvent]:
    """Every event the OMS publishes from now on, in order."""
    seen: list[DomainEvent] = []
    oms.subscribe(seen.append)
    return seen


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for the PostgreSQL tests that did not run (and how to run them) instead of a
    SKIPPED line per test; any other skip is listed with its reason."""
    skipped = terminalreporter.stats.get("skipped", [])
    without_server = [r for r in skipped if POSTGRES_ENV in str(r.longrepr)]
    if without_server:
        terminalreporter.write_line(
            f"{len(without_server)} PostgreSQL tests not run: set {POSTGRES_ENV} to an admin "
            "URL such as postgresql+psycopg://postgres@127.0.0.1:5432/test to run them"
        )
    others = Counter(str(r.longrepr) for r in skipped if r not in without_server)
    for reason, count in sorted(others.items()):
        terminalreporter.write_line(f"SKIPPED {count}: {reason}")
