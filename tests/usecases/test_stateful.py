"""Random sequences of order capture and stock work, checked after every step.

A rule-based state machine drives an OMS through its facade only: it places orders (with and
without idempotency keys, replaying keys with the same and with a changed request), cancels,
holds and releases them, receives, counts and moves stock, and blocks and unblocks a customer.
After every step the invariants at the end of the machine must hold.

The machine gets its OMS from :func:`make_oms` (a subclass may override ``new_oms``), so the same
rules can run against another storage backend; the later steps of order-to-cash (invoicing,
payment, shipping, delivery, returns) can be added as further rules and invariants.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from ordermgmt import Money, OrderManagement, errors
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.messages import (
    AvailabilityView,
    BackorderView,
    CustomerProfileView,
    OrderView,
    RequisitionView,
)


def make_oms() -> OrderManagement:
    """A fresh, deterministic OMS for one run of the machine."""
    return OrderManagement.in_memory(clock=FixedClock(), ids=SequentialIdGenerator())


# -- the world every run starts from -----------------------------------------------------------

#: sku -> (unit price in EUR, tax rate, reorder point, reorder quantity)
PRODUCTS: dict[str, tuple[str, str, int, int]] = {
    "CHAIR": ("149.00", "0.19", 5, 40),
    "DESK": ("399.00", "0.19", 2, 10),
    "LAMP": ("29.95", "0.07", 0, 0),
    "CABLE": ("4.99", "0.19", 0, 50),
}
SKUS = tuple(PRODUCTS)

#: defined location -> priority (lower is allocated first)
LOCATIONS: dict[str, int] = {"BER": 10, "HAM": 20, "MUC": 30}
#: a location nobody defines: it comes into being with its first stock, ranked after the others
POPUP = "POPUP"
CODES = (*LOCATIONS, POPUP)

#: customer handle -> register_customer arguments. The credit limit is far above anything the
#: machine can order, so no order is ever held for credit.
CUSTOMERS: dict[str, dict[str, Any]] = {
    "acme": {
        "name": "ACME GmbH",
        "kind": "b2b",
        "payment_preference": "invoice",
        "payment_terms_days": 30,
        "credit_limit": Money("10000000.00", "EUR"),
    },
    "erika": {"name": "Erika Mustermann", "kind": "b2c", "payment_preference": "card"},
    "max": {"name": "Max Muster", "kind": "b2c", "payment_preference": "prepayment"},
}
HANDLES = tuple(CUSTOMERS)
#: the customer the machine blocks and unblocks
BLOCKABLE = "max"

CHANNELS = ("web", "store", "phone", "edi", "marketplace")
ACTIVE = frozenset({"open", "on_hold"})
LEGAL_STATUSES = frozenset({"open", "on_hold", "completed", "cancelled"})
CENT = Decimal("0.01")

skus = st.sampled_from(SKUS)
locations = st.sampled_from(CODES)
line_lists = st.lists(
    st.tuples(skus, st.integers(min_value=1, max_value=20)), min_size=1, max_size=4
)


def order_number(n: int) -> str:
    return f"SO-{n:06d}"


def expected_fulfillment(order: OrderView) -> str:
    """The fulfillment status an order's line quantities call for (DOMAIN.md, status axes)."""
    active = sum(line.quantity - line.cancelled for line in order.lines)
    returned = sum(line.returned for line in order.lines)
    delivered = sum(line.delivered for line in order.lines)
    shipped = sum(line.shipped for line in order.lines)
    reserved = sum(line.reserved for line in order.lines)
    backordered = sum(line.backordered for line in order.lines)
    if returned:
        return "returned" if returned == delivered == active else "partially_returned"
    if delivered:
        return "delivered" if delivered == active else "partially_delivered"
    if shipped:
        return "shipped" if shipped == active else "partially_shipped"
    if reserved:
        return "reserved" if reserved == active else "partially_reserved"
    if backordered:
        return "backordered"
    return "unreserved"


def expected_allocation(
    demand: dict[str, int], free: dict[tuple[str, str], int], order: list[str]
) -> dict[tuple[str, str], int]:
    """Where the documented default policy reserves an order's units:
    one location for the whole order if any can fill it, else per sku one location that can,
    else split across locations in priority order; what is left is backordered."""
    for code in order:
        if all(free[sku, code] >= qty for sku, qty in demand.items()):
            return {(sku, code): qty for sku, qty in demand.items()}
    taken: dict[tuple[str, str], int] = {}
    for sku, qty in demand.items():
        whole = next((code for code in order if free[sku, code] >= qty), None)
        if whole is not None:
            taken[sku, whole] = qty
            continue
        for code in order:
            take = min(free[sku, code], qty)
            if take:
                taken[sku, code] = take
                qty -= take
    return taken


