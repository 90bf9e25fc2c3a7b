"""The carrier port: parcel services, freight forwarders and the own fleet."""

from __future__ import annotations

from typing import Protocol

from ordermgmt.domain.shipment import Booking, RateQuote, ShipmentRequest, TrackingEvent


class CarrierPort(Protocol):
    """A carrier: a parcel service, a freight forwarder, or the company's own fleet.

    Every method raises ``CarrierError`` when the carrier refuses or cannot be reached. The use
    cases call carriers through :func:`ordermgmt.ports.guard.call_outside`, so an adapter that
    raises anything else (a timeout, a bug) still reaches the caller as ``CarrierError``, logged
    with its traceback; adapters should translate their SDK's errors all the same.
    """

    #: The key this carrier is known by in one OMS (``ShipOrder.carrier``); unique there.
    name: str

    def quote(self, request: ShipmentRequest) -> list[RateQuote]:
        """Rates for the request, cheapest first."""
        ...

    def book(self, request: ShipmentRequest) -> Booking:
        """Book the shipment. Idempotent by ``request.shipment_id``: booking the same
        shipment again returns the first booking."""
        ...

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        """Every tracking event so far, oldest first."""
        ...

    def cancel(self, tracking_number: str) -> None:
        """Cancel a booking that has not been picked up."""
        ...
