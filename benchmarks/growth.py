"""The cost of one placement as the database grows.

The database is grown fast with synthetic history written straight into the library's tables
(``executemany`` on SQLite, ``COPY`` on PostgreSQL): customers, orders, their lines, and the
allocations of the few orders still open. The history is consistent: every order belongs to a
stored customer and orders stored products, closed orders (completed or cancelled) hold no
reservation, and the stock rows' ``reserved`` equals the open orders' allocations. Placements
are then timed one by one through the library's facade.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from common import (
    LOCATION,
    PRICE,
    TAX_RATE,
    SeededIds,
    log,
    open_oms,
    register_customers,
    stock_catalog,
)
from rawsql import RawCycle, connect

#: The growth benchmark's catalog.
SKUS = tuple(f"SKU-{n:04d}" for n in range(1, 21))
CHANNELS = ("web", "store", "phone", "email", "edi", "marketplace", "sales_rep", "api")
ORDERS_PER_CUSTOMER = 10
CHUNK = 50_000
CREDIT_LIMIT = Decimal("100000")

ORDER_COLUMNS = (
    "id",
    "version",
    "number",
    "customer_id",
    "channel",
    "currency",
    "status",
    "payment_status",
    "fulfillment_status",
    "placed_at",
    "idempotency_key",
    "request_fingerprint",
    "customer_reference",
    "hold_reason",
    "cancel_reason",
    "prepaid_amount",
)
LINE_COLUMNS = (
    "order_id",
    "line_no",
    "sku",
    "name",
    "quantity",
    "unit_price",
    "tax_rate",
    "discount",
    "price_overridden",
    "backordered",
    "cancelled",
    "shipped",
    "delivered",
    "returned",
    "invoiced",
    "credited",
)
ALLOCATION_COLUMNS = ("order_id", "line_no", "location", "sku", "quantity")
CUSTOMER_COLUMNS = (
    "id",
    "version",
    "name",
    "kind",
    "payment_preference",
    "payment_terms_days",
    "credit_limit",
    "credit_currency",
    "email",
    "phone",
    "billing_address",
    "shipping_address",
    "blocked",
    "registered_at",
)


class History:
    """Synthetic, reproducible order history, in chunks of rows for one database."""

    def __init__(self, pg: bool, seed: int) -> None:
        self.pg = pg
        self.random = random.Random(seed)
        self.ids = SeededIds(seed + 1)
        self.start = datetime(2025, 1, 1, tzinfo=UTC)
        self.customers: list[str] = []

    def _amount(self, value: Decimal) -> Any:
        return value if self.pg else format(value, "f")

    def _when(self, moment: datetime) -> Any:
        return moment if self.pg else moment.strftime("%Y-%m-%d %H:%M:%S.%f")

    def _flag(self, value: bool) -> Any:
        return value if self.pg else int(value)

    def chunks(self, first_number: int, count: int) -> Iterator[tuple[list[tuple[Any, ...]], ...]]:
        """(customers, orders, lines, allocations) rows for ``count`` orders numbered from
        ``first_number``, ``CHUNK`` orders at a time."""
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            yield self._chunk(first_number + done, size)
            done += size

    def _chunk(self, first_number: int, size: int) -> tuple[list[tuple[Any, ...]], ...]:
        rng = self.random
        new_customers: list[tuple[Any, ...]] = []
        for _ in range(max(1, size // ORDERS_PER_CUSTOMER)):
            customer_id = self.ids.new_id()
            new_customers.append(
                (
                    customer_id,
                    1,
                    f"Customer {len(self.customers) + len(new_customers)}",
                    "b2b",
                    "invoice",
                    30,
                    self._amount(CREDIT_LIMIT),
                    "EUR",
                    "",
                    "",
                    None,
                    None,
                    self._flag(False),
                    self._when(self.start),
                )
            )
        chunk_customers = [row[0] for row in new_customers]
        self.customers.extend(chunk_customers)
        orders: list[tuple[Any, ...]] = []
        lines: list[tuple[Any, ...]] = []
        allocations: list[tuple[Any, ...]] = []
        price = self._amount(PRICE.amount)
        rate = self._amount(TAX_RATE)
        zero = self._amount(Decimal(0))
        no = self._flag(False)
        for n in range(first_number, first_number + size):
            order_id = self.ids.new_id()
            customer_id = rng.choice(chunk_customers)
            placed_at = self.start + timedelta(seconds=rng.randrange(365 * 86400))
            draw = rng.random()
            status, payment, fulfillment = (
                ("open", "not_invoiced", "reserved")
                if draw < 0.02
                else ("cancelled", "not_invoiced", "unreserved")
                if draw < 0.04
                else ("completed", "paid", "delivered")
            )
            skus = rng.sample(SKUS, 2 if rng.random() < 0.4 else 1)
            quantities = [rng.randint(1, 3) for _ in skus]
            channel = rng.choice(CHANNELS)
            key = f"import-{n}" if rng.random() < 0.3 else None
            fingerprint = json.dumps(
                {
                    "customer_id": customer_id,
                    "channel": channel,
                    "lines": [
                        {"sku": s, "quantity": q, "unit_price": None, "discount": None}
                        for s, q in zip(skus, quantities, strict=True)
                    ],
                    "currency": None,
                    "customer_reference": "",
                },
                separators=(",", ":"),
            )
            orders.append(
                (
                    order_id,
                    5 if status == "completed" else 2 if status == "cancelled" else 1,
                    f"SO-{n:06d}",
                    customer_id,
                    channel,
                    "EUR",
                    status,
                    payment,
                    fulfillment,
                    self._when(placed_at),
                    key,
                    fingerprint,
                    "",
                    "",
                    "customer request" if status == "cancelled" else "",
                    zero,
                )
            )
            for line_no, (sku, quantity) in enumerate(zip(skus, quantities, strict=True), 1):
                done = quantity if status == "completed" else 0
                lines.append(
                    (
                        order_id,
                        line_no,
                        sku,
                        f"Product {sku}",
                        quantity,
                        price,
                        rate,
                        zero,
                        no,
                        0,
                        quantity if status == "cancelled" else 0,
                        done,
                        done,
                        0,
                        done,
                        0,
                    )
                )
                if status == "open":
                    allocations.append((order_id, line_no, LOCATION, sku, quantity))
        return new_customers, orders, lines, allocations


class Grower:
    """Writes synthetic history into a database that already has the schema and catalog."""

    def __init__(self, url: str, seed: int) -> None:
        self.conn, dialect = connect(url)
        self.pg = dialect == "postgresql"
        self.history = History(self.pg, seed)
        if not self.pg:
            self.conn.execute("PRAGMA cache_size=-262144")  # this connection only

    def orders(self) -> int:
        cursor = self.conn.cursor()
        cursor.execute("SELECT count(*) FROM orders")
        count = int(cursor.fetchone()[0])
        self.conn.commit()
        return count

    def add(self, count: int) -> None:
        conn = self.conn
        cursor = conn.cursor()
        p = "%s" if self.pg else "?"
        if not self.pg:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(
            f"SELECT value FROM sequences WHERE series = {p}" + (" FOR UPDATE" if self.pg else ""),
            ("order",),
        )
        found = cursor.fetchone()
        first = (int(found[0]) if found else 0) + 1
        reserved: dict[str, int] = {}
        for customers, orders, lines, allocations in self.history.chunks(first, count):
            self._write(cursor, "customers", CUSTOMER_COLUMNS, customers)
            self._write(cursor, "orders", ORDER_COLUMNS, orders)
            self._write(cursor, "order_lines", LINE_COLUMNS, lines)
            self._write(cursor, "order_allocations", ALLOCATION_COLUMNS, allocations)
            for *_, sku, quantity in allocations:
                reserved[sku] = reserved.get(sku, 0) + quantity
        cursor.executemany(
            f"UPDATE stock_items SET reserved = reserved + {p} WHERE sku = {p} AND location = {p}",
            [(q, sku, LOCATION) for sku, q in sorted(reserved.items())],
        )
        cursor.execute(
            f"INSERT INTO sequences (series, value) VALUES ({p}, {p}) "
            "ON CONFLICT (series) DO UPDATE SET value = excluded.value",
            ("order", first + count - 1),
        )
        conn.commit()
        self._settle()

    def _write(
        self, cursor: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        names = ", ".join(columns)
        if self.pg:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def _settle(self) -> None:
        """Leave the database as a live one would be: the WAL checkpointed on SQLite; on
        PostgreSQL vacuumed and analysed, as autovacuum does after a large load."""
        if self.pg:
            self.conn.autocommit = True
            self.conn.execute("VACUUM ANALYZE")
            try:  # write the load's dirty pages out now, not during the timed placements
                self.conn.execute("CHECKPOINT")
            except Exception as error:  # needs superuser or pg_checkpoint
                log(f"  (no CHECKPOINT after the load: {error})")
            self.conn.autocommit = False
        else:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


#: The searches timed at every size (``find_orders`` arguments, 50 orders a page). ``page 10``
#: follows the cursor nine times first, untimed; the time is that of the tenth page.
SEARCHES: dict[str, dict[str, Any]] = {
    "newest": {},
    "open": {"status": "open"},
    "cancelled": {"status": "cancelled"},
    "backordered": {"fulfillment_status": "backordered"},
    "channel": {"channel": "edi"},
    "customer": {"customer_id": None},  # a random history customer
    "one day": {
        "placed_from": datetime(2025, 6, 1, tzinfo=UTC),
        "placed_to": datetime(2025, 6, 2, tzinfo=UTC),
    },
    "number prefix": {"number_prefix": "SO-00012"},
    "page 10": {},
}


def search_cost(
    oms: Any, customers: list[str], rng: random.Random, repeats: int = 25
) -> dict[str, float]:
    """Median milliseconds of one ``find_orders`` page (50 orders) per search of
    :data:`SEARCHES`."""
    medians: dict[str, float] = {}
    for name, arguments in SEARCHES.items():
        times = []
        for _ in range(repeats):
            given = dict(arguments)
            if "customer_id" in given:
                given["customer_id"] = rng.choice(customers)
            cursor = None
            if name == "page 10":
                for _ in range(9):
                    cursor = oms.find_orders(**given, cursor=cursor).next_cursor
            t0 = time.perf_counter()
            oms.find_orders(**given, cursor=cursor)
            times.append(time.perf_counter() - t0)
        medians[name] = round(statistics.median(times) * 1000, 2)
    return medians


def _searches_line(medians: dict[str, float]) -> str:
    return ", ".join(f"{name} {ms:.2f}" for name, ms in medians.items())


def placement_cost(
    urls: dict[int, str], placements: int, warmup: int, seed: int
) -> list[dict[str, Any]]:
    """Time placements on databases holding different numbers of orders.

    Each size gets a database of its own (``urls``: orders -> empty database), grown with the
    same synthetic history (the smaller one's history is the start of the larger one's). The
    placements then go round the databases in turn, so that whatever else the machine does
    falls on every size alike. Each placement through the library is followed by a
    hand-written one (one line, for a customer without credit limit) on the same database: a
    control that shows whether a difference between sizes comes from the library or from the
    machine."""
    sizes = sorted(urls)
    targets: list[dict[str, Any]] = []
    try:
        for size in sizes:
            oms = open_oms(urls[size], seed)
            target: dict[str, Any] = {"size": size, "oms": oms}
            targets.append(target)
            stock_catalog(oms, SKUS)
            target["control_customer"] = register_customers(oms, 1)[0]
            grower = Grower(urls[size], seed)
            try:
                start = time.perf_counter()
                grower.add(size)
                target["loaded"] = time.perf_counter() - start
                target["orders_before"] = grower.orders()
                target["customers"] = grower.history.customers
            finally:
                grower.close()
            log(f"  {size:>9,} orders loaded in {target['loaded']:.1f} s")
            conn, dialect = connect(urls[size])
            target["conn"] = conn
            target["control"] = RawCycle(conn, dialect, SeededIds(seed + 3))
            target["random"] = random.Random(seed + 2)
            target["times"], target["control_times"] = [], []
        for n in range(warmup + placements):
            for k in range(len(targets)):  # a different size first each time
                target = targets[(n + k) % len(targets)]
                rng = target["random"]
                skus = rng.sample(SKUS, 2 if rng.random() < 0.4 else 1)
                lines = [{"sku": s, "quantity": rng.randint(1, 3)} for s in skus]
                customer = rng.choice(target["customers"])
                t0 = time.perf_counter()
                target["oms"].place_order(customer_id=customer, channel="web", lines=lines)
                t1 = time.perf_counter()
                target["control"].place(target["control_customer"], skus[0], 1)
                t2 = time.perf_counter()
                if n >= warmup:
                    target["times"].append(t1 - t0)
                    target["control_times"].append(t2 - t1)
        for target in targets:
            target["search"] = search_cost(target["oms"], target["customers"], target["random"])
        results = []
        for target in targets:
            times, control_times = target["times"], target["control_times"]
            row = {
                "orders": target["size"],
                "orders_in_db": target["orders_before"],
                "load_seconds": round(target["loaded"], 1),
                "placements": placements,
                "median_ms": statistics.median(times) * 1000,
                "p95_ms": _percentile(times, 0.95) * 1000,
                "mean_ms": statistics.fmean(times) * 1000,
                "raw_median_ms": statistics.median(control_times) * 1000,
                "raw_p95_ms": _percentile(control_times, 0.95) * 1000,
                "search_ms": target["search"],
            }
            log(
                f"  {row['orders']:>9,} orders: median {row['median_ms']:.2f} ms, "
                f"p95 {row['p95_ms']:.2f} ms, raw median {row['raw_median_ms']:.2f} ms"
            )
            log("    find_orders, median ms: " + _searches_line(row["search_ms"]))
            results.append(row)
        return results
    finally:
        for target in targets:
            if "conn" in target:
                target["conn"].close()
            target["oms"].close()
