"""The SQLAlchemy unit of work: one database transaction, an identity map, and the outbox.

Concurrency, by mechanism:
- Stock rows are read ``SELECT ... FOR UPDATE`` (PostgreSQL) in (sku, location) order, so two
  transactions reserving the same sku queue up and the second sees the first one's reservation:
  no oversell. SQLite takes the database write lock at ``BEGIN IMMEDIATE``: writers run one
  after another.
- Document numbers come from ``sequences`` by ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``;
  the row stays locked until commit, so numbers are unique and gapless.
- Every other aggregate carries a ``version``; an UPDATE that finds another version raises
  ``ConcurrencyConflict``. Unique indexes back idempotency keys, document numbers and "one open
  requisition per sku and location"; a violation raises ``DuplicateKey``.
- Events are written to ``outbox`` in the same transaction and published after commit.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.compiled import (
    Statement,
    execute,
    execute_many,
    fetch,
    fetch_mappings,
)
from ordermgmt.adapters.sqlalchemy.mappers import (
    CreditNoteMapper,
    CustomerMapper,
    InvoiceMapper,
    LocationMapper,
    Mapper,
    OrderMapper,
    PaymentMapper,
    ProductMapper,
    ReceiptMapper,
    RequisitionMapper,
    ReturnMapper,
    Row,
    Rows,
    ShipmentMapper,
    StockMapper,
    utc,
)
from ordermgmt.adapters.sqlalchemy.search import order_search_criteria
from ordermgmt.adapters.system import UuidIdGenerator
from ordermgmt.domain.base import Aggregate, committed_events
from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    DuplicateKey,
    NotFound,
    OrderManagementError,
    StorageError,
    TransientConflict,
)
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.domain.ledger import JournalEntry, Posting, Side
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order, OrderStatus
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition, RequisitionStatus, SupplierReceipt
from ordermgmt.domain.returns import ReturnRequest
from ordermgmt.domain.shipment import Shipment
from ordermgmt.ports import EventPublisher, IdGenerator
from ordermgmt.ports import queries as q
from ordermgmt.ports.guard import publish_committed

log = logging.getLogger("ordermgmt.sql")

A = TypeVar("A", bound=Aggregate)


class _Statements:
    """Statements of one aggregate's tables, built and compiled once (see :mod:`.compiled`):
    building and executing a SQLAlchemy statement costs more than running it on SQLite, so the
    hot paths never rebuild them.

    ``base`` reads whole aggregates: when each child table's primary key extends the previous
    one's (order, lines, allocations; invoice, lines), the root is outer-joined with its
    children and one query reads the aggregate, a row per innermost child. Otherwise (and in
    :meth:`_Tracked.load_where`) children are read by a query per child table.
    """

    def __init__(self, mapper: Mapper[Any]) -> None:
        table, key_columns = mapper.table, mapper.key_columns
        self.joined = _joins(table, key_columns, mapper.children)
        if self.joined is None:
            self.tables = [table]
            self.base = select(table)
        else:
            self.tables = [table] + [child for child, _ in mapper.children]
            self.base = select(*self.tables).select_from(self.joined)
        where = [table.c[k] == bindparam(f"k_{k}") for k in key_columns]
        self.by_key = Statement(self.base.where(*where))
        self.by_key_locked = Statement(self.base.where(*where).with_for_update(of=table))
        values: dict[str, Any] = {
            c.name: bindparam(f"v_{c.name}") for c in table.columns if c.name not in key_columns
        }
        self.update = Statement(
            update(table).where(*where, table.c.version == bindparam("old_version")).values(values)
        )
        self.children = {
            child.name: Statement(
                select(child)
                .where(child.c[fk].in_(bindparam("ids", expanding=True)))
                .order_by(*child.primary_key.columns)
            )
            for child, fk in mapper.children
        }
        # Where each table's columns sit in a row of ``base``, and which of them identify a row.
        self.spans: list[tuple[str, int, int, list[str], list[int]]] = []
        start = 0
        for index, part in enumerate(self.tables):
            names = [c.name for c in part.columns]
            keys = key_columns if index == 0 else [c.name for c in part.primary_key.columns]
            positions = [names.index(k) for k in keys]
            self.spans.append((part.name, start, start + len(names), names, positions))
            start += len(names)

    def split(self, rows: list[Any]) -> list[tuple[dict[str, Any], dict[str, list[Row]]]]:
        """Rows of ``base`` as (root row, child rows by table) per aggregate, in order."""
        if self.joined is None:
            names = self.spans[0][3]
            return [(dict(zip(names, row, strict=True)), {}) for row in rows]
        found: dict[tuple[Any, ...], tuple[dict[str, Any], dict[str, list[Row]]]] = {}
        seen: set[tuple[Any, ...]] = set()
        (_, _, root_end, root_names, root_keys), *child_spans = self.spans
        for row in rows:
            key = tuple(row[i] for i in root_keys)
            aggregate = found.get(key)
            if aggregate is None:
                root = dict(zip(root_names, row[:root_end], strict=True))
                aggregate = found[key] = (root, {name: [] for name, *_ in child_spans})
            for name, start, end, names, keys in child_spans:
                values = row[start:end]
                identity = (name, *(values[i] for i in keys))
                if values[keys[0]] is None or identity in seen:
                    continue  # no child row (outer join), or one repeated by a deeper child
                seen.add(identity)
                aggregate[1][name].append(dict(zip(names, values, strict=True)))
        return list(found.values())


def _joins(table: Table, key_columns: Sequence[str], children: Sequence[tuple[Table, str]]) -> Any:
    """``table`` outer-joined with ``children`` if they form a chain (see :class:`_Statements`),
    else None. In a chain every child row matches one row of the table before it, so the join
    multiplies rows only along the chain."""
    if not children or len(key_columns) != 1:
        return None
    joined: Any = table
    parent: tuple[Table, str] | None = None
    for child, fk in children:
        if parent is None:
            on = child.c[fk] == table.c[key_columns[0]]
        else:
            parent_table, parent_fk = parent
            parent_key = [c.name for c in parent_table.primary_key.columns]
            own = [c.name for c in child.primary_key.columns]
            if fk != parent_fk or fk not in parent_key or own[: len(parent_key)] != parent_key:
                return None
            if len(own) == len(parent_key):
                return None
            on = and_(*[child.c[name] == parent_table.c[name] for name in parent_key])
        joined = joined.outerjoin(child, on)
        parent = (child, fk)
    return joined


_statements: dict[str, _Statements] = {}
_cached: dict[str, Statement] = {}
_cache_lock = threading.Lock()


def _cached_statement(key: str, build: Callable[[], Statement]) -> Statement:
    """A statement built once per ``key``."""
    found = _cached.get(key)
    if found is None:
        with _cache_lock:
            found = _cached.get(key)
            if found is None:
                found = _cached[key] = build()
    return found


def _child_update(child: Table, keys: Sequence[str], columns: Sequence[str]) -> Statement:
    def build() -> Statement:
        where = [child.c[k] == bindparam(f"k_{k}") for k in keys]
        values: dict[str, Any] = {c: bindparam(f"v_{c}") for c in columns}
        return Statement(update(child).where(*where).values(values))

    return _cached_statement(f"update:{child.name}:{','.join(columns)}", build)


def _child_delete(child: Table, keys: Sequence[str]) -> Statement:
    def build() -> Statement:
        return Statement(delete(child).where(*[child.c[k] == bindparam(f"k_{k}") for k in keys]))

    return _cached_statement(f"delete:{child.name}", build)


def _insert(name: str, columns: Sequence[str]) -> Statement:
    """INSERT into table ``name`` filling ``columns``."""
    return _cached_statement(
        f"insert:{name}:{','.join(columns)}",
        lambda: Statement(insert(t.metadata.tables[name]), column_keys=columns),
    )


def _insert_rows(conn: Connection, name: str, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows that all have the keys of the first, in one driver call."""
    if rows:
        execute_many(conn, _insert(name, list(rows[0])), rows)


