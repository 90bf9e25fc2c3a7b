"""Running units of work, and the fixtures every storage contract class shares."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ordermgmt.domain.invoice import Invoice
from ordermgmt.domain.order import Order
from ordermgmt.ports import UnitOfWork, UnitOfWorkFactory
from ordermgmt.testing.contracts._data import T
from ordermgmt.testing.contracts.recording import RecordingPublisher


def _commit(uow_factory: UnitOfWorkFactory, *changes: Callable[[UnitOfWork], object]) -> None:
    """Apply ``changes`` in one new unit of work and commit it."""
    with uow_factory() as uow:
        for change in changes:
            change(uow)
        uow.commit()


def _read(uow_factory: UnitOfWorkFactory, query: Callable[[UnitOfWork], T]) -> T:
    """The answer to ``query`` in a new unit of work that changes nothing."""
    with uow_factory() as uow:
        return query(uow)


def _add_orders(*orders: Order) -> Callable[[UnitOfWork], None]:
    """A change that adds ``orders``."""

    def add(uow: UnitOfWork) -> None:
        for order in orders:
            uow.orders.add(order)

    return add


def _add_invoices(*invoices: Invoice) -> Callable[[UnitOfWork], None]:
    """A change that adds ``invoices``."""

    def add(uow: UnitOfWork) -> None:
        for invoice in invoices:
            uow.invoices.add(invoice)

    return add


class _Abandoned(Exception):
    """Raised inside a unit of work to leave it by an exception."""


def _abandon(uow_factory: UnitOfWorkFactory, *changes: Callable[[UnitOfWork], object]) -> None:
    """Apply ``changes`` in one new unit of work, then leave it by an exception."""
    with uow_factory() as uow:
        for change in changes:
            change(uow)
        raise _Abandoned


class _Contract:
    """The fixtures every contract class shares."""

    @pytest.fixture
    def publisher(self) -> RecordingPublisher:
        """Where the units of work of ``uow_factory`` must publish their events."""
        return RecordingPublisher()

    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        """Override: a fresh, empty store for each test, a new unit of work on it per call."""
        pytest.fail(
            f"{type(self).__name__} needs a `uow_factory` fixture: a callable returning a new "
            "unit of work on a fresh, empty store (see ordermgmt.testing.contracts)"
        )
