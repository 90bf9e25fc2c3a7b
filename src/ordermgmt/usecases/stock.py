"""Step 2, stock: locations, supplier receipts, adjustments, moves and the stock queries."""

from __future__ import annotations

from datetime import datetime

from ordermgmt.domain.errors import NotFound, ValidationError
from ordermgmt.domain.idempotency import Scope
from ordermgmt.domain.inventory import MAX_ON_HAND, Location, StockItem
from ordermgmt.domain.ledger import EntryBuilder
from ordermgmt.domain.purchasing import SupplierReceipt
from ordermgmt.messages import (
    AdjustStock,
    AvailabilityView,
    BackorderView,
    DefineLocation,
    GetAvailability,
    ListOpenBackorders,
    ListOpenRequisitions,
    LocationView,
    MoveStock,
    ReceiptView,
    ReceiveStock,
    RequisitionView,
    SubmitPendingRequisitions,
)
from ordermgmt.ports import Dependencies, UnitOfWork
from ordermgmt.usecases.idempotency import once, recall, remember
from ordermgmt.usecases.posting import post
from ordermgmt.usecases.replenishment import (
    Replenisher,
    ensure_location,
    location_order,
    serve_backorders,
    submit_requisitions,
)
from ordermgmt.usecases.stock_locks import lock_sku_rows
from ordermgmt.usecases.views import availability_view, requisition_view


def define_location(deps: Dependencies, cmd: DefineLocation) -> LocationView:
    with deps.uow() as uow:
        location = uow.locations.find(cmd.code)
        if location is None:
            priority = 100 if cmd.priority is None else cmd.priority
            location = Location(code=cmd.code, name=cmd.name or cmd.code, priority=priority)
            uow.locations.add(location)
        else:
            location.change(name=cmd.name, priority=cmd.priority)
        uow.commit()
    return LocationView(code=location.code, name=location.name, priority=location.priority)


def _require_product(uow: UnitOfWork, sku: str) -> None:
    if uow.products.find(sku) is None:
        raise NotFound("product", sku)


def _availability(uow: UnitOfWork, sku: str) -> AvailabilityView:
    backordered = sum(
        line.backordered
        for order in uow.orders.list_backordered(sku)
        for line in order.lines_for(sku)
    )
    return availability_view(sku, uow.stock.list_for_sku(sku), location_order(uow), backordered)


def receive_stock(deps: Dependencies, cmd: ReceiveStock) -> ReceiptView:
    """Record a supplier delivery, serve backorders oldest first, close the open requisition;
    once per ``idempotency_key`` (a repeat returns the first receipt, serving nothing)."""
    return once(cmd, lambda: _receive_once(deps, cmd))


def _receipt_view(uow: UnitOfWork, receipt: SupplierReceipt, served: int) -> ReceiptView:
    return ReceiptView(
        id=receipt.id,
        supplier=receipt.supplier,
        sku=receipt.sku,
        location=receipt.location,
        quantity=receipt.quantity,
        reference=receipt.reference,
        received_at=receipt.received_at,
        unit_cost=receipt.unit_cost,
        backorders_served=served,
        availability=_availability(uow, receipt.sku),
    )


