"""Rules for stock: supplier receipts, corrections by change and by count (also below what is
reserved), moves between locations, and products' unit costs changing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ordermgmt import errors
from tests.money import eur
from tests.stateful.bookkeeping import Bookkeeping
from tests.stateful.world import (
    CODES,
    LEFT,
    RECEIPT_COST,
    SKUS,
    eur_or_none,
    locations,
    round_cents,
    skus,
)


class StockRules(Bookkeeping):
    """Stock arrives, is corrected, moves; unit costs change."""

    @rule(
        data=st.data(), kind=st.sampled_from(["receipt", "change", "count", "count short", "move"])
    )
    def stock_changes(self, data: st.DataObject, kind: str) -> None:
        """Stock moves: a supplier receipt (with or without a unit cost), or a correction by a
        change, to a counted figure, by a count that finds fewer units than are reserved, or a
        move between locations."""
        self._changed()
        if kind == "receipt":
            self.receive_stock(
                data.draw(skus, label="sku"),
                data.draw(locations, label="location"),
                data.draw(st.integers(min_value=1, max_value=30), label="quantity"),
                data.draw(st.booleans(), label="with cost"),
            )
        elif kind == "change":
            change = st.integers(min_value=-10, max_value=10).filter(bool)
            self.adjust_stock_by_change(
                data.draw(skus, label="sku"),
                data.draw(locations, label="location"),
                data.draw(change, label="change"),
            )
        elif kind == "count":
            self.adjust_stock_to_count(
                data.draw(skus, label="sku"),
                data.draw(locations, label="location"),
                data.draw(st.integers(min_value=0, max_value=30), label="counted"),
            )
        elif kind == "count short":
            self.count_below_reserved(data)
        else:
            self.move_stock(data)

    def receive_stock(self, sku: str, code: str, quantity: int, with_cost: bool) -> None:
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        cost = self.costs[sku]
        if cost is None:
            cost = RECEIPT_COST
        receipt = self.oms.receive_stock(
            sku=sku,
            location=code,
            quantity=quantity,
            supplier="Stuhlwerk AG",
            reference="DN-1",
            unit_cost=eur(cost) if with_cost else None,
        )
        self.on_hand[sku, code] += quantity
        self.known_locations.add(code)
        if with_cost:
            self.receipts_cost += round_cents(cost * quantity)
        # open backorders take what is free here, oldest first
        served = min(backordered, on_hand + quantity - reserved)
        assert receipt.backorders_served == served
        assert self._at(sku, code) == (on_hand + quantity, reserved + served)

    def adjust_stock_by_change(self, sku: str, code: str, change: int) -> None:
        on_hand, reserved = self._at(sku, code)
        if on_hand + change < 0:
            before = self.oms.availability(sku)
            with pytest.raises(errors.ValidationError):
                self.oms.adjust_stock(sku=sku, location=code, reason="damage", change=change)
            assert self.oms.availability(sku) == before
            return
        backordered = self.oms.availability(sku).backordered
        reason = "found" if change > 0 else "damage"
        self.oms.adjust_stock(sku=sku, location=code, reason=reason, change=change)
        self._after_adjust(sku, code, on_hand, reserved, backordered, on_hand + change)

    def adjust_stock_to_count(self, sku: str, code: str, counted: int) -> None:
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        self.oms.adjust_stock(sku=sku, location=code, reason="count", counted=counted)
        self._after_adjust(sku, code, on_hand, reserved, backordered, counted)

    def count_below_reserved(self, data: st.DataObject) -> None:
        """A count finds fewer units than are reserved: those reservations lose their goods."""
        reserving = [
            (sku, row.location, row.reserved)
            for sku in SKUS
            for row in self.oms.availability(sku).locations
            if row.reserved
        ]
        if not reserving:
            return
        sku, code, held = data.draw(st.sampled_from(reserving), label="reserved at")
        counted = data.draw(st.integers(min_value=0, max_value=held - 1), label="counted")
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        self.oms.adjust_stock(sku=sku, location=code, reason="count", counted=counted)
        self._after_adjust(sku, code, on_hand, reserved, backordered, counted)

    def _after_adjust(
        self, sku: str, code: str, on_hand: int, reserved: int, backordered: int, new: int
    ) -> None:
        self.on_hand[sku, code] = new
        if new != on_hand:
            self.known_locations.add(code)
        if new < reserved:  # the count proved reserved units missing
            expected_reserved = new
        elif new > on_hand:  # found units serve open backorders
            expected_reserved = reserved + min(backordered, new - reserved)
        else:
            expected_reserved = reserved
        assert self._at(sku, code) == (new, expected_reserved)

    def move_stock(self, data: st.DataObject) -> None:
        """Move free units between locations; more than is free is refused, changing nothing."""
        free = {(sku, code): 0 for sku in SKUS for code in CODES}
        free.update(self._free())
        stocked = sorted(place for place, units in free.items() if units > 0)
        sku, source = data.draw(st.sampled_from(stocked or sorted(free)), label="from")
        destination = data.draw(st.sampled_from([c for c in CODES if c != source]), label="to")
        units = free[sku, source]
        if units and not data.draw(st.booleans(), label="too many"):
            quantity = data.draw(st.integers(min_value=1, max_value=units), label="quantity")
        else:
            quantity = data.draw(st.integers(units + 1, units + 3), label="quantity")
        before = self.oms.availability(sku)
        on_hand, reserved = self._at(sku, code=source)
        move = {"sku": sku, "from_location": source, "to_location": destination}
        if quantity > units:
            # nothing leaves a place that holds too little (or that does not exist yet)
            expected: tuple[type[Exception], ...] = (errors.InsufficientStock,)
            if source not in self.known_locations:
                expected = (errors.InsufficientStock, errors.NotFound)
            with pytest.raises(expected):
                self.oms.move_stock(**move, quantity=quantity)
            assert self.oms.availability(sku) == before
            return
        self.oms.move_stock(**move, quantity=quantity)
        self.on_hand[sku, source] -= quantity
        self.on_hand[sku, destination] += quantity
        self.known_locations.add(destination)
        assert self._at(sku, source) == (on_hand - quantity, reserved)

    @precondition(lambda self: self._anything_to_ship() or self._with_shipments(*LEFT))
    @rule(
        sku=skus,
        cost=st.integers(0, 7).flatmap(
            lambda kind: st.none() if kind == 0 else st.decimals(0, 500, places=2 + kind % 3)
        ),
    )
    def change_unit_cost(self, sku: str, cost: Decimal | None) -> None:
        """A product's unit cost changes (now and then to none at all; a product without one
        gets one). Its other fields stay as they were; shipments made up before keep the cost
        they recorded (the invariants compare them with the model). It is taken while there
        is something to ship or out with the customer, where it makes a difference."""
        self._changed()
        before = self.oms.get_product(sku)
        self.costs[sku] = cost
        self._upsert_product(sku)
        after = self.oms.get_product(sku)
        assert after.unit_cost == eur_or_none(cost), after
        assert after.model_copy(update={"unit_cost": before.unit_cost}) == before, after
