"""Running a use case again when the database gave up on it for a reason that passes.

A deadlock, a serialization failure or a busy database (:class:`TransientConflict`) means the
transaction was rolled back and nothing of it was written. If it was the use case's first unit
of work that failed, nothing the use case did has had an effect yet (outside systems are only
called after a commit), so the whole use case is run again in a fresh unit of work, a bounded
number of times, after a short random wait that keeps the contenders from meeting again. A use
case that already committed a unit of work is not run again: the caller gets the error, which
says it is retryable.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from ordermgmt.domain.errors import TransientConflict
from ordermgmt.ports import Dependencies, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("ordermgmt.retry")

C = TypeVar("C")
R = TypeVar("R")

#: Runs of one use case at most, the first included.
ATTEMPTS = 5
#: The first wait in seconds; each further wait may be twice as long (full jitter).
BASE_DELAY = 0.02


class _CountedFactory:
    """A unit-of-work factory that counts the units of work it hands out."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._factory = factory
        self.opened = 0

    def __call__(self) -> UnitOfWork:
        self.opened += 1
        return self._factory()


def run_with_retry(handler: Callable[[Dependencies, C], R], deps: Dependencies, message: C) -> R:
    """``handler(deps, message)``, run again on a :class:`TransientConflict` of its first unit
    of work; raises the last one (with ``attempts`` set) if it persists."""
    for attempt in range(1, ATTEMPTS + 1):
        counted = _CountedFactory(deps.uow)
        try:
            return handler(dataclasses.replace(deps, uow=counted), message)
        except TransientConflict as error:
            if counted.opened > 1 or attempt == ATTEMPTS:
                raise TransientConflict(error.reason, error.detail, attempt) from error
            delay = random.uniform(0, BASE_DELAY * 2 ** (attempt - 1))  # jitter only
            log.info(
                "%s: %s, running it again in %.3f s (attempt %d of %d)",
                type(message).__name__,
                error.reason,
                delay,
                attempt + 1,
                ATTEMPTS,
            )
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
