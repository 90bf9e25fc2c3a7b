"""The facade's stock methods: locations, receipts, adjustments, moves, availability,
backorders and purchase requisitions."""

from __future__ import annotations

from ordermgmt import messages as m
from ordermgmt.domain.money import Money
from ordermgmt.facade.base import UseCaseRunner, arguments_given
from ordermgmt.usecases import stock


class StockMethods(UseCaseRunner):
    """Locations, supplier receipts, adjustments, moves, availability, backorders and purchase
    requisitions."""

    def define_location(
        self, code: str, *, name: str | None = None, priority: int | None = None
    ) -> m.LocationView:
        """Create or change a stock location; lower ``priority`` is allocated first.

        A new location gets priority 100 unless given; changing one keeps what is not given.
        ``name`` defaults to the code."""
        return self._call(stock.define_location, m.DefineLocation, **arguments_given(locals()))

    def receive_stock(
        self,
        *,
        sku: str,
        location: str,
        quantity: int,
        supplier: str,
        reference: str = "",
        unit_cost: Money | None = None,
        idempotency_key: str | None = None,
    ) -> m.ReceiptView:
        """Record a supplier delivery; open backorders are served oldest first and the open
        requisition for the sku and location is closed. The location is created on first use.
        The same ``idempotency_key`` again (unique among supplier receipts; the delivery note,
        say) returns the first receipt and books nothing. Raises ``NotFound`` for an unknown
        sku."""
        return self._call(stock.receive_stock, m.ReceiveStock, **arguments_given(locals()))

    def adjust_stock(
        self,
        *,
        sku: str,
        location: str,
        reason: str,
        change: int | None = None,
        counted: int | None = None,
        note: str = "",
        idempotency_key: str | None = None,
    ) -> m.AvailabilityView:
        """Correct stock by ``change`` units or to a ``counted`` total, with a reason
        (``count``, ``damage``, ``loss``, ``found``, ``correction``). Reservations a shortfall
        takes away go back on backorder, youngest order first. The same ``idempotency_key``
        again (unique among stock adjustments) changes nothing. Raises ``NotFound`` for an
        unknown sku, ``ValidationError`` for a result below 0 on hand."""
        return self._call(stock.adjust_stock, m.AdjustStock, **arguments_given(locals()))

    def move_stock(
        self,
        *,
        sku: str,
        from_location: str,
        to_location: str,
        quantity: int,
        idempotency_key: str | None = None,
    ) -> m.AvailabilityView:
        """Move unreserved units between locations. The same ``idempotency_key`` again (unique
        among stock moves) changes nothing. Raises ``NotFound`` (sku, source),
        ``InsufficientStock`` if fewer units are available at the source."""
        return self._call(stock.move_stock, m.MoveStock, **arguments_given(locals()))

    def availability(self, sku: str) -> m.AvailabilityView:
        """On hand, reserved, available and backordered units of a sku, per location; raises
        ``NotFound`` for an unknown sku."""
        return self._call(stock.get_availability, m.GetAvailability, sku=sku)

    def open_backorders(self, sku: str | None = None) -> list[m.BackorderView]:
        """Backordered order lines, oldest order first."""
        return self._call(stock.list_open_backorders, m.ListOpenBackorders, sku=sku)

    def open_purchase_requisitions(self) -> list[m.RequisitionView]:
        """Open purchase requisitions, oldest first. ``submitted=False`` marks those purchasing
        has not acknowledged yet; :meth:`submit_pending_requisitions` retries them."""
        return self._call(stock.list_open_requisitions, m.ListOpenRequisitions)

    def submit_pending_requisitions(self) -> int:
        """Hand purchasing every open requisition it has not acknowledged: a retry after a
        failure, or the first hand-over of those raised while no purchasing adapter was
        configured. Returns how many it accepted now (0 without a purchasing adapter). A
        refusal is logged, kept in the requisition's ``submission_error``, and the requisition
        stays pending."""
        return self._call(stock.submit_pending_requisitions, m.SubmitPendingRequisitions)
