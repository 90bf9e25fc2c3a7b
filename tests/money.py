"""Money shorthand for the tests."""

from __future__ import annotations

from decimal import Decimal

from ordermgmt import Money


def eur(amount: str | Decimal) -> Money:
    """``eur("149.00")`` is ``Money("149.00", "EUR")``."""
    return Money(amount, "EUR")
