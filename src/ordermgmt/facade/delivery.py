"""The facade's delivery methods: shipping, booking, tracking and delivering shipments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ordermgmt import messages as m
from ordermgmt.facade.base import UseCaseRunner, arguments_given
from ordermgmt.usecases import delivery


class DeliveryMethods(UseCaseRunner):
    """Shipping, booking, tracking and delivering shipments, and shipping quotes."""

    def ship_order(
        self,
        order_id: str,
        *,
        carrier: str,
        location: str | None = None,
        lines: Sequence[Mapping[str, Any]] | None = None,
        parcels: Sequence[Decimal | str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.ShipmentView:
        """Ship reserved units (all, or ``lines``) from one location with a carrier (once per
        ``idempotency_key``, unique among shipments: a repeat returns the first shipment). A failed
        booking raises ``CarrierError`` (with ``details["shipment_id"]``) and leaves the
        shipment pending and the stock reserved; ``book_shipment`` retries.

        Also raises ``NotFound`` (order, carrier), ``InvalidStateTransition`` unless the order
        is open, ``ValidationError`` when nothing (or not the given lines) is reserved there, and
        ``Conflict`` when the order changed while the carrier booked (the booking and the
        shipment are then cancelled)."""
        return self._call(delivery.ship_order, m.ShipOrder, **arguments_given(locals()))

    def book_shipment(self, shipment_id: str) -> m.ShipmentView:
        """Retry booking a pending shipment whose booking failed; on success the goods leave
        stock as in :meth:`ship_order`. A shipment that is not pending is returned unchanged.
        Raises ``CarrierError`` (the shipment stays pending), ``Conflict`` if the order is no
        longer open (the booking and the shipment are cancelled), and ``NotFound``."""
        return self._call(delivery.book_shipment, m.BookShipment, shipment_id=shipment_id)

    def cancel_shipment(self, shipment_id: str) -> m.ShipmentView:
        """Cancel a pending (not booked) shipment, e.g. one whose booking keeps failing; its
        units stay reserved for the order. Raises ``InvalidStateTransition`` unless the
        shipment is pending, and ``NotFound``."""
        return self._call(delivery.cancel_shipment, m.CancelShipment, shipment_id=shipment_id)

    def record_tracking(
        self, shipment_id: str, *, status: str, description: str = ""
    ) -> m.ShipmentView:
        """Record a tracking event (``picked_up``, ``in_transit``, ``delivered``, ...);
        ``delivered`` delivers the shipment's units. Raises ``InvalidStateTransition`` unless
        the shipment is booked or in transit, and ``NotFound``."""
        return self._call(delivery.record_tracking, m.TrackingInput, **arguments_given(locals()))

    def refresh_tracking(self, shipment_id: str) -> m.ShipmentView:
        """Fetch the carrier's tracking events and apply the new ones (booked and in-transit
        shipments only; others are returned unchanged). Raises ``CarrierError``, ``NotFound``."""
        return self._call(delivery.refresh_tracking, m.RefreshTracking, shipment_id=shipment_id)

    def confirm_delivery(self, shipment_id: str, *, proof: str) -> m.ShipmentView:
        """The driver's proof of delivery; delivers the shipment's units. Raises
        ``InvalidStateTransition`` unless the shipment is booked or in transit, ``NotFound``."""
        return self._call(
            delivery.confirm_delivery, m.ConfirmDelivery, shipment_id=shipment_id, proof=proof
        )

    def quote_shipping(
        self, order_id: str, *, location: str | None = None
    ) -> list[m.RateQuoteView]:
        """Rates of every carrier, cheapest first, for what of the order is reserved (at
        ``location``, required when reservations span locations) and not yet on a pending
        shipment, as one parcel. Carriers that cannot quote are left out. Raises ``NotFound``,
        ``InvalidStateTransition`` unless the order is open, and ``ValidationError`` when
        nothing is reserved to ship."""
        return self._call(
            delivery.quote_shipping, m.QuoteShipping, order_id=order_id, location=location
        )

    def get_shipment(self, shipment_id: str) -> m.ShipmentView:
        """The shipment with this id; raises ``NotFound`` if there is none."""
        return self._call(delivery.get_shipment, m.GetShipment, shipment_id=shipment_id)

    def order_shipments(self, order_id: str) -> list[m.ShipmentView]:
        """The order's shipments, oldest first, cancelled ones included; raises ``NotFound``
        for an unknown order."""
        return self._call(delivery.list_order_shipments, m.ListOrderShipments, order_id=order_id)
