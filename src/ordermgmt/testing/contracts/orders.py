"""The order repository contract."""

from __future__ import annotations

from datetime import datetime

import pytest

from ordermgmt.domain.order import Order
from ordermgmt.errors import Conflict, NotFound
from ordermgmt.ports import UnitOfWork, UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _add_orders, _commit, _Contract, _read
from ordermgmt.testing.contracts._data import T0, _at, _line, _order, _rich_order


class OrderRepositoryContract(_Contract):
    """:class:`~ordermgmt.ports.OrderRepository`: lookups by id, number and idempotency key,
    uniqueness of all three, and the lists the use cases work from."""

    def test_orders_missing_orders_are_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.orders.get("O-404")
            with pytest.raises(NotFound):
                uow.orders.get_by_number("SO-404404")
            assert uow.orders.find_by_idempotency_key("C-1", "never-used") is None

    def test_orders_come_back_as_they_were_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _rich_order()
        _commit(uow_factory, lambda uow: uow.orders.add(order))
        with uow_factory() as uow:
            assert uow.orders.get("O-RICH") == order
            assert uow.orders.get_by_number("SO-000042") == order
            assert uow.orders.find_by_idempotency_key("C-B2B", "po-4711") == order

    def test_orders_added_in_this_unit_of_work_are_found_by_number_and_key(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order(key="k-1")
        with uow_factory() as uow:
            uow.orders.add(order)
            assert uow.orders.get_by_number("SO-000001") is order
            assert uow.orders.find_by_idempotency_key("C-1", "k-1") is order

    def test_orders_add_refuses_a_taken_id(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000002")))
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.orders.get_by_number("SO-000002")

    def test_orders_add_refuses_a_taken_number(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-2", "SO-000001")))
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.orders.get("O-2")

    def test_orders_add_refuses_a_used_idempotency_key(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001", key="k-1")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-2", "SO-000002", key="k-1")))
        with uow_factory() as uow:
            assert uow.orders.find_by_idempotency_key("C-1", "k-1") == uow.orders.get("O-1")
            with pytest.raises(NotFound):
                uow.orders.get("O-2")

    def test_orders_idempotency_keys_are_scoped_per_customer(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001", key="PO-1")))
        _commit(
            uow_factory,
            lambda uow: uow.orders.add(_order("O-2", "SO-000002", "C-2", key="PO-1")),
        )
        with uow_factory() as uow:
            assert uow.orders.find_by_idempotency_key("C-1", "PO-1") == uow.orders.get("O-1")
            assert uow.orders.find_by_idempotency_key("C-2", "PO-1") == uow.orders.get("O-2")
            assert uow.orders.find_by_idempotency_key("C-3", "PO-1") is None

    def test_orders_add_refuses_an_id_twice_in_one_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.orders.add(_order("O-1", "SO-000001")),
                lambda uow: uow.orders.add(_order("O-1", "SO-000002")),
            )
        assert _read(uow_factory, lambda uow: uow.orders.list_for_customer("C-1")) == []

    def test_orders_add_refuses_a_number_or_key_twice_in_one_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        for second in (_order("O-2", "SO-000001"), _order("O-2", "SO-000002", key="k-1")):
            with pytest.raises(Conflict):
                _commit(
                    uow_factory,
                    lambda uow: uow.orders.add(_order("O-1", "SO-000001", key="k-1")),
                    _add_orders(second),
                )
        assert _read(uow_factory, lambda uow: uow.orders.list_for_customer("C-1")) == []

    def test_orders_without_idempotency_key_do_not_clash(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        _commit(
            uow_factory,
            lambda uow: uow.orders.add(_order("O-2", "SO-000002")),
            lambda uow: uow.orders.add(_order("O-3", "SO-000003")),
        )
        ids = _read(uow_factory, lambda uow: [o.id for o in uow.orders.list_for_customer("C-1")])
        assert ids == ["O-1", "O-2", "O-3"]

    def test_orders_of_a_customer_oldest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.orders.add(_order("O-B", "SO-000002", at=_at(20))),
            lambda uow: uow.orders.add(_order("O-X", "SO-000003", "C-2", at=_at(5))),
        )
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-A", "SO-000001", at=_at(10))))
        with uow_factory() as uow:
            uow.orders.add(_order("O-C", "SO-000004", at=_at(30)))  # not yet committed
            assert [o.id for o in uow.orders.list_for_customer("C-1")] == ["O-A", "O-B", "O-C"]
            assert [o.id for o in uow.orders.list_for_customer("C-2")] == ["O-X"]
            assert uow.orders.list_for_customer("C-404") == []

    def test_orders_active_only_means_open_or_on_hold(self, uow_factory: UnitOfWorkFactory) -> None:
        orders = [_order(f"O-{n}", f"SO-00000{n}", at=_at(n)) for n in range(1, 6)]
        orders[1].hold("credit check", T0)
        orders[2].cancel("customer changed their mind", T0)
        orders[3].complete(T0)
        _commit(uow_factory, _add_orders(*orders))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_for_customer("C-1", active_only=True)] == [
                "O-1",
                "O-2",
                "O-5",
            ]
            uow.orders.get("O-5").cancel("changed in this unit of work", _at(9))
            uow.orders.get("O-3")  # loaded, still cancelled
            assert [o.id for o in uow.orders.list_for_customer("C-1", active_only=True)] == [
                "O-1",
                "O-2",
            ]
            assert len(uow.orders.list_for_customer("C-1")) == 5

    def test_orders_backordered_oldest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        def backordered(order_id: str, sku: str, at: datetime) -> Order:
            order = _order(order_id, f"SO-{order_id}", lines=[_line(1, sku, 2)], at=at)
            order.backorder(1, 2, at)
            return order

        late, early = (
            backordered("O-LATE", "SKU-1", _at(20)),
            backordered("O-EARLY", "SKU-1", _at(1)),
        )
        other = backordered("O-OTHER", "SKU-2", _at(10))
        cancelled = backordered("O-CANCELLED", "SKU-1", _at(2))
        cancelled.cancel("no longer needed", _at(3))
        reserved = _order("O-RESERVED", "SO-RESERVED", at=_at(4))
        reserved.reserve(1, "MAIN", 2, _at(4))
        _commit(uow_factory, _add_orders(late, other, reserved))
        _commit(uow_factory, _add_orders(early, cancelled))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-EARLY", "O-LATE"]
            assert [o.id for o in uow.orders.list_backordered()] == [
                "O-EARLY",
                "O-OTHER",
                "O-LATE",
            ]
            assert uow.orders.list_backordered("SKU-404") == []
            early_order = uow.orders.get("O-EARLY")
            early_order.serve_backorder(1, "MAIN", 2, _at(30))  # served in this unit of work
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-LATE"]

    def test_orders_reserving_a_sku_at_a_location_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def reserving(order_id: str, location: str, at: datetime) -> Order:
            order = _order(order_id, f"SO-{order_id}", lines=[_line(1, "SKU-1", 2)], at=at)
            order.reserve(1, location, 2, at)
            return order

        late, early = reserving("O-LATE", "MAIN", _at(20)), reserving("O-EARLY", "MAIN", _at(1))
        elsewhere = reserving("O-ELSEWHERE", "BER", _at(2))
        cancelled = reserving("O-CANCELLED", "MAIN", _at(5))
        cancelled.cancel("no longer needed", _at(6))
        other_sku = _order("O-SKU-2", "SO-SKU-2", lines=[_line(1, "SKU-2", 1)], at=_at(7))
        other_sku.reserve(1, "MAIN", 1, _at(7))
        _commit(uow_factory, _add_orders(late, elsewhere))
        _commit(
            uow_factory,
            _add_orders(early, cancelled, other_sku),
        )
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == [
                "O-EARLY",
                "O-LATE",
            ]
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "BER")] == ["O-ELSEWHERE"]
            assert uow.orders.list_reserving("SKU-1", "HAM") == []
            uow.orders.get("O-EARLY").cancel("cancelled in this unit of work", _at(30))
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == ["O-LATE"]

    def test_orders_lists_follow_committed_changes(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order(lines=[_line(1, "SKU-1", 3)])
        order.backorder(1, 3, T0)
        _commit(uow_factory, lambda uow: uow.orders.add(order))

        def serve(uow: UnitOfWork) -> None:
            uow.orders.get("O-1").serve_backorder(1, "MAIN", 2, _at(1))

        _commit(uow_factory, serve)
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-1"]
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == ["O-1"]
        _commit(uow_factory, lambda uow: uow.orders.get("O-1").cancel("stop", _at(2)))
        with uow_factory() as uow:
            assert uow.orders.list_backordered("SKU-1") == []
            assert uow.orders.list_reserving("SKU-1", "MAIN") == []
            assert uow.orders.list_for_customer("C-1", active_only=True) == []
            assert uow.orders.get("O-1").lines[0].allocations == {}
