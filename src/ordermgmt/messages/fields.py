"""Field types every message shares: money, tax rates, skus, quantities, text and ids.

Each is an ``Annotated`` type that validates (and, for money, serializes) one kind of value, so
that every command checks it the same way."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer, PlainValidator, StrictInt, WithJsonSchema

from ordermgmt.domain.catalog import require_sku, require_tax_rate
from ordermgmt.domain.inventory import require_location
from ordermgmt.domain.money import MAX_PLACES, Money, minor_unit
from ordermgmt.domain.order import require_unit


def _places(number: Decimal) -> int:
    """Digits after the decimal point of a finite Decimal (0 for 100 or 1E+2)."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: checked by every caller
    return max(0, -exponent)


def _within_places(number: Decimal, what: str) -> Decimal:
    if _places(number) > MAX_PLACES:
        raise ValueError(
            f"{what} may have at most {MAX_PLACES} decimal places (storage keeps no more)"
        )
    return number


def _money(value: object) -> Money:
    if isinstance(value, Money):
        money = value
    elif isinstance(value, dict) and set(value) == {"amount", "currency"}:
        money = Money(value["amount"], value["currency"])
    elif isinstance(value, str) and len(value.split()) == 2:
        amount, currency = value.split()
        money = Money(amount, currency)
    else:
        raise ValueError("expected Money, {'amount': ..., 'currency': ...} or '12.50 EUR'")
    _within_places(money.amount, "an amount")
    return money


def _money_out(value: Money) -> dict[str, str]:
    return {"amount": value.canonical, "currency": value.currency}


#: Money in or out: a :class:`~ordermgmt.Money`, ``{"amount": "12.50", "currency": "EUR"}`` or
#: ``"12.50 EUR"`` in; ``{"amount": "12.50", "currency": "EUR"}`` out (amount as exact text).
#: In: at most 6 decimal places and below 10**15 in size (more is refused, never rounded).
MoneyField = Annotated[
    Money,
    PlainValidator(_money),
    PlainSerializer(_money_out),
    WithJsonSchema(
        {
            "type": "object",
            "properties": {"amount": {"type": "string"}, "currency": {"type": "string"}},
            "required": ["amount", "currency"],
        }
    ),
]


def _rate(value: object) -> Decimal:
    if isinstance(value, float):
        raise ValueError("floats are not accepted; write the rate as a str or Decimal ('0.19')")
    return require_tax_rate(value)


#: A tax rate as a fraction (``"0.19"`` for 19 %), 0 to below 1, at most 4 decimals; no floats.
TaxRate = Annotated[Decimal, PlainValidator(_rate), WithJsonSchema({"type": "string"})]
#: 1-64 letters, digits or ``. _ / -``, starting with a letter or digit.
Sku = Annotated[str, PlainValidator(require_sku), WithJsonSchema({"type": "string"})]
#: A stock location code: 1-32 letters, digits or ``. _ -``.
LocationCode = Annotated[str, PlainValidator(require_location), WithJsonSchema({"type": "string"})]


def _weight(value: object) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise ValueError("write weights as a str or Decimal ('1.25')")
    try:
        weight = Decimal(value)
    except ArithmeticError:
        raise ValueError("not a number") from None
    if not weight.is_finite() or not 0 <= weight < 100_000:
        raise ValueError("must be from 0 to below 100000 kg")
    return _within_places(weight, "a weight")


#: A weight in kg, from 0 to below 100000 with at most 6 decimal places, as str, int or
#: Decimal; no floats.
Weight = Annotated[Decimal, PlainValidator(_weight), WithJsonSchema({"type": "string"})]


def _currency(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 4217 code such as 'EUR'")
    minor_unit(value)  # raises for codes that are not ISO 4217
    return value


def _unit(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a UN/ECE Recommendation 20 code such as 'H87'")
    require_unit(value, 1)
    return value


#: A unit of measure, UN/ECE Recommendation 20: ``H87`` piece, ``C62`` one, ``KGM`` kilogram,
#: ``MTR`` metre, ``LTR`` litre, ``HUR`` hour, ``DAY`` day, ``SET`` set.
UnitCode = Annotated[str, PlainValidator(_unit), WithJsonSchema({"type": "string"})]
#: The number of units a price is for (100: a price per 100 pieces): 1 to 1,000,000.
BaseQuantity = Annotated[StrictInt, Field(ge=1, le=1_000_000)]

#: An ISO 4217 currency code the library knows the minor unit of (``"EUR"``, ``"JPY"``).
CurrencyCode = Annotated[str, PlainValidator(_currency), WithJsonSchema({"type": "string"})]
#: Units of a product: a whole number (not a bool or float) from 1 to 1,000,000.
Quantity = Annotated[StrictInt, Field(gt=0, le=1_000_000)]
#: A whole number of units from 0 to 1,000,000,000.
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]
#: Required text of 1-200 characters.
Name = Annotated[str, Field(min_length=1, max_length=200)]
#: Optional text of up to 200 characters (empty allowed).
Text = Annotated[str, Field(max_length=200)]


class Multiline:
    """Marks a free-text field that may hold tabs and line breaks (see :class:`Message`)."""


#: Optional free text of up to 200 characters that may span lines (tabs and line breaks
#: allowed; other control characters refused like everywhere).
FreeText = Annotated[str, Field(max_length=200), Multiline()]
#: An outside reference (a delivery note or payment reference): up to 100 characters.
Reference = Annotated[str, Field(max_length=100)]
#: An id as the library hands it out: 1-64 characters.
Id = Annotated[str, Field(min_length=1, max_length=64)]
#: A client's idempotency key: 1-200 characters. A repeat of a command with the same key and the
#: same content returns the first result and changes nothing; the same key with other content
#: raises ``IdempotencyConflict``. Each command names the scope its keys are unique in.
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=200)]

_KEY_HELP = "A repeat with the same key and content returns the first result and changes nothing."
