"""Returns, exchanges and cancellations: goods back, and the money that follows them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.money import eur

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.domain.events import (
    CreditNoteIssued,
    DomainEvent,
    RefundPaid,
    ReturnReceived,
    ReturnRequested,
)
from ordermgmt.errors import InvalidStateTransition, NotFound, ValidationError
from ordermgmt.messages import CustomerView, OrderView

# prices: CHAIR 149.00 + 19 % = 177.31 per unit; DESK 399.00 + 19 % = 474.81; LAMP 29.90 -> 35.58


Posting = tuple[str, str, Money]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))


@pytest.fixture
def oms(clock: FixedClock, build_oms: Callable[..., OrderManagement]) -> OrderManagement:
    oms = build_oms(clock=clock, ids=SequentialIdGenerator())
    oms.define_location("BER", priority=10)
    oms.define_location("HAM", priority=20)
    for sku, price, cost in (("CHAIR", "149.00", "80.00"), ("DESK", "399.00", None)):
        oms.upsert_product(
            sku=sku,
            name=sku.title(),
            unit_price=eur(price),
            tax_rate="0.19",
            unit_cost=eur(cost) if cost else None,
        )
    oms.upsert_product(sku="LAMP", name="Lamp", unit_price=eur("29.90"), tax_rate="0.19")
    for sku in ("CHAIR", "DESK", "LAMP"):
        oms.receive_stock(sku=sku, location="BER", quantity=10, supplier="Supplier")
    return oms


@pytest.fixture
def acme(oms: OrderManagement) -> CustomerView:
    return oms.register_customer(
        name="ACME GmbH", kind="b2b", payment_preference="invoice", payment_terms_days=30
    )


@pytest.fixture
def erika(oms: OrderManagement) -> CustomerView:
    return oms.register_customer(name="Erika", kind="b2c", payment_preference="card")


def order(oms: OrderManagement, customer: CustomerView, *lines: tuple[str, int]) -> OrderView:
    return oms.place_order(
        customer_id=customer.id,
        channel="web",
        lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines],
    )


def delivered(oms: OrderManagement, placed: OrderView) -> OrderView:
    """Ship everything reserved and confirm its delivery."""
    shipment = oms.ship_order(placed.id, carrier="parcel")
    oms.confirm_delivery(shipment.id, proof="signed")
    return oms.get_order(placed.id)


def paid_and_delivered(
    oms: OrderManagement, placed: OrderView, method: str = "bank_transfer"
) -> str:
    """Invoice, pay, ship and deliver an order; returns the invoice id."""
    invoice = oms.issue_invoice(placed.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method=method)
    delivered(oms, placed)
    return invoice.id


def entries(oms: OrderManagement, reference: str) -> list[set[Posting]]:
    return [{(p.account, p.side, p.amount) for p in e.postings} for e in oms.journal(reference)]


def on_hand(oms: OrderManagement, sku: str) -> int:
    return oms.availability(sku).on_hand


def assert_books_balance(oms: OrderManagement) -> None:
    """Debits equal credits; receivables equal the invoices' outstanding amounts."""
    balance = oms.trial_balance()
    assert balance.balanced
    outstanding: dict[str, Decimal] = defaultdict(Decimal)
    number = 1
    while True:
        try:
            placed = oms.get_order(number=f"SO-{number:06d}")
        except NotFound:
            break
        for invoice in oms.order_invoices(placed.id):
            outstanding[invoice.currency] += invoice.outstanding.amount
        number += 1
    assert balance.balance("1400", "EUR") == outstanding["EUR"]


# -- requesting a return -----------------------------------------------------------------------


