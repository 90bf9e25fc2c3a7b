"""Migration 0002 fills the stored fulfillment status of the orders already in a database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.adapters.sqlalchemy import open_engine, upgrade
from ordermgmt.adapters.sqlalchemy.schema import migrating
from tests.databases import database
from tests.money import eur


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def _alembic(engine: Engine, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", "ordermgmt.adapters.sqlalchemy:migrations")
    with migrating(engine) as conn:
        config.attributes["connection"] = conn
        getattr(command, action)(config, revision)


def test_upgrading_from_0001_stores_every_orders_fulfillment_status(url: str) -> None:
    oms = OrderManagement.from_url(
        url, migrate=True, clock=FixedClock(), ids=SequentialIdGenerator(), simulate=["parcel"]
    )
    oms.upsert_product(sku="A", name="A", unit_price=eur("10.00"), tax_rate="0.19")
    oms.receive_stock(sku="A", location="BER", quantity=3, supplier="S")
    buyer = oms.register_customer(name="B", kind="b2c", payment_preference="card")

    def order(quantity: int) -> str:
        lines = [{"sku": "A", "quantity": quantity}]
        return oms.place_order(customer_id=buyer.id, channel="web", lines=lines).id

    reserved, shipped, partly, backordered, cancelled = (order(n) for n in (1, 1, 3, 2, 1))
    oms.cancel_order(cancelled)
    oms.ship_order(shipped, carrier="parcel")
    delivered = oms.ship_order(reserved, carrier="parcel")
    oms.confirm_delivery(delivered.id, proof="signed")
    ids = [reserved, partly, backordered, cancelled, shipped]
    expected = {i: oms.get_order(i).fulfillment_status.value for i in ids}
    assert len(set(expected.values())) == 5
    oms.close()

    engine = open_engine(url)
    try:
        _alembic(engine, "downgrade", "0001")
        _alembic(engine, "upgrade", "0002")
        with engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT id, fulfillment_status FROM orders")).all())
    finally:
        engine.dispose()
    assert stored == expected


def test_a_database_with_orders_upgrades_from_0001_to_the_head_and_back(url: str) -> None:
    """Later revisions rebuild ``orders`` on SQLite (a changed unique constraint) while lines,
    invoices and shipments refer to it: the upgrade keeps every row and every reference."""
    oms = OrderManagement.from_url(
        url, migrate=True, clock=FixedClock(), ids=SequentialIdGenerator(), simulate=["parcel"]
    )
    oms.upsert_product(sku="A", name="A", unit_price=eur("10.00"), tax_rate="0.19")
    oms.receive_stock(sku="A", location="BER", quantity=5, supplier="S")
    buyer = oms.register_customer(name="B", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=buyer.id,
        channel="edi",
        lines=[{"sku": "A", "quantity": 2}],
        idempotency_key="PO-1",
    )
    invoice = oms.issue_invoice(placed.id)
    shipment = oms.ship_order(placed.id, carrier="parcel")
    before = oms.get_order(placed.id)
    oms.close()

    engine = open_engine(url)
    try:
        _alembic(engine, "downgrade", "0001")
        assert upgrade(engine) == "0001"
    finally:
        engine.dispose()

    again = OrderManagement.from_url(url, simulate=["parcel"])
    try:
        assert again.get_order(placed.id) == before
        assert again.get_invoice(invoice.id).number == invoice.number
        assert again.get_shipment(shipment.id).order_id == placed.id
        same = again.place_order(
            customer_id=buyer.id,
            channel="edi",
            lines=[{"sku": "A", "quantity": 2}],
            idempotency_key="PO-1",
        )
        assert same.id == placed.id  # the key still finds its order
    finally:
        again.close()
