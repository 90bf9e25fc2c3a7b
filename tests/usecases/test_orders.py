"""Placing, holding, cancelling and reading orders through the facade."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain.money import round_amount
from ordermgmt.errors import (
    CustomerBlocked,
    IdempotencyConflict,
    InvalidStateTransition,
    NotFound,
    ValidationError,
)
from ordermgmt.messages import (
    CancelOrder,
    CustomerView,
    GetOrder,
    OrderView,
    PlaceOrder,
    ProductView,
    ReceiptView,
)

Place = Callable[..., OrderView]


@pytest.fixture
def chair(make_product: Callable[..., ProductView]) -> ProductView:
    return make_product("CHAIR", price="149.00", tax_rate="0.19")


# -- pricing and totals ------------------------------------------------------------------------


def test_an_order_is_priced_from_the_catalog(
    oms: OrderManagement,
    clock: FixedClock,
    customer: CustomerView,
    make_product: Callable[..., ProductView],
    place: Place,
) -> None:
    make_product("CHAIR", price="149.00", tax_rate="0.19", name="Office chair")
    make_product("BOOK", price="24.90", tax_rate="0.07")

    order = place(("CHAIR", 2), ("BOOK", 3), channel="phone", customer_reference="PO-77")

    assert order.number == "SO-000001"
    assert order.customer_id == customer.id
    assert order.channel == "phone"
    assert order.currency == "EUR"
    assert (order.status, order.payment_status) == ("open", "not_invoiced")
    assert order.placed_at == clock.now()
    assert order.customer_reference == "PO-77"
    chair_line, book_line = order.lines
    assert (chair_line.line_no, chair_line.name, chair_line.quantity) == (1, "Office chair", 2)
    assert chair_line.unit_price == Money("149.00", "EUR")
    assert chair_line.net == Money("298.00", "EUR")
    assert chair_line.price_overridden is False
    assert book_line.net == Money("74.70", "EUR")
    assert [(s.rate, s.net, s.tax) for s in order.tax_subtotals] == [
        (Decimal("0.19"), Money("298.00", "EUR"), Money("56.62", "EUR")),
        (Decimal("0.07"), Money("74.70", "EUR"), Money("5.23", "EUR")),
    ]
    assert order.net_total == Money("372.70", "EUR")
    assert order.tax_total == Money("61.85", "EUR")
    assert order.total == Money("434.55", "EUR")


def test_tax_is_per_rate_not_per_line_through_the_facade(
    make_product: Callable[..., ProductView], place: Place
) -> None:
    make_product("PEN", price="0.03", tax_rate="0.19")
    make_product("CLIP", price="0.03", tax_rate="0.19")

    order = place(("PEN", 1), ("CLIP", 1))

    assert order.tax_total == Money("0.01", "EUR")  # per line it would be 0.02
    assert order.total == Money("0.07", "EUR")


def test_order_numbers_count_up_without_gaps_even_after_a_failure(
    chair: ProductView, place: Place
) -> None:
    first = place(("CHAIR", 1))
    with pytest.raises(ValidationError):
        place(("CHAIR", 1), customer_reference="x" * 101)
    with pytest.raises(NotFound):
        place(("NOPE", 1))
    second = place(("CHAIR", 1))

    assert (first.number, second.number) == ("SO-000001", "SO-000002")


def test_a_price_override_is_used_and_marked(
    oms: OrderManagement, chair: ProductView, customer: CustomerView
) -> None:
    order = oms.place_order(
        customer_id=customer.id,
        channel="store",
        lines=[{"sku": "CHAIR", "quantity": 2, "unit_price": Money("120.00", "EUR")}],
    )

    line = order.line("CHAIR")
    assert line.unit_price == Money("120.00", "EUR")
    assert line.price_overridden is True
    assert line.net == Money("240.00", "EUR")
    assert line.tax_rate == Decimal("0.19")
    assert oms.get_product("CHAIR").unit_price == Money("149.00", "EUR")


def test_price_and_discount_may_be_given_as_plain_values(
    oms: OrderManagement, chair: ProductView, customer: CustomerView
) -> None:
    order = oms.place_order(
        customer_id=customer.id,
        channel="api",
        lines=[
            {
                "sku": "CHAIR",
                "quantity": 1,
                "unit_price": {"amount": "100.00", "currency": "EUR"},
                "discount": "10.005 EUR",
            }
        ],
    )

    assert order.line("CHAIR").net == Money("90.00", "EUR")  # 89.995 rounds half-up


def test_a_discount_is_taken_off_the_line_before_rounding(
    oms: OrderManagement, make_product: Callable[..., ProductView], customer: CustomerView
) -> None:
    make_product("PEN", price="0.335", tax_rate="0.19")

    order = oms.place_order(
        customer_id=customer.id,
        channel="web",
        lines=[{"sku": "PEN", "quantity": 3, "discount": Money("0.004", "EUR")}],
    )

    line = order.line("PEN")
    assert line.discount == Money("0.004", "EUR")
    assert line.net == Money("1.00", "EUR")  # 3 x 0.335 - 0.004 = 1.001
    assert order.total == Money("1.19", "EUR")


def test_an_explicit_currency_must_match_the_prices(
    oms: OrderManagement, chair: ProductView, customer: CustomerView, place: Place
) -> None:
    assert place(("CHAIR", 1), currency="EUR").currency == "EUR"

    usd = oms.place_order(
        customer_id=customer.id,
        channel="web",
        currency="USD",
        lines=[{"sku": "CHAIR", "quantity": 1, "unit_price": Money("160.00", "USD")}],
    )

    assert usd.currency == "USD"
    assert usd.total == Money("190.40", "USD")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    lines=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=200),
            st.decimals(min_value=0, max_value=5000, places=3, allow_nan=False),
            st.sampled_from(["0", "0.07", "0.19", "0.1"]),
        ),
        min_size=1,
        max_size=6,
    ),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_facade_totals_follow_en_16931(
    lines: list[tuple[int, Decimal, str]], currency: str
) -> None:
    oms = OrderManagement.in_memory(clock=FixedClock(), ids=SequentialIdGenerator())
    buyer = oms.register_customer(name="Buyer", kind="b2c", payment_preference="card")
    for index, (_, price, rate) in enumerate(lines):
        oms.upsert_product(
            sku=f"P{index}", name=f"P{index}", unit_price=Money(price, currency), tax_rate=rate
        )

    order = oms.place_order(
        customer_id=buyer.id,
        channel="web",
        lines=[{"sku": f"P{i}", "quantity": qty} for i, (qty, _, _) in enumerate(lines)],
    )

    nets = [round_amount(qty * price, currency) for qty, price, _ in lines]
    per_rate: dict[Decimal, Decimal] = {}
    for (_, _, rate), net in zip(lines, nets, strict=True):
        per_rate[Decimal(rate)] = per_rate.get(Decimal(rate), Decimal(0)) + net
    taxes = {rate: round_amount(net * rate, currency) for rate, net in per_rate.items()}
    assert order.currency == currency
    assert [line.net.amount for line in order.lines] == nets
    assert {s.rate: s.tax.amount for s in order.tax_subtotals} == taxes
    assert order.total == Money(sum(nets, Decimal(0)) + sum(taxes.values(), Decimal(0)), currency)


# -- idempotency -------------------------------------------------------------------------------


def test_the_same_idempotency_key_returns_the_first_order(
    oms: OrderManagement,
    chair: ProductView,
    customer: CustomerView,
    receive: Callable[..., ReceiptView],
    place: Place,
) -> None:
    receive("CHAIR", 10)

    first = place(("CHAIR", 3), idempotency_key="po-4711")
    again = place(("CHAIR", 3), idempotency_key="po-4711")

    assert again.id == first.id
    assert again.number == first.number
    assert again.idempotency_key == "po-4711"
    assert len(oms.customer_orders(customer.id)) == 1
    assert oms.availability("CHAIR").reserved == 3


def test_the_same_key_for_a_different_order_is_a_conflict(
    oms: OrderManagement,
    chair: ProductView,
    customer: CustomerView,
    make_customer: Callable[..., CustomerView],
    place: Place,
) -> None:
    first = place(("CHAIR", 3), idempotency_key="po-4711")
    other = make_customer("Someone Else")

    for attempt in (
        lambda: place(("CHAIR", 4), idempotency_key="po-4711"),
        lambda: place(("CHAIR", 3), idempotency_key="po-4711", channel="phone"),
    ):
        with pytest.raises(IdempotencyConflict) as caught:
            attempt()
        assert caught.value.key == "po-4711"
        assert caught.value.existing_order_id == first.id
        assert caught.value.code == "idempotency_conflict"

    assert len(oms.customer_orders(customer.id)) == 1
    assert oms.customer_orders(other.id) == []


def test_order_keys_are_scoped_per_customer(
    oms: OrderManagement,
    chair: ProductView,
    customer: CustomerView,
    make_customer: Callable[..., CustomerView],
    place: Place,
) -> None:
    """A purchase order number is the customer's: two customers may both send "PO-1001", and
    each gets their own order, once."""
    first = place(("CHAIR", 3), idempotency_key="PO-1001")
    other = make_customer("Someone Else")
    theirs = place(("CHAIR", 3), idempotency_key="PO-1001", customer_id=other.id)
    assert theirs.id != first.id
    assert theirs.customer_id == other.id
    again = place(("CHAIR", 3), idempotency_key="PO-1001", customer_id=other.id)
    assert again.id == theirs.id
    assert [o.id for o in oms.customer_orders(customer.id)] == [first.id]
    assert [o.id for o in oms.customer_orders(other.id)] == [theirs.id]


def test_a_key_from_a_failed_attempt_can_be_used_again(
    oms: OrderManagement, chair: ProductView, customer: CustomerView, place: Place
) -> None:
    oms.update_customer(customer.id, blocked=True)
    with pytest.raises(CustomerBlocked):
        place(("CHAIR", 1), idempotency_key="retry-me")
    oms.update_customer(customer.id, blocked=False)

    assert place(("CHAIR", 1), idempotency_key="retry-me").number == "SO-000001"


# -- reservation -------------------------------------------------------------------------------


def test_stock_is_reserved_at_placement(
    oms: OrderManagement, chair: ProductView, receive: Callable[..., ReceiptView], place: Place
) -> None:
    receive("CHAIR", 10)

    order = place(("CHAIR", 4))

    assert order.fulfillment_status == "reserved"
    assert order.line("CHAIR").allocations == {"BER": 4}
    assert (order.reserved, order.backordered) == (4, 0)
    stock = oms.availability("CHAIR")
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 4, 6)


def test_without_stock_the_whole_order_is_backordered(
    oms: OrderManagement, chair: ProductView, place: Place
) -> None:
    order = place(("CHAIR", 4))

    assert order.fulfillment_status == "backordered"
    assert (order.reserved, order.backordered) == (0, 4)
    assert oms.availability("CHAIR").backordered == 4


def test_reservation_splits_across_locations_by_priority_and_backorders_the_rest(
    oms: OrderManagement, chair: ProductView, receive: Callable[..., ReceiptView], place: Place
) -> None:
    oms.define_location("HAM", name="Hamburg", priority=2)
    oms.define_location("BER", name="Berlin", priority=1)
    oms.define_location("MUC", name="Munich", priority=3)
    receive("CHAIR", 4, location="MUC")
    receive("CHAIR", 3, location="HAM")
    receive("CHAIR", 2, location="BER")

    order = place(("CHAIR", 12))

    assert order.fulfillment_status == "partially_reserved"
    assert order.line("CHAIR").allocations == {"BER": 2, "HAM": 3, "MUC": 4}
    assert (order.reserved, order.backordered) == (9, 3)
    stock = oms.availability("CHAIR")
    assert [loc.location for loc in stock.locations] == ["BER", "HAM", "MUC"]
    assert (stock.on_hand, stock.reserved, stock.available, stock.backordered) == (9, 9, 0, 3)


def test_one_location_that_can_ship_everything_wins_over_priority(
    oms: OrderManagement,
    make_product: Callable[..., ProductView],
    receive: Callable[..., ReceiptView],
    place: Place,
) -> None:
    make_product("CHAIR")
    make_product("DESK")
    oms.define_location("BER", priority=1)
    oms.define_location("HAM", priority=2)
    receive("CHAIR", 5, location="BER")
    receive("CHAIR", 5, location="HAM")
    receive("DESK", 1, location="HAM")

    order = place(("CHAIR", 2), ("DESK", 1))

    assert order.line("CHAIR").allocations == {"HAM": 2}
    assert order.line("DESK").allocations == {"HAM": 1}
    assert oms.availability("CHAIR").at("BER").reserved == 0


def test_a_location_priority_can_be_changed(
    oms: OrderManagement, chair: ProductView, receive: Callable[..., ReceiptView], place: Place
) -> None:
    receive("CHAIR", 5, location="BER")
    receive("CHAIR", 5, location="HAM")
    assert place(("CHAIR", 1)).line("CHAIR").allocations == {"BER": 1}

    view = oms.define_location("HAM", name="Hamburg", priority=0)

    assert (view.code, view.name, view.priority) == ("HAM", "Hamburg", 0)
    assert place(("CHAIR", 1)).line("CHAIR").allocations == {"HAM": 1}


def test_two_lines_of_one_sku_share_the_stock(
    oms: OrderManagement, chair: ProductView, receive: Callable[..., ReceiptView], place: Place
) -> None:
    receive("CHAIR", 5)

    order = place(("CHAIR", 3), ("CHAIR", 4))

    first, second = order.lines
    assert (first.reserved, first.backordered) == (3, 0)
    assert (second.reserved, second.backordered) == (2, 2)
    assert oms.availability("CHAIR").reserved == 5


# -- hold, release, cancel ---------------------------------------------------------------------


def test_hold_keeps_reservations_and_release_reopens(
    oms: OrderManagement, chair: ProductView, receive: Callable[..., ReceiptView], place: Place
) -> None:
    receive("CHAIR", 5)
    order = place(("CHAIR", 2))

    held = oms.hold_order(order.id, reason="payment check")

    assert (held.status, held.hold_reason) == ("on_hold", "payment check")
    assert oms.availability("CHAIR").reserved == 2
    with pytest.raises(InvalidStateTransition):
        oms.hold_order(order.id, reason="again")

    released = oms.release_order(order.id)
    assert (released.status, released.hold_reason) == ("open", "")
    with pytest.raises(InvalidStateTransition) as caught:
        oms.release_order(order.id)
    assert (caught.value.current, caught.value.target) == ("open", "open")


def test_cancel_releases_reservations_and_backorders(
    oms: OrderManagement, chair: ProductView, receive: Callable[..., ReceiptView], place: Place
) -> None:
    receive("CHAIR", 3)
    order = place(("CHAIR", 5))

    cancelled = oms.cancel_order(order.id, reason="customer changed mind")

    assert cancelled.status == "cancelled"
    assert cancelled.cancel_reason == "customer changed mind"
    assert (cancelled.reserved, cancelled.backordered) == (0, 0)
    assert cancelled.line("CHAIR").cancelled == 5
    stock = oms.availability("CHAIR")
    assert (stock.on_hand, stock.reserved, stock.available, stock.backordered) == (3, 0, 3, 0)
    assert oms.open_backorders() == []


def test_a_held_order_can_be_cancelled_but_a_cancelled_one_is_final(
    oms: OrderManagement, chair: ProductView, place: Place
) -> None:
    order = place(("CHAIR", 1))
    oms.hold_order(order.id, reason="fraud check")

    assert oms.cancel_order(order.id).status == "cancelled"
    for call in (
        lambda: oms.cancel_order(order.id),
        lambda: oms.hold_order(order.id, reason="x"),
        lambda: oms.release_order(order.id),
    ):
        with pytest.raises(InvalidStateTransition) as caught:
            call()
        assert caught.value.current == "cancelled"
    assert oms.get_order(order.id).status == "cancelled"


def test_units_freed_by_a_cancellation_serve_other_backorders_oldest_first(
    oms: OrderManagement,
    clock: FixedClock,
    chair: ProductView,
    receive: Callable[..., ReceiptView],
    place: Place,
) -> None:
    receive("CHAIR", 4)
    big = place(("CHAIR", 4))
    clock.advance()
    older = place(("CHAIR", 2))
    clock.advance()
    younger = place(("CHAIR", 2))

    oms.cancel_order(big.id)

    assert oms.get_order(older.id).fulfillment_status == "reserved"
    assert oms.get_order(younger.id).fulfillment_status == "reserved"
    assert oms.availability("CHAIR").available == 0
    assert oms.open_backorders() == []


def test_freed_units_go_to_the_oldest_backorder_when_not_enough_for_all(
    oms: OrderManagement,
    clock: FixedClock,
    chair: ProductView,
    receive: Callable[..., ReceiptView],
    place: Place,
) -> None:
    receive("CHAIR", 2)
    small = place(("CHAIR", 2))
    clock.advance()
    older = place(("CHAIR", 2))
    clock.advance()
    younger = place(("CHAIR", 2))

    oms.cancel_order(small.id)

    assert oms.get_order(older.id).reserved == 2
    assert oms.get_order(younger.id).backordered == 2


# -- reading -----------------------------------------------------------------------------------


def test_get_order_by_id_and_by_number(
    oms: OrderManagement, chair: ProductView, place: Place
) -> None:
    place(("CHAIR", 1))
    order = place(("CHAIR", 2))

    assert oms.get_order(order.id) == order
    assert oms.get_order(number="SO-000002") == order
    with pytest.raises(NotFound):
        oms.get_order("no-such-id")
    with pytest.raises(NotFound) as caught:
        oms.get_order(number="SO-999999")
    assert caught.value.key == "SO-999999"
    with pytest.raises(ValidationError):
        oms.get_order()
    with pytest.raises(ValidationError):
        oms.get_order(order.id, number=order.number)


def test_order_views_are_frozen_snapshots(
    oms: OrderManagement, chair: ProductView, place: Place
) -> None:
    order = place(("CHAIR", 1))

    oms.cancel_order(order.id)

    assert order.status == "open"
    assert oms.get_order(order.id).status == "cancelled"
    with pytest.raises(pydantic.ValidationError):
        order.status = "cancelled"  # type: ignore[assignment]
    order.line("CHAIR").allocations["BER"] = 99
    assert oms.get_order(order.id).line("CHAIR").allocations == {}


def test_commands_can_be_executed_directly(
    oms: OrderManagement, chair: ProductView, customer: CustomerView
) -> None:
    placed = oms.execute(
        PlaceOrder(customer_id=customer.id, channel="edi", lines=[{"sku": "CHAIR", "quantity": 1}])
    )
    found = oms.execute(GetOrder(number=placed.number))
    cancelled = oms.execute(CancelOrder(order_id=placed.id))

    assert found == placed
    assert cancelled.status == "cancelled"
    with pytest.raises(ValidationError):
        oms.execute("not a command")  # type: ignore[arg-type]


# -- concurrency -------------------------------------------------------------------------------


def run_in_threads(count: int, work: Callable[[int], object]) -> list[object]:
    """Start ``count`` threads together at a barrier; return results (or raised errors)."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_many_buyers_of_the_last_units_never_oversell(
    oms: OrderManagement,
    chair: ProductView,
    customer: CustomerView,
    receive: Callable[..., ReceiptView],
) -> None:
    oms.define_location("HAM", priority=2)
    receive("CHAIR", 3, location="BER")
    receive("CHAIR", 2, location="HAM")

    results = run_in_threads(
        16,
        lambda i: oms.place_order(
            customer_id=customer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 1}]
        ),
    )

    orders = [r for r in results if isinstance(r, OrderView)]
    assert len(orders) == 16
    assert sum(o.reserved for o in orders) == 5
    assert sum(o.backordered for o in orders) == 11
    assert sorted(o.number for o in orders) == [f"SO-{n:06d}" for n in range(1, 17)]
    stock = oms.availability("CHAIR")
    assert (stock.on_hand, stock.reserved, stock.available, stock.backordered) == (5, 5, 0, 11)
    for location in stock.locations:
        assert 0 <= location.reserved <= location.on_hand


def test_the_same_key_from_many_threads_makes_one_order(
    oms: OrderManagement,
    chair: ProductView,
    customer: CustomerView,
    receive: Callable[..., ReceiptView],
) -> None:
    receive("CHAIR", 100)

    results = run_in_threads(
        12,
        lambda i: oms.place_order(
            customer_id=customer.id,
            channel="web",
            lines=[{"sku": "CHAIR", "quantity": 2}],
            idempotency_key="double-click",
        ),
    )

    assert all(isinstance(r, OrderView) for r in results)
    assert len({r.id for r in results}) == 1  # type: ignore[attr-defined]
    assert len(oms.customer_orders(customer.id)) == 1
    assert oms.availability("CHAIR").reserved == 2
