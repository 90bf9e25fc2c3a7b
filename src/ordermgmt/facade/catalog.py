"""The facade's catalog methods: creating, deactivating and reading products."""

from __future__ import annotations

from decimal import Decimal

from ordermgmt import messages as m
from ordermgmt.domain.money import Money
from ordermgmt.facade.base import UseCaseRunner, arguments_given
from ordermgmt.usecases import catalog


class CatalogMethods(UseCaseRunner):
    """Creating, deactivating and reading products."""

    def upsert_product(
        self,
        *,
        sku: str,
        name: str,
        unit_price: Money,
        tax_rate: Decimal | str,
        reorder_point: int = 0,
        reorder_quantity: int = 0,
        active: bool = True,
        unit_cost: Money | None = None,
        weight_kg: Decimal | str | None = None,
        tax_category: str | None = None,
        unit_code: str | None = None,
        base_quantity: int | None = None,
    ) -> m.ProductView:
        """Create or change a product; ``tax_rate`` is a fraction (``Decimal("0.19")``),
        ``tax_category`` its VAT category (``S``, ``Z``, ``E``, ``O``; by default ``S``, ``Z``
        at 0 %), ``unit_code`` its UN/ECE Rec 20 unit (``H87`` piece by default) and
        ``base_quantity`` the units ``unit_price`` is for (1; 100 for a price per 100).

        Every field is replaced: one left out takes its default (``active=True``, no
        ``unit_cost``, weight 0). Placed orders keep their prices. Raises ``ValidationError``.
        """
        return self._call(catalog.upsert_product, m.UpsertProduct, **arguments_given(locals()))

    def deactivate_product(self, sku: str) -> m.ProductView:
        """Stop selling ``sku``: new orders for it raise ``ProductInactive``; placed orders and
        stock are untouched, and doing it twice changes nothing. Returns the product; raises
        ``NotFound`` for an unknown sku. :meth:`upsert_product` activates it again."""
        return self._call(catalog.deactivate_product, m.DeactivateProduct, sku=sku)

    def get_product(self, sku: str) -> m.ProductView:
        """The product with this sku; raises ``NotFound`` if there is none."""
        return self._call(catalog.get_product, m.GetProduct, sku=sku)

    def products(self, *, active_only: bool = False) -> list[m.ProductView]:
        """Every product sorted by sku (only the active ones with ``active_only=True``)."""
        return self._call(catalog.list_products, m.ListProducts, active_only=active_only)
