"""Shared pieces of the benchmarks: ids, databases, the catalog, and the library's cycle."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.carriers import InMemoryCarrier
from ordermgmt.adapters.system import SystemClock

#: The steps of one order-to-cash cycle, in order.
STEPS = ("place", "invoice", "pay", "ship", "deliver")
#: The few hot skus every cycle benchmark orders from.
HOT_SKUS = ("HOT-1", "HOT-2", "HOT-3")
LOCATION = "MAIN"
PRICE = Money("10.00", "EUR")
TAX_RATE = Decimal("0.19")
#: Stock large enough that no benchmark ever runs out (received in lots of the largest size
#: one receipt may have).
LOT = 10**6
PLENTY = 5 * LOT


class SeededIds:
    """Random UUID4 text, as the library's default id generator makes, but reproducible from a
    seed, so that two runs write the same ids."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))


def open_oms(url: str | None, seed: int, *, migrate: bool = True) -> OrderManagement:
    """An OMS in memory (``url`` None) or on a database, with the trivial in-memory carrier."""
    clock = SystemClock()
    carriers = [InMemoryCarrier(clock)]
    ids = SeededIds(seed)
    if url is None:
        return OrderManagement.in_memory(clock=clock, ids=ids, carriers=carriers)
    return OrderManagement.from_url(url, migrate=migrate, clock=clock, ids=ids, carriers=carriers)


def stock_catalog(oms: OrderManagement, skus: Sequence[str], quantity: int = PLENTY) -> None:
    """Products at 10.00 EUR with 19 % tax, each with ``quantity`` units (a multiple of
    ``LOT``) at the main location."""
    for sku in skus:
        oms.upsert_product(sku=sku, name=f"Product {sku}", unit_price=PRICE, tax_rate=TAX_RATE)
        for _ in range(quantity // LOT):
            oms.receive_stock(sku=sku, location=LOCATION, quantity=LOT, supplier="Supplier")


def register_customers(oms: OrderManagement, count: int) -> list[str]:
    """B2B customers paying on invoice, without a credit limit."""
    return [
        oms.register_customer(name=f"Customer {i}", kind="b2b", payment_preference="invoice").id
        for i in range(count)
    ]


def prepare(url: str | None, seed: int, customers: int) -> tuple[OrderManagement, list[str]]:
    """An OMS with the hot skus in stock and ``customers`` customers."""
    oms = open_oms(url, seed)
    stock_catalog(oms, HOT_SKUS)
    return oms, register_customers(oms, customers)


class OursRunner:
    """Runs cycles through the library's facade, timing each step."""

    def __init__(
        self,
        url: str | None,
        customer_id: str,
        skus: Sequence[str],
        seed: int,
        oms: OrderManagement | None = None,
    ) -> None:
        self.oms = oms if oms is not None else open_oms(url, seed, migrate=False)
        self.customer_id = customer_id
        self.skus = list(skus)

    def cycle(self, i: int) -> tuple[float, float, float, float, float]:
        oms = self.oms
        clock = time.perf_counter
        t0 = clock()
        order = oms.place_order(
            customer_id=self.customer_id,
            channel="web",
            lines=[{"sku": self.skus[i % len(self.skus)], "quantity": 1}],
        )
        t1 = clock()
        invoice = oms.issue_invoice(order.id)
        t2 = clock()
        oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
        t3 = clock()
        shipment = oms.ship_order(order.id, carrier="parcel")
        t4 = clock()
        oms.confirm_delivery(shipment.id, proof="signed by the customer")
        t5 = clock()
        return t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4

    def close(self) -> None:
        self.oms.close()


# -- PostgreSQL ----------------------------------------------------------------------------------


def sqlalchemy_url(url: str) -> str:
    """The URL with the psycopg driver named, as the library wants it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The URL as psycopg.connect takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass
class Postgres:
    """Creates benchmark databases next to the one the admin URL names, and drops them."""

    admin_url: str
    created: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.admin_url = sqlalchemy_url(self.admin_url)

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(libpq_url(self.admin_url), autocommit=True)

    def create(self, label: str) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        name = f"ordermgmt_bench_{os.getpid()}_{len(self.created)}_{label}"
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        with self._admin() as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()

    def settings(self) -> dict[str, str]:
        names = ("server_version", "fsync", "synchronous_commit", "shared_buffers", "wal_level")
        with self._admin() as conn:
            return {n: str(conn.execute(f"SHOW {n}").fetchone()[0]) for n in names}

    def safe_url(self) -> str:
        return make_url(self.admin_url).render_as_string(hide_password=True)


# -- the machine -----------------------------------------------------------------------------


def machine(postgres: Postgres | None, tmpdir: str) -> dict[str, Any]:
    """What the figures were measured on."""
    import platform

    import sqlalchemy

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "ordermgmt_commit": _commit(),
        "fsync_ms": round(fsync_latency(tmpdir) * 1000, 3),
    }
    try:
        import psycopg

        info["psycopg"] = psycopg.__version__
    except ImportError:
        info["psycopg"] = None
    if postgres is not None:
        info["postgresql"] = postgres.settings()
    return info


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else ""


def _memory_gib() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    found = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return round(int(found.group(1)) / 2**20, 1) if found else None


def _commit() -> str:
    """The library's commit, marked when its sources differ from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with local changes in src/)" if changed else head


def fsync_latency(directory: str, rounds: int = 50) -> float:
    """Median seconds of one small write + fsync in ``directory`` (what a durable commit pays)."""
    path = Path(directory) / f"fsync-probe-{os.getpid()}"
    times = []
    with open(path, "wb") as handle:
        for _ in range(rounds):
            handle.write(b"x" * 4096)
            handle.flush()
            start = time.perf_counter()
            os.fsync(handle.fileno())
            times.append(time.perf_counter() - start)
    path.unlink()
    times.sort()
    return times[len(times) // 2]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
