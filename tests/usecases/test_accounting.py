"""Accounting through the facade: invoices, payments, credit notes, refunds and the ledger.

Every scenario ends by checking the books: the trial balance balances, every journal entry
balances on its own, and the receivables account holds exactly what the invoices say is
outstanding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.money import eur

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications, SequentialIdGenerator
from ordermgmt.domain.events import (
    CreditNoteIssued,
    DomainEvent,
    InvoiceIssued,
    InvoiceSent,
    JournalEntryPosted,
    PaymentReceived,
    RefundPaid,
)
from ordermgmt.domain.money import minor_unit, round_amount
from ordermgmt.errors import CurrencyMismatch, NotFound, Overpayment, ValidationError
from ordermgmt.messages import CustomerView, OrderView

NOV_30 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
RATES = ("0", "0.07", "0.19", "0.2", "0.055", "0.0825")

Posting = tuple[str, str, Money]


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOV_30)


@pytest.fixture
def notifications() -> InMemoryNotifications:
    return InMemoryNotifications()


@pytest.fixture
def oms(
    clock: FixedClock,
    notifications: InMemoryNotifications,
    build_oms: Callable[..., OrderManagement],
) -> OrderManagement:
    return build_oms(clock=clock, ids=SequentialIdGenerator(), notifications=notifications)


@pytest.fixture
def shop(oms: OrderManagement) -> None:
    """Chairs (19 %, unit cost known) and handbooks (7 %), twenty of each in Berlin."""
    oms.upsert_product(
        sku="CHAIR",
        name="Office chair",
        unit_price=eur("149.00"),
        tax_rate=Decimal("0.19"),
        unit_cost=eur("80.00"),
        weight_kg="12.5",
    )
    oms.upsert_product(
        sku="BOOK", name="Handbook", unit_price=eur("19.99"), tax_rate=Decimal("0.07")
    )
    oms.receive_stock(sku="CHAIR", location="BER", quantity=20, supplier="Stuhlwerk AG")
    oms.receive_stock(sku="BOOK", location="BER", quantity=20, supplier="Verlag")


@pytest.fixture
def acme(oms: OrderManagement) -> CustomerView:
    """A B2B customer on account: 30 days, a credit limit far above these tests' orders."""
    return oms.register_customer(
        name="ACME GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        credit_limit=eur("100000"),
        email="ap@acme.example",
    )


@pytest.fixture
def erika(oms: OrderManagement) -> CustomerView:
    """A B2C customer paying by card."""
    return oms.register_customer(
        name="Erika Mustermann", kind="b2c", payment_preference="card", email="erika@example.org"
    )


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


# -- posting rules -----------------------------------------------------------------------------