def statements(mapper: Mapper[Any]) -> _Statements:
    found = _statements.get(mapper.table.name)
    if found is None:
        with _cache_lock:
            found = _statements.setdefault(mapper.table.name, _Statements(mapper))
    return found


class _Tracked(Generic[A]):
    """Loaded aggregates of one kind, each with a copy of the state it was loaded in (None when
    new). At flush an aggregate equal to its copy is left alone, as the in-memory store does;
    one that changed is turned into rows, and so is its copy, to write only what differs."""

    def __init__(self, uow: SqlAlchemyUnitOfWork, mapper: Mapper[A]) -> None:
        self.uow = uow
        self.mapper = mapper
        self.objects: dict[tuple[Any, ...], A] = {}
        self.snapshots: dict[tuple[Any, ...], A | None] = {}

    @property
    def conn(self) -> Connection:
        return self.uow.connection

    def _adopt(self, root: Row, children: dict[str, list[Row]]) -> A:
        key = tuple(root[c] for c in self.mapper.key_columns)
        if key in self.objects:
            return self.objects[key]
        obj = self.mapper.build(root, children)
        self.objects[key] = obj
        self.snapshots[key] = obj.clone()
        self.uow.touched.append(obj)
        return obj

    def load_where(
        self, *criteria: Any, order_by: Sequence[Any] = (), lock: bool = False
    ) -> list[A]:
        query = select(self.mapper.table).where(*criteria).order_by(*order_by)
        if lock:
            query = query.with_for_update()
        return self._load([dict(r._mapping) for r in self.conn.execute(query)])

    def load_cached(
        self, name: str, build: Callable[[Select[Any]], Select[Any]], params: dict[str, Any]
    ) -> list[A]:
        """Run a query built once per table and ``name``, from the statement that reads whole
        aggregates (``_Statements.base``)."""
        known = statements(self.mapper)
        statement = _cached_statement(
            f"query:{self.mapper.table.name}:{name}", lambda: Statement(build(known.base))
        )
        return self._read(statement, params)

    def _read(self, statement: Statement, params: dict[str, Any]) -> list[A]:
        """The aggregates a query on ``_Statements.base`` finds."""
        known = statements(self.mapper)
        if known.joined is None:
            return self._load(fetch_mappings(self.conn, statement, params))
        rows = fetch(self.conn, statement, params)
        return [self._adopt(root, children) for root, children in known.split(rows)]

    def _load(self, roots: list[dict[str, Any]]) -> list[A]:
        if not roots:
            return []
        children: dict[tuple[Any, ...], dict[str, list[Row]]] = {}
        key_col = self.mapper.key_columns[0]
        known = statements(self.mapper).children
        # Aggregates already in the identity map keep their state: their rows are not read.
        new = [r for r in roots if tuple(r[c] for c in self.mapper.key_columns) not in self.objects]
        ids = [r[key_col] for r in new]
        for child, fk in self.mapper.children if ids else ():
            for start in range(0, len(ids), 500):
                rows = fetch_mappings(
                    self.conn, known[child.name], {"ids": ids[start : start + 500]}
                )
                for mapping in rows:
                    children.setdefault((mapping[fk],), {}).setdefault(child.name, []).append(
                        mapping
                    )
        result_objects = []
        for root in roots:
            own = children.get((root[key_col],), {})
            result_objects.append(
                self._adopt(
                    root, {child.name: own.get(child.name, []) for child, _ in self.mapper.children}
                )
            )
        return result_objects

    def merged(self, found: list[A], query: q.ListQuery[A]) -> list[A]:
        """What ``query`` finds among the rows read (``found``, every aggregate that matched
        before this unit of work) and the aggregates this unit of work holds: see
        :func:`ordermgmt.ports.queries.merge_pending`."""
        return q.merge_pending(found, self.objects.values(), query)

    def find(self, *key: Any, lock: bool = False) -> A | None:
        if key in self.objects:
            return self.objects[key]
        known = statements(self.mapper)
        params = {f"k_{c}": v for c, v in zip(self.mapper.key_columns, key, strict=True)}
        found = self._read(known.by_key_locked if lock else known.by_key, params)
        return found[0] if found else None

    def get(self, *key: Any) -> A:
        obj = self.find(*key)
        if obj is None:
            raise NotFound(self.mapper.kind, key[0] if len(key) == 1 else key)
        return obj

    def add(self, obj: A) -> None:
        key = self.mapper.key(obj)
        if key in self.objects:
            raise Conflict(f"{self.mapper.kind} {key!r} already exists", kind=self.mapper.kind)
        self.objects[key] = obj
        self.snapshots[key] = None
        self.uow.touched.append(obj)

    def flush(self) -> None:
        """Write what changed: INSERT new aggregates, UPDATE changed roots (version-checked),
        and rewrite changed child collections. Rows are updated in key order (and the
        repositories flushed in a fixed order), so two commits never lock rows in opposite
        orders."""
        inserts: dict[str, list[dict[str, Any]]] = {}
        for key in sorted(self.objects):
            obj = self.objects[key]
            before = self.snapshots[key]
            if before is None:
                obj.version = 1  # the first committed state, as in the in-memory store
                for name, table_rows in self.mapper.rows(obj).items():
                    inserts.setdefault(name, []).extend(table_rows)
                continue
            if obj == before:
                continue
            rows, before_rows = self.mapper.rows(obj), self.mapper.rows(before)
            if rows != before_rows:
                self._update(key, obj, rows, before_rows)
        for name, table_rows in inserts.items():  # roots first: dicts keep insertion order
            _insert_rows(self.conn, name, table_rows)

    def _update(self, key: tuple[Any, ...], obj: A, rows: Rows, before: Rows) -> None:
        table = self.mapper.table
        root = rows[table.name][0]
        old_version = root["version"]
        params = {f"v_{c}": v for c, v in root.items() if c not in self.mapper.key_columns}
        params["v_version"] = old_version + 1
        params["old_version"] = old_version
        params.update({f"k_{c}": v for c, v in zip(self.mapper.key_columns, key, strict=True)})
        if execute(self.conn, statements(self.mapper).update, params) != 1:
            raise ConcurrencyConflict(
                self.mapper.kind, key[0] if len(key) == 1 else key, old_version
            )
        obj.version = old_version + 1
        for child, _ in self.mapper.children:
            if rows[child.name] != before[child.name]:
                self._sync_children(child, before[child.name], rows[child.name])

    def _sync_children(
        self, child: Table, old: list[dict[str, Any]], new: list[dict[str, Any]]
    ) -> None:
        """Write only the child rows that changed: DELETE gone keys, UPDATE changed rows,
        INSERT new ones, each batched."""
        keys = [c.name for c in child.primary_key.columns]
        old_by = {tuple(r[k] for k in keys): r for r in old}
        new_by = {tuple(r[k] for k in keys): r for r in new}
        gone = [dict(zip(keys, k, strict=True)) for k in old_by if k not in new_by]
        added = [row for k, row in new_by.items() if k not in old_by]
        changed = [row for k, row in new_by.items() if k in old_by and old_by[k] != row]
        if gone:
            execute_many(
                self.conn,
                _child_delete(child, keys),
                [{f"k_{k}": r[k] for k in keys} for r in gone],
            )
        if changed:
            columns = [c for c in changed[0] if c not in keys]
            execute_many(
                self.conn,
                _child_update(child, keys, columns),
                [
                    {**{f"k_{k}": r[k] for k in keys}, **{f"v_{c}": r[c] for c in columns}}
                    for r in changed
                ],
            )
        _insert_rows(self.conn, child.name, added)


