"""The purchasing port: where purchase requisitions go."""

from __future__ import annotations

from typing import Protocol

from ordermgmt.domain.purchasing import PurchaseRequisition


class PurchasingPort(Protocol):
    """The purchasing department or system that turns requisitions into purchase orders."""

    def submit(self, requisition: PurchaseRequisition) -> None:
        """Hand over a requisition. Called after commit; may be called again for the same
        requisition if an earlier call failed, so implementations must be idempotent by
        ``requisition.id``. Raises ``PurchasingError`` on failure (anything else it raises is
        turned into one by :func:`ordermgmt.ports.guard.call_outside`)."""
        ...
