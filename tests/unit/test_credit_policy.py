"""The credit check in the domain: exposure, holds and their release, and the payment status an
order's invoices add up to.

Oracles are simple models kept beside the objects: an order nothing of which is invoiced is
open for its total; what an invoice owes is tracked in whole minor units as money is applied;
a hold is what the rule says in one sentence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ordermgmt import Money
from ordermgmt.domain.credit import CREDIT_HOLD, CreditPolicy, exposure
from ordermgmt.domain.ids import CustomerId, OrderId
from ordermgmt.domain.invoice import (
    DocumentLine,
    Invoice,
    Settlement,
    invoice_number,
    payment_status,
)
from ordermgmt.domain.order import Channel, Order, OrderLine, OrderStatus, order_number

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CENT = Decimal("0.01")


def order(no: int, cents: int, currency: str = "EUR", prepaid_cents: int = 0) -> Order:
    placed = Order.place(
        id=OrderId(f"order-{no}"),
        number=order_number(no),
        customer_id=CustomerId("customer-1"),
        channel=Channel.WEB,
        currency=currency,
        lines=[
            OrderLine(
                line_no=1,
                sku="CHAIR",
                name="Chair",
                quantity=1,
                unit_price=Money(Decimal(cents) * CENT, currency),
                tax_rate=Decimal(0),
                discount=Money.zero(currency),
            )
        ],
        at=AT,
    )
    placed.prepaid_amount = Decimal(prepaid_cents) * CENT
    return placed


def invoice(no: int, cents: int, currency: str = "EUR") -> Invoice:
    line = DocumentLine(
        order_line_no=1,
        sku="CHAIR",
        name="Chair",
        quantity=1,
        unit_price=Money(Decimal(cents) * CENT, currency),
        discount=Money.zero(currency),
        tax_rate=Decimal(0),
    )
    return Invoice.issue(
        id=f"inv-{no}",
        number=invoice_number(2026, no),
        order_id=f"order-{no}",
        customer_id="customer-1",
        currency=currency,
        lines=(line,),
        at=AT,
        payment_terms_days=14,
        settlement=Settlement.RECEIVABLE,
    )


def cents(amount: Money) -> int:
    return int(amount.amount / CENT)


# -- exposure ----------------------------------------------------------------------------------


invoice_specs = st.lists(
    st.tuples(
        st.sampled_from(["EUR", "USD"]),
        st.integers(1, 10**6),  # total
        st.integers(0, 100),  # percent paid
        st.integers(0, 100),  # percent credited on top
    ),
    max_size=5,
)
order_specs = st.lists(
    st.tuples(st.sampled_from(["EUR", "USD"]), st.integers(1, 10**6), st.integers(0, 2 * 10**6)),
    max_size=5,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(invoice_specs, order_specs, st.sampled_from(["EUR", "USD"]))
def test_exposure_is_the_sum_of_what_is_open_in_that_currency(
    invoices: list[tuple[str, int, int, int]],
    orders: list[tuple[str, int, int]],
    currency: str,
) -> None:
    expected = 0
    documents = []
    for no, (money, total, paid_pct, credited_pct) in enumerate(invoices, 1):
        document = invoice(no, total, money)
        paid = total * paid_pct // 100
        credited = total * credited_pct // 100
        if paid:
            document.apply_payment(Money(Decimal(paid) * CENT, money))
        if credited:  # crediting what was paid leaves the customer owed: that counts nothing
            document.apply_credit(Money(Decimal(credited) * CENT, money))
        if money == currency:
            expected += max(total - paid - credited, 0)
        documents.append(document)
    active = []
    for no, (money, total, prepaid) in enumerate(orders, 100):
        active.append(order(no, total, money, prepaid))
        if money == currency:  # nothing of these orders is invoiced yet
            expected += max(total - prepaid, 0)

    assert cents(exposure(documents, active, currency)) == expected


# -- holds -------------------------------------------------------------------------------------


limits = st.none() | st.builds(
    lambda money, units: Money(Decimal(units) * CENT, money),
    st.sampled_from(["EUR", "USD"]),
    st.integers(0, 10**6),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(limits, st.integers(0, 2 * 10**6))
def test_a_new_order_is_held_exactly_when_the_limit_does_not_cover_it(
    limit: Money | None, exposed: int
) -> None:
    placed = order(1, 100)
    asked: list[str] = []

    def exposure_in(currency: str) -> Money:
        asked.append(currency)
        return Money(Decimal(exposed) * CENT, currency)

    CreditPolicy(limit).check(placed, exposure_in, AT)

    other_currency = limit is not None and limit.currency != "EUR"
    over = limit is not None and not other_currency and exposed > cents(limit)
    assert (placed.status is OrderStatus.ON_HOLD) == (other_currency or over)
    if placed.status is OrderStatus.ON_HOLD:
        assert placed.hold_reason.startswith(CREDIT_HOLD)
    assert asked == (["EUR"] if limit is not None and not other_currency else [])


holds = st.lists(
    st.tuples(st.sampled_from(["EUR", "USD"]), st.sampled_from(["credit", "other", "open"])),
    max_size=6,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(limits, st.integers(0, 2 * 10**6), holds)
def test_credit_holds_are_released_while_the_limit_allows_and_no_other_hold_is(
    limit: Money | None, exposed: int, specs: list[tuple[str, str]]
) -> None:
    orders = []
    for no, (currency, state) in enumerate(specs, 1):
        held = order(no, 100, currency)
        if state == "credit":
            held.hold(f"{CREDIT_HOLD}: exposure too high", AT)
        elif state == "other":
            held.hold("customer asked to wait", AT)
        orders.append(held)

    CreditPolicy(limit).release_holds(
        orders, lambda currency: Money(Decimal(exposed) * CENT, currency), AT
    )

    for held, (currency, state) in zip(orders, specs, strict=True):
        released = state == "credit" and (
            limit is None or (limit.currency == currency and exposed <= cents(limit))
        )
        expected = OrderStatus.OPEN if state == "open" or released else OrderStatus.ON_HOLD
        assert held.status is expected


def test_holds_are_reviewed_only_with_a_limit_or_when_it_was_removed() -> None:
    assert CreditPolicy(Money("100.00", "EUR")).reviews_holds()
    assert CreditPolicy(None).reviews_holds(limit_removed=True)
    assert not CreditPolicy(None).reviews_holds()


# -- payment status ----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.lists(st.tuples(st.integers(1, 10**5), st.integers(0, 100), st.integers(0, 100)), max_size=4)
)
def test_payment_status_follows_from_what_was_paid_and_credited_of_the_total(
    specs: list[tuple[int, int, int]],
) -> None:
    documents = []
    total = paid = credited = 0  # the model, in cents
    for no, (amount, paid_pct, credited_pct) in enumerate(specs, 1):
        document = invoice(no, amount)
        pay = amount * paid_pct // 100
        credit = (amount - pay) * credited_pct // 100
        if pay:
            document.apply_payment(Money(Decimal(pay) * CENT, "EUR"))
        if credit:
            document.apply_credit(Money(Decimal(credit) * CENT, "EUR"))
        total, paid, credited = total + amount, paid + pay, credited + credit
        documents.append(document)

    if not documents:
        expected = "not_invoiced"
    elif credited:
        expected = "refunded" if credited == total else "partially_refunded"
    elif paid == total:
        expected = "paid"
    else:
        expected = "partially_paid" if paid else "invoiced"
    assert payment_status(documents) == expected
