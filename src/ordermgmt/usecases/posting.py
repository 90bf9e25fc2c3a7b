"""What every step that moves money shares: posting journal entries and booking payments.

Posting rules (docs/concepts.md): an invoice on account debits receivables and credits revenue and
output tax per rate; a payment for it debits cash or bank and credits receivables. Money that
arrives before the invoice is a customer prepayment (a liability) until an invoice is set
against it. Credit notes reverse revenue and tax against receivables; refunds pay receivables
(or prepayments) back out of cash or bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ordermgmt.domain.charges import Charge
from ordermgmt.domain.errors import CurrencyMismatch
from ordermgmt.domain.invoice import DocumentLine, document_tax
from ordermgmt.domain.ledger import EntryBuilder, JournalEntry
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order
from ordermgmt.domain.payment import Payment, PaymentKind
from ordermgmt.domain.totals import TaxKey
from ordermgmt.ports import Dependencies, UnitOfWork


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
    journal_entry = JournalEntry.post(
        id=deps.ids.new_id(),
        at=at,
        description=description,
        postings=postings,
        reference=reference,
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


def credit_sales(
    entry: EntryBuilder,
    deps: Dependencies,
    lines: Sequence[DocumentLine],
    currency: str,
    sign: int = 1,
    charges: Sequence[Charge] = (),
    fixed_tax: tuple[tuple[TaxKey, Money], ...] = (),
) -> None:
    """Revenue per category and rate (the lines' nets), document-level charges and allowances
    to their own accounts, and output tax per category and rate, on the credit side (sign 1)
    or reversed onto the debit side (sign -1)."""
    chart = deps.settings.chart
    for key, net in _nets(lines, currency).items():
        entry.credit(chart.revenue(key.rate, key.category), net * sign)
    for charge in charges:
        if charge.charge:
            entry.credit(chart.charges_invoiced, charge.amount * sign)
        else:
            entry.debit(chart.allowances_granted, charge.amount * sign)
    for subtotal in document_tax(lines, currency, fixed_tax, charges):
        entry.credit(chart.output_tax(subtotal.rate, subtotal.category), subtotal.tax * sign)


def _nets(lines: Sequence[DocumentLine], currency: str) -> dict[TaxKey, Money]:
    nets: dict[TaxKey, Money] = {}
    for line in lines:
        nets[line.key] = nets.get(line.key, Money.zero(currency)) + line.net
    return nets


def new_payment(
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
    """Book money for ``order`` that moved ``at`` (see ``Payment.book``)."""
    return Payment.book(
        id=deps.ids.new_id(),
        kind=kind,
        customer_id=order.customer_id,
        order_id=order.id,
        invoice_id=invoice_id,
        amount=amount,
        method=method,
        reference=reference,
        at=at,
    )


def same_currency(amount: Money, currency: str) -> None:
    """Refuse ``amount`` in another currency than ``currency``."""
    if amount.currency != currency:
        raise CurrencyMismatch(currency, amount.currency, "amount")
