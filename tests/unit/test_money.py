"""Money: an exact Decimal with an ISO 4217 currency, rounded half-up in one place."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermgmt import Money
from ordermgmt.domain.money import MAX_AMOUNT, minor_unit, round_amount, total
from ordermgmt.errors import CurrencyMismatch, ValidationError

CURRENCIES = ("EUR", "JPY", "KWD")

amounts = st.decimals(
    min_value=Decimal("-1000000000"),
    max_value=Decimal("1000000000"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


def half_up_reference(amount: Decimal, places: int) -> Decimal:
    """Half-up rounding in integer arithmetic, independent of Decimal's rounding modes."""
    scaled = amount.scaleb(places)
    magnitude = abs(scaled)
    whole = int(magnitude)
    if magnitude - whole >= Decimal("0.5"):
        whole += 1
    signed = whole if amount >= 0 else -whole
    return Decimal(signed).scaleb(-places)


# -- construction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_amount", "expected"),
    [
        ("149.00", Decimal("149.00")),
        (" 12.5 ", Decimal("12.5")),
        (12, Decimal(12)),
        (Decimal("0.001"), Decimal("0.001")),
        ("-3.50", Decimal("-3.50")),
    ],
)
def test_money_keeps_the_exact_decimal_amount(given_amount: object, expected: Decimal) -> None:
    money = Money(given_amount, "EUR")  # type: ignore[arg-type]

    assert isinstance(money.amount, Decimal)
    assert money.amount == expected
    assert money.currency == "EUR"


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(1.5, id="float"),
        pytest.param(0.0, id="float-zero"),
        pytest.param(float("nan"), id="float-nan"),
        pytest.param(float("inf"), id="float-inf"),
        pytest.param(True, id="bool"),
        pytest.param("NaN", id="str-nan"),
        pytest.param("sNaN", id="str-snan"),
        pytest.param("Infinity", id="str-inf"),
        pytest.param("-inf", id="str-neg-inf"),
        pytest.param(Decimal("NaN"), id="decimal-nan"),
        pytest.param(Decimal("-Infinity"), id="decimal-inf"),
        pytest.param("twelve", id="junk"),
        pytest.param("", id="empty"),
        pytest.param("1,50", id="comma"),
        pytest.param(None, id="none"),
        pytest.param([1], id="list"),
        pytest.param(MAX_AMOUNT, id="too-large"),
        pytest.param(-MAX_AMOUNT, id="too-small"),
    ],
)
def test_money_refuses_floats_non_finite_and_junk(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Money(bad, "EUR")  # type: ignore[arg-type]

    assert caught.value.field == "amount"
    assert caught.value.value is bad
    assert caught.value.code == "validation_error"


@pytest.mark.parametrize("currency", ["XYZ", "eur", "EURO", "", None, 978])
def test_money_refuses_unknown_currency_codes(currency: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Money("1.00", currency)  # type: ignore[arg-type]

    assert caught.value.field == "currency"
    assert caught.value.value == currency


def test_money_is_frozen() -> None:
    money = Money("1.00", "EUR")

    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = Decimal(2)  # type: ignore[misc]


# -- arithmetic within one currency ------------------------------------------------------------


def test_arithmetic_within_one_currency() -> None:
    a, b = Money("10.25", "EUR"), Money("0.75", "EUR")

    assert a + b == Money("11.00", "EUR")
    assert a - b == Money("9.50", "EUR")
    assert a * 3 == Money("30.75", "EUR")
    assert 3 * a == Money("30.75", "EUR")
    assert a * Decimal("0.5") == Money("5.125", "EUR")
    assert -a == Money("-10.25", "EUR")
    assert b < a
    assert a >= b
    assert total([a, b, b], "EUR") == Money("11.75", "EUR")
    assert total([], "JPY") == Money.zero("JPY")


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(lambda a, b: a + b, id="add"),
        pytest.param(lambda a, b: a - b, id="sub"),
        pytest.param(lambda a, b: a < b, id="lt"),
        pytest.param(lambda a, b: a <= b, id="le"),
        pytest.param(lambda a, b: a > b, id="gt"),
        pytest.param(lambda a, b: a >= b, id="ge"),
    ],
)
def test_mixing_currencies_raises_currency_mismatch(operation: object) -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        operation(Money("1", "EUR"), Money("1", "USD"))  # type: ignore[operator]

    assert caught.value.expected == "EUR"
    assert caught.value.got == "USD"
    assert caught.value.code == "currency_mismatch"


