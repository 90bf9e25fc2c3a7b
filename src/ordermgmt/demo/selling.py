"""Steps that sell: a web order paid by card, a counter sale, a phone order on account, a big
EDI order (sent twice), a paid order cancelled, and an order held for the credit limit."""

from __future__ import annotations

from ordermgmt import errors
from ordermgmt.demo.report import (
    show_cancelled,
    show_card_payment,
    show_cash_payment,
    show_credit_note_journals,
    show_handed_over,
    show_invoice,
    show_journal,
    show_order,
    show_refused,
    show_resubmitted,
    show_statuses,
)
from ordermgmt.demo.run import DemoRun
from ordermgmt.demo.tables import show_availability, show_backorders, show_requisitions

EDI_LINES = [
    {"sku": "CHAIR-ERGO", "quantity": 30},
    {"sku": "DESK-SIT", "quantity": 6},
    {"sku": "BOOK-ERGO", "quantity": 10},
]
EDI_KEY = "edi:nordlicht:ORDERS-PO-2026-0117"


def web_order(run: DemoRun) -> None:
    """A consumer orders in the web shop, one line at 19 % and one at 7 %, and pays by card at
    the checkout. A card customer paying the whole order is a cash sale: the invoice is issued
    and paid at once, and the money goes straight to the bank, with no receivable in between."""
    run.later(hours=1, minutes=12)
    order = run.oms.place_order(
        customer_id=run.customers["jana"].id,
        channel="web",
        lines=[{"sku": "CHAIR-ERGO", "quantity": 1}, {"sku": "BOOK-ERGO", "quantity": 2}],
        idempotency_key="web-checkout-8f3a",
    )
    run.orders["web"] = order
    run.say()
    show_order(run, order)
    run.say()
    payment = run.oms.record_payment(
        order_id=order.id, amount=order.total, method="card", reference="card capture 8f3a"
    )
    show_card_payment(run, payment)
    [invoice] = run.oms.order_invoices(order.id)
    if not invoice.sent_to:  # the shop e-mails the invoice with the order confirmation
        invoice = run.oms.resend_invoice(invoice.id)
    run.invoices["web"] = invoice
    run.say()
    show_invoice(run, invoice)
    show_journal(run, invoice.number)
    run.say()
    show_statuses(run, run.refresh("web"))


def counter_sale(run: DemoRun) -> None:
    """A walk-in customer buys at the showroom counter, pays cash and takes the goods along:
    a cash sale into the till (cash, not bank), and a hand-over at the counter that is
    recorded like any delivery, so stock and cost of goods sold follow."""
    run.later(minutes=35)
    order = run.oms.place_order(
        customer_id=run.customers["walk_in"].id,
        channel="store",
        lines=[{"sku": "COFFEE-1KG", "quantity": 3}, {"sku": "BOOK-ERGO", "quantity": 1}],
    )
    run.orders["store"] = order
    run.say()
    show_order(run, order)
    payment = run.oms.record_payment(order_id=order.id, amount=order.total, method="cash")
    [invoice] = run.oms.order_invoices(order.id)
    run.say()
    show_cash_payment(run, payment, invoice)
    show_journal(run, invoice.number)
    handed_over = run.oms.ship_order(order.id, carrier="counter")
    handed_over = run.oms.confirm_delivery(handed_over.id, proof="handed over at the counter")
    run.say()
    show_handed_over(run, handed_over)
    show_journal(run, handed_over.number)
    run.say()
    show_statuses(run, run.refresh("store"))


def phone_order(run: DemoRun) -> None:
    """A stationery dealer phones in an order on account. This OMS invoices on order (the
    other policy invoices what was shipped), so the invoice goes out at once: gapless number,
    due date from the customer's 14 days, VAT per rate, posted to receivables and sent."""
    run.later(minutes=50)
    order = run.oms.place_order(
        customer_id=run.customers["weber"].id,
        channel="phone",
        lines=[{"sku": "DESK-SIT", "quantity": 2}, {"sku": "CHAIR-ERGO", "quantity": 4}],
        customer_reference="call 11:47, Mr Weber",
    )
    run.orders["phone"] = order
    run.say()
    show_order(run, order)
    invoice = run.oms.issue_invoice(order.id)
    run.invoices["phone"] = invoice
    run.say()
    show_invoice(run, invoice)
    show_journal(run, invoice.number)


def big_edi_order(run: DemoRun) -> None:
    """A consultancy furnishes a new office by EDI and wants more chairs than both warehouses
    hold. No single warehouse can fill the order, so the chairs are split across both in
    priority order and the rest goes on backorder. Warehouses that fall to a reorder point ask
    purchasing to buy more: one requisition per sku and warehouse, and Berlin's chair
    requisition also covers the backorder. The order stays within the credit limit.
    """
    run.later(hours=2)
    order = run.oms.place_order(
        customer_id=run.customers["nordlicht"].id,
        channel="edi",
        lines=EDI_LINES,
        idempotency_key=EDI_KEY,
        customer_reference="PO-2026-0117",
    )
    run.orders["edi"] = order
    run.say()
    show_order(run, order)
    run.say()
    show_availability(run, ["CHAIR-ERGO", "DESK-SIT"])
    run.say()
    show_backorders(run)
    show_requisitions(run)


def edi_message_repeated(run: DemoRun) -> None:
    """The EDI gateway sends the same message again; its idempotency key makes it harmless."""
    run.later(minutes=5)
    again = run.oms.place_order(
        customer_id=run.customers["nordlicht"].id,
        channel="edi",
        lines=EDI_LINES,
        idempotency_key=EDI_KEY,
        customer_reference="PO-2026-0117",
    )
    orders = run.oms.customer_orders(run.customers["nordlicht"].id)
    chairs = run.oms.availability("CHAIR-ERGO")
    show_resubmitted(run, EDI_KEY, again, len(orders), chairs)


def cancel_a_paid_order(run: DemoRun) -> None:
    """The dealer finds it ordered twice and cancels the phone order, which is invoiced and
    paid. The reservations go back to stock, a credit note reverses the invoice (revenue and
    VAT per rate, exactly), and the money goes back to the dealer's bank account."""
    run.later(hours=3)
    order = run.oms.cancel_order(run.orders["phone"].id, reason="ordered twice by mistake")
    run.orders["phone"] = order
    invoice = run.oms.get_invoice(run.invoices["phone"].id)
    run.say()
    show_cancelled(run, order, invoice)
    run.say()
    show_journal(run, invoice.number, only="Invoice")
    show_journal(run, invoice.number, only="Payment")
    show_credit_note_journals(run, invoice.id)
    show_journal(run, invoice.number, only="Refund")
    run.say()
    show_statuses(run, order)
    run.say()
    show_availability(run, ["CHAIR-ERGO", "DESK-SIT"])


def credit_hold(run: DemoRun) -> None:
    """The consultancy orders furniture for a second room. With the big invoice still open
    this would take it over its credit limit of 15,000.00 EUR, so the order is placed on hold:
    the stock is reserved for it, but it cannot be shipped."""
    run.later(minutes=40)
    order = run.oms.place_order(
        customer_id=run.customers["nordlicht"].id,
        channel="email",
        lines=[{"sku": "CHAIR-ERGO", "quantity": 6}, {"sku": "DESK-SIT", "quantity": 2}],
        customer_reference="PO-2026-0121",
    )
    run.orders["email"] = order
    run.say()
    show_order(run, order)
    run.say()
    try:
        run.oms.ship_order(order.id, carrier="own-fleet")
    except errors.InvalidStateTransition as error:
        show_refused(run, error)
