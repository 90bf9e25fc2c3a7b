"""Money: an exact Decimal amount with an ISO 4217 currency.

Rounding happens in one place only, :func:`round_amount`, half-up (away from zero at .5) to the
currency's minor unit. Everything else keeps amounts exact and calls it where a rule says to
round (a line net, a tax amount per rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from ordermgmt.domain.errors import CurrencyMismatch, ValidationError

_TWO_DECIMALS = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD
CDF CHF CNY COP CRC CUP CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD
HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MKD MMK MNT
MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB
SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD
UYU UZS VES WST XCD YER ZAR ZMW ZWL
"""
_NO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"

#: Minor units of ISO 4217 currencies. Codes not listed here are refused rather than guessed.
MINOR_UNITS: Final[dict[str, int]] = {
    **dict.fromkeys(_TWO_DECIMALS.split(), 2),
    **dict.fromkeys(_NO_DECIMALS.split(), 0),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
}

#: One minor unit of each currency, the quantum :func:`round_amount` rounds to.
_QUANTA: Final[dict[str, Decimal]] = {
    code: Decimal(1).scaleb(-places) for code, places in MINOR_UNITS.items()
}
_ZERO: Final = Decimal(0)

#: Largest absolute amount accepted: far beyond any real order; with :data:`MAX_PLACES` it fits
#: the NUMERIC(24, 6) columns amounts are stored in.
MAX_AMOUNT: Final = Decimal("1e15")
#: Most decimal places an amount given from outside may have (prices, costs, payments): what
#: storage keeps exactly on every database. Commands refuse more instead of rounding.
MAX_PLACES: Final = 6


def minor_unit(currency: str) -> int:
    """Number of decimal places of ``currency``'s minor unit (2 for EUR, 0 for JPY, 3 for KWD)."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValidationError("currency", currency, "not a known ISO 4217 currency code") from None


def round_amount(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half-up (away from zero at .5) to the minor unit of ``currency``.

    This is the only rounding function of the library (EN 16931 rounds line nets and the tax
    per rate; both come through here).
    """
    quantum = _QUANTA.get(currency)
    if quantum is None:
        raise ValidationError("currency", currency, "not a known ISO 4217 currency code")
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def to_decimal(value: object, field: str = "amount") -> Decimal:
    """Turn ``value`` into a finite Decimal, refusing floats, NaN, infinities and junk."""
    if type(value) is Decimal and value.is_finite() and abs(value) < MAX_AMOUNT:
        return value  # the common case, checked in one go
    if isinstance(value, bool | float):
        raise ValidationError(
            field, value, "floats are not accepted for money; use a str or Decimal"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValidationError(field, value, "not a decimal number") from None
    else:
        raise ValidationError(field, value, "expected a Decimal, int or str")
    if not result.is_finite():
        raise ValidationError(field, value, "must be a finite number")
    if abs(result) >= MAX_AMOUNT:
        raise ValidationError(field, value, f"must be smaller than {MAX_AMOUNT:,}")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency.

    ``Money("149.00", "EUR")``; arithmetic works within one currency only and raises
    :class:`~ordermgmt.errors.CurrencyMismatch` otherwise. ``==`` is total: amounts in different
    currencies are simply unequal. Amounts stay exact until :meth:`rounded` is called.
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        if not isinstance(currency, str) or currency not in MINOR_UNITS:
            raise ValidationError("currency", currency, "not a known ISO 4217 currency code")
        object.__setattr__(self, "amount", to_decimal(amount))
        object.__setattr__(self, "currency", currency)

    @classmethod
    def _exact(cls, amount: Decimal, currency: str) -> Money:
        """Internal fast path for results of arithmetic on valid Money: no re-validation."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    @classmethod
    def zero(cls, currency: str) -> Money:
        """No money, in ``currency``."""
        if currency not in MINOR_UNITS:
            return cls(_ZERO, currency)  # raises the error that names the code
        return cls._exact(_ZERO, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return Money._exact(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return Money._exact(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money._exact(-self.amount, self.currency)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other)
        return self.amount >= other.amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def rounded(self) -> Money:
        """This amount rounded half-up to the currency's minor unit (see :func:`round_amount`)."""
        return Money._exact(round_amount(self.amount, self.currency), self.currency)

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    @property
    def canonical(self) -> str:
        """The amount as text, padded to the minor unit and without further trailing zeros
        ("20000.00", "0.333333", "5"): the same whichever store the amount came from."""
        value = self.amount
        places = minor_unit(self.currency)
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            value = value.normalize()
            exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent < places:
            value = value.quantize(Decimal(1).scaleb(-places))
        return format(value, "f")

    def __str__(self) -> str:
        places = minor_unit(self.currency)
        shown = self.amount
        exponent = shown.as_tuple().exponent
        if isinstance(exponent, int) and -exponent < places:
            shown = shown.quantize(Decimal(1).scaleb(-places))
        return f"{shown:,} {self.currency}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"


def total(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    """Sum of ``amounts``, all in ``currency`` (zero when empty)."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
