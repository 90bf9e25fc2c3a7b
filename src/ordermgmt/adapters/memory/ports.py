"""In-memory adapters of the driven ports: events, purchasing, a settable clock, counted ids."""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ordermgmt.domain.errors import NotificationError, PurchasingError
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.purchasing import PurchaseRequisition
from ordermgmt.ports import EventHandler, OutgoingMessage

log = logging.getLogger("ordermgmt.events")


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """An event a subscriber could not handle, kept for :meth:`redeliver_failed`."""

    event: DomainEvent
    handler: EventHandler
    error: Exception


class InMemoryEventPublisher:
    """Delivers events synchronously, in order, to subscribers in this process.

    A subscriber that raises does not stop the others; the failure is logged and kept in
    :attr:`failed` until :meth:`redeliver_failed` succeeds. The last ``history`` events are
    kept in :attr:`published` for inspection.
    """

    def __init__(self, history: int = 10_000) -> None:
        self._lock = threading.RLock()
        self._subscribers: list[tuple[EventHandler, tuple[type[DomainEvent], ...]]] = []
        self.published: deque[DomainEvent] = deque(maxlen=history)
        self.failed: list[FailedDelivery] = []

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        with self._lock:
            self._subscribers.append((handler, event_types))

    def publish(self, events: Sequence[DomainEvent]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
            self.published.extend(events)
        for event in events:
            for handler, types in subscribers:
                if not types or isinstance(event, types):
                    self._deliver(event, handler)

    def _deliver(self, event: DomainEvent, handler: EventHandler) -> bool:
        try:
            handler(event)
        except Exception as error:  # a subscriber's failure must not undo a committed fact
            log.exception(
                "subscriber %s failed on %s %s; kept for redelivery",
                _describe(handler),
                event.name,
                event.event_id,
            )
            with self._lock:
                self.failed.append(FailedDelivery(event, handler, error))
            return False
        return True

    def redeliver_failed(self) -> int:
        """Try every failed delivery again; returns how many still fail."""
        with self._lock:
            pending, self.failed = self.failed, []
        for item in pending:
            self._deliver(item.event, item.handler)
        return len(self.failed)


def _describe(handler: EventHandler) -> str:
    """A subscriber's name for the log: its qualified name, never its (possibly huge) repr."""
    name = getattr(handler, "__qualname__", None) or type(handler).__qualname__
    return f"{getattr(handler, '__module__', '?')}.{name}"


class InMemoryPurchasing:
    """Records submitted requisitions, idempotent by id. ``fail_next`` simulates an outage."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.submitted: dict[str, PurchaseRequisition] = {}
        self._failures = 0

    def fail_next(self, times: int = 1) -> None:
        """Make the next ``times`` submissions fail with ``PurchasingError``."""
        with self._lock:
            self._failures = times

    def submit(self, requisition: PurchaseRequisition) -> None:
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                raise PurchasingError(
                    f"purchasing system unavailable for requisition {requisition.id}",
                    requisition_id=requisition.id,
                    reason="purchasing system unavailable (simulated)",
                )
            self.submitted[requisition.id] = requisition


class FixedClock:
    """A clock that stands still until told to move: deterministic business time for tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta = timedelta(minutes=1)) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment


class SequentialIdGenerator:
    """Ids ``prefix-000001``, ``prefix-000002``, ...: deterministic and readable in tests."""

    def __init__(self, prefix: str = "id") -> None:
        self._prefix = prefix
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        with self._lock:
            return f"{self._prefix}-{next(self._counter):06d}"


class InMemoryNotifications:
    """Keeps the last ``history`` sent messages in :attr:`sent`, oldest first (bounded, like the
    event publisher's history, so a long-running OMS does not keep every invoice text).
    ``fail_next`` simulates an outage."""

    def __init__(self, history: int = 10_000) -> None:
        self._lock = threading.Lock()
        self.sent: deque[OutgoingMessage] = deque(maxlen=history)
        self._failures = 0

    def fail_next(self, times: int = 1) -> None:
        with self._lock:
            self._failures = times

    def send(self, message: OutgoingMessage) -> None:
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                raise NotificationError(
                    f"could not send {message.subject!r} to {message.recipient}",
                    recipient=message.recipient,
                )
            self.sent.append(message)
