"""Credit notes in the domain: which units they take back and the tax they credit.

The oracle is the rule as a customer would check it with a pencil: after any number of credit
notes, per tax rate, the tax credited so far is the tax on the net credited so far (rounded once,
half up); it never exceeds what the invoice charged, and crediting everything returns the
invoice's net and tax to the cent.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermgmt import Money
from ordermgmt.domain.crediting import credit_for
from ordermgmt.domain.events import CreditNoteIssued
from ordermgmt.domain.invoice import (
    CreditNote,
    DocumentLine,
    Invoice,
    Settlement,
    credit_note_number,
    invoice_number,
)
from ordermgmt.domain.money import minor_unit
from ordermgmt.errors import ValidationError

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
RATES = ("0", "0.07", "0.19", "0.2", "0.055")


def pencil_round(amount: Decimal, currency: str) -> Decimal:
    """Half up to the currency's minor unit, as on paper."""
    return amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_UP)


def make_invoice(lines: list[DocumentLine], currency: str) -> Invoice:
    return Invoice.issue(
        id="inv-1",
        number=invoice_number(2026, 1),
        order_id="order-1",
        customer_id="customer-1",
        currency=currency,
        lines=tuple(lines),
        at=AT,
        payment_terms_days=14,
        settlement=Settlement.RECEIVABLE,
    )


def issue(invoice: Invoice, notes: list[CreditNote], quantities: dict[int, int] | None) -> None:
    """Credit ``quantities`` of ``invoice`` as the use case does: the credit, the note, the
    invoice's credited amount."""
    credit = credit_for(invoice, notes, quantities)
    note = CreditNote.issue(
        id=f"cn-{len(notes) + 1}",
        number=credit_note_number(2026, len(notes) + 1),
        invoice=invoice,
        order_id=invoice.order_id,
        lines=credit.lines,
        fixed_tax=credit.fixed_tax,
        reason="return",
        at=AT,
    )
    assert note.total == credit.total
    invoice.apply_credit(note.total)
    notes.append(note)


@st.composite
def invoices(draw: st.DrawFn) -> tuple[Invoice, dict[int, tuple[Decimal, Decimal]]]:
    """An invoice of 1-4 lines, with what a pencil says each line's net and rate are."""
    currency = draw(st.sampled_from(["JPY", "EUR", "KWD"]))
    places = minor_unit(currency)
    lines = []
    paper: dict[int, tuple[Decimal, Decimal]] = {}
    for no in range(1, draw(st.integers(1, 4)) + 1):
        price = Decimal(draw(st.integers(1, 10**6))).scaleb(-places)
        quantity = draw(st.integers(1, 12))
        discount = Decimal(draw(st.integers(0, int((price * quantity).scaleb(places))))).scaleb(
            -places
        )
        rate = Decimal(draw(st.sampled_from(RATES)))
        lines.append(
            DocumentLine(
                order_line_no=no,
                sku=f"SKU{no}",
                name=f"Product {no}",
                quantity=quantity,
                unit_price=Money(price, currency),
                discount=Money(discount, currency),
                tax_rate=rate,
            )
        )
        paper[no] = (pencil_round(price * quantity - discount, currency), rate)
    return make_invoice(lines, currency), paper


def per_rate(nets: list[tuple[Decimal, Decimal]]) -> dict[Decimal, Decimal]:
    total: dict[Decimal, Decimal] = {}
    for net, rate in nets:
        total[rate] = total.get(rate, Decimal(0)) + net
    return total


@settings(max_examples=200, deadline=None, derandomize=True)
@given(invoices(), st.data())
def test_credited_tax_follows_the_credited_net_and_never_exceeds_the_invoice(
    drawn: tuple[Invoice, dict[int, tuple[Decimal, Decimal]]], data: st.DataObject
) -> None:
    invoice, paper = drawn
    currency = invoice.currency
    invoice_net = per_rate(list(paper.values()))
    invoice_tax = {r: pencil_round(n * r, currency) for r, n in invoice_net.items()}
    left = Counter({line.order_line_no: line.quantity for line in invoice.lines})
    notes: list[CreditNote] = []
    while +left:
        if data.draw(st.booleans(), label="credit all that is left"):
            issue(invoice, notes, None)
            left = Counter()
        else:
            first = data.draw(st.sampled_from(sorted(+left)), label="a line to credit")
            wanted = {
                no: data.draw(st.integers(no == first, units), label=f"units of line {no}")
                for no, units in sorted((+left).items())
            }
            wanted = {no: units for no, units in wanted.items() if units}
            issue(invoice, notes, wanted)
            left -= Counter(wanted)
        credited_net: dict[Decimal, Decimal] = {}
        credited_tax: dict[Decimal, Decimal] = {}
        for note in notes:
            for s in note.tax_subtotals:
                credited_net[s.rate] = credited_net.get(s.rate, Decimal(0)) + s.net.amount
                credited_tax[s.rate] = credited_tax.get(s.rate, Decimal(0)) + s.tax.amount
        for rate, net in credited_net.items():
            assert net <= invoice_net[rate]
            assert credited_tax[rate] == pencil_round(net * rate, currency)
            assert credited_tax[rate] <= invoice_tax[rate]
    assert credited_net == {r: n for r, n in invoice_net.items() if r in credited_net}
    assert {r: credited_tax[r] for r in invoice_tax} == invoice_tax
    assert invoice.credited == invoice.total
    with pytest.raises(ValidationError, match="fully credited"):
        credit_for(invoice, notes, None)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(invoices(), st.data())
def test_a_credit_note_takes_back_exactly_the_units_asked_for(
    drawn: tuple[Invoice, dict[int, tuple[Decimal, Decimal]]], data: st.DataObject
) -> None:
    invoice, _ = drawn
    wanted = {
        line.order_line_no: data.draw(st.integers(1, line.quantity)) for line in invoice.lines
    }

    credit = credit_for(invoice, [], wanted)

    assert {line.order_line_no: line.quantity for line in credit.lines} == wanted
    assert all(not line.net.is_negative for line in credit.lines)


def test_more_units_than_a_line_has_left_or_a_line_not_on_the_invoice_are_refused() -> None:
    line = DocumentLine(
        order_line_no=1,
        sku="CHAIR",
        name="Chair",
        quantity=3,
        unit_price=Money("149.00", "EUR"),
        discount=Money("0", "EUR"),
        tax_rate=Decimal("0.19"),
    )
    invoice = make_invoice([line], "EUR")
    notes: list[CreditNote] = []
    issue(invoice, notes, {1: 2})

    with pytest.raises(ValidationError, match="only 1 left"):
        credit_for(invoice, notes, {1: 2})
    with pytest.raises(ValidationError, match="not on invoice"):
        credit_for(invoice, notes, {7: 1})
    assert invoice.credited == Money("354.62", "EUR")  # 2 x 149.00 + 19 % tax


def test_issuing_a_credit_note_records_what_it_credits() -> None:
    line = DocumentLine(
        order_line_no=1,
        sku="CHAIR",
        name="Chair",
        quantity=1,
        unit_price=Money("100.00", "EUR"),
        discount=Money("0", "EUR"),
        tax_rate=Decimal("0.19"),
    )
    invoice = make_invoice([line], "EUR")
    notes: list[CreditNote] = []

    issue(invoice, notes, None)

    [event] = notes[0].take_events()
    assert isinstance(event, CreditNoteIssued)
    assert (event.credit_note_id, event.number, event.invoice_id, event.order_id) == (
        "cn-1",
        "CN-2026-000001",
        "inv-1",
        "order-1",
    )
    assert event.total == Money("119.00", "EUR")
    assert event.reason == "return"
