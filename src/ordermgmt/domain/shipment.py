"""Shipments (Sendungen): what leaves a location for the customer, with which carrier.

A shipment is created ``pending``, becomes ``booked`` once the carrier accepted it (only then
does stock leave: on hand and reserved both fall), then ``in_transit`` and ``delivered`` as
tracking events arrive. A failed booking leaves it ``pending`` with the error noted, and the
stock reserved; booking can be retried.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from ordermgmt.domain.base import Aggregate, require_quantity, require_text
from ordermgmt.domain.customer import Address
from ordermgmt.domain.errors import InvalidStateTransition, ValidationError
from ordermgmt.domain.events import (
    ShipmentBooked,
    ShipmentBookingFailed,
    ShipmentCreated,
    ShipmentDelivered,
    ShipmentTracked,
)
from ordermgmt.domain.money import Money


def shipment_number(sequence: int) -> str:
    return f"SH-{sequence:06d}"


class ShipmentStatus(StrEnum):
    PENDING = "pending"
    BOOKED = "booked"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class TrackingStatus(StrEnum):
    """What a carrier reports."""

    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    FAILED_ATTEMPT = "failed_attempt"
    RETURNED_TO_SENDER = "returned_to_sender"


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    order_line_no: int
    sku: str
    quantity: int
    #: The product's unit cost when the shipment was made up (``None``: it had none). Cost of
    #: goods sold is posted at this cost, and reversed at the same cost when goods come back.
    unit_cost: Money | None = None


def goods_value(costs: Iterable[tuple[Money | None, int]]) -> list[Money]:
    """The value of ``(unit cost, units)`` pairs, rounded, one amount per currency (in the
    order the currencies first appear). Units without a cost count nothing."""
    totals: dict[str, Decimal] = {}
    for unit_cost, units in costs:
        if unit_cost is not None:
            currency = unit_cost.currency
            totals[currency] = totals.get(currency, Decimal(0)) + unit_cost.amount * units
    return [Money(amount, currency).rounded() for currency, amount in totals.items()]


@dataclass(frozen=True, slots=True)
class Parcel:
    weight_kg: Decimal

    def __post_init__(self) -> None:
        if not self.weight_kg.is_finite() or self.weight_kg < 0:
            raise ValidationError("parcels.weight_kg", self.weight_kg, "must be >= 0")


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    status: TrackingStatus
    at: datetime
    description: str = ""


@dataclass(frozen=True, slots=True)
class ShipmentRequest:
    """What a carrier needs to quote or book. ``number`` is the shipment's human number
    (``SH-000042``; ``""`` for a quote), unique in the store and durable across restarts."""

    shipment_id: str
    reference: str
    ship_from: str
    ship_to: Address | None
    parcels: tuple[Parcel, ...]
    items: tuple[ShipmentLine, ...]
    currency: str
    number: str = ""

    @property
    def weight_kg(self) -> Decimal:
        return sum((p.weight_kg for p in self.parcels), Decimal(0))

    @property
    def sequence(self) -> int | None:
        """The running number in :attr:`number` (42 for ``SH-000042``), or None without one:
        what a carrier can derive tracking numbers from that stay unique after a restart."""
        digits = "".join(ch for ch in self.number if ch.isdigit())
        return int(digits) if digits else None


@dataclass(frozen=True, slots=True)
class RateQuote:
    carrier: str
    service: str
    price: Money
    transit_days: int


@dataclass(frozen=True, slots=True)
class Booking:
    """A carrier's acceptance: tracking number and label (or delivery note) document."""

    tracking_number: str
    label: str
    service: str = ""
    price: Money | None = None
    estimated_delivery: date | None = None