@pytest.mark.usefixtures("shop")
def test_an_invoice_on_account_debits_receivables_and_credits_revenue_and_tax_per_rate(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 10), ("BOOK", 3))

    invoice = oms.issue_invoice(placed.id)

    assert invoice.settlement == "receivable"
    assert invoice.total == eur("1837.27")  # 1490.00 + 283.10 + 59.97 + 4.20
    assert entries(oms, invoice.number) == [
        {
            ("1400", "debit", eur("1837.27")),
            ("4000-19", "credit", eur("1490.00")),
            ("2300-19", "credit", eur("283.10")),
            ("4000-7", "credit", eur("59.97")),
            ("2300-7", "credit", eur("4.20")),
        }
    ]
    balance = oms.trial_balance()
    names = {line.account: (line.name, line.type) for line in balance.lines}
    assert names["4000-19"] == ("Revenue 19 %", "revenue")
    assert names["2300-7"] == ("Output tax 7 %", "liability")
    assert names["1400"] == ("Trade receivables", "asset")
    assert balance.balance("4000-7", "EUR") == Decimal("-59.97")
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(("method", "account"), [("bank_transfer", "1200"), ("cash", "1000")])
def test_a_payment_for_an_invoice_debits_bank_or_cash_and_credits_receivables(
    oms: OrderManagement, acme: CustomerView, method: str, account: str
) -> None:
    invoice = oms.issue_invoice(order(oms, acme, ("CHAIR", 1)).id)

    payment = oms.record_payment(
        invoice_id=invoice.id, amount=invoice.total, method=method, reference="stmt 17"
    )

    assert (payment.kind, payment.method, payment.reference) == ("payment", method, "stmt 17")
    assert payment.invoice_id == invoice.id
    assert entries(oms, invoice.number)[1] == {
        (account, "debit", eur("177.31")),
        ("1400", "credit", eur("177.31")),
    }
    assert oms.trial_balance().balance("1400", "EUR") == 0
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_a_prepayment_is_a_liability_until_the_invoice_is_set_against_it(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 1))

    prepayment = oms.record_payment(
        order_id=placed.id, amount=eur("177.31"), method="bank_transfer"
    )

    assert prepayment.kind == "prepayment"
    assert prepayment.invoice_id == ""
    assert entries(oms, placed.number) == [
        {("1200", "debit", eur("177.31")), ("2100", "credit", eur("177.31"))}
    ]
    assert oms.get_order(placed.id).payment_status == "not_invoiced"
    assert oms.trial_balance().balance("2100", "EUR") == Decimal("-177.31")

    invoice = oms.issue_invoice(placed.id)

    assert (invoice.settlement, invoice.status) == ("prepaid", "paid")
    assert invoice.paid == invoice.total
    assert invoice.outstanding == eur("0.00")
    assert entries(oms, invoice.number) == [
        {
            ("2100", "debit", eur("177.31")),
            ("4000-19", "credit", eur("149.00")),
            ("2300-19", "credit", eur("28.31")),
        }
    ]
    assert oms.trial_balance().balance("2100", "EUR") == 0
    assert oms.get_order(placed.id).payment_status == "paid"
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_a_part_prepayment_covers_part_of_the_invoice_and_the_rest_is_receivable(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))  # 354.62
    oms.record_payment(order_id=placed.id, amount=eur("100.00"), method="bank_transfer")

    invoice = oms.issue_invoice(placed.id)

    assert (invoice.settlement, invoice.status) == ("receivable", "partially_paid")
    assert invoice.paid == eur("100.00")
    assert invoice.outstanding == eur("254.62")
    assert entries(oms, invoice.number) == [
        {
            ("2100", "debit", eur("100.00")),
            ("1400", "debit", eur("254.62")),
            ("4000-19", "credit", eur("298.00")),
            ("2300-19", "credit", eur("56.62")),
        }
    ]
    assert oms.get_order(placed.id).payment_status == "partially_paid"
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
@pytest.mark.parametrize(
    ("preference", "method", "account"),
    [("card", "card", "1200"), ("cash", "cash", "1000"), ("prepayment", "bank_transfer", "1200")],
)
def test_a_cash_sale_customer_paying_the_whole_order_gets_one_cash_sale_entry(
    oms: OrderManagement, preference: str, method: str, account: str
) -> None:
    buyer = oms.register_customer(
        name="Max Muster", kind="b2c", payment_preference=preference, email="max@example.org"
    )
    placed = order(oms, buyer, ("CHAIR", 1), ("BOOK", 1))  # 177.31 + 21.39

    payment = oms.record_payment(order_id=placed.id, amount=eur("198.70"), method=method)

    assert payment.kind == "cash_sale"
    (invoice,) = oms.order_invoices(placed.id)
    assert payment.invoice_id == invoice.id
    assert (invoice.settlement, invoice.status) == ("cash_sale", "paid")
    assert invoice.due_date == NOV_30.date()
    assert invoice.outstanding == eur("0.00")
    assert entries(oms, invoice.number) == [
        {
            (account, "debit", eur("198.70")),
            ("4000-19", "credit", eur("149.00")),
            ("2300-19", "credit", eur("28.31")),
            ("4000-7", "credit", eur("19.99")),
            ("2300-7", "credit", eur("1.40")),
        }
    ]
    assert oms.journal(placed.number) == []  # never a prepayment
    balance = oms.trial_balance()
    assert balance.balance("1400", "EUR") == balance.balance("2100", "EUR") == 0
    assert oms.get_order(placed.id).payment_status == "paid"
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_a_card_payment_in_two_parts_is_a_prepayment_then_a_cash_sale(
    oms: OrderManagement, erika: CustomerView
) -> None:
    placed = order(oms, erika, ("CHAIR", 1))  # 177.31

    first = oms.record_payment(order_id=placed.id, amount=eur("77.31"), method="card")
    second = oms.record_payment(order_id=placed.id, amount=eur("100.00"), method="card")

    assert (first.kind, second.kind) == ("prepayment", "cash_sale")
    (invoice,) = oms.order_invoices(placed.id)
    assert (invoice.settlement, invoice.status) == ("cash_sale", "paid")
    assert entries(oms, invoice.number) == [
        {
            ("1200", "debit", eur("100.00")),
            ("2100", "debit", eur("77.31")),
            ("4000-19", "credit", eur("149.00")),
            ("2300-19", "credit", eur("28.31")),
        }
    ]
    assert oms.trial_balance().balance("2100", "EUR") == 0
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_an_invoice_customer_paying_the_whole_order_early_prepays_it(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 1))

    payment = oms.record_payment(order_id=placed.id, amount=eur("177.31"), method="bank_transfer")

    assert payment.kind == "prepayment"
    assert oms.order_invoices(placed.id) == []
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_a_credit_note_debits_revenue_and_tax_and_credits_receivables(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 2), ("BOOK", 1))
    invoice = oms.issue_invoice(placed.id)

    note = oms.issue_credit_note(invoice.id, reason="price reduction agreed")

    assert note.number == "CN-2026-000001"
    assert note.invoice_id == invoice.id
    assert note.total == invoice.total
    assert entries(oms, note.number) == [
        {
            ("4000-19", "debit", eur("298.00")),
            ("2300-19", "debit", eur("56.62")),
            ("4000-7", "debit", eur("19.99")),
            ("2300-7", "debit", eur("1.40")),
            ("1400", "credit", invoice.total),
        }
    ]
    after = oms.get_invoice(invoice.id)
    assert (after.status, after.credited, after.outstanding) == (
        "credited",
        invoice.total,
        eur("0.00"),
    )
    assert oms.get_order(placed.id).payment_status == "refunded"
    balance = oms.trial_balance()
    for account in ("1400", "4000-19", "2300-19", "4000-7", "2300-7"):
        assert balance.balance(account, "EUR") == 0
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_crediting_a_paid_invoice_refunds_from_the_account_it_was_paid_into(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))  # 354.62
    invoice = oms.issue_invoice(placed.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="cash")
    events.clear()

    note = oms.issue_credit_note(
        invoice.id, reason="one chair damaged", lines=[{"sku": "CHAIR", "quantity": 1}]
    )

    assert note.total == eur("177.31")
    assert entries(oms, invoice.number)[-1] == {
        ("1400", "debit", eur("177.31")),
        ("1000", "credit", eur("177.31")),
    }
    after = oms.get_invoice(invoice.id)
    assert (after.paid, after.credited, after.refunded) == (
        eur("354.62"),
        eur("177.31"),
        eur("177.31"),
    )
    assert after.outstanding == eur("0.00")
    assert oms.get_order(placed.id).payment_status == "partially_refunded"
    refunds = [e for e in events if isinstance(e, RefundPaid)]
    assert [(r.amount, r.method, r.invoice_id) for r in refunds] == [
        (eur("177.31"), "cash", invoice.id)
    ]
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_a_refund_held_back_is_due_on_the_invoice_and_paid_later(
    oms: OrderManagement, acme: CustomerView
) -> None:
    invoice = oms.issue_invoice(order(oms, acme, ("CHAIR", 2)).id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    oms.issue_credit_note(
        invoice.id, reason="goodwill", lines=[{"sku": "CHAIR", "quantity": 1}], refund=False
    )

    due = oms.get_invoice(invoice.id)
    assert due.outstanding == eur("-177.31")
    assert due.refunded == eur("0")
    assert oms.trial_balance().balance("1400", "EUR") == Decimal("-177.31")
    assert_books_balance(oms)

    with pytest.raises(ValidationError, match="refund due"):
        oms.pay_refund(invoice.id, amount=eur("177.32"))
    part = oms.pay_refund(invoice.id, amount=eur("77.31"), reference="transfer 1")
    rest = oms.pay_refund(invoice.id, method="paypal")

    assert (part.kind, part.amount, part.method) == ("refund", eur("77.31"), "bank_transfer")
    assert (rest.amount, rest.method) == (eur("100.00"), "paypal")
    assert oms.get_invoice(invoice.id).outstanding == eur("0.00")
    with pytest.raises(ValidationError, match="no refund is due"):
        oms.pay_refund(invoice.id)
    assert_books_balance(oms)


@pytest.mark.usefixtures("shop")
def test_goods_shipped_with_a_known_unit_cost_move_from_inventory_to_cost_of_goods_sold(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 2), ("BOOK", 5))  # handbooks have no unit cost

    shipment = oms.ship_order(placed.id, carrier="parcel")

    assert entries(oms, shipment.number) == [
        {("5000", "debit", eur("160.00")), ("1500", "credit", eur("160.00"))}
    ]
    assert_books_balance(oms)


