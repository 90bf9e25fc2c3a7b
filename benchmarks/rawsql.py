"""One order-to-cash cycle as hand-written SQL, without SQLAlchemy: the yardstick.

It writes what the library writes for a cycle, into the library's own tables, in the same
transactions: placing (1), invoicing and sending the invoice (2), the payment (1), creating
and booking the shipment (2), the delivery (1). Every transaction loads the rows it changes
(the aggregate's root and the child rows it needs), updates roots under a version check,
keeps the stock row locked while reserving (``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE`` on
PostgreSQL), takes document numbers from ``sequences``, writes journal entries with their
postings (``executemany``), and stores each transaction's events in ``outbox`` while marking
the previous transaction's events as published, as the library's unit of work does.

What it leaves out is the library's machinery: no domain objects, no validation of commands,
no identity map, no change tracking; SQL strings are written once by hand.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from common import LOCATION, SeededIds, libpq_url

CENT = Decimal("0.01")
ZERO = Decimal(0)
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _rate_code(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f")


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": format(amount, "f"), "currency": currency}


def connect(url: str) -> tuple[Any, str]:
    """A DB-API connection for ``url`` set up as the library sets up its own, and the dialect."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn, "sqlite"
    import psycopg

    return psycopg.connect(libpq_url(url)), "postgresql"  # READ COMMITTED, as the library


