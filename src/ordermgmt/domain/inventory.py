"""Stock per sku and location, and the policy that decides where an order's units come from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ordermgmt.domain.base import Aggregate, require_quantity, require_text
from ordermgmt.domain.errors import InsufficientStock, ValidationError
from ordermgmt.domain.events import StockAdjusted, StockLow, StockMoved

LOCATION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


def require_location(value: object, field: str = "location") -> str:
    """A location code: 1 to 32 letters, digits, ``. _ -``."""
    if not isinstance(value, str) or not LOCATION_PATTERN.match(value):
        raise ValidationError(field, value, "must be 1-32 letters, digits or . _ -")
    return value


@dataclass(kw_only=True)
class Location(Aggregate):
    """A place that holds stock (warehouse, store). Lower ``priority`` ships first."""

    code: str
    name: str
    priority: int = 100

    def __post_init__(self) -> None:
        self.code = require_location(self.code, "code")
        self.name = require_text(self.name, "name")
        self.priority = _require_priority(self.priority)

    def change(self, *, name: str | None = None, priority: int | None = None) -> None:
        """Rename and/or reprioritise, validated exactly as a new location is; what is not
        given stays. Nothing changes if either value is refused."""
        new_name = self.name if name is None else require_text(name, "name")
        new_priority = self.priority if priority is None else _require_priority(priority)
        self.name, self.priority = new_name, new_priority


#: Highest location priority (the command's bound; the column is a 32-bit integer).
MAX_PRIORITY = 1_000_000


def _require_priority(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("priority", value, "must be a whole number")
    if not 0 <= value <= MAX_PRIORITY:
        raise ValidationError("priority", value, f"must be from 0 to {MAX_PRIORITY:,}")
    return value


#: Most units of one sku at one location: what every store can count (a 32-bit integer).
MAX_ON_HAND = 1_000_000_000


@dataclass(kw_only=True)
class StockItem(Aggregate):
    """Units of one sku at one location (Bestand). ``0 <= reserved <= on_hand`` always."""

    sku: str
    location: str
    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def _short(self, requested: int) -> InsufficientStock:
        return InsufficientStock(self.sku, self.location, requested, self.available)

    def reserve(self, quantity: int) -> None:
        require_quantity(quantity)
        if quantity > self.available:
            raise self._short(quantity)
        self.reserved += quantity

    def release(self, quantity: int) -> None:
        require_quantity(quantity)
        if quantity > self.reserved:
            raise ValidationError(
                "quantity", quantity, f"only {self.reserved} reserved at {self.location}"
            )
        self.reserved -= quantity

    def receive(self, quantity: int) -> None:
        require_quantity(quantity)
        if self.on_hand + quantity > MAX_ON_HAND:
            raise ValidationError(
                "quantity", quantity, f"would hold more than {MAX_ON_HAND:,} at {self.location}"
            )
        self.on_hand += quantity

    def remove(self, quantity: int) -> None:
        """Take unreserved units away (damage, loss, a move to another location)."""
        require_quantity(quantity)
        if quantity > self.available:
            raise self._short(quantity)
        self.on_hand -= quantity

    def consume(self, quantity: int) -> None:
        """Reserved units leave the building (shipped): on hand and reserved both fall."""
        require_quantity(quantity)
        if quantity > self.reserved:
            raise ValidationError(
                "quantity", quantity, f"only {self.reserved} reserved at {self.location}"
            )
        self.reserved -= quantity
        self.on_hand -= quantity

    def adjust(self, on_hand: int, reason: str, at: datetime) -> None:
        """A count or correction sets the units on hand: records ``StockAdjusted`` with the
        change. Reserved units beyond ``on_hand`` must have been released first."""
        change = on_hand - self.on_hand
        self.on_hand = on_hand
        self.record(
            StockAdjusted(
                occurred_at=at,
                sku=self.sku,
                location=self.location,
                change=change,
                reason=reason,
                on_hand=on_hand,
            )
        )

    def move_to(self, target: StockItem, quantity: int, at: datetime) -> None:
        """Move unreserved units of the sku to ``target`` (another location): records
        ``StockMoved`` here."""
        self.remove(quantity)
        target.receive(quantity)
        self.record(
            StockMoved(
                occurred_at=at,
                sku=self.sku,
                from_location=self.location,
                to_location=target.location,
                quantity=quantity,
            )
        )

    def check_low(self, available_before: int, reorder_point: int, at: datetime) -> None:
        """Records ``StockLow`` if the available units fell from above ``reorder_point`` to or
        below it (``available_before`` is what was available before they fell)."""
        if self.available <= reorder_point < available_before:
            self.record(
                StockLow(
                    occurred_at=at,
                    sku=self.sku,
                    location=self.location,
                    available=self.available,
                    reorder_point=reorder_point,
                )
            )


# -- allocation --------------------------------------------------------------------------------

#: What an order needs: sku -> quantity still to reserve.
Demand = Mapping[str, int]
#: What can be had: sku -> {location: available units}.
Supply = Mapping[str, Mapping[str, int]]
#: The decision: sku -> list of (location, quantity).
Allocation = dict[str, list[tuple[str, int]]]


class AllocationPolicy(Protocol):
    """Decides from which locations an order's units are reserved.

    ``locations`` lists every location code in priority order (first ships first). The policy
    must never allocate more than ``supply`` offers; what it leaves unallocated is backordered.
    """

    def allocate(self, demand: Demand, supply: Supply, locations: Sequence[str]) -> Allocation: ...


class SingleLocationFirst:
    """The default policy: ship from one place where possible, split only when necessary.

    1. If one location can fill the whole order (every sku), take the first such location in
       priority order: one parcel, one shipment.
    2. Otherwise, per sku: the first location that can fill that sku alone.
    3. Otherwise split that sku across locations in priority order; the rest is backordered.
    """

    def allocate(self, demand: Demand, supply: Supply, locations: Sequence[str]) -> Allocation:
        wanted = {sku: qty for sku, qty in demand.items() if qty > 0}
        if not wanted:
            return {}

        def free(sku: str, location: str) -> int:
            return supply.get(sku, {}).get(location, 0)

        for location in locations:
            if all(free(sku, location) >= qty for sku, qty in wanted.items()):
                return {sku: [(location, qty)] for sku, qty in wanted.items()}
        result: Allocation = {}
        for sku, qty in wanted.items():
            whole = next((loc for loc in locations if free(sku, loc) >= qty), None)
            if whole is not None:
                result[sku] = [(whole, qty)]
                continue
            parts: list[tuple[str, int]] = []
            remaining = qty
            for location in locations:
                take = min(free(sku, location), remaining)
                if take > 0:
                    parts.append((location, take))
                    remaining -= take
                if remaining == 0:
                    break
            if parts:
                result[sku] = parts
        return result