def test_goods_shipped_without_a_unit_cost_post_nothing(
    oms: OrderManagement, acme: CustomerView
) -> None:
    oms.upsert_product(sku="BOOK", name="Handbook", unit_price=eur("19.99"), tax_rate="0.07")
    oms.receive_stock(sku="BOOK", location="BER", quantity=5, supplier="Verlag")

    shipment = oms.ship_order(order(oms, acme, ("BOOK", 5)).id, carrier="parcel")

    assert oms.journal(shipment.number) == []
    assert oms.journal() == []


def test_a_supplier_receipt_with_a_unit_cost_debits_inventory_against_goods_received(
    oms: OrderManagement,
) -> None:
    oms.upsert_product(sku="CHAIR", name="Office chair", unit_price=eur("149.00"), tax_rate="0.19")

    with_cost = oms.receive_stock(
        sku="CHAIR",
        location="BER",
        quantity=12,
        supplier="Stuhlwerk AG",
        reference="DN-881",
        unit_cost=eur("80.125"),
    )
    without_cost = oms.receive_stock(
        sku="CHAIR", location="BER", quantity=3, supplier="Stuhlwerk AG"
    )

    assert entries(oms, with_cost.id) == [
        {("1500", "debit", eur("961.50")), ("2200", "credit", eur("961.50"))}
    ]
    assert oms.journal(without_cost.id) == []
    assert oms.trial_balance().balance("2200", "EUR") == Decimal("-961.50")
    assert_books_balance(oms)


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


