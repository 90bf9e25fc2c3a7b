"""Properties of invoices with VAT categories, units, base quantities, line allowances and
charges and document-level allowances and charges, checked against an independent model of
EN 16931's calculation: per (category, rate), the taxable amount is the sum of the rounded
line nets plus charges less allowances, and its tax is that times the rate, rounded once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ordermgmt import Money, OrderManagement
from ordermgmt.domain.document import Party, PostalAddress, Seller
from ordermgmt.errors import ValidationError
from ordermgmt.testing import FixedClock, SequentialIdGenerator

SELLER = Seller(
    Party("Stuhlwerk GmbH", PostalAddress(("Hauptstr. 1",), "Berlin", "10115", "DE"), vat_id="DE1")
)
#: (category, rate) a product may have at home.
KEYS = [("S", "0.19"), ("S", "0.07"), ("S", "0.2"), ("Z", "0"), ("E", "0")]
PLACES = {"EUR": 2, "JPY": 0, "KWD": 3}


@dataclass(frozen=True)
class LineSpec:
    key: tuple[str, str]
    price: Decimal
    base: int
    quantity: int
    discount: Decimal
    charge: Decimal


@dataclass(frozen=True)
class ChargeSpec:
    charge: bool
    amount: Decimal
    key: tuple[str, str]


def money_in(currency: str, low: int, high: int) -> st.SearchStrategy[Decimal]:
    places = PLACES[currency]
    return st.integers(low, high * 10**places).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def orders(draw: st.DrawFn) -> tuple[str, list[LineSpec], list[ChargeSpec]]:
    currency = draw(st.sampled_from(sorted(PLACES)))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        price = draw(money_in(currency, 1, 500))
        base = draw(st.sampled_from([1, 1, 10, 100]))
        quantity = draw(st.integers(1, 300))
        gross = price * quantity / base
        cap = int(gross / 2)
        discount = draw(st.sampled_from([Decimal(0), Decimal(min(cap, 3))]))
        charge = draw(st.sampled_from([Decimal(0), Decimal(2)]))
        lines.append(LineSpec(draw(st.sampled_from(KEYS)), price, base, quantity, discount, charge))
    keys = sorted({line.key for line in lines})
    charges = [
        ChargeSpec(
            draw(st.booleans()), draw(money_in(currency, 1, 20)), draw(st.sampled_from(keys))
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    taxable = expected(currency, lines, charges)
    # allowances larger than what they reduce are refused at placing (a test of its own)
    assume(all(amount >= 0 for amount, _ in taxable.values()))
    return currency, lines, charges


def rounded(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-PLACES[currency]), rounding=ROUND_HALF_UP)


def expected(
    currency: str, lines: list[LineSpec], charges: list[ChargeSpec]
) -> dict[tuple[str, Decimal], tuple[Decimal, Decimal]]:
    """The independent model: (category, rate) -> (taxable amount, tax)."""
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.key[0], Decimal(line.key[1]))
        net = rounded(
            line.price * line.quantity / line.base - line.discount + line.charge, currency
        )
        taxable[key] = taxable.get(key, Decimal(0)) + net
    for item in charges:
        key = (item.key[0], Decimal(item.key[1]))
        taxable[key] = taxable.get(key, Decimal(0)) + (item.amount if item.charge else -item.amount)
    return {key: (amount, rounded(amount * key[1], currency)) for key, amount in taxable.items()}


def placed(currency: str, lines: list[LineSpec], charges: list[ChargeSpec]) -> tuple[Any, Any]:
    oms = OrderManagement.in_memory(clock=FixedClock(), ids=SequentialIdGenerator(), seller=SELLER)
    buyer = oms.register_customer(
        name="Buyer",
        kind="b2b",
        payment_preference="invoice",
        billing_address={
            "line1": "Weg 2",
            "city": "Hamburg",
            "postal_code": "20095",
            "country": "DE",
        },
    )
    inputs = []
    for index, line in enumerate(lines):
        sku = f"SKU{index}"
        oms.upsert_product(
            sku=sku,
            name=sku,
            unit_price=Money(line.price, currency),
            tax_rate=line.key[1],
            tax_category=line.key[0],
            base_quantity=line.base,
        )
        oms.receive_stock(sku=sku, location="BER", quantity=line.quantity, supplier="W")
        item: dict[str, Any] = {"sku": sku, "quantity": line.quantity}
        if line.discount:
            item["discount"] = Money(line.discount, currency)
        if line.charge:
            item["charge"] = Money(line.charge, currency)
        inputs.append(item)
    order = oms.place_order(
        customer_id=buyer.id,
        channel="web",
        lines=inputs,
        charges=[
            {
                "charge": c.charge,
                "amount": Money(c.amount, currency),
                "reason": "Freight" if c.charge else "Rebate",
                "tax_category": c.key[0],
                "tax_rate": c.key[1],
            }
            for c in charges
        ],
    )
    return oms, order


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders())
def test_an_invoice_computes_tax_per_category_and_rate_as_en_16931_does(
    spec: tuple[str, list[LineSpec], list[ChargeSpec]],
) -> None:
    currency, lines, charges = spec
    oms, order = placed(currency, lines, charges)

    invoice = oms.issue_invoice(order.id)

    model = expected(currency, lines, charges)
    got = {(s.category.value, s.rate): (s.net.amount, s.tax.amount) for s in invoice.tax_subtotals}
    assert got == model
    net = sum(taxable for taxable, _ in model.values())
    tax = sum(t for _, t in model.values())
    assert invoice.total == Money(net + tax, currency)
    assert order.total == invoice.total
    assert oms.trial_balance().balance("1400", currency) == net + tax


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders(), st.data())
def test_crediting_in_parts_gives_back_exactly_what_was_invoiced_per_category_and_rate(
    spec: tuple[str, list[LineSpec], list[ChargeSpec]], data: st.DataObject
) -> None:
    currency, lines, charges = spec
    oms, order = placed(currency, lines, charges)
    invoice = oms.issue_invoice(order.id)

    left = {f"SKU{i}": line.quantity for i, line in enumerate(lines)}
    notes = []
    with_charges_at = data.draw(st.integers(0, 3))
    for step in range(3):
        wanted = [
            {"sku": sku, "quantity": data.draw(st.integers(1, units))}
            for sku, units in left.items()
            if units and data.draw(st.booleans())
        ]
        if not wanted:
            continue
        take_charges = step == with_charges_at
        try:
            note = oms.issue_credit_note(
                invoice.id, reason="part", lines=wanted, refund=False, with_charges=take_charges
            )
        except ValidationError as refused:
            # Lines worth more than is left after the invoice's allowances go with them.
            if refused.field != "with_charges":
                raise
            note = oms.issue_credit_note(
                invoice.id, reason="part", lines=wanted, refund=False, with_charges=True
            )
            with_charges_at = step
        notes.append(note)
        for item in wanted:
            left[item["sku"]] -= item["quantity"]
    # the note that credits the last units takes the allowances and charges along
    if any(left.values()) or not notes:
        notes.append(oms.issue_credit_note(invoice.id, reason="rest", refund=False))

    credited: dict[tuple[str, Decimal], Decimal] = {}
    for note in notes:
        for s in note.tax_subtotals:
            key = (s.category.value, s.rate)
            credited[key] = credited.get(key, Decimal(0)) + s.tax.amount
    assert credited == {k: t for k, (_, t) in expected(currency, lines, charges).items()}
    assert sum((n.total for n in notes), Money.zero(currency)) == invoice.total
    if not invoice.total.is_zero:
        assert oms.get_invoice(invoice.id).status == "credited"
    balance = oms.trial_balance()
    for line in balance.lines:
        if line.account.startswith(("4", "23")):
            assert balance.balance(line.account, currency) == 0, line.account
