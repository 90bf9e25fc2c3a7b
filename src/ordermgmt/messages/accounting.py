"""Commands, queries and views about invoices, payments, credit notes, refunds, the ledger
and receivables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from ordermgmt.domain.document import DocumentFormat
from ordermgmt.domain.vat import VatCategory
from ordermgmt.messages.base import Command, Message, Query, View, exactly_one
from ordermgmt.messages.fields import (
    _KEY_HELP,
    Id,
    IdempotencyKey,
    MoneyField,
    Multiline,
    Name,
    Quantity,
    Reference,
    Sku,
)
from ordermgmt.messages.orders import ChargeView, TaxSubtotalView

#: How money moves; ``cash`` posts to the cash account, every other method to the bank.
PaymentMethodName = Literal["bank_transfer", "card", "cash", "direct_debit", "paypal"]


class IssueInvoice(Command):
    """Invoice what the OMS's invoice policy allows and was not yet invoiced; post and send it.

    Used by ``OrderManagement.issue_invoice``; returns an :class:`InvoiceView`. Under ``on_order``
    that is the ordered units less cancelled and returned ones; under ``on_shipment`` the shipped
    units less returned ones. The number comes from a gapless series per year (``INV-2026-000001``);
    the due date is the issue date plus the customer's payment terms. A prepayment held for the
    order is set against the invoice. Sending follows the commit; a failed send leaves ``sent_to``
    empty for ``resend_invoice``. Raises ``NotFound``, and ``ValidationError`` for a cancelled order
    or one with nothing left to invoice.

    The order's allowances and charges go on its first invoice. The invoice keeps the seller
    and the buyer as they are now, the customer's buyer reference and purchase order number,
    and what is given here: ``note`` (free text on the document, BT-22), ``delivery_date``
    (BT-72; default: the issue date) or, for services, the delivery period ``period_start`` to
    ``period_end`` (BT-73, BT-74).
    """

    order_id: Id
    note: Annotated[str, Field(max_length=1000), Multiline()] = ""
    delivery_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None

    @model_validator(mode="after")
    def _period(self) -> IssueInvoice:
        if (self.period_start is None) != (self.period_end is None):
            raise ValueError("give both period_start and period_end, or neither")
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValueError("period_start is after period_end")
        return self


class ResendInvoice(Command):
    """Send an invoice again, or for the first time after sending failed.

    Used by ``OrderManagement.resend_invoice``. Returns the :class:`InvoiceView`; ``sent_to`` shows
    the recipient once sending succeeded. A failed send is logged, not raised. Raises ``NotFound``
    for an unknown invoice.
    """

    invoice_id: Id


class RecordPayment(Command):
    """Money received: for an ``invoice_id``, or for an ``order_id`` not yet invoiced (a prepayment;
    for cash-sale customers a payment of the whole order is booked as a cash sale).

    Used by ``OrderManagement.record_payment``; returns a :class:`PaymentView`. Give exactly one of
    ``invoice_id`` and ``order_id``. ``amount`` must be above 0, have no more decimals than the
    currency's minor unit, and be in the invoice's or order's currency (``CurrencyMismatch``
    otherwise); more than is outstanding raises ``Overpayment``. ``method`` (``bank_transfer``,
    ``card``, ``cash``, ``direct_debit``, ``paypal``) decides the account debited: cash for
    ``cash``, the bank otherwise. Money received releases orders held for credit as far as the limit
    allows. Also raises ``NotFound``, and ``ValidationError`` for a cancelled order.

    ``idempotency_key`` (a bank statement line, a PSP event id) is unique among payments received,
    across all customers: a repeat with the same key, amount, target, method and reference returns
    the first payment and books nothing; other content raises ``IdempotencyConflict``.
    """

    amount: MoneyField
    method: PaymentMethodName
    reference: Reference = ""
    invoice_id: Id | None = None
    order_id: Id | None = None
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)

    _one_of = exactly_one("invoice_id", "order_id")


class CreditLineInput(Message):
    """Units of one sku to credit (``IssueCreditNote.lines``): ``quantity`` 1 to 1,000,000."""

    sku: Sku
    quantity: Quantity


class IssueCreditNote(Command):
    """Reverse an invoice fully (no ``lines``) or the given quantities of it.

    Used by ``OrderManagement.issue_credit_note``; returns a :class:`CreditNoteView`. The number
    comes from a gapless series per year (``CN-2026-000001``). Tax is credited per rate so that an
    invoice credited in parts gives back exactly the tax it charged. With ``refund`` (default), what
    the customer has overpaid after the credit is paid back at once by the method they paid with;
    otherwise it stays due for ``pay_refund``. Raises ``NotFound``, and ``ValidationError`` for a
    sku not on the invoice or more units than are left to credit.

    ``idempotency_key`` is unique among credit notes (across all customers); a repeat returns the
    first credit note.
    """

    invoice_id: Id
    reason: Name
    lines: Annotated[list[CreditLineInput], Field(min_length=1, max_length=500)] | None = None
    refund: bool = Field(default=True, description="Pay back at once what the customer overpaid.")
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)
    with_charges: bool = Field(
        default=False,
        description="Also credit the invoice's allowances and charges (a full reversal does).",
    )


class PayRefund(Command):
    """Pay out a refund due on an invoice (all of it unless ``amount`` is given).

    Used by ``OrderManagement.pay_refund``; returns the refund's :class:`PaymentView`. ``method``
    defaults to the method of the last money received for the order (``bank_transfer`` if none).
    ``ValidationError`` if no refund is due or ``amount`` exceeds it; ``CurrencyMismatch`` for an
    amount in another currency; ``NotFound`` for an unknown invoice.

    ``idempotency_key`` is unique among refunds paid (across all customers); a repeat returns the
    first refund.
    """

    invoice_id: Id
    amount: MoneyField | None = None
    method: PaymentMethodName | None = None
    reference: Reference = ""
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class GetInvoice(Query):
    """Read one invoice by ``invoice_id`` or by ``number`` (``INV-2026-000001``); give exactly one.

    Used by ``OrderManagement.get_invoice``; raises ``NotFound``.
    """

    invoice_id: Id | None = None
    number: Annotated[str, Field(min_length=1, max_length=40)] | None = None

    _one_of = exactly_one("invoice_id", "number")


class ListOrderInvoices(Query):
    """List an order's invoices, oldest first (``OrderManagement.order_invoices``); raises
    ``NotFound`` for an unknown order.
    """

    order_id: Id


class GetTrialBalance(Query):
    """Read the trial balance over every posted entry (``OrderManagement.trial_balance``)."""


class ListJournal(Query):
    """List journal entries in posting order (``OrderManagement.journal``).

    ``reference`` keeps only the entries about one document: an invoice, credit note, order,
    shipment or return number, or a supplier receipt's id.
    """

    reference: Annotated[str, Field(max_length=100)] | None = None


class ListOverdueInvoices(Query):
    """The dunning list on ``as_of`` (``OrderManagement.overdue_invoices``): invoices with money
    outstanding at the end of ``as_of`` whose due date is before it, most overdue first.

    A snapshot: only invoices issued, and payments, refunds and credit notes made, on or before
    ``as_of`` (UTC days) count, so the list is the same whenever it is run.
    """

    as_of: date


class GetReceivablesAging(Query):
    """Open receivables at the end of ``as_of`` by days past due
    (``OrderManagement.receivables_aging``).

    A snapshot: only invoices issued, and payments, refunds and credit notes made, on or before
    ``as_of`` (UTC days) count, so the figures are the same whenever it is run.
    """

    as_of: date


class DocumentLineView(View):
    """A line of an invoice or credit note: ``quantity`` units of order line ``order_line_no``.

    ``unit_price`` is the order line's; ``discount`` and ``net`` are this document's share of the
    line's discount and rounded net, shared out so that the parts of a line documented piecemeal add
    up exactly to the whole line.
    """

    order_line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: MoneyField
    discount: MoneyField
    tax_rate: Decimal
    net: MoneyField
    tax_category: VatCategory
    unit_code: str
    base_quantity: int
    discount_reason: str
    charge: MoneyField | None
    charge_reason: str


class InvoiceView(View):
    """An issued invoice (Rechnung). It is never edited; credit notes correct it.

    - ``number``: ``INV-<year>-<6 digits>``, gapless per year; ``due_date``: issue date plus the
      payment terms (the issue date unless the invoice is on account).
    - ``settlement``: ``receivable`` (on account), ``prepaid`` (covered in full by a prepayment) or
      ``cash_sale`` (paid at once).
    - ``status``: ``open``, ``partially_paid``, ``paid`` (nothing outstanding, or a refund due) or
      ``credited`` (fully reversed).
    - ``paid``, ``credited`` and ``refunded`` only grow; ``outstanding`` = total - credited - paid +
      refunded. A negative ``outstanding`` is a refund due to the customer.
    - ``sent_to``: the recipient it was last sent to, ``""`` while never sent (also when no
      notification adapter is configured: nothing claims a send that did not happen).
    - ``send_error``: why the last attempt to send failed, ``""`` if none failed since;
      ``resend_invoice`` tries again.
    """

    id: str
    number: str
    order_id: str
    customer_id: str
    currency: str
    lines: tuple[DocumentLineView, ...]
    tax_subtotals: tuple[TaxSubtotalView, ...]
    charges: tuple[ChargeView, ...]
    net_total: MoneyField
    tax_total: MoneyField
    total: MoneyField
    issued_at: datetime
    due_date: date
    settlement: str
    status: str
    paid: MoneyField
    credited: MoneyField
    refunded: MoneyField
    outstanding: MoneyField
    sent_to: str
    send_error: str = ""


class CreditNoteView(View):
    """An issued credit note (Gutschrift) reversing part or all of invoice ``invoice_id``.

    ``number`` is ``CN-<year>-<6 digits>``, gapless per year; lines and totals are the credited
    quantities and amounts, as positive numbers.
    """

    id: str
    number: str
    invoice_id: str
    order_id: str
    currency: str
    lines: tuple[DocumentLineView, ...]
    tax_subtotals: tuple[TaxSubtotalView, ...]
    charges: tuple[ChargeView, ...]
    net_total: MoneyField
    tax_total: MoneyField
    total: MoneyField
    issued_at: datetime
    reason: str


class PaymentPartView(View):
    """One payment booked by a command (see :attr:`PaymentView.parts`): its ``id``, ``kind``,
    the ``invoice_id`` it paid (``""`` for a prepayment) and its ``amount``."""

    id: str
    kind: str
    invoice_id: str
    amount: MoneyField


class PaymentView(View):
    """Money in or out, as booked.

    ``kind``: ``payment`` (for an invoice), ``prepayment`` (for an order not yet invoiced;
    ``invoice_id`` is ``""``), ``cash_sale`` (invoice issued and paid at once; ``invoice_id`` names
    it) or ``refund`` (money paid back). ``amount`` is positive for every kind. ``method``:
    ``bank_transfer``, ``card``, ``cash``, ``direct_debit`` or ``paypal``.

    Money received for an order pays its open invoices, oldest due date first, one payment per
    invoice paid, and the rest is a prepayment (or cash sale) of what is not invoiced yet: then
    ``parts`` lists every payment booked, in that order, and the view's own fields are those of
    the first part except ``amount``, the whole amount received. Otherwise ``parts`` holds the
    one payment the view describes.
    """

    id: str
    kind: str
    customer_id: str
    order_id: str
    invoice_id: str
    amount: MoneyField
    method: str
    reference: str
    received_at: datetime
    parts: tuple[PaymentPartView, ...] = ()


class PostingView(View):
    """One line of a journal entry: ``account`` code, ``side`` (``debit`` or ``credit``) and a
    positive ``amount``.
    """

    account: str
    side: str
    amount: MoneyField


class JournalEntryView(View):
    """A posted journal entry (Buchungssatz): its debits equal its credits. Entries are never
    changed; ``reference`` names the document it belongs to.
    """

    id: str
    posted_at: datetime
    description: str
    reference: str
    postings: tuple[PostingView, ...]


class TrialBalanceLine(View):
    """One account in one currency: its ``debit`` and ``credit`` totals.

    ``balance`` = debit - credit; all three are rounded to the currency's minor unit. ``type`` is
    ``asset``, ``liability``, ``equity``, ``revenue`` or ``expense``; ``name`` comes from the chart
    of accounts.
    """

    account: str
    name: str
    type: str
    currency: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


class TrialBalanceView(View):
    """Every account with its debit and credit totals; per currency, debits = credits."""

    lines: tuple[TrialBalanceLine, ...]
    total_debit: dict[str, Decimal]
    total_credit: dict[str, Decimal]

    @property
    def balanced(self) -> bool:
        """True when debits equal credits in every currency (always, unless the ledger is
        broken)."""
        return self.total_debit == self.total_credit

    def balance(self, account: str, currency: str) -> Decimal:
        """Debit minus credit of one account (0 if it has no postings)."""
        for line in self.lines:
            if line.account == account and line.currency == currency:
                return line.balance
        return Decimal(0)


class OverdueInvoiceView(View):
    """One row of the dunning list: an invoice ``days_overdue`` days past its ``due_date`` on the
    day asked for, with the ``outstanding`` amount.
    """

    customer_id: str
    customer_name: str
    invoice_id: str
    invoice_number: str
    due_date: date
    days_overdue: int
    outstanding: MoneyField


class AgingBucketView(View):
    """Open receivables in one currency by days past due: ``current`` (not yet due, or due that
    day), ``days_1_30``, ``days_31_60``, ``days_61_90``, ``over_90`` and their ``total``, rounded to
    the minor unit. Refunds due (negative outstanding) are not counted.
    """

    currency: str
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    total: Decimal


class ReceivablesAgingView(View):
    """Receivables aging on ``as_of``: one :class:`AgingBucketView` per currency with open
    receivables, by currency code.
    """

    as_of: date
    buckets: tuple[AgingBucketView, ...]


class GetInvoiceDocument(Query):
    """An issued invoice or credit note as a file (``OrderManagement.invoice_document`` and
    ``credit_note_document``): an EN 16931 e-invoice, a PDF or Factur-X.

    ``format`` defaults to the customer's (``CustomerView.invoice_format``). Returns a
    ``RenderedDocument`` (``content`` bytes, ``media_type``, ``filename``). Raises
    ``NotFound``, and ``DocumentError`` when no seller is configured, the buyer has no address
    with a country, the document breaks a rule of the format (Peppol needs electronic
    addresses), or the ``einvoice`` extra is not installed.
    """

    invoice_id: Id | None = None
    credit_note_id: Id | None = None
    format: DocumentFormat | None = None

    _one_of = exactly_one("invoice_id", "credit_note_id")