class _Customers(_Tracked[Customer]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, CustomerMapper())


class _Products(_Tracked[Product]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ProductMapper())

    def list_all(self, *, active_only: bool = False) -> list[Product]:
        criteria = [t.products.c.active.is_(True)] if active_only else []
        found = self.load_where(*criteria)
        return self.merged(found, q.products(active_only=active_only))


class _Locations(_Tracked[Location]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, LocationMapper())

    def list_all(self) -> list[Location]:
        return self.merged(self.load_where(), q.locations())


class _Stock(_Tracked[StockItem]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, StockMapper())

    def get_for_update(self, sku: str, location: str) -> StockItem:
        item = self.find(sku, location, lock=True)
        if item is not None:
            return item
        # Create the row now (no-op if a concurrent transaction did), then lock it.
        self.conn.execute(
            self.uow.insert_ignore(t.stock_items).values(
                sku=sku, location=location, version=0, on_hand=0, reserved=0
            )
        )
        item = self.find(sku, location, lock=True)
        assert item is not None
        return item

    def list_for_update(self, skus: Sequence[str]) -> list[StockItem]:
        c = t.stock_items.c
        found = self.load_cached(
            "for_update",
            lambda base: (
                base.where(c.sku.in_(bindparam("skus", expanding=True)))
                .order_by(c.sku, c.location)
                .with_for_update()
            ),
            {"skus": sorted(set(skus))},
        )
        return self.merged(found, q.stock_of(frozenset(skus)))

    def list_for_sku(self, sku: str) -> list[StockItem]:
        c = t.stock_items.c
        found = self.load_cached(
            "for_sku",
            lambda base: base.where(c.sku == bindparam("sku")).order_by(c.location),
            {"sku": sku},
        )
        return self.merged(found, q.stock_of({sku}))


