"""Shared fixtures: an in-memory OMS with a standing clock and counted ids, and small builders.

The builders keep tests short without hiding what matters: every one goes through the public
facade, exactly as a caller would.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain.events import DomainEvent
from ordermgmt.messages import CustomerView, OrderView, ProductView, ReceiptView


@pytest.fixture
def clock() -> FixedClock:
    """Business time that stands still until a test moves it."""
    return FixedClock()


@pytest.fixture
def oms(clock: FixedClock) -> OrderManagement:
    """A fresh in-memory OMS: deterministic time and ids."""
    return OrderManagement.in_memory(clock=clock, ids=SequentialIdGenerator())


@pytest.fixture
def make_product(oms: OrderManagement) -> Callable[..., ProductView]:
    """``make_product("CHAIR", price="149.00", currency="EUR", tax_rate="0.19", **fields)``."""

    def make(
        sku: str = "CHAIR",
        *,
        price: str = "149.00",
        currency: str = "EUR",
        tax_rate: str = "0.19",
        **fields: Any,
    ) -> ProductView:
        fields.setdefault("name", f"Product {sku}")
        return oms.upsert_product(
            sku=sku, unit_price=Money(price, currency), tax_rate=Decimal(tax_rate), **fields
        )

    return make


@pytest.fixture
def make_customer(oms: OrderManagement) -> Callable[..., CustomerView]:
    """``make_customer(name=..., kind="b2c", payment_preference="card", **fields)``."""

    def make(
        name: str = "Erika Mustermann",
        *,
        kind: str = "b2c",
        payment_preference: str = "card",
        **fields: Any,
    ) -> CustomerView:
        return oms.register_customer(
            name=name, kind=kind, payment_preference=payment_preference, **fields
        )

    return make


@pytest.fixture
def customer(make_customer: Callable[..., CustomerView]) -> CustomerView:
    """A registered B2C customer paying by card."""
    return make_customer()


@pytest.fixture
def receive(oms: OrderManagement) -> Callable[..., ReceiptView]:
    """``receive("CHAIR", 10, location="BER")``: a supplier delivery."""

    def deliver(
        sku: str, quantity: int, location: str = "BER", supplier: str = "Stuhlwerk AG"
    ) -> ReceiptView:
        return oms.receive_stock(sku=sku, location=location, quantity=quantity, supplier=supplier)

    return deliver


@pytest.fixture
def place(oms: OrderManagement, customer: CustomerView) -> Callable[..., OrderView]:
    """``place(("CHAIR", 2), ("DESK", 1), customer_id=..., **options)``: a web order."""

    def order(*lines: tuple[str, int], **options: Any) -> OrderView:
        options.setdefault("customer_id", customer.id)
        options.setdefault("channel", "web")
        return oms.place_order(
            lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines], **options
        )

    return order


@pytest.fixture
def events(oms: OrderManagement) -> list[DomainEvent]:
    """Every event the OMS publishes from now on, in order."""
    seen: list[DomainEvent] = []
    oms.subscribe(seen.append)
    return seen
