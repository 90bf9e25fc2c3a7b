"""Statements rendered once per dialect and run on the connection's DBAPI cursor.

``Connection.execute`` does a lot of work per statement that does not change between runs of the
same statement: the compiled-cache lookup, turning the parameters into the driver's format, the
type processors, the event dispatch and the result set-up. On SQLite that costs several times
what SQLite needs to run the statement, and ``Connection.exec_driver_sql`` still builds the
result's metadata from the cursor description on every run (measured: a cycle a fifth slower
than here). The unit of work runs the same few dozen statements for every order, so
:class:`Statement` keeps, per dialect, what ``execute`` would work out again each time: the SQL
text, where each driver parameter comes from, and the column types' bind and result processors.

Only public SQLAlchemy API is used to render: the statement is compiled with ``compile()`` for
the dialect with a named parameter style, its text is ``Compiled.string`` and its literal values
``Compiled.params``; every other bind parameter is a named ``bindparam`` with a type, found in
the statement (``sqlalchemy.sql.visitors.iterate``), and an IN list of ``n`` values is rendered
as ``n`` such parameters (``visitors.replacement_traverse``). Its values go through the types'
``bind_processor`` and ``result_processor``, as ``Connection.execute`` would.

What stays the same as with ``Connection.execute``:

- The statement runs on the connection's own DBAPI connection (``Connection.connection``),
  inside the transaction SQLAlchemy began (which issues ``BEGIN IMMEDIATE`` on SQLite, see
  ``schema.open_engine``), so commit, rollback, the pool and the ``commit`` / ``rollback``
  events work as before.
- Values go through the same type processors (``types.ExactDecimal``, ``types.UtcDateTime``,
  SQLite's date and boolean handling), so rows are stored and read back exactly alike.
- A driver error is raised as the ``sqlalchemy.exc.DBAPIError`` subclass SQLAlchemy would raise
  (``IntegrityError``, ``OperationalError``, ...), with the connection invalidated on a
  disconnect.
- The engine's ``before_cursor_execute`` and ``after_cursor_execute`` listeners are called, with
  the SQL and the driver parameters; the execution context they receive is ``None``. (This is
  the one place that reads an attribute SQLAlchemy does not document: the connection's event
  ``dispatch``. ``.ci/run`` runs the storage tests on the oldest and newest SQLAlchemy the
  package allows.)

Statements are logged like SQLAlchemy's own (``echo=True`` or the ``sqlalchemy.engine``
logger). What does not happen: ``handle_error`` listeners and the dialect's ``do_execute``
hooks.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, null, tuple_
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import BindParameter, Executable
from sqlalchemy.types import NullType

Params = Mapping[str, Any]
_NO_PARAMS: Params = {}


class _Slot(NamedTuple):
    """Where one driver parameter comes from: ``params[name]`` (or ``params[name][item]`` for a
    value of an IN list), or a value written into the statement (``name`` None)."""

    name: str | None
    item: int
    process: Callable[[Any], Any] | None
    constant: Any


def _named_style(dialect: Dialect) -> Dialect:
    """A dialect like ``dialect`` that renders parameters by name (``:name``, ``%(name)s``), so
    the driver takes them as a dict and their order does not matter."""
    if not dialect.positional:
        return dialect
    named = _named_dialects.get(type(dialect))
    if named is None:
        named = type(dialect)(paramstyle="named")  # type: ignore[call-arg]
        _named_dialects[type(dialect)] = named
    return named


_named_dialects: dict[type[Dialect], Dialect] = {}


def _expanded(statement: Any, lengths: Mapping[str, int]) -> tuple[Any, dict[str, tuple[str, int]]]:
    """``statement`` with each IN list ``bindparam(name, expanding=True)`` replaced by
    ``lengths[name]`` parameters ``name__0``, ``name__1``, ... (an empty list by ``(NULL)``,
    which matches no row); and where each of those comes from."""
    origin: dict[str, tuple[str, int]] = {}
    if not lengths:
        return statement, origin

    def replace(element: Any, **kw: Any) -> Any:
        if not isinstance(element, BindParameter) or not element.expanding:
            return None
        count = lengths[element.key]
        if count == 0:
            return tuple_(null())
        items = []
        for index in range(count):
            name = f"{element.key}__{index}"
            origin[name] = (element.key, index)
            items.append(bindparam(name, type_=element.type))
        return tuple_(*items)

    opts: dict[str, Any] = {}
    return visitors.replacement_traverse(statement, opts, replace), origin


class _Plan:
    """The SQL text and the parameter slots for one length of each IN list."""

    def __init__(
        self,
        statement: Any,
        dialect: Dialect,
        binds: Mapping[str, BindParameter[Any]],
        lengths: Mapping[str, int],
    ) -> None:
        variant, origin = _expanded(statement, lengths)
        compiled = variant.compile(dialect=_named_style(dialect))
        by_key: dict[str, _Slot] = {}
        for key, value in compiled.params.items():
            name, index = origin.get(key, (key, -1))
            bind = binds.get(name)
            if bind is None:  # a value written into the statement: "open", 1, a LIMIT
                if type(value) not in (str, int):
                    raise ValueError(
                        f"bind parameter {key!r} has no name or a value that needs its type's "
                        "processing; use a named bindparam with a type"
                    )
                by_key[key] = _Slot(None, -1, None, value)
            else:
                process = bind.type.dialect_impl(dialect).bind_processor(dialect)
                by_key[key] = _Slot(name, index, process, None)
        self.sql: str = compiled.string
        #: The driver's parameter names (a dict), or None: a tuple in the order of ``_slots``.
        self.keys: list[str] | None = list(by_key)
        order = self.keys
        if dialect.paramstyle == "qmark":
            positional = _as_qmark(compiled.string, by_key, variant.compile(dialect=dialect))
            if positional is not None:
                self.sql, order = positional
                self.keys = None
        slots = [by_key[key] for key in order]
        self._slots = slots
        # The common case, every slot a caller's plain parameter, takes a shorter way.
        self._names: list[str] | None = None
        if all(slot.name is not None and slot.item < 0 for slot in slots):
            self._names = [slot.name for slot in slots if slot.name is not None]
        self._processed: list[tuple[int, Callable[[Any], Any]]] = [
            (i, slot.process) for i, slot in enumerate(slots) if slot.process is not None
        ]

    def parameters(self, params: Params) -> Any:
        """``params`` as the driver takes them: a tuple (``qmark`` style) or a dict by the
        statement's parameter names."""
        if self._names is not None:
            values = [params[name] for name in self._names]
            for position, process in self._processed:
                value = values[position]
                if value is not None:
                    values[position] = process(value)
        else:
            values = []
            for name, item, convert, constant in self._slots:
                if name is None:
                    values.append(constant)
                    continue
                value = params[name] if item < 0 else params[name][item]
                values.append(value if convert is None or value is None else convert(value))
        if self.keys is None:
            return tuple(values)
        return dict(zip(self.keys, values, strict=True))


