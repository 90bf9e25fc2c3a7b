"""Accounting through the facade: what each step posts to the ledger.

Every scenario ends by checking the books (see ``tests.accounting_checks``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.accounting_checks import (
    NOV_30,
    assert_books_balance,
    entries,
    order,
)
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.domain.events import (
    DomainEvent,
    RefundPaid,
)
from ordermgmt.errors import ValidationError
from ordermgmt.messages import CustomerView

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
