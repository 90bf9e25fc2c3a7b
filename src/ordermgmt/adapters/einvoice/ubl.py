"""OASIS UBL 2.1 invoices and credit notes of an :class:`InvoiceDocument` (EN 16931).

One writer serves three formats, which differ only in the specification identifier (BT-24,
``cbc:CustomizationID``) and in what their rules make mandatory (see
:mod:`~ordermgmt.adapters.einvoice.ubl_checks`):

- :attr:`DocumentFormat.UBL`: EN 16931 itself, ``urn:cen.eu:en16931:2017``;
- :attr:`DocumentFormat.PEPPOL`: Peppol BIS Billing 3.0, with the business process
  (BT-23, ``cbc:ProfileID``) ``urn:fdc:peppol.eu:2017:poacc:billing:01:1.0``;
- :attr:`DocumentFormat.XRECHNUNG_UBL`: XRechnung 3.0.

An invoice is a ``ubl:Invoice`` with ``cac:InvoiceLine``/``cbc:InvoicedQuantity``; a credit
note a ``cn:CreditNote`` (type code 381) with ``cac:CreditNoteLine``/``cbc:CreditedQuantity``,
its preceding invoice (BT-25, BT-26) in ``cac:BillingReference`` and its due date (BT-9) in
the payment means, UBL 2.1 credit notes having no ``cbc:DueDate``. Elements follow the order
of the UBL 2.1 schemas.

There is no maintained Python library for UBL, so the XML is built with lxml (the standard
XML library) through the small element builder of
:mod:`~ordermgmt.adapters.einvoice.ubl_xml`, which leaves out every empty element.

What UBL does not carry here: a buyer's tax number and additional legal information (no
EN 16931 business term), a card's network (written as ``NA``, UBL requires one), and the
entries of ``extra`` whose key is not a three-letter note subject code (BT-21); the others
are written as notes ``#subject#text``.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.builder import ElementMaker

from ordermgmt.adapters.einvoice.ubl_checks import check
from ordermgmt.adapters.einvoice.ubl_lines import (
    allowance_charge,
    line,
    monetary_total,
    tax_total,
)
from ordermgmt.adapters.einvoice.ubl_parties import delivery, party, payment_means
from ordermgmt.adapters.einvoice.ubl_xml import (
    NS_CREDIT_NOTE,
    NS_INVOICE,
    NSMAP,
    Element,
    cac,
    cbc,
    required,
)
from ordermgmt.domain.document import DocumentType, InvoiceDocument
from ordermgmt.errors import DocumentError
from ordermgmt.ports.documents import SPECIFICATION_IDS, DocumentFormat

#: The formats :func:`render_ubl` writes.
UBL_FORMATS = frozenset({DocumentFormat.UBL, DocumentFormat.PEPPOL, DocumentFormat.XRECHNUNG_UBL})
#: The Peppol BIS Billing 3.0 business process (BT-23).
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
#: An order reference (BT-13) UBL requires when only the sales order (BT-14) is known.
NO_ORDER_REFERENCE = "NA"
_SUBJECT = re.compile(r"[A-Z]{3}")


def render_ubl(document: InvoiceDocument, format: DocumentFormat) -> bytes:
    """``document`` as a UBL 2.1 ``Invoice`` or ``CreditNote`` in ``format`` (UTF-8 XML).

    Raises :class:`DocumentError` for a format that is not UBL, or when the document lacks
    what the format requires (the error names the business term).
    """
    if format not in UBL_FORMATS:
        raise DocumentError(format.value, "not a UBL format")
    check(document, format)
    try:
        root = _document(document, format)
    except DocumentError as error:
        raise DocumentError(format.value, error.reason) from None
    except ValueError as error:  # lxml refuses text XML 1.0 cannot hold (control characters)
        raise DocumentError(format.value, f"a text cannot be written in XML: {error}") from None
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _document(document: InvoiceDocument, format: DocumentFormat) -> Element:
    credit = document.type is DocumentType.CREDIT_NOTE
    namespace = NS_CREDIT_NOTE if credit else NS_INVOICE
    nsmap: dict[str | None, str] = {None: namespace, **NSMAP}
    maker = ElementMaker(namespace=namespace, nsmap=nsmap)
    root = maker("CreditNote" if credit else "Invoice")
    children = [*_header(document, format), *_body(document)]
    root.extend(child for child in children if child is not None)
    return root


def _header(document: InvoiceDocument, format: DocumentFormat) -> list[Element | None]:
    credit = document.type is DocumentType.CREDIT_NOTE
    due = document.due_date
    return [
        cbc("CustomizationID", SPECIFICATION_IDS[format]),
        cbc("ProfileID", PEPPOL_PROFILE if format is DocumentFormat.PEPPOL else None),
        cbc("ID", document.number),
        cbc("IssueDate", document.issue_date.isoformat()),
        None if credit or due is None else cbc("DueDate", due.isoformat()),
        cbc("CreditNoteTypeCode" if credit else "InvoiceTypeCode", document.type.value),
        *_notes(document),
        cbc("DocumentCurrencyCode", document.currency),
        cbc("BuyerReference", document.buyer_reference),
        cac(
            "InvoicePeriod",
            cbc("StartDate", document.period_start.isoformat() if document.period_start else None),
            cbc("EndDate", document.period_end.isoformat() if document.period_end else None),
        ),
        _order_reference(document),
        _billing_reference(document),
    ]


def _notes(document: InvoiceDocument) -> list[Element | None]:
    notes = [cbc("Note", document.note)]
    for subject, text in document.extra.items():
        if _SUBJECT.fullmatch(subject):
            notes.append(cbc("Note", f"#{subject}#{text}"))
    return notes


def _order_reference(document: InvoiceDocument) -> Element | None:
    order, sales_order = document.purchase_order_reference, document.sales_order_reference
    if not order and not sales_order:
        return None
    return cac(
        "OrderReference",
        cbc("ID", order or NO_ORDER_REFERENCE),
        cbc("SalesOrderID", sales_order),
    )


def _billing_reference(document: InvoiceDocument) -> Element | None:
    if not document.preceding_invoice:
        return None
    issued = document.preceding_invoice_date
    return cac(
        "BillingReference",
        cac(
            "InvoiceDocumentReference",
            cbc("ID", document.preceding_invoice),
            cbc("IssueDate", issued.isoformat() if issued else None),
        ),
    )


def _body(document: InvoiceDocument) -> list[Element | None]:
    currency = document.currency
    creditor = document.payment_means.creditor_id if document.payment_means else ""
    return [
        required("AccountingSupplierParty", party(document.seller, True, creditor)),
        required("AccountingCustomerParty", party(document.buyer, False)),
        delivery(document.delivery),
        payment_means(document),
        cac("PaymentTerms", cbc("Note", document.payment_terms)),
        *(allowance_charge(item, currency, True) for item in document.allowances_charges),
        tax_total(document),
        monetary_total(document),
        *(line(item, document.type, currency) for item in document.lines),
    ]
