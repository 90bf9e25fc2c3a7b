"""What every aggregate shares: a version for optimistic concurrency and pending events."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import DomainEvent

#: Orders events across aggregates: a unit of work publishes them in the order they happened.
_recorded = itertools.count()


@dataclass(kw_only=True)
class Aggregate:
    """An aggregate root with a version (optimistic concurrency) and its pending events."""

    version: int = 0
    pending_events: list[tuple[int, DomainEvent]] = field(
        default_factory=list, repr=False, compare=False
    )

    def clone(self) -> Self:
        """An independent copy (no pending events). Aggregates with mutable parts (lists,
        dicts, mutable children) override this to copy those parts too."""
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)  # a shallow copy, as copy.copy makes, but cheaper
        twin.pending_events = []
        return twin

    def record(self, event: DomainEvent) -> None:
        self.pending_events.append((next(_recorded), event))

    def take_events(self) -> list[DomainEvent]:
        """The recorded events, oldest first; afterwards none are pending."""
        return [event for _, event in self.take_numbered_events()]

    def take_numbered_events(self) -> list[tuple[int, DomainEvent]]:
        """The recorded events with their recording number, for merging across aggregates."""
        events, self.pending_events = self.pending_events, []
        return events


def committed_events(aggregates: list[Aggregate], new_id: Callable[[], str]) -> list[DomainEvent]:
    """Take every pending event of ``aggregates`` in the order they were recorded and give
    each its ``event_id``: what a unit of work stores and publishes when it commits."""
    numbered = [pair for aggregate in aggregates for pair in aggregate.take_numbered_events()]
    events = [event for _, event in sorted(numbered, key=lambda pair: pair[0])]
    for event in events:  # not shared with anyone yet, so set in place
        object.__setattr__(event, "event_id", new_id())
    return events


def require_quantity(value: object, field: str = "quantity", *, allow_zero: bool = False) -> int:
    """A quantity is a whole number > 0 (or >= 0 where ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, value, "must be a whole number")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValidationError(field, value, "must be at least 0" if allow_zero else "must be > 0")
    return value


def require_text(value: object, field: str, *, max_length: int = 200, empty: bool = False) -> str:
    """A trimmed, printable string of at most ``max_length`` characters."""
    if not isinstance(value, str):
        raise ValidationError(field, value, "must be a string")
    text = value.strip()
    if not text and not empty:
        raise ValidationError(field, value, "must not be empty")
    if len(text) > max_length:
        raise ValidationError(field, value, f"must be at most {max_length} characters")
    if any(ord(ch) < 32 for ch in text):
        raise ValidationError(field, value, "must not contain control characters")
    return text
