"""The fuzz of every command and query, on every store: no untyped error, no half-write.

For every input (generated from the message classes, see :mod:`tests.fuzz_inputs`):

- the only exceptions that may reach the caller are ``OrderManagementError``s, and never
  ``StorageError`` (a database refusing what the boundary let through is a bug);
- a refused command changes nothing: the whole stored state (every table, or every dict of the
  in-memory store) is the same before and after;
- what an accepted command returned reads back the same through an OMS opened afresh on the same
  database (the same OMS in memory).

Runs in CI with a few hundred examples per store (seeded). The long form runs seed-free with as
many inputs per store as ``ORDERMGMT_FUZZ_INPUTS`` says, e.g.::

    ORDERMGMT_FUZZ_INPUTS=100000 ORDERMGMT_FUZZ_REPORT=fuzz.json \\
        pytest tests/adapters/test_fuzz.py -k sqlite

and writes its figures (inputs, accepted, refused by error code, time) to the JSON file
``ORDERMGMT_FUZZ_REPORT`` names (and to the log).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ordermgmt import Money, OrderManagement, bootstrap
from ordermgmt import messages as m
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.adapters.memory.store import InMemoryStore
from ordermgmt.adapters.sqlalchemy.tables import metadata
from ordermgmt.errors import OrderManagementError, StorageError
from ordermgmt.facade import build
from tests.databases import BACKENDS, empty_tables
from tests.fuzz_inputs import Pools, fields_of, message_types, resolve

log = logging.getLogger("tests.fuzz")

LONG = int(os.environ.get("ORDERMGMT_FUZZ_INPUTS", "0"))
#: Inputs per store in CI (seeded): a few thousand over the three stores.
CI_INPUTS = {"memory": 1500, "sqlite": 600, "postgres": 500}
#: An example runs every command and query once, in a drawn order; the world is rebuilt every
#: RESET examples, to keep snapshots small.
RESET = 4
AS_OF = date(2026, 3, 1)


class Target:
    """One store under fuzz: opens OMSs on it, snapshots it raw, empties it."""

    def __init__(self, backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        self.backend = backend
        self.engines: list[Any] = []
        self.store = InMemoryStore()
        if backend == "postgres":
            self.url = request.getfixturevalue("postgres_url")
        elif backend == "sqlite":
            self.template = request.getfixturevalue("sqlite_template")
            self.path = tmp_path / "fuzz.db"
            self.url = f"sqlite:///{self.path}"

    def empty(self) -> None:
        self.close()
        if self.backend == "memory":
            self.store = InMemoryStore()
        elif self.backend == "sqlite":
            shutil.copyfile(self.template, self.path)
        else:
            empty_tables(self.url)

    def open(self, clock: FixedClock, ids: SequentialIdGenerator | None = None) -> OrderManagement:
        if self.backend == "memory":
            return OrderManagement(
                bootstrap.in_memory_dependencies(clock=clock, ids=ids, store=self.store)
            )
        oms = OrderManagement.from_url(self.url, clock=clock, ids=ids)
        self.engines.append(oms.dependencies.uow.engine)  # type: ignore[attr-defined]
        return oms

    def snapshot(self) -> Any:
        """Everything stored: every row of every table, or every dict of the memory store."""
        if self.backend == "memory":
            return {k: repr(v) for k, v in vars(self.store).items() if k != "lock"}
        engine = self.engines[0]
        if self.backend == "postgres":  # one round trip: each table's rows, digested there
            with engine.connect() as conn:
                return dict(conn.exec_driver_sql(_DIGEST_SQL).all())
        tables = {}
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                columns = [c for c in table.columns if c.name != "published_at"]
                rows = conn.execute(select(*columns)).all()
                tables[table.name] = sorted(map(repr, rows))
        return tables

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()
        self.engines.clear()


#: PostgreSQL: row count and md5 of the sorted rows of every table (``published_at`` of the
#: outbox left out: a later commit marks delivered events), in one statement.
_DIGEST_SQL = " UNION ALL ".join(
    f"SELECT '{table.name}', count(*) || ':' || md5(coalesce(string_agg(r::text, '|' "
    f"ORDER BY r::text), '')) FROM (SELECT "
    + ", ".join(c.name for c in table.columns if c.name != "published_at")
    + f" FROM {table.name}) r"
    for table in metadata.sorted_tables
)


@dataclass
class Figures:
    inputs: int = 0
    accepted: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    by_message: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    def report(self, backend: str) -> dict[str, Any]:
        return {
            "store": backend,
            "inputs": self.inputs,
            "accepted": self.accepted,
            "refused": dict(self.refused.most_common()),
            "untyped_errors": 0,
            "half_writes": 0,
            "seconds": round(time.monotonic() - self.started, 1),
            "messages": len(self.by_message),
        }


class World:
    """A small shop with one of everything, its pools of keys, and the OMSs on it."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.examples = 0
        self.rebuild()

    def rebuild(self) -> None:
        self.target.empty()
        self.clock = FixedClock(datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
        self.oms = self.target.open(self.clock, SequentialIdGenerator())
        self.pools = Pools()
        seed(self.oms, self.pools)

    def reader(self) -> OrderManagement:
        """An OMS opened afresh on the same store (the same one in memory)."""
        if self.target.backend == "memory":
            return self.oms
        return self.target.open(self.clock)


def seed(oms: OrderManagement, pools: Pools) -> None:
    """Customers, products, stock at two locations, orders in every state worth reaching."""
    card = oms.register_customer(name="Erika", kind="b2c", payment_preference="card")
    account = oms.register_customer(
        name="Acme GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=14,
        credit_limit=Money("5000.00", "EUR"),
        billing_address={
            "line1": "Hauptstr. 1",
            "city": "Berlin",
            "postal_code": "10115",
            "country": "DE",
        },
    )
    for customer in (card, account):
        pools.add("customers", customer.id)
    oms.define_location("BER", name="Berlin", priority=10)
    oms.define_location("HAM", name="Hamburg", priority=20)
    pools.locations.extend(["BER", "HAM", "MUC"])
    oms.upsert_product(
        sku="CHAIR",
        name="Chair",
        unit_price=Money("149.00", "EUR"),
        tax_rate="0.19",
        unit_cost=Money("60.00", "EUR"),
        weight_kg="7.5",
    )
    oms.upsert_product(
        sku="LAMP",
        name="Lamp",
        unit_price=Money("39.90", "EUR"),
        tax_rate="0.07",
        reorder_point=2,
        reorder_quantity=10,
    )
    oms.upsert_product(sku="TEA", name="Tea", unit_price=Money("500", "JPY"), tax_rate="0.1")
    pools.skus.extend(["CHAIR", "LAMP", "TEA", "GHOST"])
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Stuhlwerk")
    oms.receive_stock(sku="CHAIR", location="HAM", quantity=4, supplier="Stuhlwerk")
    oms.receive_stock(sku="LAMP", location="BER", quantity=3, supplier="Licht AG")
    oms.receive_stock(sku="TEA", location="HAM", quantity=20, supplier="Teehaus")
    shipped = oms.place_order(
        customer_id=card.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 2}]
    )
    oms.record_payment(order_id=shipped.id, amount=shipped.total, method="card")
    held = oms.place_order(
        customer_id=account.id,
        channel="edi",
        idempotency_key="PO-1",
        lines=[{"sku": "CHAIR", "quantity": 1}, {"sku": "LAMP", "quantity": 5}],
    )
    tea = oms.place_order(
        customer_id=card.id, channel="store", lines=[{"sku": "TEA", "quantity": 3}]
    )
    invoice = oms.issue_invoice(held.id)
    shipment = oms.ship_order(shipped.id, carrier="own-fleet")
    oms.confirm_delivery(shipment.id, proof="signed")
    rma = oms.request_return(shipped.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="too big")
    for order in (shipped, held, tea):
        pools.add("orders", order.id)
        pools.add("numbers", order.number)
    pools.add("invoices", invoice.id)
    pools.add("numbers", invoice.number)
    pools.add("shipments", shipment.id)
    pools.add("returns", rma.id)
    for invoice_view in oms.order_invoices(shipped.id):
        pools.add("invoices", invoice_view.id)


