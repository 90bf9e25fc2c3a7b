"""Reports on open receivables as of a date: the dunning list and the aging.

A report as of a day D is a snapshot: it shows invoices issued on or before D, with the
payments, refunds and credit notes made on or before D, so it gives the same figures whenever
it is run. Days are UTC calendar days.

How: an invoice's outstanding amount is what its own journal entries (reference: the invoice
number) left on receivables, less its credit notes (the receivable part of the invoice, payments
against it, refunds and credit carried over from it all post under its number). So the amount as
of D is today's amount with everything posted under its number after D taken back, and every
credit note issued after D added back. Only invoices open today or touched after D can have been
open on D, so the report reads those and nothing else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from ordermgmt.domain.invoice import Invoice
from ordermgmt.domain.ledger import Side
from ordermgmt.domain.money import Money, round_amount
from ordermgmt.messages import (
    AgingBucketView,
    GetReceivablesAging,
    ListOverdueInvoices,
    OverdueInvoiceView,
    ReceivablesAgingView,
)
from ordermgmt.ports import Dependencies, UnitOfWork


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def open_as_of(uow: UnitOfWork, deps: Dependencies, as_of: date) -> list[tuple[Invoice, Money]]:
    """Invoices issued on or before ``as_of`` with what was outstanding on them at the end of
    that day (only those with an amount due), oldest first."""
    after = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
    receivables = deps.settings.chart.receivables
    later_notes = [
        n for n in uow.credit_notes.list_issued_since(after) if _day(n.issued_at) > as_of
    ]
    note_numbers = {n.number for n in later_notes}
    # per reference: what entries after the day moved on receivables (debit positive)
    moved: dict[str, Decimal] = {}
    for entry in uow.ledger.entries_since(after):
        if _day(entry.posted_at) <= as_of or entry.reference in note_numbers:
            continue
        for posting in entry.postings:
            if posting.account == receivables:
                sign = 1 if posting.side is Side.DEBIT else -1
                moved[entry.reference] = moved.get(entry.reference, Decimal(0)) + (
                    sign * posting.amount.amount
                )
    invoices = {i.id: i for i in uow.invoices.list_unsettled()}
    for note in later_notes:
        invoices.setdefault(note.invoice_id, uow.invoices.get(note.invoice_id))
    for number in moved:
        invoice = uow.invoices.get_by_number(number)
        invoices.setdefault(invoice.id, invoice)
    result = []
    for invoice in invoices.values():
        if _day(invoice.issued_at) > as_of:
            continue
        amount = invoice.outstanding.amount - moved.get(invoice.number, Decimal(0))
        amount += sum(
            (n.total.amount for n in later_notes if n.invoice_id == invoice.id), Decimal(0)
        )
        if amount > 0:
            result.append((invoice, Money(amount, invoice.currency)))
    return sorted(result, key=lambda pair: (pair[0].issued_at, pair[0].number))


def list_overdue_invoices(
    deps: Dependencies, query: ListOverdueInvoices
) -> list[OverdueInvoiceView]:
    """The dunning list as of a day: invoices with an amount due past their due date, most
    overdue first."""
    with deps.uow() as uow:
        rows = []
        for invoice, outstanding in open_as_of(uow, deps, query.as_of):
            days = (query.as_of - invoice.due_date).days
            if days <= 0:
                continue
            customer = uow.customers.get(invoice.customer_id)
            rows.append(
                OverdueInvoiceView(
                    customer_id=customer.id,
                    customer_name=customer.name,
                    invoice_id=invoice.id,
                    invoice_number=invoice.number,
                    due_date=invoice.due_date,
                    days_overdue=days,
                    outstanding=outstanding,
                )
            )
    return sorted(rows, key=lambda r: (-r.days_overdue, r.invoice_number))


def _bucket(days: int) -> int:
    return 0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90 else 4


def receivables_aging(deps: Dependencies, query: GetReceivablesAging) -> ReceivablesAgingView:
    """Receivables open at the end of a day by days past due: not yet due, 1-30, 31-60, 61-90,
    over 90."""
    buckets: dict[str, list[Decimal]] = {}
    with deps.uow() as uow:
        for invoice, outstanding in open_as_of(uow, deps, query.as_of):
            row = buckets.setdefault(invoice.currency, [Decimal(0)] * 5)
            row[_bucket((query.as_of - invoice.due_date).days)] += outstanding.amount
    return ReceivablesAgingView(
        as_of=query.as_of,
        buckets=tuple(
            AgingBucketView(
                currency=currency,
                current=round_amount(row[0], currency),
                days_1_30=round_amount(row[1], currency),
                days_31_60=round_amount(row[2], currency),
                days_61_90=round_amount(row[3], currency),
                over_90=round_amount(row[4], currency),
                total=round_amount(sum(row, Decimal(0)), currency),
            )
            for currency, row in sorted(buckets.items())
        ),
    )
