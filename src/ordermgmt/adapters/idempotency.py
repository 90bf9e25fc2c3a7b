"""The rule every store applies when a unit of work adds an idempotency record."""

from __future__ import annotations

from collections.abc import Callable

from ordermgmt.domain.errors import Conflict, DuplicateKey
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope


def add_record(
    added: dict[tuple[str, str], IdempotencyRecord],
    record: IdempotencyRecord,
    stored: Callable[[Scope, str], IdempotencyRecord | None],
) -> None:
    """Add ``record`` to the records a unit of work will store (``added``, by scope and key).

    Raises ``Conflict`` if this unit of work already added the key in that scope, and
    ``DuplicateKey`` if ``stored`` finds it committed by another unit of work since this one
    looked it up (a concurrent twin): the caller then answers with what the twin did.
    """
    if (record.scope, record.key) in added:
        raise Conflict(
            f"idempotency key {record.key!r} already used for a {record.scope}",
            key=record.key,
        )
    if stored(record.scope, record.key) is not None:
        raise DuplicateKey("idempotency key", f"{record.scope}:{record.key}")
    added[(record.scope, record.key)] = record
