"""The replenishment contract: purchase requisitions and supplier receipts."""

from __future__ import annotations

import pytest

from ordermgmt.domain.purchasing import (
    RequisitionStatus,
)
from ordermgmt.errors import Conflict, NotFound
from ordermgmt.ports import UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _commit, _Contract, _read
from ordermgmt.testing.contracts._data import _at, _receipt, _requisition


class RequisitionContract(_Contract):
    """:class:`~ordermgmt.ports.RequisitionRepository` (at most one open requisition per sku
    and location) and :class:`~ordermgmt.ports.ReceiptRepository`."""

    def test_requisitions_missing_requisition_is_not_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.requisitions.get("R-404")
            assert uow.requisitions.find_open("SKU-1", "MAIN") is None
            assert uow.requisitions.list_open() == []

    def test_requisitions_come_back_as_they_were_stored(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        requisition = _requisition("R-1")
        requisition.submitted = True
        _commit(uow_factory, lambda uow: uow.requisitions.add(requisition))
        with uow_factory() as uow:
            assert uow.requisitions.get("R-1") == requisition
            assert uow.requisitions.find_open("SKU-1", "MAIN") == requisition

    def test_requisitions_one_open_per_sku_and_location(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-1")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-2")))
        with pytest.raises(Conflict):
            _commit(
                uow_factory,
                lambda uow: uow.requisitions.add(_requisition("R-3", "SKU-2")),
                lambda uow: uow.requisitions.add(_requisition("R-4", "SKU-2")),
            )
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-5", "SKU-1", "BER")),
            lambda uow: uow.requisitions.add(_requisition("R-6", "SKU-2", "MAIN")),
        )
        with uow_factory() as uow:
            assert sorted(r.id for r in uow.requisitions.list_open()) == ["R-1", "R-5", "R-6"]
            for missing in ("R-2", "R-3", "R-4"):
                with pytest.raises(NotFound):
                    uow.requisitions.get(missing)

    def test_requisitions_a_closed_one_makes_room_for_a_new_one(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-1")))
        _commit(uow_factory, lambda uow: uow.requisitions.get("R-1").close("GR-1", _at(1)))
        with uow_factory() as uow:
            assert uow.requisitions.find_open("SKU-1", "MAIN") is None
            assert uow.requisitions.get("R-1").status is RequisitionStatus.CLOSED
            assert uow.requisitions.list_open() == []
        _commit(uow_factory, lambda uow: uow.requisitions.add(_requisition("R-2", at=_at(2))))
        with uow_factory() as uow:  # close and raise anew in one unit of work
            uow.requisitions.get("R-2").close("GR-2", _at(3))
            uow.requisitions.add(_requisition("R-3", at=_at(4)))
            uow.commit()
        with uow_factory() as uow:
            found = uow.requisitions.find_open("SKU-1", "MAIN")
            assert found is not None
            assert found.id == "R-3"
            assert [r.id for r in uow.requisitions.list_open()] == ["R-3"]

    def test_requisitions_open_ones_are_listed_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-LATE", "SKU-1", at=_at(20))),
            lambda uow: uow.requisitions.add(_requisition("R-CLOSED", "SKU-3", at=_at(1))),
        )
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-EARLY", "SKU-2", at=_at(5))),
            lambda uow: uow.requisitions.get("R-CLOSED").close("GR-1", _at(6)),
        )
        with uow_factory() as uow:
            uow.requisitions.add(_requisition("R-NEW", "SKU-4", at=_at(10)))
            assert [r.id for r in uow.requisitions.list_open()] == ["R-EARLY", "R-NEW", "R-LATE"]

    def test_requisitions_receipts_are_kept_and_listed_per_sku(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        first, second = _receipt("GR-1", at=_at(1)), _receipt("GR-2", at=_at(2))
        _commit(
            uow_factory,
            lambda uow: uow.receipts.add(first),
            lambda uow: uow.receipts.add(_receipt("GR-X", "SKU-2", at=_at(1))),
        )
        with uow_factory() as uow:
            uow.receipts.add(second)
            assert uow.receipts.list_for_sku("SKU-1") == [first, second]
            uow.commit()
        with uow_factory() as uow:
            assert uow.receipts.list_for_sku("SKU-1") == [first, second]
            assert uow.receipts.list_for_sku("SKU-404") == []

    def test_requisitions_receipts_are_listed_by_time_not_by_insertion(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.receipts.add(_receipt("GR-LATE", at=_at(20))))
        _commit(uow_factory, lambda uow: uow.receipts.add(_receipt("GR-EARLY", at=_at(10))))
        ids = _read(uow_factory, lambda uow: [r.id for r in uow.receipts.list_for_sku("SKU-1")])
        assert ids == ["GR-EARLY", "GR-LATE"]
