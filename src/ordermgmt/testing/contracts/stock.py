"""The stock repository contract."""

from __future__ import annotations

from ordermgmt.ports import UnitOfWork, UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _commit, _Contract


class StockRepositoryContract(_Contract):
    """:class:`~ordermgmt.ports.StockRepository`: items per sku and location, created on demand."""

    def test_stock_get_for_update_creates_a_missing_item_empty(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert (item.sku, item.location, item.on_hand, item.reserved) == (
                "SKU-1",
                "MAIN",
                0,
                0,
            )

    def test_stock_changes_are_kept_on_commit_and_forgotten_without(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def stock(uow: UnitOfWork) -> None:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            item.receive(10)
            item.reserve(4)

        _commit(uow_factory, stock)
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            item.consume(4)
            item.remove(6)
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert (item.on_hand, item.reserved, item.available) == (10, 4, 6)

    def test_stock_list_for_update_gives_existing_items_of_the_skus_in_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def stock(uow: UnitOfWork) -> None:
            for sku, location in [("B", "MAIN"), ("A", "ZRH"), ("A", "BER"), ("C", "BER")]:
                uow.stock.get_for_update(sku, location).receive(1)

        _commit(uow_factory, stock)
        with uow_factory() as uow:
            items = uow.stock.list_for_update(["B", "A", "X"])
            assert [(i.sku, i.location) for i in items] == [
                ("A", "BER"),
                ("A", "ZRH"),
                ("B", "MAIN"),
            ]

    def test_stock_list_for_sku_gives_every_item_of_the_sku(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def stock(uow: UnitOfWork) -> None:
            uow.stock.get_for_update("SKU-1", "HAM").receive(3)
            uow.stock.get_for_update("SKU-1", "BER").receive(2)
            uow.stock.get_for_update("SKU-2", "BER").receive(9)

        _commit(uow_factory, stock)
        with uow_factory() as uow:
            uow.stock.get_for_update("SKU-1", "MUC").receive(1)  # not yet committed
            items = uow.stock.list_for_sku("SKU-1")
            assert sorted((i.location, i.on_hand) for i in items) == [
                ("BER", 2),
                ("HAM", 3),
                ("MUC", 1),
            ]
            assert uow.stock.list_for_sku("SKU-404") == []
