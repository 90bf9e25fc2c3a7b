"""Commands, queries and views about shipments: shipping, booking, tracking and delivery."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from ordermgmt.messages.base import Command, Message, Query, View
from ordermgmt.messages.fields import (
    _KEY_HELP,
    FreeText,
    Id,
    IdempotencyKey,
    LocationCode,
    MoneyField,
    Quantity,
    Sku,
    Weight,
)


class ShipLineInput(Message):
    """Units of one sku to ship (``ShipOrder.lines``); they must be reserved at the ship-from
    location.
    """

    sku: Sku
    quantity: Quantity


class ShipOrder(Command):
    """Ship what is reserved (at ``location``; required when reservations span locations), all of it
    or the given ``lines``; books the ``carrier``.

    Used by ``OrderManagement.ship_order``; returns a :class:`ShipmentView`. Units already on a
    pending shipment are not shipped twice. ``carrier`` names a carrier of this OMS (in memory by
    default ``"parcel"`` and ``"own-fleet"``). Only a successful booking moves the goods: on hand
    and reserved fall together, and cost of goods sold is posted where a unit cost is known. A
    failed booking raises ``CarrierError`` (with ``details["shipment_id"]``) and leaves the shipment
    pending and the stock reserved for ``book_shipment``. Raises ``NotFound`` (order, carrier),
    ``InvalidStateTransition`` unless the order is open, ``ValidationError`` when nothing (or not
    the given lines) is reserved there, and ``Conflict`` when the order changed while the carrier
    booked (the booking and the shipment are then cancelled).

    ``idempotency_key`` is unique among shipments: a repeat returns the first shipment as it is
    now (still pending if its booking failed: ``book_shipment`` retries it) and ships nothing.
    """

    order_id: Id
    carrier: Annotated[
        str, Field(min_length=1, max_length=40, description="A carrier's name in this OMS.")
    ]
    location: LocationCode | None = None
    lines: Annotated[list[ShipLineInput], Field(min_length=1, max_length=500)] | None = None
    parcels: Annotated[list[Weight], Field(min_length=1, max_length=100)] | None = Field(
        default=None,
        description="Parcel weights in kg; one parcel of the goods' weight if omitted.",
    )
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class BookShipment(Command):
    """Retry booking a shipment whose booking failed (``OrderManagement.book_shipment``).

    A shipment that is no longer pending is returned unchanged. Raises like ``ShipOrder``'s booking:
    ``CarrierError`` (the shipment stays pending), ``Conflict`` when the order is no longer open
    (the booking and the shipment are then cancelled), and ``NotFound``.
    """

    shipment_id: Id


class CancelShipment(Command):
    """Cancel a shipment that was not booked; its units stay reserved for the order.

    Used by ``OrderManagement.cancel_shipment``; raises ``InvalidStateTransition`` unless the
    shipment is pending, and ``NotFound``.
    """

    shipment_id: Id


class TrackingInput(Command):
    """Record a tracking event by hand, e.g. for the own fleet.

    Used by ``OrderManagement.record_tracking``. ``status``: ``picked_up``, ``in_transit``,
    ``out_for_delivery`` and ``failed_attempt`` put a booked shipment in transit; ``delivered``
    delivers its units on the order; ``returned_to_sender`` marks it failed. ``description``
    defaults to the status. Raises ``InvalidStateTransition`` unless the shipment is booked or in
    transit, and ``NotFound``.
    """

    shipment_id: Id
    status: Literal[
        "picked_up",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "failed_attempt",
        "returned_to_sender",
    ]
    description: FreeText = ""


class RefreshTracking(Command):
    """Ask the carrier for news and record it (``OrderManagement.refresh_tracking``).

    Only booked and in-transit shipments are asked about (others are returned unchanged); events
    already recorded are skipped. Raises ``CarrierError`` and ``NotFound``.
    """

    shipment_id: Id


class ConfirmDelivery(Command):
    """The driver's (or carrier's) proof that the shipment arrived.

    Used by ``OrderManagement.confirm_delivery``. ``proof``: 1-500 characters (a signature
    reference, a name, a photo id). Delivers the shipment's units on the order. Raises
    ``InvalidStateTransition`` unless the shipment is booked or in transit, and ``NotFound``.
    """

    shipment_id: Id
    proof: Annotated[str, Field(min_length=1, max_length=500)]


class QuoteShipping(Query):
    """Ask every carrier for rates (``OrderManagement.quote_shipping``), cheapest first.

    The request is what of the order is reserved at ``location`` (required when reservations span
    locations) and not yet on a pending shipment, as one parcel of the goods' weight. Carriers that
    cannot quote are left out. Raises ``NotFound``, ``InvalidStateTransition`` unless the order is
    open, and ``ValidationError`` when nothing is reserved to ship.
    """

    order_id: Id
    location: LocationCode | None = None


class GetShipment(Query):
    """Read one shipment (``OrderManagement.get_shipment``); raises ``NotFound``."""

    shipment_id: Id


class ListOrderShipments(Query):
    """List an order's shipments, oldest first (``OrderManagement.order_shipments``); raises
    ``NotFound`` for an unknown order.
    """

    order_id: Id


class ShipmentLineView(View):
    """Units of one order line (``order_line_no``) on a shipment, and the product's
    ``unit_cost`` when the shipment was made up (``None`` if it had none): cost of goods sold is
    posted at that cost, and reversed at it when the goods come back."""

    order_line_no: int
    sku: str
    quantity: int
    unit_cost: MoneyField | None


class TrackingEventView(View):
    """A tracking event: ``status`` (``picked_up``, ``in_transit``, ``out_for_delivery``,
    ``delivered``, ``failed_attempt`` or ``returned_to_sender``), when it happened and a
    ``description``.
    """

    status: str
    at: datetime
    description: str


class ShipmentView(View):
    """A shipment (Sendung): goods of one order leaving one ``location`` with one ``carrier``.

    - ``number``: ``SH-<6 digits>``.
    - ``status``: ``pending`` (created, not booked; ``booking_error`` says why a booking failed),
      ``booked``, ``in_transit``, ``delivered``, ``failed`` (returned to sender) or ``cancelled``.
    - ``parcels``: the weight of each parcel in kg; ``weight_kg`` is their sum.
    - ``tracking_number``, ``label`` (the carrier's label or delivery note), ``service``, ``price``
      (``None`` if the carrier named none) and ``estimated_delivery`` come from the booking;
      ``delivered_at`` and ``proof_of_delivery`` from the delivery.
    """

    id: str
    number: str
    order_id: str
    location: str
    carrier: str
    status: str
    lines: tuple[ShipmentLineView, ...]
    parcels: tuple[Decimal, ...]
    weight_kg: Decimal
    tracking_number: str
    label: str
    service: str
    price: MoneyField | None
    estimated_delivery: date | None
    booking_error: str
    tracking: tuple[TrackingEventView, ...]
    delivered_at: datetime | None
    proof_of_delivery: str


class RateQuoteView(View):
    """One carrier's offer: ``service``, ``price`` and ``transit_days`` (days until delivery)."""

    carrier: str
    service: str
    price: MoneyField
    transit_days: int
