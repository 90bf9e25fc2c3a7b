"""A deterministic parcel carrier for tests and demos: it can be told to fail."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

from ordermgmt.domain.errors import CarrierError
from ordermgmt.domain.money import Money, round_amount
from ordermgmt.domain.shipment import (
    Booking,
    RateQuote,
    ShipmentRequest,
    TrackingEvent,
    TrackingStatus,
)
from ordermgmt.ports import Clock


class InMemoryCarrier:
    """A simulated parcel service (for demos and tests; ``from_url`` wires it only when asked
    for by name: ``simulate=["parcel"]``).

    Tracking numbers are ``<NAME>`` and the shipment's running number (``PARCEL000042`` for
    ``SH-000042``), so they stay unique across restarts on a durable store; a request without
    a number gets ``<NAME>-<shipment id>``. After a restart it no longer knows earlier bookings'
    scans: it tracks a number of its own making as booked with no scans yet.

    Rates: ``base`` plus ``per_kg`` per kilogram, in the request's currency. ``fail_next(n)``
    makes the next ``n`` calls fail with :class:`~ordermgmt.errors.CarrierError`;
    ``advance(tracking_number, status)`` makes the parcel move, as a real carrier would report.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        name: str = "parcel",
        base: Decimal = Decimal("4.90"),
        per_kg: Decimal = Decimal("0.50"),
        transit_days: int = 2,
    ) -> None:
        self.name = name
        self._clock = clock
        self._base = base
        self._per_kg = per_kg
        self._transit_days = transit_days
        self._lock = threading.Lock()
        self._failures = 0
        self._bookings: dict[str, Booking] = {}
        self._events: dict[str, list[TrackingEvent]] = {}
        self.cancelled: set[str] = set()

    def fail_next(self, times: int = 1) -> None:
        with self._lock:
            self._failures = times

    def _check(self, operation: str) -> None:
        if self._failures > 0:
            self._failures -= 1
            raise CarrierError(self.name, operation, "service unavailable (simulated)")

    def _price(self, request: ShipmentRequest) -> Money:
        amount = self._base + self._per_kg * request.weight_kg
        return Money(round_amount(amount, request.currency), request.currency)

    def quote(self, request: ShipmentRequest) -> list[RateQuote]:
        with self._lock:
            self._check("quote")
            return [RateQuote(self.name, "standard", self._price(request), self._transit_days)]

    def book(self, request: ShipmentRequest) -> Booking:
        with self._lock:
            existing = self._bookings.get(request.shipment_id)
            if existing is not None:
                return existing
            self._check("book")
            tracking = self._tracking_number(request)
            label = "\n".join(
                [
                    f"{self.name} label {tracking}",
                    f"ref {request.reference} from {request.ship_from}",
                    f"to {request.ship_to.city if request.ship_to else 'customer'}",
                    f"{len(request.parcels)} parcel(s), {request.weight_kg} kg",
                ]
            )
            booking = Booking(
                tracking_number=tracking,
                label=label,
                service="standard",
                price=self._price(request),
                estimated_delivery=(self._clock.now() + timedelta(days=self._transit_days)).date(),
            )
            self._bookings[request.shipment_id] = booking
            self._events[tracking] = []
            return booking

    def _tracking_number(self, request: ShipmentRequest) -> str:
        sequence = request.sequence
        if sequence is None:
            return f"{self.name.upper()}-{request.shipment_id}"
        return f"{self.name.upper()}{sequence:06d}"

    def _known(self, tracking_number: str, operation: str) -> list[TrackingEvent]:
        """The scans of a tracking number; one of ours from before a restart has none yet."""
        events = self._events.get(tracking_number)
        if events is None:
            if not tracking_number.startswith(self.name.upper()):
                raise CarrierError(
                    self.name, operation, f"unknown tracking number {tracking_number}"
                )
            events = self._events[tracking_number] = []
        return events

    def advance(self, tracking_number: str, status: TrackingStatus, description: str = "") -> None:
        """Report a tracking event for a booked parcel (what the carrier's scanners would do)."""
        with self._lock:
            if tracking_number not in self._events:
                raise CarrierError(self.name, "track", f"unknown tracking number {tracking_number}")
            self._events[tracking_number].append(
                TrackingEvent(status, self._clock.now(), description or status.value)
            )

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        with self._lock:
            self._check("track")
            return list(self._known(tracking_number, "track"))

    def cancel(self, tracking_number: str) -> None:
        with self._lock:
            self._check("cancel")
            if self._known(tracking_number, "cancel"):
                raise CarrierError(self.name, "cancel", "already picked up")
            self.cancelled.add(tracking_number)
