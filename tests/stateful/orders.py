"""Rules for orders: placed (with and without idempotency keys, by a customer who may just
have been blocked), a key replayed, cancelled, held and released."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ordermgmt import errors
from tests.stateful.bookkeeping import Bookkeeping
from tests.stateful.model import (
    Placement,
)
from tests.stateful.world import (
    ACTIVE,
    CHANNELS,
    HANDLES,
    line_lists,
)


class OrderRules(Bookkeeping):
    """Orders come in, are replayed, cancelled, held and released."""

    @rule(
        customer=st.sampled_from(HANDLES),
        channel=st.sampled_from(CHANNELS),
        lines=line_lists,
        with_key=st.booleans(),
        blocked=st.none() | st.booleans(),
    )
    def place_order(
        self,
        customer: str,
        channel: str,
        lines: list[tuple[str, int]],
        with_key: bool,
        blocked: bool | None,
    ) -> None:
        """An order comes in (just before it, a customer may have been blocked or unblocked:
        a blocked customer's order is refused)."""
        self._changed()
        self._block(blocked)
        request = Placement(customer, channel, tuple(lines))
        key = None
        if with_key:
            self.keys_issued += 1
            key = f"po-{self.keys_issued}"
        if self.blocked[customer]:
            with pytest.raises(errors.CustomerBlocked):
                self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
            return
        free = self._free()
        order = self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
        assert order.idempotency_key == key
        self._check_placed(order, customer, lines, free)
        if key is not None:
            self.keys[key] = (request, order.id)

    @precondition(lambda self: self.keys)
    @rule(data=st.data(), change=st.sampled_from(["none", "quantity", "channel", "line"]))
    def replay_key(self, data: st.DataObject, change: str) -> None:
        """A used idempotency key comes again: with the same request it gives the first order
        and nothing new; with a different one it is refused and changes nothing."""
        self._changed()
        key = data.draw(st.sampled_from(sorted(self.keys)), label="key")
        if change == "none":
            self.replay_same_request(key)
        else:
            self.replay_different_request(key, change)

    def replay_same_request(self, key: str) -> None:
        request, order_id = self.keys[key]
        before = self.oms.get_order(order_id)
        order = self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
        assert order.id == order_id
        assert order == before

    def replay_different_request(self, key: str, change: str) -> None:
        request, order_id = self.keys[key]
        (sku, qty), *rest = request.lines
        if change == "quantity":
            other = Placement(request.customer, request.channel, ((sku, qty % 20 + 1), *rest))
        elif change == "channel":
            channel = CHANNELS[(CHANNELS.index(request.channel) + 1) % len(CHANNELS)]
            other = Placement(request.customer, channel, request.lines)
        else:
            other = Placement(request.customer, request.channel, (*request.lines, ("LAMP", 1)))
        before = self.oms.get_order(order_id)
        with pytest.raises(errors.IdempotencyConflict) as raised:
            self.oms.place_order(**other.kwargs(self.customer_ids), idempotency_key=key)
        assert raised.value.existing_order_id == order_id
        assert self.oms.get_order(order_id) == before

    @precondition(lambda self: self.models)
    @rule(data=st.data(), reason=st.sampled_from(["", "customer changed their mind"]))
    def cancel_order(self, data: st.DataObject, reason: str) -> None:
        """Cancel what is open: a credit note for what was invoiced beyond what is still
        delivered (less what earlier credit notes took), a refund of what was paid for it, the
        prepayment back as far as the shipped units no longer need it. An order partly shipped
        stays as it was for the rest; one shipped in full cannot be cancelled."""
        self._changed()
        active = [order_id for order_id, m in self.models.items() if m.status in ACTIVE]
        order_id = self._pick(data, active, list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        before = self.oms.get_order(order_id)
        shipped = any(line.shipped for line in before.lines)
        still_open = any(line.quantity - line.shipped - line.cancelled for line in before.lines)
        if model.status not in ACTIVE or (shipped and not still_open):
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.cancel_order(order_id, reason=reason)
            assert self.oms.get_order(order_id) == before
            return
        order = self.oms.cancel_order(order_id, reason=reason)
        if not shipped:
            model.status = "cancelled"
        for shipment in self.shipments.values():
            if shipment.order_id == order_id and shipment.status == "pending":
                shipment.status = "cancelled"  # not booked yet: it will not go
        assert order.reserved == 0
        assert order.backordered == 0
        assert all(line.cancelled == line.quantity - line.shipped for line in order.lines)
        for invoice_id in model.invoices:
            invoice = self.invoices[invoice_id]
            over = {}
            for line_no, units in invoice.creditable().items():
                line = order.lines[line_no - 1]
                excess = self._net_invoiced(order_id, line_no) - (
                    line.quantity - line.cancelled - line.returned
                )
                if excess > 0:
                    over[line_no] = min(excess, units)
            if over:
                self._credit(invoice, over)
            self._refund(invoice, None)
        self._release_prepayment(order)
        self._settle(order_id)  # what was shipped may be all delivered and paid for now
        assert order.status == model.status

    @precondition(lambda self: self.models)
    @rule(data=st.data(), hold=st.booleans())
    def hold_or_release(self, data: st.DataObject, hold: bool) -> None:
        """An order is put on hold (it keeps its reservations) or released; either only
        from the state that allows it."""
        if hold:
            active = [order_id for order_id, m in self.models.items() if m.status == "open"]
            order_id = self._pick(data, active, list(self.models), "order")
            assert order_id is not None
            self.hold_order(order_id)
        else:
            self.release_order(data)

    def hold_order(self, order_id: str) -> None:
        self._changed()
        model = self.models[order_id]
        if model.status != "open":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.hold_order(order_id, reason="customer asked to wait")
            return
        before = self.oms.get_order(order_id)
        order = self.oms.hold_order(order_id, reason="customer asked to wait")
        model.status = "on_hold"
        assert order.status == "on_hold"
        assert order.lines == before.lines  # a held order keeps its reservations

    def release_order(self, data: st.DataObject) -> None:
        self._changed()
        held = [order_id for order_id, m in self.models.items() if m.status == "on_hold"]
        order_id = self._pick(data, held, list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        if model.status != "on_hold":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.release_order(order_id)
            return
        order = self.oms.release_order(order_id)
        model.status = "open"
        self._settle(order_id)  # delivered, invoiced and settled while held: completed now
        assert order.status == model.status
