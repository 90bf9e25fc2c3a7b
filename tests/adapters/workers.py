"""Code run in separate processes by the concurrency and crash tests (importable by spawn)."""

from __future__ import annotations

import os
import signal
from decimal import Decimal
from typing import Any

from sqlalchemy import event

from ordermgmt import Money, OrderManagement

SKU = "LAST"


def prepare(url: str, stock: int, customers: int) -> list[str]:
    """A catalog of one sku with ``stock`` units and ``customers`` customers on account."""
    oms = OrderManagement.from_url(url, migrate=True)
    oms.upsert_product(
        sku=SKU, name="Last chair", unit_price=Money("100.00", "EUR"), tax_rate=Decimal("0.19")
    )
    if stock:
        oms.receive_stock(sku=SKU, location="MAIN", quantity=stock, supplier="Stuhlwerk AG")
    return [
        oms.register_customer(
            name=f"Customer {n}", kind="b2b", payment_preference="invoice", payment_terms_days=14
        ).id
        for n in range(customers)
    ]


def buy(url: str, customer_id: str, orders: int, barrier: Any) -> list[str]:
    """Place ``orders`` one-unit orders as soon as every worker is ready."""
    oms = OrderManagement.from_url(url)
    barrier.wait()
    placed = []
    for _ in range(orders):
        order = oms.place_order(
            customer_id=customer_id, channel="web", lines=[{"sku": SKU, "quantity": 1}]
        )
        placed.append(order.id)
    return placed


def buy_with_key(url: str, customer_id: str, key: str, barrier: Any) -> str:
    oms = OrderManagement.from_url(url)
    barrier.wait()
    order = oms.place_order(
        customer_id=customer_id,
        channel="edi",
        lines=[{"sku": SKU, "quantity": 2}],
        idempotency_key=key,
    )
    return order.id


def invoice(url: str, order_ids: list[str], barrier: Any) -> list[str]:
    oms = OrderManagement.from_url(url)
    barrier.wait()
    return [oms.issue_invoice(order_id).number for order_id in order_ids]


def die_while_placing(url: str, customer_id: str) -> None:
    """Start placing an order and get killed (SIGKILL) after the order row, before commit."""
    oms = OrderManagement.from_url(url)
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]

    @event.listens_for(engine, "before_cursor_execute")
    def _kill(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ORDER_LINES"):
            os.kill(os.getpid(), signal.SIGKILL)

    oms.place_order(customer_id=customer_id, channel="web", lines=[{"sku": SKU, "quantity": 3}])


def credit(url: str, invoice_ids: list[str], barrier: Any) -> list[str]:
    oms = OrderManagement.from_url(url)
    barrier.wait()
    return [oms.issue_credit_note(i, reason="goodwill").number for i in invoice_ids]


CHURN_SKUS = ("BOLT", "NUT")
CHURN_LOCATIONS = ("A", "B", "C")


def prepare_churn(url: str, customers: int) -> list[str]:
    """Two skus stocked at three locations, and ``customers`` customers on account."""
    oms = OrderManagement.from_url(url, migrate=True)
    for priority, location in enumerate(CHURN_LOCATIONS):
        oms.define_location(location, priority=priority)
    for sku in CHURN_SKUS:
        oms.upsert_product(
            sku=sku, name=sku, unit_price=Money("1.00", "EUR"), tax_rate=Decimal("0.19")
        )
        for location in CHURN_LOCATIONS:
            oms.receive_stock(sku=sku, location=location, quantity=30, supplier="Supplier")
    return [
        oms.register_customer(name=f"Customer {n}", kind="b2b", payment_preference="invoice").id
        for n in range(customers)
    ]


def churn(url: str, customer_id: str, rounds: int, seed: int, barrier: Any) -> dict[str, int]:
    """Orders over several locations, write-offs and finds at every location, cancels: what
    deadlocked before stock rows were locked in one order. Returns the typed errors met, by
    code; anything else propagates and fails the test."""
    import random

    from ordermgmt.errors import OrderManagementError

    rng = random.Random(seed)
    oms = OrderManagement.from_url(url)
    met: dict[str, int] = {}
    open_orders: list[str] = []
    barrier.wait()
    for _ in range(rounds):
        action = rng.random()
        try:
            if action < 0.4:
                lines = [{"sku": sku, "quantity": rng.randint(5, 40)} for sku in CHURN_SKUS]
                open_orders.append(
                    oms.place_order(customer_id=customer_id, channel="web", lines=lines).id
                )
            elif action < 0.75:
                oms.adjust_stock(
                    sku=rng.choice(CHURN_SKUS),
                    location=rng.choice(CHURN_LOCATIONS),
                    reason=rng.choice(["damage", "found"]),
                    change=rng.choice([-6, -3, 4, 8]),
                )
            elif open_orders:
                oms.cancel_order(open_orders.pop(rng.randrange(len(open_orders))))
            met["ok"] = met.get("ok", 0) + 1
        except OrderManagementError as error:
            met[error.code] = met.get(error.code, 0) + 1
    return met


def pay_with_key(url: str, order_id: str, amount: str, key: str, barrier: Any) -> list[str]:
    """Record one bank statement line as soon as every worker is ready; the payments booked."""
    oms = OrderManagement.from_url(url)
    barrier.wait()
    paid = oms.record_payment(
        order_id=order_id,
        amount=Money(amount, "EUR"),
        method="bank_transfer",
        idempotency_key=key,
    )
    return [part.id for part in paid.parts]


def receive_with_key(url: str, key: str, barrier: Any) -> str:
    """Book one delivery note as soon as every worker is ready."""
    oms = OrderManagement.from_url(url)
    barrier.wait()
    return oms.receive_stock(
        sku=SKU, location="MAIN", quantity=7, supplier="Stuhlwerk AG", idempotency_key=key
    ).id
