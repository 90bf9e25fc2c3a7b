"""The facade's accounting methods: invoices, payments, credit notes, refunds, the ledger and
receivables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ordermgmt import messages as m
from ordermgmt.domain.money import Money
from ordermgmt.facade.base import UseCaseRunner, arguments_given
from ordermgmt.ports import RenderedDocument
from ordermgmt.usecases import credit_notes, documents, invoicing, payments, receivables, reports


class AccountingMethods(UseCaseRunner):
    """Invoices, payments, credit notes, refunds, the ledger and receivables."""

    def issue_invoice(
        self,
        order_id: str,
        *,
        note: str = "",
        delivery_date: date | None = None,
        period_start: date | None = None,
        period_end: date | None = None,
    ) -> m.InvoiceView:
        """Invoice the order (what the invoice policy allows, and the order's allowances and
        charges with its first invoice), post it and send it, with its document in the
        customer's format attached where a seller is configured. The number is gapless per
        year (``INV-2026-000001``); the due date follows the terms. ``note``,
        ``delivery_date`` (default: the issue date) or the service period go on the
        document. A failed send is logged and leaves ``sent_to`` empty (see
        :meth:`resend_invoice`). Raises ``NotFound``, ``ValidationError`` (cancelled order,
        nothing left to invoice)."""
        return self._call(invoicing.issue_invoice, m.IssueInvoice, **arguments_given(locals()))

    def invoice_document(self, invoice_id: str, *, format: str | None = None) -> RenderedDocument:
        """An issued invoice as a file: ``format`` ``pdf``, ``facturx``, ``cii``,
        ``xrechnung-cii``, ``xrechnung-ubl``, ``ubl`` or ``peppol``, by default the
        customer's. Returns the bytes with their media type and file name. Raises
        ``NotFound``, and ``DocumentError`` (no seller configured, a rule of the format the
        invoice would break, the ``einvoice`` extra missing)."""
        return self._call(
            documents.invoice_document, m.GetInvoiceDocument, invoice_id=invoice_id, format=format
        )

    def credit_note_document(
        self, credit_note_id: str, *, format: str | None = None
    ) -> RenderedDocument:
        """An issued credit note as a file, referring to the invoice it corrects; as
        :meth:`invoice_document`."""
        return self._call(
            documents.invoice_document,
            m.GetInvoiceDocument,
            credit_note_id=credit_note_id,
            format=format,
        )

    def resend_invoice(self, invoice_id: str) -> m.InvoiceView:
        """Send an invoice that was never sent (its sending failed, or no notification adapter
        was configured when it was issued), or send it again. Raises ``NotFound``, and
        ``NotificationError`` if it cannot be sent (also without a notification adapter); the
        failure's reason is kept in the invoice's ``send_error`` and ``details`` carry the
        invoice's ``reference`` (number) and ``invoice_id``."""
        return self._call(invoicing.resend_invoice, m.ResendInvoice, invoice_id=invoice_id)

    def record_payment(
        self,
        *,
        amount: Money,
        method: str,
        reference: str = "",
        invoice_id: str | None = None,
        order_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.PaymentView:
        """Record money received for an invoice, or for an order: it pays the order's open
        invoices, oldest due date first, and the rest is a prepayment of what is not invoiced
        yet (a cash-sale customer paying all of that makes it a cash sale). More than is open
        raises ``Overpayment``; an amount in another currency ``CurrencyMismatch``. The same
        ``idempotency_key`` again (unique among payments) returns the first payment and books
        nothing (``IdempotencyConflict`` for other content). Also raises ``NotFound`` and
        ``ValidationError``. See :class:`~ordermgmt.messages.RecordPayment`."""
        return self._call(payments.record_payment, m.RecordPayment, **arguments_given(locals()))

    def issue_credit_note(
        self,
        invoice_id: str,
        *,
        reason: str,
        lines: Sequence[Mapping[str, Any]] | None = None,
        refund: bool = True,
        idempotency_key: str | None = None,
        with_charges: bool = False,
    ) -> m.CreditNoteView:
        """Reverse an invoice fully (no ``lines``: its allowances and charges too) or partly
        (``with_charges`` takes the allowances and charges along); refunds overpaid money
        unless ``refund=False``. The same ``idempotency_key`` again (unique among credit notes)
        returns the first note. Raises ``NotFound``, and ``ValidationError`` for a sku not on
        the invoice or more units than are left to credit."""
        return self._call(
            credit_notes.issue_credit_note, m.IssueCreditNote, **arguments_given(locals())
        )

    def pay_refund(
        self,
        invoice_id: str,
        *,
        amount: Money | None = None,
        method: str | None = None,
        reference: str = "",
        idempotency_key: str | None = None,
    ) -> m.PaymentView:
        """Pay out a refund due on an invoice (by default all of it, by the original method).
        The same ``idempotency_key`` again (unique among refunds) returns the first refund.
        Raises ``ValidationError`` if no refund (or less) is due, and ``NotFound``."""
        return self._call(credit_notes.pay_refund, m.PayRefund, **arguments_given(locals()))

    def get_invoice(
        self, invoice_id: str | None = None, *, number: str | None = None
    ) -> m.InvoiceView:
        """An invoice by id, or by its ``number`` (``INV-2026-000001``); give exactly one
        (``ValidationError`` otherwise). Raises ``NotFound``."""
        return self._call(invoicing.get_invoice, m.GetInvoice, invoice_id=invoice_id, number=number)

    def order_invoices(self, order_id: str) -> list[m.InvoiceView]:
        """The order's invoices, oldest first; raises ``NotFound`` for an unknown order."""
        return self._call(invoicing.list_order_invoices, m.ListOrderInvoices, order_id=order_id)

    def trial_balance(self) -> m.TrialBalanceView:
        """Every account's debits, credits and balance; per currency debits equal credits."""
        return self._call(reports.trial_balance, m.GetTrialBalance)

    def journal(self, reference: str | None = None) -> list[m.JournalEntryView]:
        """Journal entries in posting order (only those about ``reference``, if given)."""
        return self._call(reports.list_journal, m.ListJournal, reference=reference)

    def overdue_invoices(self, as_of: date) -> list[m.OverdueInvoiceView]:
        """The dunning list on ``as_of``: customer, invoice, days overdue, amount. A snapshot of
        that day: what was issued, paid or credited later does not count."""
        return self._call(receivables.list_overdue_invoices, m.ListOverdueInvoices, as_of=as_of)

    def receivables_aging(self, as_of: date) -> m.ReceivablesAgingView:
        """Open receivables per currency in buckets of days past due, as they stood at the end
        of ``as_of`` (later invoices, payments and credits do not count)."""
        return self._call(receivables.receivables_aging, m.GetReceivablesAging, as_of=as_of)
