"""The facade's order methods: placing, cancelling, holding, releasing, reading and finding
orders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ordermgmt import messages as m
from ordermgmt.facade.base import UseCaseRunner, arguments_given
from ordermgmt.usecases import orders, search


class OrderMethods(UseCaseRunner):
    """Placing, cancelling, holding, releasing, reading and finding orders."""

    def place_order(
        self,
        *,
        customer_id: str,
        channel: str,
        lines: Sequence[Mapping[str, Any]],
        currency: str | None = None,
        idempotency_key: str | None = None,
        customer_reference: str = "",
        charges: Sequence[Mapping[str, Any]] | None = None,
        buyer_reference: str = "",
    ) -> m.OrderView:
        """Place an order. ``lines`` are ``{"sku": ..., "quantity": ...}`` with optional
        ``unit_price`` (a validated override), ``discount`` and ``charge`` (each with a
        ``..._reason``). ``charges`` are allowances and charges on the whole order, such as
        ``{"amount": Money("4.90", "EUR"), "reason_code": "FC", "reason": "Shipping"}``. Stock
        is reserved at once by the allocation policy; what cannot be reserved is backordered.
        An order over a B2B credit limit is placed on hold. See
        :class:`~ordermgmt.messages.PlaceOrder`.

        Raises ``NotFound`` (customer, product), ``CustomerBlocked``, ``ProductInactive``,
        ``CurrencyMismatch``, ``IdempotencyConflict``, ``ValidationError``."""
        return self._call(orders.place_order, m.PlaceOrder, **arguments_given(locals()))

    def cancel_order(self, order_id: str, *, reason: str = "") -> m.OrderView:
        """Cancel what is still open of an order; reservations and backorders are released,
        invoiced units credited and paid money refunded. A partly shipped order stays open.
        Raises ``NotFound``, ``InvalidStateTransition`` (completed, cancelled, nothing open)."""
        return self._call(orders.cancel_order, m.CancelOrder, order_id=order_id, reason=reason)

    def hold_order(self, order_id: str, *, reason: str) -> m.OrderView:
        """Put an open order on hold: it keeps its reservations but cannot be shipped until
        :meth:`release_order`. Returns the order; raises ``NotFound``, and
        ``InvalidStateTransition`` unless the order is open."""
        return self._call(orders.hold_order, m.HoldOrder, order_id=order_id, reason=reason)

    def release_order(self, order_id: str) -> m.OrderView:
        """Release an order on hold, whatever the reason (a credit hold is not checked against
        the limit again). Returns the order; raises ``NotFound``, and
        ``InvalidStateTransition`` unless the order is on hold."""
        return self._call(orders.release_order, m.ReleaseOrder, order_id=order_id)

    def get_order(self, order_id: str | None = None, *, number: str | None = None) -> m.OrderView:
        """An order by id, or by its human ``number`` (``SO-000042``); give exactly one
        (``ValidationError`` otherwise). Raises ``NotFound``."""
        return self._call(orders.get_order, m.GetOrder, order_id=order_id, number=number)

    def find_orders(
        self,
        *,
        status: str | Sequence[str] = (),
        fulfillment_status: str | Sequence[str] = (),
        payment_status: str | Sequence[str] = (),
        channel: str | Sequence[str] = (),
        customer_id: str | None = None,
        placed_from: datetime | str | None = None,
        placed_to: datetime | str | None = None,
        number_prefix: str = "",
        limit: int = 50,
        cursor: str | None = None,
    ) -> m.OrderPage:
        """One page of all orders matching the filters, newest first; pass the page's
        ``next_cursor`` as ``cursor`` for the next. See :class:`~ordermgmt.messages.FindOrders`
        for the filters and what pagination promises. Raises ``ValidationError`` for an unknown
        status or channel, a naive or reversed time range, a limit outside 1 to 500, or a cursor
        that no page returned."""
        return self._call(search.find_orders, m.FindOrders, **arguments_given(locals()))
