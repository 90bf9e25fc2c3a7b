"""Orders: amounts and tax as EN 16931 computes them, the status state machine, line buckets."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ordermgmt import Money
from ordermgmt.domain.events import (
    BackorderCreated,
    BackorderReleased,
    OrderCancelled,
    OrderHeld,
    OrderPlaced,
    OrderReleased,
    ReservationReleased,
    StockReserved,
)
from ordermgmt.domain.ids import CustomerId, OrderId
from ordermgmt.domain.money import minor_unit, round_amount
from ordermgmt.domain.order import (
    MAX_LINES,
    TRANSITIONS,
    Channel,
    FulfillmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    order_number,
    tax_subtotals,
)
from ordermgmt.domain.totals import TaxKey
from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import CurrencyMismatch, InvalidStateTransition, ValidationError

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def line(
    line_no: int,
    quantity: int,
    price: str,
    rate: str = "0.19",
    *,
    discount: str = "0",
    currency: str = "EUR",
    sku: str | None = None,
) -> OrderLine:
    return OrderLine(
        line_no=line_no,
        sku=sku or f"SKU-{line_no}",
        name=f"Product {line_no}",
        quantity=quantity,
        unit_price=Money(price, currency),
        tax_rate=Decimal(rate),
        discount=Money(discount, currency),
    )


def place(lines: list[OrderLine], currency: str = "EUR", **options: object) -> Order:
    return Order.place(
        id=OrderId("order-1"),
        number=order_number(1),
        customer_id=CustomerId("customer-1"),
        channel=Channel.WEB,
        currency=currency,
        lines=lines,
        at=AT,
        **options,  # type: ignore[arg-type]
    )


def expected_total(lines: list[OrderLine], currency: str) -> tuple[Decimal, Decimal]:
    """Net and tax as docs/concepts.md states them: round each line net; tax once per rate."""
    nets = [
        round_amount(li.quantity * li.unit_price.amount - li.discount.amount, currency)
        for li in lines
    ]
    per_rate: dict[Decimal, Decimal] = {}
    for li, net in zip(lines, nets, strict=True):
        per_rate[li.tax_rate] = per_rate.get(li.tax_rate, Decimal(0)) + net
    tax = sum(
        (round_amount(amount * rate, currency) for rate, amount in per_rate.items()), Decimal(0)
    )
    return sum(nets, Decimal(0)), tax


# -- amounts -----------------------------------------------------------------------------------


def test_order_number_is_zero_padded() -> None:
    assert order_number(1) == "SO-000001"
    assert order_number(42) == "SO-000042"


def test_line_net_rounds_quantity_times_price_minus_discount_once() -> None:
    # 10.00 - 0.005 = 9.995 -> 10.00; rounding the discount first would give 9.99.
    assert line(1, 1, "10.00", discount="0.005").net == Money("10.00", "EUR")
    # 3 x 0.335 = 1.005 -> 1.01 (half-up), not 3 x round(0.335) = 1.02.
    assert line(1, 3, "0.335").net == Money("1.01", "EUR")
    assert line(1, 3, "333.3", currency="JPY").net == Money("1000", "JPY")
    assert line(1, 2, "0.0005", currency="KWD").net == Money("0.001", "KWD")


def test_tax_is_computed_per_rate_on_the_sum_of_line_nets_not_per_line() -> None:
    # Per line, 0.03 x 19 % = 0.0057 -> 0.01 twice = 0.02; per rate, 0.06 x 19 % = 0.0114 -> 0.01.
    order = place([line(1, 1, "0.03"), line(2, 1, "0.03")])

    assert order.tax_total == Money("0.01", "EUR")
    assert order.net_total == Money("0.06", "EUR")
    assert order.total == Money("0.07", "EUR")
    assert len(order.tax_subtotals) == 1


def test_tax_subtotals_per_rate_highest_rate_first() -> None:
    order = place(
        [
            line(1, 2, "149.00", "0.19"),
            line(2, 3, "9.99", "0.07"),
            line(3, 1, "20.00", "0"),
            line(4, 1, "0.99", "0.19"),
        ]
    )

    subtotals = [(s.rate, s.net, s.tax) for s in order.tax_subtotals]
    assert subtotals == [
        (Decimal("0.19"), Money("298.99", "EUR"), Money("56.81", "EUR")),
        (Decimal("0.07"), Money("29.97", "EUR"), Money("2.10", "EUR")),
        (Decimal("0"), Money("20.00", "EUR"), Money("0.00", "EUR")),
    ]
    assert order.net_total == Money("348.96", "EUR")
    assert order.tax_total == Money("58.91", "EUR")
    assert order.total == Money("407.87", "EUR")


@pytest.mark.parametrize(
    ("currency", "price", "rate", "total"),
    [
        ("JPY", "333", "0.10", "366"),  # tax 33.3 -> 33
        ("JPY", "5", "0.10", "6"),  # tax 0.5 -> 1 (half-up)
        ("KWD", "1.234", "0.05", "1.296"),  # tax 0.0617 -> 0.062
        ("EUR", "0.50", "0.07", "0.54"),  # tax 0.035 -> 0.04
    ],
)
def test_totals_in_currencies_with_0_2_and_3_minor_units(
    currency: str, price: str, rate: str, total: str
) -> None:
    order = place([line(1, 1, price, rate, currency=currency)], currency)

    assert order.total == Money(total, currency)


def test_tax_subtotals_function_groups_by_category_and_rate_and_refuses_other_currencies() -> None:
    standard = TaxKey(VatCategory.STANDARD, Decimal("0.19"))
    reduced = TaxKey(VatCategory.STANDARD, Decimal("0.07"))
    zero, export = (
        TaxKey(VatCategory.ZERO_RATED, Decimal(0)),
        TaxKey(VatCategory.EXPORT, Decimal(0)),
    )
    nets = [
        (standard, Money("0.03", "EUR")),
        (reduced, Money("1.00", "EUR")),
        (standard, Money("0.03", "EUR")),
        (export, Money("5.00", "EUR")),
        (zero, Money("2.00", "EUR")),
    ]

    result = tax_subtotals(nets, "EUR")

    assert [(s.category, s.rate, s.net.amount, s.tax.amount) for s in result] == [
        (VatCategory.STANDARD, Decimal("0.19"), Decimal("0.06"), Decimal("0.01")),
        (VatCategory.STANDARD, Decimal("0.07"), Decimal("1.00"), Decimal("0.07")),
        (VatCategory.EXPORT, Decimal(0), Decimal("5.00"), Decimal("0.00")),
        (VatCategory.ZERO_RATED, Decimal(0), Decimal("2.00"), Decimal("0.00")),
    ]
    assert tax_subtotals([], "EUR") == ()
    with pytest.raises(CurrencyMismatch):
        tax_subtotals([(standard, Money("1", "USD"))], "EUR")


line_specs = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=500),
        st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False),
        st.sampled_from(["0", "0.05", "0.07", "0.10", "0.19", "0.2"]),
        st.integers(min_value=0, max_value=100),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, derandomize=True)
@given(specs=line_specs, currency=st.sampled_from(["EUR", "JPY", "KWD"]))
def test_order_total_is_sum_of_rounded_nets_plus_tax_rounded_once_per_rate(
    specs: list[tuple[int, Decimal, str, int]], currency: str
) -> None:
    lines = []
    for index, (quantity, price, rate, discount_percent) in enumerate(specs):
        places = Decimal(1).scaleb(-minor_unit(currency))
        discount = (quantity * price * discount_percent / 100).quantize(places, ROUND_DOWN)
        lines.append(
            line(index + 1, quantity, str(price), rate, discount=str(discount), currency=currency)
        )

    order = place(lines, currency)
    net, tax = expected_total(lines, currency)

    assert order.net_total == Money(net, currency)
    assert order.tax_total == Money(tax, currency)
    assert order.total == Money(net + tax, currency)
    assert order.total.amount == round_amount(order.total.amount, currency)
    assert len(order.tax_subtotals) == len({li.tax_rate for li in lines})
    for subtotal in order.tax_subtotals:
        assert subtotal.tax.amount.as_tuple().exponent == -minor_unit(currency)


# -- placing and its validation ----------------------------------------------------------------


def test_placing_records_order_placed_with_the_total() -> None:
    order = place([line(1, 2, "10.00")], customer_reference="PO 4711")

    assert order.status is OrderStatus.OPEN
    assert order.payment_status is PaymentStatus.NOT_INVOICED
    assert order.fulfillment_status is FulfillmentStatus.UNRESERVED
    assert order.customer_reference == "PO 4711"
    [event] = order.take_events()
    assert isinstance(event, OrderPlaced)
    assert (event.order_id, event.number, event.total) == (
        "order-1",
        "SO-000001",
        Money("23.80", "EUR"),
    )


def test_an_order_needs_lines() -> None:
    with pytest.raises(ValidationError) as caught:
        place([])
    assert caught.value.field == "lines"


def test_an_order_has_at_most_max_lines() -> None:
    with pytest.raises(ValidationError) as caught:
        place([line(i + 1, 1, "1.00") for i in range(MAX_LINES + 1)])
    assert (caught.value.field, caught.value.value) == ("lines", MAX_LINES + 1)


@pytest.mark.parametrize(
    ("bad_line", "field"),
    [
        (line(1, 0, "1.00"), "lines[0].quantity"),
        (line(1, -2, "1.00"), "lines[0].quantity"),
        (line(1, 1, "-1.00"), "lines[0].unit_price"),
        (line(1, 1, "1.00", discount="-0.01"), "lines[0].discount"),
        (line(1, 1, "1.00", discount="1.01"), "lines[0].discount"),
    ],
)
def test_invalid_lines_are_refused_naming_the_line(bad_line: OrderLine, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        place([bad_line])
    assert caught.value.field == field


def test_a_line_in_another_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatch) as caught:
        place([line(1, 1, "1.00"), line(2, 1, "1.00", currency="USD")])

    assert caught.value.field == "lines[1].unit_price"
    assert (caught.value.expected, caught.value.got) == ("EUR", "USD")


def test_customer_reference_is_limited() -> None:
    with pytest.raises(ValidationError) as caught:
        place([line(1, 1, "1.00")], customer_reference="x" * 101)
    assert caught.value.field == "customer_reference"


# -- status state machine ----------------------------------------------------------------------


def test_transitions_are_the_documented_ones() -> None:
    documented = {
        OrderStatus.OPEN: {OrderStatus.ON_HOLD, OrderStatus.COMPLETED, OrderStatus.CANCELLED},
        OrderStatus.ON_HOLD: {OrderStatus.OPEN, OrderStatus.CANCELLED},
        OrderStatus.COMPLETED: set(),
        OrderStatus.CANCELLED: set(),
    }
    assert documented == TRANSITIONS


MOVES = {
    OrderStatus.ON_HOLD: lambda order: order.hold("credit check", AT),
    OrderStatus.OPEN: lambda order: order.release_hold(AT),
    OrderStatus.CANCELLED: lambda order: order.cancel("customer asked", AT),
}


@pytest.mark.parametrize("current", list(OrderStatus))
@pytest.mark.parametrize("target", list(MOVES))
def test_every_move_is_allowed_exactly_when_the_table_says_so(
    current: OrderStatus, target: OrderStatus
) -> None:
    order = place([line(1, 1, "1.00")])
    order.status = current

    if target in TRANSITIONS[current]:
        MOVES[target](order)
        assert order.status is target
    else:
        with pytest.raises(InvalidStateTransition) as caught:
            MOVES[target](order)
        assert caught.value.entity == "order"
        assert caught.value.key == order.number
        assert (caught.value.current, caught.value.target) == (current, target)
        assert order.status is current


def test_hold_and_release_record_events_and_the_reason() -> None:
    order = place([line(1, 1, "1.00")])
    order.take_events()

    order.hold("awaiting credit check", AT)
    assert order.hold_reason == "awaiting credit check"
    order.release_hold(AT)

    assert order.hold_reason == ""
    assert [type(e) for e in order.take_events()] == [OrderHeld, OrderReleased]


def test_a_hold_needs_a_reason() -> None:
    order = place([line(1, 1, "1.00")])
    with pytest.raises(ValidationError) as caught:
        order.hold("  ", AT)
    assert caught.value.field == "reason"


def test_an_order_holding_reserved_units_cannot_complete() -> None:
    """Reservations belong to open orders: completing one that still holds some is refused,
    so no store is asked to keep reservations of a closed order."""
    order = place([line(1, 3, "1.00", sku="A")])
    order.reserve(1, "BER", 1, AT)
    order.take_events()

    with pytest.raises(InvalidStateTransition) as caught:
        order.complete(AT)

    assert (caught.value.current, caught.value.target) == ("reserved", OrderStatus.COMPLETED)
    assert order.status is OrderStatus.OPEN
    assert order.lines[0].reserved == 1
    assert order.take_events() == []
    nothing_reserved = place([line(1, 3, "1.00", sku="A")])
    nothing_reserved.complete(AT)
    assert nothing_reserved.status is OrderStatus.COMPLETED


def test_cancel_releases_every_reservation_and_backorder() -> None:
    order = place([line(1, 5, "1.00", sku="A"), line(2, 2, "1.00", sku="B")])
    order.reserve(1, "BER", 2, AT)
    order.reserve(1, "HAM", 1, AT)
    order.backorder(1, 2, AT)
    order.backorder(2, 2, AT)
    order.take_events()

    released = order.cancel("", AT)

    assert released == [("A", "BER", 2), ("A", "HAM", 1)]
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel_reason == "cancelled"
    for li in order.lines:
        assert (li.reserved, li.backordered, li.cancelled) == (0, 0, li.quantity)
    assert [type(e) for e in order.take_events()] == [
        ReservationReleased,
        ReservationReleased,
        BackorderReleased,
        BackorderReleased,
        OrderCancelled,
    ]
    with pytest.raises(InvalidStateTransition):
        order.reserve(1, "BER", 1, AT)


# -- line buckets and fulfillment status -------------------------------------------------------


def test_fulfillment_status_is_derived_from_the_lines() -> None:
    order = place([line(1, 4, "1.00", sku="A"), line(2, 2, "1.00", sku="B")])
    assert order.fulfillment_status is FulfillmentStatus.UNRESERVED

    order.reserve(1, "BER", 1, AT)
    assert order.fulfillment_status is FulfillmentStatus.PARTIALLY_RESERVED

    order.reserve(1, "BER", 3, AT)
    order.reserve(2, "HAM", 2, AT)
    assert order.fulfillment_status is FulfillmentStatus.RESERVED


def test_fulfillment_status_backordered_and_partially_reserved() -> None:
    order = place([line(1, 3, "1.00", sku="A")])
    order.backorder(1, 3, AT)
    assert order.fulfillment_status is FulfillmentStatus.BACKORDERED

    order.serve_backorder(1, "BER", 1, AT)
    assert order.fulfillment_status is FulfillmentStatus.PARTIALLY_RESERVED
    assert (order.lines[0].reserved, order.lines[0].backordered) == (1, 2)

    order.serve_backorder(1, "BER", 2, AT)
    assert order.fulfillment_status is FulfillmentStatus.RESERVED

    order.unreserve_to_backorder(1, "BER", 3, AT)
    assert order.fulfillment_status is FulfillmentStatus.BACKORDERED
    assert order.lines[0].allocations == {}


def test_units_are_never_assigned_twice() -> None:
    order = place([line(1, 3, "1.00")])
    order.reserve(1, "BER", 2, AT)

    with pytest.raises(ValidationError):
        order.reserve(1, "BER", 2, AT)
    with pytest.raises(ValidationError):
        order.backorder(1, 2, AT)
    with pytest.raises(ValidationError):
        order.serve_backorder(1, "BER", 1, AT)
    with pytest.raises(ValidationError):
        order.unreserve_to_backorder(1, "HAM", 1, AT)
    with pytest.raises(ValidationError):
        order.reserve(1, "BER", 0, AT)

    li = order.lines[0]
    assert (li.reserved, li.backordered, li.unassigned) == (2, 0, 1)


def test_reserving_and_backordering_record_events() -> None:
    order = place([line(1, 3, "1.00", sku="A")])
    order.take_events()

    order.reserve(1, "BER", 2, AT)
    order.backorder(1, 1, AT)

    reserved, backordered = order.take_events()
    assert isinstance(reserved, StockReserved)
    assert (reserved.sku, reserved.location, reserved.quantity) == ("A", "BER", 2)
    assert isinstance(backordered, BackorderCreated)
    assert (backordered.sku, backordered.quantity) == ("A", 1)


@settings(max_examples=100, derandomize=True)
@given(
    quantity=st.integers(min_value=1, max_value=50),
    steps=st.lists(
        st.tuples(
            st.sampled_from(["reserve", "backorder", "serve", "unreserve"]),
            st.integers(min_value=0, max_value=50),
        ),
        max_size=12,
    ),
)
def test_every_ordered_unit_is_in_exactly_one_bucket(
    quantity: int, steps: list[tuple[str, int]]
) -> None:
    order = place([line(1, quantity, "1.00")])
    li = order.lines[0]
    reserved = backordered = 0  # a model of the line, kept by hand
    for action, amount in steps:
        unassigned = quantity - reserved - backordered
        limit = {
            "reserve": unassigned,
            "backorder": unassigned,
            "serve": backordered,
            "unreserve": reserved,
        }[action]
        call = {
            "reserve": lambda n: order.reserve(1, "BER", n, AT),
            "backorder": lambda n: order.backorder(1, n, AT),
            "serve": lambda n: order.serve_backorder(1, "BER", n, AT),
            "unreserve": lambda n: order.unreserve_to_backorder(1, "BER", n, AT),
        }[action]
        if 0 < amount <= limit:
            call(amount)
            reserved += {"reserve": amount, "serve": amount, "unreserve": -amount}.get(action, 0)
            backordered += {"backorder": amount, "serve": -amount, "unreserve": amount}.get(
                action, 0
            )
        else:
            with pytest.raises(ValidationError):
                call(amount)
        assert (li.reserved, li.backordered) == (reserved, backordered)
        assert li.allocations == ({"BER": reserved} if reserved else {})
        assert 0 <= li.reserved + li.backordered <= li.quantity
