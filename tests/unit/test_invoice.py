"""Invoices and credit notes in the domain: EN 16931 amounts, shares of a line, money applied."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.money import eur

from ordermgmt import Money
from ordermgmt.domain.errors import Overpayment
from ordermgmt.domain.invoice import (
    CreditNote,
    DocumentLine,
    Invoice,
    InvoiceStatus,
    Settlement,
    credit_note_number,
    invoice_number,
    share_line,
)
from ordermgmt.domain.money import minor_unit, round_amount
from ordermgmt.domain.order import OrderLine
from ordermgmt.domain.totals import TaxKey
from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import ValidationError

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
RATES = ("0", "0.07", "0.19", "0.2", "0.055", "0.0825")


def chair_line(price: Money, quantity: int, discount: Money) -> OrderLine:
    """An order line of ``quantity`` chairs at ``price`` less ``discount``, at 19 %."""
    return OrderLine(
        line_no=1,
        sku="CHAIR",
        name="Chair",
        quantity=quantity,
        unit_price=price,
        tax_rate=Decimal("0.19"),
        discount=discount,
    )


def line(
    sku: str = "CHAIR",
    *,
    quantity: int = 1,
    price: str = "149.00",
    rate: str = "0.19",
    discount: str = "0",
    currency: str = "EUR",
    line_no: int = 1,
) -> DocumentLine:
    return DocumentLine(
        order_line_no=line_no,
        sku=sku,
        name=f"Product {sku}",
        quantity=quantity,
        unit_price=Money(price, currency),
        discount=Money(discount, currency),
        tax_rate=Decimal(rate),
    )


def invoice(*lines: DocumentLine, terms: int = 30, currency: str = "EUR") -> Invoice:
    return Invoice.issue(
        id="inv-1",
        number=invoice_number(2026, 1),
        order_id="order-1",
        customer_id="customer-1",
        currency=currency,
        lines=lines,
        at=AT,
        payment_terms_days=terms,
        settlement=Settlement.RECEIVABLE,
    )


def credit_note(
    *lines: DocumentLine, fixed_tax: tuple[tuple[TaxKey, Money], ...] = (), number: int = 1
) -> CreditNote:
    return CreditNote(
        id=f"cn-{number}",
        number=credit_note_number(2026, number),
        order_id="order-1",
        customer_id="customer-1",
        currency=lines[0].unit_price.currency,
        lines=lines,
        issued_at=AT,
        fixed_tax=fixed_tax,
        invoice_id="inv-1",
        reason="return",
    )


# -- numbers -----------------------------------------------------------------------------------


def test_document_numbers_are_per_year_with_six_digits() -> None:
    assert invoice_number(2026, 1) == "INV-2026-000001"
    assert invoice_number(2026, 123) == "INV-2026-000123"
    assert invoice_number(2027, 1) == "INV-2027-000001"
    assert credit_note_number(2026, 42) == "CN-2026-000042"


# -- amounts (EN 16931) ------------------------------------------------------------------------


def test_a_line_net_is_quantity_times_price_less_discount_rounded_half_up() -> None:
    assert line(quantity=3, price="0.335").net == eur("1.01")  # 1.005 rounds up
    assert line(quantity=10, price="149.00", discount="149.00").net == eur("1341.00")
    assert line(quantity=3, price="333", currency="JPY", discount="0.5").net == Money("999", "JPY")
    assert line(quantity=1, price="1.2345", currency="KWD").net == Money("1.235", "KWD")


def test_tax_is_computed_per_rate_on_the_sum_of_the_line_nets() -> None:
    # five lines of 0.02 at 19 %: per line 0.0038 would round to nothing each, per rate it is 0.02
    lines = [line(f"SKU{n}", price="0.02", line_no=n) for n in range(1, 6)]
    document = invoice(*lines)

    assert [(s.rate, s.net, s.tax) for s in document.tax_subtotals] == [
        (Decimal("0.19"), eur("0.10"), eur("0.02"))
    ]
    assert document.net_total == eur("0.10")
    assert document.tax_total == eur("0.02")
    assert document.total == eur("0.12")


def test_an_invoice_with_two_rates_has_one_subtotal_per_rate_highest_first() -> None:
    document = invoice(
        line("CHAIR", quantity=10, price="149.00", line_no=1),
        line("BOOK", quantity=3, price="19.99", rate="0.07", line_no=2),
        line("LAMP", quantity=1, price="29.90", rate="0.07", discount="2.00", line_no=3),
    )

    assert [(s.rate, s.net, s.tax) for s in document.tax_subtotals] == [
        (Decimal("0.19"), eur("1490.00"), eur("283.10")),
        (Decimal("0.07"), eur("87.87"), eur("6.15")),  # 87.87 x 0.07 = 6.1509
    ]
    assert document.total == eur("1867.12")


def test_a_credit_note_with_fixed_tax_takes_that_tax_instead_of_the_computed_one() -> None:
    fixed = ((TaxKey(VatCategory.STANDARD, Decimal("0.19")), eur("0.07")),)
    note = credit_note(line(quantity=1, price="0.33"), fixed_tax=fixed)

    assert note.net_total == eur("0.33")
    assert note.tax_total == eur("0.07")  # computed would be 0.06
    assert note.total == eur("0.40")


def test_a_document_needs_a_line() -> None:
    with pytest.raises(ValidationError, match="at least one line"):
        invoice()


# -- issuing and applying money ----------------------------------------------------------------


def test_an_issued_invoice_is_due_after_the_payment_terms_and_open() -> None:
    document = invoice(line(quantity=2), terms=14)

    assert document.due_date == date(2026, 12, 14)
    assert document.status is InvoiceStatus.OPEN
    assert document.outstanding == document.total == eur("354.62")
    assert document.paid == document.credited == document.refunded == eur("0")
    assert invoice(line(), terms=0).due_date == date(2026, 11, 30)


def test_payments_reduce_what_is_outstanding_until_paid() -> None:
    document = invoice(line(quantity=2))  # 354.62

    seen = []
    for amount in ("100.00", "254.62"):
        document.apply_payment(eur(amount))
        seen.append((document.status, document.outstanding))

    assert seen == [
        (InvoiceStatus.PARTIALLY_PAID, eur("254.62")),
        (InvoiceStatus.PAID, eur("0.00")),
    ]


def test_an_overpayment_is_refused_and_changes_nothing() -> None:
    document = invoice(line())  # 177.31
    document.apply_payment(eur("100.00"))

    with pytest.raises(Overpayment) as raised:
        document.apply_payment(eur("77.32"))

    assert raised.value.code == "overpayment"
    assert raised.value.document == "INV-2026-000001"
    assert raised.value.outstanding == eur("77.31")
    assert document.paid == eur("100.00")


@pytest.mark.parametrize("amount", ["0", "-1.00"])
def test_a_payment_must_be_positive(amount: str) -> None:
    document = invoice(line())

    with pytest.raises(ValidationError):
        document.apply_payment(eur(amount))
    assert document.paid == eur("0")


def test_crediting_a_paid_invoice_makes_a_refund_due_and_the_refund_settles_it() -> None:
    document = invoice(line())  # 177.31
    document.apply_payment(eur("177.31"))

    document.apply_credit(eur("177.31"))
    assert document.status is InvoiceStatus.CREDITED
    assert document.outstanding == eur("-177.31")
    assert document.creditable == eur("0.00")

    with pytest.raises(ValidationError, match="refund due"):
        document.apply_refund(eur("177.32"))
    document.apply_refund(eur("177.31"))
    assert document.outstanding == eur("0.00")
    assert document.status is InvoiceStatus.CREDITED


def test_no_more_than_the_total_can_be_credited() -> None:
    document = invoice(line())
    document.apply_credit(eur("100.00"))

    with pytest.raises(ValidationError, match="left to credit"):
        document.apply_credit(eur("77.32"))
    assert document.credited == eur("100.00")
    assert document.status is InvoiceStatus.OPEN
    assert document.outstanding == eur("77.31")


def test_a_partly_credited_invoice_paid_for_the_rest_is_paid() -> None:
    document = invoice(line(quantity=2))  # 354.62
    document.apply_credit(eur("177.31"))
    document.apply_payment(eur("177.31"))

    assert document.status is InvoiceStatus.PAID
    assert document.outstanding == eur("0.00")


def test_no_refund_is_due_on_an_unpaid_invoice() -> None:
    document = invoice(line())

    with pytest.raises(ValidationError, match="refund due"):
        document.apply_refund(eur("1.00"))


# -- shares of a line --------------------------------------------------------------------------


def test_a_discount_is_shared_out_by_quantity_cumulatively() -> None:
    parts = []
    already = 0
    for quantity in (1, 1, 1):
        parts.append(share_line(chair_line(eur("10.00"), 3, eur("1.00")), quantity, already))
        already += quantity

    assert [p.discount for p in parts] == [eur("0.33"), eur("0.34"), eur("0.33")]
    assert [p.net for p in parts] == [eur("9.67"), eur("9.66"), eur("9.67")]
    assert sum((p.net.amount for p in parts), Decimal(0)) == Decimal("29.00")


def test_a_share_cannot_exceed_what_is_left_of_the_line() -> None:
    with pytest.raises(ValidationError, match="only 1 left"):
        share_line(chair_line(eur("10.00"), 3, eur("0")), 2, 2)
    with pytest.raises(ValidationError):
        share_line(chair_line(eur("10.00"), 3, eur("0")), 0, 0)


def split(draw: st.DrawFn, whole: int) -> list[int]:
    """A random composition of ``whole`` into positive parts."""
    parts = []
    left = whole
    while left:
        part = draw(st.integers(min_value=1, max_value=left))
        parts.append(part)
        left -= part
    return parts


@st.composite
def lines_in_parts(draw: st.DrawFn) -> tuple[str, Money, int, Money, list[int]]:
    currency = draw(st.sampled_from(["JPY", "EUR", "KWD"]))
    places = minor_unit(currency)
    price = Money(Decimal(draw(st.integers(0, 10**7))).scaleb(-places), currency)
    quantity = draw(st.integers(min_value=1, max_value=60))
    gross_units = int((price.amount * quantity).scaleb(places))
    discount = Money(Decimal(draw(st.integers(0, gross_units))).scaleb(-places), currency)
    return currency, price, quantity, discount, split(draw, quantity)


def shares(price: Money, quantity: int, discount: Money, parts: list[int]) -> list[DocumentLine]:
    result = []
    already = 0
    for part in parts:
        result.append(
            share_line(
                OrderLine(
                    line_no=1,
                    sku="SKU",
                    name="Product",
                    quantity=quantity,
                    unit_price=price,
                    tax_rate=Decimal("0.19"),
                    discount=discount,
                ),
                part,
                already,
            )
        )
        already += part
    return result


@settings(max_examples=300, deadline=None, derandomize=True)
@given(lines_in_parts())
def test_a_line_documented_in_parts_adds_up_exactly_to_the_line_documented_at_once(
    drawn: tuple[str, Money, int, Money, list[int]],
) -> None:
    currency, price, quantity, discount, parts = drawn
    whole = shares(price, quantity, discount, [quantity])[0]

    pieces = shares(price, quantity, discount, parts)

    assert [p.quantity for p in pieces] == parts
    assert sum((p.discount.amount for p in pieces), Decimal(0)) == discount.amount
    assert sum((p.net.amount for p in pieces), Decimal(0)) == whole.net.amount
    assert whole.net.amount == round_amount(price.amount * quantity - discount.amount, currency)
    assert all(not p.net.is_negative and not p.discount.is_negative for p in pieces)


def test_a_line_with_a_sub_cent_unit_price_documented_in_parts_adds_up_to_the_whole() -> None:
    price = eur("0.333")  # catalogs may carry unit prices finer than the cent (EN 16931 too)
    whole = shares(price, 3, eur("0"), [3])[0]

    pieces = shares(price, 3, eur("0"), [1, 1, 1])

    assert whole.net == eur("1.00")
    assert sum((p.net.amount for p in pieces), Decimal(0)) == Decimal("1.00")  # is 0.99


@st.composite
def documents_with_credit_parts(
    draw: st.DrawFn,
) -> tuple[str, list[tuple[Money, int, Money, Decimal]], list[list[int]]]:
    currency = draw(st.sampled_from(["JPY", "EUR", "KWD"]))
    places = minor_unit(currency)
    specs = []
    splits = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        price = Money(Decimal(draw(st.integers(1, 10**6))).scaleb(-places), currency)
        quantity = draw(st.integers(min_value=1, max_value=12))
        gross_units = int((price.amount * quantity).scaleb(places))
        discount = Money(Decimal(draw(st.integers(0, gross_units))).scaleb(-places), currency)
        rate = Decimal(draw(st.sampled_from(RATES)))
        specs.append((price, quantity, discount, rate))
        splits.append(split(draw, quantity))
    return currency, specs, splits


@settings(max_examples=200, deadline=None, derandomize=True)
@given(documents_with_credit_parts())
def test_credit_notes_in_parts_with_the_last_taking_the_tax_left_reverse_the_invoice_exactly(
    drawn: tuple[str, list[tuple[Money, int, Money, Decimal]], list[list[int]]],
) -> None:
    """Credit notes built from shares of the invoice's lines, the one that completes the
    reversal (holding a part of every line) taking exactly the tax left per rate."""
    currency, specs, splits = drawn

    def doc_line(no: int, part: int, already: int) -> DocumentLine:
        price, quantity, discount, rate = specs[no]
        whole = OrderLine(
            line_no=no + 1,
            sku=f"SKU{no}",
            name=f"Product {no}",
            quantity=quantity,
            unit_price=price,
            tax_rate=rate,
            discount=discount,
        )
        return share_line(whole, part, already)

    document = invoice(
        *(doc_line(no, spec[1], 0) for no, spec in enumerate(specs)), currency=currency
    )
    # parts are aligned to the last round, so the completing note has a part of every line
    notes: list[CreditNote] = []
    rounds = max(len(parts) for parts in splits)
    for k in range(rounds):
        lines = []
        for no, parts in enumerate(splits):
            index = k - (rounds - len(parts))
            if index >= 0:
                lines.append(doc_line(no, parts[index], sum(parts[:index])))
        fixed: tuple[tuple[TaxKey, Money], ...] = ()
        if k == rounds - 1:
            left = {s.key: s.tax for s in document.tax_subtotals}
            for note in notes:
                for s in note.tax_subtotals:
                    left[s.key] = left[s.key] - s.tax
            fixed = tuple(left.items())
        note = credit_note(*lines, fixed_tax=fixed, number=k + 1)
        document.apply_credit(note.total)
        notes.append(note)

    assert sum((n.net_total.amount for n in notes), Decimal(0)) == document.net_total.amount
    assert sum((n.tax_total.amount for n in notes), Decimal(0)) == document.tax_total.amount
    assert document.credited == document.total
    # an invoice for nothing (all discounted away) stays "paid": there was nothing to credit
    expected = InvoiceStatus.PAID if document.total.is_zero else InvoiceStatus.CREDITED
    assert document.status is expected
    assert document.outstanding == Money("0", currency)
