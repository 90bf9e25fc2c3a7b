"""The unit-of-work contract: one transaction across every repository."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ordermgmt.domain.customer import Customer, CustomerKind, PaymentPreference
from ordermgmt.domain.events import (
    CustomerRegistered,
    CustomerUpdated,
    DomainEvent,
    OrderHeld,
    OrderPlaced,
    StockReserved,
)
from ordermgmt.domain.ids import CustomerId
from ordermgmt.domain.order import OrderStatus
from ordermgmt.domain.shipment import (
    Booking,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
)
from ordermgmt.errors import Conflict, NotFound
from ordermgmt.ports import UnitOfWork, UnitOfWorkFactory
from ordermgmt.testing.contracts._base import (
    _abandon,
    _Abandoned,
    _add_orders,
    _commit,
    _Contract,
    _read,
)
from ordermgmt.testing.contracts._data import (
    T0,
    _at,
    _customer,
    _entry,
    _eur,
    _invoice,
    _line,
    _order,
    _shipment,
)
from ordermgmt.testing.contracts.recording import RecordingPublisher


def _sale(uow: UnitOfWork) -> None:
    """One sale touching stock, order, sequence, invoice and ledger in one unit of work."""
    item = uow.stock.get_for_update("SKU-1", "MAIN")
    item.receive(5)
    item.reserve(2)
    order = _order()
    order.reserve(1, "MAIN", 2, T0)
    uow.orders.add(order)
    number = uow.sequences.next_value("invoice")
    invoice = _invoice("I-1", f"INV-2026-{number:06d}", order)
    uow.invoices.add(invoice)
    uow.ledger.post(_entry("E-1", invoice.number, "23.80"))


class UnitOfWorkContract(_Contract):
    """:class:`~ordermgmt.ports.UnitOfWork`: one transaction across every repository.

    Commit makes everything durable at once; rollback, an exception or leaving without commit
    leaves no trace; a refused commit writes nothing. Within a unit of work one stored
    aggregate is one object. Versions count committed changes. Events are published after a
    durable commit only, in the order they were recorded, each with its own id.
    """

    def test_uow_committed_changes_are_seen_by_the_next_unit_of_work(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        customer = _customer()
        _commit(uow_factory, lambda uow: uow.customers.add(customer))
        stored = _read(uow_factory, lambda uow: uow.customers.get("C-1"))
        assert stored == customer

    def test_uow_leaving_without_commit_leaves_no_trace(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            uow.customers.add(_customer())
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-1")

    def test_uow_an_exception_inside_leaves_no_trace(self, uow_factory: UnitOfWorkFactory) -> None:
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.customers.add(_customer()))
        with uow_factory() as uow, pytest.raises(NotFound):
            uow.customers.get("C-1")

    def test_uow_rollback_forgets_changes_and_the_unit_of_work_goes_on(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            uow.customers.add(_customer("C-1"))
            uow.rollback()
            uow.customers.add(_customer("C-2"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.customers.get("C-2").id == "C-2"
            with pytest.raises(NotFound):
                uow.customers.get("C-1")

    def test_uow_commits_twice(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.customers.add(_customer("C-1"))
            uow.commit()
            uow.customers.add(_customer("C-2"))
            uow.commit()
        names = _read(uow_factory, lambda uow: [uow.customers.get(c).id for c in ("C-1", "C-2")])
        assert names == ["C-1", "C-2"]

    def test_uow_stock_order_invoice_and_ledger_commit_together(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, _sale)
        with uow_factory() as uow:
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert (item.on_hand, item.reserved) == (5, 2)
            assert uow.orders.get("O-1").lines[0].allocations == {"MAIN": 2}
            assert uow.invoices.get_by_number("INV-2026-000001").id == "I-1"
            assert [e.id for e in uow.ledger.entries("INV-2026-000001")] == ["E-1"]
            assert uow.sequences.next_value("invoice") == 2

    def _assert_no_sale(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            items = uow.stock.list_for_sku("SKU-1")
            assert [(i.on_hand, i.reserved) for i in items if i.on_hand or i.reserved] == []
            with pytest.raises(NotFound):
                uow.orders.get("O-1")
            with pytest.raises(NotFound):
                uow.invoices.get("I-1")
            assert uow.ledger.entries() == []
            assert uow.ledger.balances() == {}
            assert uow.sequences.next_value("invoice") == 1

    def test_uow_stock_order_invoice_and_ledger_vanish_together_without_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            _sale(uow)
        self._assert_no_sale(uow_factory)

    def test_uow_stock_order_invoice_and_ledger_vanish_together_on_an_exception(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, _sale)
        self._assert_no_sale(uow_factory)

    def test_uow_stock_order_invoice_and_ledger_vanish_together_on_rollback(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        with uow_factory() as uow:
            _sale(uow)
            uow.rollback()
            uow.commit()
        self._assert_no_sale(uow_factory)

    def test_uow_a_refused_commit_writes_nothing(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))

        def clash(uow: UnitOfWork) -> None:
            uow.customers.add(_customer("C-9"))
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            item.receive(7)
            uow.ledger.post(_entry("E-9", "SO-000001", "10.00"))
            uow.sequences.next_value("order")
            uow.orders.add(_order("O-2", "SO-000001"))  # the number is taken

        with pytest.raises(Conflict):
            _commit(uow_factory, clash)
        with uow_factory() as uow:
            with pytest.raises(NotFound):
                uow.customers.get("C-9")
            with pytest.raises(NotFound):
                uow.orders.get("O-2")
            assert uow.stock.get_for_update("SKU-1", "MAIN").on_hand == 0
            assert uow.ledger.entries() == []
            assert uow.sequences.next_value("order") == 1
            assert uow.orders.get_by_number("SO-000001").id == "O-1"

    def test_uow_one_stored_aggregate_is_one_object(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order(key="key-1")
        order.reserve(1, "MAIN", 2, T0)
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(3),
        )
        with uow_factory() as uow:
            assert uow.customers.get("C-1") is uow.customers.get("C-1")
            first = uow.orders.get("O-1")
            assert uow.orders.get("O-1") is first
            assert uow.orders.get_by_number("SO-000001") is first
            assert uow.orders.find_by_idempotency_key("C-1", "key-1") is first
            assert uow.orders.list_for_customer("C-1") == [first]
            assert uow.orders.list_for_customer("C-1")[0] is first
            assert uow.orders.list_reserving("SKU-1", "MAIN")[0] is first
            item = uow.stock.get_for_update("SKU-1", "MAIN")
            assert uow.stock.get_for_update("SKU-1", "MAIN") is item
            assert uow.stock.list_for_sku("SKU-1")[0] is item
            assert uow.stock.list_for_update(["SKU-1"])[0] is item
            invoice = uow.invoices.get("I-1")
            assert uow.invoices.get_by_number("INV-1") is invoice
            assert uow.invoices.list_for_order("O-1")[0] is invoice
            assert uow.invoices.list_unsettled("C-1")[0] is invoice

    def test_uow_an_added_aggregate_is_the_object_found(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        customer, order = _customer(), _order()
        with uow_factory() as uow:
            uow.customers.add(customer)
            uow.orders.add(order)
            assert uow.customers.get("C-1") is customer
            assert uow.orders.get("O-1") is order

    def test_uow_changes_to_loaded_aggregates_are_saved_on_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(_order()),
        )
        with uow_factory() as uow:
            uow.customers.get("C-1").update(at=_at(1), name="Erika Musterfrau")
            uow.orders.get("O-1").reserve(1, "MAIN", 2, _at(1))
            uow.commit()
        with uow_factory() as uow:
            assert uow.customers.get("C-1").name == "Erika Musterfrau"
            assert uow.orders.get("O-1").lines[0].allocations == {"MAIN": 2}

    def test_uow_changes_to_loaded_aggregates_vanish_without_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(_order()),
            lambda uow: uow.shipments.add(_shipment("S-1", "SH-000001")),
        )
        with uow_factory() as uow:
            uow.customers.get("C-1").update(at=_at(1), name="Erika Musterfrau")
            order = uow.orders.get("O-1")
            order.reserve(1, "MAIN", 1, _at(1))
            order.hold("fraud check", _at(1))
            shipment = uow.shipments.get("S-1")
            shipment.booked(Booking(tracking_number="TN-1", label="label"))
            shipment.track(TrackingEvent(TrackingStatus.PICKED_UP, _at(2)))
        with uow_factory() as uow:
            assert uow.customers.get("C-1").name == "Erika Mustermann"
            order = uow.orders.get("O-1")
            assert (order.status, order.lines[0].allocations) == (OrderStatus.OPEN, {})
            shipment = uow.shipments.get("S-1")
            assert (shipment.status, shipment.tracking) == (ShipmentStatus.PENDING, [])

    def test_uow_changes_made_after_commit_need_another_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        customer, order = _customer(), _order()
        with uow_factory() as uow:
            uow.customers.add(customer)
            uow.orders.add(order)
            uow.commit()
            customer.name = "Changed After Commit"
            order.lines[0].allocations["MAIN"] = 2
        customer.email = "changed.after.the.end@example.com"
        order.hold("changed after the end", _at(1))
        with uow_factory() as uow:
            stored = uow.customers.get("C-1")
            assert (stored.name, stored.email) == ("Erika Mustermann", "")
            stored_order = uow.orders.get("O-1")
            assert stored_order.status is OrderStatus.OPEN
            assert stored_order.lines[0].allocations == {}

    def test_uow_stored_times_keep_their_instant_in_any_timezone(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        berlin, new_york = timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))
        customer = _customer()
        customer.registered_at = datetime(2026, 1, 5, 10, 0, tzinfo=berlin)
        order = _order(at=datetime(2026, 1, 5, 4, 30, tzinfo=new_york))
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(customer),
            lambda uow: uow.orders.add(order),
        )
        with uow_factory() as uow:
            assert uow.customers.get("C-1").registered_at == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
            assert uow.orders.get("O-1").placed_at == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

    # -- versions --------------------------------------------------------------------------

    def test_uow_a_new_aggregate_has_version_1_after_its_first_commit(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()

        def stock(uow: UnitOfWork) -> None:
            uow.stock.get_for_update("SKU-1", "MAIN").receive(5)

        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            stock,
        )
        with uow_factory() as uow:
            versions = [
                uow.customers.get("C-1").version,
                uow.orders.get("O-1").version,
                uow.invoices.get("I-1").version,
                uow.stock.get_for_update("SKU-1", "MAIN").version,
            ]
        assert versions == [1, 1, 1, 1]

    def test_uow_every_committed_change_adds_one_to_the_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order(lines=[_line(1, "SKU-1", 3)])
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(5),
        )
        for step in (1, 2):
            with uow_factory() as uow:
                uow.customers.get("C-1").update(at=_at(step), phone=f"+49 30 {step}")
                uow.orders.get("O-1").reserve(1, "MAIN", 1, _at(step))  # a change of a line only
                uow.invoices.get("I-1").apply_payment(_eur("1.00"))
                uow.stock.get_for_update("SKU-1", "MAIN").reserve(1)
                uow.commit()
        with uow_factory() as uow:
            versions = [
                uow.customers.get("C-1").version,
                uow.orders.get("O-1").version,
                uow.invoices.get("I-1").version,
                uow.stock.get_for_update("SKU-1", "MAIN").version,
            ]
        assert versions == [3, 3, 3, 3]

    def test_uow_an_unchanged_aggregate_keeps_its_version(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        order = _order()
        _commit(
            uow_factory,
            lambda uow: uow.customers.add(_customer()),
            lambda uow: uow.orders.add(order),
            lambda uow: uow.invoices.add(_invoice("I-1", "INV-1", order)),
            lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(5),
        )
        with uow_factory() as uow:  # read everything, change nothing, commit
            uow.customers.get("C-1")
            uow.orders.get("O-1")
            uow.orders.list_for_customer("C-1")
            uow.invoices.list_unsettled()
            uow.stock.list_for_update(["SKU-1"])
            uow.commit()
        with uow_factory() as uow:  # change, then roll back
            uow.customers.get("C-1").update(at=_at(1), name="Rolled Back")
            uow.orders.get("O-1").hold("rolled back", _at(1))
            uow.rollback()
            uow.commit()
        with uow_factory() as uow:
            versions = [
                uow.customers.get("C-1").version,
                uow.orders.get("O-1").version,
                uow.invoices.get("I-1").version,
                uow.stock.get_for_update("SKU-1", "MAIN").version,
            ]
        assert versions == [1, 1, 1, 1]

    # -- events ----------------------------------------------------------------------------

    def test_uow_events_are_published_after_a_durable_commit(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        seen_by_subscriber: list[bool] = []

        def look(event: DomainEvent) -> None:
            with uow_factory() as reader:
                seen_by_subscriber.append(
                    reader.orders.find_by_idempotency_key("C-1", "k-1") is not None
                )

        publisher.subscribe(look, OrderPlaced)
        with uow_factory() as uow:
            uow.orders.add(_order(key="k-1"))
            assert publisher.published == [], "events were published before commit"
            uow.commit()
        assert publisher.names == ["OrderPlaced"], (
            "the publisher received nothing: does `uow_factory` hand the `publisher` fixture "
            "to its units of work?"
        )
        assert seen_by_subscriber == [True], "an event was published before its data was durable"

    def test_uow_events_come_in_the_order_they_were_recorded(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        customer = Customer.register(
            at=T0,
            id=CustomerId("C-1"),
            name="Erika Mustermann",
            kind=CustomerKind.B2C,
            payment_preference=PaymentPreference.CARD,
        )
        order = _order()
        order.reserve(1, "MAIN", 2, _at(1))
        customer.update(at=_at(2), email="erika@example.com")
        order.hold("fraud check", _at(3))
        with uow_factory() as uow:
            uow.orders.add(order)  # added first, recorded later: the recording order counts
            uow.customers.add(customer)
            uow.commit()
        assert [type(e) for e in publisher.published] == [
            CustomerRegistered,
            OrderPlaced,
            StockReserved,
            CustomerUpdated,
            OrderHeld,
        ]

    def test_uow_every_event_gets_its_own_id(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        for n in (1, 2):
            order = _order(f"O-{n}", f"SO-00000{n}")
            order.reserve(1, "MAIN", 1, T0)
            order.backorder(1, 1, T0)
            _commit(uow_factory, _add_orders(order))
        ids = [event.event_id for event in publisher.published]
        assert len(ids) == 6
        assert all(ids), "an event was published without an event_id"
        assert len(set(ids)) == len(ids)

    def test_uow_events_of_loaded_aggregates_are_published(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order()))
        with uow_factory() as uow:
            uow.orders.get_by_number("SO-000001").hold("fraud check", _at(1))
            uow.commit()
        assert publisher.names == ["OrderPlaced", "OrderHeld"]

    def test_uow_each_commit_publishes_its_events_once(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        with uow_factory() as uow:
            order = _order()
            uow.orders.add(order)
            uow.commit()
            uow.customers.add(
                Customer.register(
                    at=_at(1),
                    id=CustomerId("C-1"),
                    name="Erika Mustermann",
                    kind=CustomerKind.B2C,
                    payment_preference=PaymentPreference.CARD,
                )
            )
            uow.commit()
            uow.commit()
        assert publisher.names == ["OrderPlaced", "CustomerRegistered"]

    def test_uow_nothing_is_published_without_commit(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        with uow_factory() as uow:
            uow.orders.add(_order())
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.orders.add(_order()))
        with uow_factory() as uow:
            uow.orders.add(_order())
            uow.rollback()
            uow.orders.add(_order("O-2", "SO-000002"))
            uow.commit()
        assert [(e.name, getattr(e, "order_id", None)) for e in publisher.published] == [
            ("OrderPlaced", "O-2")
        ]

    def test_uow_a_refused_commit_publishes_nothing(
        self, uow_factory: UnitOfWorkFactory, publisher: RecordingPublisher
    ) -> None:
        _commit(uow_factory, lambda uow: uow.orders.add(_order("O-1", "SO-000001")))
        with pytest.raises(Conflict):
            _commit(uow_factory, lambda uow: uow.orders.add(_order("O-2", "SO-000001")))
        assert [getattr(e, "order_id", None) for e in publisher.published] == ["O-1"]
