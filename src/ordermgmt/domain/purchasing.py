"""Replenishment: purchase requisitions (Bestellanforderung), supplier receipts (Wareneingang)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ordermgmt.domain.base import Aggregate, require_quantity, require_text
from ordermgmt.domain.errors import InvalidStateTransition
from ordermgmt.domain.events import (
    PurchaseRequisitionClosed,
    PurchaseRequisitionRaised,
    StockReceived,
)
from ordermgmt.domain.ids import ReceiptId, RequisitionId
from ordermgmt.domain.money import Money


class RequisitionReason(StrEnum):
    REORDER_POINT = "reorder_point"
    BACKORDER = "backorder"


class RequisitionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(kw_only=True)
class PurchaseRequisition(Aggregate):
    """A request to purchasing to buy ``quantity`` of ``sku`` for ``location``.

    At most one is open per sku and location. ``submitted`` tells whether the purchasing system
    has acknowledged it; one that is not is retried. ``submission_error`` says why the last
    hand-over failed (``""`` if none did or once one succeeded).
    """

    id: RequisitionId
    sku: str
    location: str
    quantity: int
    reason: RequisitionReason
    raised_at: datetime
    status: RequisitionStatus = RequisitionStatus.OPEN
    submitted: bool = False
    closed_by: str = ""
    submission_error: str = ""

    @classmethod
    def raise_for(
        cls,
        *,
        id: RequisitionId,
        sku: str,
        location: str,
        quantity: int,
        reason: RequisitionReason,
        at: datetime,
    ) -> PurchaseRequisition:
        require_quantity(quantity)
        requisition = cls(
            id=id, sku=sku, location=location, quantity=quantity, reason=reason, raised_at=at
        )
        requisition.record(
            PurchaseRequisitionRaised(
                occurred_at=at,
                requisition_id=id,
                sku=sku,
                location=location,
                quantity=quantity,
                reason=reason,
            )
        )
        return requisition

    def submission_succeeded(self) -> None:
        """Purchasing acknowledged the requisition."""
        self.submitted = True
        self.submission_error = ""

    def submission_failed(self, reason: str) -> None:
        """Purchasing did not take the requisition: it stays pending, with the reason."""
        self.submission_error = reason[:500]

    def close(self, receipt_id: str, at: datetime) -> None:
        if self.status is not RequisitionStatus.OPEN:
            raise InvalidStateTransition(
                "purchase requisition", self.id, self.status, RequisitionStatus.CLOSED
            )
        self.status = RequisitionStatus.CLOSED
        self.closed_by = receipt_id
        self.record(
            PurchaseRequisitionClosed(
                occurred_at=at,
                requisition_id=self.id,
                sku=self.sku,
                location=self.location,
                receipt_id=receipt_id,
            )
        )


@dataclass(kw_only=True)
class SupplierReceipt(Aggregate):
    """A recorded delivery from a supplier. Receipts are facts; they are never edited."""

    id: ReceiptId
    supplier: str
    sku: str
    location: str
    quantity: int
    reference: str
    received_at: datetime
    unit_cost: Money | None = None

    @classmethod
    def record_delivery(
        cls,
        *,
        id: ReceiptId,
        supplier: str,
        sku: str,
        location: str,
        quantity: int,
        reference: str,
        at: datetime,
        unit_cost: Money | None = None,
    ) -> SupplierReceipt:
        receipt = cls(
            id=id,
            supplier=require_text(supplier, "supplier"),
            sku=sku,
            location=location,
            quantity=require_quantity(quantity),
            reference=require_text(reference, "reference", max_length=100, empty=True),
            received_at=at,
            unit_cost=unit_cost,
        )
        receipt.record(
            StockReceived(
                occurred_at=at,
                receipt_id=id,
                sku=sku,
                location=location,
                quantity=quantity,
                supplier=receipt.supplier,
                reference=receipt.reference,
            )
        )
        return receipt
