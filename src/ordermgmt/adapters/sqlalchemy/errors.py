"""Driver errors as the library's errors: the one place they are translated.

A refused duplicate is recognised by the name of the constraint it violated, as ``tables``
names every constraint and unique index. PostgreSQL reports that name; SQLite reports only the
table and columns (``UNIQUE constraint failed: invoices.number``), which identify the
constraint through the table definitions.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from ordermgmt.adapters.sqlalchemy.tables import metadata
from ordermgmt.domain.errors import (
    Conflict,
    DuplicateKey,
    OrderManagementError,
    StorageError,
    TransientConflict,
)

#: The ``DuplicateKey.kind`` of a violated unique constraint or index, by its name in
#: ``tables``. Any other refused row (a primary key, a foreign key, a NOT NULL) is a Conflict.
DUPLICATE_KINDS = {
    "uq_orders_number": "document number",
    "uq_invoices_number": "document number",
    "uq_credit_notes_number": "document number",
    "uq_shipments_number": "document number",
    "uq_returns_number": "document number",
    "uq_orders_customer_idempotency_key": "idempotency key",
    "pk_idempotency_records": "idempotency key",
    "uq_open_requisition": "open requisition",
}

#: SQLSTATEs (PostgreSQL) of failures that pass: running the transaction again can succeed.
_TRANSIENT = {"40P01": "deadlock", "40001": "serialization_failure", "55P03": "busy"}

_SQLITE_UNIQUE = "UNIQUE constraint failed: "
_SQLITE_CHECK = "CHECK constraint failed: "


def translate(error: SQLAlchemyError) -> OrderManagementError:
    """The library's error for an error SQLAlchemy raised: the one place driver errors are
    turned into :mod:`ordermgmt.errors` (the unit of work calls it for every statement)."""
    if not isinstance(error, DBAPIError):
        return StorageError(f"database error: {type(error).__name__}")
    if isinstance(error, IntegrityError):
        kind = DUPLICATE_KINDS.get(violated_constraint(error) or "")
        if kind is not None:
            return DuplicateKey(kind, str(error.params)[:200])
        return Conflict(f"the database refused a duplicate or invalid row: {error.orig}")
    text = str(error.orig).lower()
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


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint or unique index ``error`` says was violated, or None when the
    database does not say (SQLite's foreign key and NOT NULL failures name none)."""
    diagnostics = getattr(error.orig, "diag", None)  # psycopg
    name = getattr(diagnostics, "constraint_name", None)
    if name:
        return str(name)
    message = str(error.orig)
    if message.startswith(_SQLITE_CHECK):
        return message[len(_SQLITE_CHECK) :].strip()
    if not message.startswith(_SQLITE_UNIQUE):
        return None
    qualified = [part.strip().partition(".") for part in message[len(_SQLITE_UNIQUE) :].split(",")]
    tables = {table for table, _, _ in qualified}
    if len(tables) != 1:
        return None
    columns = tuple(column for _, _, column in qualified)
    return _unique_constraints().get((tables.pop(), columns))


@cache
def _unique_constraints() -> dict[tuple[str, tuple[str, ...]], str]:
    """Name of each primary key, unique constraint and unique index, by (table, columns)."""
    found: dict[tuple[str, tuple[str, ...]], str] = {}
    for table in metadata.tables.values():
        unique = [
            (constraint.name, constraint.columns)
            for constraint in table.constraints
            if isinstance(constraint, PrimaryKeyConstraint | UniqueConstraint)
        ]
        unique += [(index.name, index.columns) for index in table.indexes if index.unique]
        for name, columns in unique:
            found[(table.name, tuple(column.name for column in columns))] = str(name)
    return found
