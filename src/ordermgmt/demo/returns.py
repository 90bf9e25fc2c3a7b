"""Steps that take goods back: a return restocked, credited and refunded, and an exchange
whose damaged chair is written off and whose replacement takes the credit."""

from __future__ import annotations

from ordermgmt.demo.report import (
    show_exchange,
    show_invoice,
    show_journal,
    show_order,
    show_order_statuses,
    show_return_received,
    show_return_requested,
    show_shipment,
)
from ordermgmt.demo.run import DemoRun


def a_return(run: DemoRun) -> None:
    """Monday: the web customer sends back one of the two handbooks (an RMA for delivered
    units only). It is received back into stock at Berlin, a credit note reverses its revenue
    and its 7 % VAT, and, since the order was paid, the money goes back to her card."""
    run.next_morning(days=3)
    order = run.orders["web"]
    rma = run.oms.request_return(
        order.id, lines=[{"sku": "BOOK-ERGO", "quantity": 1}], reason="bought one too many"
    )
    run.say()
    show_return_requested(run, rma)
    run.later(days=1, hours=2)
    received = run.oms.receive_return(rma.id, restock=True)
    show_return_received(run, received)
    run.say()
    show_journal(run, received.number)
    show_journal(run, run.number(received.credit_note_id))
    show_journal(run, run.invoices["web"].number, only="Refund")
    run.say()
    show_order(run, run.refresh("web"))


def an_exchange(run: DemoRun) -> None:
    """The consultancy reports one chair damaged in transport. It is exchanged: the damaged
    chair comes back and is written off, and a replacement order takes the credit as a
    prepayment, so the replacement's invoice is already settled when it is issued."""
    run.later(hours=1)
    swap = run.oms.exchange(
        run.orders["edi"].id,
        return_lines=[{"sku": "CHAIR-ERGO", "quantity": 1}],
        replacement_lines=[{"sku": "CHAIR-ERGO", "quantity": 1}],
        reason="damaged in transport",
    )
    rma, replacement = swap.return_request, swap.replacement_order
    run.orders["exchange"] = replacement
    run.say()
    show_exchange(run, rma, replacement)
    received = run.oms.receive_return(rma.id, restock=False)
    show_return_received(run, received)
    run.say()
    show_journal(run, received.number)
    show_journal(run, run.number(received.credit_note_id))
    invoice = run.oms.issue_invoice(replacement.id)
    run.say()
    show_invoice(run, invoice)
    shipment = run.oms.ship_order(replacement.id, carrier="own-fleet")
    run.say()
    show_shipment(run, shipment)
    run.next_morning(hour=11)
    run.oms.confirm_delivery(shipment.id, proof="signed: K. Jansen, Nordlicht reception")
    run.say()
    for key in ("edi", "exchange"):
        show_order_statuses(run, run.refresh(key))
