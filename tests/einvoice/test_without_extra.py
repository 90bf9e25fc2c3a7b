"""Without the ``einvoice`` extra the library works as ever, and asking for a document says
what to install: checked in a fresh interpreter in which the extra's libraries cannot be
imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    for name in ("lxml", "drafthorse", "facturx", "weasyprint"):
        sys.modules[name] = None  # importing it now raises ImportError

    from decimal import Decimal
    from ordermgmt import Money, OrderManagement
    from ordermgmt.domain.document import Party, PostalAddress, Seller
    from ordermgmt.errors import DocumentError

    address = PostalAddress(("Hauptstr. 1",), "Berlin", "10115", "DE")
    seller = Seller(Party("Stuhlwerk GmbH", address, vat_id="DE1"))
    oms = OrderManagement.in_memory(seller=seller)
    assert oms.dependencies.documents is None
    oms.upsert_product(sku="A", name="A", unit_price=Money("10", "EUR"), tax_rate=Decimal("0.19"))
    oms.receive_stock(sku="A", location="BER", quantity=1, supplier="W")
    buyer = oms.register_customer(
        name="B", kind="b2c", payment_preference="card", email="b@b.example"
    )
    lines = [{"sku": "A", "quantity": 1}]
    order = oms.place_order(customer_id=buyer.id, channel="web", lines=lines)
    invoice = oms.issue_invoice(order.id)
    assert invoice.sent_to == "b@b.example", invoice.send_error  # the plain-text invoice went out
    try:
        oms.invoice_document(invoice.id, format="pdf")
    except DocumentError as error:
        print(error.reason)
    else:
        raise AssertionError("a document without the extra")
    """
)


def test_without_the_extra_invoices_go_out_as_text_and_documents_say_what_to_install() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stderr
    assert "pip install 'ordermgmt[einvoice]'" in done.stdout
