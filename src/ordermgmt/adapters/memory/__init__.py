"""The in-memory OMS: the reference implementation of every port.

Complete and thread-safe: a unit of work holds the store's lock from start to end, so units of
work run one after another, and each works on private copies of the aggregates it loads, so a
unit of work that does not commit leaves no trace.
"""

from ordermgmt.adapters.memory.ports import (
    FixedClock,
    InMemoryEventPublisher,
    InMemoryNotifications,
    InMemoryPurchasing,
    SequentialIdGenerator,
)
from ordermgmt.adapters.memory.store import InMemoryStore, InMemoryUnitOfWork

__all__ = [
    "FixedClock",
    "InMemoryEventPublisher",
    "InMemoryNotifications",
    "InMemoryPurchasing",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "SequentialIdGenerator",
]
