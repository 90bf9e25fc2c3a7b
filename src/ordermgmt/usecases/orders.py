"""Step 1, capture: placing, holding, releasing and cancelling orders, and reading them."""

from __future__ import annotations

from collections.abc import Sequence

from ordermgmt.domain.charges import Charge, charge_key
from ordermgmt.domain.crediting import over_invoiced, uncredited_units
from ordermgmt.domain.documents import sale_of
from ordermgmt.domain.errors import (
    CurrencyMismatch,
    CustomerBlocked,
    DuplicateKey,
    IdempotencyConflict,
    InsufficientStock,
    NotFound,
    ProductInactive,
    ValidationError,
)
from ordermgmt.domain.ids import CustomerId, OrderId
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order, OrderLine, TaxKey, order_number
from ordermgmt.domain.shipment import ShipmentStatus
from ordermgmt.domain.vat import Sale, category_for, rate_for
from ordermgmt.messages import (
    CancelOrder,
    ChargeInput,
    GetOrder,
    HoldOrder,
    ListCustomerOrders,
    OrderView,
    PlaceOrder,
    ReleaseOrder,
)
from ordermgmt.ports import Dependencies, UnitOfWork
from ordermgmt.usecases.credit import credit_check
from ordermgmt.usecases.credit_notes import credit_in, refund_in, refund_prepayment_in
from ordermgmt.usecases.invoicing import refresh_order
from ordermgmt.usecases.replenishment import (
    Replenisher,
    location_order,
    serve_backorders,
    submit_requisitions,
)
from ordermgmt.usecases.stock_locks import release_for
from ordermgmt.usecases.views import order_view

ORDER_SERIES = "order"


def _lines(uow: UnitOfWork, cmd: PlaceOrder, sale: Sale | None) -> tuple[str, list[OrderLine]]:
    """Price every line from the catalog (or its validated override) in one currency, in the
    VAT category the ``sale`` puts its product in."""
    products = []
    for line in cmd.lines:
        product = uow.products.find(line.sku)
        if product is None:
            raise NotFound("product", line.sku)
        if not product.active:
            raise ProductInactive(line.sku)
        products.append(product)
    # The order's currency is the one asked for, else the catalog's; an override must match it.
    currency = cmd.currency or products[0].unit_price.currency
    lines = []
    for index, (line, product) in enumerate(zip(cmd.lines, products, strict=True)):
        price = line.unit_price or product.unit_price
        if price.currency != currency:
            field = "unit_price" if line.unit_price else "sku"
            raise CurrencyMismatch(currency, price.currency, f"lines[{index}].{field}")
        category = category_for(sale, product.category) if sale else product.category
        line_obj = OrderLine(
            line_no=index + 1,
            sku=product.sku,
            name=product.name,
            quantity=line.quantity,
            unit_price=price,
            tax_rate=rate_for(category, product.tax_rate),
            discount=line.discount or Money.zero(currency),
            price_overridden=line.unit_price is not None,
            tax_category=category,
            unit_code=product.unit_code,
            base_quantity=product.base_quantity,
            discount_reason=line.discount_reason,
            charge=line.charge,
            charge_reason=line.charge_reason,
        )
        try:
            line_obj.net  # noqa: B018 - the line amount must itself be a valid amount
        except ValidationError as error:
            raise ValidationError(f"lines[{index}].quantity", line.quantity, error.reason) from None
        lines.append(line_obj)
    return currency, lines


def order_charges(
    inputs: Sequence[ChargeInput], lines: Sequence[OrderLine], currency: str
) -> tuple[Charge, ...]:
    """The order's allowances and charges, each taxed as given or as its main item."""
    charges = []
    for index, item in enumerate(inputs):
        where = f"charges[{index}]"
        if item.amount.currency != currency:
            raise CurrencyMismatch(currency, item.amount.currency, f"{where}.amount")
        nets = [(TaxKey(line.tax_category, line.tax_rate), line.net) for line in lines]
        key = charge_key(item.tax_category, item.tax_rate, nets)
        try:
            charges.append(
                Charge(
                    charge=item.charge,
                    amount=item.amount,
                    reason=item.reason,
                    reason_code=item.reason_code,
                    tax_category=key.category,
                    tax_rate=key.rate,
                )
            )
        except ValidationError as error:
            field = error.field.replace("charges.", f"{where}.")
            raise ValidationError(field, error.value, error.reason) from None
    return tuple(charges)


def _allocate(uow: UnitOfWork, deps: Dependencies, order: Order) -> list[str]:
    """Reserve what the allocation policy finds, backorder the rest; returns raised requisitions."""
    now = order.placed_at
    skus = sorted({line.sku for line in order.lines})
    items = {(i.sku, i.location): i for i in uow.stock.list_for_update(skus)}
    demand: dict[str, int] = {}
    for line in order.lines:
        demand[line.sku] = demand.get(line.sku, 0) + line.quantity
    supply: dict[str, dict[str, int]] = {}
    for (sku, location), item in items.items():
        supply.setdefault(sku, {})[location] = item.available
    before = {key: item.available for key, item in items.items()}
    locations = {location for _, location in items}
    # One location holds everything there is: its priority does not matter, no need to read it.
    order_of_locations = location_order(uow) if len(locations) > 1 else sorted(locations)
    allocation = deps.allocation.allocate(demand, supply, order_of_locations)
    for sku, parts in allocation.items():
        lines = order.lines_for(sku)
        for location, quantity in parts:
            chosen = items.get((sku, location))
            if chosen is None:  # a custom policy named a location that holds none of the sku
                raise InsufficientStock(sku, location, quantity, 0)
            chosen.reserve(quantity)  # raises if a policy over-allocates
            left = quantity
            for line in lines:
                take = min(left, line.unassigned)
                if take:
                    order.reserve(line.line_no, location, take, now)
                    left -= take
    for line in order.lines:
        if line.unassigned:
            order.backorder(line.line_no, line.unassigned, now)
    replenisher = Replenisher(uow, deps, now)
    for key, item in items.items():
        if item.available < before[key]:
            replenisher.after_decrease(item, before[key])
    replenisher.after_backorder(line.sku for line in order.lines if line.backordered)
    return replenisher.raised


