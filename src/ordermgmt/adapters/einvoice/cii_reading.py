"""Reading a UN/CEFACT CII (D16B) invoice or credit note back into an :class:`InvoiceDocument`.

Reads what :func:`~ordermgmt.adapters.einvoice.cii.render_cii` writes and EN 16931 CII
documents from elsewhere (the official CII examples, Factur-X and XRechnung XML among them):
the parties, every figure (lines, allowances and charges, the VAT breakdown and the totals, as
stated, not recomputed), the references, the delivery and the payment instructions.

The XML is read with lxml rather than drafthorse: drafthorse's parser refuses five of the
fifteen official EN 16931 CII examples (it takes the optional ``listVersionID`` of a product
classification and the ``unitCode`` of a quantity for mandatory, does not know
``udt:DateString`` nor skip comments when strict), reads a classification code as a number
and puts the VAT total (``ram:TaxTotalAmount``) into the field meant for the one in the tax
currency; and its errors would not say which element is wrong.

A file that is not well-formed XML, not a CII ``CrossIndustryInvoice``, lacks a mandatory
business term or holds a malformed value raises :class:`DocumentError` saying which (see
:mod:`~ordermgmt.adapters.einvoice.cii_read_xml`).

What the model cannot hold is kept in ``extra``: notes with a subject code (BT-21) under
that code, an unknown payment means code under ``payment_means_code``, a creditor identifier
without payment instructions under ``creditor_id`` and a document type code other than
380/381 under ``type_code``. A line allowance or charge is taxed with its line: it reads with
its line's VAT category and rate.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from ordermgmt.adapters.einvoice.cii_read_xml import (
    FORMAT,
    Element,
    amount_or_zero,
    day,
    decimal,
    find,
    find_all,
    parse,
    require,
    required_day,
    required_decimal,
    required_text,
    text,
)
from ordermgmt.adapters.einvoice.cii_reading_parties import delivery, party, payment_means
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

_CATEGORIES = {category.value: category for category in VatCategory}
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_TRANSACTION = "rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
_TERMS = "ram:SpecifiedTradePaymentTerms"
_PRECEDING = "ram:InvoiceReferencedDocument"


def read_cii(xml: bytes) -> InvoiceDocument:
    """The document a CII ``rsm:CrossIndustryInvoice`` states.

    Raises :class:`DocumentError` for anything else, naming what is wrong.
    """
    root = parse(xml)
    header = require(root, "rsm:ExchangedDocument", "the document header")
    agreement = require(root, _AGREEMENT, "the trade agreement")
    settlement = require(root, _SETTLEMENT, "the trade settlement")
    currency = required_text(settlement, "ram:InvoiceCurrencyCode", "the currency (BT-5)")
    extra: dict[str, str] = {}
    period_start, period_end = _period(settlement)
    preceding_invoice, preceding_invoice_date = _preceding_invoice(settlement)
    return InvoiceDocument(
        type=_type(header, extra),
        number=required_text(header, "ram:ID", "the invoice number (BT-1)"),
        issue_date=required_day(header, "ram:IssueDateTime", "the issue date (BT-2)"),
        currency=currency,
        seller=party(agreement, "SellerTradeParty", "seller (BG-4)", seller=True),
        buyer=party(agreement, "BuyerTradeParty", "buyer (BG-7)", seller=False),
        lines=tuple(_line(element) for element in _lines(root)),
        tax_breakdown=tuple(
            _breakdown_row(e) for e in find_all(settlement, "ram:ApplicableTradeTax")
        ),
        totals=_totals(settlement, currency),
        allowances_charges=tuple(
            _allowance_charge(element, document_level=True)
            for element in find_all(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ),
        due_date=_due_date(settlement),
        payment_terms="\n".join(
            text(e, ".") for e in find_all(settlement, f"{_TERMS}/ram:Description")
        ),
        payment_means=payment_means(root, extra),
        payment_reference=text(settlement, "ram:PaymentReference"),
        buyer_reference=text(agreement, "ram:BuyerReference"),
        purchase_order_reference=_order_reference(agreement, "Buyer"),
        sales_order_reference=_order_reference(agreement, "Seller"),
        note=_notes(header, extra),
        delivery=delivery(root),
        period_start=period_start,
        period_end=period_end,
        preceding_invoice=preceding_invoice,
        preceding_invoice_date=preceding_invoice_date,
        extra=extra,
    )


def _order_reference(agreement: Element, party: str) -> str:
    """BT-13 (``party`` ``Buyer``) or BT-14 (``Seller``)."""
    return text(agreement, f"ram:{party}OrderReferencedDocument/ram:IssuerAssignedID")


def _period(settlement: Element) -> tuple[date | None, date | None]:
    """The invoicing period (BG-14): start (BT-73) and end (BT-74)."""
    period = "ram:BillingSpecifiedPeriod"
    return (
        day(settlement, f"{period}/ram:StartDateTime", "the period start (BT-73)"),
        day(settlement, f"{period}/ram:EndDateTime", "the period end (BT-74)"),
    )


def _preceding_invoice(settlement: Element) -> tuple[str, date | None]:
    """The invoice a credit note credits: number (BT-25) and issue date (BT-26)."""
    return (
        text(settlement, f"{_PRECEDING}/ram:IssuerAssignedID"),
        day(
            settlement,
            f"{_PRECEDING}/ram:FormattedIssueDateTime",
            "the preceding invoice date (BT-26)",
        ),
    )


def _type(header: Element, extra: dict[str, str]) -> DocumentType:
    code = required_text(header, "ram:TypeCode", "the document type code (BT-3)")
    if code == DocumentType.CREDIT_NOTE.value:
        return DocumentType.CREDIT_NOTE
    if code != DocumentType.INVOICE.value:
        extra["type_code"] = code
    return DocumentType.INVOICE


def _notes(header: Element, extra: dict[str, str]) -> str:
    plain: list[str] = []
    for element in find_all(header, "ram:IncludedNote"):
        content = text(element, "ram:Content")
        subject = text(element, "ram:SubjectCode")
        if not subject:
            plain.append(content)
        elif subject in extra:
            extra[subject] += "\n" + content
        else:
            extra[subject] = content
    return "\n".join(plain)


def _due_date(settlement: Element) -> date | None:
    for terms in find_all(settlement, _TERMS):
        due = day(terms, "ram:DueDateDateTime", "the due date (BT-9)")
        if due is not None:
            return due
    return None


def _category(element: Element, path: str) -> tuple[VatCategory, Decimal]:
    code = text(element, f"{path}/ram:CategoryCode")
    if code not in _CATEGORIES:
        raise DocumentError(
            FORMAT, f"{path}/ram:CategoryCode is not an EN 16931 VAT category: {code!r}"
        )
    percent = decimal(element, f"{path}/ram:RateApplicablePercent", "VAT rate")
    return _CATEGORIES[code], Decimal(0) if percent is None else percent / 100


def _breakdown_row(element: Element) -> TaxBreakdown:
    category, rate = _category(element, ".")
    return TaxBreakdown(
        category=category,
        rate=rate,
        taxable=required_decimal(element, "ram:BasisAmount", "taxable amount (BT-116)"),
        tax=required_decimal(element, "ram:CalculatedAmount", "VAT amount (BT-117)"),
        exemption_reason=text(element, "ram:ExemptionReason"),
        exemption_code=text(element, "ram:ExemptionReasonCode"),
    )


def _tax_total(summation: Element, currency: str) -> Decimal:
    """BT-110: the ``ram:TaxTotalAmount`` in the document currency (a second one may state
    the VAT in the tax currency, BT-111)."""
    for element in find_all(summation, "ram:TaxTotalAmount"):
        if (element.get("currencyID") or currency).strip() == currency:
            return required_decimal(element, ".", "VAT total (BT-110, ram:TaxTotalAmount)")
    return Decimal(0)


def _totals(settlement: Element, currency: str) -> DocumentTotals:
    summation = require(
        settlement,
        "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
        "the document totals (BG-22)",
    )

    def total(name: str, term: str) -> Decimal:
        return required_decimal(summation, f"ram:{name}", term)

    def optional(name: str, term: str) -> Decimal:
        return amount_or_zero(summation, f"ram:{name}", term)

    return DocumentTotals(
        line_net=total("LineTotalAmount", "sum of line nets (BT-106)"),
        allowances=optional("AllowanceTotalAmount", "sum of allowances (BT-107)"),
        charges=optional("ChargeTotalAmount", "sum of charges (BT-108)"),
        tax_exclusive=total("TaxBasisTotalAmount", "total without VAT (BT-109)"),
        tax=_tax_total(summation, currency),
        tax_inclusive=total("GrandTotalAmount", "total with VAT (BT-112)"),
        prepaid=optional("TotalPrepaidAmount", "paid amount (BT-113)"),
        rounding=optional("RoundingAmount", "rounding amount (BT-114)"),
        payable=total("DuePayableAmount", "amount due (BT-115)"),
    )


def _allowance_charge(element: Element, document_level: bool) -> AllowanceCharge:
    indicator = text(element, "ram:ChargeIndicator/udt:Indicator")
    if indicator not in _BOOLEANS:
        raise DocumentError(
            FORMAT, f"ram:ChargeIndicator/udt:Indicator is not true or false: {indicator!r}"
        )
    category, rate = VatCategory.STANDARD, Decimal(0)
    if document_level:
        category, rate = _category(element, "ram:CategoryTradeTax")
    return AllowanceCharge(
        charge=_BOOLEANS[indicator],
        amount=required_decimal(element, "ram:ActualAmount", "allowance or charge amount"),
        reason=text(element, "ram:Reason"),
        reason_code=text(element, "ram:ReasonCode"),
        category=category,
        rate=rate,
        base_amount=decimal(element, "ram:BasisAmount", "base amount"),
        percent=decimal(element, "ram:CalculationPercent", "percentage"),
    )


def _lines(root: Element) -> list[Element]:
    lines = find_all(root, f"{_TRANSACTION}/ram:IncludedSupplyChainTradeLineItem")
    if not lines:
        raise DocumentError(FORMAT, "the document has no lines (BG-25)")
    return lines


def _line(element: Element) -> InvoiceLine:
    number = required_text(
        element, "ram:AssociatedDocumentLineDocument/ram:LineID", "the line identifier (BT-126)"
    )
    settlement = require(element, "ram:SpecifiedLineTradeSettlement", f"line {number} settlement")
    category, rate = _category(settlement, "ram:ApplicableTradeTax")
    items = [
        replace(_allowance_charge(e, document_level=False), category=category, rate=rate)
        for e in find_all(settlement, "ram:SpecifiedTradeAllowanceCharge")
    ]
    quantity_path = "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"
    price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
    product = find(element, "ram:SpecifiedTradeProduct")
    gtins = [text(e, ".") for e in find_all(product, "ram:GlobalID") if e.get("schemeID") == "0160"]
    base = decimal(element, f"{price}/ram:BasisQuantity", "base quantity (BT-149)")
    return InvoiceLine(
        id=number,
        name=text(product, "ram:Name"),
        sku=text(product, "ram:SellerAssignedID"),
        quantity=required_decimal(element, quantity_path, "invoiced quantity (BT-129)"),
        unit_code=str(require(element, quantity_path, "quantity").get("unitCode") or "").strip(),
        net_price=required_decimal(element, f"{price}/ram:ChargeAmount", "net price (BT-146)"),
        base_quantity=Decimal(1) if base is None else base,
        net=required_decimal(
            settlement,
            "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            f"line {number} net (BT-131)",
        ),
        category=category,
        rate=rate,
        allowances=tuple(item for item in items if not item.charge),
        charges=tuple(item for item in items if item.charge),
        description=text(product, "ram:Description"),
        note="\n".join(
            text(e, "ram:Content")
            for e in find_all(element, "ram:AssociatedDocumentLineDocument/ram:IncludedNote")
        ),
        buyer_item_id=text(product, "ram:BuyerAssignedID"),
        gtin=gtins[0] if gtins else "",
    )
