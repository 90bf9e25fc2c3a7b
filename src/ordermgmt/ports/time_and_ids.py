"""Where time and identity come from: :class:`Clock` and :class:`IdGenerator`."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Where business time comes from: every instant the library records (placed, issued,
    received, posted) and every due date is derived from :meth:`now`. The default is the wall
    clock in UTC; tests inject :class:`ordermgmt.adapters.memory.FixedClock`."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC unless the adapter says otherwise)."""
        ...


class IdGenerator(Protocol):
    """Where the ids of new aggregates and journal entries come from (human numbers such as
    ``SO-000042`` come from :class:`SequenceRepository` instead). The default is UUID4;
    tests inject :class:`ordermgmt.adapters.memory.SequentialIdGenerator`."""

    def new_id(self) -> str:
        """A new id, unique across the store (UUID4 text by default), 1 to 64 characters (the
        length the messages and the SQL schema accept). Thread-safe."""
        ...