def place_in(uow: UnitOfWork, deps: Dependencies, cmd: PlaceOrder) -> tuple[Order, list[str]]:
    """Place an order inside ``uow``; returns it and the requisitions raised for it."""
    customer = uow.customers.get(cmd.customer_id)
    if customer.blocked:
        raise CustomerBlocked(customer.id)
    currency, lines = _lines(uow, cmd, sale_of(deps.settings.seller, customer))
    charges = order_charges(cmd.charges, lines, currency)
    now = deps.clock.now()
    order = Order.place(
        id=OrderId(deps.ids.new_id()),
        number=order_number(uow.sequences.next_value(ORDER_SERIES)),
        customer_id=CustomerId(customer.id),
        channel=cmd.channel,
        currency=currency,
        lines=lines,
        at=now,
        idempotency_key=cmd.idempotency_key,
        request_fingerprint=cmd.fingerprint(),
        customer_reference=cmd.customer_reference,
        charges=charges,
        buyer_reference=cmd.buyer_reference,
    )
    uow.orders.add(order)  # first, so that the backorder rules below see it
    raised = _allocate(uow, deps, order)
    credit_check(uow, customer, order, now)
    return order, raised


def place_order(deps: Dependencies, cmd: PlaceOrder) -> OrderView:
    """Validate, price, tax and reserve an order; the same idempotency key gives the same order.

    A B2B order that would take the customer over the credit limit is placed ``on_hold``: its
    stock is reserved, but it is not released for shipping until paid down or released.
    Two concurrent submissions with one key: storage lets one commit and refuses the other
    (``DuplicateKey``), which then answers with the order that won.
    """
    try:
        return _place_once(deps, cmd)
    except DuplicateKey as error:
        if cmd.idempotency_key is None or error.kind != "idempotency key":
            raise
        return _place_once(deps, cmd)


def _place_once(deps: Dependencies, cmd: PlaceOrder) -> OrderView:
    with deps.uow() as uow:
        if cmd.idempotency_key is not None:
            existing = uow.orders.find_by_idempotency_key(cmd.customer_id, cmd.idempotency_key)
            if existing is not None:
                if existing.request_fingerprint != cmd.fingerprint():
                    raise IdempotencyConflict(cmd.idempotency_key, existing.id)
                return order_view(existing)
        order, raised = place_in(uow, deps, cmd)
        uow.commit()
    submit_requisitions(deps, raised)
    return order_view(order)


def _find(uow: UnitOfWork, order_id: str) -> Order:
    return uow.orders.get(order_id)


def cancel_order(deps: Dependencies, cmd: CancelOrder) -> OrderView:
    """Cancel what is still open of an order.

    Reservations go back to stock (serving other customers' backorders), backorders are
    dropped, cancelled units that were invoiced get a credit note, and money the customer paid
    for them is refunded (prepayments too). A partly shipped order stays open for the rest.
    """
    with deps.uow() as uow:
        order = _find(uow, cmd.order_id)
        now = deps.clock.now()
        released = order.cancel(cmd.reason, now)
        for shipment in uow.shipments.list_for_order(order.id):
            if shipment.status is ShipmentStatus.PENDING:  # not booked yet: it will not go
                shipment.cancel()
        for sku, location, quantity in sorted(released):  # lock order: see stock_locks
            item = uow.stock.get_for_update(sku, location)
            release_for(order, item, quantity)
            serve_backorders(uow, item, now)
        reason = f"order cancelled: {order.cancel_reason}"
        for invoice in uow.invoices.list_for_order(order.id):
            previous = uow.credit_notes.list_for_invoice(invoice.id)
            over = over_invoiced(order, invoice, uncredited_units(invoice, previous))
            if over:
                credit_in(uow, deps, invoice, order, over, reason, now)
            refund_in(uow, deps, invoice, order, None, None, reason, now)
        refund_prepayment_in(uow, deps, order, now)
        refresh_order(uow, order, now)
        uow.commit()
    return order_view(order)


def hold_order(deps: Dependencies, cmd: HoldOrder) -> OrderView:
    """Put an order on hold: it keeps its reservations but is not released for shipping."""
    with deps.uow() as uow:
        order = _find(uow, cmd.order_id)
        order.hold(cmd.reason, deps.clock.now())
        uow.commit()
    return order_view(order)


def release_order(deps: Dependencies, cmd: ReleaseOrder) -> OrderView:
    with deps.uow() as uow:
        order = _find(uow, cmd.order_id)
        now = deps.clock.now()
        order.release_hold(now)
        refresh_order(uow, order, now)  # paid and delivered while held: complete now
        uow.commit()
    return order_view(order)


def get_order(deps: Dependencies, query: GetOrder) -> OrderView:
    with deps.uow() as uow:
        if query.order_id is not None:
            return order_view(uow.orders.get(query.order_id))
        assert query.number is not None  # guaranteed by GetOrder's validator
        return order_view(uow.orders.get_by_number(query.number))


def list_customer_orders(deps: Dependencies, query: ListCustomerOrders) -> list[OrderView]:
    with deps.uow() as uow:
        uow.customers.get(query.customer_id)
        return [order_view(o) for o in uow.orders.list_for_customer(query.customer_id)]
