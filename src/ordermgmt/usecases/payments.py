"""Money received: for an invoice, or for an order.

Money for an order pays the order's open invoices, oldest due date first (then oldest issued),
one :class:`Payment` per invoice paid, each posted bank or cash against receivables. What is
left after every open invoice is a prepayment of the part not yet invoiced (a liability until an
invoice is set against it), or, for a cash-sale customer whose money covers all of that part, a
cash sale of it. Only what exceeds both (open invoices plus the uninvoiced rest less what is
already prepaid) is an ``Overpayment``. One Payment per invoice keeps each invoice's paid amount,
the ledger, the order's payment status and the customer's open amount derived from the same
records, and lets a report as of a past date set each payment against its own invoice.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ordermgmt.domain.customer import Customer
from ordermgmt.domain.errors import Overpayment, ValidationError
from ordermgmt.domain.idempotency import Scope
from ordermgmt.domain.invoice import (
    Invoice,
    InvoicePolicy,
    Settlement,
    document_total,
    invoice_lines,
    uninvoiced_charges,
)
from ordermgmt.domain.ledger import EntryBuilder
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order, OrderStatus
from ordermgmt.domain.payment import Payment, PaymentKind
from ordermgmt.messages import PaymentView, RecordPayment
from ordermgmt.ports import Dependencies, OutgoingMessage, UnitOfWork
from ordermgmt.usecases.credit import release_credit_holds
from ordermgmt.usecases.idempotency import once, recall, remember
from ordermgmt.usecases.invoicing import (
    CASH_SALE_PREFERENCES,
    invoice_message,
    new_invoice,
    refresh_order,
    send,
)
from ordermgmt.usecases.posting import credit_sales, new_payment, post, same_currency
from ordermgmt.usecases.views import payment_view


def record_payment(deps: Dependencies, cmd: RecordPayment) -> PaymentView:
    """Book money received (see the module docstring); once per ``idempotency_key``."""
    return once(cmd, lambda: _record_once(deps, cmd))


def _record_once(deps: Dependencies, cmd: RecordPayment) -> PaymentView:
    with deps.uow() as uow:
        record = recall(uow, Scope.PAYMENT, cmd)
        if record is not None:
            return payment_view(*(uow.payments.get(i) for i in record.result_ids))
        at = deps.clock.now()
        if cmd.invoice_id is not None:
            invoice = uow.invoices.get(cmd.invoice_id)
            order = uow.orders.get(invoice.order_id)
            same_currency(cmd.amount, invoice.currency)
            payments = [_pay_invoice(uow, deps, invoice, order, cmd, cmd.amount, at)]
        else:
            assert cmd.order_id is not None  # guaranteed by RecordPayment's validator
            order = uow.orders.get(cmd.order_id)
            payments = _order_payment(uow, deps, order, cmd, at)
        for payment in payments:
            uow.payments.add(payment)
        remember(uow, deps, Scope.PAYMENT, cmd, [p.id for p in payments])
        refresh_order(uow, order, at)
        customer = uow.customers.get(order.customer_id)
        release_credit_holds(uow, customer, at)
        receipts = _receipts(uow, customer, payments)
        uow.commit()
    for receipt in receipts:
        send(deps, *receipt)
    return payment_view(*payments)


def _receipts(
    uow: UnitOfWork, customer: Customer, payments: list[Payment]
) -> list[tuple[Invoice, OutgoingMessage]]:
    """The paid invoice of a cash sale goes to the customer after commit."""
    sold = [uow.invoices.get(p.invoice_id) for p in payments if p.kind is PaymentKind.CASH_SALE]
    return [(invoice, invoice_message(invoice, customer)) for invoice in sold]


def _pay_invoice(
    uow: UnitOfWork,
    deps: Dependencies,
    invoice: Invoice,
    order: Order,
    cmd: RecordPayment,
    amount: Money,
    at: datetime,
) -> Payment:
    """Pay ``amount`` of ``invoice`` (``Overpayment`` beyond its outstanding amount)."""
    invoice.apply_payment(amount)
    chart = deps.settings.chart
    entry = EntryBuilder(invoice.currency)
    entry.debit(chart.cash_account(cmd.method), amount)
    entry.credit(chart.receivables, amount)
    post(
        uow,
        deps,
        entry,
        description=f"Payment for {invoice.number}",
        reference=invoice.number,
        at=at,
    )
    return new_payment(
        deps,
        kind=PaymentKind.PAYMENT,
        order=order,
        invoice_id=invoice.id,
        amount=amount,
        method=cmd.method,
        reference=cmd.reference,
        at=at,
    )


def _order_payment(
    uow: UnitOfWork, deps: Dependencies, order: Order, cmd: RecordPayment, at: datetime
) -> list[Payment]:
    """Money for an order: its open invoices first, oldest due date first; the rest pays
    ahead for what is not invoiced yet."""
    if order.status is OrderStatus.CANCELLED:
        raise ValidationError("order_id", order.id, f"order {order.number} is cancelled")
    same_currency(cmd.amount, order.currency)
    if cmd.amount.amount <= 0:
        raise ValidationError("amount", cmd.amount, "must be greater than zero")
    open_invoices = sorted(
        (i for i in uow.invoices.list_for_order(order.id) if i.outstanding.amount > 0),
        key=lambda i: (i.due_date, i.issued_at, i.number),
    )
    zero = Money.zero(order.currency)
    lines = invoice_lines(order, InvoicePolicy.ON_ORDER)
    uninvoiced = document_total(lines, order.currency, uninvoiced_charges(order)) if lines else zero
    ahead = max(uninvoiced - order.prepaid, zero)  # what may still be paid ahead
    open_total = sum((i.outstanding for i in open_invoices), zero)
    if cmd.amount > open_total + ahead:
        raise Overpayment(order.number, cmd.amount, open_total + ahead)
    payments = []
    left = cmd.amount
    for invoice in open_invoices:
        if left.is_zero:
            break
        part = min(left, invoice.outstanding)
        payments.append(_pay_invoice(uow, deps, invoice, order, cmd, part, at))
        left -= part
    if not left.is_zero:
        payments.append(_pay_ahead(uow, deps, order, cmd, left, at))
    return payments


def _pay_ahead(
    uow: UnitOfWork,
    deps: Dependencies,
    order: Order,
    cmd: RecordPayment,
    amount: Money,
    at: datetime,
) -> Payment:
    """Money for the uninvoiced part of an order: a cash sale if, with what is prepaid, it pays
    all of that part for a cash-sale customer; a prepayment held for the order otherwise."""
    chart = deps.settings.chart
    customer = uow.customers.get(order.customer_id)
    lines = invoice_lines(order, InvoicePolicy.ON_ORDER)
    uninvoiced = document_total(lines, order.currency, uninvoiced_charges(order))
    if customer.payment_preference in CASH_SALE_PREFERENCES and (
        order.prepaid + amount == uninvoiced
    ):
        invoice = new_invoice(
            uow, deps, order, customer, lines, Settlement.CASH_SALE, at, prepaid=uninvoiced
        )
        invoice.paid_at_once()
        entry = EntryBuilder(order.currency)
        entry.debit(chart.cash_account(cmd.method), amount)
        entry.debit(chart.customer_prepayments, order.prepaid)
        credit_sales(entry, deps, invoice.lines, order.currency, charges=invoice.charges)
        description = f"Cash sale {invoice.number}"
        post(uow, deps, entry, description=description, reference=invoice.number, at=at)
        order.prepaid_amount = Decimal(0)
        kind, invoice_id = PaymentKind.CASH_SALE, invoice.id
    else:
        entry = EntryBuilder(order.currency)
        entry.debit(chart.cash_account(cmd.method), amount)
        entry.credit(chart.customer_prepayments, amount)
        description = f"Prepayment for {order.number}"
        post(uow, deps, entry, description=description, reference=order.number, at=at)
        order.prepaid_amount += amount.amount
        kind, invoice_id = PaymentKind.PREPAYMENT, ""
    return new_payment(
        deps,
        kind=kind,
        order=order,
        invoice_id=invoice_id,
        amount=amount,
        method=cmd.method,
        reference=cmd.reference,
        at=at,
    )
