"""One mechanism for every command that takes an ``idempotency_key``.

Inside the command's unit of work, :func:`recall` looks the key up in its scope: a record with
the same fingerprint means the command already ran (the caller answers with the recorded
result and books nothing); another fingerprint is an ``IdempotencyConflict``. After the effect,
:func:`remember` adds the record to the same unit of work, so effect and record commit together.
Two concurrent runs with one key: storage lets one commit and refuses the other
(``DuplicateKey``); :func:`once` then runs the command again, which now recalls the winner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ordermgmt.domain.errors import DuplicateKey, IdempotencyConflict
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope
from ordermgmt.messages import Command
from ordermgmt.ports import Dependencies, UnitOfWork

V = TypeVar("V")


def fingerprint(cmd: Command) -> str:
    """What makes two submissions "the same command": everything but the key."""
    return cmd.model_dump_json(exclude={"idempotency_key"})


def recall(uow: UnitOfWork, scope: Scope, cmd: Command) -> IdempotencyRecord | None:
    """The first run of ``cmd``'s key in ``scope`` (None without a key or a first run); raises
    ``IdempotencyConflict`` when the key was used for different content."""
    key: str | None = getattr(cmd, "idempotency_key", None)
    if key is None:
        return None
    record = uow.idempotency.find(scope, key)
    if record is not None and record.fingerprint != fingerprint(cmd):
        raise IdempotencyConflict(key, record.result_ids[0], scope.value)
    return record


def remember(
    uow: UnitOfWork, deps: Dependencies, scope: Scope, cmd: Command, result_ids: Sequence[str]
) -> None:
    """Record what ``cmd`` made (when it has a key), in the unit of work of its effect."""
    key: str | None = getattr(cmd, "idempotency_key", None)
    if key is None:
        return
    uow.idempotency.add(
        IdempotencyRecord(
            scope=scope,
            key=key,
            fingerprint=fingerprint(cmd),
            result_ids=tuple(result_ids),
            recorded_at=deps.clock.now(),
        )
    )


def once(cmd: Command, run: Callable[[], V]) -> V:
    """Run the command; if a concurrent twin with the same key committed first, run it again
    (which recalls the twin's result)."""
    try:
        return run()
    except DuplicateKey as error:
        if getattr(cmd, "idempotency_key", None) is None or error.kind != "idempotency key":
            raise
        return run()
