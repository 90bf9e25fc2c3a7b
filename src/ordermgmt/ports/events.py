"""Events leaving the unit of work: the :class:`EventPublisher` that delivers them after each
commit, its subscribers, and the :class:`OutboxRelay` that delivers what a crash left behind."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Protocol

from ordermgmt.domain.events import DomainEvent

#: A subscriber: called with each committed event it subscribed to, after the commit.
EventHandler = Callable[[DomainEvent], None]


class EventPublisher(Protocol):
    """Real-time events: the unit of work publishes here after commit."""

    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Deliver ``events`` in order to every subscriber. A failing subscriber does not stop
        delivery to the others; its failure is kept for redelivery, never dropped. If
        ``publish`` itself raises (a broker is down), the events count as undelivered:
        ``publish_pending_events`` delivers them again."""
        ...

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        """Call ``handler`` for every later event (of ``event_types``, if given)."""
        ...


class OutboxRelay(Protocol):
    """Re-publishes committed events that were not yet delivered (durable stores only)."""

    def relay(self, *, limit: int = 1000, grace: timedelta = timedelta(seconds=5)) -> int:
        """Publish up to ``limit`` undelivered events older than ``grace``; returns how many.
        At least once: the same ``event_id`` may arrive twice."""
        ...

    def pending(self) -> int:
        """How many committed events wait for delivery."""
        ...
