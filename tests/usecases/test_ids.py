"""Every id the library makes comes from the configured ``IdGenerator``, on every store."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain.events import DomainEvent

GENERATED = re.compile(r"^det-\d{6}$")


def _ids_in(payload: Any) -> list[str]:
    """Every value of a key named ``id`` or ``*_id`` in a nested payload."""
    found: list[str] = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if (key == "id" or key.endswith("_id")) and isinstance(value, str):
                found.append(value)
            else:
                found += _ids_in(value)
    elif isinstance(payload, list | tuple):
        for item in payload:
            found += _ids_in(item)
    return found


def test_a_full_cycle_takes_every_id_from_the_generator(
    build_oms: Callable[..., OrderManagement],
) -> None:
    oms = build_oms(
        clock=FixedClock(datetime(2026, 11, 30, 9, tzinfo=UTC)),
        ids=SequentialIdGenerator("det"),
    )
    events: list[DomainEvent] = []
    oms.subscribe(events.append)
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=5, supplier="Stuhlwerk")
    customer = oms.register_customer(
        name="ACME GmbH", kind="b2b", payment_preference="invoice", payment_terms_days=30
    )
    placed = oms.place_order(
        customer_id=customer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 2}]
    )
    invoice = oms.issue_invoice(placed.id)
    payment = oms.record_payment(
        invoice_id=invoice.id, amount=invoice.total, method="bank_transfer"
    )
    shipment = oms.ship_order(placed.id, carrier="parcel")
    oms.confirm_delivery(shipment.id, proof="signed")
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="broken")
    received = oms.receive_return(rma.id, restock=True)

    made = [customer.id, placed.id, invoice.id, payment.id, shipment.id, rma.id]
    made += [received.credit_note_id, received.refund_id]
    made += [entry.id for entry in oms.journal()]
    made += [event.event_id for event in events]
    made += [i for event in events for i in _ids_in(event.to_dict()) if i]
    assert len(events) > 10
    assert len(oms.journal()) >= 4
    assert [i for i in made if not GENERATED.match(i)] == []
    own = [customer.id, placed.id, invoice.id, payment.id, shipment.id, rma.id]
    own += [entry.id for entry in oms.journal()] + [event.event_id for event in events]
    assert len(set(own)) == len(own)
