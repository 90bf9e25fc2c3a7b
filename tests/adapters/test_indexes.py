"""Every query the facade runs on the way through order-to-cash is served by an index.

The SQLite query planner is asked for the plan of each statement a full cycle and the facade's
queries execute; a full scan of a table that grows with the business (orders, invoices,
postings, ...) fails the test, except where a report must read everything (the trial balance
and the whole journal).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.carriers import InMemoryCarrier
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from tests.databases import sqlite_url

GROWING = {
    "orders",
    "order_lines",
    "order_allocations",
    "invoices",
    "credit_notes",
    "document_lines",
    "payments",
    "shipments",
    "returns",
    "journal_entries",
    "postings",
    "outbox",
    "supplier_receipts",
    "purchase_requisitions",
    "customers",
}
#: Partial indexes hold only the rows that are open (backorders, undelivered events), so a
#: scan of one reads what is pending, not the history.
PARTIAL = ("ix_order_lines_backordered", "ix_outbox_unpublished", "uq_open_requisition")
#: Reports that read every row by their nature.
FULL_READS = ("FROM postings", "FROM journal_entries ORDER BY")


def test_a_full_cycle_and_the_queries_use_indexes(tmp_path: Path) -> None:
    clock = FixedClock()
    oms = OrderManagement.from_url(
        sqlite_url(tmp_path),
        migrate=True,
        clock=clock,
        ids=SequentialIdGenerator(),
        carriers=[InMemoryCarrier(clock)],
    )
    statements: list[tuple[str, Any]] = []
    engine = oms.dependencies.uow.engine  # type: ignore[attr-defined]

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            statements.append((statement, params))

    oms.upsert_product(
        sku="CHAIR", name="Chair", unit_price=Money("149.00", "EUR"), tax_rate=Decimal("0.19"),
        reorder_point=2, reorder_quantity=10,
    )  # fmt: skip
    oms.receive_stock(sku="CHAIR", location="BER", quantity=5, supplier="Stuhlwerk AG")
    buyer = oms.register_customer(
        name="ACME", kind="b2b", payment_preference="invoice", credit_limit=Money("5000", "EUR")
    )
    order = oms.place_order(
        customer_id=buyer.id, channel="web", lines=[{"sku": "CHAIR", "quantity": 7}]
    )
    oms.receive_stock(sku="CHAIR", location="BER", quantity=5, supplier="Stuhlwerk AG")
    invoice = oms.issue_invoice(order.id)
    oms.record_payment(invoice_id=invoice.id, amount=invoice.total, method="bank_transfer")
    shipment = oms.ship_order(order.id, carrier="parcel")
    oms.confirm_delivery(shipment.id, proof="signed")
    rma = oms.request_return(order.id, lines=[{"sku": "CHAIR", "quantity": 1}], reason="scratch")
    oms.receive_return(rma.id)
    oms.get_order(number=order.number)
    oms.customer_orders(buyer.id)
    oms.customer_profile(buyer.id)
    oms.availability("CHAIR")
    oms.open_backorders()
    oms.open_purchase_requisitions()
    oms.get_invoice(number=invoice.number)
    oms.overdue_invoices(date(2027, 1, 1))
    oms.receivables_aging(date(2027, 1, 1))
    oms.order_shipments(order.id)
    oms.journal(reference=invoice.number)

    scans = []
    with engine.connect() as conn:
        for statement, params in statements:
            if any(marker in statement for marker in FULL_READS):
                continue
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            for row in plan:
                detail = str(row[-1])
                words = detail.split()
                partial = any(name in detail for name in PARTIAL)
                if words[:1] == ["SCAN"] and words[1] in GROWING and not partial:
                    scans.append((detail, statement.split("\n")[0][:120]))
    assert len(statements) > 50
    assert scans == []