class _Orders(_Tracked[Order]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, OrderMapper())

    def _by_ids(self, ids: list[str]) -> list[Order]:
        if not ids:
            return []
        return self.load_cached(
            "by_ids",
            lambda base: base.where(t.orders.c.id.in_(bindparam("ids", expanding=True))),
            {"ids": ids},
        )

    def get_by_number(self, number: str) -> Order:
        for order in self.objects.values():
            if order.number == number:
                return order
        found = self.load_where(t.orders.c.number == number)
        if not found:
            raise NotFound("order", number)
        return found[0]

    def find_by_idempotency_key(self, customer_id: str, key: str) -> Order | None:
        for order in self.objects.values():
            if order.idempotency_key == key and order.customer_id == customer_id:
                return order
        c = t.orders.c
        found = self.load_where(c.customer_id == customer_id, c.idempotency_key == key)
        return found[0] if found else None

    def list_for_customer(self, customer_id: str, *, active_only: bool = False) -> list[Order]:
        c = t.orders.c
        criteria = [c.customer_id == customer_id]
        if active_only:
            criteria.append(c.status.in_([OrderStatus.OPEN.value, OrderStatus.ON_HOLD.value]))
        found = self.load_where(*criteria)
        return self.merged(found, q.customer_orders(customer_id, active_only=active_only))

    def _active_ids(self, query: Any) -> list[str]:
        return [r[0] for r in self.conn.execute(query)]

    def list_backordered(self, sku: str | None = None) -> list[Order]:
        c = t.order_lines.c
        criteria = [c.backordered > 0] + ([c.sku == sku] if sku is not None else [])
        ids = self._active_ids(select(c.order_id).where(*criteria).distinct())
        return self.merged(self._by_ids(ids), q.backordered(sku))

    def list_reserving(self, sku: str, location: str) -> list[Order]:
        c = t.order_allocations.c
        ids = self._active_ids(
            select(c.order_id).where(c.sku == sku, c.location == location).distinct()
        )
        return self.merged(self._by_ids(ids), q.reserving(sku, location))

    def search(self, search: q.OrderSearch, *, limit: int) -> list[Order]:
        c = t.orders.c
        # Rows past the page too, as many as this unit of work holds orders: those may have
        # changed so that they no longer match, and the page must still be full.
        query = (
            select(t.orders)
            .where(*order_search_criteria(search, self.conn.dialect.name))
            .order_by(c.placed_at.desc(), c.id.desc())
            .limit(limit + len(self.objects))
        )
        found = self._load([dict(r._mapping) for r in self.conn.execute(query)])
        return self.merged(found, q.order_search(search))[:limit]


