"""The catalog: what can be sold, at which price and tax rate, and when to reorder it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ordermgmt.domain.base import Aggregate, require_quantity, require_text
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import ProductDeactivated, ProductUpserted
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import require_unit
from ordermgmt.domain.vat import VatCategory, require_category_rate

SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


def require_sku(value: object, field: str = "sku") -> str:
    """A sku: 1 to 64 letters, digits, ``. _ / -``, starting with a letter or digit."""
    if not isinstance(value, str) or not SKU_PATTERN.match(value):
        raise ValidationError(field, value, "must be 1-64 letters, digits or . _ / -")
    return value


def require_tax_rate(value: object, field: str = "tax_rate") -> Decimal:
    """A tax rate as a fraction: ``Decimal("0.19")`` for 19 %, from 0 up to (not including) 1."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValidationError(field, value, "must be a Decimal fraction such as 0.19")
    try:
        rate = Decimal(value)
    except ArithmeticError:
        raise ValidationError(field, value, "must be a Decimal fraction such as 0.19") from None
    if not rate.is_finite() or not 0 <= rate < 1:
        raise ValidationError(field, value, "must be a fraction from 0 to below 1 (0.19 = 19 %)")
    if rate.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValidationError(field, value, "has more than 4 decimal places")
    return rate


@dataclass(kw_only=True)
class Product(Aggregate):
    """A sellable product; reordered when available units fall to ``reorder_point``."""

    sku: str
    name: str
    unit_price: Money
    tax_rate: Decimal
    reorder_point: int = 0
    reorder_quantity: int = 0
    active: bool = True
    unit_cost: Money | None = None
    weight_kg: Decimal = Decimal(0)
    #: The VAT category of a domestic sale (None: standard rated, zero rated at 0 %); a sale
    #: abroad may fall in another (see :func:`ordermgmt.domain.vat.category_for`).
    tax_category: VatCategory | None = None
    #: Unit of measure (UN/ECE Recommendation 20: ``H87`` piece, ``KGM`` kg, ``MTR`` metre,
    #: ``HUR`` hour) and the number of units ``unit_price`` is for (100: a price per 100).
    unit_code: str = "H87"
    base_quantity: int = 1

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        self.sku = require_sku(self.sku)
        self.name = require_text(self.name, "name")
        if self.unit_price.is_negative:
            raise ValidationError("unit_price", self.unit_price, "must not be negative")
        self.tax_rate = require_tax_rate(self.tax_rate)
        require_quantity(self.reorder_point, "reorder_point", allow_zero=True)
        require_quantity(self.reorder_quantity, "reorder_quantity", allow_zero=True)
        if (
            not isinstance(self.weight_kg, Decimal)
            or not self.weight_kg.is_finite()
            or self.weight_kg < 0
        ):
            raise ValidationError("weight_kg", self.weight_kg, "must be a Decimal >= 0")
        if self.unit_cost is not None and self.unit_cost.is_negative:
            raise ValidationError("unit_cost", self.unit_cost, "must not be negative")
        if self.tax_category is not None:
            try:
                self.tax_category = VatCategory(self.tax_category)
            except ValueError:
                raise ValidationError(
                    "tax_category", self.tax_category, "is not a VAT category (S, Z, E, O, ...)"
                ) from None
        require_category_rate(self.category, self.tax_rate)
        require_unit(self.unit_code, self.base_quantity)

    @property
    def category(self) -> VatCategory:
        """The product's VAT category: the one given, else standard rated (zero rated at
        0 %)."""
        if self.tax_category is not None:
            return self.tax_category
        return VatCategory.ZERO_RATED if self.tax_rate == 0 else VatCategory.STANDARD

    @property
    def reorders(self) -> bool:
        """True when the product is replenished automatically (a reorder quantity is set)."""
        return self.reorder_quantity > 0

    def announce(self, at: datetime) -> None:
        self.record(
            ProductUpserted(
                occurred_at=at, sku=self.sku, unit_price=self.unit_price, active=self.active
            )
        )

    def deactivate(self, at: datetime) -> None:
        if self.active:
            self.active = False
            self.record(ProductDeactivated(occurred_at=at, sku=self.sku))
