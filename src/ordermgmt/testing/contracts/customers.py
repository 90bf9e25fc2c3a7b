"""The customer repository contract."""

from __future__ import annotations

import pytest

from ordermgmt.errors import Conflict, NotFound
from ordermgmt.ports import UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _commit, _Contract, _read
from ordermgmt.testing.contracts._data import _b2b_customer, _customer


class CustomerRepositoryContract(_Contract):
    """:class:`~ordermgmt.ports.CustomerRepository`: get, add, ``NotFound``, ``Conflict``."""

    def test_customers_get_of_a_missing_customer_raises_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-404")

    def test_customers_come_back_as_they_were_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        b2b, b2c = _b2b_customer(), _customer()
        _commit(uow_factory, lambda uow: uow.customers.add(b2b), lambda uow: uow.customers.add(b2c))
        stored = _read(uow_factory, lambda uow: [uow.customers.get(c.id) for c in (b2b, b2c)])
        assert stored == [b2b, b2c]

    def test_customers_add_refuses_a_taken_id(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.customers.add(_customer("C-1")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.customers.add(_customer("C-1", "Someone Else")))
        assert _read(uow_factory, lambda uow: uow.customers.get("C-1").name) == "Erika Mustermann"

    def test_customers_add_refuses_an_id_added_in_the_same_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.customers.add(_customer("C-1")),
                lambda uow: uow.customers.add(_customer("C-1", "Someone Else")),
            )
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-1")
