"""The company's own fleet (LTL): vans with a weight capacity, fixed delivery days, and the
driver's proof of delivery."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ordermgmt.domain.errors import CarrierError, ValidationError
from ordermgmt.domain.money import Money
from ordermgmt.domain.shipment import (
    Booking,
    RateQuote,
    ShipmentRequest,
    TrackingEvent,
    TrackingStatus,
)
from ordermgmt.ports import Clock


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A van or truck: ``capacity_kg`` per delivery day."""

    id: str
    capacity_kg: Decimal

    def __post_init__(self) -> None:
        if not self.capacity_kg > 0:
            raise ValidationError("capacity_kg", self.capacity_kg, "must be greater than zero")


class OwnFleetCarrier:
    """Plans shipments onto vehicles: the first delivery day (after today) on which a vehicle
    still has room for the shipment's weight. The label is the delivery note (Lieferschein)
    the driver carries; the driver's proof comes back through ``confirm_delivery``.

    Delivery costs nothing extra by default (``price_per_kg`` 0): the fleet is already paid for.
    """

    def __init__(
        self,
        clock: Clock,
        vehicles: list[Vehicle],
        *,
        name: str = "own-fleet",
        delivery_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4}),
        horizon_days: int = 14,
        price_per_kg: Decimal = Decimal(0),
    ) -> None:
        if not vehicles:
            raise ValidationError("vehicles", vehicles, "the fleet needs at least one vehicle")
        if not delivery_weekdays or not delivery_weekdays <= set(range(7)):
            raise ValidationError("delivery_weekdays", delivery_weekdays, "weekdays are 0-6")
        self.name = name
        self._clock = clock
        self._vehicles = list(vehicles)
        self._weekdays = delivery_weekdays
        self._horizon = horizon_days
        self._price_per_kg = price_per_kg
        self._lock = threading.Lock()
        self._load: dict[tuple[str, date], Decimal] = {}
        self._bookings: dict[str, Booking] = {}
        self._plan: dict[str, tuple[str, date, Decimal]] = {}
        self._events: dict[str, list[TrackingEvent]] = {}

    def _slot(self, weight: Decimal) -> tuple[Vehicle, date]:
        today = self._clock.now().date()
        for offset in range(1, self._horizon + 1):
            day = today + timedelta(days=offset)
            if day.weekday() not in self._weekdays:
                continue
            for vehicle in self._vehicles:
                if self._load.get((vehicle.id, day), Decimal(0)) + weight <= vehicle.capacity_kg:
                    return vehicle, day
        raise CarrierError(
            self.name, "book", f"no vehicle has room for {weight} kg in {self._horizon} days"
        )

    def quote(self, request: ShipmentRequest) -> list[RateQuote]:
        with self._lock:
            _, day = self._slot(request.weight_kg)
            price = Money(self._price_per_kg * request.weight_kg, request.currency).rounded()
            transit = (day - self._clock.now().date()).days
            return [RateQuote(self.name, "own fleet", price, transit)]

    def book(self, request: ShipmentRequest) -> Booking:
        with self._lock:
            existing = self._bookings.get(request.shipment_id)
            if existing is not None:
                return existing
            weight = request.weight_kg
            vehicle, day = self._slot(weight)
            self._load[(vehicle.id, day)] = self._load.get((vehicle.id, day), Decimal(0)) + weight
            # From the shipment's durable number, so a restart never hands out one twice.
            sequence = request.sequence
            serial = f"{len(self._bookings) + 1:04d}" if sequence is None else f"{sequence:04d}"
            tracking = f"FLEET-{day:%Y%m%d}-{vehicle.id}-{serial}"
            items = "\n".join(f"  {item.quantity} x {item.sku}" for item in request.items)
            address = request.ship_to
            to = f"{address.line1}, {address.postal_code} {address.city}" if address else "customer"
            note = (
                f"Delivery note {request.reference}\nVehicle {vehicle.id}, {day:%A %Y-%m-%d}\n"
                f"From {request.ship_from} to {to}\n{items}\nWeight {weight} kg\n"
                "Received in good order: ____________________"
            )
            booking = Booking(
                tracking_number=tracking,
                label=note,
                service="own fleet",
                price=Money(self._price_per_kg * weight, request.currency).rounded(),
                estimated_delivery=day,
            )
            self._bookings[request.shipment_id] = booking
            self._plan[tracking] = (vehicle.id, day, weight)
            self._events[tracking] = []
            return booking

    def manifest(self, vehicle_id: str, day: date) -> list[str]:
        """Tracking numbers loaded on a vehicle for a day: the driver's run sheet."""
        with self._lock:
            return [t for t, (v, d, _) in self._plan.items() if v == vehicle_id and d == day]

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        with self._lock:
            if tracking_number not in self._events:
                raise CarrierError(self.name, "track", f"unknown tracking number {tracking_number}")
            return list(self._events[tracking_number])

    def cancel(self, tracking_number: str) -> None:
        with self._lock:
            plan = self._plan.pop(tracking_number, None)
            if plan is None:
                raise CarrierError(
                    self.name, "cancel", f"unknown tracking number {tracking_number}"
                )
            vehicle_id, day, weight = plan
            self._load[(vehicle_id, day)] -= weight
            self._events[tracking_number].append(
                TrackingEvent(TrackingStatus.RETURNED_TO_SENDER, self._clock.now(), "cancelled")
            )
