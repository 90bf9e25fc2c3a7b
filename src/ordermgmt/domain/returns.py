"""Returns (Retouren): goods coming back from a customer, and exchanges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ordermgmt.domain.base import Aggregate, require_quantity, require_text
from ordermgmt.domain.errors import InvalidStateTransition, ValidationError


def return_number(sequence: int) -> str:
    return f"RMA-{sequence:06d}"


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class ReturnLine:
    order_line_no: int
    sku: str
    quantity: int


@dataclass(kw_only=True)
class ReturnRequest(Aggregate):
    """An RMA for delivered quantities. Received goods are restocked or written off."""

    id: str
    number: str
    order_id: str
    customer_id: str
    lines: tuple[ReturnLine, ...]
    reason: str
    requested_at: datetime
    status: ReturnStatus = ReturnStatus.REQUESTED
    restocked: bool = False
    location: str = ""
    received_at: datetime | None = None
    credit_note_id: str = ""
    refund_id: str = ""
    replacement_order_id: str = ""
    rejection_reason: str = ""

    def __post_init__(self) -> None:
        self.reason = require_text(self.reason, "reason")
        if not self.lines:
            raise ValidationError("lines", self.lines, "a return needs at least one line")
        for line in self.lines:
            require_quantity(line.quantity, "lines.quantity")

    def receive(self, *, restock: bool, location: str, at: datetime) -> None:
        if self.status is not ReturnStatus.REQUESTED:
            raise InvalidStateTransition("return", self.number, self.status, ReturnStatus.RECEIVED)
        self.status = ReturnStatus.RECEIVED
        self.restocked = restock
        self.location = location
        self.received_at = at

    def reject(self, reason: str) -> None:
        if self.status is not ReturnStatus.REQUESTED:
            raise InvalidStateTransition("return", self.number, self.status, ReturnStatus.REJECTED)
        self.status = ReturnStatus.REJECTED
        self.rejection_reason = require_text(reason, "reason")