class _Requisitions(_Tracked[PurchaseRequisition]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, RequisitionMapper())

    def find_open(self, sku: str, location: str) -> PurchaseRequisition | None:
        for req in self.objects.values():
            if (req.sku, req.location) == (sku, location) and req.status is RequisitionStatus.OPEN:
                return req
        c = t.requisitions.c
        found = self.load_where(c.sku == sku, c.location == location, c.status == "open")
        open_ = [r for r in found if r.status is RequisitionStatus.OPEN]
        return open_[0] if open_ else None

    def add(self, requisition: PurchaseRequisition) -> None:
        if self.find_open(requisition.sku, requisition.location) is not None:
            raise Conflict(
                f"a requisition for {requisition.sku} at {requisition.location} is already open",
                sku=requisition.sku,
                location=requisition.location,
            )
        super().add(requisition)

    def list_open(self) -> list[PurchaseRequisition]:
        c = t.requisitions.c
        return self.merged(self.load_where(c.status == "open"), q.open_requisitions())


class _Receipts(_Tracked[SupplierReceipt]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ReceiptMapper())

    def list_for_sku(self, sku: str) -> list[SupplierReceipt]:
        c = t.receipts.c
        return self.merged(self.load_where(c.sku == sku), q.receipts_of(sku))


class _Documents(_Tracked[A]):
    """Documents listed by fields that never change (order, customer, invoice)."""

    def __init__(self, uow: SqlAlchemyUnitOfWork, mapper: Mapper[A]) -> None:
        super().__init__(uow, mapper)
        self._listed: dict[tuple[str, str], list[tuple[Any, ...]]] = {}

    def _list(self, column: str, value: str, order: str) -> list[A]:
        # One query per list and unit of work: a second call (refreshing an order's payment
        # status after each step, say) reuses what the first one read, plus what was added.
        listed = self._listed.get((column, value))
        if listed is None:
            table = self.mapper.table
            found = self.load_cached(
                f"by:{column}:{order}",
                lambda base: base.where(table.c[column] == bindparam("value")).order_by(
                    table.c[order], table.c.id
                ),
                {"value": value},
            )
            self._listed[(column, value)] = [self.mapper.key(o) for o in found]
        else:
            found = [self.objects[key] for key in listed]
        return self.merged(found, q.documents_by(column, value, order))


class _Invoices(_Documents[Invoice]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, InvoiceMapper())

    def get_by_number(self, number: str) -> Invoice:
        for invoice in self.objects.values():
            if invoice.number == number:
                return invoice
        found = self.load_where(t.invoices.c.number == number)
        if not found:
            raise NotFound("invoice", number)
        return found[0]

    def list_for_order(self, order_id: str) -> list[Invoice]:
        return self._list("order_id", order_id, "issued_at")

    def list_for_customer(self, customer_id: str) -> list[Invoice]:
        return self._list("customer_id", customer_id, "issued_at")

    def list_unsettled(self, customer_id: str | None = None) -> list[Invoice]:
        c = t.invoices.c
        criteria: list[Any] = [c.settled.is_(False)]
        if customer_id is not None:
            criteria.append(c.customer_id == customer_id)
        return self.merged(self.load_where(*criteria), q.unsettled_invoices(customer_id))


class _CreditNotes(_Documents[CreditNote]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, CreditNoteMapper())

    def list_for_invoice(self, invoice_id: str) -> list[CreditNote]:
        return self._list("invoice_id", invoice_id, "issued_at")

    def list_for_order(self, order_id: str) -> list[CreditNote]:
        return self._list("order_id", order_id, "issued_at")

    def list_issued_since(self, at: datetime) -> list[CreditNote]:
        c = t.credit_notes.c
        found = self.load_where(c.issued_at >= at, order_by=[c.issued_at, c.id])
        extra = [n for n in self.objects.values() if n.issued_at >= at and n not in found]
        return sorted(found + extra, key=lambda n: (n.issued_at, n.id))


class _Payments(_Documents[Payment]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, PaymentMapper())

    def list_for_order(self, order_id: str) -> list[Payment]:
        return self._list("order_id", order_id, "received_at")


class _Shipments(_Documents[Shipment]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ShipmentMapper())

    def list_for_order(self, order_id: str) -> list[Shipment]:
        return self._list("order_id", order_id, "number")


class _Returns(_Documents[ReturnRequest]):
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        super().__init__(uow, ReturnMapper())

    def list_for_order(self, order_id: str) -> list[ReturnRequest]:
        return self._list("order_id", order_id, "number")