def _receive_once(deps: Dependencies, cmd: ReceiveStock) -> ReceiptView:
    with deps.uow() as uow:
        record = recall(uow, Scope.SUPPLIER_RECEIPT, cmd)
        if record is not None:
            return _receipt_view(uow, uow.receipts.get(record.result_ids[0]), 0)
        _require_product(uow, cmd.sku)
        ensure_location(uow, cmd.location)
        now = deps.clock.now()
        receipt = SupplierReceipt.record_delivery(
            id=deps.ids.new_id(),  # type: ignore[arg-type]
            supplier=cmd.supplier,
            sku=cmd.sku,
            location=cmd.location,
            quantity=cmd.quantity,
            reference=cmd.reference,
            unit_cost=cmd.unit_cost,
            at=now,
        )
        uow.receipts.add(receipt)
        if cmd.unit_cost is not None:
            value = (cmd.unit_cost * cmd.quantity).rounded()
            chart = deps.settings.chart
            entry = EntryBuilder(value.currency)
            entry.debit(chart.inventory, value).credit(chart.goods_received_not_invoiced, value)
            post(
                uow,
                deps,
                entry,
                description=f"Goods received {cmd.supplier} {cmd.reference}".strip()[:200],
                reference=receipt.id,
                at=now,
            )
        item = uow.stock.get_for_update(cmd.sku, cmd.location)
        item.receive(cmd.quantity)
        served = serve_backorders(uow, item, now)
        requisition = uow.requisitions.find_open(cmd.sku, cmd.location)
        if requisition is not None:
            requisition.close(receipt.id, now)
        replenisher = Replenisher(uow, deps, now)
        replenisher.check_reorder_point(item)
        replenisher.after_backorder([cmd.sku])
        remember(uow, deps, Scope.SUPPLIER_RECEIPT, cmd, [receipt.id])
        view = _receipt_view(uow, receipt, served)
        uow.commit()
    submit_requisitions(deps, replenisher.raised)
    return view


def _shortfall_to_backorder(
    uow: UnitOfWork, item: StockItem, new_on_hand: int, deps: Dependencies
) -> None:
    """Reserved units that a count proved missing go back on backorder, youngest order first."""
    missing = item.reserved - new_on_hand
    now = deps.clock.now()
    for order in reversed(uow.orders.list_reserving(item.sku, item.location)):
        for line in reversed(order.lines_for(item.sku)):
            take = min(missing, line.allocations.get(item.location, 0))
            if take <= 0:
                continue
            order.unreserve_to_backorder(line.line_no, item.location, take, now)
            item.release(take)
            missing -= take
        if missing == 0:
            return


def _serve_from_elsewhere(uow: UnitOfWork, sku: str, short_at: str, at: datetime) -> None:
    """Units a count took away from orders are reserved at other locations where possible."""
    rank = {code: i for i, code in enumerate(location_order(uow))}
    items = uow.stock.list_for_update([sku])
    for other in sorted(items, key=lambda i: rank.get(i.location, len(rank))):
        if other.location != short_at and other.available > 0:
            serve_backorders(uow, other, at)


def adjust_stock(deps: Dependencies, cmd: AdjustStock) -> AvailabilityView:
    """Correct stock; once per ``idempotency_key`` (a repeat changes nothing)."""
    return once(cmd, lambda: _adjust_once(deps, cmd))


def _adjust_once(deps: Dependencies, cmd: AdjustStock) -> AvailabilityView:
    with deps.uow() as uow:
        if recall(uow, Scope.STOCK_ADJUSTMENT, cmd) is not None:
            return _availability(uow, cmd.sku)
        _require_product(uow, cmd.sku)
        ensure_location(uow, cmd.location)
        now = deps.clock.now()
        # Every row of the sku first, in location order (backorders may be served from the
        # others below), then this one if it is new: one lock order for everyone, see
        # stock_locks.
        locked = lock_sku_rows(uow, [cmd.sku])
        item = locked.get((cmd.sku, cmd.location))
        if item is None and cmd.counted == 0:  # nothing there and none counted: no change
            return _availability(uow, cmd.sku)
        item = item or uow.stock.get_for_update(cmd.sku, cmd.location)
        new_on_hand = cmd.counted if cmd.counted is not None else item.on_hand + (cmd.change or 0)
        if not 0 <= new_on_hand <= MAX_ON_HAND:
            raise ValidationError(
                "change", cmd.change, f"would leave {new_on_hand} on hand at {cmd.location}"
            )
        change = new_on_hand - item.on_hand
        remember(uow, deps, Scope.STOCK_ADJUSTMENT, cmd, [f"{cmd.sku}@{cmd.location}"])
        if change == 0:  # a count that finds what was expected: nothing moves
            view = _availability(uow, cmd.sku)
            uow.commit()
            return view
        replenisher = _apply_count(uow, deps, cmd, item, new_on_hand, now)
        view = _availability(uow, cmd.sku)
        uow.commit()
    submit_requisitions(deps, replenisher.raised)
    return view