def test_only_delivered_units_can_be_returned(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, acme, ("CHAIR", 3))
    with pytest.raises(ValidationError, match="more than was delivered"):
        oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="damaged")
    first = oms.ship_order(placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": 2}])
    oms.ship_order(placed.id, carrier="parcel")
    oms.confirm_delivery(first.id, proof="signed")  # two of three delivered

    with pytest.raises(ValidationError) as raised:
        oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 3}], reason="damaged")
    assert raised.value.value == {"sku": "CHAIR", "quantity": 3}

    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 2}], reason="damaged")

    assert (rma.number, rma.status, rma.reason) == ("RMA-000001", "requested", "damaged")
    assert [(ln.sku, ln.quantity) for ln in rma.lines] == [("CHAIR", 2)]
    assert (rma.credit_note_id, rma.refund_id, rma.received_at) == ("", "", None)
    assert oms.get_return(rma.id) == rma
    with pytest.raises(ValidationError):  # both delivered units are promised to the open return
        oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="again")
    with pytest.raises(ValidationError):
        oms.request_return(placed.id, lines=[{"sku": "DESK", "quantity": 1}], reason="not ordered")
    assert [(e.return_id, e.reason) for e in events if isinstance(e, ReturnRequested)] == [
        (rma.id, "damaged")
    ]


def test_a_cancelled_order_has_nothing_to_return(oms: OrderManagement, acme: CustomerView) -> None:
    placed = order(oms, acme, ("CHAIR", 1))
    oms.cancel_order(placed.id)

    with pytest.raises(InvalidStateTransition):
        oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="x")


# -- receiving a return ------------------------------------------------------------------------


def test_a_restocked_return_of_a_paid_order_is_credited_and_refunded(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, acme, ("CHAIR", 3))
    invoice_id = paid_and_delivered(oms, placed)
    assert oms.get_order(placed.id).status == "completed"
    assert on_hand(oms, "CHAIR") == 7
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="damaged")
    events.clear()

    received = oms.receive_return(rma.id, restock=True)

    assert (received.status, received.restocked, received.location) == ("received", True, "BER")
    assert on_hand(oms, "CHAIR") == 8
    assert oms.availability("CHAIR").available == 8
    after = oms.get_order(placed.id)
    assert after.line("CHAIR").returned == 1
    assert after.fulfillment_status == "partially_returned"
    assert after.payment_status == "partially_refunded"
    invoice = oms.get_invoice(invoice_id)
    assert (invoice.credited, invoice.refunded, invoice.outstanding) == (
        eur("177.31"),
        eur("177.31"),
        eur("0.00"),
    )
    assert entries(oms, rma.number) == [
        {("1500", "debit", eur("80.00")), ("5000", "credit", eur("80.00"))}
    ]
    (note_entry,) = entries(oms, "CN-2026-000001")
    assert note_entry == {
        ("4000-19", "debit", eur("149.00")),
        ("2300-19", "debit", eur("28.31")),
        ("1400", "credit", eur("177.31")),
    }
    assert entries(oms, invoice.number)[-1] == {
        ("1400", "debit", eur("177.31")),
        ("1200", "credit", eur("177.31")),
    }
    (issued,) = [e for e in events if isinstance(e, CreditNoteIssued)]
    (refunded,) = [e for e in events if isinstance(e, RefundPaid)]
    (back,) = [e for e in events if isinstance(e, ReturnReceived)]
    assert (issued.credit_note_id, issued.reason) == (received.credit_note_id, "return RMA-000001")
    assert (refunded.payment_id, refunded.amount) == (received.refund_id, eur("177.31"))
    assert (back.return_id, back.restocked) == (rma.id, True)
    with pytest.raises(InvalidStateTransition):
        oms.receive_return(rma.id)
    assert_books_balance(oms)


def set_cost(oms: OrderManagement, cost: str) -> None:
    oms.upsert_product(
        sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19", unit_cost=eur(cost)
    )


