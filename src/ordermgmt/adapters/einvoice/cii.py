"""UN/CEFACT Cross Industry Invoice (CII, D16B) of an :class:`InvoiceDocument`, EN 16931.

One writer serves three formats, which differ in the specification identifier (BT-24,
``ram:GuidelineSpecifiedDocumentContextParameter/ram:ID``) and in what their rules make
mandatory:

- :attr:`DocumentFormat.CII` and :attr:`DocumentFormat.FACTURX` (the XML a Factur-X /
  ZUGFeRD EN 16931 PDF embeds): EN 16931 itself, ``urn:cen.eu:en16931:2017``;
- :attr:`DocumentFormat.XRECHNUNG_CII`: XRechnung 3.0, with what XRechnung makes mandatory
  (buyer reference, seller contact, electronic addresses, payment instructions).

Before anything is written the document is checked for the business terms its format makes
mandatory and for the rules of EN 16931 about what it states rather than about its figures
(:mod:`~ordermgmt.adapters.einvoice.ubl_checks`, which is syntax-neutral). An invoice and a
credit note differ only in their type code (BT-3, 380 or 381); a credit note names the
invoice it credits (BT-25, BT-26) in ``ram:InvoiceReferencedDocument``.

The library: drafthorse (pretix's ZUGFeRD / Factur-X CII library) writes the XML. Its element
model holds every business term this model has, in the order the D16B schema wants, leaves
out empty elements, and ``serialize`` checks the result against the Factur-X 1.0.07 EN 16931
schema it ships; it only writes ``str()`` of the numbers it is given, so they are handed over
formatted (:mod:`~ordermgmt.adapters.einvoice.cii_figures`). Its parser is not used for
reading (:mod:`~ordermgmt.adapters.einvoice.cii_reading` uses lxml): it refuses five of the
fifteen official EN 16931 CII examples.

What CII does not carry here: a buyer's additional legal information (refused, EN 16931 has
no such term), and the entries of ``extra`` whose key is not a three-letter note subject code
(UNTDID 4451, BT-21), which readers use for what a model cannot hold; the others are written
as notes with that subject code.
"""

from __future__ import annotations

import re
from typing import Any

from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from lxml import etree

from ordermgmt.adapters.einvoice.cii_figures import FORMAT, Figures
from ordermgmt.adapters.einvoice.cii_lines import (
    allowance_charge,
    breakdown_row,
    fill_totals,
    line_item,
)
from ordermgmt.adapters.einvoice.cii_parties import (
    fill_delivery,
    fill_party,
    payment_means,
    payment_terms,
)
from ordermgmt.adapters.einvoice.ubl_checks import check
from ordermgmt.domain.document import InvoiceDocument
from ordermgmt.errors import DocumentError
from ordermgmt.ports.documents import SPECIFICATION_IDS, DocumentFormat

#: The formats :func:`render_cii` writes.
CII_FORMATS = frozenset({DocumentFormat.CII, DocumentFormat.FACTURX, DocumentFormat.XRECHNUNG_CII})
#: The schema drafthorse checks what it writes against: Factur-X 1.0.07, profile EN 16931.
SCHEMA = "FACTUR-X_EN16931"
#: The rules checked before writing: EN 16931's own, or XRechnung's on top of them.
_RULES = {
    DocumentFormat.CII: DocumentFormat.UBL,
    DocumentFormat.FACTURX: DocumentFormat.UBL,
    DocumentFormat.XRECHNUNG_CII: DocumentFormat.XRECHNUNG_UBL,
}
_SUBJECT = re.compile(r"[A-Z]{3}")


def render_cii(document: InvoiceDocument, format: DocumentFormat) -> bytes:
    """``document`` as a CII ``rsm:CrossIndustryInvoice`` in ``format`` (UTF-8 XML).

    Raises :class:`DocumentError` for a format that is not CII, when the document lacks what
    the format requires (the error names the business term), or states something CII cannot
    express (an amount with more decimals than EN 16931 allows, an address of four lines,
    text XML cannot hold).
    """
    if format not in CII_FORMATS:
        raise DocumentError(str(format), "not a CII format")
    try:
        check(document, _RULES[format])
        return _serialize(_document(document, format))
    except DocumentError as error:
        raise DocumentError(format.value, error.reason) from None


def _serialize(document: Any) -> bytes:
    try:
        return bytes(document.serialize(schema=SCHEMA))
    except etree.XMLSyntaxError as error:  # the schema check, or text XML cannot hold
        raise DocumentError(FORMAT, f"the CII XML cannot be written: {error}") from None


def _document(document: InvoiceDocument, format: DocumentFormat) -> Any:
    figures = Figures(document.currency)
    result = Document()
    result.context.guideline_parameter.id = SPECIFICATION_IDS[format]
    _fill_header(result.header, document)
    for line in document.lines:
        result.trade.items.add(line_item(line, figures))
    _fill_agreement(result.trade.agreement, document)
    fill_delivery(result.trade.delivery, document.delivery)
    _fill_settlement(result.trade.settlement, document, figures)
    return result


def _fill_header(header: Any, document: InvoiceDocument) -> None:
    header.id = document.number
    header.type_code = document.type.value
    header.issue_date_time = document.issue_date
    if document.note:
        header.notes.add(IncludedNote(content=document.note))
    for subject, text in document.extra.items():
        if _SUBJECT.fullmatch(subject):
            header.notes.add(IncludedNote(content=text, subject_code=subject))


def _fill_agreement(agreement: Any, document: InvoiceDocument) -> None:
    agreement.buyer_reference = document.buyer_reference
    fill_party(agreement.seller, document.seller, "seller", seller=True)
    fill_party(agreement.buyer, document.buyer, "buyer", seller=False)
    agreement.seller_order.issuer_assigned_id = document.sales_order_reference
    agreement.buyer_order.issuer_assigned_id = document.purchase_order_reference


def _fill_settlement(settlement: Any, document: InvoiceDocument, figures: Figures) -> None:
    means = document.payment_means
    settlement.creditor_reference_id = means.creditor_id if means else ""
    settlement.payment_reference = document.payment_reference
    settlement.currency_code = document.currency
    if means is not None:
        settlement.payment_means.add(payment_means(means))
    for row in document.tax_breakdown:
        settlement.trade_tax.add(breakdown_row(row, figures))
    settlement.period.start = document.period_start
    settlement.period.end = document.period_end
    for item in document.allowances_charges:
        settlement.allowance_charge.add(allowance_charge(item, figures, document=True))
    terms = payment_terms(document)
    if terms is not None:
        settlement.terms.add(terms)
    adjustments = bool(document.allowances_charges)
    fill_totals(settlement.monetary_summation, document.totals, figures, adjustments)
    settlement.invoice_referenced_document.issuer_assigned_id = document.preceding_invoice
    settlement.invoice_referenced_document.issue_date_time = document.preceding_invoice_date
