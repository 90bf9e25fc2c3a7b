"""The catalog contract: products and locations."""

from __future__ import annotations

import pytest

from ordermgmt.domain.inventory import Location
from ordermgmt.errors import Conflict
from ordermgmt.ports import UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _commit, _Contract, _read
from ordermgmt.testing.contracts._data import _product


class CatalogContract(_Contract):
    """:class:`~ordermgmt.ports.ProductRepository` and
    :class:`~ordermgmt.ports.LocationRepository`: find, add, list, ``Conflict``."""

    def test_catalog_find_of_a_missing_product_or_location_is_none(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.products.find("SKU-404") is None
            assert uow.locations.find("NOWHERE") is None

    def test_catalog_products_and_locations_come_back_as_they_were_stored(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        product = _product("CHAIR")
        location = Location(code="BER", name="Berlin warehouse", priority=10)
        _commit(
            uow_factory,
            lambda uow: uow.products.add(product),
            lambda uow: uow.locations.add(location),
        )
        with uow_factory() as uow:
            assert uow.products.find("CHAIR") == product
            assert uow.locations.find("BER") == location

    def test_catalog_add_refuses_a_taken_sku_or_location_code(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.products.add(_product("CHAIR")),
            lambda uow: uow.locations.add(Location(code="BER", name="Berlin")),
        )
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.products.add(_product("CHAIR")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.locations.add(Location(code="BER", name="Other")))
        assert _read(uow_factory, lambda uow: uow.locations.list_all()) == [
            Location(code="BER", name="Berlin", version=1)
        ]

    def test_catalog_products_are_listed_by_sku(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.products.add(_product("TABLE")),
            lambda uow: uow.products.add(_product("CHAIR", active=False)),
        )
        with uow_factory() as uow:
            uow.products.add(_product("DESK"))  # not yet committed: listed all the same
            assert [p.sku for p in uow.products.list_all()] == ["CHAIR", "DESK", "TABLE"]
            assert [p.sku for p in uow.products.list_all(active_only=True)] == ["DESK", "TABLE"]

    def test_catalog_locations_are_listed_by_priority_then_code(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.locations.add(Location(code="MUC", name="Munich", priority=20)),
            lambda uow: uow.locations.add(Location(code="HAM", name="Hamburg", priority=10)),
        )
        with uow_factory() as uow:
            uow.locations.add(Location(code="BER", name="Berlin", priority=20))
            assert [loc.code for loc in uow.locations.list_all()] == ["HAM", "BER", "MUC"]