def test_a_return_reverses_cost_of_goods_at_the_cost_the_goods_shipped_at(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 3))
    invoice = oms.issue_invoice(placed.id)
    first = oms.ship_order(placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": 2}])
    set_cost(oms, "95.00")  # the chair costs more from now on
    second = oms.ship_order(placed.id, carrier="parcel")
    for shipment in (first, second):
        oms.confirm_delivery(shipment.id, proof="signed")
    set_cost(oms, "120.00")
    assert entries(oms, first.number) == [
        {("5000", "debit", eur("160.00")), ("1500", "credit", eur("160.00"))}
    ]
    assert entries(oms, second.number) == [
        {("5000", "debit", eur("95.00")), ("1500", "credit", eur("95.00"))}
    ]
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    # units come back in the order they were delivered: one at 80.00, then one at 80.00 and
    # one at 95.00; today's 120.00 plays no part
    one = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="scratch")
    oms.receive_return(one.id, restock=True)
    two = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 2}], reason="scratch")
    oms.receive_return(two.id, restock=False)

    assert entries(oms, one.number) == [
        {("1500", "debit", eur("80.00")), ("5000", "credit", eur("80.00"))}
    ]
    assert entries(oms, two.number) == [
        {("1500", "debit", eur("175.00")), ("5000", "credit", eur("175.00"))},
        {("5900", "debit", eur("175.00")), ("1500", "credit", eur("175.00"))},
    ]
    balance = oms.trial_balance()
    assert balance.balance("5000", "EUR") == 0  # every unit shipped came back: no cost left
    assert balance.balance("5900", "EUR") == Decimal("175.00")
    assert_books_balance(oms)


def test_goods_coming_back_out_of_delivery_order_are_valued_at_their_own_shipment(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))
    first = oms.ship_order(placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": 1}])
    set_cost(oms, "95.00")
    second = oms.ship_order(placed.id, carrier="parcel")
    oms.confirm_delivery(second.id, proof="signed")  # the later parcel arrives first
    one = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="dent")
    oms.receive_return(one.id, restock=True)  # the only chair delivered: the 95.00 one
    oms.confirm_delivery(first.id, proof="signed")
    two = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="dent")
    oms.receive_return(two.id, restock=True)  # the other one, shipped at 80.00

    assert entries(oms, one.number) == [
        {("1500", "debit", eur("95.00")), ("5000", "credit", eur("95.00"))}
    ]
    assert entries(oms, two.number) == [
        {("1500", "debit", eur("80.00")), ("5000", "credit", eur("80.00"))}
    ]
    assert oms.trial_balance().balance("5000", "EUR") == 0


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    shipped=st.lists(st.tuples(st.integers(1, 3), st.integers(1, 9999)), min_size=1, max_size=4),
    returns=st.lists(st.integers(1, 4), min_size=1, max_size=6),
)
def test_returns_take_units_back_at_their_shipping_cost_in_delivery_order(
    shipped: list[tuple[int, int]], returns: list[int]
) -> None:
    """Shipments of (units, unit cost in cents), each at the cost of its day; returns of the
    given sizes while units are left. Each return reverses exactly the cost of the next units
    in delivery order, and once every unit is back no cost of goods sold is left."""
    oms = OrderManagement.in_memory(
        clock=FixedClock(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)), ids=SequentialIdGenerator()
    )
    customer = oms.register_customer(name="ACME", kind="b2b", payment_preference="invoice")
    units = sum(n for n, _ in shipped)
    oms.upsert_product(sku="CHAIR", name="Chair", unit_price=eur("149.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=units, supplier="Supplier")
    placed = order(oms, customer, ("CHAIR", units))
    costs: list[Decimal] = []  # the cost of each unit, in delivery order
    for n, cents in shipped:
        cost = Decimal(cents) / 100
        oms.upsert_product(
            sku="CHAIR",
            name="Chair",
            unit_price=eur("149.00"),
            tax_rate="0.19",
            unit_cost=Money(cost, "EUR"),
        )
        shipment = oms.ship_order(
            placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": n}]
        )
        oms.confirm_delivery(shipment.id, proof="signed")
        costs += [cost] * n
    oms.upsert_product(  # today's cost plays no part in what comes back
        sku="CHAIR",
        name="Chair",
        unit_price=eur("149.00"),
        tax_rate="0.19",
        unit_cost=eur("999.99"),
    )
    for size in returns:
        size = min(size, len(costs))
        if not size:
            break
        rma = oms.request_return(
            placed.id, lines=[{"sku": "CHAIR", "quantity": size}], reason="unwanted"
        )
        oms.receive_return(rma.id, restock=True)
        taken, costs = costs[:size], costs[size:]
        assert entries(oms, rma.number) == [
            {("1500", "debit", eur(str(sum(taken)))), ("5000", "credit", eur(str(sum(taken))))}
        ]
    balance = oms.trial_balance()
    assert balance.balance("5000", "EUR") == sum(costs, Decimal(0))
    assert balance.balanced


def test_a_return_written_off_stays_out_of_stock_and_is_expensed(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))
    paid_and_delivered(oms, placed)
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 2}], reason="broken")

    received = oms.receive_return(rma.id, restock=False)

    assert received.restocked is False
    assert on_hand(oms, "CHAIR") == 8
    assert entries(oms, rma.number) == [
        {("1500", "debit", eur("160.00")), ("5000", "credit", eur("160.00"))},
        {("5900", "debit", eur("160.00")), ("1500", "credit", eur("160.00"))},
    ]
    balance = oms.trial_balance()
    assert balance.balance("5900", "EUR") == Decimal("160.00")
    assert balance.balance("5000", "EUR") == 0
    after = oms.get_order(placed.id)
    assert (after.fulfillment_status, after.payment_status) == ("returned", "refunded")
    assert_books_balance(oms)


