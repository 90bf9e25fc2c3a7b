"""Money received for an order, and idempotent payments, on every store.

A payment for an order pays its open invoices, oldest due date first, one payment per invoice;
what is left pays ahead for what is not invoiced yet; only what exceeds both is an overpayment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.errors import IdempotencyConflict, Overpayment, ValidationError
from ordermgmt.messages import CustomerView, OrderView

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RECEIVABLES, PREPAYMENTS, BANK = "1400", "2100", "1200"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def shipping(clock: FixedClock, build_oms: Callable[..., OrderManagement]) -> OrderManagement:
    """An OMS that invoices what was shipped: chairs at 149.00 + 19 % = 177.31 each."""
    oms = build_oms(clock=clock, ids=SequentialIdGenerator(), invoice_policy="on_shipment")
    oms.upsert_product(sku="CHAIR", name="Office chair", unit_price=eur("149.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Stuhlwerk AG")
    return oms


def buyer(oms: OrderManagement, terms: int = 30) -> CustomerView:
    return oms.register_customer(
        name="ACME GmbH", kind="b2b", payment_preference="invoice", payment_terms_days=terms
    )


def chairs(oms: OrderManagement, customer: CustomerView, quantity: int) -> OrderView:
    return oms.place_order(
        customer_id=customer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": quantity}]
    )


def ship_and_invoice(oms: OrderManagement, order_id: str, quantity: int) -> str:
    oms.ship_order(order_id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": quantity}])
    return oms.issue_invoice(order_id).id


def assert_books(oms: OrderManagement, placed: OrderView, held: str = "0") -> None:
    """Receivables equal what the invoices have outstanding; the prepayments account holds
    ``held`` for the order."""
    balance = oms.trial_balance()
    assert balance.balanced
    outstanding = sum((i.outstanding.amount for i in oms.order_invoices(placed.id)), Decimal(0))
    assert balance.balance(RECEIVABLES, "EUR") == outstanding
    assert balance.balance(PREPAYMENTS, "EUR") == -Decimal(held)


def test_a_payment_for_an_invoiced_order_pays_its_open_invoice(
    shipping: OrderManagement,
) -> None:
    """Before: "exceeds the outstanding 0.00 EUR" although the invoice was open."""
    oms = shipping
    placed = chairs(oms, buyer(oms), 1)
    invoice_id = ship_and_invoice(oms, placed.id, 1)

    paid = oms.record_payment(order_id=placed.id, amount=eur("177.31"), method="bank_transfer")

    assert (paid.kind, paid.invoice_id, paid.amount) == ("payment", invoice_id, eur("177.31"))
    assert [(p.kind, p.invoice_id, p.amount) for p in paid.parts] == [
        ("payment", invoice_id, eur("177.31"))
    ]
    assert oms.get_invoice(invoice_id).status == "paid"
    assert oms.get_order(placed.id).payment_status == "paid"
    assert oms.trial_balance().balance(BANK, "EUR") == Decimal("177.31")
    assert_books(oms, placed)


def test_an_order_payment_spans_open_invoices_oldest_due_first_then_pays_ahead(
    shipping: OrderManagement, clock: FixedClock
) -> None:
    oms = shipping
    customer = buyer(oms, terms=30)
    placed = chairs(oms, customer, 4)  # 4 x 177.31 = 709.24
    first = ship_and_invoice(oms, placed.id, 1)  # due in 30 days
    clock.advance(timedelta(days=1))
    second = ship_and_invoice(oms, placed.id, 2)  # due a day later
    oms.record_payment(invoice_id=first, amount=eur("100.00"), method="bank_transfer")

    # 77.31 pays off the first, 354.62 the second, 100.00 pays ahead for the fourth chair
    paid = oms.record_payment(order_id=placed.id, amount=eur("531.93"), method="bank_transfer")

    assert [(p.kind, p.invoice_id, p.amount) for p in paid.parts] == [
        ("payment", first, eur("77.31")),
        ("payment", second, eur("354.62")),
        ("prepayment", "", eur("100.00")),
    ]
    assert paid.amount == eur("531.93")
    assert paid.id == paid.parts[0].id
    assert [oms.get_invoice(i).status for i in (first, second)] == ["paid", "paid"]
    assert oms.get_order(placed.id).payment_status == "paid"
    assert_books(oms, placed, held="100.00")

    # the prepayment is set against the last invoice when it comes
    last = ship_and_invoice(oms, placed.id, 1)
    assert oms.get_invoice(last).outstanding == eur("77.31")
    assert_books(oms, placed, held="0")


def test_only_what_exceeds_everything_open_is_an_overpayment(shipping: OrderManagement) -> None:
    oms = shipping
    placed = chairs(oms, buyer(oms), 3)  # 531.93
    invoice_id = ship_and_invoice(oms, placed.id, 1)  # 177.31 invoiced, 354.62 not yet
    oms.record_payment(order_id=placed.id, amount=eur("50.00"), method="bank_transfer")
    before = (oms.trial_balance(), oms.get_order(placed.id), oms.get_invoice(invoice_id))

    with pytest.raises(Overpayment) as raised:
        oms.record_payment(order_id=placed.id, amount=eur("481.94"), method="bank_transfer")

    assert raised.value.outstanding == eur("481.93")  # 127.31 on the invoice + 354.62 ahead
    assert raised.value.amount == eur("481.94")
    assert (oms.trial_balance(), oms.get_order(placed.id), oms.get_invoice(invoice_id)) == before
    oms.record_payment(order_id=placed.id, amount=eur("481.93"), method="bank_transfer")
    assert oms.get_invoice(invoice_id).status == "paid"
    assert_books(oms, placed, held="354.62")


def test_a_fully_invoiced_order_takes_no_more_than_its_open_invoices(
    shipping: OrderManagement,
) -> None:
    oms = shipping
    placed = chairs(oms, buyer(oms), 1)
    ship_and_invoice(oms, placed.id, 1)

    with pytest.raises(Overpayment) as raised:
        oms.record_payment(order_id=placed.id, amount=eur("177.32"), method="bank_transfer")

    assert raised.value.outstanding == eur("177.31")
    assert oms.trial_balance().balance(BANK, "EUR") == Decimal(0)


# -- idempotency ---------------------------------------------------------------------------------


def test_the_same_payment_key_again_returns_the_first_payment_and_books_nothing(
    shipping: OrderManagement,
) -> None:
    """A bank statement imported twice books every payment once."""
    oms = shipping
    placed = chairs(oms, buyer(oms), 2)
    invoice_id = ship_and_invoice(oms, placed.id, 1)
    statement = [
        {"invoice_id": invoice_id, "amount": eur("77.31"), "idempotency_key": "stmt-7/line-1"},
        {"order_id": placed.id, "amount": eur("200.00"), "idempotency_key": "stmt-7/line-2"},
    ]
    first = [oms.record_payment(method="bank_transfer", **line) for line in statement]
    books = (oms.trial_balance(), oms.journal(), oms.get_invoice(invoice_id))

    again = [oms.record_payment(method="bank_transfer", **line) for line in statement]

    assert again == first
    assert (oms.trial_balance(), oms.journal(), oms.get_invoice(invoice_id)) == books
    assert oms.get_invoice(invoice_id).status == "paid"  # line 2 paid the rest of it first
    assert_books(oms, placed, held="100.00")


@pytest.mark.parametrize(
    "change",
    [
        {"amount": eur("10.01")},
        {"method": "card"},
        {"reference": "other"},
        {"order_id": None},
    ],
)
def test_the_same_payment_key_with_other_content_is_a_conflict(
    shipping: OrderManagement, change: dict[str, object]
) -> None:
    oms = shipping
    placed = chairs(oms, buyer(oms), 2)
    invoice_id = ship_and_invoice(oms, placed.id, 1)
    first = oms.record_payment(
        order_id=placed.id, amount=eur("10.00"), method="bank_transfer", idempotency_key="psp-1"
    )
    fields: dict[str, object] = {
        "order_id": placed.id,
        "amount": eur("10.00"),
        "method": "bank_transfer",
        "idempotency_key": "psp-1",
    } | change
    if fields["order_id"] is None:
        fields["invoice_id"] = invoice_id
    books = oms.trial_balance()

    with pytest.raises(IdempotencyConflict) as raised:
        oms.record_payment(**fields)  # type: ignore[arg-type]

    assert (raised.value.key, raised.value.scope) == ("psp-1", "payment")
    assert raised.value.existing_id == first.id
    assert raised.value.code == "idempotency_conflict"
    assert oms.trial_balance() == books


def test_a_refused_payment_does_not_use_up_its_key(shipping: OrderManagement) -> None:
    oms = shipping
    placed = chairs(oms, buyer(oms), 1)
    with pytest.raises(Overpayment):
        oms.record_payment(
            order_id=placed.id, amount=eur("999.00"), method="card", idempotency_key="k"
        )
    paid = oms.record_payment(
        order_id=placed.id, amount=eur("9.00"), method="card", idempotency_key="k"
    )
    assert paid.kind == "prepayment"


def test_nothing_is_no_payment_for_an_order(shipping: OrderManagement) -> None:
    order = chairs(shipping, buyer(shipping), 1)  # nothing invoiced, nothing open
    for nothing in ("0.00", "-1.00"):
        with pytest.raises(ValidationError, match="greater than zero"):
            shipping.record_payment(order_id=order.id, amount=eur(nothing), method="card")
    assert shipping.journal() == []
