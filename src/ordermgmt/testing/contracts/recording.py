"""The publisher the contract suites watch: it records every event and can be told to fail."""

from __future__ import annotations

from collections.abc import Sequence

from ordermgmt.domain.events import (
    DomainEvent,
)
from ordermgmt.errors import OrderManagementError
from ordermgmt.ports import EventHandler


class PublisherUnavailable(OrderManagementError):
    """The :class:`RecordingPublisher` was told to fail (a broker outage, simulated)."""

    code = "publisher_unavailable"


class RecordingPublisher:
    """An :class:`~ordermgmt.ports.EventPublisher` that keeps every event it is given.

    ``published`` holds the events in the order they arrived. Subscribers are called in order,
    in the publishing thread; a subscriber's exception propagates, so a broken test shows.
    ``fail_next()`` makes the next ``publish`` calls raise :class:`PublisherUnavailable`
    without delivering anything.
    """

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []
        self._subscribers: list[tuple[EventHandler, tuple[type[DomainEvent], ...]]] = []
        self._failures = 0

    def fail_next(self, times: int = 1) -> None:
        """Refuse the next ``times`` calls of :meth:`publish`."""
        self._failures = times

    def publish(self, events: Sequence[DomainEvent]) -> None:
        if self._failures > 0:
            self._failures -= 1
            raise PublisherUnavailable(f"event publisher unavailable ({len(events)} events)")
        batch = list(events)
        self.published.extend(batch)
        for event in batch:
            for handler, types in list(self._subscribers):
                if not types or isinstance(event, types):
                    handler(event)

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        self._subscribers.append((handler, event_types))

    @property
    def names(self) -> list[str]:
        """The type names of the published events, in order."""
        return [event.name for event in self.published]
