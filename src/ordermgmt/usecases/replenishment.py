"""Shared stock rules used by several use cases: serving backorders and raising requisitions.

These run inside the caller's unit of work; submitting requisitions to purchasing happens after
commit (:func:`submit_requisitions`), because side effects wait until the facts are durable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from ordermgmt.domain.errors import PurchasingError
from ordermgmt.domain.inventory import MAX_PRIORITY, Location, StockItem
from ordermgmt.domain.purchasing import PurchaseRequisition, RequisitionReason
from ordermgmt.ports import Dependencies, PurchasingPort, UnitOfWork
from ordermgmt.ports.guard import call_outside

log = logging.getLogger("ordermgmt.purchasing")


def ensure_location(uow: UnitOfWork, code: str) -> Location:
    """The location ``code``, created on first use (priority after every known location)."""
    location = uow.locations.find(code)
    if location is None:
        known = uow.locations.list_all()
        last = max((loc.priority for loc in known), default=0)
        priority = min(last + 10, MAX_PRIORITY)
        location = Location(code=code, name=code, priority=priority)
        uow.locations.add(location)
    return location


def location_order(uow: UnitOfWork) -> list[str]:
    """Location codes in allocation priority order."""
    return [loc.code for loc in uow.locations.list_all()]


def serve_backorders(uow: UnitOfWork, item: StockItem, at: datetime) -> int:
    """Reserve ``item``'s available units for backorders of its sku, oldest order first.

    Returns how many units were served.
    """
    served = 0
    for order in uow.orders.list_backordered(item.sku):
        for line in order.lines_for(item.sku):
            take = min(line.backordered, item.available)
            if take <= 0:
                continue
            item.reserve(take)
            order.serve_backorder(line.line_no, item.location, take, at)
            served += take
        if item.available == 0:
            break
    return served


class Replenisher:
    """Raises purchase requisitions inside a unit of work and remembers which, for after commit.

    Rules (documented in the README):
    - reorder point: a product with a ``reorder_quantity`` gets a requisition for that quantity
      when available units at a location fall to or below its ``reorder_point``;
    - backorder: a sku with open backorders gets a requisition at its first location for at
      least the backordered quantity;
    - at most one requisition is open per sku and location.
    """

    def __init__(self, uow: UnitOfWork, deps: Dependencies, at: datetime) -> None:
        self._uow = uow
        self._deps = deps
        self._at = at
        self.raised: list[str] = []

    def after_decrease(self, item: StockItem, available_before: int) -> None:
        """Check the reorder point after ``item``'s available units fell."""
        product = self._uow.products.find(item.sku)
        if product is None or not product.reorders:
            return
        item.check_low(available_before, product.reorder_point, self._at)
        self.check_reorder_point(item)

    def check_reorder_point(self, item: StockItem) -> None:
        """Raise a requisition if ``item`` is at or below its product's reorder point."""
        product = self._uow.products.find(item.sku)
        if product is not None and product.reorders and item.available <= product.reorder_point:
            self._raise(
                item.sku, item.location, product.reorder_quantity, RequisitionReason.REORDER_POINT
            )

    def after_backorder(self, skus: Iterable[str]) -> None:
        """Make sure every sku with open backorders has a requisition on its way."""
        for sku in sorted(set(skus)):
            backordered = sum(
                line.backordered
                for order in self._uow.orders.list_backordered(sku)
                for line in order.lines_for(sku)
            )
            if backordered == 0:
                continue
            product = self._uow.products.find(sku)
            quantity = max(backordered, product.reorder_quantity if product else 0)
            self._raise(sku, self._home_of(sku), quantity, RequisitionReason.BACKORDER)

    def _home_of(self, sku: str) -> str:
        """Where a backordered sku is bought for: its first stocked location by priority."""
        stocked = {i.location for i in self._uow.stock.list_for_sku(sku)}
        ordered = location_order(self._uow)
        for code in ordered:
            if code in stocked:
                return code
        if ordered:
            return ordered[0]
        return ensure_location(self._uow, "MAIN").code

    def _raise(self, sku: str, location: str, quantity: int, reason: RequisitionReason) -> None:
        if self._uow.requisitions.find_open(sku, location) is not None:
            return
        requisition = PurchaseRequisition.raise_for(
            id=self._deps.ids.new_id(),  # type: ignore[arg-type]
            sku=sku,
            location=location,
            quantity=quantity,
            reason=reason,
            at=self._at,
        )
        self._uow.requisitions.add(requisition)
        self.raised.append(requisition.id)


def submit_requisitions(deps: Dependencies, requisition_ids: Iterable[str]) -> int:
    """Hand requisitions to purchasing after commit; returns how many were acknowledged.

    A failure is not dropped: the requisition stays ``submitted=False`` with the reason in its
    ``submission_error`` (visible in ``open_purchase_requisitions``), and
    ``submit_pending_requisitions`` retries it. Without a purchasing adapter nothing is handed
    over and nothing claims it was: requisitions stay pending until one is configured.
    """
    purchasing = deps.purchasing
    if purchasing is None:
        return 0
    acknowledged = 0
    for requisition_id in requisition_ids:
        with deps.uow() as uow:  # read, then talk to purchasing outside any transaction
            requisition = uow.requisitions.get(requisition_id)
        if requisition.submitted:
            continue
        try:
            _submit(purchasing, requisition)
        except PurchasingError as error:
            _note_outcome(deps, requisition_id, str(error.details.get("reason", error.message)))
            log.warning(
                "purchase requisition %s not accepted by purchasing (%s); it stays pending "
                "and submit_pending_requisitions retries it",
                requisition_id,
                error,
            )
            continue
        _note_outcome(deps, requisition_id, None)
        acknowledged += 1
    return acknowledged


def _submit(purchasing: PurchasingPort, requisition: PurchaseRequisition) -> None:
    """One hand-over, through the guard: whatever purchasing raises becomes
    ``PurchasingError`` with the requisition's id, logged."""
    call_outside(
        lambda: purchasing.submit(requisition),
        port="purchasing",
        operation="submit",
        error=PurchasingError,
        translate=lambda reason: PurchasingError(
            f"purchasing did not take requisition {requisition.id}: {reason}", reason=reason
        ),
        requisition_id=requisition.id,
    )


def _note_outcome(deps: Dependencies, requisition_id: str, failure: str | None) -> None:
    """Record the outcome of a hand-over: acknowledged (``failure`` None) or why not."""
    with deps.uow() as uow:
        requisition = uow.requisitions.get(requisition_id)
        if failure is None:
            requisition.submission_succeeded()
        else:
            requisition.submission_failed(failure)
        uow.commit()
