"""Receivables reports as of a date are snapshots: the same figures whenever they are run.

A report as of day D shows invoices issued, and payments, refunds and credit notes made, on or
before D. The oracle is what the invoices themselves showed at the end of each day, observed then;
the reports run again after everything that followed must still agree with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.money import eur

from ordermgmt import OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from ordermgmt.messages import InvoiceView, ReceivablesAgingView

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _shop(oms: OrderManagement) -> str:
    oms.upsert_product(sku="CHAIR", name="Office chair", unit_price=eur("149.00"), tax_rate="0.19")
    oms.receive_stock(sku="CHAIR", location="BER", quantity=1000, supplier="Stuhlwerk AG")
    return oms.register_customer(
        name="ACME GmbH", kind="b2b", payment_preference="invoice", payment_terms_days=14
    ).id


def _invoice(oms: OrderManagement, customer_id: str, quantity: int) -> InvoiceView:
    placed = oms.place_order(
        customer_id=customer_id, channel="web", lines=[{"sku": "CHAIR", "quantity": quantity}]
    )
    return oms.issue_invoice(placed.id)


def test_a_report_as_of_a_past_date_counts_only_what_existed_then(
    clock: FixedClock, build_oms: Callable[..., OrderManagement]
) -> None:
    """Before: an invoice issued in 2026 was counted as of 2020, and an invoice paid since a
    date vanished from that date's report."""
    clock.set(START)
    oms = build_oms(clock=clock, ids=SequentialIdGenerator())
    customer_id = _shop(oms)
    invoice = _invoice(oms, customer_id, 1)  # 177.31, due 2026-03-16
    clock.advance(timedelta(days=30))
    oms.record_payment(invoice_id=invoice.id, amount=eur("100.00"), method="bank_transfer")
    clock.advance(timedelta(days=10))
    oms.issue_credit_note(invoice.id, reason="goodwill", refund=True)  # the rest, and 100 back

    assert oms.receivables_aging(as_of=date(2020, 1, 1)).buckets == ()
    assert oms.overdue_invoices(as_of=date(2020, 1, 1)) == []
    before_payment = oms.receivables_aging(as_of=date(2026, 3, 31))
    assert [(b.days_1_30, b.total) for b in before_payment.buckets] == [
        (Decimal("177.31"), Decimal("177.31"))
    ]
    [row] = oms.overdue_invoices(as_of=date(2026, 4, 1))  # the payment came that day
    assert (row.invoice_id, row.outstanding, row.days_overdue) == (invoice.id, eur("77.31"), 16)
    assert oms.receivables_aging(as_of=date(2026, 4, 11)).buckets == ()
    assert oms.get_invoice(invoice.id).outstanding == eur("0")


@dataclass
class Day:
    """What was seen at the end of one day: the reports, and every invoice as it stood."""

    day: date
    aging: ReceivablesAgingView
    overdue: list[tuple[str, int, Decimal]]
    invoices: list[InvoiceView]


def _expected_aging(invoices: list[InvoiceView], as_of: date) -> dict[str, list[Decimal]]:
    """The oracle: buckets from the invoices as they stood at the end of ``as_of``."""
    buckets: dict[str, list[Decimal]] = {}
    for invoice in invoices:
        if invoice.outstanding.amount <= 0:
            continue
        days = (as_of - invoice.due_date).days
        index = 0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90 else 4
        buckets.setdefault(invoice.currency, [Decimal(0)] * 5)[index] += invoice.outstanding.amount
    return buckets


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["invoice", "pay", "pay order", "credit", "credit held", "refund"]),
        st.integers(0, 50),
        st.integers(1, 100),
        st.integers(0, 20),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(ACTIONS)
def test_a_report_as_of_a_day_is_unchanged_by_anything_after_it(
    actions: list[tuple[str, int, int, int]],
) -> None:
    clock = FixedClock(START)
    oms = OrderManagement.in_memory(clock=clock, ids=SequentialIdGenerator())
    customer_id = _shop(oms)
    invoices: list[InvoiceView] = []
    seen: list[Day] = []
    for action, pick, percent, days in actions:
        _act(oms, customer_id, invoices, action, pick, percent)
        if days:  # the day ends: look at everything as it stands, then time passes
            seen.append(_observe(oms, clock.now().date(), invoices))
            clock.advance(timedelta(days=days))
    seen.append(_observe(oms, clock.now().date(), invoices))
    for earlier in seen:
        aging = oms.receivables_aging(as_of=earlier.day)
        assert aging == earlier.aging
        overdue = [
            (r.invoice_id, r.days_overdue, r.outstanding.amount)
            for r in oms.overdue_invoices(as_of=earlier.day)
        ]
        assert overdue == earlier.overdue
        expected = _expected_aging(earlier.invoices, earlier.day)
        got = {
            b.currency: [b.current, b.days_1_30, b.days_31_60, b.days_61_90, b.over_90]
            for b in aging.buckets
        }
        assert got == expected
        expected_overdue = sorted(
            (
                (i.id, (earlier.day - i.due_date).days, i.outstanding.amount)
                for i in earlier.invoices
                if i.outstanding.amount > 0 and i.due_date < earlier.day
            ),
            key=lambda row: -row[1],
        )
        assert sorted(overdue, key=lambda row: (-row[1], row[0])) == sorted(
            expected_overdue, key=lambda row: (-row[1], row[0])
        )


def _observe(oms: OrderManagement, day: date, invoices: list[InvoiceView]) -> Day:
    return Day(
        day=day,
        aging=oms.receivables_aging(as_of=day),
        overdue=[
            (r.invoice_id, r.days_overdue, r.outstanding.amount)
            for r in oms.overdue_invoices(as_of=day)
        ],
        invoices=[oms.get_invoice(i.id) for i in invoices],
    )


def _act(
    oms: OrderManagement,
    customer_id: str,
    invoices: list[InvoiceView],
    action: str,
    pick: int,
    percent: int,
) -> None:
    if action == "invoice" or not invoices:
        invoices.append(_invoice(oms, customer_id, pick % 3 + 1))
        return
    invoice = oms.get_invoice(invoices[pick % len(invoices)].id)
    outstanding = invoice.outstanding.amount
    if action in ("pay", "pay order") and outstanding > 0:
        amount = max((outstanding * percent / 100).quantize(Decimal("0.01")), Decimal("0.01"))
        target = {"invoice_id": invoice.id} if action == "pay" else {"order_id": invoice.order_id}
        oms.record_payment(amount=eur(amount), method="bank_transfer", **target)
    elif action.startswith("credit") and invoice.credited != invoice.total:
        oms.issue_credit_note(invoice.id, reason="goodwill", refund=action == "credit")
    elif action == "refund" and outstanding < 0:
        oms.pay_refund(invoice.id)


@pytest.mark.parametrize("as_of", [date(2026, 3, 1), date(2026, 3, 2)])
def test_an_invoice_counts_from_the_day_it_is_issued(
    as_of: date, clock: FixedClock, build_oms: Callable[..., OrderManagement]
) -> None:
    clock.set(START)
    oms = build_oms(clock=clock, ids=SequentialIdGenerator())
    invoice = _invoice(oms, _shop(oms), 1)
    totals = [b.total for b in oms.receivables_aging(as_of=as_of).buckets]
    assert totals == ([invoice.total.amount] if as_of >= START.date() else [])
