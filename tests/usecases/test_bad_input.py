"""Bad input of every kind: a typed error naming the field and the value, and no trace left.

Each case runs against a small shop with stock, orders, a backorder and an open requisition;
afterwards everything a caller can read must be exactly as before and no event published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.domain.events import DomainEvent
from ordermgmt.errors import (
    CurrencyMismatch,
    CustomerBlocked,
    InsufficientStock,
    InvalidStateTransition,
    NotFound,
    OrderManagementError,
    ValidationError,
)
from ordermgmt.messages import CustomerView, OrderView, ProductView, ReceiptView

HUGE = "x" * 10_000


@dataclass(frozen=True)
class Shop:
    oms: OrderManagement
    customer: str
    blocked: str
    b2b: str
    open_order: str
    cancelled_order: str


@pytest.fixture
def shop(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    make_customer: Callable[..., CustomerView],
    customer: CustomerView,
    receive: Callable[..., ReceiptView],
    place: Callable[..., OrderView],
) -> Shop:
    make_product("CHAIR", price="149.00", reorder_point=2, reorder_quantity=20)
    make_product("DESK", price="399.00")
    oms.define_location("BER", priority=1)
    oms.define_location("HAM", priority=2)
    receive("CHAIR", 6, location="BER")
    receive("CHAIR", 2, location="HAM")
    receive("DESK", 1, location="HAM")
    blocked = make_customer("Blocked Ltd", blocked=True)
    b2b = make_customer(
        "ACME GmbH", kind="b2b", payment_preference="invoice", credit_limit=Money("9000", "EUR")
    )
    open_order = place(("CHAIR", 3), ("DESK", 2))
    cancelled = place(("CHAIR", 1))
    oms.cancel_order(cancelled.id)
    place(("CHAIR", 4))  # reaches the reorder point: one open requisition
    assert oms.open_purchase_requisitions()
    return Shop(oms, customer.id, blocked.id, b2b.id, open_order.id, cancelled.id)


def state(shop: Shop) -> dict[str, Any]:
    oms = shop.oms
    customers = (shop.customer, shop.blocked, shop.b2b)
    return {
        "availability": [oms.availability(sku) for sku in ("CHAIR", "DESK")],
        "customers": [oms.get_customer(c) for c in customers],
        "orders": [oms.customer_orders(c) for c in customers],
        "profiles": [oms.customer_profile(c) for c in customers],
        "products": oms.products(),
        "backorders": oms.open_backorders(),
        "requisitions": oms.open_purchase_requisitions(),
    }


def assert_refused_without_trace(
    shop: Shop,
    call: Callable[[Shop], object],
    error_type: type[OrderManagementError],
    expected: dict[str, object],
) -> OrderManagementError:
    before = state(shop)
    published: list[DomainEvent] = []
    shop.oms.subscribe(published.append)

    with pytest.raises(error_type) as caught:
        call(shop)

    for name, value in expected.items():
        actual = getattr(caught.value, name)
        assert actual == value or actual is value, f"{name}: {actual!r} != {value!r}"
    assert caught.value.code
    assert str(caught.value)
    assert state(shop) == before
    assert published == []
    return caught.value


# -- place_order -------------------------------------------------------------------------------


def order(shop: Shop, **changes: Any) -> OrderView:
    fields: dict[str, Any] = {
        "customer_id": shop.customer,
        "channel": "web",
        "lines": [{"sku": "CHAIR", "quantity": 1}],
    }
    fields.update(changes)
    return shop.oms.place_order(**fields)


def line(**changes: Any) -> list[dict[str, Any]]:
    return [{"sku": "CHAIR", "quantity": 1, **changes}]


def invalid(field: str, value: object) -> tuple[type[OrderManagementError], dict[str, object]]:
    return ValidationError, {"field": field, "value": value}


NAN_PRICE = {"amount": "NaN", "currency": "EUR"}
INF_PRICE = {"amount": "Infinity", "currency": "EUR"}
FLOAT_PRICE = {"amount": 1.5, "currency": "EUR"}
TOO_MANY_LINES = [{"sku": "CHAIR", "quantity": 1}] * 501

PLACE_ORDER_CASES = [
    pytest.param(
        lambda s: order(s, lines=line(sku="NOPE")),
        NotFound,
        {"kind": "product", "key": "NOPE"},
        id="unknown-sku",
    ),
    pytest.param(
        lambda s: order(s, lines=line(sku="has space")),
        *invalid("lines[0].sku", "has space"),
        id="malformed-sku",
    ),
    pytest.param(
        lambda s: order(s, lines=line(sku="S" * 65)),
        *invalid("lines[0].sku", "S" * 65),
        id="long-sku",
    ),
    pytest.param(
        lambda s: order(s, lines=line(quantity=0)), *invalid("lines[0].quantity", 0), id="qty-zero"
    ),
    pytest.param(
        lambda s: order(s, lines=line(quantity=-2)),
        *invalid("lines[0].quantity", -2),
        id="qty-negative",
    ),
    pytest.param(
        lambda s: order(s, lines=line(quantity="1")),
        *invalid("lines[0].quantity", "1"),
        id="qty-str",
    ),
    pytest.param(
        lambda s: order(s, lines=line(quantity=1.0)),
        *invalid("lines[0].quantity", 1.0),
        id="qty-float",
    ),
    pytest.param(
        lambda s: order(s, lines=line(quantity=True)),
        *invalid("lines[0].quantity", True),
        id="qty-bool",
    ),
    pytest.param(
        lambda s: order(s, lines=line(quantity=None)),
        *invalid("lines[0].quantity", None),
        id="qty-none",
    ),
    pytest.param(
        lambda s: order(s, lines=line(quantity=1_000_001)),
        *invalid("lines[0].quantity", 1_000_001),
        id="qty-huge",
    ),
    pytest.param(
        lambda s: order(s, lines=[{"sku": "CHAIR", "quantity": 1}, {"sku": "DESK", "quantity": 0}]),
        *invalid("lines[1].quantity", 0),
        id="second-line-qty",
    ),
    pytest.param(
        lambda s: order(s, lines=line(unit_price=1.5)),
        *invalid("lines[0].unit_price", 1.5),
        id="price-float",
    ),
    pytest.param(
        lambda s: order(s, lines=line(unit_price=NAN_PRICE)),
        *invalid("lines[0].unit_price", NAN_PRICE),
        id="price-nan",
    ),
    pytest.param(
        lambda s: order(s, lines=line(unit_price=INF_PRICE)),
        *invalid("lines[0].unit_price", INF_PRICE),
        id="price-inf",
    ),
    pytest.param(
        lambda s: order(s, lines=line(unit_price=FLOAT_PRICE)),
        *invalid("lines[0].unit_price", FLOAT_PRICE),
        id="price-float-amount",
    ),
    pytest.param(
        lambda s: order(s, lines=line(unit_price="12.50")),
        *invalid("lines[0].unit_price", "12.50"),
        id="price-without-currency",
    ),
    pytest.param(
        lambda s: order(s, lines=line(unit_price={"amount": "1", "currency": "XYZ"})),
        *invalid("lines[0].unit_price", {"amount": "1", "currency": "XYZ"}),
        id="price-unknown-currency",
    ),
    pytest.param(
        lambda s: order(s, lines=line(unit_price=Money("-1.00", "EUR"))),
        *invalid("lines[0].unit_price", Money("-1.00", "EUR")),
        id="price-negative",
    ),
    pytest.param(
        lambda s: order(s, lines=line(discount=Money("-0.01", "EUR"))),
        *invalid("lines[0].discount", Money("-0.01", "EUR")),
        id="discount-negative",
    ),
    pytest.param(
        lambda s: order(s, lines=line(discount=Money("149.01", "EUR"))),
        *invalid("lines[0].discount", Money("149.01", "EUR")),
        id="discount-beyond-line",
    ),
    pytest.param(
        lambda s: order(s, lines=line(discount=0.5)),
        *invalid("lines[0].discount", 0.5),
        id="discount-float",
    ),
    pytest.param(
        lambda s: order(s, lines=line(discount=Money("1.00", "USD"))),
        CurrencyMismatch,
        {"field": "lines[0].discount", "value": "USD", "expected": "EUR", "got": "USD"},
        id="discount-wrong-currency",
    ),
    pytest.param(
        lambda s: order(
            s,
            lines=[
                {"sku": "CHAIR", "quantity": 1},
                {"sku": "DESK", "quantity": 1, "unit_price": Money("1.00", "USD")},
            ],
        ),
        CurrencyMismatch,
        {"field": "lines[1].unit_price", "expected": "EUR", "got": "USD"},
        id="mixed-currencies",
    ),
    pytest.param(
        lambda s: order(s, currency="USD"),
        CurrencyMismatch,
        {"expected": "USD", "got": "EUR"},
        id="wrong-currency",
    ),
    pytest.param(
        lambda s: order(s, currency="eur"), *invalid("currency", "eur"), id="currency-lowercase"
    ),
    pytest.param(
        lambda s: order(s, currency="XYZ"),
        *invalid("currency", "XYZ"),
        id="currency-unknown",
    ),
    pytest.param(
        lambda s: order(s, customer_id="nobody"),
        NotFound,
        {"kind": "customer", "key": "nobody"},
        id="unknown-customer",
    ),
    pytest.param(
        lambda s: order(s, customer_id=s.blocked),
        CustomerBlocked,
        {},
        id="blocked-customer",
    ),
    pytest.param(
        lambda s: order(s, customer_id="c" * 65), *invalid("customer_id", "c" * 65), id="long-id"
    ),
    pytest.param(
        lambda s: order(s, customer_id=""), *invalid("customer_id", ""), id="empty-customer-id"
    ),
    pytest.param(lambda s: order(s, channel="fax"), *invalid("channel", "fax"), id="channel"),
    pytest.param(lambda s: order(s, channel=None), *invalid("channel", None), id="no-channel"),
    pytest.param(lambda s: order(s, lines=[]), *invalid("lines", []), id="empty-lines"),
    pytest.param(lambda s: order(s, lines="CHAIR"), *invalid("lines", "CHAIR"), id="lines-str"),
    pytest.param(
        lambda s: order(s, lines=TOO_MANY_LINES),
        *invalid("lines", TOO_MANY_LINES),
        id="too-many-lines",
    ),
    pytest.param(
        lambda s: order(s, lines=[{"quantity": 1}]), *invalid("lines[0].sku", None), id="no-sku"
    ),
    pytest.param(
        lambda s: order(s, lines=line(colour="red")),
        *invalid("lines[0].colour", "red"),
        id="extra-line-field",
    ),
    pytest.param(
        lambda s: order(s, idempotency_key="k" * 201),
        *invalid("idempotency_key", "k" * 201),
        id="long-idempotency-key",
    ),
    pytest.param(
        lambda s: order(s, idempotency_key=""),
        *invalid("idempotency_key", ""),
        id="empty-idempotency-key",
    ),
    pytest.param(
        lambda s: order(s, customer_reference=HUGE),
        *invalid("customer_reference", HUGE),
        id="long-reference",
    ),
    pytest.param(
        lambda s: order(s, customer_reference="PO\n1"),
        *invalid("customer_reference", "PO\n1"),
        id="control-chars",
    ),
]


@pytest.mark.parametrize(("call", "error_type", "expected"), PLACE_ORDER_CASES)
def test_bad_orders_are_refused_and_change_nothing(
    shop: Shop,
    call: Callable[[Shop], object],
    error_type: type[OrderManagementError],
    expected: dict[str, object],
) -> None:
    assert_refused_without_trace(shop, call, error_type, expected)


def test_a_failed_order_takes_no_order_number(shop: Shop) -> None:
    with pytest.raises(ValidationError):
        order(shop, lines=line(discount=Money("500", "EUR")))

    assert order(shop).number == "SO-000004"


def test_unknown_keyword_arguments_are_refused(shop: Shop) -> None:
    before = state(shop)

    with pytest.raises(TypeError):
        order(shop, colour="red")

    assert state(shop) == before


def test_an_amount_beyond_the_limit_names_the_line(shop: Shop) -> None:
    error = assert_refused_without_trace(
        shop,
        lambda s: order(s, lines=line(quantity=100, unit_price=Money("1e14", "EUR"))),
        ValidationError,
        {},
    )
    assert isinstance(error, ValidationError)
    assert error.field.startswith("lines[0]")


# -- the other use cases -----------------------------------------------------------------------


def register(shop: Shop, **changes: Any) -> object:
    fields: dict[str, Any] = {"name": "New Customer", "kind": "b2c", "payment_preference": "card"}
    fields.update(changes)
    return shop.oms.register_customer(**fields)


def product(shop: Shop, **changes: Any) -> object:
    fields: dict[str, Any] = {
        "sku": "CHAIR",
        "name": "Chair",
        "unit_price": Money("1.00", "EUR"),
        "tax_rate": Decimal("0.19"),
    }
    fields.update(changes)
    return shop.oms.upsert_product(**fields)


def receipt(shop: Shop, **changes: Any) -> object:
    fields: dict[str, Any] = {"sku": "CHAIR", "location": "BER", "quantity": 1, "supplier": "S"}
    fields.update(changes)
    return shop.oms.receive_stock(**fields)


def adjust(shop: Shop, **changes: Any) -> object:
    fields: dict[str, Any] = {"sku": "CHAIR", "location": "BER", "reason": "damage"}
    fields.update(changes)
    return shop.oms.adjust_stock(**fields)


def move(shop: Shop, **changes: Any) -> object:
    fields: dict[str, Any] = {
        "sku": "CHAIR",
        "from_location": "BER",
        "to_location": "HAM",
        "quantity": 1,
    }
    fields.update(changes)
    return shop.oms.move_stock(**fields)


ADDRESS = {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}

OTHER_CASES = [
    # customers
    pytest.param(lambda s: register(s, name=HUGE), *invalid("name", HUGE), id="register-long-name"),
    pytest.param(lambda s: register(s, name=" "), *invalid("name", " "), id="register-blank-name"),
    pytest.param(lambda s: register(s, kind="b2x"), *invalid("kind", "b2x"), id="register-kind"),
    pytest.param(
        lambda s: register(s, payment_preference="barter"),
        *invalid("payment_preference", "barter"),
        id="register-payment-preference",
    ),
    pytest.param(
        lambda s: register(s, payment_terms_days=400),
        *invalid("payment_terms_days", 400),
        id="register-terms",
    ),
    pytest.param(
        lambda s: register(s, payment_terms_days="30"),
        *invalid("payment_terms_days", "30"),
        id="register-terms-str",
    ),
    pytest.param(
        lambda s: register(s, credit_limit=Money("100", "EUR")),
        *invalid("credit_limit", Money("100", "EUR")),
        id="register-b2c-credit-limit",
    ),
    pytest.param(
        lambda s: register(s, kind="b2b", credit_limit=100.0),
        *invalid("credit_limit", 100.0),
        id="register-float-credit-limit",
    ),
    pytest.param(
        lambda s: register(s, kind="b2b", credit_limit=NAN_PRICE),
        *invalid("credit_limit", NAN_PRICE),
        id="register-nan-credit-limit",
    ),
    pytest.param(
        lambda s: register(s, email="not-an-address"),
        *invalid("email", "not-an-address"),
        id="register-email",
    ),
    pytest.param(
        lambda s: register(s, billing_address={**ADDRESS, "country": "Germany"}),
        *invalid("billing_address.country", "Germany"),
        id="register-country",
    ),
    pytest.param(
        lambda s: register(s, billing_address={**ADDRESS, "planet": "Earth"}),
        *invalid("billing_address.planet", "Earth"),
        id="register-address-extra-field",
    ),
    pytest.param(
        lambda s: s.oms.update_customer(s.customer, colour="red"),
        *invalid("colour", "red"),
        id="update-unknown-field",
    ),
    pytest.param(
        lambda s: s.oms.update_customer(s.customer, name=HUGE),
        *invalid("name", HUGE),
        id="update-long-name",
    ),
    pytest.param(
        lambda s: s.oms.update_customer(s.customer, credit_limit=Money("1", "EUR")),
        *invalid("credit_limit", Money("1", "EUR")),
        id="update-b2c-credit-limit",
    ),
    pytest.param(
        lambda s: s.oms.update_customer(s.b2b, kind="b2c"),
        *invalid("credit_limit", Money("9000", "EUR")),
        id="update-b2b-to-b2c-with-limit",
    ),
    pytest.param(
        lambda s: s.oms.update_customer("nobody", name="X"),
        NotFound,
        {"kind": "customer", "key": "nobody"},
        id="update-unknown-customer",
    ),
    # catalog
    pytest.param(
        lambda s: product(s, unit_price=149.0),
        *invalid("unit_price", 149.0),
        id="product-float-price",
    ),
    pytest.param(
        lambda s: product(s, unit_price=NAN_PRICE),
        *invalid("unit_price", NAN_PRICE),
        id="product-nan-price",
    ),
    pytest.param(
        lambda s: product(s, unit_price=Money("-1", "EUR")),
        *invalid("unit_price", Money("-1", "EUR")),
        id="product-negative-price",
    ),
    pytest.param(
        lambda s: product(s, tax_rate=0.19), *invalid("tax_rate", 0.19), id="product-float-rate"
    ),
    pytest.param(
        lambda s: product(s, tax_rate="19"), *invalid("tax_rate", "19"), id="product-rate-percent"
    ),
    pytest.param(
        lambda s: product(s, sku="CH AIR"), *invalid("sku", "CH AIR"), id="product-bad-sku"
    ),
    pytest.param(lambda s: product(s, name=HUGE), *invalid("name", HUGE), id="product-long-name"),
    pytest.param(
        lambda s: product(s, reorder_point=-1),
        *invalid("reorder_point", -1),
        id="product-reorder-point",
    ),
    pytest.param(
        lambda s: product(s, reorder_quantity="5"),
        *invalid("reorder_quantity", "5"),
        id="product-reorder-quantity-str",
    ),
    pytest.param(
        lambda s: s.oms.deactivate_product("NOPE"),
        NotFound,
        {"kind": "product", "key": "NOPE"},
        id="deactivate-unknown",
    ),
    # stock
    pytest.param(
        lambda s: receipt(s, sku="NOPE"),
        NotFound,
        {"kind": "product", "key": "NOPE"},
        id="receive-unknown-sku",
    ),
    pytest.param(lambda s: receipt(s, quantity=0), *invalid("quantity", 0), id="receive-qty-zero"),
    pytest.param(
        lambda s: receipt(s, quantity=-5), *invalid("quantity", -5), id="receive-qty-negative"
    ),
    pytest.param(
        lambda s: receipt(s, quantity="5"), *invalid("quantity", "5"), id="receive-qty-str"
    ),
    pytest.param(
        lambda s: receipt(s, quantity=2.0), *invalid("quantity", 2.0), id="receive-qty-float"
    ),
    pytest.param(
        lambda s: receipt(s, location="B E R"),
        *invalid("location", "B E R"),
        id="receive-location",
    ),
    pytest.param(
        lambda s: receipt(s, location="NEW", supplier="Bad\x00Supplier"),
        *invalid("supplier", "Bad\x00Supplier"),
        id="receive-supplier-control-chars",
    ),
    pytest.param(
        lambda s: receipt(s, supplier=HUGE), *invalid("supplier", HUGE), id="receive-long-supplier"
    ),
    pytest.param(
        lambda s: receipt(s, reference=HUGE),
        *invalid("reference", HUGE),
        id="receive-long-reference",
    ),
    pytest.param(
        lambda s: receipt(s, unit_cost=NAN_PRICE),
        *invalid("unit_cost", NAN_PRICE),
        id="receive-nan-cost",
    ),
    pytest.param(
        lambda s: adjust(s, reason="whim", change=1), *invalid("reason", "whim"), id="adjust-reason"
    ),
    pytest.param(lambda s: adjust(s), ValidationError, {"field": "input"}, id="adjust-no-change"),
    pytest.param(
        lambda s: adjust(s, change=1, counted=2),
        ValidationError,
        {"field": "input"},
        id="adjust-change-and-count",
    ),
    pytest.param(
        lambda s: adjust(s, change=0), ValidationError, {"field": "input"}, id="adjust-zero"
    ),
    pytest.param(
        lambda s: adjust(s, change=1.5), *invalid("change", 1.5), id="adjust-change-float"
    ),
    pytest.param(
        lambda s: adjust(s, counted=-1), *invalid("counted", -1), id="adjust-negative-count"
    ),
    pytest.param(
        lambda s: adjust(s, change=-100), *invalid("change", -100), id="adjust-below-zero"
    ),
    pytest.param(
        lambda s: adjust(s, sku="NOPE", change=1),
        NotFound,
        {"kind": "product", "key": "NOPE"},
        id="adjust-unknown-sku",
    ),
    pytest.param(
        lambda s: adjust(s, change=1, note=HUGE), *invalid("note", HUGE), id="adjust-long-note"
    ),
    pytest.param(
        lambda s: move(s, to_location="BER"), ValidationError, {"field": "input"}, id="move-same"
    ),
    pytest.param(lambda s: move(s, quantity=0), *invalid("quantity", 0), id="move-qty-zero"),
    pytest.param(
        lambda s: move(s, quantity=50),
        InsufficientStock,
        {"sku": "CHAIR", "location": "BER", "requested": 50},
        id="move-more-than-available",
    ),
    pytest.param(
        lambda s: move(s, from_location="NOWHERE"),
        NotFound,
        {"kind": "location", "key": "NOWHERE"},
        id="move-unknown-location",
    ),
    pytest.param(
        lambda s: s.oms.define_location("BAD CODE"),
        *invalid("code", "BAD CODE"),
        id="location-code",
    ),
    pytest.param(
        lambda s: s.oms.define_location("BER", priority=-1),
        *invalid("priority", -1),
        id="location-priority",
    ),
    pytest.param(
        lambda s: s.oms.define_location("BER", name=HUGE),
        *invalid("name", HUGE),
        id="location-long-name",
    ),
    # orders after placement
    pytest.param(
        lambda s: s.oms.cancel_order("nope"),
        NotFound,
        {"kind": "order", "key": "nope"},
        id="cancel-unknown",
    ),
    pytest.param(
        lambda s: s.oms.cancel_order(s.open_order, reason=HUGE),
        *invalid("reason", HUGE),
        id="cancel-long-reason",
    ),
    pytest.param(
        lambda s: s.oms.cancel_order(s.cancelled_order),
        InvalidStateTransition,
        {"current": "cancelled", "target": "cancelled"},
        id="cancel-twice",
    ),
    pytest.param(
        lambda s: s.oms.hold_order(s.open_order, reason=""),
        *invalid("reason", ""),
        id="hold-without-reason",
    ),
    pytest.param(
        lambda s: s.oms.release_order(s.open_order),
        InvalidStateTransition,
        {"current": "open", "target": "open"},
        id="release-open-order",
    ),
    pytest.param(
        lambda s: s.oms.get_order(number=HUGE),
        *invalid("number", HUGE),
        id="get-order-long-number",
    ),
]


@pytest.mark.parametrize(("call", "error_type", "expected"), OTHER_CASES)
def test_bad_input_to_other_use_cases_is_refused_and_changes_nothing(
    shop: Shop,
    call: Callable[[Shop], object],
    error_type: type[OrderManagementError],
    expected: dict[str, object],
) -> None:
    assert_refused_without_trace(shop, call, error_type, expected)
