"""Commands, queries and views about stock: locations, receipts, adjustments, moves,
availability, backorders and purchase requisitions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictInt, model_validator

from ordermgmt.domain.purchasing import RequisitionReason, RequisitionStatus
from ordermgmt.messages.base import Command, Query, View
from ordermgmt.messages.fields import (
    _KEY_HELP,
    Count,
    FreeText,
    IdempotencyKey,
    LocationCode,
    MoneyField,
    Name,
    Quantity,
    Reference,
    Sku,
)


class DefineLocation(Command):
    """Create or change a stock location; returns a :class:`LocationView`.

    Used by ``OrderManagement.define_location``. ``code``: 1-32 letters, digits or ``. _ -``.
    ``name`` defaults to the code for a new location and is kept when changing one without a name.
    ``priority``: lower is allocated (and so shipped from) first; 100 for a new location
    unless given, kept when changing one without it. Locations used by
    ``receive_stock`` or ``adjust_stock`` before they were defined are created with a priority after
    every known location.
    """

    code: LocationCode
    name: Name | None = None
    priority: Annotated[StrictInt, Field(ge=0, le=1_000_000)] | None = None


class LocationView(View):
    """A stock location: ``code``, display ``name`` and ``priority`` (lower is allocated first)."""

    code: str
    name: str
    priority: int


class ReceiveStock(Command):
    """Record a supplier delivery (Wareneingang); returns a :class:`ReceiptView`.

    Used by ``OrderManagement.receive_stock``. ``quantity`` units (1 to 1,000,000) of ``sku`` arrive
    at ``location`` (created on first use). The units serve open backorders of the sku at once,
    oldest order first, and the open purchase requisition for this sku and location is closed.
    ``unit_cost``, where given, posts ``quantity x unit_cost`` (rounded to the minor unit) to
    inventory against goods received not invoiced. ``supplier`` names who delivered (1-200
    characters); ``reference`` is their delivery note number. Raises ``NotFound`` for an unknown
    sku.

    ``idempotency_key`` (the supplier's delivery note, say) is unique among supplier receipts; a
    repeat returns the first receipt and books no stock.
    """

    sku: Sku
    location: LocationCode
    quantity: Quantity
    supplier: Name
    reference: Reference = ""
    unit_cost: MoneyField | None = None
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


#: Why stock is corrected (``AdjustStock.reason``).
AdjustReason = Literal["count", "damage", "loss", "found", "correction"]


class AdjustStock(Command):
    """Correct stock with a reason: either by ``change`` (+/- units, not 0) or to a ``counted``
    total.

    Used by ``OrderManagement.adjust_stock``; give exactly one of ``change`` and ``counted``.
    Returns the sku's :class:`AvailabilityView`. ``reason`` is ``count``, ``damage``, ``loss``,
    ``found`` or ``correction``; ``note`` (up to 200 characters) is kept with it in the
    ``StockAdjusted`` event. Added units serve backorders. When the new on-hand quantity is below
    what is reserved, the youngest reservations at that location go back on backorder (the oldest
    orders keep their goods); backorders of the sku are then served from other locations where units
    are available. Raises ``NotFound`` for an unknown sku and ``ValidationError`` for a change that
    would leave fewer than 0 units on hand.

    ``idempotency_key`` is unique among stock adjustments; a repeat changes nothing and returns the
    sku's current availability.
    """

    sku: Sku
    location: LocationCode
    reason: AdjustReason
    change: Annotated[StrictInt, Field(ge=-1_000_000_000, le=1_000_000_000)] | None = None
    counted: Count | None = None
    note: FreeText = ""
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)

    @model_validator(mode="after")
    def _one_of(self) -> AdjustStock:
        if (self.change is None) == (self.counted is None):
            raise ValueError("give exactly one of change or counted")
        if self.change == 0:
            raise ValueError("change must not be 0")
        return self


class MoveStock(Command):
    """Move unreserved units from one location to another (``OrderManagement.move_stock``).

    Returns the sku's :class:`AvailabilityView`. ``to_location`` is created on first use and the
    moved units serve backorders there. Raises ``NotFound`` for an unknown sku or ``from_location``,
    ``InsufficientStock`` if fewer than ``quantity`` units are available (on hand less reserved) at
    ``from_location``, and ``ValidationError`` if both locations are the same.

    ``idempotency_key`` is unique among stock moves; a repeat changes nothing and returns the sku's
    current availability.
    """

    sku: Sku
    from_location: LocationCode
    to_location: LocationCode
    quantity: Quantity
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)

    @model_validator(mode="after")
    def _different(self) -> MoveStock:
        if self.from_location == self.to_location:
            raise ValueError("from_location and to_location must differ")
        return self


class GetAvailability(Query):
    """Read the stock of one sku (``OrderManagement.availability``); ``NotFound`` if unknown."""

    sku: Sku


class LocationStockView(View):
    """Units of one sku at one location: ``on_hand`` (physically there), ``reserved`` (promised to
    orders) and ``available`` = on_hand - reserved.
    """

    location: str
    on_hand: int
    reserved: int
    available: int


class AvailabilityView(View):
    """Stock of one sku: totals over every location, and per location in allocation order.

    ``on_hand``, ``reserved`` and ``available`` (on hand less reserved) are units; ``backordered``
    is the units active orders wait for. Locations without stock are left out of ``locations``;
    :meth:`at` gives zeros for them.
    """

    sku: str
    on_hand: int
    reserved: int
    available: int
    backordered: int
    locations: tuple[LocationStockView, ...]

    def at(self, location: str) -> LocationStockView:
        """The figures at one location (zeros where there is no stock)."""
        for item in self.locations:
            if item.location == location:
                return item
        return LocationStockView(location=location, on_hand=0, reserved=0, available=0)


class ReceiptView(View):
    """A recorded supplier receipt (the result of ``receive_stock``).

    ``quantity`` units arrived at ``received_at``; ``unit_cost`` is ``None`` when not given;
    ``backorders_served`` is how many of them were reserved at once for waiting orders;
    ``availability`` is the sku's stock after the receipt.
    """

    id: str
    supplier: str
    sku: str
    location: str
    quantity: int
    reference: str
    received_at: datetime
    unit_cost: MoneyField | None
    backorders_served: int
    availability: AvailabilityView


class ListOpenBackorders(Query):
    """List backordered order lines, oldest order first; of ``sku`` only, if given.

    Used by ``OrderManagement.open_backorders``.
    """

    sku: Sku | None = None


class BackorderView(View):
    """One order line waiting for stock: ``quantity`` is its backordered units (not the ordered
    quantity); ``line_no`` numbers the line within the order ``order_number``.
    """

    order_id: str
    order_number: str
    customer_id: str
    line_no: int
    sku: str
    quantity: int
    placed_at: datetime


class ListOpenRequisitions(Query):
    """List open purchase requisitions, oldest first.

    Used by ``OrderManagement.open_purchase_requisitions``. Includes those purchasing has not
    acknowledged yet (``submitted`` is False).
    """


class RequisitionView(View):
    """A purchase requisition (Bestellanforderung): purchasing is asked to buy ``quantity`` units of
    ``sku`` for ``location``.

    ``reason`` is ``reorder_point`` (available units fell to the product's reorder point) or
    ``backorder`` (orders wait for the sku). ``status`` is ``open`` until a supplier receipt for the
    sku and location closes it, then ``closed``; at most one is open per sku and location.
    ``submitted`` tells whether purchasing acknowledged it; ``submit_pending_requisitions`` retries
    the others (and submits them once a purchasing adapter is configured, if none was).
    ``submission_error`` says why the last hand-over failed (``""`` if none did since).
    """

    id: str
    sku: str
    location: str
    quantity: int
    reason: RequisitionReason
    status: RequisitionStatus
    submitted: bool
    raised_at: datetime
    submission_error: str = ""


class SubmitPendingRequisitions(Command):
    """Hand purchasing every open requisition it has not yet acknowledged (a retry;
    ``OrderManagement.submit_pending_requisitions``). Returns how many purchasing accepted; one it
    refuses stays pending, without an error.
    """
