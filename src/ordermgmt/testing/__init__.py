"""ordermgmt for other people's test suites.

- :mod:`ordermgmt.testing.plugin`: pytest fixtures (``oms``, ``oms_clock``, ``oms_ids``,
  ``oms_purchasing``, ``oms_notifications``, ``oms_carriers``, ``oms_publisher``,
  ``oms_events``), loaded automatically once ordermgmt is installed; override one to put your
  own adapter into ``oms``.
- :mod:`ordermgmt.testing.contracts`: the contract suite of every port, as pytest classes
  your adapter's tests subclass (storage, outbox, carriers, purchasing, notifications, event
  publisher; ``docs/adapters.md`` shows each).
- :mod:`ordermgmt.testing.builders`: :func:`a_product`, :func:`a_customer`, :func:`an_order`,
  one call each, with defaults for everything a test does not care about.
- The deterministic adapters the fixtures use, for building an OMS by hand:
  :class:`FixedClock`, :class:`SequentialIdGenerator`, :class:`InMemoryPurchasing`,
  :class:`InMemoryNotifications`.

Everything named in ``__all__`` is public API and keeps its name and module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from ordermgmt.adapters.memory import (
    FixedClock,
    InMemoryNotifications,
    InMemoryPurchasing,
    SequentialIdGenerator,
)
from ordermgmt.testing.builders import Lines, a_customer, a_product, an_order, order_lines

#: Where the ``oms_clock`` fixture stands: Monday, 5 January 2026, 09:00 UTC.
START: Final = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

__all__ = [
    "START",
    "FixedClock",
    "InMemoryNotifications",
    "InMemoryPurchasing",
    "Lines",
    "SequentialIdGenerator",
    "a_customer",
    "a_product",
    "an_order",
    "order_lines",
]