class _Idempotency:
    """Idempotency records: read by primary key, inserted at commit before anything else, so a
    concurrent transaction with the same (scope, key) waits on the row (PostgreSQL) or on the
    write lock (SQLite) and then fails with ``DuplicateKey``."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow
        self.added: dict[tuple[str, str], IdempotencyRecord] = {}

    def find(self, scope: Scope, key: str) -> IdempotencyRecord | None:
        record = self.added.get((scope, key))
        if record is not None:
            return record
        c = t.idempotency_records.c
        row = (
            self._uow.connection.execute(
                select(t.idempotency_records).where(c.scope == scope.value, c.key == key)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return IdempotencyRecord(
            scope=Scope(row["scope"]),
            key=row["key"],
            fingerprint=row["fingerprint"],
            result_ids=tuple(json.loads(row["result_ids"])),
            recorded_at=utc(row["recorded_at"]),
        )

    def add(self, record: IdempotencyRecord) -> None:
        if (record.scope, record.key) in self.added:
            raise Conflict(
                f"idempotency key {record.key!r} already used for a {record.scope}",
                key=record.key,
            )
        if self.find(record.scope, record.key) is not None:  # a concurrent twin committed
            raise DuplicateKey("idempotency key", f"{record.scope}:{record.key}")
        self.added[(record.scope, record.key)] = record

    def flush(self) -> None:
        _insert_rows(
            self._uow.connection,
            t.idempotency_records.name,
            [
                {
                    "scope": r.scope.value,
                    "key": r.key,
                    "fingerprint": r.fingerprint,
                    "result_ids": json.dumps(list(r.result_ids)),
                    "recorded_at": r.recorded_at,
                }
                for r in self.added.values()
            ],
        )


class _Sequences:
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow

    def next_value(self, series: str) -> int:
        conn = self._uow.connection
        statement = _cached_statement(
            f"next_value:{conn.dialect.name}",
            lambda: Statement(
                self._uow.upsert(t.sequences)
                .values(series=bindparam("series"), value=1)
                .on_conflict_do_update(
                    index_elements=[t.sequences.c.series],
                    set_={"value": t.sequences.c.value + 1},
                )
                .returning(t.sequences.c.value)
            ),
        )
        ((value,),) = fetch(conn, statement, {"series": series})
        return int(value)


class _Ledger:
    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow
        self.posted: list[JournalEntry] = []

    def post(self, entry: JournalEntry) -> None:
        self.posted.append(entry)
        self._uow.touched.append(entry)

    def flush(self) -> None:
        if not self.posted:
            return
        conn = self._uow.connection
        _insert_rows(
            conn,
            t.journal_entries.name,
            [
                {
                    "id": e.id,
                    "posted_at": e.posted_at,
                    "description": e.description,
                    "reference": e.reference,
                    "reverses": e.reverses,
                }
                for e in self.posted
            ],
        )
        _insert_rows(
            conn,
            t.postings.name,
            [
                {
                    "entry_id": e.id,
                    "position": i,
                    "account": p.account,
                    "side": p.side.value,
                    "amount": p.amount.amount,
                    "currency": p.amount.currency,
                }
                for e in self.posted
                for i, p in enumerate(e.postings)
            ],
        )

    def balances(self) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        # Summed here rather than in SQL: SQLite would sum text amounts as floats.
        result: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
        c = t.postings.c
        rows = self._uow.connection.execute(select(c.account, c.currency, c.side, c.amount))
        pending = [
            (p.account, p.amount.currency, p.side.value, p.amount.amount)
            for e in self.posted
            for p in e.postings
        ]
        for account, currency, side, amount in [tuple(r) for r in rows] + pending:
            debit, credit = result.get((account, currency), (Decimal(0), Decimal(0)))
            if side == Side.DEBIT:
                debit += amount
            else:
                credit += amount
            result[(account, currency)] = (debit, credit)
        return result

    def entries(self, reference: str | None = None) -> list[JournalEntry]:
        e = t.journal_entries.c
        query = select(t.journal_entries).order_by(e.seq)
        if reference is not None:
            query = query.where(e.reference == reference)
        stored = self._read(query)
        return stored + [x for x in self.posted if reference is None or x.reference == reference]

    def entries_since(self, at: datetime) -> list[JournalEntry]:
        e = t.journal_entries.c
        # Ordered as the index on posted_at is (its entries end in seq): SQLite would rather
        # walk the whole journal in seq order than sort what the index found.
        query = select(t.journal_entries).where(e.posted_at >= at).order_by(e.posted_at, e.seq)
        stored = self._read(query)
        pending = [x for x in self.posted if x.posted_at >= at]
        return sorted(stored + pending, key=lambda x: x.posted_at)  # stable: seq within a time

    def _read(self, query: Select[Any]) -> list[JournalEntry]:
        p = t.postings.c
        conn = self._uow.connection
        heads = [dict(r._mapping) for r in conn.execute(query)]
        lines: dict[str, list[Posting]] = {}
        ids = [h["id"] for h in heads]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(
                select(t.postings).where(p.entry_id.in_(chunk)).order_by(p.entry_id, p.position)
            )
            for r in rows:
                lines.setdefault(r.entry_id, []).append(
                    Posting(r.account, Side(r.side), Money(r.amount, r.currency).rounded())
                )
        stored = [
            JournalEntry(
                id=h["id"],
                posted_at=utc(h["posted_at"]),
                description=h["description"],
                postings=tuple(lines[h["id"]]),
                reference=h["reference"],
                reverses=h["reverses"],
            )
            for h in heads
        ]
        return stored


#: SQLSTATEs (PostgreSQL) of failures that pass: running the transaction again can succeed.
_TRANSIENT = {"40P01": "deadlock", "40001": "serialization_failure", "55P03": "busy"}


def translate(error: SQLAlchemyError) -> OrderManagementError:
    """The library's error for an error SQLAlchemy raised: the one place driver errors are
    turned into :mod:`ordermgmt.errors` (the unit of work calls it for every statement)."""
    if not isinstance(error, DBAPIError):
        return StorageError(f"database error: {type(error).__name__}")
    text = str(error.orig).lower()
    if isinstance(error, IntegrityError):
        for marker, kind in (
            ("idempotency", "idempotency key"),
            ("uq_open_requisition", "open requisition"),
            ("number", "document number"),
            ("purchase_requisitions", "open requisition"),
        ):
            if marker in text:
                return DuplicateKey(kind, str(error.params)[:200])
        return Conflict(f"the database refused a duplicate or invalid row: {error.orig}")
    reason = _TRANSIENT.get(getattr(error.orig, "sqlstate", None) or "")
    if reason is None and "deadlock" in text:
        reason = "deadlock"
    elif reason is None and "could not serialize" in text:
        reason = "serialization_failure"
    elif reason is None and "database is locked" in text:  # SQLite: busy timeout passed
        reason = "busy"
    if reason is not None:
        return TransientConflict(reason, str(error.orig).strip()[:200])
    return StorageError(f"database error: {error.orig}")


class SqlAlchemyUnitOfWork:
    """A unit of work over an engine; see the module docstring for what it promises."""

    def __init__(
        self,
        engine: Engine,
        publisher: EventPublisher,
        ids: IdGenerator | None = None,
        marks: DeliveredMarks | None = None,
    ) -> None:
        self._engine = engine
        self._publisher = publisher
        self._ids: IdGenerator = ids or UuidIdGenerator()
        self._marks = marks or DeliveredMarks()
        self._connection: Connection | None = None
        dialect = engine.dialect.name
        self._insert_module: Any = postgresql if dialect == "postgresql" else sqlite

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not active; use it in a with-block")
        return self._connection

    def upsert(self, table: Any) -> Any:
        return self._insert_module.insert(table)

    def insert_ignore(self, table: Any) -> Any:
        return self._insert_module.insert(table).on_conflict_do_nothing()

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work cannot be entered twice; make a new one")
        try:
            # The transaction begins with the first statement (SQLAlchemy's autobegin), which
            # on SQLite issues BEGIN IMMEDIATE: see schema.open_engine.
            self._connection = self._engine.connect()
        except DBAPIError as error:
            self._connection = None
            raise translate(error) from error
        self._committed: list[DomainEvent] = []
        self._reset()
        return self

    def _reset(self) -> None:
        self.touched: list[Aggregate] = []
        self._made: dict[str, Any] = {}

    def _made_as(self, name: str, make: Callable[[SqlAlchemyUnitOfWork], Any]) -> Any:
        repository = self._made.get(name)
        if repository is None:
            repository = self._made[name] = make(self)
        return repository

    @property
    def customers(self) -> _Customers:
        return self._made_as("customers", _Customers)  # type: ignore[no-any-return]

    @property
    def products(self) -> _Products:
        return self._made_as("products", _Products)  # type: ignore[no-any-return]

    @property
    def locations(self) -> _Locations:
        return self._made_as("locations", _Locations)  # type: ignore[no-any-return]

    @property
    def stock(self) -> _Stock:
        return self._made_as("stock", _Stock)  # type: ignore[no-any-return]

    @property
    def orders(self) -> _Orders:
        return self._made_as("orders", _Orders)  # type: ignore[no-any-return]

    @property
    def requisitions(self) -> _Requisitions:
        return self._made_as("requisitions", _Requisitions)  # type: ignore[no-any-return]

    @property
    def receipts(self) -> _Receipts:
        return self._made_as("receipts", _Receipts)  # type: ignore[no-any-return]

    @property
    def invoices(self) -> _Invoices:
        return self._made_as("invoices", _Invoices)  # type: ignore[no-any-return]

    @property
    def credit_notes(self) -> _CreditNotes:
        return self._made_as("credit_notes", _CreditNotes)  # type: ignore[no-any-return]

    @property
    def payments(self) -> _Payments:
        return self._made_as("payments", _Payments)  # type: ignore[no-any-return]

    @property
    def shipments(self) -> _Shipments:
        return self._made_as("shipments", _Shipments)  # type: ignore[no-any-return]

    @property
    def returns(self) -> _Returns:
        return self._made_as("returns", _Returns)  # type: ignore[no-any-return]

    @property
    def idempotency(self) -> _Idempotency:
        return self._made_as("idempotency", _Idempotency)  # type: ignore[no-any-return]

    @property
    def sequences(self) -> _Sequences:
        return self._made_as("sequences", _Sequences)  # type: ignore[no-any-return]

    @property
    def ledger(self) -> _Ledger:
        return self._made_as("ledger", _Ledger)  # type: ignore[no-any-return]

    def _repositories(self) -> list[_Tracked[Any]]:
        """The repositories this unit of work used, in the order their rows are written."""
        order = [
            "customers",
            "products",
            "locations",
            "stock",
            "orders",
            "requisitions",
            "receipts",
            "invoices",
            "credit_notes",
            "payments",
            "shipments",
            "returns",
        ]
        return [self._made[name] for name in order if name in self._made]

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        events = self._committed
        self._reset()
        if connection is not None:
            try:
                if connection.in_transaction():
                    connection.rollback()
                connection.close()
            except SQLAlchemyError as error:
                if exc is None:
                    raise translate(error) from error
                log.warning("rollback after a failed unit of work failed too: %s", error)
        if events:
            self._publish(events)
        if isinstance(exc, SQLAlchemyError):
            # Every statement of the unit of work, not only the commit: a read, a lock or a
            # lookup in the middle of a use case fails with the library's error as well.
            raise translate(exc) from exc

    def commit(self) -> None:
        conn = self.connection
        marks: list[str] = []
        try:
            if "idempotency" in self._made:  # first: a concurrent twin fails before any work
                self.idempotency.flush()
            for repository in self._repositories():
                repository.flush()
            if "ledger" in self._made:
                self.ledger.flush()
            events = committed_events(self.touched, self._new_event_id)
            marks = self._marks.take_due()
            if marks:
                self._marks.mark(conn, marks)
            if events:
                committed_at = datetime.now(UTC)
                _insert_rows(
                    conn,
                    t.outbox.name,
                    [
                        {
                            "event_id": e.event_id,
                            "name": e.name,
                            "payload": json.dumps(e.to_dict()),
                            "occurred_at": e.occurred_at,
                            "committed_at": committed_at,
                        }
                        for e in events
                    ],
                )
            conn.commit()
        except DBAPIError as error:
            conn.rollback()
            self._marks.add(marks)
            raise translate(error) from error
        except BaseException:
            conn.rollback()
            self._marks.add(marks)
            raise
        self._committed.extend(events)
        self._reset()

    def _new_event_id(self) -> str:
        """From the id generator the store was opened with (UUIDs unless one was given)."""
        return self._ids.new_id()

    def rollback(self) -> None:
        self.connection.rollback()
        self._reset()

    def _publish(self, events: list[DomainEvent]) -> None:
        """After commit: deliver, then remember the events as delivered. The next commit on
        this engine marks them in the outbox within its own transaction (no extra round trip);
        if the process dies first, the relay delivers them again: at least once, and consumers
        de-duplicate by ``event_id``."""
        if publish_committed(self._publisher, events):  # else the relay delivers them later
            self._marks.add(e.event_id for e in events)


class DeliveredMarks:
    """Event ids delivered but not yet marked in the outbox, shared by one engine's units of
    work (thread-safe).

    Marks are written in batches, riding on a later commit: once ``batch`` ids wait or the
    oldest has waited ``patience`` seconds. The price of a lost batch (the process dies) is
    that the relay delivers those events again: at least once, as promised.
    """

    def __init__(self, batch: int = 64, patience: float = 2.0) -> None:
        self._lock = threading.Lock()
        self._ids: list[str] = []
        self._since = 0.0
        self._batch = batch
        self._patience = patience

    def add(self, ids: Iterable[str]) -> None:
        with self._lock:
            if not self._ids:
                self._since = time.monotonic()
            self._ids.extend(ids)

    def take(self) -> list[str]:
        """Every waiting id (the relay and ``close`` use this)."""
        with self._lock:
            ids, self._ids = self._ids, []
            return ids

    def take_due(self) -> list[str]:
        """The waiting ids if a batch is full or has waited long enough, else none."""
        with self._lock:
            due = len(self._ids) >= self._batch or (
                self._ids and time.monotonic() - self._since >= self._patience
            )
            if not due:
                return []
            ids, self._ids = self._ids, []
            return ids

    _mark = Statement(
        update(t.outbox)
        .where(t.outbox.c.event_id.in_(bindparam("ids", expanding=True)))
        .values(published_at=bindparam("now"))
    )

    def mark(self, conn: Connection, ids: Sequence[str]) -> None:
        now = datetime.now(UTC)
        for start in range(0, len(ids), 500):
            execute(conn, self._mark, {"ids": list(ids[start : start + 500]), "now": now})


class SqlAlchemyUnitOfWorkFactory:
    """Makes units of work on one engine; ``engine`` is there for tools and tests."""

    def __init__(
        self, engine: Engine, publisher: EventPublisher, ids: IdGenerator | None = None
    ) -> None:
        self.engine = engine
        self.publisher = publisher
        self.ids = ids
        self.marks = DeliveredMarks()

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.engine, self.publisher, self.ids, self.marks)

    def flush_marks(self) -> None:
        """Mark delivered events in the outbox now (the relay calls this first)."""
        ids = self.marks.take()
        if ids:
            with self.engine.begin() as conn:
                self.marks.mark(conn, ids)
