"""Fixtures of the accounting tests: an in-memory OMS on a fixed clock with a small shop."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from tests.accounting_checks import NOV_30
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications, SequentialIdGenerator
from ordermgmt.messages import CustomerView

# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOV_30)


@pytest.fixture
def notifications() -> InMemoryNotifications:
    return InMemoryNotifications()


@pytest.fixture
def oms(
    clock: FixedClock,
    notifications: InMemoryNotifications,
    build_oms: Callable[..., OrderManagement],
) -> OrderManagement:
    return build_oms(clock=clock, ids=SequentialIdGenerator(), notifications=notifications)


@pytest.fixture
def shop(oms: OrderManagement) -> None:
    """Chairs (19 %, unit cost known) and handbooks (7 %), twenty of each in Berlin."""
    oms.upsert_product(
        sku="CHAIR",
        name="Office chair",
        unit_price=eur("149.00"),
        tax_rate=Decimal("0.19"),
        unit_cost=eur("80.00"),
        weight_kg="12.5",
    )
    oms.upsert_product(
        sku="BOOK", name="Handbook", unit_price=eur("19.99"), tax_rate=Decimal("0.07")
    )
    oms.receive_stock(sku="CHAIR", location="BER", quantity=20, supplier="Stuhlwerk AG")
    oms.receive_stock(sku="BOOK", location="BER", quantity=20, supplier="Verlag")


@pytest.fixture
def acme(oms: OrderManagement) -> CustomerView:
    """A B2B customer on account: 30 days, a credit limit far above these tests' orders."""
    return oms.register_customer(
        name="ACME GmbH",
        kind="b2b",
        payment_preference="invoice",
        payment_terms_days=30,
        credit_limit=eur("100000"),
        email="ap@acme.example",
    )


@pytest.fixture
def erika(oms: OrderManagement) -> CustomerView:
    """A B2C customer paying by card."""
    return oms.register_customer(
        name="Erika Mustermann", kind="b2c", payment_preference="card", email="erika@example.org"
    )
