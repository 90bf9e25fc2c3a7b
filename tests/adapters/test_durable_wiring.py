"""A durable OMS never claims an effect that did not happen: nothing simulated is wired unless
asked for by name, what waits for a missing adapter goes out once one is configured, and a
simulation used on a database keeps its numbers unique across restarts."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from ordermgmt import OrderManagement, errors
from ordermgmt.adapters.carriers import InMemoryCarrier
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications, InMemoryPurchasing
from ordermgmt.bootstrap import SIMULATIONS
from tests.databases import database
from tests.money import eur


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        OrderManagement.from_url(url, migrate=True).close()
        yield url


def setup_shop(oms: OrderManagement) -> str:
    """A chair in stock, a stool that is not, and a customer with an e-mail address."""
    oms.define_location("BER", priority=10)
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19")
    oms.upsert_product(sku="STOOL", name="Stool", unit_price=eur("49.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Stuhlwerk AG")
    return oms.register_customer(
        name="ACME GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        email="ap@acme.example",
    ).id


def test_nothing_simulated_serves_a_durable_oms_unless_asked_for(url: str) -> None:
    with OrderManagement.from_url(url) as oms:
        deps = oms.dependencies
        assert list(deps.carriers) == ["own-fleet"]  # the own fleet is no simulation
        assert (deps.purchasing, deps.notifications) == (None, None)
        customer = setup_shop(oms)
        order = oms.place_order(
            customer_id=customer,
            channel="phone",
            lines=[{"sku": "CHAIR", "quantity": 1}, {"sku": "STOOL", "quantity": 2}],
        )

        with pytest.raises(errors.NotFound) as unknown:
            oms.ship_order(order.id, carrier="parcel")
        assert (unknown.value.kind, unknown.value.key) == ("carrier", "parcel")

        invoice = oms.issue_invoice(order.id)
        assert (invoice.sent_to, invoice.send_error) == ("", "")  # unsent, and says so
        with pytest.raises(errors.NotificationError, match="no notification adapter"):
            oms.resend_invoice(invoice.id)

        [requisition] = oms.open_purchase_requisitions()  # the stools are backordered
        assert (requisition.sku, requisition.submitted) == ("STOOL", False)
        assert oms.submit_pending_requisitions() == 0

    purchasing, notifications = InMemoryPurchasing(), InMemoryNotifications()
    with OrderManagement.from_url(url, purchasing=purchasing, notifications=notifications) as oms:
        assert oms.submit_pending_requisitions() == 1  # what waited goes out now
        assert list(purchasing.submitted) == [requisition.id]
        assert oms.open_purchase_requisitions()[0].submitted is True

        sent = oms.resend_invoice(invoice.id)
        assert (sent.sent_to, sent.send_error) == ("ap@acme.example", "")
        assert [m.reference for m in notifications.sent] == [invoice.number]


@pytest.mark.parametrize("name", SIMULATIONS)
def test_each_simulation_is_wired_only_by_its_name(url: str, name: str) -> None:
    with OrderManagement.from_url(url, simulate=[name]) as oms:
        deps = oms.dependencies
        assert ("parcel" in deps.carriers) is (name == "parcel")
        assert isinstance(deps.purchasing, InMemoryPurchasing) is (name == "purchasing")
        assert isinstance(deps.notifications, InMemoryNotifications) is (name == "notifications")


@pytest.mark.parametrize("name", ["", "Parcel", "all", "email", "parcel ", "own-fleet"])
def test_an_unknown_simulation_is_refused(url: str, name: str) -> None:
    with pytest.raises(errors.ValidationError) as refused:
        OrderManagement.from_url(url, simulate=["parcel", name])
    assert (refused.value.field, refused.value.value) == ("simulate", name)


def test_the_simulated_carrier_keeps_tracking_numbers_unique_across_restarts(url: str) -> None:
    numbers: list[str] = []
    shipments: list[str] = []
    for restart in range(3):
        with OrderManagement.from_url(url, simulate=["parcel"]) as oms:
            if restart == 0:
                customer = setup_shop(oms)
            order = oms.place_order(
                customer_id=customer, channel="web", lines=[{"sku": "CHAIR", "quantity": 1}]
            )
            shipment = oms.ship_order(order.id, carrier="parcel")
            numbers.append(shipment.tracking_number)
            shipments.append(shipment.id)
    assert len(set(numbers)) == 3, numbers
    with OrderManagement.from_url(url, simulate=["parcel"]) as oms:
        for shipment_id in shipments:  # every one still trackable after the restarts
            assert oms.refresh_tracking(shipment_id).status == "booked"


def test_opening_a_durable_oms_logs_each_ports_adapter_once_without_secrets(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "s3cr3t-pw"
    with_password = make_url(url)
    if with_password.get_backend_name() == "postgresql":
        with_password = with_password.set(password=secret)  # trusted locally: ignored
    shown = with_password.render_as_string(hide_password=False)
    with caplog.at_level(logging.INFO, logger="ordermgmt"):
        OrderManagement.from_url(
            shown, simulate=["notifications"], carriers=[InMemoryCarrier(FixedClock(), name="dhl")]
        ).close()
    [line] = [r.getMessage() for r in caplog.records if r.name == "ordermgmt.bootstrap"]
    assert "carriers [dhl=InMemoryCarrier (simulated), own-fleet=OwnFleetCarrier]" in line
    assert "purchasing none (requisitions stay pending)" in line
    assert "notifications InMemoryNotifications (simulated)" in line
    for port in ("event publisher", "outbox", "clock", "ids", "allocation"):
        assert f"{port} " in line
    assert secret not in caplog.text
