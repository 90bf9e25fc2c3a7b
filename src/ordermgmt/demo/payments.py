"""Steps about money owed: a payment on account, the EDI order's invoice as the customer
receives it, a payment that releases a credit hold, and the dunning list weeks later."""

from __future__ import annotations

from datetime import date

from ordermgmt.demo.report import (
    show_invoice,
    show_journal,
    show_message,
    show_shipment,
    show_statuses,
)
from ordermgmt.demo.run import DemoRun
from ordermgmt.demo.tables import show_dunning
from ordermgmt.domain.shipment import TrackingStatus


def payment_on_account(run: DemoRun) -> None:
    """Next morning: the parcel is on its way, and the dealer pays the phone order's invoice
    by bank transfer, two weeks before it is due. Bank up, receivables down."""
    run.next_morning()
    shipment = run.shipments["web"]
    run.parcel.advance(shipment.tracking_number, TrackingStatus.IN_TRANSIT, "hub Köln")
    run.oms.refresh_tracking(shipment.id)
    run.later(hours=2)
    invoice = run.invoices["phone"]
    run.oms.record_payment(
        invoice_id=invoice.id,
        amount=invoice.total,
        method="bank_transfer",
        reference="bank statement 2026-03-03/4",
    )
    run.say()
    show_invoice(run, run.oms.get_invoice(invoice.id))
    show_journal(run, invoice.number)
    run.say()
    show_statuses(run, run.refresh("phone"))


def invoice_the_edi_order(run: DemoRun) -> None:
    """The consultancy's order is invoiced: 30 days' terms. The invoice is sent through the
    notification port; this is the message the customer receives."""
    run.later(minutes=20)
    invoice = run.oms.issue_invoice(run.orders["edi"].id)
    run.invoices["edi"] = invoice
    run.say()
    show_invoice(run, invoice)
    run.say()
    [message] = [msg for msg in run.notifications.sent if msg.reference == invoice.number]
    show_message(run, message)


def payment_releases_the_hold(run: DemoRun) -> None:
    """The consultancy pays the big invoice by bank transfer. Its open amount falls below the
    credit limit, so the held order is released, invoiced and loaded onto the same van: the
    van still has room on that day."""
    run.later(hours=2)
    invoice = run.invoices["edi"]
    run.oms.record_payment(
        invoice_id=invoice.id,
        amount=invoice.total,
        method="bank_transfer",
        reference="bank statement 2026-03-05/2",
    )
    run.say()
    show_invoice(run, run.oms.get_invoice(invoice.id))
    run.say()
    order = run.refresh("email")
    show_statuses(run, order)
    run.invoices["email"] = run.oms.issue_invoice(order.id)
    run.say()
    show_invoice(run, run.invoices["email"])
    run.shipments["email"] = run.oms.ship_order(order.id, carrier="own-fleet")
    run.say()
    show_shipment(run, run.shipments["email"])


def dunning(run: DemoRun) -> None:
    """Weeks later, the dunning list and the receivables aging: which invoices are past due,
    by how many days, for how much."""
    as_of = date(2026, 4, 20)
    overdue = run.oms.overdue_invoices(as_of=as_of)
    aging = run.oms.receivables_aging(as_of=as_of)
    show_dunning(run, as_of, overdue, aging)
