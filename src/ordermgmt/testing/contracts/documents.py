"""The document repositories contract: invoices, credit notes, payments, shipments, returns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from ordermgmt.domain.returns import ReturnStatus
from ordermgmt.domain.shipment import (
    Booking,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
)
from ordermgmt.errors import Conflict, NotFound
from ordermgmt.ports import UnitOfWork, UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _add_invoices, _commit, _Contract
from ordermgmt.testing.contracts._data import (
    T0,
    _at,
    _credit_note,
    _eur,
    _invoice,
    _order,
    _payment,
    _return,
    _rich_order,
    _shipment,
)


class DocumentRepositoriesContract(_Contract):
    """Invoices, credit notes, payments, shipments and returns: get, add, ``NotFound``,
    ``Conflict`` on ids and numbers, and their lists, oldest first."""

    def test_documents_missing_ones_are_not_found(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.invoices.get("I-404")
            with pytest.raises(NotFound):
                uow.invoices.get_by_number("INV-404")
            with pytest.raises(NotFound):
                uow.shipments.get("S-404")
            with pytest.raises(NotFound):
                uow.returns.get("RMA-404")
            assert uow.invoices.list_for_order("O-404") == []
            assert uow.invoices.list_for_customer("C-404") == []
            assert uow.invoices.list_unsettled() == []
            assert uow.credit_notes.list_for_invoice("I-404") == []
            assert uow.credit_notes.list_for_order("O-404") == []
            assert uow.payments.list_for_order("O-404") == []
            assert uow.shipments.list_for_order("O-404") == []
            assert uow.returns.list_for_order("O-404") == []

    def test_documents_come_back_as_they_were_stored(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _rich_order()
        invoice = _invoice("I-1", "INV-2026-000001", order, at=_at(10), terms=30)
        invoice.apply_payment(_eur("100.00"))
        invoice.sent_to = "einkauf@acme.example"
        note = _credit_note("CN-1", "CN-2026-000001", invoice, at=_at(20))
        payment = _payment("P-1", order, "I-1", "100.00", _at(15))
        shipment = _shipment("S-1", "SH-000001", order.id)
        shipment.booked(
            Booking(
                tracking_number="TN-1",
                label="%PDF label",
                service="express",
                price=_eur("7.90"),
                estimated_delivery=date(2026, 1, 7),
            )
        )
        shipment.track(TrackingEvent(TrackingStatus.PICKED_UP, _at(40), "picked up in Berlin"))
        request = _return("RMA-1", "RMA-000001", order.id)
        request.receive(restock=True, location="MAIN", at=_at(90))
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(invoice),
            lambda uow: uow.credit_notes.add(note),
            lambda uow: uow.payments.add(payment),
            lambda uow: uow.shipments.add(shipment),
            lambda uow: uow.returns.add(request),
        )
        with uow_factory() as uow:
            assert uow.invoices.get("I-1") == invoice
            assert uow.invoices.get_by_number("INV-2026-000001") == invoice
            assert uow.credit_notes.list_for_invoice("I-1") == [note]
            assert uow.payments.list_for_order(order.id) == [payment]
            assert uow.shipments.get("S-1") == shipment
            assert uow.returns.get("RMA-1") == request

    def test_documents_invoices_added_in_this_unit_of_work_are_found_by_number(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        invoice = _invoice("I-1", "INV-1", _order())
        with uow_factory() as uow:
            uow.invoices.add(invoice)
            assert uow.invoices.get_by_number("INV-1") is invoice

    def test_documents_add_refuses_taken_ids_and_numbers(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()
        invoice = _invoice("I-1", "INV-1", order)
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(invoice),
            lambda uow: uow.credit_notes.add(_credit_note("CN-1", "CN-1", invoice, at=T0)),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-1")),
        )
        duplicates: list[Callable[[UnitOfWork], object]] = [
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-2", order)),
            lambda uow: uow.invoices.add(_invoice("I-2", "INV-1", order)),
            lambda uow: uow.credit_notes.add(_credit_note("CN-1", "CN-2", invoice, at=T0)),
            lambda uow: uow.credit_notes.add(_credit_note("CN-2", "CN-1", invoice, at=T0)),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-2")),
            lambda uow: uow.shipments.add(_shipment("S-2", "SH-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-2")),
            lambda uow: uow.returns.add(_return("RMA-2", "RMA-1")),
        ]
        for duplicate in duplicates:
            with pytest.raises(Conflict):
                _commit(uow_factory, duplicate)
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_for_order("O-1")] == ["I-1"]
            assert [n.id for n in uow.credit_notes.list_for_order("O-1")] == ["CN-1"]
            assert [s.id for s in uow.shipments.list_for_order("O-1")] == ["S-1"]
            assert [r.id for r in uow.returns.list_for_order("O-1")] == ["RMA-1"]

    def test_documents_are_listed_per_order_and_customer(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order_1, order_2 = _order("O-1", "SO-1"), _order("O-2", "SO-2")
        other = _order("O-3", "SO-3", "C-2")
        first = _invoice("I-1", "INV-1", order_1, at=_at(1))
        second = _invoice("I-2", "INV-2", order_1, at=_at(2))
        third = _invoice("I-3", "INV-3", order_2, at=_at(3))
        foreign = _invoice("I-4", "INV-4", other, at=_at(4))
        _commit(
            uow_factory,
            _add_invoices(first, second, third, foreign),
            lambda uow: uow.credit_notes.add(_credit_note("CN-1", "CN-1", first, at=_at(5))),
            lambda uow: uow.credit_notes.add(_credit_note("CN-2", "CN-2", second, at=_at(6))),
            lambda uow: uow.credit_notes.add(_credit_note("CN-3", "CN-3", first, at=_at(7))),
            lambda uow: uow.payments.add(_payment("P-1", order_1, "I-1", "5.00", _at(8))),
            lambda uow: uow.payments.add(_payment("P-2", order_2, "I-3", "5.00", _at(9))),
            lambda uow: uow.payments.add(_payment("P-3", order_1, "I-2", "5.00", _at(10))),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-000001", "O-1")),
            lambda uow: uow.shipments.add(_shipment("S-2", "SH-000002", "O-2")),
            lambda uow: uow.shipments.add(_shipment("S-3", "SH-000003", "O-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-000001", "O-1")),
            lambda uow: uow.returns.add(_return("RMA-2", "RMA-000002", "O-2")),
            lambda uow: uow.returns.add(_return("RMA-3", "RMA-000003", "O-1")),
        )
        with uow_factory() as uow:
            uow.invoices.add(_invoice("I-5", "INV-5", order_1, at=_at(11)))  # not yet committed
            assert [i.id for i in uow.invoices.list_for_order("O-1")] == ["I-1", "I-2", "I-5"]
            assert [i.id for i in uow.invoices.list_for_customer("C-1")] == [
                "I-1",
                "I-2",
                "I-3",
                "I-5",
            ]
            assert [i.id for i in uow.invoices.list_for_customer("C-2")] == ["I-4"]
            assert [n.id for n in uow.credit_notes.list_for_invoice("I-1")] == ["CN-1", "CN-3"]
            assert [n.id for n in uow.credit_notes.list_for_order("O-1")] == [
                "CN-1",
                "CN-2",
                "CN-3",
            ]
            assert [p.id for p in uow.payments.list_for_order("O-1")] == ["P-1", "P-3"]
            assert [s.id for s in uow.shipments.list_for_order("O-1")] == ["S-1", "S-3"]
            assert [r.id for r in uow.returns.list_for_order("O-1")] == ["RMA-1", "RMA-3"]

    def test_documents_are_listed_by_time_not_by_insertion(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()
        late = _invoice("I-LATE", "INV-2", order, at=_at(20))
        early = _invoice("I-EARLY", "INV-1", order, at=_at(10))
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(late),
            lambda uow: uow.credit_notes.add(_credit_note("CN-LATE", "CN-2", late, at=_at(40))),
            lambda uow: uow.payments.add(_payment("P-LATE", order, "I-LATE", "1.00", _at(60))),
        )
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(early),
            lambda uow: uow.credit_notes.add(_credit_note("CN-EARLY", "CN-1", late, at=_at(30))),
            lambda uow: uow.payments.add(_payment("P-EARLY", order, "I-LATE", "1.00", _at(50))),
        )
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_for_order("O-1")] == ["I-EARLY", "I-LATE"]
            assert [i.id for i in uow.invoices.list_for_customer("C-1")] == ["I-EARLY", "I-LATE"]
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-EARLY", "I-LATE"]
            assert [n.id for n in uow.credit_notes.list_for_invoice("I-LATE")] == [
                "CN-EARLY",
                "CN-LATE",
            ]
            assert [n.id for n in uow.credit_notes.list_for_order("O-1")] == [
                "CN-EARLY",
                "CN-LATE",
            ]
            assert [p.id for p in uow.payments.list_for_order("O-1")] == ["P-EARLY", "P-LATE"]

    def test_documents_unsettled_invoices_oldest_first(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order, other = _order("O-1", "SO-1"), _order("O-2", "SO-2", "C-2")
        paid = _invoice("I-PAID", "INV-1", order, at=_at(1))
        paid.apply_payment(paid.total)
        part_paid = _invoice("I-PART", "INV-2", order, at=_at(2))
        part_paid.apply_payment(_eur("0.01"))
        credited = _invoice("I-CREDITED", "INV-3", order, at=_at(3))
        credited.apply_credit(credited.total)
        foreign = _invoice("I-FOREIGN", "INV-4", other, at=_at(4))
        unpaid = _invoice("I-UNPAID", "INV-5", order, at=_at(5))
        _commit(uow_factory, _add_invoices(paid, part_paid, credited, foreign, unpaid))
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-PART", "I-UNPAID"]
            assert [i.id for i in uow.invoices.list_unsettled()] == [
                "I-PART",
                "I-FOREIGN",
                "I-UNPAID",
            ]
            assert uow.invoices.list_unsettled("C-404") == []
        with uow_factory() as uow:  # settled in this unit of work: gone from the list at once
            invoice = uow.invoices.get("I-PART")
            invoice.apply_payment(invoice.outstanding)
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-UNPAID"]
            uow.commit()
        with uow_factory() as uow:
            assert [i.id for i in uow.invoices.list_unsettled("C-1")] == ["I-UNPAID"]
            uow.invoices.get("I-UNPAID").apply_payment(_eur("1.00"))
            uow.commit()
        with uow_factory() as uow:
            unsettled = uow.invoices.list_unsettled("C-1")
            assert [(i.id, i.paid) for i in unsettled] == [("I-UNPAID", _eur("1.00"))]

    def test_documents_changes_are_saved_on_commit(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order()
        _commit(
            uow_factory,
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-1")),
            lambda uow: uow.returns.add(_return("RMA-1", "RMA-1")),
        )

        def progress(uow: UnitOfWork) -> None:
            uow.invoices.get("I-1").apply_payment(_eur("10.00"))
            shipment = uow.shipments.get("S-1")
            shipment.booked(Booking(tracking_number="TN-1", label="label"))
            shipment.track(TrackingEvent(TrackingStatus.PICKED_UP, _at(40)))
            shipment.track(TrackingEvent(TrackingStatus.DELIVERED, _at(50), "front door"))
            uow.returns.get("RMA-1").reject("not ours")

        _commit(uow_factory, progress)
        with uow_factory() as uow:
            assert uow.invoices.get("I-1").paid == _eur("10.00")
            shipment = uow.shipments.get("S-1")
            assert shipment.status is ShipmentStatus.DELIVERED
            assert shipment.delivered_at == _at(50)
            assert [e.status for e in shipment.tracking] == [
                TrackingStatus.PICKED_UP,
                TrackingStatus.DELIVERED,
            ]
            assert uow.returns.get("RMA-1").status is ReturnStatus.REJECTED
