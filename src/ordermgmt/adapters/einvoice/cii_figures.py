"""The lexical form of the numbers a CII document states.

Every number is written positionally (``1000``, ``0.5``), never with an exponent and never as
``-0``. Amounts have exactly the currency's decimals (``12.30`` EUR, ``1230`` JPY), at most two
(EN 16931 BR-DEC: a KWD amount is written with two); an amount with more significant decimals
than that cannot be written and raises :class:`DocumentError`. Quantities, prices and
percentages keep the places they need and no trailing zeros.
"""

from __future__ import annotations

from decimal import Decimal

from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.money import minor_unit
from ordermgmt.errors import DocumentError

FORMAT = "cii"
#: The most decimals EN 16931 allows in an amount (BR-DEC-01 & co).
MAX_AMOUNT_PLACES = 2


def plain(value: Decimal) -> str:
    """``value`` as an xsd:decimal without exponent or trailing zeros (``2.50`` -> ``2.5``,
    ``1E+2`` -> ``100``)."""
    if not value.is_finite():
        raise DocumentError(FORMAT, f"{value} is not a finite number")
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def percent(rate: Decimal) -> str:
    """A VAT rate (the fraction ``0.19``) as the percentage CII states (``19``)."""
    return plain(rate * 100)


class Figures:
    """Writes the amounts of one document in its currency (BT-5)."""

    def __init__(self, currency: str) -> None:
        try:
            places = min(minor_unit(currency), MAX_AMOUNT_PLACES)
        except ValidationError:
            raise DocumentError(FORMAT, f"{currency!r} is not an ISO 4217 currency code") from None
        self.currency = currency
        self.places = places
        self._quantum = Decimal(1).scaleb(-places)

    def amount(self, value: Decimal, term: str) -> str:
        """``value`` with the currency's decimals; :class:`DocumentError` naming ``term``
        when it has more significant decimals than that."""
        if not value.is_finite():
            raise DocumentError(FORMAT, f"{term} {value} is not a finite amount")
        written = value.quantize(self._quantum)
        if written != value:
            raise DocumentError(
                FORMAT,
                f"{term} {plain(value)} {self.currency} has more decimals than the currency"
                f" allows in EN 16931 ({self.places}, BR-DEC)",
            )
        return format(abs(written) if written == 0 else written, "f")

    def optional(self, value: Decimal | None, term: str) -> str | None:
        """:meth:`amount`, or ``None`` for a missing value."""
        return None if value is None else self.amount(value, term)
