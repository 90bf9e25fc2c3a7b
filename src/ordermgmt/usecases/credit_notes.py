"""Credit notes and refunds: taking back what an invoice charged, and paying money back.

A credit note reverses revenue and output tax against receivables; its lines and tax follow
:mod:`ordermgmt.domain.crediting`, so an invoice credited in any number of parts is credited
exactly. A refund pays back what the customer overpaid on an invoice (or prepaid for an order
that no invoice will use) out of cash or bank.
"""

from __future__ import annotations

from datetime import datetime

from ordermgmt.domain.crediting import credit_for, units_for_skus
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.idempotency import Scope
from ordermgmt.domain.invoice import CreditNote, Invoice, credit_note_number, uninvoiced
from ordermgmt.domain.ledger import EntryBuilder
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order
from ordermgmt.domain.payment import Payment, PaymentKind, PaymentMethod
from ordermgmt.messages import CreditNoteView, IssueCreditNote, PaymentView, PayRefund
from ordermgmt.ports import Dependencies, UnitOfWork
from ordermgmt.usecases.idempotency import once, recall, remember
from ordermgmt.usecases.invoicing import refresh_order
from ordermgmt.usecases.posting import credit_sales, new_payment, post, same_currency
from ordermgmt.usecases.views import credit_note_view, payment_view


def credit_in(
    uow: UnitOfWork,
    deps: Dependencies,
    invoice: Invoice,
    order: Order,
    quantities: dict[int, int] | None,
    reason: str,
    at: datetime,
    *,
    units_leave: bool = True,
    with_charges: bool = False,
) -> CreditNote:
    """Issue a credit note for ``quantities`` (order line no -> units) of ``invoice``, or for
    everything not yet credited, and post it. Tax is credited cumulatively per rate, so
    invoice minus its credit notes is zero to the cent.

    ``units_leave`` (the default): the credited units no longer count as invoiced, so what
    the order still delivers can be invoiced anew (a wrong invoice is credited and reissued);
    returns and cancellations credit units that also come off the order."""
    previous = uow.credit_notes.list_for_invoice(invoice.id)
    credit = credit_for(invoice, previous, quantities, with_charges=with_charges)
    note_id = deps.ids.new_id()
    year = at.year
    number = credit_note_number(year, uow.sequences.next_value(f"credit-note-{year}"))
    invoice.apply_credit(credit.total)
    if units_leave:
        for line in credit.lines:
            order.mark_credited(line.order_line_no, line.quantity)
    chart = deps.settings.chart
    entry = EntryBuilder(invoice.currency)
    credit_sales(entry, deps, credit.lines, invoice.currency, -1, credit.charges, credit.fixed_tax)
    entry.credit(chart.receivables, credit.total)
    description = f"Credit note {number} for {invoice.number}"
    post(uow, deps, entry, description=description, reference=number, at=at)
    # issued after the posting, so that its event follows the journal entry's
    note = CreditNote.issue(
        id=note_id,
        number=number,
        invoice=invoice,
        order_id=order.id,
        lines=credit.lines,
        fixed_tax=credit.fixed_tax,
        reason=reason,
        at=at,
        charges=credit.charges,
    )
    uow.credit_notes.add(note)
    return note


def refund_in(
    uow: UnitOfWork,
    deps: Dependencies,
    invoice: Invoice,
    order: Order,
    amount: Money | None,
    method: str | None,
    reference: str,
    at: datetime,
) -> Payment | None:
    """Pay back what the customer overpaid on ``invoice`` (all of it unless ``amount``)."""
    due = -invoice.outstanding
    if due.amount <= 0:
        if amount is None:
            return None
        raise ValidationError("amount", amount, f"no refund is due on {invoice.number}")
    amount = amount or due
    same_currency(amount, invoice.currency)
    invoice.apply_refund(amount)
    method = method or _original_method(uow, order)
    reference = reference[:100]
    chart = deps.settings.chart
    entry = EntryBuilder(invoice.currency)
    entry.debit(chart.receivables, amount)
    entry.credit(chart.cash_account(method), amount)
    post(
        uow,
        deps,
        entry,
        description=f"Refund for {invoice.number}",
        reference=invoice.number,
        at=at,
    )
    payment = new_payment(
        deps,
        kind=PaymentKind.REFUND,
        order=order,
        invoice_id=invoice.id,
        amount=amount,
        method=method,
        reference=reference,
        at=at,
    )
    uow.payments.add(payment)
    return payment


