"""How the demo shows lists: stock per location, backorders, purchase requisitions, customer
profiles, overdue invoices and aging, the trial balance, every order's statuses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from ordermgmt import messages as m
from ordermgmt.demo.report import amount
from ordermgmt.demo.run import DemoRun


def show_availability(run: DemoRun, skus: Sequence[str]) -> None:
    """Stock per sku: per location on hand / reserved / available, and the backordered units."""
    run.say(f"{'sku':<12}{'location':<10}{'on hand':>8}{'reserved':>10}{'available':>11}")
    for sku in skus:
        view = run.oms.availability(sku)
        for item in view.locations:
            run.say(
                f"{sku:<12}{item.location:<10}{item.on_hand:>8}"
                f"{item.reserved:>10}{item.available:>11}"
            )
        backordered = f"   backordered {view.backordered}" if view.backordered else ""
        run.say(
            f"{'':<12}{'total':<10}{view.on_hand:>8}{view.reserved:>10}{view.available:>11}"
            f"{backordered}"
        )


def show_requisitions(run: DemoRun) -> None:
    """Open purchase requisitions: what purchasing must buy, for where, and why."""
    requisitions = run.oms.open_purchase_requisitions()
    if not requisitions:
        run.say("open purchase requisitions: none")
        return
    run.say("open purchase requisitions:")
    for req in requisitions:
        handed = "handed to purchasing" if req.submitted else "not yet acknowledged"
        run.say(
            f"  buy {req.quantity:>3} x {req.sku:<11} for {req.location}"
            f"  (reason: {req.reason}; {handed})"
        )


def show_backorders(run: DemoRun) -> None:
    """Open backorders: which order waits for how many units of which sku."""
    backorders = run.oms.open_backorders()
    if not backorders:
        run.say("open backorders: none")
        return
    run.say("open backorders:")
    for item in backorders:
        run.say(
            f"  {item.order_number} {run.customer_name(item.customer_id)}:"
            f" {item.quantity} x {item.sku}"
        )


def show_dunning(
    run: DemoRun,
    as_of: date,
    overdue: Sequence[m.OverdueInvoiceView],
    aging: m.ReceivablesAgingView,
) -> None:
    """The dunning list on ``as_of`` and the receivables aging per currency."""
    run.say(f"overdue on {as_of}:")
    for row in overdue:
        run.say(
            f"  {row.invoice_number}  {row.customer_name:<27} due {row.due_date}, "
            f"{row.days_overdue} days overdue, {row.outstanding}"
        )
    if not overdue:
        run.say("  none")
    for bucket in aging.buckets:
        run.say(
            f"aging {bucket.currency}: not due {amount(bucket.current)}, "
            f"1-30 {amount(bucket.days_1_30)}, 31-60 {amount(bucket.days_31_60)}, "
            f"61-90 {amount(bucket.days_61_90)}, over 90 {amount(bucket.over_90)}; "
            f"total {amount(bucket.total)}"
        )


def show_profiles(run: DemoRun, profiles: Sequence[m.CustomerProfileView]) -> None:
    """Each customer's orders, volume, open amount and channels."""
    run.say("customer profiles:")
    for profile in profiles:
        volume = ", ".join(str(v) for v in profile.order_volume.values()) or "0.00 EUR"
        open_amount = ", ".join(str(v) for v in profile.open_amount.values()) or "0.00 EUR"
        channels = ", ".join(f"{name} {count}" for name, count in profile.channels.items())
        cancelled = f" ({profile.cancelled_count} cancelled)" if profile.cancelled_count else ""
        run.say(f"  {profile.name}")
        run.say(
            f"    {profile.order_count} order(s){cancelled}, volume {volume}, "
            f"open {open_amount}; channels: {channels or '-'}"
        )


def show_trial_balance(run: DemoRun, balance: m.TrialBalanceView, entries: int) -> None:
    """Every account with its debits, credits and balance; the totals; whether they agree."""
    run.say(f"{'account':<9}{'name':<29}{'debit':>12}{'credit':>12}{'balance':>12}")
    for line in balance.lines:
        run.say(
            f"{line.account:<9}{line.name:<29}{amount(line.debit):>12}"
            f"{amount(line.credit):>12}{amount(line.balance):>12}"
        )
    for currency in sorted(balance.total_debit):
        debit = balance.total_debit[currency]
        credit = balance.total_credit.get(currency, Decimal(0))
        run.say(f"{'total ' + currency:<38}{amount(debit):>12}{amount(credit):>12}")
    verdict = "yes" if balance.balanced else "NO"
    run.say(f"debits = credits: {verdict}; journal entries: {entries}")


def show_final_statuses(run: DemoRun, orders: Sequence[m.OrderView]) -> None:
    """One row per order: number, customer, channel and its three statuses."""
    run.say(f"{'order':<11}{'customer':<27}{'channel':<8}{'status':<11}{'fulfillment':<20}payment")
    for order in orders:
        run.say(
            f"{order.number:<11}{run.customer_name(order.customer_id):<27}{order.channel:<8}"
            f"{order.status:<11}{order.fulfillment_status:<20}{order.payment_status}"
        )
