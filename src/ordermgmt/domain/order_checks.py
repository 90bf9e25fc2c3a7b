"""What a new order's lines, allowances and charges and amounts must be."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ordermgmt.domain.base import require_quantity
from ordermgmt.domain.charges import Charge
from ordermgmt.domain.errors import CurrencyMismatch, ValidationError
from ordermgmt.domain.totals import TaxSubtotal
from ordermgmt.domain.vat import VatCategory, require_category_rate

if TYPE_CHECKING:
    from ordermgmt.domain.order import OrderLine

MAX_LINES = 500


def check_lines(lines: list[OrderLine], currency: str) -> None:
    """What every line of a new order must be: a quantity, amounts in the order's currency and
    not negative, a discount no larger than the line."""
    if not lines:
        raise ValidationError("lines", lines, "an order needs at least one line")
    if len(lines) > MAX_LINES:
        raise ValidationError("lines", len(lines), f"at most {MAX_LINES} lines per order")
    for line in lines:
        where = f"lines[{line.line_no - 1}]"
        require_quantity(line.quantity, f"{where}.quantity")
        amounts = [("unit_price", line.unit_price), ("discount", line.discount)]
        if line.charge is not None:
            amounts.append(("charge", line.charge))
        for name, amount in amounts:
            if amount.currency != currency:
                raise CurrencyMismatch(currency, amount.currency, f"{where}.{name}")
            if amount.is_negative:
                raise ValidationError(f"{where}.{name}", amount, "must not be negative")
        require_category_rate(line.tax_category, line.tax_rate, f"{where}.tax_category")
        require_unit(line.unit_code, line.base_quantity, where)
        if line.net.is_negative:
            raise ValidationError(f"{where}.discount", line.discount, "exceeds the line amount")


def require_unit(unit_code: str, base_quantity: int, where: str = "") -> None:
    """A UN/ECE Recommendation 20 code (2-3 letters or digits) and a base quantity >= 1."""
    prefix = f"{where}." if where else ""
    if not (2 <= len(unit_code) <= 3 and unit_code.isascii() and unit_code.isalnum()):
        raise ValidationError(f"{prefix}unit_code", unit_code, "is not a UN/ECE Rec 20 code")
    if unit_code != unit_code.upper():
        raise ValidationError(f"{prefix}unit_code", unit_code, "must be in capitals (H87)")
    require_quantity(base_quantity, f"{prefix}base_quantity")


def check_charges(charges: tuple[Charge, ...], currency: str) -> None:
    """At most 50 allowances and charges, each in the order's currency."""
    for i, charge in enumerate(charges):
        if charge.amount.currency != currency:
            raise CurrencyMismatch(currency, charge.amount.currency, f"charges[{i}].amount")
    if len(charges) > 50:
        raise ValidationError("charges", len(charges), "at most 50 allowances and charges")


def check_amounts(subtotals: Sequence[TaxSubtotal]) -> None:
    """What an order's amounts per category and rate must be: nothing outside the scope of
    VAT mixed with anything else (EN 16931 has one invoice for those), and no allowance
    larger than what it reduces."""
    categories = {s.category for s in subtotals}
    if VatCategory.OUTSIDE_SCOPE in categories and len(categories) > 1:
        raise ValidationError(
            "lines",
            sorted(c.value for c in categories),
            "what is outside the scope of VAT (O) is ordered and invoiced on its own",
        )
    for subtotal in subtotals:
        if subtotal.net.is_negative:
            raise ValidationError(
                "charges",
                str(subtotal.net),
                f"allowances exceed what they reduce at {subtotal.category.value} "
                f"{subtotal.rate * 100:f} %",
            )