def _as_qmark(sql: str, keys: Iterable[str], reference: Any) -> tuple[str, list[str]] | None:
    """``sql`` rendered with named parameters turned into ``?`` in the order they appear (which
    sqlite3 binds faster than names), with that order of names; None unless the result is the
    text the dialect renders itself (``reference``), so a placeholder cannot be mistaken."""
    names = sorted(keys, key=len, reverse=True)
    if not names:
        return (sql, []) if sql == reference.string else None
    order: list[str] = []

    def swap(match: re.Match[str]) -> str:
        order.append(match.group(1))
        return "?"

    pattern = re.compile(r"(?<![:\w]):(" + "|".join(map(re.escape, names)) + r")(?!\w)")
    positional = pattern.sub(swap, sql)
    return (positional, order) if positional == reference.string else None


def _bind_parameters(statement: Any) -> dict[str, BindParameter[Any]]:
    """The named bind parameters of ``statement``, which must each have a type."""
    found: dict[str, BindParameter[Any]] = {}
    for element in visitors.iterate(statement):
        if not isinstance(element, BindParameter) or element.unique:
            continue  # an anonymous one holds a value written into the statement
        if isinstance(element.type, NullType):
            raise ValueError(
                f"bind parameter {element.key!r} has no type: compare it with a column or "
                "give it type_= (a value for a column in .values() is not typed by it)"
            )
        found[element.key] = element
    return found