@dataclass(kw_only=True)
class Shipment(Aggregate):
    id: str
    number: str
    order_id: str
    location: str
    carrier: str
    lines: tuple[ShipmentLine, ...]
    parcels: tuple[Parcel, ...]
    created_at: datetime
    status: ShipmentStatus = ShipmentStatus.PENDING
    tracking_number: str = ""
    label: str = ""
    service: str = ""
    price: Money | None = None
    estimated_delivery: date | None = None
    booking_error: str = ""
    tracking: list[TrackingEvent] = field(default_factory=list)
    delivered_at: datetime | None = None
    proof_of_delivery: str = ""

    def __post_init__(self) -> None:
        if not self.lines:
            raise ValidationError("lines", self.lines, "a shipment needs at least one line")
        for line in self.lines:
            require_quantity(line.quantity, "lines.quantity")

    @classmethod
    def create(
        cls,
        *,
        id: str,
        number: str,
        order_id: str,
        location: str,
        carrier: str,
        lines: tuple[ShipmentLine, ...],
        parcels: tuple[Parcel, ...],
        at: datetime,
    ) -> Shipment:
        """A new pending shipment of ``lines`` from ``location``: records ``ShipmentCreated``."""
        shipment = cls(
            id=id,
            number=number,
            order_id=order_id,
            location=location,
            carrier=carrier,
            lines=lines,
            parcels=parcels,
            created_at=at,
        )
        shipment.record(
            ShipmentCreated(
                occurred_at=at,
                shipment_id=id,
                number=number,
                order_id=order_id,
                location=location,
                carrier=carrier,
            )
        )
        return shipment

    @property
    def weight_kg(self) -> Decimal:
        return sum((p.weight_kg for p in self.parcels), Decimal(0))

    @property
    def cost_of_goods(self) -> list[Money]:
        """What the goods on it cost, at the unit costs recorded when it was made up: one
        rounded amount per currency (see :func:`goods_value`)."""
        return goods_value((line.unit_cost, line.quantity) for line in self.lines)

    def _require(self, allowed: tuple[ShipmentStatus, ...], target: str) -> None:
        if self.status not in allowed:
            raise InvalidStateTransition("shipment", self.number, self.status, target)

    def booked(self, booking: Booking) -> None:
        self._require((ShipmentStatus.PENDING,), ShipmentStatus.BOOKED)
        self.status = ShipmentStatus.BOOKED
        self.tracking_number = booking.tracking_number
        self.label = booking.label
        self.service = booking.service
        self.price = booking.price
        self.estimated_delivery = booking.estimated_delivery
        self.booking_error = ""

    def confirm_booking(self, booking: Booking, at: datetime) -> None:
        """The carrier accepted the shipment and its goods left: :meth:`booked`, and records
        ``ShipmentBooked``."""
        self.booked(booking)
        self.record(
            ShipmentBooked(
                occurred_at=at,
                shipment_id=self.id,
                number=self.number,
                order_id=self.order_id,
                carrier=self.carrier,
                tracking_number=self.tracking_number,
            )
        )

    def booking_failed(self, reason: str, at: datetime) -> None:
        """The carrier refused the booking: the shipment stays pending with the reason (for a
        retry), and records ``ShipmentBookingFailed``."""
        self._require((ShipmentStatus.PENDING,), "booking failed")
        self.booking_error = reason[:500]
        self.record(
            ShipmentBookingFailed(
                occurred_at=at,
                shipment_id=self.id,
                number=self.number,
                order_id=self.order_id,
                carrier=self.carrier,
                reason=reason,
            )
        )

    def cancel(self) -> None:
        self._require((ShipmentStatus.PENDING,), ShipmentStatus.CANCELLED)
        self.status = ShipmentStatus.CANCELLED

    def track(self, event: TrackingEvent) -> bool:
        """Record a tracking event; returns True if it delivered the shipment."""
        self._require(
            (ShipmentStatus.BOOKED, ShipmentStatus.IN_TRANSIT), f"tracking {event.status}"
        )
        if event in self.tracking:
            return False
        self.tracking.append(event)
        if event.status is TrackingStatus.DELIVERED:
            self.status = ShipmentStatus.DELIVERED
            self.delivered_at = event.at
            return True
        if event.status is TrackingStatus.RETURNED_TO_SENDER:
            self.status = ShipmentStatus.FAILED
        else:
            self.status = ShipmentStatus.IN_TRANSIT
        return False

    def report(self, event: TrackingEvent, at: datetime, *, proof: str = "") -> bool:
        """News of the shipment arrived ``at``: :meth:`track` it. Records ``ShipmentTracked``
        (for a repeated report too), and ``ShipmentDelivered`` with ``proof`` when the news
        delivered the shipment; returns True then."""
        delivered = self.track(event)
        self.record(
            ShipmentTracked(
                occurred_at=at,
                shipment_id=self.id,
                number=self.number,
                status=event.status,
                description=event.description,
            )
        )
        if delivered:
            self.record(
                ShipmentDelivered(
                    occurred_at=at,
                    shipment_id=self.id,
                    number=self.number,
                    order_id=self.order_id,
                    proof=proof,
                )
            )
        return delivered

    def confirm_delivery(self, proof: str, at: datetime) -> None:
        self.proof_of_delivery = require_text(proof, "proof", max_length=500)
        self.track(TrackingEvent(TrackingStatus.DELIVERED, at, f"proof of delivery: {proof}"))
