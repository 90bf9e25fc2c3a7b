"""The machine's common ground: the OMS under test, the model it is checked against, the
snapshot the invariants read, and the small helpers every group of rules shares (picking a
target, the preconditions, what is still to invoice, ship or take back)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock
from ordermgmt.messages import JournalEntryView, OrderView
from tests.money import eur
from tests.stateful.model import (
    InvoiceModel,
    OrderModel,
    Placement,
    ReturnModel,
    ShipmentModel,
    Snapshot,
)
from tests.stateful.world import (
    BLOCKABLE,
    CUSTOMERS,
    HANDLES,
    LOCATIONS,
    POPUP,
    PRODUCTS,
    SKUS,
    UNIT_COSTS,
    ZERO,
    eur_or_none,
    make_oms,
    skus,
)


class MachineBase(RuleBasedStateMachine):
    """The OMS, the model, the set-up, and the helpers the rules share; no rule of its own."""

    def new_oms(self, clock: FixedClock) -> OrderManagement:
        """The OMS under test; override to run the same rules on another backend."""
        return make_oms(clock)

    def teardown(self) -> None:
        oms: OrderManagement | None = getattr(self, "oms", None)
        if oms is not None:
            oms.close()

    # -- set-up ------------------------------------------------------------------------------

    @initialize(
        stock=st.dictionaries(
            st.tuples(skus, st.sampled_from(tuple(LOCATIONS))),
            st.integers(min_value=1, max_value=30),
            max_size=8,
        )
    )
    def set_up(self, stock: dict[tuple[str, str], int]) -> None:
        self.clock = FixedClock()
        self.oms = self.new_oms(self.clock)
        for code, priority in LOCATIONS.items():
            self.oms.define_location(code, name=f"Warehouse {code}", priority=priority)
        #: sku -> the product's unit cost now (``None``: it has none)
        self.costs: dict[str, Decimal | None] = {
            sku: Decimal(UNIT_COSTS[sku]) if sku in UNIT_COSTS else None for sku in SKUS
        }
        for sku in SKUS:
            self._upsert_product(sku)
        self.customer_ids = {
            handle: self.oms.register_customer(**fields).id for handle, fields in CUSTOMERS.items()
        }
        # the model: what we expect, where it is cheap to know
        self.blocked = dict.fromkeys(HANDLES, False)
        self.known_locations = set(LOCATIONS)
        self.on_hand: Counter[tuple[str, str]] = Counter()
        self.models: dict[str, OrderModel] = {}  # order id -> model
        self.numbers: list[str] = []  # order numbers, in placement order
        self.keys: dict[str, tuple[Placement, str]] = {}  # idempotency key -> (request, order)
        self.keys_issued = 0
        self.invoices: dict[str, InvoiceModel] = {}  # invoice id -> model, in issue order
        self.credit_notes: list[str] = []  # credit note numbers, in issue order
        self.shipments: dict[str, ShipmentModel] = {}  # in creation order
        self.returns: dict[str, ReturnModel] = {}
        self.money: defaultdict[str, Decimal] = defaultdict(Decimal)  # cash and bank balances
        self.receipts_cost = ZERO  # supplier receipts with a unit cost
        self.journal_seen: list[JournalEntryView] = []
        self.payments = 0
        self._snapshot: Snapshot | None = None
        for (sku, code), quantity in sorted(stock.items()):
            self.oms.receive_stock(sku=sku, location=code, quantity=quantity, supplier="Initial")
            self.on_hand[sku, code] += quantity

    def _upsert_product(self, sku: str) -> None:
        """Send the product as the catalog has it, at the cost the model holds for it."""
        unit_price, rate, point, quantity = PRODUCTS[sku]
        self.oms.upsert_product(
            sku=sku,
            name=sku.title(),
            unit_price=eur(Decimal(unit_price)),
            tax_rate=Decimal(rate),
            reorder_point=point,
            reorder_quantity=quantity,
            unit_cost=eur_or_none(self.costs[sku]),
        )

    def _changed(self) -> None:
        """Every rule calls this before it changes anything: the invariants read afresh."""
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
                invoices={order_id: self.oms.order_invoices(order_id) for order_id in orders},
                shipments={order_id: self.oms.order_shipments(order_id) for order_id in orders},
                trial_balance=self.oms.trial_balance(),
                journal=self.oms.journal(),
                overdue=self.oms.overdue_invoices(as_of=self._today()),
            )
        return self._snapshot

    def _today(self) -> date:
        return self.clock.now().date()

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

    def _pick(
        self, data: st.DataObject, eligible: Sequence[str], everything: Sequence[str], label: str
    ) -> str | None:
        """Mostly one of ``eligible`` (where the step can succeed), sometimes any of
        ``everything`` (where it may have to be refused)."""
        if eligible and data.draw(st.integers(0, 3), label=f"{label} is eligible") > 0:
            return data.draw(st.sampled_from(sorted(eligible)), label=label)
        if not everything:
            return None
        return data.draw(st.sampled_from(sorted(everything)), label=label)

    # Preconditions: a step of the cycle is taken where it can succeed (it still picks, now
    # and then, something it must refuse), so that runs go the whole way round.

    def _with_shipments(self, *statuses: str) -> bool:
        return any(shipment.status in statuses for shipment in self.shipments.values())

    def _with_returns(self) -> bool:
        return any(request.status == "requested" for request in self.returns.values())

    def _anything_to_ship(self) -> bool:
        snap = self._snap()
        return any(
            model.status == "open"
            and any(units > 0 for units in self._shippable(snap.orders[order_id]).values())
            for order_id, model in self.models.items()
        )

    def _anything_to_invoice(self) -> bool:
        snap = self._snap()
        return any(
            model.status != "cancelled" and self._to_invoice(snap.orders[order_id])
            for order_id, model in self.models.items()
        )

    def _anything_to_return(self) -> bool:
        return bool(self._can_return(self._snap()))

    def _next_number(self, prefix: str, numbers: Sequence[str]) -> str:
        year = self.clock.now().year
        used = sum(number.startswith(f"{prefix}-{year}-") for number in numbers)
        return f"{prefix}-{year}-{used + 1:06d}"

    def _reference(self) -> str:
        self.payments += 1
        return f"bank statement line {self.payments}"

    def _block(self, blocked: bool | None) -> None:
        """The customer who can be blocked is blocked or unblocked (or left as they are)."""
        if blocked is None:
            return
        view = self.oms.update_customer(self.customer_ids[BLOCKABLE], blocked=blocked)
        assert view.blocked is blocked
        self.blocked[BLOCKABLE] = blocked

    def _days_pass(self, data: st.DataObject) -> None:
        """Business days pass: invoices fall due, and a new year starts new number series."""
        days = data.draw(st.sampled_from([0, 0, 1, 7, 14, 30, 45, 90, 200]), label="days later")
        self.clock.advance(timedelta(days=days))

    def _refused(self, error: type[Exception], order_id: str, call: Any) -> None:
        """``call`` raises ``error`` and changes neither the ledger nor the order's documents."""
        ledger = self.oms.trial_balance()
        invoices = self.oms.order_invoices(order_id)
        order = self.oms.get_order(order_id)
        with pytest.raises(error):
            call()
        assert self.oms.trial_balance() == ledger
        assert self.oms.order_invoices(order_id) == invoices
        assert self.oms.get_order(order_id) == order

    def _shippable(self, order: OrderView) -> dict[tuple[int, str], int]:
        """Reserved units per (line, location) not yet promised to a pending shipment."""
        free = {
            (line.line_no, code): units
            for line in order.lines
            for code, units in line.allocations.items()
        }
        for shipment in self.shipments.values():
            if shipment.order_id == order.id and shipment.status == "pending":
                for line_no, _, units in shipment.lines:
                    free[line_no, shipment.location] = (
                        free.get((line_no, shipment.location), 0) - units
                    )
        return free

    def _pick_shipment(self, data: st.DataObject, statuses: frozenset[str]) -> ShipmentModel:
        eligible = [s.id for s in self.shipments.values() if s.status in statuses]
        shipment_id = self._pick(data, eligible, list(self.shipments), "shipment")
        assert shipment_id is not None
        return self.shipments[shipment_id]

    def _returnable(self, order: OrderView) -> dict[int, int]:
        """Delivered units per line not returned and not promised to an open return."""
        left = {line.line_no: line.delivered - line.returned for line in order.lines}
        for request in self.returns.values():
            if request.order_id == order.id and request.status == "requested":
                for line_no, _, units in request.lines:
                    left[line_no] -= units
        return left

    def _can_return(self, snap: Snapshot) -> list[str]:
        return [
            order_id
            for order_id, model in self.models.items()
            if model.status != "cancelled"
            and any(units > 0 for units in self._returnable(snap.orders[order_id]).values())
        ]

    def _net_invoiced(self, order_id: str, line_no: int) -> int:
        """Units of a line invoiced and not credited."""
        return sum(
            self.invoices[i].units.get(line_no, 0) - self.invoices[i].credited_units[line_no]
            for i in self.models[order_id].invoices
        )

    def _to_invoice(self, order: OrderView) -> dict[int, int]:
        """What an invoice would cover now (policy on_order): per line, what is ordered and
        neither cancelled nor returned, less what is invoiced and not credited."""
        result = {}
        for line in order.lines:
            target = line.quantity - line.cancelled - line.returned
            already = self._net_invoiced(order.id, line.line_no)
            if target > already:
                result[line.line_no] = target - already
        return result