def round_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Placement:
    """A placement request as the machine sent it, to replay it under its idempotency key."""

    customer: str
    channel: str
    lines: tuple[tuple[str, int], ...]

    def kwargs(self, customer_ids: dict[str, str]) -> dict[str, Any]:
        return {
            "customer_id": customer_ids[self.customer],
            "channel": self.channel,
            "lines": [{"sku": sku, "quantity": qty} for sku, qty in self.lines],
        }


@dataclass(frozen=True)
class Snapshot:
    """Everything the invariants read, fetched once per step."""

    orders: dict[str, OrderView]
    availability: dict[str, AvailabilityView]
    backorders: list[BackorderView]
    requisitions: list[RequisitionView]
    profiles: dict[str, CustomerProfileView]


class OrderToCashMachine(RuleBasedStateMachine):
    """Capture and stock, driven through the facade, checked against a small model."""

    orders = Bundle("orders")

    def new_oms(self) -> OrderManagement:
        """The OMS under test; override to run the same rules on another backend."""
        return make_oms()

    # -- set-up ------------------------------------------------------------------------------

    @initialize(
        stock=st.dictionaries(
            st.tuples(skus, st.sampled_from(tuple(LOCATIONS))),
            st.integers(min_value=1, max_value=15),
            max_size=6,
        )
    )
    def set_up(self, stock: dict[tuple[str, str], int]) -> None:
        self.oms = self.new_oms()
        for code, priority in LOCATIONS.items():
            self.oms.define_location(code, name=f"Warehouse {code}", priority=priority)
        for sku, (price, rate, point, quantity) in PRODUCTS.items():
            self.oms.upsert_product(
                sku=sku,
                name=sku.title(),
                unit_price=Money(price, "EUR"),
                tax_rate=Decimal(rate),
                reorder_point=point,
                reorder_quantity=quantity,
            )
        self.customer_ids = {
            handle: self.oms.register_customer(**fields).id for handle, fields in CUSTOMERS.items()
        }
        # the model: what we expect, where it is cheap to know
        self.blocked = dict.fromkeys(HANDLES, False)
        self.known_locations = set(LOCATIONS)
        self.on_hand: Counter[tuple[str, str]] = Counter()
        self.status: dict[str, str] = {}  # order id -> status
        self.owner: dict[str, str] = {}  # order id -> customer handle
        self.numbers: list[str] = []  # order numbers, in placement order
        self.keys: dict[str, tuple[Placement, str]] = {}  # idempotency key -> (request, order)
        self.keys_issued = 0
        self._snapshot: Snapshot | None = None
        for (sku, code), quantity in sorted(stock.items()):
            self.oms.receive_stock(sku=sku, location=code, quantity=quantity, supplier="Initial")
            self.on_hand[sku, code] += quantity

    def _changed(self) -> None:
        """Every rule calls this first: the invariants must read the OMS afresh."""
        self._snapshot = None

    def _snap(self) -> Snapshot:
        if self._snapshot is None:
            orders: dict[str, OrderView] = {}
            for customer_id in self.customer_ids.values():
                orders.update((o.id, o) for o in self.oms.customer_orders(customer_id))
            self._snapshot = Snapshot(
                orders=orders,
                availability={sku: self.oms.availability(sku) for sku in SKUS},
                backorders=self.oms.open_backorders(),
                requisitions=self.oms.open_purchase_requisitions(),
                profiles={h: self.oms.customer_profile(c) for h, c in self.customer_ids.items()},
            )
        return self._snapshot

    def _at(self, sku: str, code: str) -> tuple[int, int]:
        """(on hand, reserved) of ``sku`` at ``code`` right now."""
        for row in self.oms.availability(sku).locations:
            if row.location == code:
                return row.on_hand, row.reserved
        return 0, 0

    def _free(self) -> dict[tuple[str, str], int]:
        free: Counter[tuple[str, str]] = Counter()
        for sku in SKUS:
            for row in self.oms.availability(sku).locations:
                free[sku, row.location] = row.available
        return free

    def _location_order(self) -> list[str]:
        # the popup location is created on first use, ranked after every defined location
        defined = sorted(LOCATIONS, key=LOCATIONS.__getitem__)
        return [*defined, POPUP] if POPUP in self.known_locations else defined

    # -- orders ------------------------------------------------------------------------------

    @rule(
        target=orders,
        customer=st.sampled_from(HANDLES),
        channel=st.sampled_from(CHANNELS),
        lines=line_lists,
        with_key=st.booleans(),
    )
    def place_order(
        self, customer: str, channel: str, lines: list[tuple[str, int]], with_key: bool
    ) -> Any:
        self._changed()
        request = Placement(customer, channel, tuple(lines))
        key = None
        if with_key:
            self.keys_issued += 1
            key = f"po-{self.keys_issued}"
        if self.blocked[customer]:
            with pytest.raises(errors.CustomerBlocked):
                self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
            return multiple()
        free = self._free()
        order = self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
        assert order.id not in self.status
        self.numbers.append(order.number)
        assert order.number == order_number(len(self.numbers))
        assert order.status == "open"
        assert order.customer_id == self.customer_ids[customer]
        assert order.idempotency_key == key
        assert [(line.sku, line.quantity) for line in order.lines] == list(lines)
        demand: Counter[str] = Counter()
        for sku, qty in lines:
            demand[sku] += qty
        expected = expected_allocation(dict(demand), free, self._location_order())
        reserved: Counter[tuple[str, str]] = Counter()
        backordered: Counter[str] = Counter()
        for line in order.lines:
            reserved.update({(line.sku, code): q for code, q in line.allocations.items()})
            backordered[line.sku] += line.backordered
        assert reserved == Counter(expected), (free, order.lines)
        for sku, qty in demand.items():
            got = sum(q for (s, _), q in expected.items() if s == sku)
            assert backordered[sku] == qty - got, (sku, free, order.lines)
        self.status[order.id] = "open"
        self.owner[order.id] = customer
        if key is not None:
            self.keys[key] = (request, order.id)
        return order.id

    @precondition(lambda self: self.keys)
    @rule(data=st.data())
    def replay_same_request(self, data: st.DataObject) -> None:
        """The same request under a used key gives the first order, and nothing new."""
        self._changed()
        key = data.draw(st.sampled_from(sorted(self.keys)), label="key")
        request, order_id = self.keys[key]
        before = self.oms.get_order(order_id)
        order = self.oms.place_order(**request.kwargs(self.customer_ids), idempotency_key=key)
        assert order.id == order_id
        assert order == before

    @precondition(lambda self: self.keys)
    @rule(data=st.data(), change=st.sampled_from(["quantity", "channel", "line", "customer"]))
    def replay_different_request(self, data: st.DataObject, change: str) -> None:
        """A used key with a different request is refused, and changes nothing."""
        self._changed()
        key = data.draw(st.sampled_from(sorted(self.keys)), label="key")
        request, order_id = self.keys[key]
        (sku, qty), *rest = request.lines
        if change == "quantity":
            other = Placement(request.customer, request.channel, ((sku, qty % 20 + 1), *rest))
        elif change == "channel":
            channel = CHANNELS[(CHANNELS.index(request.channel) + 1) % len(CHANNELS)]
            other = Placement(request.customer, channel, request.lines)
        elif change == "line":
            other = Placement(request.customer, request.channel, (*request.lines, ("LAMP", 1)))
        else:
            customer = HANDLES[(HANDLES.index(request.customer) + 1) % len(HANDLES)]
            other = Placement(customer, request.channel, request.lines)
        before = self.oms.get_order(order_id)
        with pytest.raises(errors.IdempotencyConflict) as raised:
            self.oms.place_order(**other.kwargs(self.customer_ids), idempotency_key=key)
        assert raised.value.existing_order_id == order_id
        assert self.oms.get_order(order_id) == before

    @rule(order_id=orders, reason=st.sampled_from(["", "customer changed their mind"]))
    def cancel_order(self, order_id: str, reason: str) -> None:
        self._changed()
        if self.status[order_id] not in ACTIVE:
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.cancel_order(order_id, reason=reason)
            return
        order = self.oms.cancel_order(order_id, reason=reason)
        self.status[order_id] = "cancelled"
        assert order.status == "cancelled"
        assert order.reserved == 0
        assert order.backordered == 0
        assert all(line.cancelled == line.quantity - line.shipped for line in order.lines)

    @rule(order_id=orders)
    def hold_order(self, order_id: str) -> None:
        self._changed()
        if self.status[order_id] != "open":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.hold_order(order_id, reason="customer asked to wait")
            return
        before = self.oms.get_order(order_id)
        order = self.oms.hold_order(order_id, reason="customer asked to wait")
        self.status[order_id] = "on_hold"
        assert order.status == "on_hold"
        assert order.lines == before.lines  # a held order keeps its reservations

    @precondition(lambda self: self.status)
    @rule(data=st.data())
    def release_order(self, data: st.DataObject) -> None:
        self._changed()
        held = sorted(order_id for order_id, status in self.status.items() if status == "on_hold")
        if held and data.draw(st.booleans(), label="a held one"):
            order_id = data.draw(st.sampled_from(held), label="order")
        else:
            order_id = data.draw(st.sampled_from(sorted(self.status)), label="order")
        if self.status[order_id] != "on_hold":
            with pytest.raises(errors.InvalidStateTransition):
                self.oms.release_order(order_id)
            return
        order = self.oms.release_order(order_id)
        self.status[order_id] = "open"
        assert order.status == "open"

    @rule(blocked=st.booleans())
    def toggle_block(self, blocked: bool) -> None:
        self._changed()
        view = self.oms.update_customer(self.customer_ids[BLOCKABLE], blocked=blocked)
        assert view.blocked is blocked
        self.blocked[BLOCKABLE] = blocked

    # -- stock -------------------------------------------------------------------------------

    @rule(sku=skus, code=locations, quantity=st.integers(min_value=1, max_value=30))
    def receive_stock(self, sku: str, code: str, quantity: int) -> None:
        self._changed()
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        receipt = self.oms.receive_stock(
            sku=sku, location=code, quantity=quantity, supplier="Stuhlwerk AG", reference="DN-1"
        )
        self.on_hand[sku, code] += quantity
        self.known_locations.add(code)
        # open backorders take what is free here, oldest first
        served = min(backordered, on_hand + quantity - reserved)
        assert receipt.backorders_served == served
        assert self._at(sku, code) == (on_hand + quantity, reserved + served)

    @rule(sku=skus, code=locations, change=st.integers(min_value=-10, max_value=10).filter(bool))
    def adjust_stock_by_change(self, sku: str, code: str, change: int) -> None:
        self._changed()
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

    @rule(sku=skus, code=locations, counted=st.integers(min_value=0, max_value=30))
    def adjust_stock_to_count(self, sku: str, code: str, counted: int) -> None:
        self._changed()
        on_hand, reserved = self._at(sku, code)
        backordered = self.oms.availability(sku).backordered
        self.oms.adjust_stock(sku=sku, location=code, reason="count", counted=counted)
        self._after_adjust(sku, code, on_hand, reserved, backordered, counted)

    @rule(data=st.data())
    def count_below_reserved(self, data: st.DataObject) -> None:
        """A count finds fewer units than are reserved: those reservations lose their goods."""
        self._changed()
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

    @rule(data=st.data())
    def move_stock(self, data: st.DataObject) -> None:
        """Move free units between locations; more than is free is refused, changing nothing."""
        self._changed()
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
        on_hand, reserved = self._at(sku, source)
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

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def stock_is_never_negative(self) -> None:
        for sku, view in self._snap().availability.items():
            for row in view.locations:
                assert 0 <= row.reserved <= row.on_hand, (sku, row)
                assert row.available == row.on_hand - row.reserved, (sku, row)
                assert row.on_hand == self.on_hand[sku, row.location], (sku, row)
            assert view.on_hand == sum(row.on_hand for row in view.locations), view
            assert view.reserved == sum(row.reserved for row in view.locations), view
            assert view.available == sum(row.available for row in view.locations), view
            assert view.available == view.on_hand - view.reserved >= 0, view
            listed = {row.location for row in view.locations}
            assert all(self.on_hand[sku, code] == 0 for code in CODES if code not in listed)

    @invariant()
    def reservations_and_backorders_belong_to_active_orders(self) -> None:
        snap = self._snap()
        reserved: Counter[tuple[str, str]] = Counter()
        backordered: Counter[str] = Counter()
        backorder_lines = set()
        for order in snap.orders.values():
            for line in order.lines:
                if order.status not in ACTIVE:
                    assert line.reserved == line.backordered == 0, (order.number, line)
                    assert not line.allocations, (order.number, line)
                    continue
                for code, quantity in line.allocations.items():
                    reserved[line.sku, code] += quantity
                backordered[line.sku] += line.backordered
                if line.backordered:
                    backorder_lines.add((order.id, line.line_no, line.sku, line.backordered))
        for sku, view in snap.availability.items():
            assert view.reserved == sum(q for (s, _), q in reserved.items() if s == sku), sku
            assert view.backordered == backordered[sku], sku
            for row in view.locations:
                assert row.reserved == reserved[sku, row.location], (sku, row)
        listed = [(b.order_id, b.line_no, b.sku, b.quantity) for b in snap.backorders]
        assert sorted(listed) == sorted(backorder_lines)

    @invariant()
    def order_lines_account_for_every_unit(self) -> None:
        for order in self._snap().orders.values():
            for line in order.lines:
                assert line.reserved == sum(line.allocations.values()), (order.number, line)
                assert all(q > 0 for q in line.allocations.values()), (order.number, line)
                assert min(line.backordered, line.shipped, line.cancelled) >= 0, line
                accounted = line.reserved + line.backordered + line.shipped + line.cancelled
                if order.status in ACTIVE:
                    assert line.quantity == accounted, (order.number, line)
                else:
                    assert line.quantity >= accounted, (order.number, line)
                assert line.shipped >= line.delivered >= line.returned >= 0, (order.number, line)

    @invariant()
    def every_order_is_in_a_legal_state(self) -> None:
        orders = self._snap().orders
        assert set(orders) == set(self.status)
        for order_id, order in orders.items():
            assert order.status in LEGAL_STATUSES, order.number
            assert order.status == self.status[order_id], order.number
            assert order.fulfillment_status == expected_fulfillment(order), order.number
            assert order.payment_status == "not_invoiced", order.number
            assert order.customer_id == self.customer_ids[self.owner[order_id]], order.number
            if order.status == "on_hold":
                assert order.hold_reason, order.number

    @invariant()
    def order_totals_follow_the_tax_rules(self) -> None:
        """Catalog prices; line net rounded once; tax per rate on the sum of its nets."""
        for order in self._snap().orders.values():
            nets: dict[Decimal, Decimal] = {}
            for line in order.lines:
                price, rate, _, _ = PRODUCTS[line.sku]
                assert line.unit_price == Money(price, "EUR"), (order.number, line)
                assert line.tax_rate == Decimal(rate), (order.number, line)
                assert line.net == Money(round_cents(Decimal(price) * line.quantity), "EUR")
                nets[line.tax_rate] = nets.get(line.tax_rate, Decimal(0)) + line.net.amount
            tax = sum((round_cents(net * rate) for rate, net in nets.items()), Decimal(0))
            net = sum(nets.values(), Decimal(0))
            assert order.net_total == Money(net, "EUR"), order.number
            assert order.tax_total == Money(tax, "EUR"), order.number
            assert order.total == Money(net + tax, "EUR"), order.number

    @invariant()
    def order_numbers_are_unique_and_gapless(self) -> None:
        orders = self._snap().orders
        numbers = sorted(order.number for order in orders.values())
        assert numbers == [order_number(n) for n in range(1, len(orders) + 1)]
        assert numbers == self.numbers
        if self.numbers:
            assert self.oms.get_order(number=self.numbers[-1]).number == self.numbers[-1]
        with pytest.raises(errors.NotFound):
            self.oms.get_order(number=order_number(len(self.numbers) + 1))

    @invariant()
    def idempotency_keys_name_their_first_order(self) -> None:
        orders = self._snap().orders
        keyed = {o.idempotency_key: o.id for o in orders.values() if o.idempotency_key}
        assert keyed == {key: order_id for key, (_, order_id) in self.keys.items()}

    @invariant()
    def customer_profiles_count_their_orders(self) -> None:
        snap = self._snap()
        for handle, profile in snap.profiles.items():
            mine = [o for o in snap.orders.values() if self.owner[o.id] == handle]
            assert profile.order_count == len(mine), handle
            assert profile.cancelled_count == sum(o.status == "cancelled" for o in mine), handle
            assert sum(profile.channels.values()) == len(mine), handle
            volume = sum((o.total.amount for o in mine if o.status != "cancelled"), Decimal(0))
            assert profile.order_volume.get("EUR", Money("0", "EUR")) == Money(volume, "EUR")

    @invariant()
    def at_most_one_open_requisition_per_sku_and_location(self) -> None:
        requisitions = self._snap().requisitions
        places = [(r.sku, r.location) for r in requisitions]
        assert len(places) == len(set(places)), places
        assert all(r.status == "open" and r.quantity > 0 for r in requisitions)

    @invariant()
    def backorders_wait_only_while_sold_out(self) -> None:
        """A sku with open backorders has no free unit anywhere: whatever brings or frees a
        unit (a receipt, a found unit, a move, a cancellation) serves the backorders, and units
        a count takes from an order are reserved again where some are free."""
        for view in self._snap().availability.values():
            if view.backordered:
                assert view.available == 0, view


OrderToCashMachine.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    database=None,
)
TestOrderToCash = OrderToCashMachine.TestCase
