"""The credit check: what a customer owes or has on order, against their credit limit.

A customer's exposure in a currency is what is outstanding on their invoices (an invoice that
owes the customer money counts nothing) plus the uninvoiced part of their active orders, less
what was prepaid for them. A B2B order that takes the exposure over the customer's credit limit
is held (reason ``credit limit: ...``); money coming in, or a higher or removed limit, releases
such orders, oldest first, while the limit allows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from ordermgmt.domain.invoice import Invoice, uninvoiced
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order, OrderStatus

#: How every hold reason the credit check gives begins.
CREDIT_HOLD = "credit limit"

#: A customer's exposure in a currency, asked only when the check needs it.
Exposure = Callable[[str], Money]


def exposure(invoices: Iterable[Invoice], orders: Iterable[Order], currency: str) -> Money:
    """What is owed on ``invoices`` and open on active ``orders`` in ``currency`` (see the
    module docstring); the others are left out."""
    result = Money.zero(currency)
    for invoice in invoices:
        if invoice.currency == currency and not invoice.outstanding.is_negative:
            result += invoice.outstanding
    for order in orders:
        if order.currency != currency:
            continue
        open_part = uninvoiced(order) - order.prepaid
        if open_part.amount > 0:
            result += open_part
    return result


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    """Holds and releases a customer's orders by their credit ``limit`` (``None``: no limit)."""

    limit: Money | None

    def check(self, order: Order, exposure: Exposure, at: datetime) -> None:
        """Hold a new ``order`` that takes the customer's exposure (``order`` already in it)
        over the limit, or whose currency the limit is not in."""
        limit = self.limit
        if limit is None:
            return
        if limit.currency != order.currency:
            order.hold(
                f"{CREDIT_HOLD}: the limit is in {limit.currency}, the order in {order.currency}",
                at,
            )
            return
        total = exposure(order.currency)
        if total > limit:
            order.hold(f"{CREDIT_HOLD}: exposure {total} exceeds {limit}", at)

    def reviews_holds(self, *, limit_removed: bool = False) -> bool:
        """Whether credit holds can be released now: there is a limit, or it was removed."""
        return self.limit is not None or limit_removed

    def release_holds(self, orders: Iterable[Order], exposure: Exposure, at: datetime) -> None:
        """Release ``orders`` held by the credit check, in their order, while the exposure in
        their currency is within the limit; all of them when there is no limit."""
        limit = self.limit
        for order in orders:
            if order.status is not OrderStatus.ON_HOLD or not order.hold_reason.startswith(
                CREDIT_HOLD
            ):
                continue
            if limit is None:
                order.release_hold(at)
                continue
            if limit.currency != order.currency:
                continue
            # this order's own open part is already inside the exposure
            if exposure(order.currency) <= limit:
                order.release_hold(at)
