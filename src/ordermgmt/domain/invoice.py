"""Invoices (Rechnungen) and credit notes (Gutschriften).

Amounts follow EN 16931: line nets are rounded, tax is computed per rate on the sum of the line
nets at that rate, total = net + tax. Issued documents are never edited; their numbers come from
gapless series assigned in the transaction that issues them.

The money side of an invoice: ``outstanding = total - credited - paid + refunded``. A negative
outstanding is money the seller owes the customer (a refund due).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from ordermgmt.domain.base import Aggregate, require_quantity
from ordermgmt.domain.errors import Overpayment, ValidationError
from ordermgmt.domain.money import Money, round_amount
from ordermgmt.domain.order import OrderLine, TaxSubtotal, Totals, tax_subtotals


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
    unit_price: Money
    discount: Money
    tax_rate: Decimal
    #: The line's net where it is a share of a larger line (see :func:`share_line`).
    net_amount: Decimal | None = None

    @property
    def net(self) -> Money:
        currency = self.unit_price.currency
        if self.net_amount is not None:
            return Money(self.net_amount, currency)
        gross = self.unit_price.amount * self.quantity - self.discount.amount
        return Money(round_amount(gross, currency), currency)


def share_line(
    *,
    line_no: int,
    sku: str,
    name: str,
    unit_price: Money,
    tax_rate: Decimal,
    whole_quantity: int,
    whole_discount: Money,
    quantity: int,
    already: int,
) -> DocumentLine:
    """The document line for ``quantity`` more units of a line of ``whole_quantity`` units,
    after ``already`` units were documented.

    Discount and net are shared out cumulatively: units 1..k carry
    ``round(discount * k / whole_quantity)`` of the discount and ``round(price * k - that)`` of
    the net, and a part is the difference of two such figures. So a line invoiced (or credited)
    in parts adds up to exactly the line documented at once, even with a unit price finer than
    the currency's minor unit.
    """
    require_quantity(quantity)
    if already + quantity > whole_quantity:
        raise ValidationError("quantity", quantity, f"only {whole_quantity - already} left")
    currency = unit_price.currency

    def share(units: int) -> Decimal:
        return round_amount(whole_discount.amount * units / whole_quantity, currency)

    def net(units: int) -> Decimal:
        return round_amount(unit_price.amount * units - share(units), currency)

    return DocumentLine(
        order_line_no=line_no,
        sku=sku,
        name=name,
        quantity=quantity,
        unit_price=unit_price,
        discount=Money(share(already + quantity) - share(already), currency),
        tax_rate=tax_rate,
        net_amount=net(already + quantity) - net(already),
    )


def document_line(line: OrderLine, quantity: int, already: int) -> DocumentLine:
    """The invoice line for ``quantity`` more units of an order line (see :func:`share_line`)."""
    return share_line(
        line_no=line.line_no,
        sku=line.sku,
        name=line.name,
        unit_price=line.unit_price,
        tax_rate=line.tax_rate,
        whole_quantity=line.quantity,
        whole_discount=line.discount,
        quantity=quantity,
        already=already,
    )


@dataclass(kw_only=True)
class _Document(Totals, Aggregate):
    id: str
    number: str
    order_id: str
    customer_id: str
    currency: str
    lines: tuple[DocumentLine, ...]
    issued_at: datetime
    #: Tax per rate where it is not computed from the lines: the credit note that completes the
    #: reversal of an invoice takes exactly the tax still left, so a full reversal is exact.
    fixed_tax: tuple[tuple[Decimal, Money], ...] = ()

    def __post_init__(self) -> None:
        if not self.lines:
            raise ValidationError("lines", self.lines, "a document needs at least one line")

    @cached_property
    def tax_subtotals(self) -> tuple[TaxSubtotal, ...]:
        """Per rate: net and tax. Cached: an issued document's lines never change."""
        computed = tax_subtotals(((line.tax_rate, line.net) for line in self.lines), self.currency)
        if not self.fixed_tax:
            return computed
        fixed = dict(self.fixed_tax)
        return tuple(
            TaxSubtotal(rate=s.rate, net=s.net, tax=fixed.get(s.rate, s.tax)) for s in computed
        )


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
    ) -> Invoice:
        zero = Money.zero(currency)
        return cls(
            id=id,
            number=number,
            order_id=order_id,
            customer_id=customer_id,
            currency=currency,
            lines=lines,
            issued_at=at,
            due_date=at.date() + timedelta(days=payment_terms_days),
            settlement=settlement,
            paid=zero,
            credited=zero,
            refunded=zero,
        )

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

    def sent(self, recipient: str) -> None:
        """The invoice went out to ``recipient``."""
        self.sent_to = recipient
        self.send_error = ""

    def sending_failed(self, reason: str) -> None:
        """An attempt to send failed: ``sent_to`` stays as it was, the reason is kept."""
        self.send_error = reason[:500]

    def apply_payment(self, amount: Money) -> None:
        if amount.amount <= 0:
            raise ValidationError("amount", amount, "must be greater than zero")
        if amount > self.outstanding:
            raise Overpayment(self.number, amount, self.outstanding)
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
