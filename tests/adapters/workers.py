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
