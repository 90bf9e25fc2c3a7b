"""Accounting through the facade: the dunning list and receivables aging.

Every scenario ends by checking the books (see ``tests.accounting_checks``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from tests.accounting_checks import (
    NOV_30,
    assert_books_balance,
    order,
)
from tests.money import eur

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock
from ordermgmt.messages import CustomerView

# -- overdue invoices and aging ----------------------------------------------------------------


@pytest.mark.usefixtures("shop")
def test_the_dunning_list_shows_unpaid_invoices_past_due_most_overdue_first(
    oms: OrderManagement, clock: FixedClock, acme: CustomerView, erika: CustomerView
) -> None:
    slow = oms.register_customer(
        name="Slow Payer KG", kind="b2b", payment_preference="invoice", payment_terms_days=14
    )
    clock.set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    oldest = oms.issue_invoice(order(oms, acme, ("CHAIR", 1)).id)  # due 2026-10-31
    paid = oms.issue_invoice(order(oms, acme, ("BOOK", 1)).id)
    oms.record_payment(invoice_id=paid.id, amount=paid.total, method="bank_transfer")
    clock.set(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    part_paid = oms.issue_invoice(order(oms, slow, ("CHAIR", 2)).id)  # due 2026-11-16
    oms.record_payment(invoice_id=part_paid.id, amount=eur("300.00"), method="bank_transfer")
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    not_yet_due = oms.issue_invoice(order(oms, acme, ("BOOK", 2)).id)  # due 2026-12-31
    cash_sale = order(oms, erika, ("BOOK", 1))
    oms.record_payment(order_id=cash_sale.id, amount=cash_sale.total, method="card")

    dunning = oms.overdue_invoices(as_of=date(2026, 12, 31))

    assert [
        (r.invoice_number, r.customer_name, r.due_date, r.days_overdue, r.outstanding)
        for r in dunning
    ] == [
        (oldest.number, "ACME GmbH", date(2026, 10, 31), 61, eur("177.31")),
        (part_paid.number, "Slow Payer KG", date(2026, 11, 16), 45, eur("54.62")),
    ]
    assert dunning[0].customer_id == acme.id
    assert dunning[1].invoice_id == part_paid.id
    assert not_yet_due.due_date == date(2026, 12, 31)  # due today is not overdue
    assert oms.overdue_invoices(as_of=date(2026, 10, 31)) == []
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_receivables_aging_puts_open_amounts_into_buckets_of_days_past_due(
    oms: OrderManagement, clock: FixedClock
) -> None:
    prompt = oms.register_customer(name="Prompt AG", kind="b2b", payment_preference="invoice")
    oms.upsert_product(sku="TEA", name="Tea set", unit_price=Money("5000", "JPY"), tax_rate="0.1")
    as_of = date(2026, 12, 31)
    # due dates (terms 0) 0, 1, 30, 31, 60, 61, 90 and 91 days before as_of
    for days, sku in [(0, "BOOK"), (1, "BOOK"), (30, "BOOK"), (31, "CHAIR")]:
        clock.set(datetime.combine(as_of - timedelta(days=days), NOV_30.timetz()))
        oms.issue_invoice(order(oms, prompt, (sku, 1)).id)
    for days in (60, 61, 90, 91):
        clock.set(datetime.combine(as_of - timedelta(days=days), NOV_30.timetz()))
        oms.issue_invoice(order(oms, prompt, ("CHAIR", 1)).id)
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    oms.issue_invoice(order(oms, prompt, ("TEA", 1)).id)  # 30 days past due, in JPY

    aging = oms.receivables_aging(as_of=as_of)

    assert aging.as_of == as_of
    eur_bucket, jpy = aging.buckets  # sorted by currency
    assert (eur_bucket.currency, jpy.currency) == ("EUR", "JPY")
    assert eur_bucket.current == Decimal("21.39")
    assert eur_bucket.days_1_30 == Decimal("42.78")
    assert eur_bucket.days_31_60 == Decimal("354.62")
    assert eur_bucket.days_61_90 == Decimal("354.62")
    assert eur_bucket.over_90 == Decimal("177.31")
    assert eur_bucket.total == Decimal("950.72")
    assert (jpy.days_1_30, jpy.total) == (Decimal("5500"), Decimal("5500"))
    assert_books_balance(oms)
