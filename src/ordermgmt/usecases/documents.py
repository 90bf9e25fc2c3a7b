"""Issued invoices and credit notes as files: the EN 16931 content of a document, rendered in
the format asked for (or the customer's) by the document renderer.

Rendering reads a committed document and writes nothing, so it may run as often as asked; a
failure is a ``DocumentError`` naming the format and the rule the document would break.
"""

from __future__ import annotations

from ordermgmt.domain.customer import Customer
from ordermgmt.domain.document import DocumentFormat
from ordermgmt.domain.documents import document_of
from ordermgmt.domain.errors import DocumentError
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.messages import GetInvoiceDocument
from ordermgmt.ports import Dependencies, RenderedDocument

EXTRA_MISSING = (
    "no document renderer: install the einvoice extra (pip install 'ordermgmt[einvoice]')"
)


def render(
    deps: Dependencies,
    document: Invoice | CreditNote,
    customer: Customer,
    format: DocumentFormat | None,
    invoice: Invoice | None = None,
) -> RenderedDocument:
    """``document`` (a credit note with its ``invoice``) in ``format``, by default the
    customer's. Raises ``DocumentError``."""
    chosen = format or customer.invoice_format
    renderer = deps.documents
    if renderer is None:
        raise DocumentError(chosen.value, EXTRA_MISSING)
    if chosen not in renderer.formats:
        raise DocumentError(chosen.value, "the configured renderer does not produce this format")
    return renderer.render(document_of(document, invoice), chosen)


def invoice_document(deps: Dependencies, query: GetInvoiceDocument) -> RenderedDocument:
    """An issued invoice or credit note as a file (see :class:`GetInvoiceDocument`)."""
    with deps.uow() as uow:
        invoice: Invoice | None
        document: Invoice | CreditNote
        if query.invoice_id is not None:
            document, invoice = uow.invoices.get(query.invoice_id), None
        else:
            assert query.credit_note_id is not None
            document = uow.credit_notes.get(query.credit_note_id)
            invoice = uow.invoices.get(document.invoice_id)
        customer = uow.customers.get(document.customer_id)
    return render(deps, document, customer, query.format, invoice)
