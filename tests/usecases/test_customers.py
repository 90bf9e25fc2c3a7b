"""Customers through the facade: register, update, read, and the profile their orders make."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pydantic
import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock
from ordermgmt.errors import CustomerBlocked, NotFound, ValidationError
from ordermgmt.messages import CustomerView, OrderView, ProductView, ReceiptView

ADDRESS = {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}


@pytest.fixture
def acme(make_customer: Callable[..., CustomerView]) -> CustomerView:
    return make_customer(
        "ACME GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        credit_limit=Money("20000", "EUR"),
        email="buying@acme.example",
        phone="+49 30 1234",
        billing_address=ADDRESS,
    )


def test_register_and_get_a_b2b_customer(oms: OrderManagement, acme: CustomerView) -> None:
    assert acme.kind == "b2b"
    assert acme.payment_preference == "invoice"
    assert acme.payment_terms_days == 30
    assert acme.credit_limit == Money("20000", "EUR")
    assert acme.billing_address is not None
    assert acme.billing_address.city == "Berlin"
    assert acme.shipping_address is None
    assert acme.blocked is False
    assert oms.get_customer(acme.id) == acme


def test_customer_views_are_read_only(acme: CustomerView) -> None:
    with pytest.raises(pydantic.ValidationError):
        acme.name = "Someone else"  # type: ignore[misc]


def test_ids_come_from_the_id_generator(make_customer: Callable[..., CustomerView]) -> None:
    first, second = make_customer("One"), make_customer("Two")
    # The generator also numbers the CustomerRegistered event between them.
    assert (first.id, second.id) == ("id-000001", "id-000003")


def test_update_changes_only_the_given_fields(oms: OrderManagement, acme: CustomerView) -> None:
    updated = oms.update_customer(acme.id, phone="+49 40 999", shipping_address=ADDRESS)

    assert updated.phone == "+49 40 999"
    assert updated.shipping_address == updated.billing_address
    unchanged = {"phone", "shipping_address", "version"}
    assert updated.model_dump(exclude=unchanged) == acme.model_dump(exclude=unchanged)
    assert updated.version == acme.version + 1
    assert oms.get_customer(acme.id) == updated


def test_an_update_that_changes_nothing_keeps_the_version(
    oms: OrderManagement, acme: CustomerView
) -> None:
    assert oms.update_customer(acme.id, name="ACME GmbH").version == acme.version


def test_credit_limit_can_be_changed_and_removed(oms: OrderManagement, acme: CustomerView) -> None:
    assert oms.update_customer(acme.id, credit_limit=Money("500", "EUR")).credit_limit == Money(
        "500", "EUR"
    )
    assert oms.update_customer(acme.id, credit_limit=None).credit_limit is None


def test_credit_limit_is_for_b2b_customers_only(
    oms: OrderManagement, customer: CustomerView, acme: CustomerView
) -> None:
    with pytest.raises(ValidationError) as caught:
        oms.update_customer(customer.id, credit_limit=Money("100", "EUR"))
    assert caught.value.field == "credit_limit"
    assert oms.get_customer(customer.id) == customer

    with pytest.raises(ValidationError) as caught:
        oms.update_customer(acme.id, kind="b2c")
    assert caught.value.field == "credit_limit"
    assert oms.get_customer(acme.id) == acme

    turned = oms.update_customer(acme.id, kind="b2c", credit_limit=None)
    assert (turned.kind, turned.credit_limit) == ("b2c", None)


def test_unknown_customers_are_not_found(oms: OrderManagement) -> None:
    for call in (
        lambda: oms.get_customer("nobody"),
        lambda: oms.update_customer("nobody", name="X"),
        lambda: oms.customer_profile("nobody"),
        lambda: oms.customer_orders("nobody"),
    ):
        with pytest.raises(NotFound) as caught:
            call()
        assert (caught.value.kind, caught.value.key) == ("customer", "nobody")


def test_a_blocked_customer_cannot_order_until_unblocked(
    oms: OrderManagement,
    customer: CustomerView,
    make_product: Callable[..., ProductView],
    receive: Callable[..., ReceiptView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR")
    receive("CHAIR", 5)
    oms.update_customer(customer.id, blocked=True)

    with pytest.raises(CustomerBlocked) as caught:
        place(("CHAIR", 1))

    assert caught.value.customer_id == customer.id
    assert caught.value.code == "customer_blocked"
    assert oms.customer_orders(customer.id) == []
    assert oms.availability("CHAIR").reserved == 0

    oms.update_customer(customer.id, blocked=False)
    assert place(("CHAIR", 1)).status == "open"


def test_a_customer_registered_blocked_cannot_order(
    make_customer: Callable[..., CustomerView],
    make_product: Callable[..., ProductView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR")
    blocked = make_customer("Blocked Ltd", blocked=True)

    with pytest.raises(CustomerBlocked):
        place(("CHAIR", 1), customer_id=blocked.id)


# -- profile -----------------------------------------------------------------------------------


def test_a_new_customer_has_an_empty_profile(oms: OrderManagement, acme: CustomerView) -> None:
    profile = oms.customer_profile(acme.id)

    assert profile.customer_id == acme.id
    assert profile.name == "ACME GmbH"
    assert profile.payment_preference == "invoice"
    assert (profile.order_count, profile.cancelled_count) == (0, 0)
    assert profile.order_volume == {}
    assert profile.open_amount == {}
    assert (profile.first_order_at, profile.last_order_at) == (None, None)
    assert profile.channels == {}


def test_the_profile_reflects_each_order_at_once(
    oms: OrderManagement,
    clock: FixedClock,
    customer: CustomerView,
    make_product: Callable[..., ProductView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR", price="100.00", tax_rate="0.19")
    first_at = clock.now()

    first = place(("CHAIR", 1))
    after_first = oms.customer_profile(customer.id)
    clock.advance(timedelta(days=2))
    place(("CHAIR", 2), channel="phone")
    usd = oms.place_order(
        customer_id=customer.id,
        channel="marketplace",
        currency="USD",
        lines=[{"sku": "CHAIR", "quantity": 1, "unit_price": Money("50.00", "USD")}],
    )
    profile = oms.customer_profile(customer.id)

    assert after_first.order_count == 1
    assert after_first.order_volume == {"EUR": Money("119.00", "EUR")}
    assert first.total == Money("119.00", "EUR")
    assert profile.order_count == 3
    assert profile.order_volume == {"EUR": Money("357.00", "EUR"), "USD": Money("59.50", "USD")}
    assert profile.open_amount == profile.order_volume
    assert usd.currency == "USD"
    assert profile.first_order_at == first_at
    assert profile.last_order_at == first_at + timedelta(days=2)
    assert profile.channels == {"marketplace": 1, "phone": 1, "web": 1}


def test_cancelled_orders_leave_volume_and_open_amount(
    oms: OrderManagement,
    customer: CustomerView,
    make_product: Callable[..., ProductView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR", price="100.00", tax_rate="0")
    kept = place(("CHAIR", 1))
    dropped = place(("CHAIR", 3))

    oms.cancel_order(dropped.id)
    profile = oms.customer_profile(customer.id)

    assert (profile.order_count, profile.cancelled_count) == (2, 1)
    assert profile.order_volume == {"EUR": kept.total}
    assert profile.open_amount == {"EUR": kept.total}


def test_orders_on_hold_are_still_open_amounts(
    oms: OrderManagement,
    customer: CustomerView,
    make_product: Callable[..., ProductView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR", price="10.00", tax_rate="0")
    order = place(("CHAIR", 1))

    oms.hold_order(order.id, reason="address check")

    assert oms.customer_profile(customer.id).open_amount == {"EUR": Money("10.00", "EUR")}


def test_customer_orders_are_the_history_oldest_first(
    oms: OrderManagement,
    clock: FixedClock,
    customer: CustomerView,
    make_customer: Callable[..., CustomerView],
    make_product: Callable[..., ProductView],
    place: Callable[..., OrderView],
) -> None:
    make_product("CHAIR")
    other = make_customer("Someone Else")
    first = place(("CHAIR", 1))
    clock.advance()
    place(("CHAIR", 1), customer_id=other.id)
    clock.advance()
    third = place(("CHAIR", 2))

    history = oms.customer_orders(customer.id)

    assert [o.id for o in history] == [first.id, third.id]
    assert [o.number for o in history] == ["SO-000001", "SO-000003"]
    assert oms.customer_orders(other.id)[0].number == "SO-000002"
