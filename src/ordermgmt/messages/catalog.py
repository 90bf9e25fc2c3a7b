"""Commands, queries and views about the product catalog."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from ordermgmt.domain.vat import VatCategory
from ordermgmt.messages.base import Command, Query, View
from ordermgmt.messages.fields import (
    BaseQuantity,
    Count,
    MoneyField,
    Name,
    Sku,
    TaxRate,
    UnitCode,
    Weight,
)


class UpsertProduct(Command):
    """Create a product or replace its catalog data (``OrderManagement.upsert_product``).

    Every field is replaced: one left out takes its default (so upserting a deactivated product
    without ``active=False`` activates it again, and leaving out ``unit_cost`` removes it). Prices
    apply to orders placed later; placed orders keep theirs. Returns a :class:`ProductView`.

    - ``sku``: 1-64 letters, digits or ``. _ / -``, starting with a letter or digit.
    - ``unit_price``: the net price per unit (before tax), exact, not negative. Its currency is the
      currency of an order whose first line is this product, unless the order names one.
    - ``tax_rate``: a fraction as str or Decimal, ``"0.19"`` for 19 %, from 0 to below 1 with at
      most 4 decimal places; floats are refused.
    - ``reorder_point`` / ``reorder_quantity``: with a ``reorder_quantity`` above 0, a purchase
      requisition for that many units is raised when the available units at a location fall to or
      below ``reorder_point``; 0 (default) turns automatic reordering off.
    - ``unit_cost``: purchase cost per unit, optional; where set, shipping posts cost of goods sold
      and returns post it back.
    - ``weight_kg``: weight of one unit in kg, from 0 to below 100000 (str or Decimal); shipments
      are weighed with it.
    - ``tax_category``: the VAT category of a domestic sale (EN 16931): ``S`` standard rated
      (rate above 0), ``Z`` zero rated, ``E`` exempt, ``O`` outside the scope of VAT (the others,
      ``AE``, ``K``, ``G``, follow from the sale); default ``S``, or ``Z`` at a 0 % rate. A
      category other than ``S`` needs a 0 % rate.
    - ``unit_code``: the unit of measure, UN/ECE Recommendation 20 (default ``H87``, piece);
      ``base_quantity``: how many units ``unit_price`` is for (default 1; 100 for a price per
      100 pieces). Stock stays in whole units.
    """

    sku: Sku
    name: Name
    unit_price: MoneyField
    tax_rate: TaxRate = Field(description="A fraction: '0.19' for 19 %.")
    reorder_point: Count = 0
    reorder_quantity: Count = 0
    active: bool = True
    unit_cost: MoneyField | None = None
    weight_kg: Weight = Field(default=Decimal(0), description="Weight of one unit in kg.")
    tax_category: VatCategory | None = None
    unit_code: UnitCode = "H87"
    base_quantity: BaseQuantity = 1


class DeactivateProduct(Command):
    """Stop selling a product; returns its :class:`ProductView`.

    Used by ``OrderManagement.deactivate_product``. New orders for it raise ``ProductInactive``;
    placed orders, stock and reservations are untouched. Deactivating an inactive product changes
    nothing. Raises ``NotFound`` for an unknown sku. ``upsert_product`` activates it again.
    """

    sku: Sku


class GetProduct(Query):
    """Read one product by sku (``OrderManagement.get_product``); raises ``NotFound``."""

    sku: Sku


class ListProducts(Query):
    """List products sorted by sku (``OrderManagement.products``); only active ones if asked."""

    active_only: bool = False


class ProductView(View):
    """A catalog product.

    ``unit_price`` and ``unit_cost`` (``None`` when unknown) are exact per-unit net amounts, not
    rounded; ``tax_rate`` is a fraction (``0.19`` = 19 %); ``weight_kg`` is per unit.
    ``reorder_point`` and ``reorder_quantity`` drive automatic purchase requisitions (off while
    ``reorder_quantity`` is 0); an inactive product cannot be ordered.
    """

    sku: str
    name: str
    unit_price: MoneyField
    tax_rate: Decimal
    reorder_point: int
    reorder_quantity: int
    active: bool
    unit_cost: MoneyField | None
    weight_kg: Decimal
    tax_category: VatCategory = Field(validation_alias="category")
    unit_code: str
    base_quantity: int