class RawCycle:
    """The cycle's transactions, one method per use case of the facade."""

    def __init__(self, conn: Any, dialect: str, ids: SeededIds) -> None:
        self.conn = conn
        self.pg = dialect == "postgresql"
        self.cur = conn.cursor()
        self.ids = ids
        self.for_update = " FOR UPDATE" if self.pg else ""
        self.delivered: list[str] = []  # event ids to mark as published with the next commit
        self.statements = 0
        self.transactions = 0
        self.tracking = 0
        self._sql: dict[str, str] = {}

    # -- plumbing ------------------------------------------------------------------------------

    def _q(self, sql: str) -> str:
        found = self._sql.get(sql)
        if found is None:
            found = self._sql[sql] = sql.replace("?", "%s") if self.pg else sql
        return found

    def run(self, sql: str, params: Any = ()) -> Any:
        self.statements += 1
        return self.cur.execute(self._q(sql), params)

    def run_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        if len(rows) == 1:
            self.run(sql, rows[0])
            return
        self.statements += 1
        self.cur.executemany(self._q(sql), rows)

    def one(self, sql: str, params: Any) -> Any:
        row = self.run(sql, params).fetchone()
        if row is None:
            raise LookupError(f"no row for {params!r}: {sql}")
        return row

    def all(self, sql: str, params: Any) -> list[Any]:
        return list(self.run(sql, params).fetchall())

    def amount(self, value: Decimal) -> Any:
        return value if self.pg else format(value, "f")

    def when(self, moment: datetime) -> Any:
        return moment if self.pg else moment.astimezone(UTC).strftime(_SQLITE_TIME)

    def day(self, value: date) -> Any:
        return value if self.pg else value.isoformat()

    def flag(self, value: bool) -> Any:
        return value if self.pg else int(value)

    def begin(self) -> None:
        if not self.pg:  # psycopg opens the transaction with the first statement
            self.run("BEGIN IMMEDIATE")

    def commit(self, events: list[tuple[str, datetime, dict[str, Any]]]) -> None:
        now = datetime.now(UTC)
        if self.delivered:
            marks = ", ".join("?" * len(self.delivered))
            self.run(
                f"UPDATE outbox SET published_at = ? WHERE event_id IN ({marks})",
                (self.when(now), *self.delivered),
            )
        rows = []
        for name, occurred_at, payload in events:
            event_id = self.ids.new_id()
            body = {
                "event": name,
                "event_id": event_id,
                "occurred_at": occurred_at.isoformat(),
                **payload,
            }
            rows.append(
                (
                    event_id,
                    name,
                    json.dumps(body, sort_keys=True),
                    self.when(occurred_at),
                    self.when(now),
                )
            )
        self.run_many(
            "INSERT INTO outbox (event_id, name, payload, occurred_at, committed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        self.conn.commit()
        self.transactions += 1
        self.delivered = [row[0] for row in rows]  # "published" after commit

    def next_value(self, series: str) -> int:
        row = self.one(
            "INSERT INTO sequences (series, value) VALUES (?, 1) "
            "ON CONFLICT (series) DO UPDATE SET value = sequences.value + 1 RETURNING value",
            (series,),
        )
        return int(row[0])

    def bump(self, table: str, key: str, version: int, assignments: str, values: Any) -> None:
        """UPDATE a root row under its version, as optimistic concurrency wants."""
        cursor = self.run(
            f"UPDATE {table} SET version = version + 1{assignments} WHERE id = ? AND version = ?",
            (*values, key, version),
        )
        if cursor.rowcount != 1:
            raise RuntimeError(f"{table} {key} changed concurrently")

    def journal(
        self,
        now: datetime,
        description: str,
        reference: str,
        postings: list[tuple[str, str, Decimal]],
        currency: str,
    ) -> tuple[str, dict[str, Any]]:
        entry_id = self.ids.new_id()
        self.run(
            "INSERT INTO journal_entries (id, posted_at, description, reference, reverses) "
            "VALUES (?, ?, ?, ?, ?)",
            (entry_id, self.when(now), description, reference, ""),
        )
        self.run_many(
            "INSERT INTO postings (entry_id, position, account, side, amount, currency) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (entry_id, position, account, side, self.amount(amount), currency)
                for position, (account, side, amount) in enumerate(postings)
            ],
        )
        debits = sum((a for _, side, a in postings if side == "debit"), ZERO)
        event = {
            "amount": _money(debits, currency),
            "description": description,
            "entry_id": entry_id,
            "reference": reference,
        }
        return entry_id, event

    # -- the use cases -------------------------------------------------------------------------

    def place(self, customer_id: str, sku: str, quantity: int) -> str:
        now = datetime.now(UTC)
        self.begin()
        blocked, credit_limit = self.one(
            "SELECT blocked, credit_limit FROM customers WHERE id = ?", (customer_id,)
        )
        if blocked or credit_limit is not None:  # the cycle's customers have no credit limit
            raise RuntimeError("the raw cycle places for unblocked customers without a limit")
        name, unit_price, currency, tax_rate, active = self.one(
            "SELECT name, unit_price, currency, tax_rate, active FROM products WHERE sku = ?",
            (sku,),
        )
        if not active:
            raise RuntimeError(f"product {sku} is inactive")
        price, rate = Decimal(str(unit_price)), Decimal(str(tax_rate))
        number = f"SO-{self.next_value('order'):06d}"
        stock = self.all(
            "SELECT location, on_hand, reserved FROM stock_items WHERE sku = ? "
            "ORDER BY location" + self.for_update,
            (sku,),
        )
        location = next(loc for loc, on_hand, reserved in stock if on_hand - reserved >= quantity)
        self.run(
            "UPDATE stock_items SET version = version + 1, reserved = reserved + ? "
            "WHERE sku = ? AND location = ?",
            (quantity, sku, location),
        )
        order_id = self.ids.new_id()
        fingerprint = json.dumps(
            {
                "customer_id": customer_id,
                "channel": "web",
                "lines": [{"sku": sku, "quantity": quantity, "unit_price": None, "discount": None}],
                "currency": None,
                "customer_reference": "",
            },
            separators=(",", ":"),
        )
        self.run(
            "INSERT INTO orders (id, version, number, customer_id, channel, currency, status, "
            "payment_status, placed_at, idempotency_key, request_fingerprint, customer_reference, "
            "hold_reason, cancel_reason, prepaid_amount) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                order_id,
                1,
                number,
                customer_id,
                "web",
                currency,
                "open",
                "not_invoiced",
                self.when(now),
                None,
                fingerprint,
                "",
                "",
                "",
                self.amount(ZERO),
            ),
        )
        self.run_many(
            "INSERT INTO order_lines (order_id, line_no, sku, name, quantity, unit_price, "
            "tax_rate, discount, price_overridden, backordered, cancelled, shipped, delivered, "
            "returned, invoiced, credited) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    order_id,
                    1,
                    sku,
                    name,
                    quantity,
                    self.amount(price),
                    self.amount(rate),
                    self.amount(ZERO),
                    self.flag(False),
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                )
            ],
        )
        self.run_many(
            "INSERT INTO order_allocations (order_id, line_no, location, sku, quantity) "
            "VALUES (?, ?, ?, ?, ?)",
            [(order_id, 1, location, sku, quantity)],
        )
        net = price * quantity
        total = net + _round(net * rate)
        self.commit(
            [
                (
                    "OrderPlaced",
                    now,
                    {
                        "channel": "web",
                        "customer_id": customer_id,
                        "number": number,
                        "order_id": order_id,
                        "total": _money(total, currency),
                    },
                ),
                (
                    "StockReserved",
                    now,
                    {
                        "location": location,
                        "order_id": order_id,
                        "quantity": quantity,
                        "sku": sku,
                    },
                ),
            ]
        )
        return order_id

    def invoice(self, order_id: str) -> str:
        """Issue the invoice, then send it: two transactions, as in the library (sending
        happens between them)."""
        now = datetime.now(UTC)
        self.begin()
        version, customer_id, currency = self.one(
            "SELECT version, customer_id, currency FROM orders WHERE id = ?", (order_id,)
        )
        lines = self.all(
            "SELECT line_no, sku, name, quantity, unit_price, tax_rate, discount, invoiced "
            "FROM order_lines WHERE order_id = ? ORDER BY line_no",
            (order_id,),
        )
        (terms,) = self.one("SELECT payment_terms_days FROM customers WHERE id = ?", (customer_id,))
        number = f"INV-{now.year}-{self.next_value(f'invoice-{now.year}'):06d}"
        self.bump("orders", order_id, version, ", payment_status = ?", ("invoiced",))
        self.run_many(
            "UPDATE order_lines SET invoiced = ? WHERE order_id = ? AND line_no = ?",
            [(quantity, order_id, line_no) for line_no, _, _, quantity, *_ in lines],
        )
        invoice_id = self.ids.new_id()
        due = now.date() + timedelta(days=int(terms))
        self.run(
            "INSERT INTO invoices (id, version, number, order_id, customer_id, currency, "
            "issued_at, due_date, settlement, paid, credited, refunded, sent_to, fixed_tax, "
            "settled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                invoice_id,
                1,
                number,
                order_id,
                customer_id,
                currency,
                self.when(now),
                self.day(due),
                "receivable",
                self.amount(ZERO),
                self.amount(ZERO),
                self.amount(ZERO),
                "",
                "[]",
                self.flag(False),
            ),
        )
        document_lines = []
        net_by_rate: dict[Decimal, Decimal] = {}
        for position, (
            line_no,
            sku,
            name,
            quantity,
            unit_price,
            tax_rate,
            discount,
            _,
        ) in enumerate(lines):
            price, rate = Decimal(str(unit_price)), Decimal(str(tax_rate))
            net = price * quantity - Decimal(str(discount))
            net_by_rate[rate] = net_by_rate.get(rate, ZERO) + net
            document_lines.append(
                (
                    invoice_id,
                    position,
                    line_no,
                    sku,
                    name,
                    quantity,
                    self.amount(price),
                    self.amount(Decimal(str(discount))),
                    self.amount(rate),
                    self.amount(net),
                )
            )
        self.run_many(
            "INSERT INTO document_lines (document_id, position, order_line_no, sku, name, "
            "quantity, unit_price, discount, tax_rate, net) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            document_lines,
        )
        tax_by_rate = {rate: _round(net * rate) for rate, net in net_by_rate.items()}
        total = sum(net_by_rate.values(), ZERO) + sum(tax_by_rate.values(), ZERO)
        postings = [("1400", "debit", total)]
        postings += [(f"4000-{_rate_code(r)}", "credit", n) for r, n in net_by_rate.items()]
        postings += [(f"2300-{_rate_code(r)}", "credit", t) for r, t in tax_by_rate.items()]
        _, entry = self.journal(now, f"Invoice {number}", number, postings, currency)
        self.commit(
            [
                (
                    "InvoiceIssued",
                    now,
                    {
                        "customer_id": customer_id,
                        "due_date": due.isoformat(),
                        "invoice_id": invoice_id,
                        "number": number,
                        "order_id": order_id,
                        "settlement": "receivable",
                        "total": _money(total, currency),
                    },
                ),
                ("JournalEntryPosted", now, entry),
            ]
        )
        now = datetime.now(UTC)
        self.begin()
        version, number, customer_id = self.one(
            "SELECT version, number, customer_id FROM invoices WHERE id = ?", (invoice_id,)
        )
        recipient = f"customer:{customer_id}"
        self.bump("invoices", invoice_id, version, ", sent_to = ?", (recipient,))
        self.commit(
            [
                (
                    "InvoiceSent",
                    now,
                    {"invoice_id": invoice_id, "number": number, "recipient": recipient},
                )
            ]
        )
        return invoice_id

    def pay(self, invoice_id: str) -> None:
        now = datetime.now(UTC)
        self.begin()
        version, number, order_id, customer_id, currency, paid, credited, refunded = self.one(
            "SELECT version, number, order_id, customer_id, currency, paid, credited, refunded "
            "FROM invoices WHERE id = ?",
            (invoice_id,),
        )
        lines = self.all(
            "SELECT net, tax_rate FROM document_lines WHERE document_id = ?", (invoice_id,)
        )
        net_by_rate: dict[Decimal, Decimal] = {}
        for net, rate in lines:
            key = Decimal(str(rate))
            net_by_rate[key] = net_by_rate.get(key, ZERO) + Decimal(str(net))
        total = sum(n + _round(n * r) for r, n in net_by_rate.items())
        amount = total - Decimal(str(paid)) - Decimal(str(credited)) + Decimal(str(refunded))
        (order_version,) = self.one("SELECT version FROM orders WHERE id = ?", (order_id,))
        self.bump("orders", order_id, order_version, ", payment_status = ?", ("paid",))
        self.bump(
            "invoices",
            invoice_id,
            version,
            ", paid = ?, settled = ?",
            (self.amount(Decimal(str(paid)) + amount), self.flag(True)),
        )
        payment_id = self.ids.new_id()
        self.run(
            "INSERT INTO payments (id, version, kind, customer_id, order_id, invoice_id, amount, "
            "currency, method, reference, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                payment_id,
                1,
                "payment",
                customer_id,
                order_id,
                invoice_id,
                self.amount(amount),
                currency,
                "bank_transfer",
                "",
                self.when(now),
            ),
        )
        _, entry = self.journal(
            now,
            f"Payment for {number}",
            number,
            [("1200", "debit", amount), ("1400", "credit", amount)],
            currency,
        )
        self.commit(
            [
                (
                    "PaymentReceived",
                    now,
                    {
                        "amount": _money(amount, currency),
                        "customer_id": customer_id,
                        "invoice_id": invoice_id,
                        "kind": "payment",
                        "method": "bank_transfer",
                        "order_id": order_id,
                        "payment_id": payment_id,
                    },
                ),
                ("JournalEntryPosted", now, entry),
            ]
        )

    def ship(self, order_id: str) -> str:
        """Create the shipment, book it with the carrier, record the booking: two
        transactions, the carrier call between them, as in the library."""
        now = datetime.now(UTC)
        self.begin()
        status, number, customer_id = self.one(
            "SELECT status, number, customer_id FROM orders WHERE id = ?", (order_id,)
        )
        if status != "open":
            raise RuntimeError(f"order {number} is {status}, not open for shipping")
        lines = self.all(
            "SELECT line_no, sku, quantity, shipped FROM order_lines WHERE order_id = ? "
            "ORDER BY line_no",
            (order_id,),
        )
        allocations = self.all(
            "SELECT line_no, location, sku, quantity FROM order_allocations WHERE order_id = ? "
            "ORDER BY line_no, location",
            (order_id,),
        )
        weight = ZERO
        for sku in sorted({sku for _, _, sku, _ in allocations}):
            (kg,) = self.one("SELECT weight_kg FROM products WHERE sku = ?", (sku,))
            units = sum(q for _, _, s, q in allocations if s == sku)
            weight += Decimal(str(kg)) * units
        shipment_number = f"SH-{self.next_value('shipment'):06d}"
        self.one("SELECT name, shipping_address FROM customers WHERE id = ?", (customer_id,))
        shipment_id = self.ids.new_id()
        body: dict[str, Any] = {
            "booking_error": "",
            "carrier": "parcel",
            "created_at": now.isoformat(),
            "delivered_at": None,
            "estimated_delivery": None,
            "label": "",
            "lines": [[line_no, sku, quantity] for line_no, _, sku, quantity in allocations],
            "location": allocations[0][1] if allocations else LOCATION,
            "parcels": [format(weight, "f")],
            "price": None,
            "proof_of_delivery": "",
            "service": "",
            "status": "pending",
            "tracking": [],
            "tracking_number": "",
        }
        self.run(
            "INSERT INTO shipments (id, version, number, order_id, body) VALUES (?, ?, ?, ?, ?)",
            (shipment_id, 1, shipment_number, order_id, json.dumps(body, sort_keys=True)),
        )
        created = {
            "carrier": "parcel",
            "location": body["location"],
            "number": shipment_number,
            "order_id": order_id,
            "shipment_id": shipment_id,
        }
        self.commit([("ShipmentCreated", now, created)])

        # the carrier books the parcel here, outside any transaction
        self.tracking += 1
        tracking_number = f"PARCEL{self.tracking:06d}"
        now = datetime.now(UTC)
        self.begin()
        (shipment_version,) = self.one("SELECT version FROM shipments WHERE id = ?", (shipment_id,))
        (order_version,) = self.one("SELECT version FROM orders WHERE id = ?", (order_id,))
        allocations = self.all(
            "SELECT line_no, location, sku, quantity FROM order_allocations WHERE order_id = ? "
            "ORDER BY line_no, location",
            (order_id,),
        )
        self.run_many(
            "UPDATE stock_items SET version = version + 1, on_hand = on_hand - ?, "
            "reserved = reserved - ? WHERE sku = ? AND location = ?",
            [(q, q, sku, location) for _, location, sku, q in allocations],
        )
        self.bump("orders", order_id, order_version, "", ())
        shipped = {line_no: 0 for line_no, *_ in lines}
        for line_no, _, _, quantity in allocations:
            shipped[line_no] += quantity
        self.run_many(
            "UPDATE order_lines SET shipped = ? WHERE order_id = ? AND line_no = ?",
            [
                (before + shipped[line_no], order_id, line_no)
                for line_no, _, _, before in lines
                if shipped[line_no]
            ],
        )
        self.run_many(
            "DELETE FROM order_allocations WHERE order_id = ? AND line_no = ? AND location = ?",
            [(order_id, line_no, location) for line_no, location, _, _ in allocations],
        )
        body.update(
            estimated_delivery=(now.date() + timedelta(days=2)).isoformat(),
            label=f"parcel label {tracking_number}\nref {number}/{shipment_number}",
            price=["4.90", "EUR"],
            service="standard",
            status="booked",
            tracking_number=tracking_number,
        )
        self.bump("shipments", shipment_id, shipment_version, ", body = ?", (json.dumps(body),))
        booked = {
            "carrier": "parcel",
            "number": shipment_number,
            "order_id": order_id,
            "shipment_id": shipment_id,
            "tracking_number": tracking_number,
        }
        self.commit([("ShipmentBooked", now, booked)])
        return shipment_id

    def deliver(self, shipment_id: str, proof: str) -> None:
        now = datetime.now(UTC)
        self.begin()
        shipment_version, order_id, number, text = self.one(
            "SELECT version, order_id, number, body FROM shipments WHERE id = ?", (shipment_id,)
        )
        order_version, order_number = self.one(
            "SELECT version, number FROM orders WHERE id = ?", (order_id,)
        )
        lines = self.all(
            "SELECT line_no, quantity, cancelled, shipped, delivered FROM order_lines "
            "WHERE order_id = ? ORDER BY line_no",
            (order_id,),
        )
        body = json.loads(text)
        delivered = {line_no: quantity for line_no, _, quantity in body["lines"]}
        completed = all(
            d + delivered.get(no, 0) >= q - c for no, q, c, _, d in lines
        )  # every unit not cancelled is delivered
        self.bump(
            "orders",
            order_id,
            order_version,
            ", status = ?",
            ("completed" if completed else "open",),
        )
        self.run_many(
            "UPDATE order_lines SET delivered = ? WHERE order_id = ? AND line_no = ?",
            [(d + delivered[no], order_id, no) for no, _, _, _, d in lines if no in delivered],
        )
        description = f"proof of delivery: {proof}"
        body.update(
            delivered_at=now.isoformat(),
            proof_of_delivery=proof,
            status="delivered",
            tracking=[*body["tracking"], ["delivered", now.isoformat(), description]],
        )
        self.bump("shipments", shipment_id, shipment_version, ", body = ?", (json.dumps(body),))
        events: list[tuple[str, datetime, dict[str, Any]]] = [
            (
                "ShipmentTracked",
                now,
                {
                    "description": description,
                    "number": number,
                    "shipment_id": shipment_id,
                    "status": "delivered",
                },
            ),
            (
                "ShipmentDelivered",
                now,
                {
                    "number": number,
                    "order_id": order_id,
                    "proof": proof,
                    "shipment_id": shipment_id,
                },
            ),
        ]
        if completed:
            events.append(("OrderCompleted", now, {"number": order_number, "order_id": order_id}))
        self.commit(events)


