"""Returns and exchanges: goods back from the customer, and the money that follows them."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from ordermgmt.domain.errors import InvalidStateTransition, ValidationError
from ordermgmt.domain.idempotency import Scope
from ordermgmt.domain.invoice import Invoice, InvoicePolicy, document_total, invoice_lines
from ordermgmt.domain.ledger import EntryBuilder
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order, OrderStatus
from ordermgmt.domain.returns import ReturnLine, ReturnRequest, ReturnStatus, return_number
from ordermgmt.domain.shipment import ShipmentStatus, goods_value
from ordermgmt.messages import (
    Exchange,
    ExchangeView,
    GetReturn,
    PlaceOrder,
    ReceiveReturn,
    RejectReturn,
    RequestReturn,
    ReturnLineInput,
    ReturnView,
)
from ordermgmt.ports import Dependencies, UnitOfWork
from ordermgmt.usecases.credit_notes import credit_in, refund_in, refund_prepayment_in
from ordermgmt.usecases.idempotency import once, recall, remember
from ordermgmt.usecases.invoicing import refresh_order
from ordermgmt.usecases.orders import place_in
from ordermgmt.usecases.posting import post, post_transfer
from ordermgmt.usecases.replenishment import (
    ensure_location,
    location_order,
    serve_backorders,
    submit_requisitions,
)
from ordermgmt.usecases.views import order_view


def _returnable(uow: UnitOfWork, order: Order) -> dict[int, int]:
    """Delivered units per line not yet returned nor promised to an open return."""
    pending: dict[int, int] = defaultdict(int)
    for request in uow.returns.list_for_order(order.id):
        if request.status is ReturnStatus.REQUESTED:
            for line in request.lines:
                pending[line.order_line_no] += line.quantity
    return {
        line.line_no: line.delivered - line.returned - pending[line.line_no] for line in order.lines
    }


def _request_in(
    uow: UnitOfWork,
    deps: Dependencies,
    order: Order,
    items: list[ReturnLineInput],
    reason: str,
    at: datetime,
) -> ReturnRequest:
    if order.status is OrderStatus.CANCELLED:
        raise InvalidStateTransition("order", order.number, order.status, "returned")
    left = _returnable(uow, order)
    # one return line per order line, however often the request names its sku: credits and
    # the cost of the goods coming back are worked out per order line
    taken: dict[int, int] = defaultdict(int)
    for item in items:
        wanted = item.quantity
        for line in order.lines_for(item.sku):
            take = min(wanted, left[line.line_no])
            if take > 0:
                taken[line.line_no] += take
                left[line.line_no] -= take
                wanted -= take
        if wanted:
            raise ValidationError(
                "lines",
                {"sku": item.sku, "quantity": item.quantity},
                "more than was delivered and not yet returned",
            )
    request = ReturnRequest.open(
        id=deps.ids.new_id(),
        number=return_number(uow.sequences.next_value("return")),
        order_id=order.id,
        customer_id=order.customer_id,
        lines=tuple(ReturnLine(no, order.line(no).sku, units) for no, units in taken.items()),
        reason=reason,
        at=at,
    )
    uow.returns.add(request)
    return request


def request_return(deps: Dependencies, cmd: RequestReturn) -> ReturnView:
    """Open an RMA; once per ``idempotency_key`` (a repeat returns the first return)."""
    return once(cmd, lambda: _request_once(deps, cmd))


def _request_once(deps: Dependencies, cmd: RequestReturn) -> ReturnView:
    with deps.uow() as uow:
        record = recall(uow, Scope.RETURN_REQUEST, cmd)
        if record is not None:
            return return_view(uow.returns.get(record.result_ids[0]))
        order = uow.orders.get(cmd.order_id)
        request = _request_in(uow, deps, order, cmd.lines, cmd.reason, deps.clock.now())
        remember(uow, deps, Scope.RETURN_REQUEST, cmd, [request.id])
        uow.commit()
    return return_view(request)


def _home_location(uow: UnitOfWork, order: Order, line_no: int) -> str:
    for shipment in uow.shipments.list_for_order(order.id):
        if shipment.status is ShipmentStatus.DELIVERED and any(
            ln.order_line_no == line_no for ln in shipment.lines
        ):
            return shipment.location
    locations = location_order(uow)
    if not locations:
        raise ValidationError("location", None, "no stock location is defined")
    return locations[0]


def receive_return(deps: Dependencies, cmd: ReceiveReturn) -> ReturnView:
    """Goods are back: restock or write off, credit what was invoiced, refund what was paid
    (or, for an exchange, carry the money over to the replacement order); once per
    ``idempotency_key`` (a repeat returns the return as it is now)."""
    return once(cmd, lambda: _receive_return_once(deps, cmd))


def _receive_return_once(deps: Dependencies, cmd: ReceiveReturn) -> ReturnView:
    with deps.uow() as uow:
        record = recall(uow, Scope.RETURN_RECEIPT, cmd)
        if record is not None:
            return return_view(uow.returns.get(record.result_ids[0]))
        at = deps.clock.now()
        request = uow.returns.get(cmd.return_id)
        order = uow.orders.get(request.order_id)
        location = cmd.location or _home_location(uow, order, request.lines[0].order_line_no)
        ensure_location(uow, location)  # restocked units must be allocatable there
        delivered = [
            s
            for s in uow.shipments.list_for_order(order.id)
            if s.status is ShipmentStatus.DELIVERED
        ]
        earlier = [
            r for r in uow.returns.list_for_order(order.id) if r.status is ReturnStatus.RECEIVED
        ]
        costs = request.take_back(delivered, earlier)
        request.receive(restock=cmd.restock, location=location, at=at)
        _goods_back(uow, deps, request, order, costs, at)
        credit_note_id, refund_id = _settle(uow, deps, request, order, cmd.refund_method, at)
        refund_prepayment_in(uow, deps, order, at)  # prepaid for goods now returned
        request.settle(credit_note_id=credit_note_id, refund_id=refund_id, at=at)
        refresh_order(uow, order, at)
        remember(uow, deps, Scope.RETURN_RECEIPT, cmd, [request.id])
        uow.commit()
    return return_view(request)


def _goods_back(
    uow: UnitOfWork,
    deps: Dependencies,
    request: ReturnRequest,
    order: Order,
    costs: list[tuple[Money | None, int]],
    at: datetime,
) -> None:
    """The units are off the order; restocked (serving backorders) or written off, with their
    ``costs`` (unit cost, units) back from cost of goods sold."""
    chart = deps.settings.chart
    for line in sorted(request.lines, key=lambda ln: ln.sku):  # lock order: stock_locks
        order.take_back(line.order_line_no, line.quantity)
        if request.restocked:
            item = uow.stock.get_for_update(line.sku, request.location)
            item.receive(line.quantity)
            serve_backorders(uow, item, at)
    for cost in goods_value(costs):
        post_transfer(
            uow,
            deps,
            cost,
            debit=chart.inventory,
            credit=chart.cost_of_goods_sold,
            description=f"Goods returned {request.number}",
            reference=request.number,
            at=at,
        )
        if not request.restocked:
            post_transfer(
                uow,
                deps,
                cost,
                debit=chart.inventory_write_off,
                credit=chart.inventory,
                description=f"Returned goods written off {request.number}",
                reference=request.number,
                at=at,
            )


def _settle(
    uow: UnitOfWork,
    deps: Dependencies,
    request: ReturnRequest,
    order: Order,
    refund_method: str | None,
    at: datetime,
) -> tuple[str, str]:
    """Credit the returned units that were invoiced; move or refund the money. Returns the
    first credit note's and the first refund's id (``""`` for none)."""
    credit_note_id = refund_id = ""
    to_credit = {line.order_line_no: line.quantity for line in request.lines}
    replacement = (
        uow.orders.get(request.replacement_order_id) if request.replacement_order_id else None
    )
    for invoice in uow.invoices.list_for_order(order.id):
        credited = {n.order_line_no: 0 for n in invoice.lines}
        for note in uow.credit_notes.list_for_invoice(invoice.id):
            for ln in note.lines:
                credited[ln.order_line_no] += ln.quantity
        take = {}
        for doc_line in invoice.lines:
            no = doc_line.order_line_no
            units = min(to_credit.get(no, 0), doc_line.quantity - credited[no])
            if units > 0:
                take[no] = units
                to_credit[no] -= units
        if not take:
            continue
        note = credit_in(uow, deps, invoice, order, take, f"return {request.number}", at)
        credit_note_id = credit_note_id or note.id
        due = -invoice.outstanding
        if replacement is not None and due.amount > 0:
            _carry_over(uow, deps, invoice, replacement, due, request, at)
        payment = refund_in(
            uow, deps, invoice, order, None, refund_method, f"return {request.number}", at
        )
        if payment is not None:
            refund_id = refund_id or payment.id
    return credit_note_id, refund_id


def _carry_over(
    uow: UnitOfWork,
    deps: Dependencies,
    invoice: Invoice,
    replacement: Order,
    due: Money,
    request: ReturnRequest,
    at: datetime,
) -> None:
    """An exchange: what the customer is owed moves to the replacement order as a prepayment,
    up to its price; the rest is refunded, and a dearer replacement invoices the difference."""
    lines = invoice_lines(replacement, InvoicePolicy.ON_ORDER)
    if not lines:
        return
    room = document_total(lines, replacement.currency) - replacement.prepaid
    amount = min(due, room)
    if amount.amount <= 0:
        return
    invoice.apply_refund(amount)
    chart = deps.settings.chart
    entry = EntryBuilder(invoice.currency).debit(chart.receivables, amount)
    entry.credit(chart.customer_prepayments, amount)
    post(
        uow,
        deps,
        entry,
        description=f"{request.number}: credit carried to {replacement.number}",
        reference=invoice.number,
        at=at,
    )
    replacement.prepaid_amount += amount.amount


def exchange(deps: Dependencies, cmd: Exchange) -> ExchangeView:
    with deps.uow() as uow:
        at = deps.clock.now()
        order = uow.orders.get(cmd.order_id)
        request = _request_in(uow, deps, order, cmd.return_lines, cmd.reason, at)
        replacement, raised = place_in(
            uow,
            deps,
            PlaceOrder(
                customer_id=order.customer_id,
                channel=order.channel,
                lines=cmd.replacement_lines,
                currency=order.currency,
                customer_reference=f"exchange {request.number} for {order.number}",
            ),
        )
        request.replacement_order_id = replacement.id
        uow.commit()
    submit_requisitions(deps, raised)
    return ExchangeView(
        return_request=return_view(request), replacement_order=order_view(replacement)
    )


def reject_return(deps: Dependencies, cmd: RejectReturn) -> ReturnView:
    with deps.uow() as uow:
        request = uow.returns.get(cmd.return_id)
        request.reject(cmd.reason)
        uow.commit()
    return return_view(request)


def get_return(deps: Dependencies, query: GetReturn) -> ReturnView:
    with deps.uow() as uow:
        return return_view(uow.returns.get(query.return_id))


def return_view(request: ReturnRequest) -> ReturnView:
    return ReturnView.model_validate(request)