def test_restocked_returns_serve_waiting_backorders(
    oms: OrderManagement, acme: CustomerView, erika: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 10))
    delivered(oms, placed)
    waiting = order(oms, erika, ("CHAIR", 1))
    assert waiting.fulfillment_status == "backordered"
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 2}], reason="surplus")

    oms.receive_return(rma.id)

    served = oms.get_order(waiting.id)
    assert served.fulfillment_status == "reserved"
    assert served.line("CHAIR").allocations == {"BER": 1}
    stock = oms.availability("CHAIR")
    assert (stock.on_hand, stock.reserved, stock.available, stock.backordered) == (2, 1, 1, 0)


def test_a_return_can_be_restocked_at_another_location(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("LAMP", 2))
    delivered(oms, placed)
    rma = oms.request_return(placed.id, lines=[{"sku": "LAMP", "quantity": 1}], reason="spare")

    received = oms.receive_return(rma.id, location="HAM")

    assert received.location == "HAM"
    by_location = {row.location: row.on_hand for row in oms.availability("LAMP").locations}
    assert by_location == {"BER": 8, "HAM": 1}


def test_a_return_of_an_uninvoiced_order_credits_nothing_and_is_never_invoiced(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 3))
    delivered(oms, placed)
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="spare")

    received = oms.receive_return(rma.id)

    assert (received.credit_note_id, received.refund_id) == ("", "")
    invoice = oms.issue_invoice(placed.id)
    assert invoice.lines[0].quantity == 2
    assert invoice.total == eur("354.62")
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
    assert oms.get_order(placed.id).status == "completed"
    assert_books_balance(oms)


def test_a_return_of_an_unpaid_invoice_reduces_what_is_owed(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 3))
    invoice = oms.issue_invoice(placed.id)
    delivered(oms, placed)
    rma = oms.request_return(placed.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="spare")

    received = oms.receive_return(rma.id)

    assert received.credit_note_id != ""
    assert received.refund_id == ""
    after = oms.get_invoice(invoice.id)
    assert (after.credited, after.outstanding) == (eur("177.31"), eur("354.62"))
    oms.record_payment(invoice_id=invoice.id, amount=eur("354.62"), method="bank_transfer")
    assert oms.get_order(placed.id).status == "completed"
    assert_books_balance(oms)


def test_a_cash_sale_return_is_refunded_to_the_card(
    oms: OrderManagement, erika: CustomerView
) -> None:
    placed = order(oms, erika, ("LAMP", 2))
    oms.record_payment(order_id=placed.id, amount=placed.total, method="card")
    delivered(oms, placed)
    rma = oms.request_return(placed.id, lines=[{"sku": "LAMP", "quantity": 1}], reason="colour")

    oms.receive_return(rma.id)

    (invoice,) = oms.order_invoices(placed.id)
    assert invoice.settlement == "cash_sale"
    assert (invoice.credited, invoice.refunded) == (eur("35.58"), eur("35.58"))
    assert entries(oms, invoice.number)[-1] == {
        ("1400", "debit", eur("35.58")),
        ("1200", "credit", eur("35.58")),
    }
    assert_books_balance(oms)


