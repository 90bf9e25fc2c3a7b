"""The in-memory OMS's outbox: committed events its publisher failed to take."""

from __future__ import annotations

from datetime import timedelta

from ordermgmt.adapters.memory.store import InMemoryStore
from ordermgmt.ports import EventPublisher
from ordermgmt.ports.guard import relay_committed


class InMemoryOutboxRelay:
    """Publishes again the events an in-memory store kept because its publisher raised.

    The in-memory publisher never raises (it keeps a failing subscriber's events itself), so
    this matters for a custom publisher, a broker client say, wired into an in-memory OMS.
    """

    def __init__(self, store: InMemoryStore, publisher: EventPublisher) -> None:
        self._store = store
        self._publisher = publisher

    def relay(self, *, limit: int = 1000, grace: timedelta = timedelta(seconds=5)) -> int:
        """Publish up to ``limit`` kept events, oldest first (``grace`` does not apply: kept
        events are never in flight); returns how many. Raises ``PublishError`` if the
        publisher fails again, keeping them."""
        with self._store.lock:
            events = self._store.undelivered[:limit]
            if not events:
                return 0
            relay_committed(self._publisher, events)
            del self._store.undelivered[: len(events)]
        return len(events)

    def pending(self) -> int:
        """How many committed events wait for delivery."""
        with self._store.lock:
            return len(self._store.undelivered)
