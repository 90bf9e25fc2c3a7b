"""Step 4, delivery: shipping orders with a carrier, tracking, proof of delivery.

A shipment is created first (``pending``), the carrier is called outside any transaction, and
only a successful booking moves the goods: on hand and reserved fall together, the order line's
reservation becomes a shipped quantity, and cost of goods sold is posted at the unit costs the
shipment lines recorded when it was made up (where the product has one). A failed booking
leaves the shipment pending and the stock reserved; ``book_shipment`` retries it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import TypeVar

from ordermgmt.domain.errors import (
    CarrierError,
    Conflict,
    InvalidStateTransition,
    NotFound,
    ValidationError,
)
from ordermgmt.domain.idempotency import Scope
from ordermgmt.domain.order import Order, OrderStatus
from ordermgmt.domain.shipment import (
    Booking,
    Parcel,
    Shipment,
    ShipmentLine,
    ShipmentRequest,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
    shipment_number,
)
from ordermgmt.messages import (
    BookShipment,
    CancelShipment,
    ConfirmDelivery,
    GetShipment,
    ListOrderShipments,
    QuoteShipping,
    RateQuoteView,
    RefreshTracking,
    ShipmentLineView,
    ShipmentView,
    ShipOrder,
    TrackingEventView,
    TrackingInput,
)
from ordermgmt.ports import CarrierPort, Dependencies, UnitOfWork
from ordermgmt.ports.guard import call_outside
from ordermgmt.usecases.idempotency import once, recall, remember
from ordermgmt.usecases.invoicing import refresh_order
from ordermgmt.usecases.posting import post_transfer
from ordermgmt.usecases.stock_locks import consume_for

T = TypeVar("T")


def _carrier(deps: Dependencies, name: str) -> CarrierPort:
    carrier = deps.carriers.get(name)
    if carrier is None:
        raise NotFound("carrier", name)
    return carrier


def _call(carrier: CarrierPort, operation: str, call: Callable[[], T], **context: str) -> T:
    """Call the carrier through the guard: whatever it raises arrives as ``CarrierError``
    with ``context`` (the shipment's id) in its details, logged."""
    name = carrier.name
    return call_outside(
        call,
        port=f"carrier {name}",
        operation=operation,
        error=CarrierError,
        translate=lambda reason: CarrierError(name, operation, reason),
        **context,
    )


def _pending_units(uow: UnitOfWork, order: Order) -> dict[tuple[int, str], int]:
    """Units already promised to pending (not yet booked) shipments, per line and location."""
    units: dict[tuple[int, str], int] = defaultdict(int)
    for shipment in uow.shipments.list_for_order(order.id):
        if shipment.status is ShipmentStatus.PENDING:
            for line in shipment.lines:
                units[(line.order_line_no, shipment.location)] += line.quantity
    return units


def _plan(uow: UnitOfWork, order: Order, cmd: ShipOrder) -> tuple[str, list[ShipmentLine]]:
    if order.status is not OrderStatus.OPEN:
        raise InvalidStateTransition("order", order.number, order.status, "shipped")
    pending = _pending_units(uow, order)

    def free(line_no: int, location: str) -> int:
        return order.line(line_no).allocations.get(location, 0) - pending[(line_no, location)]

    locations = sorted(
        {loc for line in order.lines for loc in line.allocations if free(line.line_no, loc) > 0}
    )
    location = cmd.location
    if location is None:
        if len(locations) != 1:
            reason = (
                "nothing is reserved and unshipped"
                if not locations
                else f"units are reserved at {', '.join(locations)}: name the location"
            )
            raise ValidationError("location", None, reason)
        location = locations[0]
    wanted: dict[str, int] | None = None
    if cmd.lines is not None:
        wanted = defaultdict(int)
        for item in cmd.lines:
            wanted[item.sku] += item.quantity
    lines: list[ShipmentLine] = []
    for line in order.lines:
        available = free(line.line_no, location)
        take = available if wanted is None else min(available, wanted.get(line.sku, 0))
        if take > 0:
            lines.append(ShipmentLine(line.line_no, line.sku, take))
            if wanted is not None:
                wanted[line.sku] -= take
    if wanted is not None:
        short = {sku: q for sku, q in wanted.items() if q > 0}
        if short:
            sku, quantity = sorted(short.items())[0]
            raise ValidationError(
                "lines", {"sku": sku, "quantity": quantity}, f"not reserved at {location}"
            )
    if not lines:
        raise ValidationError("location", location, f"nothing of {order.number} to ship there")
    return location, lines


def ship_order(deps: Dependencies, cmd: ShipOrder) -> ShipmentView:
    """Create the shipment, then book the carrier; once per ``idempotency_key`` (a repeat
    returns the first shipment as it is now)."""
    _carrier(deps, cmd.carrier)
    return once(cmd, lambda: _ship_once(deps, cmd))


def _ship_once(deps: Dependencies, cmd: ShipOrder) -> ShipmentView:
    with deps.uow() as uow:
        record = recall(uow, Scope.SHIPMENT, cmd)
        if record is not None:
            return shipment_view(uow.shipments.get(record.result_ids[0]))
        at = deps.clock.now()
        order = uow.orders.get(cmd.order_id)
        location, lines = _plan(uow, order, cmd)
        weight = Decimal(0)
        for index, line in enumerate(lines):
            product = uow.products.find(line.sku)
            if product is not None:
                weight += product.weight_kg * line.quantity
                lines[index] = replace(line, unit_cost=product.unit_cost)
        parcels = tuple(Parcel(w) for w in (cmd.parcels or [weight]))
        shipment = Shipment.create(
            id=deps.ids.new_id(),
            number=shipment_number(uow.sequences.next_value("shipment")),
            order_id=order.id,
            location=location,
            carrier=cmd.carrier,
            lines=tuple(lines),
            parcels=parcels,
            at=at,
        )
        uow.shipments.add(shipment)
        request = _request(uow, shipment)
        remember(uow, deps, Scope.SHIPMENT, cmd, [shipment.id])
        uow.commit()
    return _book(deps, shipment, request)


def _request(uow: UnitOfWork, shipment: Shipment) -> ShipmentRequest:
    order = uow.orders.get(shipment.order_id)
    customer = uow.customers.get(order.customer_id)
    return ShipmentRequest(
        shipment_id=shipment.id,
        reference=f"{order.number}/{shipment.number}",
        ship_from=shipment.location,
        ship_to=customer.shipping_address or customer.billing_address,
        parcels=shipment.parcels,
        items=shipment.lines,
        currency=order.currency,
        number=shipment.number,
    )


def book(deps: Dependencies, shipment_id: str) -> ShipmentView:
    """Book a pending shipment with its carrier, then move the goods."""
    with deps.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
        if shipment.status is not ShipmentStatus.PENDING:
            return shipment_view(shipment)
        order = uow.orders.get(shipment.order_id)
        if order.status is not OrderStatus.OPEN:  # held or cancelled: no van for it
            raise InvalidStateTransition("order", order.number, order.status, "shipped")
        request = _request(uow, shipment)
    return _book(deps, shipment, request)


def _book(deps: Dependencies, shipment: Shipment, request: ShipmentRequest) -> ShipmentView:
    shipment_id = shipment.id
    carrier = _carrier(deps, shipment.carrier)
    try:
        booking = _call(carrier, "book", lambda: carrier.book(request), shipment_id=shipment_id)
    except CarrierError as error:
        _booking_failed(deps, shipment_id, error.reason)
        raise
    try:
        with deps.uow() as uow:
            view = _dispatch(uow, deps, shipment_id, booking)
            uow.commit()
    except Exception:
        # The order changed while the carrier was booked (cancelled, units gone): undo the
        # booking so no parcel is picked up for goods that will not leave.
        _undo_booking(deps, carrier, shipment_id, booking)
        raise
    return view


def _booking_failed(deps: Dependencies, shipment_id: str, reason: str) -> None:
    """Record a refused booking on the pending shipment (its ``booking_error``), for a retry."""
    with deps.uow() as uow:
        uow.shipments.get(shipment_id).booking_failed(reason, deps.clock.now())
        uow.commit()


def _undo_booking(
    deps: Dependencies, carrier: CarrierPort, shipment_id: str, booking: Booking
) -> None:
    """Cancel a booking whose goods will not leave. A carrier that refuses the cancellation
    is logged by the guard and does not hide why the goods stay (the caller's error)."""
    with suppress(CarrierError):  # logged by the guard; the shipment is cancelled anyway
        _call(
            carrier,
            "cancel",
            lambda: carrier.cancel(booking.tracking_number),
            shipment_id=shipment_id,
        )
    with deps.uow() as uow:
        uow.shipments.get(shipment_id).cancel()
        uow.commit()


def _dispatch(
    uow: UnitOfWork, deps: Dependencies, shipment_id: str, booking: Booking
) -> ShipmentView:
    at = deps.clock.now()
    shipment = uow.shipments.get(shipment_id)
    order = uow.orders.get(shipment.order_id)
    if order.status is not OrderStatus.OPEN:
        raise Conflict(
            f"order {order.number} is {order.status} now; shipment {shipment.number} cancelled",
            order_id=order.id,
            shipment_id=shipment.id,
        )
    for line in sorted(shipment.lines, key=lambda ln: ln.sku):  # lock order: see stock_locks
        item = uow.stock.get_for_update(line.sku, shipment.location)
        consume_for(order, item, line.order_line_no, line.quantity)
    chart = deps.settings.chart
    for cost in shipment.cost_of_goods:
        post_transfer(
            uow,
            deps,
            cost,
            debit=chart.cost_of_goods_sold,
            credit=chart.inventory,
            description=f"Goods shipped {shipment.number}",
            reference=shipment.number,
            at=at,
        )
    shipment.confirm_booking(booking, at)
    refresh_order(uow, order, at)
    return shipment_view(shipment)


def book_shipment(deps: Dependencies, cmd: BookShipment) -> ShipmentView:
    return book(deps, cmd.shipment_id)


def cancel_shipment(deps: Dependencies, cmd: CancelShipment) -> ShipmentView:
    with deps.uow() as uow:
        shipment = uow.shipments.get(cmd.shipment_id)
        shipment.cancel()
        uow.commit()
    return shipment_view(shipment)


def _apply_tracking(
    uow: UnitOfWork,
    deps: Dependencies,
    shipment: Shipment,
    event: TrackingEvent,
    proof: str,
    at: datetime,
) -> None:
    if shipment.report(event, at, proof=proof):
        order = uow.orders.get(shipment.order_id)
        for line in shipment.lines:
            order.deliver(line.order_line_no, line.quantity)
        refresh_order(uow, order, at)
    elif shipment.status is ShipmentStatus.FAILED:
        _back_to_stock(uow, deps, shipment, at)


def _back_to_stock(uow: UnitOfWork, deps: Dependencies, shipment: Shipment, at: datetime) -> None:
    """The carrier brought the parcel back: the goods are on hand and reserved for the order
    again (it can be shipped anew), and their cost goes back from COGS to inventory."""
    order = uow.orders.get(shipment.order_id)
    for line in sorted(shipment.lines, key=lambda ln: ln.sku):
        item = uow.stock.get_for_update(line.sku, shipment.location)
        item.receive(line.quantity)
        item.reserve(line.quantity)
        order.unship(line.order_line_no, shipment.location, line.quantity)
    chart = deps.settings.chart
    for cost in shipment.cost_of_goods:
        post_transfer(
            uow,
            deps,
            cost,
            debit=chart.inventory,
            credit=chart.cost_of_goods_sold,
            description=f"Returned to sender {shipment.number}",
            reference=shipment.number,
            at=at,
        )
    refresh_order(uow, order, at)


def record_tracking(deps: Dependencies, cmd: TrackingInput) -> ShipmentView:
    with deps.uow() as uow:
        at = deps.clock.now()
        shipment = uow.shipments.get(cmd.shipment_id)
        event = TrackingEvent(TrackingStatus(cmd.status), at, cmd.description or cmd.status)
        _apply_tracking(uow, deps, shipment, event, "", at)
        uow.commit()
    return shipment_view(shipment)


def refresh_tracking(deps: Dependencies, cmd: RefreshTracking) -> ShipmentView:
    with deps.uow() as uow:
        shipment = uow.shipments.get(cmd.shipment_id)
    if shipment.status not in (ShipmentStatus.BOOKED, ShipmentStatus.IN_TRANSIT):
        return shipment_view(shipment)
    carrier = _carrier(deps, shipment.carrier)
    number = shipment.tracking_number
    events = _call(carrier, "track", lambda: carrier.track(number), shipment_id=shipment.id)
    with deps.uow() as uow:
        at = deps.clock.now()
        shipment = uow.shipments.get(cmd.shipment_id)
        for event in events:
            if event not in shipment.tracking and shipment.status in (
                ShipmentStatus.BOOKED,
                ShipmentStatus.IN_TRANSIT,
            ):
                _apply_tracking(uow, deps, shipment, event, "", at)
        uow.commit()
    return shipment_view(shipment)


def confirm_delivery(deps: Dependencies, cmd: ConfirmDelivery) -> ShipmentView:
    with deps.uow() as uow:
        at = deps.clock.now()
        shipment = uow.shipments.get(cmd.shipment_id)
        event = TrackingEvent(TrackingStatus.DELIVERED, at, f"proof of delivery: {cmd.proof}")
        shipment.proof_of_delivery = cmd.proof
        _apply_tracking(uow, deps, shipment, event, cmd.proof, at)
        uow.commit()
    return shipment_view(shipment)


def quote_shipping(deps: Dependencies, query: QuoteShipping) -> list[RateQuoteView]:
    """Rates of every carrier for what is reserved (at ``location``), cheapest first; carriers
    that cannot quote are left out."""
    with deps.uow() as uow:
        order = uow.orders.get(query.order_id)
        probe = ShipOrder(order_id=order.id, carrier="quote", location=query.location)
        location, lines = _plan(uow, order, probe)
        weight = sum(
            (
                (p.weight_kg if (p := uow.products.find(ln.sku)) else Decimal(0)) * ln.quantity
                for ln in lines
            ),
            Decimal(0),
        )
        customer = uow.customers.get(order.customer_id)
        request = ShipmentRequest(
            shipment_id="quote",
            reference=order.number,
            ship_from=location,
            ship_to=customer.shipping_address or customer.billing_address,
            parcels=(Parcel(weight),),
            items=tuple(lines),
            currency=order.currency,
        )
    quotes = []
    for carrier in deps.carriers.values():
        try:  # a carrier that cannot quote is left out (the guard logs why)
            quotes.extend(_call(carrier, "quote", partial(carrier.quote, request)))
        except CarrierError:
            continue
    return [
        RateQuoteView(
            carrier=q.carrier, service=q.service, price=q.price, transit_days=q.transit_days
        )
        for q in sorted(quotes, key=lambda q: (q.price.amount, q.transit_days))
    ]


def get_shipment(deps: Dependencies, query: GetShipment) -> ShipmentView:
    with deps.uow() as uow:
        return shipment_view(uow.shipments.get(query.shipment_id))


def list_order_shipments(deps: Dependencies, query: ListOrderShipments) -> list[ShipmentView]:
    with deps.uow() as uow:
        uow.orders.get(query.order_id)
        return [shipment_view(s) for s in uow.shipments.list_for_order(query.order_id)]


def shipment_view(shipment: Shipment) -> ShipmentView:
    return ShipmentView(
        id=shipment.id,
        number=shipment.number,
        order_id=shipment.order_id,
        location=shipment.location,
        carrier=shipment.carrier,
        status=shipment.status,
        lines=tuple(ShipmentLineView.model_validate(line) for line in shipment.lines),
        parcels=tuple(p.weight_kg for p in shipment.parcels),
        weight_kg=shipment.weight_kg,
        tracking_number=shipment.tracking_number,
        label=shipment.label,
        service=shipment.service,
        price=shipment.price,
        estimated_delivery=shipment.estimated_delivery,
        booking_error=shipment.booking_error,
        tracking=tuple(TrackingEventView.model_validate(e) for e in shipment.tracking),
        delivered_at=shipment.delivered_at,
        proof_of_delivery=shipment.proof_of_delivery,
    )