class RawRunner:
    """Runs raw cycles on a database the library's schema and catalog were set up in."""

    def __init__(self, url: str, customer_id: str, skus: list[str], seed: int) -> None:
        self.conn, dialect = connect(url)
        self.sql = RawCycle(self.conn, dialect, SeededIds(seed))
        self.customer_id = customer_id
        self.skus = skus

    def cycle(self, i: int) -> tuple[float, float, float, float, float]:
        try:
            return self._cycle(i)
        except Exception:
            self.conn.rollback()  # a failed step leaves no transaction open behind it
            raise

    def _cycle(self, i: int) -> tuple[float, float, float, float, float]:
        sql = self.sql
        clock = time.perf_counter
        t0 = clock()
        order_id = sql.place(self.customer_id, self.skus[i % len(self.skus)], 1)
        t1 = clock()
        invoice_id = sql.invoice(order_id)
        t2 = clock()
        sql.pay(invoice_id)
        t3 = clock()
        shipment_id = sql.ship(order_id)
        t4 = clock()
        sql.deliver(shipment_id, "signed by the customer")
        t5 = clock()
        return t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4

    def close(self) -> None:
        if self.sql.delivered:  # mark what was delivered, as the library does on close
            self.sql.begin()
            marks = ", ".join("?" * len(self.sql.delivered))
            self.sql.run(
                f"UPDATE outbox SET published_at = ? WHERE event_id IN ({marks})",
                (self.sql.when(datetime.now(UTC)), *self.sql.delivered),
            )
            self.conn.commit()
        self.conn.close()
