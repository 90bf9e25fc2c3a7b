"""Driver errors as the library's errors: the one place they are translated."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from ordermgmt.domain.errors import (
    Conflict,
    DuplicateKey,
    OrderManagementError,
    StorageError,
    TransientConflict,
)

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