class _Compiled:
    """One statement rendered for one dialect, with its plans and result processors."""

    def __init__(
        self, statement: Any, binds: Mapping[str, BindParameter[Any]], dialect: Dialect
    ) -> None:
        self._statement = statement
        self._dialect = dialect
        self._binds = binds
        self._expanding = [name for name, bind in self._binds.items() if bind.expanding]
        self._plans: dict[tuple[int, ...], _Plan] = {}
        self._columns = list(getattr(statement, "exported_columns", ()))
        self.names = [column.name for column in self._columns]
        self._processors: list[tuple[int, Any]] | None = None
        self._single = None if self._expanding else _Plan(statement, dialect, self._binds, {})

    def plan(self, params: Params) -> _Plan:
        if self._single is not None:
            return self._single
        lengths = tuple(len(params[name]) for name in self._expanding)
        found = self._plans.get(lengths)
        if found is None:
            expanded = dict(zip(self._expanding, lengths, strict=True))
            found = self._plans.setdefault(
                lengths, _Plan(self._statement, self._dialect, self._binds, expanded)
            )
        return found

    def process_rows(self, cursor: Any, rows: list[Any]) -> list[tuple[Any, ...]]:
        """Apply the result processors; they depend on the driver's column type codes, so they
        are looked up at the first result."""
        processors = self._processors
        if processors is None:
            description = cursor.description
            if len(description) != len(self._columns):
                raise RuntimeError("the result has other columns than the statement names")
            found = []
            for position, (column, described) in enumerate(
                zip(self._columns, description, strict=True)
            ):
                impl = column.type.dialect_impl(self._dialect)
                process = impl.result_processor(self._dialect, described[1])
                if process is not None:
                    found.append((position, process))
            processors = self._processors = found
        if not processors:
            return rows
        processed = []
        for row in rows:
            values = list(row)
            for position, process in processors:
                values[position] = process(values[position])
            processed.append(tuple(values))
        return processed