# -- the money property, through the facade ----------------------------------------------------


@st.composite
def priced_lines(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    """Up to five products in one currency with random prices, rates, quantities, discounts."""
    currency = draw(st.sampled_from(["JPY", "EUR", "KWD"]))
    places = minor_unit(currency)
    lines = []
    for index in range(draw(st.integers(min_value=1, max_value=5))):
        price = Decimal(draw(st.integers(1, 10**7))).scaleb(-places)
        quantity = draw(st.integers(min_value=1, max_value=40))
        gross_units = int((price * quantity).scaleb(places))
        discount = Decimal(draw(st.integers(0, gross_units))).scaleb(-places)
        lines.append(
            {
                "sku": f"SKU-{index}",
                "price": Money(price, currency),
                "rate": Decimal(draw(st.sampled_from(RATES))),
                "quantity": quantity,
                "discount": Money(discount, currency),
            }
        )
    return currency, lines


def priced_order(drawn: tuple[str, list[dict[str, Any]]]) -> tuple[OrderManagement, OrderView]:
    currency, lines = drawn
    oms = OrderManagement.in_memory(clock=FixedClock(NOV_30), ids=SequentialIdGenerator())
    for line in lines:
        oms.upsert_product(
            sku=line["sku"], name=line["sku"], unit_price=line["price"], tax_rate=line["rate"]
        )
    buyer = oms.register_customer(name="Buyer", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id,
        channel="api",
        currency=currency,
        lines=[
            {"sku": ln["sku"], "quantity": ln["quantity"], "discount": ln["discount"]}
            for ln in lines
        ],
    )
    return oms, placed


@settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(priced_lines())
def test_invoice_totals_are_rounded_line_nets_plus_tax_per_rate_exactly(
    drawn: tuple[str, list[dict[str, Any]]],
) -> None:
    currency, lines = drawn
    oms, placed = priced_order(drawn)

    invoice = oms.issue_invoice(placed.id)

    nets = [
        round_amount(ln["price"].amount * ln["quantity"] - ln["discount"].amount, currency)
        for ln in lines
    ]
    assert [line.net.amount for line in invoice.lines] == nets
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for ln, net in zip(lines, nets, strict=True):
        by_rate[ln["rate"]] += net
    taxes = {rate: round_amount(net * rate, currency) for rate, net in by_rate.items()}
    assert {s.rate: (s.net.amount, s.tax.amount) for s in invoice.tax_subtotals} == {
        rate: (by_rate[rate], taxes[rate]) for rate in by_rate
    }
    assert invoice.net_total == Money(sum(nets, Decimal(0)), currency)
    assert invoice.tax_total == Money(sum(taxes.values(), Decimal(0)), currency)
    assert invoice.total == invoice.net_total + invoice.tax_total == placed.total
    for amount in (invoice.total, invoice.net_total, invoice.tax_total):
        assert amount == amount.rounded()
    # and the ledger books exactly these amounts
    posted: set[Posting] = set().union(*entries(oms, invoice.number))
    expected: set[Posting] = {("1400", "debit", invoice.total)}
    for rate in by_rate:
        suffix = f"{(rate * 100).normalize():f}"
        expected.add((f"4000-{suffix}", "credit", Money(by_rate[rate], currency)))
        expected.add((f"2300-{suffix}", "credit", Money(taxes[rate], currency)))
    assert posted == {p for p in expected if not p[2].is_zero}
    assert_books_balance(oms)


@st.composite
def invoices_credited_in_parts(
    draw: st.DrawFn,
) -> tuple[tuple[str, list[dict[str, Any]]], list[list[int]]]:
    drawn = draw(priced_lines())
    splits = []
    for line in drawn[1]:
        parts = []
        left = min(line["quantity"], 6)
        line["quantity"] = left
        while left:
            part = draw(st.integers(min_value=1, max_value=left))
            parts.append(part)
            left -= part
        splits.append(parts)
    for line in drawn[1]:  # keep discounts within the (possibly smaller) line amounts
        gross = line["price"].amount * line["quantity"]
        if line["discount"].amount > gross:
            line["discount"] = Money(gross, line["price"].currency)
    return drawn, splits


@settings(
    max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(invoices_credited_in_parts())
def test_an_invoice_reversed_by_several_partial_credit_notes_is_reversed_exactly(
    drawn: tuple[tuple[str, list[dict[str, Any]]], list[list[int]]],
) -> None:
    """Credit notes for parts of the lines; the last one holds a part of every line."""
    (currency, lines), splits = drawn
    oms, placed = priced_order((currency, lines))
    invoice = oms.issue_invoice(placed.id)
    assume(not invoice.total.is_zero)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    rounds = max(len(parts) for parts in splits)
    notes = []
    for k in range(rounds):
        credit_lines = []
        for line, parts in zip(lines, splits, strict=True):
            index = k - (rounds - len(parts))
            if index >= 0:
                credit_lines.append({"sku": line["sku"], "quantity": parts[index]})
        notes.append(oms.issue_credit_note(invoice.id, reason=f"part {k}", lines=credit_lines))

    after = oms.get_invoice(invoice.id)
    assert sum((n.net_total.amount for n in notes), Decimal(0)) == invoice.net_total.amount
    assert sum((n.tax_total.amount for n in notes), Decimal(0)) == invoice.tax_total.amount
    assert sum((n.total.amount for n in notes), Decimal(0)) == invoice.total.amount
    assert (after.status, after.credited, after.refunded) == (
        "credited",
        invoice.total,
        invoice.total,
    )
    assert after.outstanding == Money("0", currency)
    assert oms.get_order(placed.id).payment_status == "refunded"
    balance = oms.trial_balance()
    for row in balance.lines:
        if row.account.startswith(("4000-", "2300-", "1400")):
            assert row.balance == 0, row.account
    assert_books_balance(oms)


# -- exactness bugs found by the properties above ----------------------------------------------


def two_rate_invoice(chair_price: str, chairs: int) -> tuple[OrderManagement, str, str]:
    oms = OrderManagement.in_memory(clock=FixedClock(NOV_30), ids=SequentialIdGenerator())
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur(chair_price), tax_rate="0.19")
    oms.upsert_product(sku="BOOK", name="Book", unit_price=eur("19.99"), tax_rate="0.07")
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = order(oms, buyer, ("CHAIR", chairs), ("BOOK", 1))
    return oms, placed.id, oms.issue_invoice(placed.id).id


def test_crediting_one_rate_in_parts_before_the_other_still_reverses_the_invoice_exactly() -> None:
    oms, order_id, invoice_id = two_rate_invoice("149.02", 3)  # tax 19 %: 84.94, per unit 28.31
    for sku in ("CHAIR", "CHAIR", "CHAIR", "BOOK"):
        oms.issue_credit_note(invoice_id, reason="return", lines=[{"sku": sku, "quantity": 1}])

    after = oms.get_invoice(invoice_id)
    assert oms.trial_balance().balance("2300-19", "EUR") == 0  # is -0.01
    assert after.outstanding == eur("0.00")  # is 0.01 although every unit was credited
    assert after.status == "credited"  # is open
    assert oms.get_order(order_id).payment_status == "refunded"  # is partially_refunded


def test_the_last_unit_of_an_invoice_credited_in_parts_can_be_credited() -> None:
    oms, _, invoice_id = two_rate_invoice("10.03", 2)  # tax 19 %: 3.81, per unit 1.91
    for sku in ("CHAIR", "CHAIR"):
        oms.issue_credit_note(invoice_id, reason="return", lines=[{"sku": sku, "quantity": 1}])

    oms.issue_credit_note(  # raises: only 21.38 EUR left to credit (got 21.39 EUR)
        invoice_id, reason="return", lines=[{"sku": "BOOK", "quantity": 1}]
    )

    assert oms.get_invoice(invoice_id).status == "credited"


def test_crediting_every_unit_of_a_sub_cent_priced_line_reverses_the_invoice_exactly() -> None:
    oms = OrderManagement.in_memory(clock=FixedClock(NOV_30), ids=SequentialIdGenerator())
    oms.upsert_product(sku="SCREW", name="Screw", unit_price=eur("0.333"), tax_rate="0.19")
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = order(oms, buyer, ("SCREW", 3))
    invoice = oms.issue_invoice(placed.id)  # net 1.00 (0.999), tax 0.19
    for _ in range(3):
        oms.issue_credit_note(invoice.id, reason="r", lines=[{"sku": "SCREW", "quantity": 1}])

    after = oms.get_invoice(invoice.id)
    assert after.credited == invoice.total  # 0.39 + 0.39 + 0.40 = 1.18 of 1.19
    assert after.status == "credited"
    assert oms.trial_balance().balance("4000-19", "EUR") == 0


def test_an_invoice_for_free_goods_is_not_reported_as_credited() -> None:
    oms = OrderManagement.in_memory(clock=FixedClock(NOV_30), ids=SequentialIdGenerator())
    oms.upsert_product(sku="SAMPLE", name="Sample", unit_price=eur("0.00"), tax_rate="0.19")
    buyer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")

    invoice = oms.issue_invoice(order(oms, buyer, ("SAMPLE", 2)).id)

    assert invoice.credited == eur("0")
    assert invoice.status != "credited"
