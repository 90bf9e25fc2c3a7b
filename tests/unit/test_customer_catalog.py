"""Customers and catalog products: their invariants and the events they record."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ordermgmt import Money
from ordermgmt.domain.catalog import Product, require_sku, require_tax_rate
from ordermgmt.domain.customer import Address, Customer, CustomerKind, PaymentPreference
from ordermgmt.domain.events import (
    CustomerRegistered,
    CustomerUpdated,
    ProductDeactivated,
    ProductUpserted,
)
from ordermgmt.domain.ids import CustomerId
from ordermgmt.errors import ValidationError

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def b2b(**fields: object) -> Customer:
    values: dict[str, object] = {
        "id": CustomerId("c-1"),
        "name": "ACME GmbH",
        "kind": CustomerKind.B2B,
        "payment_preference": PaymentPreference.INVOICE,
        "payment_terms_days": 30,
        "credit_limit": Money("20000", "EUR"),
    }
    values.update(fields)
    return Customer.register(at=AT, **values)


# -- customers ---------------------------------------------------------------------------------


def test_registering_records_the_customer() -> None:
    customer = b2b(name="  ACME GmbH  ")

    assert customer.name == "ACME GmbH"
    [event] = customer.take_events()
    assert isinstance(event, CustomerRegistered)
    assert (event.customer_id, event.kind) == ("c-1", "b2b")
    assert event.name == "CustomerRegistered"
    data = event.to_dict()
    assert data["event"] == "CustomerRegistered"
    assert "ACME GmbH" in data.values()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": CustomerKind.B2C}, "credit_limit"),
        ({"credit_limit": Money("-1", "EUR")}, "credit_limit"),
        ({"payment_terms_days": 366}, "payment_terms_days"),
        ({"payment_terms_days": -1}, "payment_terms_days"),
        ({"payment_terms_days": True}, "payment_terms_days"),
        ({"payment_terms_days": "30"}, "payment_terms_days"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "tab\there"}, "name"),
        ({"email": "no-at-sign"}, "email"),
        ({"email": "a b@example.com"}, "email"),
        ({"phone": "1" * 41}, "phone"),
    ],
)
def test_customer_invariants(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        b2b(**fields)
    assert caught.value.field == field


def test_a_b2c_customer_has_no_credit_limit_but_may_exist_without_one() -> None:
    customer = b2b(kind=CustomerKind.B2C, credit_limit=None)
    assert customer.credit_limit is None


def test_update_changes_the_given_fields_and_records_what_changed() -> None:
    customer = b2b()
    customer.take_events()

    customer.update(at=AT, phone="+49 30 123", payment_terms_days=30)

    assert customer.phone == "+49 30 123"
    assert customer.name == "ACME GmbH"
    [event] = customer.take_events()
    assert isinstance(event, CustomerUpdated)
    assert event.changed == ("phone",)


def test_an_update_that_changes_nothing_records_nothing() -> None:
    customer = b2b()
    customer.take_events()

    customer.update(at=AT, name="ACME GmbH")

    assert customer.take_events() == []


def test_an_invalid_update_leaves_the_customer_as_it_was() -> None:
    customer = b2b()

    with pytest.raises(ValidationError) as caught:
        customer.update(at=AT, kind=CustomerKind.B2C, phone="+49 1")

    assert caught.value.field == "credit_limit"
    assert (customer.kind, customer.phone) == (CustomerKind.B2B, "")
    assert customer.credit_limit == Money("20000", "EUR")


def test_fields_outside_the_customer_cannot_be_updated() -> None:
    customer = b2b()

    with pytest.raises(ValidationError) as caught:
        customer.update(at=AT, id="other")

    assert (caught.value.field, caught.value.value) == ("id", "other")
    assert customer.id == "c-1"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"country": "de"}, "address.country"),
        ({"country": "DEU"}, "address.country"),
        ({"line1": ""}, "address.line1"),
        ({"city": "c" * 101}, "address.city"),
        ({"postal_code": "1" * 21}, "address.postal_code"),
    ],
)
def test_address_invariants(fields: dict[str, str], field: str) -> None:
    values = {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
    values.update(fields)
    with pytest.raises(ValidationError) as caught:
        Address(**values)
    assert caught.value.field == field


# -- products ----------------------------------------------------------------------------------


def product(**fields: object) -> Product:
    values: dict[str, object] = {
        "sku": "CHAIR",
        "name": "Office chair",
        "unit_price": Money("149.00", "EUR"),
        "tax_rate": Decimal("0.19"),
    }
    values.update(fields)
    return Product(**values)  # type: ignore[arg-type]


def test_a_product_with_a_reorder_quantity_reorders() -> None:
    assert product(reorder_point=5, reorder_quantity=40).reorders is True
    assert product().reorders is False


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sku": "has space"}, "sku"),
        ({"unit_price": Money("-0.01", "EUR")}, "unit_price"),
        ({"unit_cost": Money("-0.01", "EUR")}, "unit_cost"),
        ({"tax_rate": Decimal("1")}, "tax_rate"),
        ({"reorder_point": -1}, "reorder_point"),
        ({"reorder_quantity": 1.5}, "reorder_quantity"),
        ({"name": " "}, "name"),
    ],
)
def test_product_invariants(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        product(**fields)
    assert caught.value.field == field


def test_deactivating_records_one_event() -> None:
    chair = product()
    chair.announce(AT)

    chair.deactivate(AT)
    chair.deactivate(AT)

    assert chair.active is False
    upserted, deactivated = chair.take_events()
    assert isinstance(upserted, ProductUpserted)
    assert isinstance(deactivated, ProductDeactivated)


@pytest.mark.parametrize("sku", ["CHAIR", "chair-2", "A", "a.b_c/d-e", "X" * 64])
def test_skus_accepted(sku: str) -> None:
    assert require_sku(sku) == sku


@pytest.mark.parametrize("sku", ["", "-CHAIR", "CH AIR", "X" * 65, "ÄPFEL", None, 12])
def test_skus_refused(sku: object) -> None:
    with pytest.raises(ValidationError) as caught:
        require_sku(sku)
    assert (caught.value.field, caught.value.value) == ("sku", sku)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("0.19", Decimal("0.19")), (Decimal("0.07"), Decimal("0.07")), (0, Decimal(0))],
)
def test_tax_rates_accepted(rate: object, expected: Decimal) -> None:
    assert require_tax_rate(rate) == expected


@pytest.mark.parametrize(
    "rate",
    [0.19, "19", "1", "-0.01", "NaN", "inf", "0.12345", "nineteen", None, True, Decimal("sNaN")],
)
def test_tax_rates_refused(rate: object) -> None:
    with pytest.raises(ValidationError) as caught:
        require_tax_rate(rate)
    assert caught.value.field == "tax_rate"
