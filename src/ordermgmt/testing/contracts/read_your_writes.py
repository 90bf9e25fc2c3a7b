"""The read-your-writes contract: list queries see the unit of work's own changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from ordermgmt.domain.inventory import Location
from ordermgmt.domain.order import Order, OrderStatus
from ordermgmt.ports import UnitOfWorkFactory
from ordermgmt.ports.queries import OrderSearch
from ordermgmt.testing.contracts._base import _add_invoices, _add_orders, _commit, _Contract
from ordermgmt.testing.contracts._data import (
    _at,
    _credit_note,
    _entry,
    _invoice,
    _line,
    _order,
    _payment,
    _product,
    _receipt,
    _requisition,
    _return,
    _shipment,
)


class ReadYourWritesContract(_Contract):
    """Every list query of every repository sees the changes of its own unit of work before
    commit: added objects, objects changed so that they now match or no longer match, each in
    the query's order. Each test lists once before changing (so a store that caches a first
    answer is caught too), changes, and lists again in the same unit of work."""

    def test_read_your_writes_products(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.products.add(_product("A")),
            lambda uow: uow.products.add(_product("C")),
            lambda uow: uow.products.add(_product("D", active=False)),
        )
        with uow_factory() as uow:
            assert [p.sku for p in uow.products.list_all(active_only=True)] == ["A", "C"]
            product_a, product_d = uow.products.find("A"), uow.products.find("D")
            assert product_a is not None
            assert product_d is not None
            product_a.deactivate(_at(1))
            product_d.active = True
            uow.products.add(_product("B"))
            assert [p.sku for p in uow.products.list_all(active_only=True)] == ["B", "C", "D"]
            assert [p.sku for p in uow.products.list_all()] == ["A", "B", "C", "D"]

    def test_read_your_writes_locations(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.locations.add(Location(code="BER", name="Berlin", priority=10)),
            lambda uow: uow.locations.add(Location(code="HAM", name="Hamburg", priority=20)),
        )
        with uow_factory() as uow:
            assert [loc.code for loc in uow.locations.list_all()] == ["BER", "HAM"]
            hamburg = uow.locations.find("HAM")
            assert hamburg is not None
            hamburg.priority = 5
            uow.locations.add(Location(code="MUC", name="München", priority=7))
            assert [loc.code for loc in uow.locations.list_all()] == ["HAM", "MUC", "BER"]

    def test_read_your_writes_stock(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.stock.get_for_update("SKU-1", "MAIN").receive(5))
        with uow_factory() as uow:
            assert [i.location for i in uow.stock.list_for_sku("SKU-1")] == ["MAIN"]
            uow.stock.get_for_update("SKU-1", "AAA").receive(3)
            uow.stock.get_for_update("SKU-2", "AAA").receive(1)
            uow.stock.get_for_update("SKU-1", "MAIN").reserve(2)
            items = uow.stock.list_for_sku("SKU-1")
            assert [(i.location, i.on_hand, i.reserved) for i in items] == [
                ("AAA", 3, 0),
                ("MAIN", 5, 2),
            ]
            locked = uow.stock.list_for_update(["SKU-2", "SKU-1"])
            assert [(i.sku, i.location) for i in locked] == [
                ("SKU-1", "AAA"),
                ("SKU-1", "MAIN"),
                ("SKU-2", "AAA"),
            ]

    def test_read_your_writes_orders_of_a_customer(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            _add_orders(_order("O-1", "SO-1", at=_at(1)), _order("O-2", "SO-2", at=_at(2))),
        )
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_for_customer("C-1", active_only=True)] == [
                "O-1",
                "O-2",
            ]
            uow.orders.get("O-1").cancel("changed my mind", _at(3))
            uow.orders.add(_order("O-0", "SO-0", at=_at(0)))
            uow.orders.add(_order("O-X", "SO-X", "C-2", at=_at(0)))
            active = uow.orders.list_for_customer("C-1", active_only=True)
            assert [o.id for o in active] == ["O-0", "O-2"]
            every = uow.orders.list_for_customer("C-1")
            assert [o.id for o in every] == ["O-0", "O-1", "O-2"]

    def test_read_your_writes_backordered_and_reserving_orders(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        def backordered(order_id: str, at: datetime) -> Order:
            order = _order(order_id, f"SO-{order_id}", lines=[_line(1, "SKU-1", 2)], at=at)
            order.backorder(1, 2, at)
            return order

        _commit(uow_factory, _add_orders(backordered("O-1", _at(1)), backordered("O-2", _at(2))))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-1", "O-2"]
            assert uow.orders.list_reserving("SKU-1", "MAIN") == []
            uow.orders.get("O-2").serve_backorder(1, "MAIN", 2, _at(3))
            uow.orders.add(backordered("O-0", _at(0)))
            assert [o.id for o in uow.orders.list_backordered("SKU-1")] == ["O-0", "O-1"]
            assert [o.id for o in uow.orders.list_backordered()] == ["O-0", "O-1"]
            assert [o.id for o in uow.orders.list_reserving("SKU-1", "MAIN")] == ["O-2"]
            uow.orders.get("O-2").cancel("stop", _at(4))
            assert uow.orders.list_reserving("SKU-1", "MAIN") == []

    def test_read_your_writes_requisitions_and_receipts(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.requisitions.add(_requisition("R-1", "SKU-1", at=_at(1))),
            lambda uow: uow.requisitions.add(_requisition("R-2", "SKU-2", at=_at(2))),
            lambda uow: uow.receipts.add(_receipt("GR-2", at=_at(2))),
        )
        with uow_factory() as uow:
            assert [r.id for r in uow.requisitions.list_open()] == ["R-1", "R-2"]
            assert [r.id for r in uow.receipts.list_for_sku("SKU-1")] == ["GR-2"]
            uow.requisitions.get("R-1").close("GR-1", _at(3))
            uow.requisitions.add(_requisition("R-0", "SKU-3", at=_at(0)))
            uow.receipts.add(_receipt("GR-1", at=_at(1)))
            uow.receipts.add(_receipt("GR-X", "SKU-2", at=_at(0)))
            assert [r.id for r in uow.requisitions.list_open()] == ["R-0", "R-2"]
            assert [r.id for r in uow.receipts.list_for_sku("SKU-1")] == ["GR-1", "GR-2"]

    def test_read_your_writes_documents(self, uow_factory: UnitOfWorkFactory) -> None:
        order = _order()
        late = _invoice("I-LATE", "INV-2", order, at=_at(20))
        _commit(
            uow_factory,
            _add_invoices(late),
            lambda uow: uow.credit_notes.add(_credit_note("CN-2", "CN-2", late, at=_at(40))),
            lambda uow: uow.payments.add(_payment("P-2", order, "I-LATE", "1.00", _at(60))),
            lambda uow: uow.shipments.add(_shipment("S-2", "SH-000002")),
            lambda uow: uow.returns.add(_return("RMA-2", "RMA-000002")),
        )
        with uow_factory() as uow:
            lists: dict[str, Callable[[], list[str]]] = {
                "invoices": lambda: [d.id for d in uow.invoices.list_for_order("O-1")],
                "customer invoices": lambda: [d.id for d in uow.invoices.list_for_customer("C-1")],
                "unsettled": lambda: [d.id for d in uow.invoices.list_unsettled()],
                "notes of the invoice": lambda: [
                    d.id for d in uow.credit_notes.list_for_invoice("I-LATE")
                ],
                "notes": lambda: [d.id for d in uow.credit_notes.list_for_order("O-1")],
                "payments": lambda: [d.id for d in uow.payments.list_for_order("O-1")],
                "shipments": lambda: [d.id for d in uow.shipments.list_for_order("O-1")],
                "returns": lambda: [d.id for d in uow.returns.list_for_order("O-1")],
            }
            for listing in lists.values():
                assert len(listing()) == 1
            early = _invoice("I-EARLY", "INV-1", order, at=_at(10))
            uow.invoices.add(early)
            uow.invoices.get("I-LATE").apply_payment(late.total)
            uow.credit_notes.add(_credit_note("CN-1", "CN-1", late, at=_at(30)))
            uow.payments.add(_payment("P-1", order, "I-LATE", "1.00", _at(50)))
            uow.shipments.add(_shipment("S-1", "SH-000001"))
            uow.returns.add(_return("RMA-1", "RMA-000001"))
            assert {name: listing() for name, listing in lists.items()} == {
                "invoices": ["I-EARLY", "I-LATE"],
                "customer invoices": ["I-EARLY", "I-LATE"],
                "unsettled": ["I-EARLY"],
                "notes of the invoice": ["CN-1", "CN-2"],
                "notes": ["CN-1", "CN-2"],
                "payments": ["P-1", "P-2"],
                "shipments": ["S-1", "S-2"],
                "returns": ["RMA-1", "RMA-2"],
            }

    def test_read_your_writes_order_search(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(
            uow_factory,
            _add_orders(*(_order(f"O-{n}", f"SO-{n}", at=_at(n)) for n in range(1, 6))),
        )
        open_ = OrderSearch(status=frozenset({OrderStatus.OPEN}))
        with uow_factory() as uow:
            assert [o.id for o in uow.orders.search(open_, limit=3)] == ["O-5", "O-4", "O-3"]
            uow.orders.get("O-4").cancel("changed my mind", _at(9))
            uow.orders.get("O-5").cancel("changed my mind", _at(9))
            uow.orders.add(_order("O-0", "SO-0", at=_at(3)))
            page = uow.orders.search(open_, limit=3)
            assert [o.id for o in page] == ["O-3", "O-0", "O-2"]  # same time: larger id first
            after = OrderSearch(status=open_.status, after=(_at(3), "O-0"))
            assert [o.id for o in uow.orders.search(after, limit=3)] == ["O-2", "O-1"]
            cancelled = OrderSearch(status=frozenset({OrderStatus.CANCELLED}), number_prefix="SO")
            assert [o.id for o in uow.orders.search(cancelled, limit=9)] == ["O-5", "O-4"]

    def test_read_your_writes_ledger(self, uow_factory: UnitOfWorkFactory) -> None:
        _commit(uow_factory, lambda uow: uow.ledger.post(_entry("E-1", "INV-1", "10.00")))
        with uow_factory() as uow:
            assert [e.id for e in uow.ledger.entries()] == ["E-1"]
            uow.ledger.post(_entry("E-2", "INV-1", "5.00"))
            uow.ledger.post(_entry("E-3", "INV-2", "1.00"))
            assert [e.id for e in uow.ledger.entries()] == ["E-1", "E-2", "E-3"]
            assert [e.id for e in uow.ledger.entries("INV-1")] == ["E-1", "E-2"]
            assert uow.ledger.balances()[("1400", "EUR")] == (Decimal("16.00"), Decimal(0))