def _apply_count(
    uow: UnitOfWork,
    deps: Dependencies,
    cmd: AdjustStock,
    item: StockItem,
    new_on_hand: int,
    now: datetime,
) -> Replenisher:
    """Set ``item`` to ``new_on_hand`` units: what a count took away from reservations goes
    back on backorder (served elsewhere if possible), what it added serves backorders."""
    before = item.available
    change = new_on_hand - item.on_hand
    replenisher = Replenisher(uow, deps, now)
    if new_on_hand < item.reserved:
        _shortfall_to_backorder(uow, item, new_on_hand, deps)
    item.adjust(new_on_hand, cmd.reason if not cmd.note else f"{cmd.reason}: {cmd.note}", now)
    if change > 0:
        serve_backorders(uow, item, now)
    else:
        replenisher.after_decrease(item, before)
        _serve_from_elsewhere(uow, cmd.sku, cmd.location, now)
    replenisher.after_backorder([cmd.sku])
    return replenisher


def move_stock(deps: Dependencies, cmd: MoveStock) -> AvailabilityView:
    """Move unreserved units; once per ``idempotency_key`` (a repeat changes nothing)."""
    return once(cmd, lambda: _move_once(deps, cmd))


def _move_once(deps: Dependencies, cmd: MoveStock) -> AvailabilityView:
    with deps.uow() as uow:
        if recall(uow, Scope.STOCK_MOVE, cmd) is not None:
            return _availability(uow, cmd.sku)
        _require_product(uow, cmd.sku)
        ensure_location(uow, cmd.to_location)
        if uow.locations.find(cmd.from_location) is None:
            raise NotFound("location", cmd.from_location)
        now = deps.clock.now()
        # Lock both items in (sku, location) order, like every other caller, so two opposite
        # moves cannot deadlock.
        items = {i.location: i for i in uow.stock.list_for_update([cmd.sku])}
        source = items.get(cmd.from_location) or uow.stock.get_for_update(
            cmd.sku, cmd.from_location
        )
        target = items.get(cmd.to_location) or uow.stock.get_for_update(cmd.sku, cmd.to_location)
        before = source.available
        source.move_to(target, cmd.quantity, now)
        serve_backorders(uow, target, now)
        replenisher = Replenisher(uow, deps, now)
        replenisher.after_decrease(source, before)
        remember(uow, deps, Scope.STOCK_MOVE, cmd, [f"{cmd.sku}@{cmd.to_location}"])
        view = _availability(uow, cmd.sku)
        uow.commit()
    submit_requisitions(deps, replenisher.raised)
    return view


def get_availability(deps: Dependencies, query: GetAvailability) -> AvailabilityView:
    with deps.uow() as uow:
        _require_product(uow, query.sku)
        return _availability(uow, query.sku)


def list_open_backorders(deps: Dependencies, query: ListOpenBackorders) -> list[BackorderView]:
    with deps.uow() as uow:
        return [
            BackorderView(
                order_id=order.id,
                order_number=order.number,
                customer_id=order.customer_id,
                line_no=line.line_no,
                sku=line.sku,
                quantity=line.backordered,
                placed_at=order.placed_at,
            )
            for order in uow.orders.list_backordered(query.sku)
            for line in order.lines
            if line.backordered and (query.sku is None or line.sku == query.sku)
        ]


def list_open_requisitions(
    deps: Dependencies, query: ListOpenRequisitions
) -> list[RequisitionView]:
    with deps.uow() as uow:
        return [requisition_view(r) for r in uow.requisitions.list_open()]


def submit_pending_requisitions(deps: Dependencies, cmd: SubmitPendingRequisitions) -> int:
    with deps.uow() as uow:
        pending = [r.id for r in uow.requisitions.list_open() if not r.submitted]
    return submit_requisitions(deps, pending)
