"""The idempotency record contract."""

from __future__ import annotations

import pytest

from ordermgmt.domain.idempotency import IdempotencyRecord, Scope
from ordermgmt.errors import Conflict
from ordermgmt.ports import UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _abandon, _Abandoned, _commit, _Contract
from ordermgmt.testing.contracts._data import T0, _customer


def _record(
    key: str = "k-1", scope: Scope = Scope.PAYMENT, ids: tuple[str, ...] = ("P-1",)
) -> IdempotencyRecord:
    return IdempotencyRecord(
        scope=scope, key=key, fingerprint=f"{{'key': '{key}'}}", result_ids=ids, recorded_at=T0
    )


class IdempotencyContract(_Contract):
    """:class:`~ordermgmt.ports.IdempotencyRepository`: one record per (scope, key), stored
    with the unit of work's other changes or not at all."""

    def test_idempotency_records_come_back_as_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        record = _record(ids=("P-1", "P-2"))
        with uow_factory() as uow:
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") is None
            uow.idempotency.add(record)
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") == record
            uow.commit()
        with uow_factory() as uow:
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") == record
            assert uow.idempotency.find(Scope.REFUND, "k-1") is None

    def test_idempotency_one_key_in_several_scopes(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.idempotency.add(_record()))
        _commit(uow_factory, lambda uow: uow.idempotency.add(_record(scope=Scope.REFUND)))
        with uow_factory() as uow:
            found = uow.idempotency.find(Scope.REFUND, "k-1")
            assert found is not None
            assert found.scope is Scope.REFUND

    def test_idempotency_a_used_key_is_refused(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.idempotency.add(_record()))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.idempotency.add(_record(ids=("P-9",))))
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.idempotency.add(_record("k-2")),
                lambda uow: uow.idempotency.add(_record("k-2")),
            )
        with uow_factory() as uow:
            found = uow.idempotency.find(Scope.PAYMENT, "k-1")
            assert found is not None
            assert found.result_ids == ("P-1",)
            assert uow.idempotency.find(Scope.PAYMENT, "k-2") is None

    def test_idempotency_records_vanish_with_their_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.idempotency.add(_record()))
        with pytest.raises(Conflict):  # the effect is refused: the record goes with it
            _commit(
                uow_factory,
                lambda uow: uow.customers.add(_customer()),
                lambda uow: uow.idempotency.add(_record()),
                lambda uow: uow.customers.add(_customer()),
            )
        with uow_factory() as uow:
            assert uow.idempotency.find(Scope.PAYMENT, "k-1") is None
