"""Rules for returns and exchanges: an RMA requested, received (restocked or written off,
credited and refunded) or rejected; an exchange with its replacement order."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ordermgmt import errors
from ordermgmt.messages import OrderView
from tests.stateful.bookkeeping import Bookkeeping
from tests.stateful.model import (
    InvoiceModel,
    ReturnModel,
    ShipmentModel,
)
from tests.stateful.world import (
    METHODS,
    goods_value,
    line_lists,
    locations,
)


class ReturnRules(Bookkeeping):
    """Customers send delivered goods back, or exchange them."""

    def _draw_return(
        self, data: st.DataObject, order: OrderView, many: bool
    ) -> tuple[list[tuple[str, int]], bool]:
        """Skus and units to take back (now and then more than can be), and whether they can."""
        left = self._returnable(order)
        per_sku: Counter[str] = Counter()
        for line in order.lines:
            per_sku[line.sku] += left[line.line_no]
        choices = sorted({line.sku for line in order.lines})
        with_units = sorted(sku for sku in choices if per_sku[sku] > 0)
        picked = data.draw(
            st.lists(
                st.sampled_from(with_units or choices), min_size=1, max_size=2 if many else 1
            ).map(lambda items: sorted(set(items))),
            label="skus",
        )
        items = [
            (sku, data.draw(st.integers(1, max(per_sku[sku], 0) + 1), label=f"{sku} units"))
            for sku in picked
        ]
        return items, all(units <= per_sku[sku] for sku, units in items)

    def _expected_return_lines(
        self, order: OrderView, items: list[tuple[str, int]]
    ) -> tuple[tuple[int, str, int], ...]:
        left = self._returnable(order)
        lines = []
        for sku, wanted in items:
            for line in order.lines:
                if line.sku != sku:
                    continue
                take = min(wanted, left[line.line_no])
                if take > 0:
                    lines.append((line.line_no, sku, take))
                    left[line.line_no] -= take
                    wanted -= take
        return tuple(lines)

    @precondition(lambda self: self._anything_to_return())
    @rule(data=st.data())
    def take_back(self, data: st.DataObject) -> None:
        """The customer sends delivered units back: a plain return (of one sku or two), or
        (one time in three) an exchange."""
        if data.draw(st.integers(0, 2), label="exchange") == 0:
            self.exchange(data)
        else:
            self.request_return(data, data.draw(st.booleans(), label="two skus"))

    def request_return(self, data: st.DataObject, many: bool) -> None:
        """An RMA for delivered units; more than was delivered and not yet returned (or any
        unit of a cancelled order) is refused."""
        snap = self._snap()
        self._changed()
        order_id = self._pick(data, self._can_return(snap), list(self.models), "order")
        assert order_id is not None
        order = snap.orders[order_id]
        items, possible = self._draw_return(data, order, many=many)
        lines = [{"sku": sku, "quantity": units} for sku, units in items]
        if self.models[order_id].status == "cancelled" or not possible:
            expected = (
                errors.InvalidStateTransition
                if self.models[order_id].status == "cancelled"
                else errors.ValidationError
            )
            with pytest.raises(expected):
                self.oms.request_return(order_id, lines=lines, reason="damaged in transit")
            return
        view = self.oms.request_return(order_id, lines=lines, reason="damaged in transit")
        expected_lines = self._expected_return_lines(order, items)
        assert tuple((ln.order_line_no, ln.sku, ln.quantity) for ln in view.lines) == (
            expected_lines
        )
        assert (view.status, view.order_id) == ("requested", order_id), view
        self.returns[view.id] = ReturnModel(view.id, order_id, expected_lines, "requested")

    def exchange(self, data: st.DataObject) -> None:
        """A return plus a replacement order placed at once (the same checks as a return,
        and the customer must not be blocked)."""
        snap = self._snap()
        self._changed()
        replacement = data.draw(line_lists, label="replacement")
        order_id = self._pick(data, self._can_return(snap), list(self.models), "order")
        assert order_id is not None
        model = self.models[order_id]
        order = snap.orders[order_id]
        items, possible = self._draw_return(data, order, many=False)
        arguments: dict[str, Any] = {
            "return_lines": [{"sku": sku, "quantity": units} for sku, units in items],
            "replacement_lines": [{"sku": sku, "quantity": units} for sku, units in replacement],
            "reason": "wrong colour",
        }
        if model.status == "cancelled":
            expected: type[Exception] | None = errors.InvalidStateTransition
        elif not possible:
            expected = errors.ValidationError
        elif self.blocked[model.owner]:
            expected = errors.CustomerBlocked
        else:
            expected = None
        if expected is not None:
            with pytest.raises(expected):
                self.oms.exchange(order_id, **arguments)
            return
        free = self._free()
        result = self.oms.exchange(order_id, **arguments)
        rma, new = result.return_request, result.replacement_order
        expected_lines = self._expected_return_lines(order, items)
        assert tuple((ln.order_line_no, ln.sku, ln.quantity) for ln in rma.lines) == (
            expected_lines
        )
        assert (rma.status, rma.replacement_order_id) == ("requested", new.id), rma
        assert new.channel == order.channel
        self._check_placed(new, model.owner, replacement, free)
        self.returns[rma.id] = ReturnModel(rma.id, order_id, expected_lines, "requested", new.id)

    def _home(self, order_id: str, line_no: int) -> str:
        """Where returned units go back by default: where the line was delivered from."""
        for shipment in self.shipments.values():
            if (
                shipment.order_id == order_id
                and shipment.status == "delivered"
                and any(line[0] == line_no for line in shipment.lines)
            ):
                return shipment.location
        return self._location_order()[0]

    @precondition(lambda self: self._with_returns())
    @rule(data=st.data())
    def settle_return(self, data: st.DataObject) -> None:
        """A requested return is received, restocked or written off, or (one time in four)
        rejected."""
        if data.draw(st.integers(0, 3), label="reject") == 0:
            self.reject_return(data)
        else:
            self.receive_return(data, data.draw(st.booleans(), label="restock"))

    def receive_return(self, data: st.DataObject, restock: bool) -> None:
        """Goods back: restocked (where they came from, or where named) or written off; the
        units that were invoiced are credited, and what was paid for them refunded (for an
        exchange, carried over to the replacement order first); a prepayment held for units
        that come back before their invoice is paid back."""
        self._changed()
        location = data.draw(st.none() | locations, label="location")
        method = data.draw(st.sampled_from((None, *METHODS)), label="refund method")
        eligible = [r.id for r in self.returns.values() if r.status == "requested"]
        return_id = self._pick(data, eligible, list(self.returns), "return")
        assert return_id is not None
        request = self.returns[return_id]
        arguments: dict[str, Any] = {
            "restock": restock,
            "location": location,
            "refund_method": method,
        }
        if request.status != "requested":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.receive_return(return_id, **arguments)
            return
        taken = self._taken_back(request)
        cost = goods_value((s.costs[index], units) for s, index, units in taken)
        notes = self._credits_for(request)
        where = location or self._home(request.order_id, request.lines[0][0])
        view = self.oms.receive_return(return_id, **arguments)
        request.status = "received"
        request.cost, request.restocked = cost, restock
        for shipment, index, units in taken:
            shipment.taken_back[index] += units
        if restock:
            for _, sku, units in request.lines:
                self.on_hand[sku, where] += units
                self.known_locations.add(where)
        refunded = False
        for invoice, take in notes:
            self._credit(invoice, take)
            if request.replacement:
                self._carry_over(invoice, request.replacement)
            refunded = bool(self._refund(invoice, method)) or refunded
        self._release_prepayment(self.oms.get_order(request.order_id))
        credited = bool(notes)
        assert (view.status, view.restocked, view.location) == ("received", restock, where)
        assert bool(view.credit_note_id) == credited, view
        assert bool(view.refund_id) == refunded, view
        self._settle(request.order_id)

    def _credits_for(self, request: ReturnModel) -> list[tuple[InvoiceModel, dict[int, int]]]:
        """The returned units that were invoiced are credited, invoice by invoice (oldest
        first): (invoice, units per line) for each credit note."""
        to_credit: Counter[int] = Counter()
        for line_no, _, units in request.lines:
            to_credit[line_no] += units
        notes: list[tuple[InvoiceModel, dict[int, int]]] = []
        for invoice_id in self.models[request.order_id].invoices:
            invoice = self.invoices[invoice_id]
            take = {
                line_no: min(to_credit[line_no], units)
                for line_no, units in invoice.creditable().items()
                if to_credit[line_no]
            }
            if take:
                to_credit.subtract(take)
                notes.append((invoice, take))
        return notes

    def _delivered(self, order_id: str) -> list[ShipmentModel]:
        """The order's delivered shipments, in the order they were made up."""
        return sorted(
            (
                s
                for s in self.shipments.values()
                if s.order_id == order_id and s.status == "delivered"
            ),
            key=lambda s: s.number,
        )

    def _taken_back(self, request: ReturnModel) -> list[tuple[ShipmentModel, int, int]]:
        """Which units come back: (shipment, line index, units). Per order line, the first
        delivered units (by shipment number) that no earlier return took back."""
        taken: list[tuple[ShipmentModel, int, int]] = []
        delivered = self._delivered(request.order_id)
        for line_no, _, wanted in request.lines:
            for shipment in delivered:
                for index, (shipped_line, _, units) in enumerate(shipment.lines):
                    already = shipment.taken_back[index] + sum(
                        u for s, i, u in taken if s is shipment and i == index
                    )
                    take = min(wanted, units - already) if shipped_line == line_no else 0
                    if take > 0:
                        taken.append((shipment, index, take))
                        wanted -= take
            assert wanted == 0, (request, delivered)
        return taken

    def reject_return(self, data: st.DataObject) -> None:
        """A requested return is refused: nothing comes back, nothing is credited, and the
        units can be asked for again. One received or rejected already cannot be."""
        self._changed()
        eligible = [r.id for r in self.returns.values() if r.status == "requested"]
        return_id = self._pick(data, eligible, list(self.returns), "return")
        assert return_id is not None
        request = self.returns[return_id]
        if request.status != "requested":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.reject_return(return_id, reason="not bought here")
            return
        view = self.oms.reject_return(return_id, reason="not bought here")
        assert (view.status, view.rejection_reason) == ("rejected", "not bought here"), view
        assert not view.credit_note_id, view
        request.status = "rejected"
