"""Shared checks of the accounting tests: the books balance, journal entries as sets."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from ordermgmt import Money, OrderManagement
from ordermgmt.errors import NotFound
from ordermgmt.messages import CustomerView, OrderView

NOV_30 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
RATES = ("0", "0.07", "0.19", "0.2", "0.055", "0.0825")

Posting = tuple[str, str, Money]


def order(oms: OrderManagement, customer: CustomerView, *lines: tuple[str, int]) -> OrderView:
    return oms.place_order(
        customer_id=customer.id,
        channel="web",
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines],
    )


# -- checks ------------------------------------------------------------------------------------


def entries(oms: OrderManagement, reference: str) -> list[set[Posting]]:
    """The journal entries about ``reference``, each as a set of (account, side, amount)."""
    return [{(p.account, p.side, p.amount) for p in e.postings} for e in oms.journal(reference)]


def all_orders(oms: OrderManagement) -> list[OrderView]:
    found = []
    number = 1
    while True:
        try:
            found.append(oms.get_order(number=f"SO-{number:06d}"))
        except NotFound:
            return found
        number += 1


def assert_books_balance(oms: OrderManagement) -> None:
    """Debits equal credits (in total and per entry); receivables equal what is outstanding."""
    balance = oms.trial_balance()
    assert balance.balanced
    for journal_entry in oms.journal():
        debit = sum((p.amount.amount for p in journal_entry.postings if p.side == "debit"), 0)
        credit = sum((p.amount.amount for p in journal_entry.postings if p.side == "credit"), 0)
        assert debit == credit, journal_entry
    outstanding: dict[str, Decimal] = defaultdict(Decimal)
    for placed in all_orders(oms):
        for invoice in oms.order_invoices(placed.id):
            outstanding[invoice.currency] += invoice.outstanding.amount
    currencies = set(outstanding) | {line.currency for line in balance.lines}
    for currency in currencies:
        assert balance.balance("1400", currency) == outstanding[currency], currency
