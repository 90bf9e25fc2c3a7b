"""What every aggregate shares: a version for optimistic concurrency and pending events."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Self

from ordermgmt.domain.cloning import Plan, copy_plan
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import DomainEvent

#: Orders events across aggregates: a unit of work publishes them in the order they happened.
_recorded = itertools.count()
#: Per aggregate class: what :meth:`Aggregate.clone` copies (see ``cloning.copy_plan``).
_clone_plans: dict[type, Plan] = {}


@dataclass(kw_only=True)
class Aggregate:
    """An aggregate root with a version (optimistic concurrency) and its pending events."""

    version: int = 0
    pending_events: list[tuple[int, DomainEvent]] = field(
        default_factory=list, repr=False, compare=False
    )

    def clone(self) -> Self:
        """An independent copy without pending events: what a unit of work compares the
        aggregate with to tell whether to write it. Immutable fields are shared, every list,
        dict, set and mutable child is copied, following the declared field types (see
        :mod:`ordermgmt.domain.cloning`): no aggregate writes, or overrides, its own copy."""
        cls = type(self)
        try:
            plan = _clone_plans[cls]
        except KeyError:
            plan = _clone_plans[cls] = tuple(
                (name, copy) for name, copy in copy_plan(cls) if name != "pending_events"
            )
        # cloning.copy_fields inlined (clone runs on every load); the events start afresh
        state = self.__dict__.copy()
        state["pending_events"] = []
        for name, copy in plan:
            state[name] = copy(state[name])
        twin = object.__new__(cls)
        twin.__dict__ = state
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


#: Characters no stored text may hold: every control character (C0, DEL and C1, NUL included)
#: and lone surrogates, which no database encoding can store.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: The same, but tab, line feed and carriage return are allowed (multi-line free text).
_UNPRINTABLE_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def unprintable(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that stored text may not hold, or None.

    Refused everywhere: control characters (``U+0000``-``U+001F``, ``U+007F``-``U+009F``, NUL
    included) and lone surrogates. ``multiline`` text (free-text notes) may hold tab, line feed
    and carriage return.
    """
    found = (_UNPRINTABLE_MULTILINE if multiline else _UNPRINTABLE).search(text)
    return None if found is None else found.group()


def require_printable(value: str, field: str, *, multiline: bool = False) -> str:
    """``value`` unchanged if it holds no character :func:`unprintable` refuses."""
    bad = unprintable(value, multiline=multiline)
    if bad is not None:
        raise ValidationError(
            field, value, f"must not contain control characters (found U+{ord(bad):04X})"
        )
    return value


def require_text(
    value: object,
    field: str,
    *,
    max_length: int = 200,
    empty: bool = False,
    multiline: bool = False,
) -> str:
    """A trimmed, printable string of at most ``max_length`` characters (see
    :func:`unprintable`; ``multiline`` allows tabs and line breaks)."""
    if not isinstance(value, str):
        raise ValidationError(field, value, "must be a string")
    text = value.strip()
    if not text and not empty:
        raise ValidationError(field, value, "must not be empty")
    if len(text) > max_length:
        raise ValidationError(field, value, f"must be at most {max_length} characters")
    return require_printable(text, field, multiline=multiline)