def refund_prepayment_in(
    uow: UnitOfWork, deps: Dependencies, order: Order, at: datetime
) -> Payment | None:
    """Pay back the part of the order's prepayment that no invoice will use any more: all of
    it for a cancelled order, the excess over what is left to invoice after a return or a
    partial cancellation."""
    left = uninvoiced(order)
    if order.prepaid <= left:
        return None
    amount = order.prepaid - left
    method = _original_method(uow, order)
    chart = deps.settings.chart
    entry = EntryBuilder(order.currency)
    entry.debit(chart.customer_prepayments, amount)
    entry.credit(chart.cash_account(method), amount)
    post(
        uow,
        deps,
        entry,
        description=f"Prepayment refund for {order.number}",
        reference=order.number,
        at=at,
    )
    order.prepaid_amount -= amount.amount
    payment = new_payment(
        deps,
        kind=PaymentKind.REFUND,
        order=order,
        invoice_id="",
        amount=amount,
        method=method,
        reference="prepayment refund",
        at=at,
    )
    uow.payments.add(payment)
    return payment


def _original_method(uow: UnitOfWork, order: Order) -> str:
    received = [
        p for p in uow.payments.list_for_order(order.id) if p.kind is not PaymentKind.REFUND
    ]
    return received[-1].method if received else PaymentMethod.BANK_TRANSFER


def issue_credit_note(deps: Dependencies, cmd: IssueCreditNote) -> CreditNoteView:
    """Credit an invoice; once per ``idempotency_key`` (a repeat returns the first note)."""
    return once(cmd, lambda: _credit_once(deps, cmd))


def _credit_once(deps: Dependencies, cmd: IssueCreditNote) -> CreditNoteView:
    with deps.uow() as uow:
        record = recall(uow, Scope.CREDIT_NOTE, cmd)
        if record is not None:
            return credit_note_view(uow.credit_notes.get(record.result_ids[0]))
        at = deps.clock.now()
        invoice = uow.invoices.get(cmd.invoice_id)
        order = uow.orders.get(invoice.order_id)
        quantities: dict[int, int] | None = None
        if cmd.lines is not None:
            previous = uow.credit_notes.list_for_invoice(invoice.id)
            wanted = [(item.sku, item.quantity) for item in cmd.lines]
            quantities = units_for_skus(invoice, previous, wanted)
        note = credit_in(
            uow, deps, invoice, order, quantities, cmd.reason, at, with_charges=cmd.with_charges
        )
        if cmd.refund:
            refund_in(uow, deps, invoice, order, None, None, "credit note " + note.number, at)
        refresh_order(uow, order, at)
        remember(uow, deps, Scope.CREDIT_NOTE, cmd, [note.id])
        uow.commit()
    return credit_note_view(note)


def pay_refund(deps: Dependencies, cmd: PayRefund) -> PaymentView:
    """Pay out a refund due; once per ``idempotency_key`` (a repeat returns the first)."""
    return once(cmd, lambda: _refund_once(deps, cmd))


def _refund_once(deps: Dependencies, cmd: PayRefund) -> PaymentView:
    with deps.uow() as uow:
        record = recall(uow, Scope.REFUND, cmd)
        if record is not None:
            return payment_view(uow.payments.get(record.result_ids[0]))
        at = deps.clock.now()
        invoice = uow.invoices.get(cmd.invoice_id)
        order = uow.orders.get(invoice.order_id)
        payment = refund_in(uow, deps, invoice, order, cmd.amount, cmd.method, cmd.reference, at)
        if payment is None:
            raise ValidationError(
                "invoice_id", cmd.invoice_id, f"no refund is due on {invoice.number}"
            )
        refresh_order(uow, order, at)
        remember(uow, deps, Scope.REFUND, cmd, [payment.id])
        uow.commit()
    return payment_view(payment)
