"""Every command that moves money or goods takes effect once per idempotency key, on every
store: a repeat returns the first result and changes nothing; the same key with other content
is an ``IdempotencyConflict`` that changes nothing either."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.errors import IdempotencyConflict, NotFound


@pytest.fixture
def shop(clock: FixedClock, build_oms: Callable[..., OrderManagement]) -> OrderManagement:
    oms = build_oms(clock=clock, ids=SequentialIdGenerator())
    oms.upsert_product(sku="CHAIR", name="Office chair", unit_price=eur("149.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=10, supplier="Stuhlwerk AG")
    oms.define_location(code="HAM", name="Hamburg", priority=2)
    return oms


def _invoice(oms: OrderManagement, quantity: int = 2) -> str:
    customer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    placed = oms.place_order(
        customer_id=customer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": quantity}]
    )
    return oms.issue_invoice(placed.id).id


def _state(oms: OrderManagement) -> Any:
    orders = [oms.customer_orders(c) for c in {o.customer_id for o in _all_orders(oms)}]
    return (oms.availability("CHAIR"), oms.trial_balance(), oms.journal(), orders)


def _all_orders(oms: OrderManagement) -> list[Any]:
    found = []
    for number in range(1, 10):
        try:
            found.append(oms.get_order(number=f"SO-{number:06d}"))
        except NotFound:
            break
    return found


#: command name -> (set-up returning the command's fields, a field change that conflicts)
CASES: dict[str, tuple[Callable[[OrderManagement], dict[str, Any]], dict[str, Any]]] = {
    "receive_stock": (
        lambda oms: {
            "sku": "CHAIR",
            "location": "BER",
            "quantity": 5,
            "supplier": "Stuhlwerk AG",
            "reference": "LS-4711",
            "unit_cost": eur("80.00"),
        },
        {"quantity": 6},
    ),
    "adjust_stock": (
        lambda oms: {"sku": "CHAIR", "location": "BER", "reason": "damage", "change": -2},
        {"change": -3},
    ),
    "move_stock": (
        lambda oms: {"sku": "CHAIR", "from_location": "BER", "to_location": "HAM", "quantity": 3},
        {"to_location": "MUC"},
    ),
    "issue_credit_note": (
        lambda oms: {"invoice_id": _invoice(oms), "reason": "goodwill"},
        {"reason": "damaged"},
    ),
    "pay_refund": (
        lambda oms: _refund_due(oms),
        {"method": "cash"},
    ),
    "ship_order": (
        lambda oms: {"order_id": _placed(oms), "carrier": "parcel"},
        {"carrier": "own-fleet"},
    ),
    "request_return": (
        lambda oms: {
            "order_id": _delivered(oms),
            "lines": [{"sku": "CHAIR", "quantity": 1}],
            "reason": "broken",
        },
        {"reason": "too big"},
    ),
    "receive_return": (
        lambda oms: _return_requested(oms),
        {"restock": False},
    ),
}


def _placed(oms: OrderManagement) -> str:
    customer = oms.register_customer(name="Erika", kind="b2c", payment_preference="invoice")
    return oms.place_order(
        customer_id=customer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 2}]
    ).id


def _delivered(oms: OrderManagement) -> str:
    order_id = _placed(oms)
    shipment = oms.ship_order(order_id, carrier="parcel")
    oms.confirm_delivery(shipment.id, proof="signed")
    return order_id


def _return_requested(oms: OrderManagement) -> dict[str, Any]:
    order_id = _delivered(oms)
    lines = [{"sku": "CHAIR", "quantity": 1}]
    return {"return_id": oms.request_return(order_id, lines=lines, reason="broken").id}


def _refund_due(oms: OrderManagement) -> dict[str, Any]:
    invoice_id = _invoice(oms, 1)
    oms.record_payment(invoice_id=invoice_id, amount=eur("177.31"), method="bank_transfer")
    oms.issue_credit_note(invoice_id, reason="returned", refund=False)
    return {"invoice_id": invoice_id, "amount": eur("100.00")}


@pytest.mark.parametrize("command", sorted(CASES))
def test_a_repeated_key_returns_the_first_result_and_changes_nothing(
    shop: OrderManagement, command: str
) -> None:
    set_up, _ = CASES[command]
    fields = set_up(shop) | {"idempotency_key": f"{command}-1"}
    run = getattr(shop, command)
    first = run(**fields)
    after_first = _state(shop)

    again = run(**fields)

    assert _state(shop) == after_first
    if command == "receive_stock":  # a repeat serves no backorders: it books nothing
        assert again.model_copy(update={"backorders_served": 0}) == first.model_copy(
            update={"backorders_served": 0}
        )
    else:
        assert again == first


@pytest.mark.parametrize("command", sorted(CASES))
def test_a_repeated_key_with_other_content_is_a_conflict(
    shop: OrderManagement, command: str
) -> None:
    set_up, change = CASES[command]
    fields = set_up(shop) | {"idempotency_key": f"{command}-1"}
    run = getattr(shop, command)
    run(**fields)
    before = _state(shop)

    with pytest.raises(IdempotencyConflict) as raised:
        run(**(fields | change))

    assert raised.value.key == f"{command}-1"
    assert _state(shop) == before


def test_without_a_key_every_call_takes_effect(shop: OrderManagement) -> None:
    for _ in range(2):
        shop.receive_stock(sku="CHAIR", location="BER", quantity=5, supplier="Stuhlwerk AG")
    assert shop.availability("CHAIR").on_hand == 20


def test_a_delivery_note_booked_twice_is_received_once(shop: OrderManagement) -> None:
    fields = {"sku": "CHAIR", "location": "BER", "quantity": 5, "supplier": "Stuhlwerk AG"}
    first = shop.receive_stock(**fields, idempotency_key="LS-1")
    again = shop.receive_stock(**fields, idempotency_key="LS-1")
    assert again.id == first.id
    assert shop.availability("CHAIR").on_hand == 15
    # keys are scoped per command: the same text keys an adjustment independently
    shop.adjust_stock(sku="CHAIR", location="BER", reason="found", change=1, idempotency_key="LS-1")
    assert shop.availability("CHAIR").on_hand == 16
