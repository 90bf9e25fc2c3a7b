"""Accounting through the facade: invoice numbers, due dates, sending and invoice policies.

Every scenario ends by checking the books (see ``tests.accounting_checks``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.accounting_checks import (
    NOV_30,
    assert_books_balance,
    order,
)
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications, SequentialIdGenerator
from ordermgmt.domain.events import (
    DomainEvent,
    InvoiceIssued,
    InvoiceSent,
)
from ordermgmt.errors import ValidationError
from ordermgmt.messages import CustomerView

# -- invoices ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("shop")
def test_invoice_numbers_are_gapless_per_year_and_restart_with_the_new_year(
    oms: OrderManagement, clock: FixedClock, acme: CustomerView
) -> None:
    clock.set(datetime(2026, 12, 31, 17, 0, tzinfo=UTC))
    first = oms.issue_invoice(order(oms, acme, ("CHAIR", 1)).id)
    second_order = order(oms, acme, ("BOOK", 1))
    second = oms.issue_invoice(second_order.id)
    with pytest.raises(ValidationError, match="nothing left to invoice"):
        oms.issue_invoice(second_order.id)  # a refused invoice takes no number
    third = oms.issue_invoice(order(oms, acme, ("BOOK", 2)).id)

    clock.set(datetime(2027, 1, 1, 8, 0, tzinfo=UTC))
    new_year = oms.issue_invoice(order(oms, acme, ("BOOK", 3)).id)
    next_one = oms.issue_invoice(order(oms, acme, ("BOOK", 4)).id)

    assert [i.number for i in (first, second, third, new_year, next_one)] == [
        "INV-2026-000001",
        "INV-2026-000002",
        "INV-2026-000003",
        "INV-2027-000001",
        "INV-2027-000002",
    ]
    assert oms.get_invoice(number="INV-2027-000001").id == new_year.id
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_the_due_date_is_the_issue_date_plus_the_payment_terms(
    oms: OrderManagement, acme: CustomerView, erika: CustomerView
) -> None:
    on_account = oms.issue_invoice(order(oms, acme, ("CHAIR", 1)).id)
    no_terms = oms.issue_invoice(order(oms, erika, ("CHAIR", 1)).id)

    assert on_account.issued_at == NOV_30
    assert on_account.due_date == date(2026, 12, 30)
    assert no_terms.due_date == date(2026, 11, 30)


@pytest.mark.usefixtures("shop")
def test_an_issued_invoice_is_sent_with_what_the_customer_needs(
    oms: OrderManagement,
    acme: CustomerView,
    notifications: InMemoryNotifications,
    events: list[DomainEvent],
) -> None:
    placed = order(oms, acme, ("CHAIR", 10), ("BOOK", 1))

    invoice = oms.issue_invoice(placed.id)

    assert invoice.sent_to == "ap@acme.example"
    (message,) = notifications.sent
    assert message.recipient == "ap@acme.example"
    assert message.subject == "Invoice INV-2026-000001"
    assert message.reference == "INV-2026-000001"
    assert message.attachment_name == "INV-2026-000001.txt"
    for text in (
        "Invoice INV-2026-000001 of 2026-11-30 for ACME GmbH",
        "10 x Office chair (CHAIR) at 149.00 EUR = 1,490.00 EUR, tax 19.00 %",
        "1 x Handbook (BOOK) at 19.99 EUR = 19.99 EUR, tax 7.00 %",
        "Tax 19.00 % on 1,490.00 EUR: 283.10 EUR",
        "Tax 7.00 % on 19.99 EUR: 1.40 EUR",
        "Total 1,794.49 EUR",
        "Due 2026-12-30",
    ):
        assert text in message.body
    names = [e.name for e in events if isinstance(e, InvoiceIssued | InvoiceSent)]
    assert names == ["InvoiceIssued", "InvoiceSent"]
    (created,) = [e for e in events if isinstance(e, InvoiceIssued)]
    (sent,) = [e for e in events if isinstance(e, InvoiceSent)]
    assert (created.total, created.due_date, created.settlement) == (
        invoice.total,
        "2026-12-30",
        "receivable",
    )
    assert (sent.invoice_id, sent.recipient) == (invoice.id, "ap@acme.example")


@pytest.mark.usefixtures("shop")
def test_a_customer_without_an_email_address_is_addressed_by_id(
    oms: OrderManagement, notifications: InMemoryNotifications
) -> None:
    walk_in = oms.register_customer(name="Walk-in", kind="b2c", payment_preference="invoice")

    invoice = oms.issue_invoice(order(oms, walk_in, ("BOOK", 1)).id)

    assert invoice.sent_to == f"customer:{walk_in.id}"
    assert notifications.sent[0].recipient == f"customer:{walk_in.id}"


@pytest.mark.usefixtures("shop")
def test_an_invoice_that_could_not_be_sent_is_issued_and_resent_later(
    oms: OrderManagement,
    acme: CustomerView,
    notifications: InMemoryNotifications,
    events: list[DomainEvent],
) -> None:
    notifications.fail_next()

    invoice = oms.issue_invoice(order(oms, acme, ("CHAIR", 1)).id)

    assert invoice.number == "INV-2026-000001"
    assert invoice.sent_to == ""
    assert not notifications.sent
    assert oms.get_invoice(invoice.id).sent_to == ""
    assert len(oms.journal(invoice.number)) == 1  # issued and posted all the same
    assert not any(isinstance(e, InvoiceSent) for e in events)

    resent = oms.resend_invoice(invoice.id)

    assert resent.sent_to == "ap@acme.example"
    assert oms.get_invoice(invoice.id).sent_to == "ap@acme.example"
    assert [m.subject for m in notifications.sent] == ["Invoice INV-2026-000001"]
    assert [e.number for e in events if isinstance(e, InvoiceSent)] == ["INV-2026-000001"]
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_an_invoice_can_be_sent_again_on_request(
    oms: OrderManagement, acme: CustomerView, notifications: InMemoryNotifications
) -> None:
    invoice = oms.issue_invoice(order(oms, acme, ("CHAIR", 1)).id)

    oms.resend_invoice(invoice.id)

    assert [m.subject for m in notifications.sent] == ["Invoice INV-2026-000001"] * 2


def shipping_oms(clock: FixedClock, policy: str) -> OrderManagement:
    oms = OrderManagement.in_memory(clock=clock, ids=SequentialIdGenerator(), invoice_policy=policy)
    oms.upsert_product(sku="CHAIR", name="Office chair", unit_price=eur("149.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Stuhlwerk AG")
    return oms


def test_on_shipment_policy_invoices_only_what_was_shipped(clock: FixedClock) -> None:
    oms = shipping_oms(clock, "on_shipment")
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = order(oms, buyer, ("CHAIR", 3))

    with pytest.raises(ValidationError, match="nothing left to invoice") as raised:
        oms.issue_invoice(placed.id)
    assert raised.value.field == "order_id"

    oms.ship_order(placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": 2}])
    first = oms.issue_invoice(placed.id)
    with pytest.raises(ValidationError, match="on_shipment"):
        oms.issue_invoice(placed.id)
    oms.ship_order(placed.id, carrier="parcel")
    second = oms.issue_invoice(placed.id)

    assert [(i.lines[0].quantity, i.total) for i in (first, second)] == [
        (2, eur("354.62")),
        (1, eur("177.31")),
    ]
    assert first.total + second.total == oms.get_order(placed.id).total
    assert oms.get_order(placed.id).payment_status == "invoiced"
    assert_books_balance(oms)


def test_on_order_policy_invoices_everything_ordered_before_shipping(clock: FixedClock) -> None:
    oms = shipping_oms(clock, "on_order")
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = order(oms, buyer, ("CHAIR", 3))

    invoice = oms.issue_invoice(placed.id)

    assert invoice.lines[0].quantity == 3
    assert invoice.total == placed.total
    with pytest.raises(ValidationError, match="nothing left to invoice"):
        oms.issue_invoice(placed.id)
    assert_books_balance(oms)


def test_an_unknown_invoice_policy_is_refused(clock: FixedClock) -> None:
    with pytest.raises(ValidationError) as raised:
        OrderManagement.in_memory(clock=clock, invoice_policy="weekly")

    assert raised.value.field == "invoice_policy"


@pytest.mark.usefixtures("shop")
def test_a_cancelled_order_cannot_be_invoiced(oms: OrderManagement, acme: CustomerView) -> None:
    placed = order(oms, acme, ("CHAIR", 1))
    oms.cancel_order(placed.id, reason="changed mind")

    with pytest.raises(ValidationError, match="cancelled"):
        oms.issue_invoice(placed.id)
    with pytest.raises(ValidationError, match="cancelled"):
        oms.record_payment(order_id=placed.id, amount=eur("1.00"), method="card")
    assert oms.journal() == []