# -- exchanges ---------------------------------------------------------------------------------


def test_an_exchange_for_a_dearer_item_carries_the_credit_over_and_invoices_the_difference(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 1))
    invoice_id = paid_and_delivered(oms, placed)

    swap = oms.exchange(
        placed.id,
        return_lines=[{"sku": "CHAIR", "quantity": 1}],
        replacement_lines=[{"sku": "DESK", "quantity": 1}],
        reason="wants a desk instead",
    )

    replacement = swap.replacement_order
    assert swap.return_request.replacement_order_id == replacement.id
    assert replacement.customer_id == acme.id
    assert replacement.customer_reference == "exchange RMA-000001 for SO-000001"
    assert (replacement.status, replacement.fulfillment_status) == ("open", "reserved")
    assert replacement.total == eur("474.81")

    received = oms.receive_return(swap.return_request.id)

    assert received.refund_id == ""  # nothing paid out: the credit pays for the desk
    old = oms.get_invoice(invoice_id)
    assert (old.credited, old.refunded, old.outstanding) == (
        eur("177.31"),
        eur("177.31"),
        eur("0.00"),
    )
    assert oms.trial_balance().balance("2100", "EUR") == Decimal("-177.31")

    difference = oms.issue_invoice(replacement.id)

    assert difference.total == eur("474.81")
    assert (difference.paid, difference.outstanding) == (eur("177.31"), eur("297.50"))
    assert oms.trial_balance().balance("2100", "EUR") == 0
    assert_books_balance(oms)


def test_an_exchange_for_a_cheaper_item_refunds_the_difference(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 1))
    invoice_id = paid_and_delivered(oms, placed)
    swap = oms.exchange(
        placed.id,
        return_lines=[{"sku": "CHAIR", "quantity": 1}],
        replacement_lines=[{"sku": "LAMP", "quantity": 1}],
        reason="too big",
    )

    received = oms.receive_return(swap.return_request.id)

    refund = [
        e
        for e in oms.journal(oms.get_invoice(invoice_id).number)
        if any(p.account == "1200" and p.side == "credit" for p in e.postings)
    ]
    assert received.refund_id != ""
    assert [e.postings[0].amount for e in refund] == [eur("141.73")]  # 177.31 - 35.58
    replacement_invoice = oms.issue_invoice(swap.replacement_order.id)
    assert (replacement_invoice.settlement, replacement_invoice.status) == ("prepaid", "paid")
    assert oms.get_order(swap.replacement_order.id).payment_status == "paid"
    assert oms.trial_balance().balance("2100", "EUR") == 0
    assert_books_balance(oms)


def test_an_exchange_needs_delivered_units(oms: OrderManagement, acme: CustomerView) -> None:
    placed = order(oms, acme, ("CHAIR", 1))

    with pytest.raises(ValidationError):
        oms.exchange(
            placed.id,
            return_lines=[{"sku": "CHAIR", "quantity": 1}],
            replacement_lines=[{"sku": "DESK", "quantity": 1}],
            reason="x",
        )
    assert oms.customer_orders(acme.id) == [oms.get_order(placed.id)]  # no replacement left over


# -- cancellations -----------------------------------------------------------------------------


def test_cancelling_an_invoiced_order_credits_the_invoice(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))
    invoice = oms.issue_invoice(placed.id)

    cancelled = oms.cancel_order(placed.id, reason="customer withdrew")

    assert (cancelled.status, cancelled.payment_status) == ("cancelled", "refunded")
    after = oms.get_invoice(invoice.id)
    assert (after.status, after.credited, after.outstanding) == (
        "credited",
        invoice.total,
        eur("0.00"),
    )
    assert entries(oms, "CN-2026-000001") == [
        {
            ("4000-19", "debit", eur("298.00")),
            ("2300-19", "debit", eur("56.62")),
            ("1400", "credit", eur("354.62")),
        }
    ]
    assert oms.availability("CHAIR").reserved == 0
    assert_books_balance(oms)


