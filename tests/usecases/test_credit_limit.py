"""The B2B credit limit: orders beyond it wait on hold, reserved, until paid down or released."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tests.money import eur

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain.events import DomainEvent, OrderHeld, OrderReleased
from ordermgmt.errors import InvalidStateTransition, ValidationError
from ordermgmt.messages import CustomerView, OrderView

# one chair: 149.00 net + 28.31 tax = 177.31; five chairs: 886.55


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


@pytest.fixture
def oms(clock: FixedClock, build_oms: Callable[..., OrderManagement]) -> OrderManagement:
    oms = build_oms(clock=clock, ids=SequentialIdGenerator())
    oms.upsert_product(
        sku="CHAIR", name="Office chair", unit_price=eur("149.00"), tax_rate=Decimal("0.19")
    )
    oms.receive_stock(sku="CHAIR", location="BER", quantity=50, supplier="Stuhlwerk AG")
    return oms


@pytest.fixture
def acme(oms: OrderManagement) -> CustomerView:
    return oms.register_customer(
        name="ACME GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        credit_limit=eur("1000.00"),
        email="ap@acme.example",
    )


def chairs(oms: OrderManagement, customer: CustomerView, quantity: int) -> OrderView:
    return oms.place_order(
        customer_id=customer.id, channel="edi", lines=[{"sku": "CHAIR", "quantity": quantity}]
    )


def assert_books_balance(oms: OrderManagement, *orders: OrderView) -> None:
    balance = oms.trial_balance()
    assert balance.balanced
    outstanding = sum(
        (i.outstanding.amount for o in orders for i in oms.order_invoices(o.id)), Decimal(0)
    )
    assert balance.balance("1400", "EUR") == outstanding


def test_an_order_within_the_limit_is_open(oms: OrderManagement, acme: CustomerView) -> None:
    first = chairs(oms, acme, 5)  # 886.55

    assert (first.status, first.hold_reason) == ("open", "")


def test_an_order_taking_exposure_over_the_limit_is_held_with_its_stock_reserved(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    chairs(oms, acme, 5)

    held = chairs(oms, acme, 1)  # exposure 886.55 + 177.31 = 1,063.86

    assert held.status == "on_hold"
    assert held.hold_reason == "credit limit: exposure 1,063.86 EUR exceeds 1,000.00 EUR"
    assert held.fulfillment_status == "reserved"
    assert held.line("CHAIR").allocations == {"BER": 1}
    stock = oms.availability("CHAIR")
    assert (stock.on_hand, stock.reserved, stock.available) == (50, 6, 44)
    assert [(e.order_id, e.reason) for e in events if isinstance(e, OrderHeld)] == [
        (held.id, held.hold_reason)
    ]


def test_an_order_reaching_the_limit_exactly_is_not_held(oms: OrderManagement) -> None:
    exact = oms.register_customer(
        name="Exact AG", kind="b2b", payment_preference="invoice", credit_limit=eur("1063.86")
    )
    chairs(oms, exact, 5)

    assert chairs(oms, exact, 1).status == "open"
    assert chairs(oms, exact, 1).status == "on_hold"


def test_a_single_order_above_the_limit_is_held(oms: OrderManagement, acme: CustomerView) -> None:
    big = chairs(oms, acme, 6)  # 1,063.86

    assert big.status == "on_hold"


def test_a_held_order_cannot_be_shipped(oms: OrderManagement, acme: CustomerView) -> None:
    chairs(oms, acme, 5)
    held = chairs(oms, acme, 1)

    with pytest.raises(InvalidStateTransition) as raised:
        oms.ship_order(held.id, carrier="parcel")

    assert raised.value.code == "invalid_state_transition"
    assert oms.order_shipments(held.id) == []
    assert oms.get_order(held.id).fulfillment_status == "reserved"
    assert oms.availability("CHAIR").on_hand == 50


def test_paying_down_an_earlier_invoice_releases_the_held_order(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    first = chairs(oms, acme, 5)
    held = chairs(oms, acme, 1)
    invoice = oms.issue_invoice(first.id)  # exposure still 886.55 + 177.31

    oms.record_payment(invoice_id=invoice.id, amount=eur("63.85"), method="bank_transfer")
    assert oms.get_order(held.id).status == "on_hold"  # 1,000.01 is still over the limit

    oms.record_payment(invoice_id=invoice.id, amount=eur("0.01"), method="bank_transfer")

    released = oms.get_order(held.id)
    assert (released.status, released.hold_reason) == ("open", "")
    assert [e.order_id for e in events if isinstance(e, OrderReleased)] == [held.id]
    shipment = oms.ship_order(held.id, carrier="parcel")
    assert shipment.status == "booked"
    assert oms.get_order(held.id).fulfillment_status == "shipped"
    assert_books_balance(oms, first, held)


def test_a_held_order_is_released_by_hand(oms: OrderManagement, acme: CustomerView) -> None:
    chairs(oms, acme, 5)
    held = chairs(oms, acme, 1)

    released = oms.release_order(held.id)

    assert (released.status, released.hold_reason) == ("open", "")
    assert oms.ship_order(held.id, carrier="parcel").status == "booked"
    with pytest.raises(InvalidStateTransition):
        oms.release_order(held.id)  # open orders are not on hold


def test_prepaying_a_held_order_takes_it_out_of_the_exposure_and_releases_it(
    oms: OrderManagement, acme: CustomerView
) -> None:
    chairs(oms, acme, 5)
    held = chairs(oms, acme, 1)

    payment = oms.record_payment(order_id=held.id, amount=eur("177.31"), method="bank_transfer")

    assert payment.kind == "prepayment"
    assert oms.get_order(held.id).status == "open"


def test_open_invoices_count_towards_the_exposure(oms: OrderManagement, acme: CustomerView) -> None:
    first = chairs(oms, acme, 5)
    oms.issue_invoice(first.id)
    oms.ship_order(first.id, carrier="parcel")

    assert chairs(oms, acme, 1).status == "on_hold"


def test_paid_invoices_do_not_count_towards_the_exposure(
    oms: OrderManagement, acme: CustomerView
) -> None:
    first = chairs(oms, acme, 5)
    invoice = oms.issue_invoice(first.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    assert chairs(oms, acme, 5).status == "open"


def test_cancelled_orders_do_not_count_towards_the_exposure(
    oms: OrderManagement, acme: CustomerView
) -> None:
    first = chairs(oms, acme, 5)
    oms.cancel_order(first.id, reason="duplicate")

    assert chairs(oms, acme, 5).status == "open"


def test_a_held_order_can_be_cancelled_and_gives_its_stock_back(
    oms: OrderManagement, acme: CustomerView
) -> None:
    chairs(oms, acme, 5)
    held = chairs(oms, acme, 1)

    cancelled = oms.cancel_order(held.id, reason="customer withdrew")

    assert cancelled.status == "cancelled"
    assert oms.availability("CHAIR").reserved == 5


def test_a_limit_in_another_currency_holds_the_order(oms: OrderManagement) -> None:
    swiss = oms.register_customer(
        name="Swiss AG", kind="b2b", payment_preference="invoice", credit_limit=Money("5000", "CHF")
    )

    held = chairs(oms, swiss, 1)

    assert held.status == "on_hold"
    assert held.hold_reason == "credit limit: the limit is in CHF, the order in EUR"


def test_customers_without_a_limit_are_never_held(oms: OrderManagement) -> None:
    trusted = oms.register_customer(name="Trusted KG", kind="b2b", payment_preference="invoice")
    consumer = oms.register_customer(name="Erika", kind="b2c", payment_preference="invoice")

    assert chairs(oms, trusted, 40).status == "open"
    assert chairs(oms, consumer, 5).status == "open"


def test_only_b2b_customers_have_a_credit_limit(oms: OrderManagement) -> None:
    with pytest.raises(ValidationError) as raised:
        oms.register_customer(
            name="Erika", kind="b2c", payment_preference="invoice", credit_limit=eur("100")
        )

    assert raised.value.field == "credit_limit"


def test_a_payment_does_not_release_an_order_held_for_another_reason(
    oms: OrderManagement, acme: CustomerView
) -> None:
    first = chairs(oms, acme, 1)
    other = chairs(oms, acme, 1)
    oms.hold_order(other.id, reason="address check")
    invoice = oms.issue_invoice(first.id)

    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    still = oms.get_order(other.id)
    assert (still.status, still.hold_reason) == ("on_hold", "address check")
