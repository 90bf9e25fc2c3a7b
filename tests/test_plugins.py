"""Storage from other packages plugs in by URL scheme through the ``ordermgmt.adapters``
entry point group."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any

import pytest

from ordermgmt import OrderManagement, bootstrap
from ordermgmt.errors import ValidationError
from ordermgmt.ports import Dependencies

SEEN: list[tuple[str, dict[str, Any]]] = []


def memory_store(url: str, **options: Any) -> Dependencies:
    """What a third-party package would register: here, the in-memory store."""
    SEEN.append((url, options))
    return bootstrap.in_memory_dependencies(clock=options.get("clock"))


def not_a_store(url: str, **options: Any) -> object:
    return object()


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    points = [
        EntryPoint("kv", f"{__name__}:memory_store", bootstrap.ENTRY_POINT_GROUP),
        EntryPoint("broken", f"{__name__}:not_a_store", bootstrap.ENTRY_POINT_GROUP),
    ]
    monkeypatch.setattr(bootstrap, "_entry_points", lambda group: points)


@pytest.mark.usefixtures("registered")
def test_a_registered_scheme_opens_an_oms_on_that_storage() -> None:
    SEEN.clear()
    oms = OrderManagement.from_url("kv://shop-1", migrate=True)
    customer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    assert oms.get_customer(customer.id).name == "ACME"
    assert SEEN[0][0] == "kv://shop-1"
    assert SEEN[0][1]["migrate"] is True


@pytest.mark.usefixtures("registered")
def test_an_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(ValidationError) as raised:
        OrderManagement.from_url("mongodb://localhost/shop")
    assert raised.value.field == "url"
    assert "kv" in raised.value.reason
    assert "postgresql" in raised.value.reason
    assert "sqlite" in raised.value.reason


@pytest.mark.usefixtures("registered")
def test_an_adapter_that_returns_something_else_is_refused() -> None:
    with pytest.raises(ValidationError, match="did not return Dependencies"):
        OrderManagement.from_url("broken://x")