def test_cancelling_a_paid_order_credits_and_refunds_it(
    oms: OrderManagement, acme: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, acme, ("CHAIR", 2))
    invoice = oms.issue_invoice(placed.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    oms.cancel_order(placed.id, reason="customer withdrew")

    after = oms.get_invoice(invoice.id)
    assert (after.credited, after.refunded, after.outstanding) == (
        eur("354.62"),
        eur("354.62"),
        eur("0.00"),
    )
    assert [(e.amount, e.method) for e in events if isinstance(e, RefundPaid)] == [
        (eur("354.62"), "bank_transfer")
    ]
    assert oms.trial_balance().balance("1200", "EUR") == 0
    assert_books_balance(oms)


def test_cancelling_a_prepaid_order_refunds_the_prepayment(
    oms: OrderManagement, erika: CustomerView, events: list[DomainEvent]
) -> None:
    placed = order(oms, erika, ("CHAIR", 2))
    oms.record_payment(order_id=placed.id, amount=eur("50.00"), method="card")

    cancelled = oms.cancel_order(placed.id)

    assert (cancelled.status, cancelled.payment_status) == ("cancelled", "not_invoiced")
    assert entries(oms, placed.number)[-1] == {
        ("2100", "debit", eur("50.00")),
        ("1200", "credit", eur("50.00")),
    }
    assert [(e.amount, e.method, e.invoice_id) for e in events if isinstance(e, RefundPaid)] == [
        (eur("50.00"), "card", "")
    ]
    balance = oms.trial_balance()
    assert balance.balance("2100", "EUR") == balance.balance("1200", "EUR") == 0
    assert_books_balance(oms)


def test_cancelling_a_partly_shipped_order_cancels_only_the_rest(
    oms: OrderManagement, acme: CustomerView
) -> None:
    placed = order(oms, acme, ("CHAIR", 5))
    invoice = oms.issue_invoice(placed.id)  # all five, on order
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
    shipment = oms.ship_order(placed.id, carrier="parcel", lines=[{"sku": "CHAIR", "quantity": 2}])

    rest = oms.cancel_order(placed.id, reason="rest no longer needed")

    assert rest.status == "open"
    line = rest.line("CHAIR")
    assert (line.shipped, line.cancelled, line.reserved) == (2, 3, 0)
    assert rest.fulfillment_status == "shipped"
    assert oms.availability("CHAIR").on_hand == 8
    assert oms.availability("CHAIR").reserved == 0
    after = oms.get_invoice(invoice.id)
    assert (after.credited, after.refunded, after.outstanding) == (
        eur("531.93"),
        eur("531.93"),
        eur("0.00"),
    )
    with pytest.raises(InvalidStateTransition):
        oms.cancel_order(placed.id)  # nothing left to cancel

    oms.confirm_delivery(shipment.id, proof="signed")

    done = oms.get_order(placed.id)
    assert (done.status, done.fulfillment_status) == ("completed", "delivered")
    assert_books_balance(oms)


def test_a_paid_order_can_be_cancelled_with_a_long_reason(
    oms: OrderManagement, acme: CustomerView
) -> None:
    reason = (
        "The customer called on Monday and withdrew the order because the office move "
        "was postponed"
    )  # 92 characters: accepted for an unpaid order
    placed = order(oms, acme, ("CHAIR", 2))
    invoice = oms.issue_invoice(placed.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")

    cancelled = oms.cancel_order(placed.id, reason=reason)  # raises: reference too long

    assert cancelled.status == "cancelled"
    assert oms.get_invoice(invoice.id).refunded == invoice.total


def test_an_unpaid_order_can_be_cancelled_with_a_long_reason(
    oms: OrderManagement, acme: CustomerView
) -> None:
    reason = "x" * 200
    placed = order(oms, acme, ("CHAIR", 2))
    oms.issue_invoice(placed.id)

    cancelled = oms.cancel_order(placed.id, reason=reason)

    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", reason)
    assert_books_balance(oms)
