"""The catalog: adding and changing products, deactivating them, reading them."""

from __future__ import annotations

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.errors import NotFound
from ordermgmt.messages import (
    DeactivateProduct,
    GetProduct,
    ListProducts,
    ProductView,
    UpsertProduct,
)
from ordermgmt.ports import Dependencies
from ordermgmt.usecases.views import product_view


def upsert_product(deps: Dependencies, cmd: UpsertProduct) -> ProductView:
    """Create the product or replace its catalog data. Prices apply to orders placed later;
    placed orders keep the price they were placed at."""
    with deps.uow() as uow:
        now = deps.clock.now()
        product = uow.products.find(cmd.sku)
        fields = cmd.model_dump(exclude={"sku"})
        fields["unit_price"], fields["unit_cost"] = cmd.unit_price, cmd.unit_cost
        if product is None:
            product = Product(sku=cmd.sku, **fields)
            uow.products.add(product)
        else:
            for name, value in fields.items():
                setattr(product, name, value)
            product.validate()
        product.announce(now)
        uow.commit()
    return product_view(product)


def deactivate_product(deps: Dependencies, cmd: DeactivateProduct) -> ProductView:
    """Stop selling a product; placed orders and stock are untouched."""
    with deps.uow() as uow:
        product = uow.products.find(cmd.sku)
        if product is None:
            raise NotFound("product", cmd.sku)
        product.deactivate(deps.clock.now())
        uow.commit()
    return product_view(product)


def get_product(deps: Dependencies, query: GetProduct) -> ProductView:
    with deps.uow() as uow:
        product = uow.products.find(query.sku)
        if product is None:
            raise NotFound("product", query.sku)
        return product_view(product)


def list_products(deps: Dependencies, query: ListProducts) -> list[ProductView]:
    with deps.uow() as uow:
        return [product_view(p) for p in uow.products.list_all(active_only=query.active_only)]