class Statement:
    """A Core statement run many times, compiled once for each dialect it meets.

    ``column_keys`` names the columns an ``insert(table)`` without values fills (as
    ``Connection.execute`` infers from the first parameter set), each from the parameter of its
    name. Every other bind parameter is a ``bindparam`` with a name and a type (comparing it with
    a column gives it the column's; one in ``.values()`` needs ``type_=``), passed by name; an
    expanding ``bindparam`` (``column.in_(bindparam(name, expanding=True))``; ``in_`` only, an
    empty list matching no row) takes a list.
    Values written into the statement (``== "open"``, ``+ 1``) must be strings or integers.
    """

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None) -> None:
        table = getattr(statement, "table", None)  # INSERT, UPDATE and DELETE have one
        if table is not None and any(
            column.default is not None or column.onupdate is not None for column in table.columns
        ):
            # Connection.execute fills those in per execution; a plan made once would not.
            raise ValueError(
                f"table {table.name} has client-side column defaults; run its writes through "
                "Connection.execute"
            )
        if column_keys is not None and table is not None:
            statement = statement.values(  # type: ignore[attr-defined]
                {key: bindparam(key, type_=table.c[key].type) for key in column_keys}
            )
        self.statement = statement
        self._binds = _bind_parameters(statement)
        self._compiled: dict[tuple[type[Dialect], str], _Compiled] = {}
        self._last: tuple[Dialect, _Compiled] | None = None  # most programs use one dialect
        self._lock = threading.Lock()

    def compiled(self, dialect: Dialect) -> _Compiled:
        last = self._last
        if last is not None and last[0] is dialect:
            return last[1]
        key = (type(dialect), dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            with self._lock:
                found = self._compiled.get(key)
                if found is None:
                    found = self._compiled[key] = _Compiled(self.statement, self._binds, dialect)
        self._last = (dialect, found)
        return found


def fetch(conn: Connection, statement: Statement, params: Params = _NO_PARAMS) -> list[Any]:
    """The rows of a query (or of an INSERT/UPDATE with RETURNING), as tuples."""
    compiled = statement.compiled(conn.dialect)
    plan = compiled.plan(params)
    cursor = _run(conn, plan.sql, plan.parameters(params), many=False)
    return compiled.process_rows(cursor, cursor.fetchall())


def fetch_mappings(
    conn: Connection, statement: Statement, params: Params = _NO_PARAMS
) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    names = statement.compiled(conn.dialect).names
    return [dict(zip(names, row, strict=False)) for row in fetch(conn, statement, params)]


def execute(conn: Connection, statement: Statement, params: Params = _NO_PARAMS) -> int:
    """Run a statement once; returns the number of rows it matched."""
    plan = statement.compiled(conn.dialect).plan(params)
    count: int = _run(conn, plan.sql, plan.parameters(params), many=False).rowcount
    return count


def execute_many(conn: Connection, statement: Statement, rows: Sequence[Params]) -> None:
    """Run a statement for each parameter set, in one driver call (``executemany``). The sets
    must have the same expanding list lengths."""
    if not rows:
        return
    if len(rows) == 1:
        execute(conn, statement, rows[0])
        return
    plan = statement.compiled(conn.dialect).plan(rows[0])
    _run(conn, plan.sql, [plan.parameters(row) for row in rows], many=True)


def execute_sql(conn: Connection, sql: str) -> None:
    """Run SQL without parameters as it is, in whatever transaction state the connection is
    (the ``begin`` event issues ``BEGIN IMMEDIATE`` on SQLite this way)."""
    _run(conn, sql, (), many=False, begin=False)


#: Key of the cursor kept in a DBAPI connection's ``info``, which lives as long as that DBAPI
#: connection, through pool check-ins and check-outs. One cursor serves every statement, as in
#: hand-written code: results are always read in full before the next statement runs.
_CURSOR = "ordermgmt.cursor"


def _run(conn: Connection, sql: str, parameters: Any, *, many: bool, begin: bool = True) -> Any:
    if begin and not conn.in_transaction():
        conn.begin()  # as Connection.execute would (autobegin), firing the "begin" event
    info = conn.connection.info
    cursor: Any = info.get(_CURSOR)
    if cursor is None:
        cursor = info[_CURSOR] = conn.connection.cursor()
    try:
        dispatch = conn.dispatch
        if dispatch.before_cursor_execute:
            for listener in dispatch.before_cursor_execute:
                sql, parameters = listener(conn, cursor, sql, parameters, None, many)
        logger = conn.engine.logger
        if logger.isEnabledFor(logging.INFO):  # echo=True, or the sqlalchemy.engine logger
            logger.info("%s", sql)
            if not conn.engine.hide_parameters:
                logger.info("[compiled once] %r", parameters)
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        if dispatch.after_cursor_execute:
            dispatch.after_cursor_execute(conn, cursor, sql, parameters, None, many)
    except BaseException as error:
        if info.get(_CURSOR) is cursor:  # the next statement gets a fresh cursor
            del info[_CURSOR]
        cursor.close()
        dialect = conn.dialect
        if isinstance(error, dialect.loaded_dbapi.Error):
            raise _wrapped(conn, sql, parameters, error, cursor, many=many) from error
        raise
    return cursor


def _wrapped(
    conn: Connection, sql: str, parameters: Any, error: Exception, cursor: Any, *, many: bool
) -> BaseException:
    """The driver error as SQLAlchemy raises it from ``Connection.execute``."""
    dialect = conn.dialect
    invalidated = dialect.is_disconnect(
        error,  # type: ignore[arg-type]  # a DBAPI Error, checked by the caller
        conn.connection.dbapi_connection,
        cursor,
    )
    if invalidated:
        conn.invalidate(error)
    return DBAPIError.instance(
        sql,
        parameters,
        error,
        dialect.loaded_dbapi.Error,
        hide_parameters=conn.engine.hide_parameters,
        connection_invalidated=invalidated,
        dialect=dialect,
        ismulti=many,
    )