def harvest(result: Any, pools: Pools) -> None:
    """Remember the keys of what an accepted command created or touched."""
    for view in result if isinstance(result, list) else [result]:
        if isinstance(view, m.ExchangeView):
            harvest(view.return_request, pools)
            harvest(view.replacement_order, pools)
        elif isinstance(view, m.CustomerView):
            pools.add("customers", view.id)
        elif isinstance(view, m.OrderView):
            pools.add("orders", view.id)
            pools.add("numbers", view.number)
        elif isinstance(view, m.InvoiceView):
            pools.add("invoices", view.id)
            pools.add("numbers", view.number)
        elif isinstance(view, m.ShipmentView):
            pools.add("shipments", view.id)
        elif isinstance(view, m.ReturnView):
            pools.add("returns", view.id)
        elif isinstance(view, m.ProductView):
            pools.add("skus", view.sku)
        elif isinstance(view, m.LocationView):
            pools.add("locations", view.code)


def read_back(reader: OrderManagement, result: Any) -> Any:
    """The stored state of what ``result`` shows, read through ``reader``; None if the result
    is nothing that can be read back on its own."""
    readers: dict[type, Callable[[Any], Any]] = {
        m.CustomerView: lambda v: reader.get_customer(v.id),
        m.ProductView: lambda v: reader.get_product(v.sku),
        m.OrderView: lambda v: reader.get_order(v.id),
        m.InvoiceView: lambda v: reader.get_invoice(v.id),
        m.ShipmentView: lambda v: reader.get_shipment(v.id),
        m.ReturnView: lambda v: reader.get_return(v.id),
        m.AvailabilityView: lambda v: reader.availability(v.sku),
        m.ReceiptView: lambda v: v.model_copy(update={"availability": reader.availability(v.sku)}),
    }
    read = readers.get(type(result))
    return None if read is None else read(result)


