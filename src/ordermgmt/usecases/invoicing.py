"""Invoicing: issuing an invoice for what an order allows, sending it, and reading invoices.

An invoice on account debits receivables and credits revenue and output tax per rate; money the
customer prepaid for the order is set against it first (an invoice it covers whole is
``prepaid``). After commit the invoice goes to the customer; a failed send is recorded on the
invoice and retried by ``resend_invoice``.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ordermgmt.domain.customer import Customer, PaymentPreference
from ordermgmt.domain.documents import details_for
from ordermgmt.domain.errors import DocumentError, NotificationError, ValidationError
from ordermgmt.domain.invoice import (
    DocumentLine,
    Invoice,
    Settlement,
    document_total,
    invoice_lines,
    invoice_number,
    payment_status,
    uninvoiced_charges,
)
from ordermgmt.domain.ledger import EntryBuilder
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order, OrderStatus
from ordermgmt.messages import (
    GetInvoice,
    InvoiceView,
    IssueInvoice,
    ListOrderInvoices,
    ResendInvoice,
)
from ordermgmt.ports import Attachment, Dependencies, OutgoingMessage, UnitOfWork
from ordermgmt.ports.guard import call_outside
from ordermgmt.usecases.documents import render
from ordermgmt.usecases.posting import credit_sales, post
from ordermgmt.usecases.views import invoice_view

log = logging.getLogger("ordermgmt.accounting")

CASH_SALE_PREFERENCES = frozenset(
    {PaymentPreference.PREPAYMENT, PaymentPreference.CARD, PaymentPreference.CASH}
)


def refresh_order(uow: UnitOfWork, order: Order, at: datetime) -> None:
    """Derive the order's payment status from its invoices and complete it when it is done:
    every unit delivered or cancelled, everything invoiced, every invoice settled."""
    invoices = uow.invoices.list_for_order(order.id)
    order.follow_invoices(payment_status(invoices), invoices, at)


def new_invoice(
    uow: UnitOfWork,
    deps: Dependencies,
    order: Order,
    customer: Customer,
    lines: list[DocumentLine],
    settlement: Settlement,
    at: datetime,
    cmd: IssueInvoice | None = None,
    prepaid: Money | None = None,
) -> Invoice:
    """Issue an invoice of ``lines`` of ``order`` and the order's allowances and charges not
    invoiced yet (numbered in the year's series), with the parties as they are now, and mark
    its units invoiced on the order. ``prepaid``: what was paid before it (the caller sets it
    against the invoice)."""
    year = at.year
    number = invoice_number(year, uow.sequences.next_value(f"invoice-{year}"))
    days = customer.payment_terms_days if settlement is Settlement.RECEIVABLE else 0
    invoice_id = deps.ids.new_id()
    charges = uninvoiced_charges(order)
    due = at.date() + timedelta(days=days)
    details = details_for(
        deps.settings.seller,
        customer,
        order,
        payment_terms=payment_terms(settlement, days, due),
        payment_reference=number,
        prepaid=prepaid.amount if prepaid else Decimal(0),
        **_asked(cmd, at),
    )
    invoice = Invoice.issue(
        id=invoice_id,
        number=number,
        order_id=order.id,
        customer_id=customer.id,
        currency=order.currency,
        lines=tuple(lines),
        at=at,
        payment_terms_days=days,
        settlement=settlement,
        charges=charges,
        details=details,
    )
    for line in lines:
        order.mark_invoiced(line.order_line_no, line.quantity)
    if charges:
        order.charges_invoice_id = invoice_id
    uow.invoices.add(invoice)
    return invoice


def _asked(cmd: IssueInvoice | None, at: datetime) -> dict[str, Any]:
    """What the command says the document should: its note, and the delivery date (the issue
    date unless given) or the service period."""
    if cmd is None:
        return {"delivery_date": at.date()}
    if cmd.period_start is not None and cmd.period_end is not None:
        period = (cmd.period_start, cmd.period_end)
        return {"note": cmd.note, "delivery_date": cmd.delivery_date, "period": period}
    return {"note": cmd.note, "delivery_date": cmd.delivery_date or at.date()}


def payment_terms(settlement: Settlement, days: int, due: date) -> str:
    """The payment terms an invoice states (BT-20)."""
    if settlement is Settlement.PREPAID:
        return "Paid in advance."
    if settlement is Settlement.CASH_SALE:
        return "Paid in full."
    if days == 0:
        return f"Payable on receipt, by {due:%Y-%m-%d}."
    return f"Payable within {days} days, by {due:%Y-%m-%d}."


def issue_invoice_in(
    uow: UnitOfWork,
    deps: Dependencies,
    order: Order,
    at: datetime,
    cmd: IssueInvoice | None = None,
) -> Invoice:
    """Invoice what the policy allows, set it against any prepayment, and post it."""
    if order.status is OrderStatus.CANCELLED:
        raise ValidationError("order_id", order.id, f"order {order.number} is cancelled")
    customer = uow.customers.get(order.customer_id)
    lines = invoice_lines(order, deps.settings.invoice_policy)
    if not lines:
        raise ValidationError(
            "order_id",
            order.id,
            f"nothing left to invoice on {order.number} "
            f"(policy {deps.settings.invoice_policy.value})",
        )
    total = document_total(lines, order.currency, uninvoiced_charges(order))
    covered = min(order.prepaid, total)
    settlement = Settlement.PREPAID if covered == total else Settlement.RECEIVABLE
    invoice = new_invoice(uow, deps, order, customer, lines, settlement, at, cmd, covered)
    chart = deps.settings.chart
    entry = EntryBuilder(order.currency)
    entry.debit(chart.customer_prepayments, covered)
    entry.debit(chart.receivables, total - covered)
    credit_sales(entry, deps, invoice.lines, order.currency, charges=invoice.charges)
    post(uow, deps, entry, description=f"Invoice {invoice.number}", reference=invoice.number, at=at)
    if not covered.is_zero:
        invoice.apply_prepayment(covered)
        order.prepaid_amount -= covered.amount
    refresh_order(uow, order, at)
    return invoice


def issue_invoice(deps: Dependencies, cmd: IssueInvoice) -> InvoiceView:
    with deps.uow() as uow:
        order = uow.orders.get(cmd.order_id)
        invoice = issue_invoice_in(uow, deps, order, deps.clock.now(), cmd)
        customer = uow.customers.get(invoice.customer_id)
        message = invoice_message(invoice, customer)
        uow.commit()
    return send(deps, invoice, message, customer=customer)


def invoice_message(invoice: Invoice, customer: Customer) -> OutgoingMessage:
    rows = [
        f"{line.quantity} x {line.name} ({line.sku}) at {line.unit_price}"
        + (f" less {line.discount}" if not line.discount.is_zero else "")
        + f" = {line.net}, tax {line.tax_rate * 100:.2f} %"
        for line in invoice.lines
    ]
    taxes = [f"Tax {s.rate * 100:.2f} % on {s.net}: {s.tax}" for s in invoice.tax_subtotals]
    body = "\n".join(
        [
            f"Invoice {invoice.number} of {invoice.issued_at:%Y-%m-%d} for {customer.name}",
            *rows,
            f"Net {invoice.net_total}",
            *taxes,
            f"Total {invoice.total}",
            f"Due {invoice.due_date:%Y-%m-%d}"
            + (f", already paid {invoice.paid}" if not invoice.paid.is_zero else ""),
        ]
    )
    return OutgoingMessage(
        recipient=customer.email or f"customer:{customer.id}",
        subject=f"Invoice {invoice.number}",
        body=body,
        attachment_name=f"{invoice.number}.txt",
        attachment=body,
        reference=invoice.number,
    )


def send_invoice(
    deps: Dependencies, invoice_id: str, *, again: bool = False, surface: bool = False
) -> InvoiceView:
    """Send after commit (a sent invoice only ``again``). A failure is logged, recorded in
    ``send_error`` and leaves ``sent_to`` as it was, for a resend."""
    with deps.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
        customer = uow.customers.get(invoice.customer_id)
        message = invoice_message(invoice, customer)
    if invoice.sent_to and not again:
        return invoice_view(invoice)
    return send(deps, invoice, message, surface=surface, customer=customer)


def send(
    deps: Dependencies,
    invoice: Invoice,
    message: OutgoingMessage,
    *,
    surface: bool = False,
    customer: Customer | None = None,
) -> InvoiceView:
    """Send through the guard, then record the outcome on the invoice: ``sent_to`` after a
    send, ``send_error`` after a failure (raised only if ``surface``). Without a notification
    adapter nothing is sent and nothing claims it was (``surface`` raises). With a seller and
    a document renderer, the invoice goes with its document in the ``customer``'s format
    attached; a document that cannot be made is a failed send, recorded the same way."""
    notifications = deps.notifications
    if notifications is None:
        if surface:
            raise NotificationError(
                f"invoice {invoice.number} not sent: no notification adapter is configured",
                reference=invoice.number,
                invoice_id=invoice.id,
                reason="no notification adapter is configured",
            )
        return invoice_view(invoice)
    try:
        message = attach_document(deps, invoice, customer, message)
    except DocumentError as error:
        failed = _record_sending(deps, invoice.id, None, f"document not made: {error.message}")
        if surface:
            raise
        log.warning("invoice %s not sent (%s); resend_invoice retries", invoice.number, error)
        return failed
    try:
        call_outside(
            lambda: notifications.send(message),
            port="notifications",
            operation="send",
            error=NotificationError,
            translate=lambda reason: NotificationError(
                f"invoice {invoice.number} not sent: {reason}", reason=reason
            ),
            reference=invoice.number,
            invoice_id=invoice.id,
        )
    except NotificationError as error:
        failed = _record_sending(deps, invoice.id, None, str(error.details.get("reason", error)))
        if surface:
            raise
        log.warning("invoice %s not sent (%s); resend_invoice retries", invoice.number, error)
        return failed
    return _record_sending(deps, invoice.id, message.recipient, None)


def attach_document(
    deps: Dependencies, invoice: Invoice, customer: Customer | None, message: OutgoingMessage
) -> OutgoingMessage:
    """``message`` with the invoice's document in the customer's format attached; as it is
    where there is no seller or no renderer to make one (the plain-text invoice goes alone)."""
    if customer is None or deps.settings.seller is None or deps.documents is None:
        return message
    rendered = render(deps, invoice, customer, None)
    attachment = Attachment(rendered.filename, rendered.content, rendered.media_type)
    return replace(message, attachments=(attachment,))


def _record_sending(
    deps: Dependencies, invoice_id: str, recipient: str | None, failure: str | None
) -> InvoiceView:
    with deps.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
        if recipient is None:
            invoice.sending_failed(failure or "")
        else:
            invoice.sent(recipient, deps.clock.now())
        uow.commit()
    return invoice_view(invoice)


def resend_invoice(deps: Dependencies, cmd: ResendInvoice) -> InvoiceView:
    """Send an invoice again (the customer lost it), or for the first time after a failure.
    Asked for explicitly, a failure is raised (``NotificationError``, also when no
    notification adapter is configured), not just logged; it is recorded all the same."""
    return send_invoice(deps, cmd.invoice_id, again=True, surface=True)


def get_invoice(deps: Dependencies, query: GetInvoice) -> InvoiceView:
    with deps.uow() as uow:
        if query.invoice_id is not None:
            return invoice_view(uow.invoices.get(query.invoice_id))
        assert query.number is not None
        return invoice_view(uow.invoices.get_by_number(query.number))


def list_order_invoices(deps: Dependencies, query: ListOrderInvoices) -> list[InvoiceView]:
    with deps.uow() as uow:
        uow.orders.get(query.order_id)
        return [invoice_view(i) for i in uow.invoices.list_for_order(query.order_id)]
