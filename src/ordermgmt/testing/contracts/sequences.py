"""The document number sequence contract."""

from __future__ import annotations

import pytest

from ordermgmt.errors import Conflict
from ordermgmt.ports import UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _abandon, _Abandoned, _commit, _Contract, _read
from ordermgmt.testing.contracts._data import _customer


class SequenceContract(_Contract):
    """:class:`~ordermgmt.ports.SequenceRepository`: gapless numbers per series."""

    def test_sequences_count_from_one_per_series(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            taken = [uow.sequences.next_value("invoice") for _ in range(3)]
            taken.append(uow.sequences.next_value("credit-note"))
            taken.append(uow.sequences.next_value("invoice"))
            uow.commit()
        assert taken == [1, 2, 3, 1, 4]
        with uow_factory() as uow:
            assert uow.sequences.next_value("invoice") == 5
            assert uow.sequences.next_value("credit-note") == 2
            assert uow.sequences.next_value("order") == 1

    def test_sequences_numbers_not_committed_are_handed_out_again(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            assert uow.sequences.next_value("invoice") == 1
            uow.commit()
        with uow_factory() as uow:  # left without commit
            assert uow.sequences.next_value("invoice") == 2
        with pytest.raises(_Abandoned):  # left by an exception
            _abandon(uow_factory, lambda uow: uow.sequences.next_value("invoice"))
        with uow_factory() as uow:  # rolled back, then taken again in the same unit of work
            assert [uow.sequences.next_value("invoice") for _ in range(2)] == [2, 3]
            uow.rollback()
            assert uow.sequences.next_value("invoice") == 2
            uow.commit()
        with uow_factory() as uow:
            assert uow.sequences.next_value("invoice") == 3

    def test_sequences_a_refused_commit_returns_its_numbers(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.customers.add(_customer()))
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.sequences.next_value("invoice"),
                lambda uow: uow.customers.add(_customer()),
            )
        assert _read(uow_factory, lambda uow: uow.sequences.next_value("invoice")) == 1
