"""ordermgmt.testing as another project meets it: the pytest plugin and the builders."""

from __future__ import annotations

from decimal import Decimal
from importlib.metadata import entry_points

import pytest

from ordermgmt import Money, OrderManagement
from ordermgmt.domain.events import DomainEvent, StockReceived
from ordermgmt.errors import ValidationError
from ordermgmt.testing import (
    START,
    FixedClock,
    InMemoryPurchasing,
    SequentialIdGenerator,
    a_customer,
    a_product,
    an_order,
    order_lines,
)
from ordermgmt.testing.builders import BUILDER_SUPPLIER

pytest_plugins = ["pytester"]


# -- the plugin, seen from an outside test suite -------------------------------------------------

OUTSIDE_TESTS = """
from datetime import timedelta

from ordermgmt import OrderManagement
from ordermgmt.domain.events import OrderPlaced
from ordermgmt.testing import START, a_product, an_order


def test_oms_is_an_empty_in_memory_oms(oms):
    assert isinstance(oms, OrderManagement)
    assert oms.products() == []


def test_one_line_gives_an_order(oms):
    assert an_order(oms).fulfillment_status == "reserved"


def test_each_test_gets_a_fresh_oms(oms):
    assert oms.products() == []
    assert an_order(oms).number == "SO-000001"


def test_time_and_ids_are_deterministic(oms, oms_clock):
    oms_clock.advance(timedelta(hours=2))
    order = an_order(oms)
    assert order.placed_at == START + timedelta(hours=2)
    assert order.customer_id == "id-000001"


def test_events_are_recorded(oms, oms_events):
    an_order(oms)
    assert [e.number for e in oms_events if isinstance(e, OrderPlaced)] == ["SO-000001"]


def test_requisitions_reach_the_purchasing_fixture(oms, oms_purchasing):
    product = a_product(oms, stock={"MAIN": 5}, reorder_point=2, reorder_quantity=10)
    an_order(oms, lines={product.sku: 3})
    assert [(r.sku, r.quantity) for r in oms_purchasing.submitted.values()] == [(product.sku, 10)]
"""


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("ordermgmt") == "ordermgmt.testing.plugin"


