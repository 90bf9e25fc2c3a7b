"""Random order-to-cash sequences, checked after every step.

A rule-based state machine drives an OMS through its facade only. It places orders (with and
without idempotency keys, replaying keys with the same and with a changed request), cancels,
holds and releases them, receives, counts and moves stock, and blocks and unblocks a customer;
it invoices, takes payments (for invoices, and for orders before their invoice: prepayments and
cash sales), issues credit notes and pays refunds; it ships with the parcel carrier and the own
fleet (also through failed bookings that are retried or cancelled), tracks and delivers; it takes
goods back (restocked or written off) and exchanges them; products' unit costs change; and
business days pass. After every step the invariants must hold.

The machine keeps a small model of what it expects where that is cheap: stock on hand, every
document's money (invoice totals, credit notes with their tax per rate, payments, refunds), the
prepayments held per order, shipments (with the unit cost of each line when it was made up)
and returns (with the shipped units each took back). The ledger is checked against it account
by account, and the order's payment status and the locations that reserve a new order's units
against independent oracles (``model.py``). The rules live by area (``orders.py``,
``stock.py``, ``money.py``, ``delivery.py``, ``returns.py``), the checks in ``invariants.py``.

The same rules run on three storages: in memory, on a SQLite file (a fresh copy of a migrated
template per example) and on PostgreSQL (one database for the run, emptied per example; skipped
unless ``ORDERMGMT_TEST_POSTGRES_URL`` names a server).

Every defect the machine (or modelling it) found is fixed; ``test_found_defects.py`` replays
each one in a short sequence and guards the fix.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, settings

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.bootstrap import SIMULATIONS
from tests.databases import empty_tables
from tests.stateful.delivery import DeliveryRules
from tests.stateful.invariants import Invariants
from tests.stateful.money import MoneyRules
from tests.stateful.orders import OrderRules
from tests.stateful.returns import ReturnRules
from tests.stateful.stock import StockRules


class OrderToCashMachine(
    OrderRules, StockRules, MoneyRules, DeliveryRules, ReturnRules, Invariants
):
    """Order to cash, driven through the facade, checked against a small model."""


OrderToCashMachine.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),  # as Hypothesis does for state machines
)
TestOrderToCash = OrderToCashMachine.TestCase


# -- the same machine on SQL storage -----------------------------------------------------------

SQL_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


class SqliteOrderToCashMachine(OrderToCashMachine):
    """Each example on a fresh copy of a migrated, empty SQLite file."""

    template: ClassVar[Path | None] = None
    directory: ClassVar[Path | None] = None
    counter: ClassVar[Iterator[int]] = itertools.count(1)

    def new_oms(self, clock: FixedClock) -> OrderManagement:
        assert self.template is not None
        assert self.directory is not None
        self.path = self.directory / f"orders-{next(self.counter)}.db"
        shutil.copyfile(self.template, self.path)
        return OrderManagement.from_url(
            f"sqlite:///{self.path}",
            clock=clock,
            ids=SequentialIdGenerator(),
            simulate=SIMULATIONS,
        )

    def teardown(self) -> None:
        super().teardown()
        path: Path | None = getattr(self, "path", None)
        if path is not None:
            path.unlink(missing_ok=True)


class PostgresOrderToCashMachine(OrderToCashMachine):
    """Each example on the emptied tables of the run's PostgreSQL database."""

    url: ClassVar[str | None] = None

    def new_oms(self, clock: FixedClock) -> OrderManagement:
        assert self.url is not None
        empty_tables(self.url)
        return OrderManagement.from_url(
            self.url, clock=clock, ids=SequentialIdGenerator(), simulate=SIMULATIONS
        )


class TestOrderToCashSqlite(SqliteOrderToCashMachine.TestCase):  # type: ignore[misc,valid-type]
    settings = SQL_SETTINGS

    @pytest.fixture(autouse=True)
    def _database(self, sqlite_template: Path, tmp_path: Path) -> Iterator[None]:
        SqliteOrderToCashMachine.template = sqlite_template
        SqliteOrderToCashMachine.directory = tmp_path
        yield
        SqliteOrderToCashMachine.template = SqliteOrderToCashMachine.directory = None


class TestOrderToCashPostgres(PostgresOrderToCashMachine.TestCase):  # type: ignore[misc,valid-type]
    settings = SQL_SETTINGS

    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> Iterator[None]:
        PostgresOrderToCashMachine.url = postgres_url
        yield
        PostgresOrderToCashMachine.url = None
