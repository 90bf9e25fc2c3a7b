"""Returns (Retouren): goods coming back from a customer, and exchanges."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from ordermgmt.domain.base import Aggregate, require_quantity, require_text
from ordermgmt.domain.errors import InvalidStateTransition, ValidationError
from ordermgmt.domain.events import ReturnReceived, ReturnRequested
from ordermgmt.domain.money import Money
from ordermgmt.domain.shipment import Shipment


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
    #: Once received: which delivered shipments the units came back from, as (shipment id,
    #: units) pairs; the goods are valued at the cost those shipments recorded.
    shipments: tuple[tuple[str, int], ...] = ()


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

    @classmethod
    def open(
        cls,
        *,
        id: str,
        number: str,
        order_id: str,
        customer_id: str,
        lines: tuple[ReturnLine, ...],
        reason: str,
        at: datetime,
    ) -> ReturnRequest:
        """A new RMA for ``lines``: records ``ReturnRequested`` (with the reason as given)."""
        request = cls(
            id=id,
            number=number,
            order_id=order_id,
            customer_id=customer_id,
            lines=lines,
            reason=reason,
            requested_at=at,
        )
        request.record(
            ReturnRequested(
                occurred_at=at, return_id=id, number=number, order_id=order_id, reason=reason
            )
        )
        return request

    def settle(self, *, credit_note_id: str, refund_id: str, at: datetime) -> None:
        """The received goods are paid for: the first credit note and refund it caused (``""``
        for none) are kept, and ``ReturnReceived`` is recorded, after the money events."""
        self.credit_note_id = self.credit_note_id or credit_note_id
        self.refund_id = self.refund_id or refund_id
        self.record(
            ReturnReceived(
                occurred_at=at,
                return_id=self.id,
                number=self.number,
                order_id=self.order_id,
                restocked=self.restocked,
            )
        )

    def receive(self, *, restock: bool, location: str, at: datetime) -> None:
        if self.status is not ReturnStatus.REQUESTED:
            raise InvalidStateTransition("return", self.number, self.status, ReturnStatus.RECEIVED)
        self.status = ReturnStatus.RECEIVED
        self.restocked = restock
        self.location = location
        self.received_at = at

    def take_back(
        self, delivered: Sequence[Shipment], earlier: Sequence[ReturnRequest]
    ) -> list[tuple[Money | None, int]]:
        """Decide which delivered units come back: per order line, units no ``earlier``
        (received) return of the order took, from the ``delivered`` shipments in the order of
        their numbers. Records that on the lines and returns (unit cost, units) pairs, the cost
        the goods shipped at."""
        by_number = sorted(delivered, key=lambda s: (len(s.number), s.number))
        left: dict[tuple[str, int], int] = {}
        unit_costs: dict[tuple[str, int], Money | None] = {}
        for shipment in by_number:
            for part in shipment.lines:
                key = (shipment.id, part.order_line_no)
                left[key] = left.get(key, 0) + part.quantity
                unit_costs[key] = part.unit_cost
        for request in earlier:
            for line in request.lines:
                # a line received without a record took the first units left, as this does
                taken = line.shipments or _take(left, by_number, line.order_line_no, line.quantity)
                for shipment_id, units in taken:
                    key = (shipment_id, line.order_line_no)
                    left[key] = left.get(key, 0) - units
        costs: list[tuple[Money | None, int]] = []
        lines = []
        for line in self.lines:
            taken = _take(left, by_number, line.order_line_no, line.quantity)
            for shipment_id, units in taken:
                left[(shipment_id, line.order_line_no)] -= units
            costs += [(unit_costs[(sid, line.order_line_no)], units) for sid, units in taken]
            lines.append(replace(line, shipments=taken))
        self.lines = tuple(lines)
        return costs

    def reject(self, reason: str) -> None:
        if self.status is not ReturnStatus.REQUESTED:
            raise InvalidStateTransition("return", self.number, self.status, ReturnStatus.REJECTED)
        self.status = ReturnStatus.REJECTED
        self.rejection_reason = require_text(reason, "reason")


def _take(
    left: dict[tuple[str, int], int], shipments: Sequence[Shipment], line_no: int, units: int
) -> tuple[tuple[str, int], ...]:
    """Up to ``units`` units of order line ``line_no`` from what is ``left`` of ``shipments``,
    in their order (``left`` itself is not changed)."""
    taken = []
    for shipment in shipments:
        if units <= 0:
            break
        take = min(units, left.get((shipment.id, line_no), 0))
        if take > 0:
            taken.append((shipment.id, take))
            units -= take
    return tuple(taken)
