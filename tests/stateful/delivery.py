"""Rules for shipping and delivery: shipments made up and booked (a parcel booking may fail and
be retried or cancelled), tracking events, proof of delivery."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ordermgmt import errors
from ordermgmt.adapters.carriers import InMemoryCarrier
from ordermgmt.messages import OrderView
from tests.stateful.bookkeeping import Bookkeeping
from tests.stateful.model import (
    ShipmentModel,
)
from tests.stateful.world import (
    CARRIERS,
    SKUS,
    TRACKING,
    eur_or_none,
    locations,
)


class DeliveryRules(Bookkeeping):
    """Goods leave with a carrier and arrive (or come back to the sender)."""

    @precondition(lambda self: self._anything_to_ship())
    @rule(data=st.data())
    def ship_order(self, data: st.DataObject) -> None:
        """Ship what is reserved at one location, all of it or some units per sku. Only an
        open order ships; reservations at several locations need the location named; nothing
        reserved there, or more than is, is refused. A parcel booking may fail: the shipment
        then waits, pending, and the stock stays reserved."""
        snap = self._snap()
        self._changed()
        carrier = data.draw(st.sampled_from(CARRIERS), label="carrier")
        name_location = data.draw(st.booleans(), label="name the location")
        some_lines = data.draw(st.booleans(), label="some units only")
        eligible = [
            order_id
            for order_id, model in self.models.items()
            if model.status == "open"
            and any(units > 0 for units in self._shippable(snap.orders[order_id]).values())
        ]
        order_id = self._pick(data, eligible, list(self.models), "order")
        assert order_id is not None
        order = snap.orders[order_id]
        free = self._shippable(order)
        location, where = self._draw_location(data, free, name_location)
        wanted = self._draw_units(data, order, free, where) if some_lines else None
        taken, missing = self._units_to_ship(order, free, where, wanted)
        arguments: dict[str, Any] = {"carrier": carrier, "location": location}
        if wanted is not None:
            arguments["lines"] = [{"sku": s, "quantity": q} for s, q in sorted(wanted.items())]
        if self.models[order_id].status != "open":
            expected: type[Exception] | None = errors.InvalidStateTransition
        elif where is None or not taken or missing:
            expected = errors.ValidationError
        else:
            expected = None
        if expected is not None:
            availability = [self.oms.availability(sku) for sku in SKUS]
            with pytest.raises(expected):
                self.oms.ship_order(order_id, **arguments)
            assert [self.oms.availability(sku) for sku in SKUS] == availability
            assert self.oms.order_shipments(order_id) == snap.shipments[order_id]
            return
        assert where is not None
        self._ship(data, order, where, arguments, taken)

    def _draw_location(
        self, data: st.DataObject, free: dict[tuple[int, str], int], name_location: bool
    ) -> tuple[str | None, str | None]:
        """The location to name in the request (if any), and where the units would come
        from: the named location, or the only one holding units for the order."""
        places = sorted({code for (_, code), units in free.items() if units > 0})
        location = None
        if name_location:
            if bool(places) and data.draw(st.booleans(), label="a location with units"):
                location = data.draw(st.sampled_from(places), label="location")
            else:
                location = data.draw(locations, label="location")
        where = location if location is not None else (places[0] if len(places) == 1 else None)
        return location, where

    def _draw_units(
        self,
        data: st.DataObject,
        order: OrderView,
        free: dict[tuple[int, str], int],
        where: str | None,
    ) -> Counter[str] | None:
        """Some units per sku to ship (now and then more than are reserved there)."""
        if where is None:
            return None
        wanted: Counter[str] = Counter()
        for line in order.lines:
            units = free.get((line.line_no, where), 0)
            if data.draw(st.booleans(), label=f"ship some {line.sku}"):
                wanted[line.sku] += data.draw(st.integers(1, max(units, 0) + 1))
        if not wanted:
            wanted[order.lines[0].sku] = 1
        return wanted

    @staticmethod
    def _units_to_ship(
        order: OrderView,
        free: dict[tuple[int, str], int],
        where: str | None,
        wanted: Counter[str] | None,
    ) -> tuple[list[tuple[int, str, int]], bool]:
        """The shipment's lines ``(order line no, sku, units)``, in line order, and whether
        some wanted units are not reserved at ``where``."""
        taken: list[tuple[int, str, int]] = []
        rest = Counter(wanted)
        for line in order.lines:
            units = free.get((line.line_no, where), 0) if where is not None else 0
            take = units if wanted is None else min(units, rest[line.sku])
            if take > 0:
                taken.append((line.line_no, line.sku, take))
                rest[line.sku] -= take
        return taken, any(q > 0 for q in rest.values())

    def _ship(
        self,
        data: st.DataObject,
        order: OrderView,
        where: str,
        arguments: dict[str, Any],
        taken: list[tuple[int, str, int]],
    ) -> None:
        """Ship ``taken`` from ``where``; a parcel booking may fail and leave it pending."""
        costs = tuple(self.costs[sku] for _, sku, _ in taken)  # as the shipment is made up
        carrier = arguments["carrier"]
        parcel = self.oms.dependencies.carriers["parcel"]
        assert isinstance(parcel, InMemoryCarrier)
        fails = carrier == "parcel" and data.draw(st.booleans(), label="booking fails")
        if fails:
            parcel.fail_next(1)
            try:
                with pytest.raises(errors.CarrierError) as raised:
                    self.oms.ship_order(order.id, **arguments)
            finally:
                parcel.fail_next(0)
            shipment = self.oms.get_shipment(raised.value.details["shipment_id"])
            assert shipment.status == "pending", shipment
            assert shipment.booking_error, shipment
            assert self.oms.get_order(order.id).lines == order.lines  # still reserved
        else:
            shipment = self.oms.ship_order(order.id, **arguments)
            assert shipment.status == "booked", shipment
            assert shipment.tracking_number, shipment
            for _, sku, units in taken:
                self.on_hand[sku, where] -= units
        assert (shipment.order_id, shipment.location, shipment.carrier) == (
            order.id,
            where,
            carrier,
        )
        assert [(ln.order_line_no, ln.sku, ln.quantity) for ln in shipment.lines] == taken
        assert [ln.unit_cost for ln in shipment.lines] == list(map(eur_or_none, costs))
        self.shipments[shipment.id] = ShipmentModel(
            id=shipment.id,
            number=shipment.number,
            order_id=order.id,
            location=where,
            lines=tuple(taken),
            costs=costs,
            status=shipment.status,
        )
        self._settle(order.id)

    @precondition(lambda self: self._with_shipments("pending"))
    @rule(data=st.data())
    def pending_shipment(self, data: st.DataObject) -> None:
        """A shipment whose booking failed is booked again, or cancelled."""
        if data.draw(st.booleans(), label="book again"):
            self.retry_booking(data)
        else:
            self.cancel_pending_shipment(data)

    def retry_booking(self, data: st.DataObject) -> None:
        """Book a pending shipment again. A held order's shipment waits; an open order's
        ships if its units are still reserved, otherwise the booking is undone and the
        shipment cancelled."""
        snap = self._snap()
        self._changed()
        shipment = self._pick_shipment(data, frozenset({"pending"}))
        if shipment.status != "pending":
            view = self.oms.book_shipment(shipment.id)  # nothing to do
            assert view == self.oms.get_shipment(shipment.id)
            assert view.status == shipment.status
            return
        order = snap.orders[shipment.order_id]
        if self.models[order.id].status != "open":  # held: it waits for the release
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.book_shipment(shipment.id)
            assert self.oms.get_shipment(shipment.id).status == "pending"
            return
        ships = all(
            order.lines[line_no - 1].allocations.get(shipment.location, 0) >= units
            for line_no, _, units in shipment.lines
        )
        if not ships:
            availability = [self.oms.availability(sku) for sku in SKUS]
            with pytest.raises((errors.ValidationError, errors.InsufficientStock)):
                self.oms.book_shipment(shipment.id)
            assert [self.oms.availability(sku) for sku in SKUS] == availability
            shipment.status = "cancelled"
            assert self.oms.get_shipment(shipment.id).status == "cancelled"
            return
        view = self.oms.book_shipment(shipment.id)
        assert view.status == "booked", view
        assert view.tracking_number, view
        shipment.status = "booked"
        for _, sku, units in shipment.lines:
            self.on_hand[sku, shipment.location] -= units
        self._settle(order.id)

    def cancel_pending_shipment(self, data: st.DataObject) -> None:
        """A pending shipment can be cancelled (its units stay reserved); no other can."""
        self._changed()
        shipment = self._pick_shipment(data, frozenset({"pending"}))
        if shipment.status != "pending":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.cancel_shipment(shipment.id)
            return
        assert self.oms.cancel_shipment(shipment.id).status == "cancelled"
        shipment.status = "cancelled"

    @precondition(lambda self: self._with_shipments("booked", "in_transit"))
    @rule(data=st.data())
    def shipment_news(self, data: st.DataObject) -> None:
        """News of a shipment on its way: a carrier's tracking event, or the driver's proof
        of delivery."""
        if data.draw(st.booleans(), label="tracking event"):
            self.record_tracking(data, data.draw(st.sampled_from(TRACKING), label="status"))
        else:
            self.confirm_delivery(data)

    def record_tracking(self, data: st.DataObject, status: str) -> None:
        """A carrier's tracking event moves a booked shipment: in transit, delivered, or (now
        and then) returned to sender, which fails it and brings its units back on hand,
        reserved for the order again. Shipments not on the way refuse it."""
        self._changed()
        if not data.draw(st.integers(0, 9), label="not returned to sender"):
            status = "returned_to_sender"
        shipment = self._pick_shipment(data, frozenset({"booked", "in_transit"}))
        if shipment.status not in ("booked", "in_transit"):
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.record_tracking(shipment.id, status=status)
            return
        view = self.oms.record_tracking(shipment.id, status=status)
        shipment.status = {"delivered": "delivered", "returned_to_sender": "failed"}.get(
            status, "in_transit"
        )
        if shipment.status == "failed":
            for _, sku, units in shipment.lines:
                self.on_hand[sku, shipment.location] += units
        assert view.status == shipment.status, view
        self._settle(shipment.order_id)

    def confirm_delivery(self, data: st.DataObject) -> None:
        """The driver's proof of delivery delivers a shipment on the way, and no other."""
        self._changed()
        shipment = self._pick_shipment(data, frozenset({"booked", "in_transit"}))
        proof = f"signed for {shipment.id}"
        if shipment.status not in ("booked", "in_transit"):
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.confirm_delivery(shipment.id, proof=proof)
            return
        view = self.oms.confirm_delivery(shipment.id, proof=proof)
        assert (view.status, view.proof_of_delivery) == ("delivered", proof), view
        assert view.delivered_at == self.clock.now()
        shipment.status = "delivered"
        self._settle(shipment.order_id)