def test_an_outside_test_file_uses_the_oms_fixture(pytester: pytest.Pytester) -> None:
    # No conftest and no pytest_plugins line: installing ordermgmt is all it takes.
    pytester.makepyfile(test_outside=OUTSIDE_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


def test_an_outside_conftest_can_override_the_clock(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from datetime import UTC, datetime

        import pytest

        from ordermgmt.testing import FixedClock

        @pytest.fixture
        def oms_clock():
            return FixedClock(datetime(2030, 6, 1, 12, 0, tzinfo=UTC))
        """
    )
    pytester.makepyfile(
        """
        from ordermgmt.testing import an_order

        def test_orders_are_placed_at_the_overridden_time(oms):
            assert an_order(oms).placed_at.year == 2030
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


CUSTOM_ADAPTERS = """
import pytest

from ordermgmt.adapters.carriers import InMemoryCarrier
from ordermgmt.adapters.memory import InMemoryEventPublisher
from ordermgmt.testing import a_customer, a_product, an_order


class SandboxCarrier(InMemoryCarrier):
    \"\"\"Stands for an integrator's carrier client, talking to the carrier's sandbox.\"\"\"


class Outbox:
    \"\"\"Stands for an integrator's mail client: keeps what it sends.\"\"\"

    def __init__(self):
        self.messages = []

    def send(self, message):
        self.messages.append(message)


class CountingPublisher(InMemoryEventPublisher):
    published_batches = 0

    def publish(self, events):
        self.published_batches += 1
        super().publish(events)


@pytest.fixture
def oms_carriers(oms_clock):
    return [SandboxCarrier(oms_clock, name="sandbox")]


@pytest.fixture
def oms_notifications():
    return Outbox()


@pytest.fixture
def oms_publisher():
    return CountingPublisher()


def test_the_oms_ships_with_the_custom_carrier_and_keeps_the_own_fleet(oms):
    product = a_product(oms, stock={"MAIN": 2})
    first = an_order(oms, lines={product.sku: 1})
    second = an_order(oms, lines={product.sku: 1})
    assert oms.ship_order(first.id, carrier="sandbox").tracking_number.startswith("SANDBOX")
    assert oms.ship_order(second.id, carrier="own-fleet").tracking_number.startswith("FLEET-")


def test_the_oms_sends_through_the_custom_notifications(oms, oms_notifications):
    order = an_order(oms, customer_id=a_customer(oms, email="erika@example.com").id)
    invoice = oms.issue_invoice(order.id)
    assert [(m.recipient, m.reference) for m in oms_notifications.messages] == [
        ("erika@example.com", invoice.number)
    ]


def test_the_oms_publishes_through_the_custom_publisher(oms, oms_publisher, oms_events):
    an_order(oms)
    assert oms_publisher.published_batches > 0
    assert "OrderPlaced" in [event.name for event in oms_events]
"""

DEFAULT_ADAPTERS = """
from ordermgmt.testing import a_customer, an_order


def test_the_default_notifications_record_what_was_sent(oms, oms_notifications):
    order = an_order(oms, customer_id=a_customer(oms, email="erika@example.com").id)
    invoice = oms.issue_invoice(order.id)
    assert [m.reference for m in oms_notifications.sent] == [invoice.number]


def test_no_carriers_of_ones_own_by_default(oms, oms_carriers):
    assert oms_carriers == []
    assert sorted(c.carrier for c in oms.quote_shipping(an_order(oms).id)) == [
        "own-fleet",
        "parcel",
    ]
"""


def test_a_test_module_plugs_its_own_adapters_into_the_oms_fixture(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_custom=CUSTOM_ADAPTERS, test_defaults=DEFAULT_ADAPTERS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_fixtures_are_listed_with_their_documentation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    # pytest orders the listing by the text of each fixture's location, so look for each.
    documented = {
        "oms": "A fresh, empty in-memory OMS*",
        "oms_clock": "Business time for ``oms``*",
        "oms_ids": "Ids for ``oms``*",
        "oms_purchasing": "The purchasing system ``oms``*",
        "oms_notifications": "Where ``oms`` sends invoices*",
        "oms_carriers": "Carriers of your own for ``oms``*",
        "oms_publisher": "The event publisher ``oms``*",
        "oms_events": "Every domain event ``oms`` publishes*",
    }
    for name, doc in documented.items():
        result.stdout.fnmatch_lines([f"{name} -- *", f"    {doc}"], consecutive=True)


# -- the builders ----------------------------------------------------------------------------------


@pytest.fixture
def fresh() -> OrderManagement:
    """An OMS made the way the plugin makes it (this suite's conftest has its own ``oms``)."""
    return OrderManagement.in_memory(
        clock=FixedClock(START), ids=SequentialIdGenerator("id"), purchasing=InMemoryPurchasing()
    )


def test_a_product_defaults(fresh: OrderManagement) -> None:
    product = a_product(fresh)
    assert product.sku == "SKU-1"
    assert product.name == "Product SKU-1"
    assert product.unit_price == Money("10.00", "EUR")
    assert product.tax_rate == Decimal("0.19")
    assert product.active
    stock = fresh.availability("SKU-1")
    assert (stock.on_hand, stock.available) == (10, 10)
    assert stock.at("MAIN").on_hand == 10
    assert a_product(fresh).sku == "SKU-2"


def test_a_product_with_everything_given(fresh: OrderManagement) -> None:
    product = a_product(
        fresh,
        "BOOK",
        name="Handbook",
        price="34.90",
        currency="CHF",
        tax_rate="0.026",
        stock={"BER": 3, "HAM": 1, "MUC": 0},
        reorder_point=1,
        reorder_quantity=20,
        unit_cost="12.00",
    )
    assert product.unit_price == Money("34.90", "CHF")
    assert product.unit_cost == Money("12.00", "CHF")
    assert product.tax_rate == Decimal("0.026")
    assert (product.reorder_point, product.reorder_quantity) == (1, 20)
    stock = fresh.availability("BOOK")
    assert [(s.location, s.on_hand) for s in stock.locations] == [("BER", 3), ("HAM", 1)]


def test_a_product_takes_money_and_no_stock(fresh: OrderManagement) -> None:
    a_product(fresh, "GIFT", price=Money("0", "JPY"), currency="EUR", stock={})
    assert fresh.get_product("GIFT").unit_price == Money("0", "JPY")
    assert fresh.availability("GIFT").on_hand == 0


def test_a_product_stock_arrives_as_supplier_receipts(fresh: OrderManagement) -> None:
    events: list[DomainEvent] = []
    fresh.subscribe(events.append, StockReceived)
    a_product(fresh, "CHAIR", stock={"BER": 2})
    received = [e for e in events if isinstance(e, StockReceived)]
    assert [(e.location, e.quantity, e.supplier) for e in received] == [
        ("BER", 2, BUILDER_SUPPLIER)
    ]


def test_a_product_refuses_bad_input_like_the_facade(fresh: OrderManagement) -> None:
    with pytest.raises(ValidationError) as error:
        a_product(fresh, "CHAIR", price="ten")
    assert error.value.field == "amount"
    assert fresh.products() == []


def test_a_customer_b2c_defaults(fresh: OrderManagement) -> None:
    customer = a_customer(fresh)
    assert customer.kind == "b2c"
    assert customer.payment_preference == "card"
    assert customer.payment_terms_days == 0
    assert customer.credit_limit is None
    assert customer.name == "Erika Mustermann"


def test_a_customer_b2b_defaults_and_overrides(fresh: OrderManagement) -> None:
    acme = a_customer(fresh, "b2b", name="ACME GmbH", credit_limit="5000", email="a@acme.example")
    assert acme.payment_preference == "invoice"
    assert acme.payment_terms_days == 30
    assert acme.credit_limit == Money("5000", "EUR")
    assert acme.email == "a@acme.example"
    cash = a_customer(fresh, "b2b", payment_preference="cash", payment_terms_days=0)
    assert (cash.payment_preference, cash.payment_terms_days) == ("cash", 0)


def test_an_order_with_nothing_given(fresh: OrderManagement) -> None:
    order = an_order(fresh)
    assert order.channel == "web"
    assert [(line.sku, line.quantity) for line in order.lines] == [("SKU-1", 1)]
    assert order.fulfillment_status == "reserved"
    assert fresh.get_customer(order.customer_id).kind == "b2c"
    assert order.placed_at == START


def test_an_order_lines_in_every_accepted_form(fresh: OrderManagement) -> None:
    a_product(fresh, "CHAIR", price="149.00", stock={"BER": 3, "HAM": 1})
    a_product(fresh, "BOOK", price="20.00", tax_rate="0.07")
    acme = a_customer(fresh, "b2b")
    split = an_order(fresh, acme.id, {"CHAIR": 4}, channel="phone")
    assert split.line("CHAIR").allocations == {"BER": 3, "HAM": 1}
    assert split.channel == "phone"
    as_tuples = an_order(fresh, acme.id, [("BOOK", 2)])
    assert as_tuples.total == Money("42.80", "EUR")
    as_dicts = an_order(
        fresh,
        acme.id,
        [{"sku": "BOOK", "quantity": 1, "unit_price": Money("15.00", "EUR")}],
        idempotency_key="k-1",
    )
    assert as_dicts.line("BOOK").price_overridden
    assert as_dicts.idempotency_key == "k-1"


def test_order_lines_normalises_every_form() -> None:
    expected = [{"sku": "A", "quantity": 1}, {"sku": "B", "quantity": 2}]
    assert order_lines({"A": 1, "B": 2}) == expected
    assert order_lines([("A", 1), ("B", 2)]) == expected
    assert order_lines(expected) == expected
    assert order_lines(expected) is not expected
