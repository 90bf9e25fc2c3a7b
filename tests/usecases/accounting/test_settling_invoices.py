"""Accounting through the facade: payments and credit notes settling invoices.

Every scenario ends by checking the books (see ``tests.accounting_checks``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.accounting_checks import (
    assert_books_balance,
    order,
)
from tests.money import eur

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock
from ordermgmt.domain.events import (
    CreditNoteIssued,
    DomainEvent,
    InvoiceIssued,
    InvoiceSent,
    JournalEntryPosted,
    PaymentReceived,
    RefundPaid,
)
from ordermgmt.errors import CurrencyMismatch, NotFound, Overpayment, ValidationError
from ordermgmt.messages import CustomerView

# -- payments ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("shop")
def test_several_payments_settle_an_invoice_and_both_statuses_follow(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))  # 354.62
    invoice = oms.issue_invoice(placed.id)
    assert (invoice.status, oms.get_order(placed.id).payment_status) == ("open", "invoiced")

    seen = []
    for amount in ("100.00", "200.00", "54.62"):
        oms.record_payment(invoice_id=invoice.id, amount=eur(amount), method="bank_transfer")
        now = oms.get_invoice(invoice.id)
        seen.append((now.status, now.outstanding, oms.get_order(placed.id).payment_status))

    assert seen == [
        ("partially_paid", eur("254.62"), "partially_paid"),
        ("partially_paid", eur("54.62"), "partially_paid"),
        ("paid", eur("0.00"), "paid"),
    ]
    received = [e for e in events if isinstance(e, PaymentReceived)]
    assert [(e.kind, e.amount) for e in received] == [
        ("payment", eur("100.00")),
        ("payment", eur("200.00")),
        ("payment", eur("54.62")),
    ]
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_an_overpayment_is_refused_and_changes_nothing(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, acme, ("CHAIR", 1))  # 177.31
    invoice = oms.issue_invoice(placed.id)
    oms.record_payment(invoice_id=invoice.id, amount=eur("100.00"), method="bank_transfer")
    before = (oms.get_invoice(invoice.id), oms.get_order(placed.id), oms.trial_balance())
    journal = oms.journal()
    events.clear()

    with pytest.raises(Overpayment) as raised:
        oms.record_payment(invoice_id=invoice.id, amount=eur("77.32"), method="bank_transfer")

    assert raised.value.code == "overpayment"
    assert raised.value.document == invoice.number
    assert raised.value.outstanding == eur("77.31")
    assert raised.value.amount == eur("77.32")
    assert (oms.get_invoice(invoice.id), oms.get_order(placed.id), oms.trial_balance()) == before
    assert oms.journal() == journal
    assert events == []


@pytest.mark.usefixtures("shop")
def test_paying_more_than_an_uninvoiced_order_is_an_overpayment(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 1))  # 177.31
    oms.record_payment(order_id=placed.id, amount=eur("100.00"), method="bank_transfer")

    with pytest.raises(Overpayment) as raised:
        oms.record_payment(order_id=placed.id, amount=eur("77.32"), method="bank_transfer")

    assert raised.value.outstanding == eur("77.31")
    assert oms.trial_balance().balance("2100", "EUR") == Decimal("-100.00")
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_a_payment_in_another_currency_is_refused(oms: OrderManagement, acme: CustomerView) -> None:
    placed = order(oms, acme, ("CHAIR", 1))
    invoice = oms.issue_invoice(placed.id)

    with pytest.raises(CurrencyMismatch) as raised:
        oms.record_payment(invoice_id=invoice.id, amount=Money("177.31", "USD"), method="card")
    with pytest.raises(CurrencyMismatch):
        oms.record_payment(order_id=placed.id, amount=Money("177.31", "CHF"), method="card")

    assert raised.value.value == "USD"
    assert oms.get_invoice(invoice.id).paid == eur("0")
    assert len(oms.journal()) == 1
    assert_books_balance(oms)


@pytest.mark.parametrize(
    "target",
    [{}, {"invoice_id": "id-000001", "order_id": "id-000002"}],
    ids=["neither", "both"],
)
def test_a_payment_names_exactly_one_invoice_or_order(
    oms: OrderManagement, target: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="exactly one"):
        oms.record_payment(amount=eur("1.00"), method="card", **target)


def test_a_payment_for_an_unknown_invoice_is_not_found(oms: OrderManagement) -> None:
    with pytest.raises(NotFound):
        oms.record_payment(invoice_id="no-such-invoice", amount=eur("1.00"), method="card")


@pytest.mark.usefixtures("shop")
def test_accounting_steps_raise_their_events_in_order(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, acme, ("CHAIR", 1))
    events.clear()

    invoice = oms.issue_invoice(placed.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
    note = oms.issue_credit_note(invoice.id, reason="returned unopened")

    kinds = [
        type(e)
        for e in events
        if isinstance(
            e, InvoiceIssued | InvoiceSent | PaymentReceived | CreditNoteIssued | RefundPaid
        )
    ]
    assert kinds == [InvoiceIssued, InvoiceSent, PaymentReceived, CreditNoteIssued, RefundPaid]
    posted = [e for e in events if isinstance(e, JournalEntryPosted)]
    assert [(e.reference, e.amount) for e in posted] == [
        (invoice.number, eur("177.31")),
        (invoice.number, eur("177.31")),
        (note.number, eur("177.31")),
        (invoice.number, eur("177.31")),
    ]
    credited = next(e for e in events if isinstance(e, CreditNoteIssued))
    assert (credited.number, credited.total, credited.reason) == (
        "CN-2026-000001",
        eur("177.31"),
        "returned unopened",
    )
    assert_books_balance(oms)


# -- credit notes ------------------------------------------------------------------------------


@pytest.mark.usefixtures("shop")
def test_credit_notes_have_their_own_gapless_series_per_year(
    oms: OrderManagement, clock: FixedClock, acme: CustomerView
) -> None:
    invoice = oms.issue_invoice(order(oms, acme, ("CHAIR", 3), ("BOOK", 2)).id)

    first = oms.issue_credit_note(invoice.id, reason="r1", lines=[{"sku": "CHAIR", "quantity": 1}])
    with pytest.raises(ValidationError):
        oms.issue_credit_note(invoice.id, reason="r2", lines=[{"sku": "DESK", "quantity": 1}])
    second = oms.issue_credit_note(invoice.id, reason="r3", lines=[{"sku": "BOOK", "quantity": 1}])
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    third = oms.issue_credit_note(invoice.id, reason="r4")

    assert [n.number for n in (first, second, third)] == [
        "CN-2026-000001",
        "CN-2026-000002",
        "CN-2027-000001",
    ]
    assert oms.issue_invoice(order(oms, acme, ("BOOK", 1)).id).number == "INV-2027-000001"
    assert first.total + second.total + third.total == invoice.total
    assert [(ln.sku, ln.quantity) for ln in third.lines] == [("CHAIR", 2), ("BOOK", 1)]
    assert oms.get_invoice(invoice.id).status == "credited"
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_more_than_was_invoiced_cannot_be_credited(
    oms: OrderManagement, acme: CustomerView
) -> None:
    invoice = oms.issue_invoice(order(oms, acme, ("CHAIR", 2)).id)

    with pytest.raises(ValidationError, match="only 2 left"):
        oms.issue_credit_note(invoice.id, reason="r", lines=[{"sku": "CHAIR", "quantity": 3}])
    oms.issue_credit_note(invoice.id, reason="all of it")
    with pytest.raises(ValidationError, match="fully credited"):
        oms.issue_credit_note(invoice.id, reason="again")

    assert len(oms.journal()) == 2
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_a_partly_credited_unpaid_invoice_is_paid_by_paying_the_rest(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))
    invoice = oms.issue_invoice(placed.id)
    oms.issue_credit_note(invoice.id, reason="r", lines=[{"sku": "CHAIR", "quantity": 1}])

    with pytest.raises(Overpayment):
        oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
    oms.record_payment(invoice_id=invoice.id, amount=eur("177.31"), method="bank_transfer")

    after = oms.get_invoice(invoice.id)
    assert (after.status, after.outstanding) == ("paid", eur("0.00"))
    assert oms.get_order(placed.id).payment_status == "partially_refunded"
    assert_books_balance(oms)