def test_total_refuses_amounts_in_another_currency() -> None:
    with pytest.raises(CurrencyMismatch):
        total([Money("1", "EUR"), Money("1", "USD")], "EUR")


def test_multiplying_by_a_float_is_refused() -> None:
    with pytest.raises(TypeError):
        Money("1.00", "EUR") * 1.5  # type: ignore[operator]


def test_ordering_against_a_non_money_raises_type_error() -> None:
    with pytest.raises(TypeError):
        _ = Money("1.00", "EUR") < 2  # type: ignore[operator]


# -- equality is total -------------------------------------------------------------------------


def test_equality_is_total_across_currencies_and_types() -> None:
    eur = Money("1.00", "EUR")

    assert eur == Money("1", "EUR")
    assert hash(eur) == hash(Money("1", "EUR"))
    assert eur != Money("1.00", "USD")
    assert (eur == Money("1.00", "USD")) is False
    assert eur != Decimal("1.00")
    assert eur != "1.00 EUR"
    assert eur is not None
    assert len({eur, Money("1", "EUR"), Money("1", "USD")}) == 2


# -- rounding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "places"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)]
)
def test_minor_units(currency: str, places: int) -> None:
    assert minor_unit(currency) == places


def test_minor_unit_of_an_unknown_currency_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        minor_unit("XYZ")

    assert (caught.value.field, caught.value.value) == ("currency", "XYZ")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.125", "EUR", "0.13"),
        ("0.124", "EUR", "0.12"),
        ("2.675", "EUR", "2.68"),
        ("-0.125", "EUR", "-0.13"),
        ("-0.124", "EUR", "-0.12"),
        ("7", "EUR", "7.00"),
        ("2.5", "JPY", "3"),
        ("3.5", "JPY", "4"),
        ("1.49", "JPY", "1"),
        ("-2.5", "JPY", "-3"),
        ("1.0005", "KWD", "1.001"),
        ("1.0004", "KWD", "1.000"),
        ("-1.0005", "KWD", "-1.001"),
        ("0.0004", "KWD", "0.000"),
    ],
)
def test_round_amount_is_half_up_away_from_zero(amount: str, currency: str, expected: str) -> None:
    rounded = round_amount(Decimal(amount), currency)

    assert rounded == Decimal(expected)
    assert rounded.as_tuple().exponent == -minor_unit(currency)
    assert Money(amount, currency).rounded() == Money(expected, currency)


def test_money_str_shows_the_minor_unit() -> None:
    assert str(Money("1234.5", "EUR")) == "1,234.50 EUR"
    assert str(Money("1000", "JPY")) == "1,000 JPY"
    assert str(Money("-0.1", "KWD")) == "-0.100 KWD"


# -- properties --------------------------------------------------------------------------------


@settings(max_examples=150, derandomize=True)
@given(a=amounts, b=amounts, c=amounts, currency=st.sampled_from(CURRENCIES))
def test_addition_is_associative_and_commutative(
    a: Decimal, b: Decimal, c: Decimal, currency: str
) -> None:
    x, y, z = Money(a, currency), Money(b, currency), Money(c, currency)

    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert x + Money.zero(currency) == x
    assert x - x == Money.zero(currency)


@settings(max_examples=200, derandomize=True)
@given(amount=amounts, currency=st.sampled_from(CURRENCIES))
def test_rounding_is_idempotent_close_and_half_up(amount: Decimal, currency: str) -> None:
    places = minor_unit(currency)
    half_unit = Decimal(1).scaleb(-places) / 2

    rounded = round_amount(amount, currency)

    assert round_amount(rounded, currency) == rounded
    assert abs(rounded - amount) <= half_unit
    assert rounded == half_up_reference(amount, places)
    assert round_amount(-amount, currency) == -rounded
    assert rounded.as_tuple().exponent == -places
