"""The unit of work's statements, built and compiled once per process.

Building and executing a SQLAlchemy statement costs more than running it on SQLite, so the hot
paths never rebuild them: :class:`AggregateStatements` holds what reads and writes one
aggregate's tables, and :func:`cached_statement` keeps every other statement by a key.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, select, update

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.compiled import Statement, execute_many
from ordermgmt.adapters.sqlalchemy.mappers import Mapper, Row


class AggregateStatements:
    """Statements of one aggregate's tables, built and compiled once (see :mod:`.compiled`):
    building and executing a SQLAlchemy statement costs more than running it on SQLite, so the
    hot paths never rebuild them.

    ``base`` reads whole aggregates: when each child table's primary key extends the previous
    one's (order, lines, allocations; invoice, lines), the root is outer-joined with its
    children and one query reads the aggregate, a row per innermost child. Otherwise (and in
    ``Tracked.load_where``) children are read by a query per child table.
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
            c.name: bindparam(f"v_{c.name}", type_=c.type)
            for c in table.columns
            if c.name not in key_columns
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
    """``table`` outer-joined with ``children`` if they form a chain (see
    :class:`AggregateStatements`), else None. In a chain every child row matches one row of the
    table before it, so the join multiplies rows only along the chain."""
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


_statements: dict[str, AggregateStatements] = {}
_cached: dict[str, Statement] = {}
_cache_lock = threading.Lock()


def cached_statement(key: str, build: Callable[[], Statement]) -> Statement:
    """A statement built once per ``key``."""
    found = _cached.get(key)
    if found is None:
        with _cache_lock:
            found = _cached.get(key)
            if found is None:
                found = _cached[key] = build()
    return found


def child_update(child: Table, keys: Sequence[str], columns: Sequence[str]) -> Statement:
    """UPDATE ``columns`` of the ``child`` row with the key values ``k_<key>``."""

    def build() -> Statement:
        where = [child.c[k] == bindparam(f"k_{k}") for k in keys]
        values: dict[str, Any] = {c: bindparam(f"v_{c}", type_=child.c[c].type) for c in columns}
        return Statement(update(child).where(*where).values(values))

    return cached_statement(f"update:{child.name}:{','.join(columns)}", build)


def child_delete(child: Table, keys: Sequence[str]) -> Statement:
    """DELETE the ``child`` row with the key values ``k_<key>``."""

    def build() -> Statement:
        return Statement(delete(child).where(*[child.c[k] == bindparam(f"k_{k}") for k in keys]))

    return cached_statement(f"delete:{child.name}", build)


def insert_statement(name: str, columns: Sequence[str]) -> Statement:
    """INSERT into table ``name`` filling ``columns``."""
    return cached_statement(
        f"insert:{name}:{','.join(columns)}",
        lambda: Statement(insert(t.metadata.tables[name]), column_keys=columns),
    )


def insert_rows(conn: Connection, name: str, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows that all have the keys of the first, in one driver call."""
    if rows:
        execute_many(conn, insert_statement(name, list(rows[0])), rows)


def statements(mapper: Mapper[Any]) -> AggregateStatements:
    """The statements of ``mapper``'s aggregate, built on first use."""
    found = _statements.get(mapper.table.name)
    if found is None:
        with _cache_lock:
            found = _statements.setdefault(mapper.table.name, AggregateStatements(mapper))
    return found