def run_input(
    world: World,
    figures: Figures,
    message_type: type[m.Message],
    kwargs: dict[str, Any],
    reader: OrderManagement,
) -> None:
    """One input: build and execute it, then check the promises above."""
    figures.inputs += 1
    figures.by_message[message_type.__name__] += 1
    progress = os.environ.get("ORDERMGMT_FUZZ_REPORT")
    if progress and figures.inputs % 1000 == 0:  # the long form shows how far it got
        with open(f"{progress}.progress", "w", encoding="utf-8") as out:
            out.write(json.dumps(figures.report(world.target.backend)) + "\n")
    before = world.target.snapshot()
    try:
        result = world.oms.execute(build(message_type, **kwargs))
    except StorageError as error:
        raise AssertionError(
            f"{message_type.__name__}({kwargs!r}) reached the database: {error}"
        ) from error
    except OrderManagementError as error:
        figures.refused[error.code] += 1
        after = world.target.snapshot()
        if after != before and error.code != "carrier_error":  # a failed booking stays pending
            changed = [k for k in before if before[k] != after.get(k)]
            raise AssertionError(
                f"refused {message_type.__name__}({kwargs!r}) with {error!r} but changed {changed}"
            ) from error
        return
    except Exception as error:
        raise AssertionError(
            f"{message_type.__name__}({kwargs!r}) raised untyped {error!r}"
        ) from error
    figures.accepted += 1
    harvest(result, world.pools)
    if isinstance(message_type, type) and issubclass(message_type, m.Command):
        stored = read_back(reader, result)
        if stored is not None and stored != result:
            raise AssertionError(
                f"{message_type.__name__}({kwargs!r}) returned {result!r} but {stored!r} was stored"
            )


@pytest.fixture
def target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Target]:
    found = Target(backend, tmp_path, request)
    yield found
    found.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_untyped_error_and_no_half_write(target: Target, backend: str) -> None:
    inputs = LONG or CI_INPUTS[backend]
    world = World(target)
    figures = Figures()
    kinds = message_types()

    @settings(
        max_examples=max(1, inputs // len(kinds)),
        deadline=None,
        derandomize=not LONG,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        world.examples += 1
        if world.examples % RESET == 0:
            world.rebuild()
        reader = world.reader()
        for kind in data.draw(st.permutations(kinds), label="order"):
            clean = data.draw(st.booleans(), label="clean")
            drawn = data.draw(fields_of(kind, world.pools, clean=clean), label=kind.__name__)
            kwargs = resolve(drawn, world.pools)
            run_input(world, figures, kind, kwargs, reader)
            world.clock.advance()

    fuzz()
    report = figures.report(backend)
    log.warning("fuzz figures: %s", json.dumps(report))
    path = os.environ.get("ORDERMGMT_FUZZ_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(report) + "\n")
    assert figures.accepted > 0, report
    assert figures.refused, report
    assert len(figures.by_message) == len(kinds), "every command and query was tried"
