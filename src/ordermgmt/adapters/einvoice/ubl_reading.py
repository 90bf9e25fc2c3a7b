"""Reading an OASIS UBL 2.1 invoice or credit note back into an :class:`InvoiceDocument`.

Reads what :func:`~ordermgmt.adapters.einvoice.ubl.render_ubl` writes and EN 16931 documents
from elsewhere (the official UBL examples among them): the parties, every figure (lines,
allowances and charges, the VAT breakdown and the totals, as stated, not recomputed), the
references, the delivery and the payment instructions.

A file that is not well-formed XML, not a UBL ``Invoice`` or ``CreditNote``, lacks a
mandatory business term or holds a malformed value raises :class:`DocumentError` saying
which; nothing is resolved from outside the file (see
:mod:`~ordermgmt.adapters.einvoice.ubl_read_xml`).

What the model cannot hold is kept in ``extra``: subject notes (``#AAI#text``, BT-21) under
their subject code, an unknown payment means code under ``payment_means_code`` and a
document type code other than 380/381 under ``type_code``. A line allowance or charge is
taxed with its line: UBL does not state its VAT category, it reads as its line's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from lxml import etree

from ordermgmt.adapters.einvoice.ubl_read_xml import (
    FORMAT,
    amount_or_zero,
    day,
    decimal,
    find,
    find_all,
    parse,
    required_decimal,
    required_text,
    text,
)
from ordermgmt.adapters.einvoice.ubl_reading_parties import (
    creditor_id,
    delivery,
    party,
    payment_means,
)
from ordermgmt.adapters.einvoice.ubl_xml import NS_CREDIT_NOTE, NS_INVOICE, Element
from ordermgmt.domain.document import (
    AllowanceCharge,
    DocumentTotals,
    DocumentType,
    InvoiceDocument,
    InvoiceLine,
    TaxBreakdown,
)
from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import DocumentError

_ROOTS = {
    etree.QName(NS_INVOICE, "Invoice").text: False,
    etree.QName(NS_CREDIT_NOTE, "CreditNote").text: True,
}
_CATEGORIES = {category.value: category for category in VatCategory}
_SUBJECT_NOTE = re.compile(r"#([A-Z]{3})#(.*)", re.DOTALL)
_NO_ORDER_REFERENCE = "NA"
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def read_ubl(xml: bytes) -> InvoiceDocument:
    """The document a UBL 2.1 ``Invoice`` or ``CreditNote`` states.

    Raises :class:`DocumentError` for anything else, naming what is wrong.
    """
    root = parse(xml)
    credit = _ROOTS.get(root.tag)
    if credit is None:
        raise DocumentError(FORMAT, f"not a UBL 2.1 Invoice or CreditNote: the root is {root.tag}")
    currency = required_text(root, "cbc:DocumentCurrencyCode", "the currency (BT-5)")
    extra: dict[str, str] = {}
    note = _notes(root, extra)
    means = payment_means(root, extra)
    if means is None and creditor_id(root):
        extra["creditor_id"] = creditor_id(root)
    return InvoiceDocument(
        type=_type(root, credit, extra),
        number=required_text(root, "cbc:ID", "the invoice number (BT-1)"),
        issue_date=_required_day(root, "cbc:IssueDate", "the issue date (BT-2)"),
        currency=currency,
        seller=party(root, "cac:AccountingSupplierParty", "seller (BG-4)"),
        buyer=party(root, "cac:AccountingCustomerParty", "buyer (BG-7)"),
        lines=tuple(_line(element, credit) for element in _lines(root, credit)),
        tax_breakdown=_breakdown(_tax_total(root, currency)),
        totals=_totals(root, currency),
        allowances_charges=tuple(
            _allowance_charge(element, True) for element in find_all(root, "cac:AllowanceCharge")
        ),
        due_date=day(root, "cbc:DueDate", "the due date (BT-9)")
        or day(root, "cac:PaymentMeans/cbc:PaymentDueDate", "the due date (BT-9)"),
        payment_terms="\n".join(text(e, ".") for e in find_all(root, "cac:PaymentTerms/cbc:Note")),
        payment_means=means,
        payment_reference=text(root, "cac:PaymentMeans/cbc:PaymentID"),
        buyer_reference=text(root, "cbc:BuyerReference"),
        purchase_order_reference=_order_reference(root),
        sales_order_reference=text(root, "cac:OrderReference/cbc:SalesOrderID"),
        note=note,
        delivery=delivery(root),
        period_start=day(root, "cac:InvoicePeriod/cbc:StartDate", "the period start (BT-73)"),
        period_end=day(root, "cac:InvoicePeriod/cbc:EndDate", "the period end (BT-74)"),
        preceding_invoice=text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
        preceding_invoice_date=day(
            root,
            "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate",
            "the preceding invoice date (BT-26)",
        ),
        extra=extra,
    )


def _required_day(root: Element, path: str, term: str) -> date:
    value = day(root, path, term)
    if value is None:
        raise DocumentError(FORMAT, f"{term} ({path}) is missing")
    return value


def _type(root: Element, credit: bool, extra: dict[str, str]) -> DocumentType:
    code = text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
    if code == DocumentType.CREDIT_NOTE.value:
        return DocumentType.CREDIT_NOTE
    if code and code != DocumentType.INVOICE.value:
        extra["type_code"] = code
    return DocumentType.CREDIT_NOTE if credit else DocumentType.INVOICE


def _notes(root: Element, extra: dict[str, str]) -> str:
    plain: list[str] = []
    for element in find_all(root, "cbc:Note"):
        value = text(element, ".")
        subject = _SUBJECT_NOTE.fullmatch(value)
        if subject is None:
            plain.append(value)
        elif subject.group(1) in extra:
            extra[subject.group(1)] += "\n" + subject.group(2)
        else:
            extra[subject.group(1)] = subject.group(2)
    return "\n".join(plain)


def _order_reference(root: Element) -> str:
    value = text(root, "cac:OrderReference/cbc:ID")
    return "" if value == _NO_ORDER_REFERENCE else value


def _tax_total(root: Element, currency: str) -> Element:
    totals = find_all(root, "cac:TaxTotal")
    for element in totals:
        tax = find(element, "cbc:TaxAmount")
        if tax is not None and tax.get("currencyID", currency) == currency:
            return element
    raise DocumentError(FORMAT, "the VAT total (BT-110, cac:TaxTotal/cbc:TaxAmount) is missing")


def _breakdown(tax_total: Element) -> tuple[TaxBreakdown, ...]:
    rows = []
    for element in find_all(tax_total, "cac:TaxSubtotal"):
        category, rate = _category(element, "cac:TaxCategory")
        rows.append(
            TaxBreakdown(
                category=category,
                rate=rate,
                taxable=required_decimal(element, "cbc:TaxableAmount", "taxable amount (BT-116)"),
                tax=required_decimal(element, "cbc:TaxAmount", "VAT amount (BT-117)"),
                exemption_reason=text(element, "cac:TaxCategory/cbc:TaxExemptionReason"),
                exemption_code=text(element, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
            )
        )
    return tuple(rows)


def _category(element: Element, path: str) -> tuple[VatCategory, Decimal]:
    code = text(element, f"{path}/cbc:ID")
    if code not in _CATEGORIES:
        raise DocumentError(FORMAT, f"{path}/cbc:ID is not an EN 16931 VAT category: {code!r}")
    percent = decimal(element, f"{path}/cbc:Percent", "VAT rate")
    return _CATEGORIES[code], Decimal(0) if percent is None else percent / 100


def _totals(root: Element, currency: str) -> DocumentTotals:
    element = find(root, "cac:LegalMonetaryTotal")
    if element is None:
        raise DocumentError(
            FORMAT, "the document totals (BG-22, cac:LegalMonetaryTotal) are missing"
        )
    tax_total = _tax_total(root, currency)

    def total(name: str, term: str) -> Decimal:
        return required_decimal(element, f"cbc:{name}", term)

    return DocumentTotals(
        line_net=total("LineExtensionAmount", "sum of line nets (BT-106)"),
        allowances=amount_or_zero(element, "cbc:AllowanceTotalAmount", "allowances (BT-107)"),
        charges=amount_or_zero(element, "cbc:ChargeTotalAmount", "charges (BT-108)"),
        tax_exclusive=total("TaxExclusiveAmount", "total without VAT (BT-109)"),
        tax=required_decimal(tax_total, "cbc:TaxAmount", "VAT total (BT-110)"),
        tax_inclusive=total("TaxInclusiveAmount", "total with VAT (BT-112)"),
        prepaid=amount_or_zero(element, "cbc:PrepaidAmount", "paid amount (BT-113)"),
        rounding=amount_or_zero(element, "cbc:PayableRoundingAmount", "rounding (BT-114)"),
        payable=total("PayableAmount", "amount due (BT-115)"),
    )


def _allowance_charge(element: Element, document_level: bool) -> AllowanceCharge:
    indicator = text(element, "cbc:ChargeIndicator")
    if indicator not in _BOOLEANS:
        raise DocumentError(FORMAT, f"cbc:ChargeIndicator is not true or false: {indicator!r}")
    category, rate = VatCategory.STANDARD, Decimal(0)
    if document_level:
        category, rate = _category(element, "cac:TaxCategory")
    return AllowanceCharge(
        charge=_BOOLEANS[indicator],
        amount=required_decimal(element, "cbc:Amount", "allowance or charge amount"),
        reason=text(element, "cbc:AllowanceChargeReason"),
        reason_code=text(element, "cbc:AllowanceChargeReasonCode"),
        category=category,
        rate=rate,
        base_amount=decimal(element, "cbc:BaseAmount", "base amount"),
        percent=decimal(element, "cbc:MultiplierFactorNumeric", "percentage"),
    )


def _lines(root: Element, credit: bool) -> list[Element]:
    lines = find_all(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    if not lines:
        raise DocumentError(FORMAT, "the document has no lines (BG-25)")
    return lines


def _line(element: Element, credit: bool) -> InvoiceLine:
    quantity_path = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    quantity = find(element, quantity_path)
    category, rate = _category(element, "cac:Item/cac:ClassifiedTaxCategory")
    items = [
        replace(_allowance_charge(e, False), category=category, rate=rate)
        for e in find_all(element, "cac:AllowanceCharge")
    ]
    gtins = [
        text(e, ".")
        for e in find_all(element, "cac:Item/cac:StandardItemIdentification/cbc:ID")
        if e.get("schemeID") == "0160"
    ]
    return InvoiceLine(
        id=required_text(element, "cbc:ID", "the line identifier (BT-126)"),
        name=text(element, "cac:Item/cbc:Name"),
        sku=text(element, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        quantity=required_decimal(element, quantity_path, "invoiced quantity (BT-129)"),
        unit_code="" if quantity is None else str(quantity.get("unitCode") or ""),
        net_price=required_decimal(element, "cac:Price/cbc:PriceAmount", "net price (BT-146)"),
        base_quantity=_base_quantity(element),
        net=required_decimal(element, "cbc:LineExtensionAmount", "line net (BT-131)"),
        category=category,
        rate=rate,
        allowances=tuple(item for item in items if not item.charge),
        charges=tuple(item for item in items if item.charge),
        description=text(element, "cac:Item/cbc:Description"),
        note=text(element, "cbc:Note"),
        buyer_item_id=text(element, "cac:Item/cac:BuyersItemIdentification/cbc:ID"),
        gtin=gtins[0] if gtins else "",
    )


def _base_quantity(element: Element) -> Decimal:
    value = decimal(element, "cac:Price/cbc:BaseQuantity", "base quantity (BT-149)")
    return Decimal(1) if value is None else value
