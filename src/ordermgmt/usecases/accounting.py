"""Step 3, accounting: invoices, payments, credit notes, refunds, the ledger and its reports.

Posting rules (docs/concepts.md): an invoice on account debits receivables and credits revenue and
output tax per rate; a payment for it debits cash or bank and credits receivables. Money that
arrives before the invoice is a customer prepayment (a liability) until an invoice is set
against it. A cash-sale customer (prepayment, card, cash) who pays a whole order before it is
invoiced gets invoice and payment in one cash-sale entry. Credit notes reverse revenue and tax
against receivables; refunds pay receivables (or prepayments) back out of cash or bank.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from ordermgmt.domain.customer import Customer, PaymentPreference
from ordermgmt.domain.errors import (
    CurrencyMismatch,
    NotificationError,
    ValidationError,
)
from ordermgmt.domain.events import (
    CreditNoteIssued,
    InvoiceIssued,
    InvoiceSent,
    JournalEntryPosted,
    PaymentReceived,
    RefundPaid,
)
from ordermgmt.domain.idempotency import Scope
from ordermgmt.domain.invoice import (
    CreditNote,
    DocumentLine,
    Invoice,
    InvoicePolicy,
    Settlement,
    credit_note_number,
    document_line,
    invoice_number,
    share_line,
)
from ordermgmt.domain.ledger import EntryBuilder, JournalEntry
from ordermgmt.domain.money import Money, round_amount
from ordermgmt.domain.order import Order, OrderStatus, PaymentStatus, tax_subtotals
from ordermgmt.domain.payment import Payment, PaymentKind, PaymentMethod
from ordermgmt.messages import (
    CreditNoteView,
    GetInvoice,
    GetTrialBalance,
    InvoiceView,
    IssueCreditNote,
    IssueInvoice,
    JournalEntryView,
    ListJournal,
    ListOrderInvoices,
    PaymentView,
    PayRefund,
    PostingView,
    ResendInvoice,
    TrialBalanceLine,
    TrialBalanceView,
)
from ordermgmt.ports import Dependencies, OutgoingMessage, UnitOfWork
from ordermgmt.ports.guard import call_outside
from ordermgmt.usecases.idempotency import once, recall, remember
from ordermgmt.usecases.views import credit_note_view, invoice_view, payment_view

log = logging.getLogger("ordermgmt.accounting")

CASH_SALE_PREFERENCES = frozenset(
    {PaymentPreference.PREPAYMENT, PaymentPreference.CARD, PaymentPreference.CASH}
)


# -- posting -----------------------------------------------------------------------------------


def post(
    uow: UnitOfWork,
    deps: Dependencies,
    entry: EntryBuilder,
    *,
    description: str,
    reference: str,
    at: datetime,
) -> JournalEntry | None:
    """Post a balanced entry (nothing when every amount is zero)."""
    postings = entry.postings()
    if not postings:
        return None
    journal_entry = JournalEntry(
        id=deps.ids.new_id(),
        posted_at=at,
        description=description,
        postings=postings,
        reference=reference,
    )
    journal_entry.record(
        JournalEntryPosted(
            occurred_at=at,
            entry_id=journal_entry.id,
            description=description,
            reference=reference,
            amount=journal_entry.amount,
        )
    )
    uow.ledger.post(journal_entry)
    return journal_entry


def post_transfer(
    uow: UnitOfWork,
    deps: Dependencies,
    amount: Money,
    *,
    debit: str,
    credit: str,
    description: str,
    reference: str,
    at: datetime,
) -> None:
    """Post ``amount`` from one account to another (debit one, credit the other)."""
    entry = EntryBuilder(amount.currency).debit(debit, amount).credit(credit, amount)
    post(uow, deps, entry, description=description, reference=reference, at=at)


def _credit_sales(
    entry: EntryBuilder,
    deps: Dependencies,
    lines: Sequence[DocumentLine],
    currency: str,
    sign: int = 1,
) -> None:
    """Revenue per rate (net) and output tax per rate (tax), on the credit side (sign 1) or
    reversed onto the debit side (sign -1)."""
    chart = deps.settings.chart
    for subtotal in tax_subtotals(((line.tax_rate, line.net) for line in lines), currency):
        entry.credit(chart.revenue(subtotal.rate), subtotal.net * sign)
        entry.credit(chart.output_tax(subtotal.rate), subtotal.tax * sign)


# -- order payment status and completion -------------------------------------------------------


def refresh_order(uow: UnitOfWork, order: Order, at: datetime) -> None:
    """Derive the order's payment status from its invoices and complete it when it is done:
    every unit delivered or cancelled, everything invoiced, every invoice settled."""
    invoices = uow.invoices.list_for_order(order.id)
    order.payment_status = payment_status(invoices)
    if order.status is not OrderStatus.OPEN or not order.fully_delivered:
        return
    uninvoiced = any(
        line.invoiced - line.credited < line.quantity - line.cancelled - line.returned
        for line in order.lines
    )
    if uninvoiced or not invoices:
        return
    if all(i.outstanding.is_zero for i in invoices):
        order.complete(at)


def payment_status(invoices: Sequence[Invoice]) -> PaymentStatus:
    if not invoices:
        return PaymentStatus.NOT_INVOICED
    currency = invoices[0].currency
    total = sum((i.total for i in invoices), Money.zero(currency))
    credited = sum((i.credited for i in invoices), Money.zero(currency))
    paid = sum((i.paid for i in invoices), Money.zero(currency))
    if not credited.is_zero:
        return PaymentStatus.REFUNDED if credited == total else PaymentStatus.PARTIALLY_REFUNDED
    if paid >= total:
        return PaymentStatus.PAID
    if not paid.is_zero:
        return PaymentStatus.PARTIALLY_PAID
    return PaymentStatus.INVOICED


# -- credit exposure ---------------------------------------------------------------------------


def exposure(uow: UnitOfWork, customer: Customer, currency: str) -> Money:
    """What the customer owes or has on order in ``currency``: outstanding invoices plus the
    uninvoiced part of active orders, less prepayments held for them."""
    result = Money.zero(currency)
    for invoice in uow.invoices.list_unsettled(customer.id):
        if invoice.currency == currency and not invoice.outstanding.is_negative:
            result += invoice.outstanding
    for order in uow.orders.list_for_customer(customer.id, active_only=True):
        if order.currency != currency:
            continue
        open_part = uninvoiced(order) - order.prepaid
        if open_part.amount > 0:
            result += open_part
    return result


CREDIT_HOLD = "credit limit"


def credit_check(uow: UnitOfWork, customer: Customer, order: Order, at: datetime) -> None:
    """Hold a B2B order that would take the customer over the credit limit."""
    limit = customer.credit_limit
    if limit is None:
        return
    if limit.currency != order.currency:
        order.hold(
            f"{CREDIT_HOLD}: the limit is in {limit.currency}, the order in {order.currency}", at
        )
        return
    total = exposure(uow, customer, order.currency)  # the new order is already in it
    if total > limit:
        order.hold(f"{CREDIT_HOLD}: exposure {total} exceeds {limit}", at)


def release_credit_holds(
    uow: UnitOfWork, customer: Customer, at: datetime, *, limit_removed: bool = False
) -> None:
    """After money came in (or the limit changed): release credit-held orders, oldest first,
    while the limit allows; all of them when the limit was removed."""
    limit = customer.credit_limit
    if limit is None and not limit_removed:  # no limit, no credit holds to look at
        return
    for order in uow.orders.list_for_customer(customer.id, active_only=True):
        if order.status is not OrderStatus.ON_HOLD or not order.hold_reason.startswith(CREDIT_HOLD):
            continue
        if limit is None:
            order.release_hold(at)
            continue
        if limit.currency != order.currency:
            continue
        # this order's own open part is already inside the exposure
        if exposure(uow, customer, order.currency) <= limit:
            order.release_hold(at)


# -- invoicing ---------------------------------------------------------------------------------


def invoice_lines(order: Order, policy: InvoicePolicy) -> list[DocumentLine]:
    lines = []
    for line in order.lines:
        if policy is InvoicePolicy.ON_ORDER:
            target = line.quantity - line.cancelled - line.returned
        else:
            target = line.shipped - line.returned
        already = line.invoiced - line.credited
        if target > already:
            lines.append(document_line(line, target - already, max(already, 0)))
    return lines


def _new_invoice(
    uow: UnitOfWork,
    deps: Dependencies,
    order: Order,
    customer: Customer,
    lines: list[DocumentLine],
    settlement: Settlement,
    at: datetime,
) -> Invoice:
    year = at.year
    invoice = Invoice.issue(
        id=deps.ids.new_id(),
        number=invoice_number(year, uow.sequences.next_value(f"invoice-{year}")),
        order_id=order.id,
        customer_id=customer.id,
        currency=order.currency,
        lines=tuple(lines),
        at=at,
        payment_terms_days=customer.payment_terms_days
        if settlement is Settlement.RECEIVABLE
        else 0,
        settlement=settlement,
    )
    for line in lines:
        order.mark_invoiced(line.order_line_no, line.quantity)
    invoice.record(
        InvoiceIssued(
            occurred_at=at,
            invoice_id=invoice.id,
            number=invoice.number,
            order_id=order.id,
            customer_id=customer.id,
            total=invoice.total,
            due_date=invoice.due_date.isoformat(),
            settlement=settlement,
        )
    )
    uow.invoices.add(invoice)
    return invoice


def issue_invoice_in(uow: UnitOfWork, deps: Dependencies, order: Order, at: datetime) -> Invoice:
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
    total = document_total(lines, order.currency)
    covered = min(order.prepaid, total)
    settlement = Settlement.PREPAID if covered == total else Settlement.RECEIVABLE
    invoice = _new_invoice(uow, deps, order, customer, lines, settlement, at)
    chart = deps.settings.chart
    entry = EntryBuilder(order.currency)
    entry.debit(chart.customer_prepayments, covered)
    entry.debit(chart.receivables, total - covered)
    _credit_sales(entry, deps, lines, order.currency)
    post(uow, deps, entry, description=f"Invoice {invoice.number}", reference=invoice.number, at=at)
    if not covered.is_zero:
        invoice.paid = invoice.paid + covered
        order.prepaid_amount -= covered.amount
    refresh_order(uow, order, at)
    return invoice


def uninvoiced(order: Order) -> Money:
    """What is still to be invoiced on ``order``: its units not yet invoiced, less cancelled and
    returned ones, priced as an invoice would price them."""
    lines = invoice_lines(order, InvoicePolicy.ON_ORDER)
    return document_total(lines, order.currency) if lines else Money.zero(order.currency)


def document_total(lines: Sequence[DocumentLine], currency: str) -> Money:
    subtotals = tax_subtotals(((line.tax_rate, line.net) for line in lines), currency)
    return Money(sum((s.net.amount + s.tax.amount for s in subtotals), Decimal(0)), currency)


def issue_invoice(deps: Dependencies, cmd: IssueInvoice) -> InvoiceView:
    with deps.uow() as uow:
        order = uow.orders.get(cmd.order_id)
        invoice = issue_invoice_in(uow, deps, order, deps.clock.now())
        message = _invoice_message(invoice, uow.customers.get(invoice.customer_id))
        uow.commit()
    return _send(deps, invoice, message)


def _invoice_message(invoice: Invoice, customer: Customer) -> OutgoingMessage:
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
        message = _invoice_message(invoice, uow.customers.get(invoice.customer_id))
    if invoice.sent_to and not again:
        return invoice_view(invoice)
    return _send(deps, invoice, message, surface=surface)


def _send(
    deps: Dependencies, invoice: Invoice, message: OutgoingMessage, *, surface: bool = False
) -> InvoiceView:
    """Send through the guard, then record the outcome on the invoice: ``sent_to`` after a
    send, ``send_error`` after a failure (raised only if ``surface``). Without a notification
    adapter nothing is sent and nothing claims it was (``surface`` raises)."""
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


def _record_sending(
    deps: Dependencies, invoice_id: str, recipient: str | None, failure: str | None
) -> InvoiceView:
    with deps.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
        if recipient is None:
            invoice.sending_failed(failure or "")
        else:
            invoice.sent(recipient)
            invoice.record(
                InvoiceSent(
                    occurred_at=deps.clock.now(),
                    invoice_id=invoice.id,
                    number=invoice.number,
                    recipient=recipient,
                )
            )
        uow.commit()
    return invoice_view(invoice)


def resend_invoice(deps: Dependencies, cmd: ResendInvoice) -> InvoiceView:
    """Send an invoice again (the customer lost it), or for the first time after a failure.
    Asked for explicitly, a failure is raised (``NotificationError``, also when no
    notification adapter is configured), not just logged; it is recorded all the same."""
    return send_invoice(deps, cmd.invoice_id, again=True, surface=True)


# -- payments ----------------------------------------------------------------------------------


def _payment(
    deps: Dependencies,
    *,
    kind: PaymentKind,
    order: Order,
    invoice_id: str,
    amount: Money,
    method: str,
    reference: str,
    at: datetime,
) -> Payment:
    payment = Payment(
        id=deps.ids.new_id(),
        kind=kind,
        customer_id=order.customer_id,
        order_id=order.id,
        invoice_id=invoice_id,
        amount=amount,
        method=PaymentMethod(method),
        reference=reference,
        received_at=at,
    )
    event = RefundPaid if kind is PaymentKind.REFUND else PaymentReceived
    if event is RefundPaid:
        payment.record(
            RefundPaid(
                occurred_at=at,
                payment_id=payment.id,
                customer_id=order.customer_id,
                order_id=order.id,
                invoice_id=invoice_id,
                amount=amount,
                method=method,
            )
        )
    else:
        payment.record(
            PaymentReceived(
                occurred_at=at,
                payment_id=payment.id,
                kind=kind,
                customer_id=order.customer_id,
                order_id=order.id,
                invoice_id=invoice_id,
                amount=amount,
                method=method,
            )
        )
    return payment


def _same_currency(amount: Money, currency: str) -> None:
    if amount.currency != currency:
        raise CurrencyMismatch(currency, amount.currency, "amount")


# -- credit notes and refunds ------------------------------------------------------------------


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
) -> CreditNote:
    """Issue a credit note for ``quantities`` (order line no -> units) of ``invoice``, or for
    everything not yet credited. Tax is credited cumulatively per rate, so invoice minus its
    credit notes is zero to the cent.

    ``units_leave`` (the default): the credited units no longer count as invoiced, so what
    the order still delivers can be invoiced anew (a wrong invoice is credited and reissued);
    returns and cancellations credit units that also come off the order."""
    previous = uow.credit_notes.list_for_invoice(invoice.id)
    credited_units: dict[int, int] = {}
    for note in previous:
        for line in note.lines:
            credited_units[line.order_line_no] = (
                credited_units.get(line.order_line_no, 0) + line.quantity
            )
    invoiced_units = {line.order_line_no: line.quantity for line in invoice.lines}
    if quantities is None:
        quantities = {
            no: units - credited_units.get(no, 0)
            for no, units in invoiced_units.items()
            if units > credited_units.get(no, 0)
        }
    if not quantities:
        raise ValidationError("invoice_id", invoice.id, f"{invoice.number} is fully credited")
    lines = []
    for invoice_line in invoice.lines:
        units = quantities.get(invoice_line.order_line_no, 0)
        if not units:
            continue
        already = credited_units.get(invoice_line.order_line_no, 0)
        lines.append(
            share_line(
                line_no=invoice_line.order_line_no,
                sku=invoice_line.sku,
                name=invoice_line.name,
                unit_price=invoice_line.unit_price,
                tax_rate=invoice_line.tax_rate,
                whole_quantity=invoice_line.quantity,
                whole_discount=invoice_line.discount,
                quantity=units,
                already=already,
            )
        )
    unknown = set(quantities) - set(invoiced_units)
    if unknown:
        raise ValidationError("lines", sorted(unknown), f"not on invoice {invoice.number}")
    # Tax is credited cumulatively per rate: after this note, round(all credited net x rate)
    # has been credited. Crediting an invoice in any number of parts therefore returns exactly
    # the tax it charged, never a cent more or less.
    credited_net: dict[Decimal, Decimal] = {}
    for note in previous:
        for line in note.lines:
            credited_net[line.tax_rate] = (
                credited_net.get(line.tax_rate, Decimal(0)) + line.net.amount
            )
    this_net: dict[Decimal, Decimal] = {}
    for line in lines:
        this_net[line.tax_rate] = this_net.get(line.tax_rate, Decimal(0)) + line.net.amount
    fixed = tuple(
        (
            rate,
            Money(
                round_amount((credited_net.get(rate, Decimal(0)) + net) * rate, invoice.currency)
                - round_amount(credited_net.get(rate, Decimal(0)) * rate, invoice.currency),
                invoice.currency,
            ),
        )
        for rate, net in this_net.items()
    )
    year = at.year
    note = CreditNote(
        id=deps.ids.new_id(),
        number=credit_note_number(year, uow.sequences.next_value(f"credit-note-{year}")),
        order_id=order.id,
        customer_id=invoice.customer_id,
        currency=invoice.currency,
        lines=tuple(lines),
        issued_at=at,
        fixed_tax=fixed,
        invoice_id=invoice.id,
        reason=reason[:200],
    )
    invoice.apply_credit(note.total)
    if units_leave:
        for line in lines:
            order.mark_credited(line.order_line_no, line.quantity)
    chart = deps.settings.chart
    entry = EntryBuilder(invoice.currency)
    for subtotal in note.tax_subtotals:
        entry.debit(chart.revenue(subtotal.rate), subtotal.net)
        entry.debit(chart.output_tax(subtotal.rate), subtotal.tax)
    entry.credit(chart.receivables, note.total)
    post(
        uow,
        deps,
        entry,
        description=f"Credit note {note.number} for {invoice.number}",
        reference=note.number,
        at=at,
    )
    note.record(
        CreditNoteIssued(
            occurred_at=at,
            credit_note_id=note.id,
            number=note.number,
            invoice_id=invoice.id,
            order_id=order.id,
            total=note.total,
            reason=note.reason,
        )
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
    _same_currency(amount, invoice.currency)
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
    payment = _payment(
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
    payment = _payment(
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
            quantities = _credit_quantities(uow, invoice, cmd)
        note = credit_in(uow, deps, invoice, order, quantities, cmd.reason, at)
        if cmd.refund:
            refund_in(uow, deps, invoice, order, None, None, "credit note " + note.number, at)
        refresh_order(uow, order, at)
        remember(uow, deps, Scope.CREDIT_NOTE, cmd, [note.id])
        uow.commit()
    return credit_note_view(note)


def _credit_quantities(uow: UnitOfWork, invoice: Invoice, cmd: IssueCreditNote) -> dict[int, int]:
    """Spread the units asked for per sku over the invoice's lines of that sku, in line order,
    each up to what it still has uncredited."""
    left = {line.order_line_no: line.quantity for line in invoice.lines}
    for note in uow.credit_notes.list_for_invoice(invoice.id):
        for line in note.lines:
            left[line.order_line_no] -= line.quantity
    quantities: dict[int, int] = {}
    for item in cmd.lines or ():
        lines = [line for line in invoice.lines if line.sku == item.sku]
        if not lines:
            raise ValidationError("lines.sku", item.sku, f"not on invoice {invoice.number}")
        wanted = item.quantity
        for line in lines:
            take = min(wanted, left[line.order_line_no])
            if take > 0:
                quantities[line.order_line_no] = quantities.get(line.order_line_no, 0) + take
                left[line.order_line_no] -= take
                wanted -= take
        if wanted:
            left_of_sku = sum(left[line.order_line_no] for line in lines) + item.quantity - wanted
            raise ValidationError(
                "lines.quantity", item.quantity, f"only {left_of_sku} left to credit of {item.sku}"
            )
    return quantities


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


# -- queries -----------------------------------------------------------------------------------


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


def trial_balance(deps: Dependencies, query: GetTrialBalance) -> TrialBalanceView:
    chart = deps.settings.chart
    with deps.uow() as uow:
        balances = uow.ledger.balances()
    lines = []
    debit_totals: dict[str, Decimal] = {}
    credit_totals: dict[str, Decimal] = {}
    for (code, currency), (debit, credit) in sorted(balances.items()):
        account = chart.describe(code)
        lines.append(
            TrialBalanceLine(
                account=code,
                name=account.name,
                type=account.type,
                currency=currency,
                debit=round_amount(debit, currency),
                credit=round_amount(credit, currency),
                balance=round_amount(debit - credit, currency),
            )
        )
        debit_totals[currency] = round_amount(
            debit_totals.get(currency, Decimal(0)) + debit, currency
        )
        credit_totals[currency] = round_amount(
            credit_totals.get(currency, Decimal(0)) + credit, currency
        )
    return TrialBalanceView(
        lines=tuple(lines), total_debit=debit_totals, total_credit=credit_totals
    )


def list_journal(deps: Dependencies, query: ListJournal) -> list[JournalEntryView]:
    with deps.uow() as uow:
        return [
            JournalEntryView(
                id=e.id,
                posted_at=e.posted_at,
                description=e.description,
                reference=e.reference,
                postings=tuple(
                    PostingView(account=p.account, side=p.side, amount=p.amount) for p in e.postings
                ),
            )
            for e in uow.ledger.entries(query.reference)
        ]
