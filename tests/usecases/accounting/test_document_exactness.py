"""Accounting through the facade: invoice and credit note totals are exact to the cent.

Every scenario ends by checking the books (see ``tests.accounting_checks``)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.accounting_checks import (
    NOV_30,
    RATES,
    Posting,
    assert_books_balance,
    entries,
    order,
)
from tests.money import eur

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain.money import minor_unit, round_amount
from ordermgmt.messages import OrderView

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
