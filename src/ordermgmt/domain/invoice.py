"""Invoices (Rechnungen) and credit notes (Gutschriften).

Amounts follow EN 16931: line nets are rounded, tax is computed per rate on the sum of the line
nets at that rate, total = net + tax. Issued documents are never edited; their numbers come from
gapless series assigned in the transaction that issues them.

The money side of an invoice: ``outstanding = total - credited - paid + refunded``. A negative
outstanding is money the seller owes the customer (a refund due).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from ordermgmt.domain.base import Aggregate, require_quantity
from ordermgmt.domain.charges import Charge
from ordermgmt.domain.document import DocumentDetails
from ordermgmt.domain.errors import Overpayment, ValidationError
from ordermgmt.domain.events import CreditNoteIssued, InvoiceIssued, InvoiceSent
from ordermgmt.domain.money import Money, round_amount
from ordermgmt.domain.order import Order, OrderLine, PaymentStatus, line_gross
from ordermgmt.domain.totals import TaxKey, TaxSubtotal, Totals, tax_subtotals
from ordermgmt.domain.vat import VatCategory

#: What a document issued without a seller or buyer on record says beyond its amounts.
NO_DETAILS = DocumentDetails()


def invoice_number(year: int, sequence: int) -> str:
    return f"INV-{year}-{sequence:06d}"


def credit_note_number(year: int, sequence: int) -> str:
    return f"CN-{year}-{sequence:06d}"


class InvoicePolicy(StrEnum):
    """What an invoice covers: everything ordered (``on_order``), or what was shipped."""

    ON_ORDER = "on_order"
    ON_SHIPMENT = "on_shipment"


class Settlement(StrEnum):
    """How an invoice was booked."""

    RECEIVABLE = "receivable"  # on account: receivables until paid
    PREPAID = "prepaid"  # set against the customer's prepayment for the order
    CASH_SALE = "cash_sale"  # paid at once: cash or bank directly


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """A line of an invoice or credit note: its own quantity of one order line."""

    order_line_no: int
    sku: str
    name: str
    quantity: int
    #: The price of ``base_quantity`` units.
    unit_price: Money
    discount: Money
    tax_rate: Decimal
    #: The line's net where it is a share of a larger line (see :func:`share_line`).
    net_amount: Decimal | None = None
    tax_category: VatCategory = VatCategory.STANDARD
    unit_code: str = "H87"
    base_quantity: int = 1
    discount_reason: str = ""
    #: A charge on the line (its share, like the discount) and why.
    charge: Money | None = None
    charge_reason: str = ""

    def __post_init__(self) -> None:
        # As on order lines: a line at 0 % given no other category is zero rated.
        if self.tax_category is VatCategory.STANDARD and self.tax_rate == 0:
            object.__setattr__(self, "tax_category", VatCategory.ZERO_RATED)

    @property
    def net(self) -> Money:
        currency = self.unit_price.currency
        if self.net_amount is not None:
            return Money(self.net_amount, currency)
        gross = line_gross(self.unit_price, self.quantity, self.base_quantity)
        gross += -self.discount.amount + (self.charge.amount if self.charge else 0)
        return Money(round_amount(gross, currency), currency)

    @property
    def key(self) -> TaxKey:
        return TaxKey(self.tax_category, self.tax_rate)


def share_line(whole: DocumentLine | OrderLine, quantity: int, already: int) -> DocumentLine:
    """The document line for ``quantity`` more units of the line ``whole`` (an order line, or
    an invoice line being credited), after ``already`` units were documented.

    Discount, charge and net are shared out cumulatively: units 1..k carry
    ``round(discount * k / whole quantity)`` of the discount (likewise the charge) and
    ``round(price * k / base - that + this)`` of the net, and a part is the difference of two
    such figures. So a line invoiced (or credited) in parts adds up to exactly the line
    documented at once, even with a unit price finer than the currency's minor unit.
    """
    require_quantity(quantity)
    whole_quantity = whole.quantity
    if already + quantity > whole_quantity:
        raise ValidationError("quantity", quantity, f"only {whole_quantity - already} left")
    currency = whole.unit_price.currency
    charge = whole.charge

    def share(amount: Money | None, units: int) -> Decimal:
        if amount is None:
            return Decimal(0)
        return round_amount(amount.amount * units / whole_quantity, currency)

    def net(units: int) -> Decimal:
        gross = line_gross(whole.unit_price, units, whole.base_quantity)
        return round_amount(gross - share(whole.discount, units) + share(charge, units), currency)

    def part(amount: Money | None) -> Decimal:
        return share(amount, already + quantity) - share(amount, already)

    return DocumentLine(
        order_line_no=whole.order_line_no if isinstance(whole, DocumentLine) else whole.line_no,
        sku=whole.sku,
        name=whole.name,
        quantity=quantity,
        unit_price=whole.unit_price,
        discount=Money(part(whole.discount), currency),
        tax_rate=whole.tax_rate,
        net_amount=net(already + quantity) - net(already),
        tax_category=whole.tax_category,
        unit_code=whole.unit_code,
        base_quantity=whole.base_quantity,
        discount_reason=whole.discount_reason,
        charge=None if charge is None else Money(part(charge), currency),
        charge_reason=whole.charge_reason,
    )


def document_line(line: OrderLine, quantity: int, already: int) -> DocumentLine:
    """The invoice line for ``quantity`` more units of an order line (see :func:`share_line`)."""
    return share_line(line, quantity, already)


@dataclass(kw_only=True)
class _Document(Totals, Aggregate):
    id: str
    number: str
    order_id: str
    customer_id: str
    currency: str
    lines: tuple[DocumentLine, ...]
    issued_at: datetime
    #: Tax per category and rate where it is not computed from the lines: the credit note
    #: that completes the reversal of an invoice takes exactly the tax still left, so a full
    #: reversal is exact.
    fixed_tax: tuple[tuple[TaxKey, Money], ...] = ()
    #: Document-level allowances and charges (for an invoice, the order's).
    charges: tuple[Charge, ...] = ()
    #: Parties, payment, references and notes as they were at issue.
    details: DocumentDetails = NO_DETAILS

    def __post_init__(self) -> None:
        if not self.lines:
            raise ValidationError("lines", self.lines, "a document needs at least one line")

    @cached_property
    def tax_subtotals(self) -> tuple[TaxSubtotal, ...]:
        """Per category and rate: taxable amount and tax. Cached: an issued document never
        changes."""
        return document_tax(self.lines, self.currency, self.fixed_tax, self.charges)


def document_tax(
    lines: Iterable[DocumentLine],
    currency: str,
    fixed_tax: tuple[tuple[TaxKey, Money], ...] = (),
    charges: Iterable[Charge] = (),
) -> tuple[TaxSubtotal, ...]:
    """Taxable amount and tax per category and rate of document lines and document-level
    allowances and charges; where ``fixed_tax`` names a category and rate, its tax."""
    nets = [(line.key, line.net) for line in lines]
    nets += [(charge.key, charge.signed) for charge in charges]
    computed = tax_subtotals(nets, currency)
    if not fixed_tax:
        return computed
    fixed = dict(fixed_tax)
    return tuple(
        TaxSubtotal(rate=s.rate, net=s.net, tax=fixed.get(s.key, s.tax), category=s.category)
        for s in computed
    )


def document_total(
    lines: Sequence[DocumentLine], currency: str, charges: Iterable[Charge] = ()
) -> Money:
    """What a document of ``lines`` and ``charges`` would come to (net plus tax)."""
    subtotals = document_tax(lines, currency, (), charges)
    return Money(sum((s.net.amount + s.tax.amount for s in subtotals), Decimal(0)), currency)


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"


@dataclass(kw_only=True)
class Invoice(_Document):
    """An issued invoice. ``paid``, ``credited`` and ``refunded`` grow; besides them only the
    sending record changes: ``sent_to`` (the last recipient, ``""`` while never sent) and
    ``send_error`` (why the last attempt to send failed, ``""`` if none did since)."""

    due_date: date
    settlement: Settlement
    paid: Money
    credited: Money
    refunded: Money
    sent_to: str = ""
    send_error: str = ""

    @classmethod
    def issue(
        cls,
        *,
        id: str,
        number: str,
        order_id: str,
        customer_id: str,
        currency: str,
        lines: tuple[DocumentLine, ...],
        at: datetime,
        payment_terms_days: int,
        settlement: Settlement,
        charges: tuple[Charge, ...] = (),
        details: DocumentDetails = NO_DETAILS,
    ) -> Invoice:
        """A new invoice, due ``payment_terms_days`` after ``at``: records ``InvoiceIssued``."""
        zero = Money.zero(currency)
        invoice = cls(
            id=id,
            number=number,
            order_id=order_id,
            customer_id=customer_id,
            currency=currency,
            lines=lines,
            charges=charges,
            details=details,
            issued_at=at,
            due_date=at.date() + timedelta(days=payment_terms_days),
            settlement=settlement,
            paid=zero,
            credited=zero,
            refunded=zero,
        )
        invoice.record(
            InvoiceIssued(
                occurred_at=at,
                invoice_id=id,
                number=number,
                order_id=order_id,
                customer_id=customer_id,
                total=invoice.total,
                due_date=invoice.due_date.isoformat(),
                settlement=settlement,
            )
        )
        return invoice

    @property
    def outstanding(self) -> Money:
        return self.total - self.credited - self.paid + self.refunded

    @property
    def status(self) -> InvoiceStatus:
        if not self.credited.is_zero and self.credited == self.total:
            return InvoiceStatus.CREDITED
        if not self.outstanding.is_negative and not self.outstanding.is_zero:
            return InvoiceStatus.PARTIALLY_PAID if not self.paid.is_zero else InvoiceStatus.OPEN
        return InvoiceStatus.PAID

    @property
    def creditable(self) -> Money:
        return self.total - self.credited

    def sent(self, recipient: str, at: datetime) -> None:
        """The invoice went out to ``recipient`` ``at``: records ``InvoiceSent``."""
        self.sent_to = recipient
        self.send_error = ""
        self.record(
            InvoiceSent(occurred_at=at, invoice_id=self.id, number=self.number, recipient=recipient)
        )

    def sending_failed(self, reason: str) -> None:
        """An attempt to send failed: ``sent_to`` stays as it was, the reason is kept."""
        self.send_error = reason[:500]

    def apply_payment(self, amount: Money) -> None:
        if amount.amount <= 0:
            raise ValidationError("amount", amount, "must be greater than zero")
        if amount > self.outstanding:
            raise Overpayment(self.number, amount, self.outstanding)
        self.paid = self.paid + amount

    def paid_at_once(self) -> None:
        """A cash sale: the whole invoice is paid as it is issued."""
        self.paid = self.total

    def apply_prepayment(self, amount: Money) -> None:
        """Set ``amount`` the customer paid ahead for the order against the invoice."""
        self.paid = self.paid + amount

    def apply_credit(self, amount: Money) -> None:
        if amount > self.creditable:
            raise ValidationError("amount", amount, f"only {self.creditable} left to credit")
        self.credited = self.credited + amount

    def apply_refund(self, amount: Money) -> None:
        due = -self.outstanding
        if amount.amount <= 0 or amount > due:
            raise ValidationError("amount", amount, f"refund due is {due}")
        self.refunded = self.refunded + amount


@dataclass(kw_only=True)
class CreditNote(_Document):
    """Reverses an invoice fully or partly. Its lines are quantities of the invoice's lines."""

    invoice_id: str
    reason: str

    @classmethod
    def issue(
        cls,
        *,
        id: str,
        number: str,
        invoice: Invoice,
        order_id: str,
        lines: tuple[DocumentLine, ...],
        fixed_tax: tuple[tuple[TaxKey, Money], ...],
        reason: str,
        at: datetime,
        charges: tuple[Charge, ...] = (),
        details: DocumentDetails | None = None,
    ) -> CreditNote:
        """A new credit note of ``invoice`` (see :func:`ordermgmt.domain.crediting.credit_for`
        for its lines and tax): records ``CreditNoteIssued``."""
        note = cls(
            id=id,
            number=number,
            order_id=order_id,
            customer_id=invoice.customer_id,
            currency=invoice.currency,
            lines=lines,
            charges=charges,
            details=invoice.details if details is None else details,
            issued_at=at,
            fixed_tax=fixed_tax,
            invoice_id=invoice.id,
            reason=reason[:200],
        )
        note.record(
            CreditNoteIssued(
                occurred_at=at,
                credit_note_id=id,
                number=number,
                invoice_id=invoice.id,
                order_id=order_id,
                total=note.total,
                reason=note.reason,
            )
        )
        return note


# -- what an order's invoices add up to ----------------------------------------------------------


def payment_status(invoices: Sequence[Invoice]) -> PaymentStatus:
    """The payment status of an order with these invoices: not invoiced without one; once
    anything is credited, refunded (all of it credited) or partially refunded; else paid,
    partially paid or invoiced by what was paid of their total."""
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


# -- what is left to invoice -------------------------------------------------------------------


def invoice_lines(order: Order, policy: InvoicePolicy) -> list[DocumentLine]:
    """The lines an invoice of ``order`` would have now under ``policy``: per order line, the
    units the policy allows less those invoiced and not credited."""
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


def uninvoiced(order: Order) -> Money:
    """What is still to be invoiced on ``order``: its units not yet invoiced, less cancelled and
    returned ones, priced as an invoice would price them."""
    lines = invoice_lines(order, InvoicePolicy.ON_ORDER)
    if not lines:
        return Money.zero(order.currency)
    return document_total(lines, order.currency, uninvoiced_charges(order))


def uninvoiced_charges(order: Order) -> tuple[Charge, ...]:
    """The order's allowances and charges if no invoice carries them yet."""
    return () if order.charges_invoice_id else order.charges
