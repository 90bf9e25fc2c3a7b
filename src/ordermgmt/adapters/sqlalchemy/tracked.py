"""The identity map of one aggregate kind in a unit of work, and how it writes changes.

:class:`Tracked` reads aggregates (one query for a whole aggregate where its tables form a
chain, see :class:`~ordermgmt.adapters.sqlalchemy.statements.AggregateStatements`), keeps each
with a copy of the state it was loaded in, and at commit writes only what changed: INSERT new
aggregates, a version-checked UPDATE of changed roots, and the changed child rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Connection, Select, Table, bindparam, select

from ordermgmt.adapters.sqlalchemy.compiled import (
    Statement,
    execute,
    execute_many,
    fetch,
    fetch_mappings,
)
from ordermgmt.adapters.sqlalchemy.mappers import Mapper, Row, Rows
from ordermgmt.adapters.sqlalchemy.statements import (
    cached_statement,
    child_delete,
    child_update,
    insert_rows,
    statements,
)
from ordermgmt.domain.base import Aggregate
from ordermgmt.domain.errors import ConcurrencyConflict, Conflict, NotFound
from ordermgmt.ports import queries as q

if TYPE_CHECKING:
    from ordermgmt.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork

A = TypeVar("A", bound=Aggregate)


class Tracked(Generic[A]):
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
        return self._load([dict(r) for r in self.conn.execute(query).mappings()])

    def load_cached(
        self, name: str, build: Callable[[Select[Any]], Select[Any]], params: dict[str, Any]
    ) -> list[A]:
        """Run a query built once per table and ``name``, from the statement that reads whole
        aggregates (``AggregateStatements.base``)."""
        known = statements(self.mapper)
        statement = cached_statement(
            f"query:{self.mapper.table.name}:{name}", lambda: Statement(build(known.base))
        )
        return self._read(statement, params)

    def _read(self, statement: Statement, params: dict[str, Any]) -> list[A]:
        """The aggregates a query on ``AggregateStatements.base`` finds."""
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
            insert_rows(self.conn, name, table_rows)

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
                child_delete(child, keys),
                [{f"k_{k}": r[k] for k in keys} for r in gone],
            )
        if changed:
            columns = [c for c in changed[0] if c not in keys]
            execute_many(
                self.conn,
                child_update(child, keys, columns),
                [
                    {**{f"k_{k}": r[k] for k in keys}, **{f"v_{c}": r[c] for c in columns}}
                    for r in changed
                ],
            )
        insert_rows(self.conn, child.name, added)


class Documents(Tracked[A]):
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
