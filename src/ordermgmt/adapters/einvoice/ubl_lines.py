"""UBL 2.1 elements of the figures of an EN 16931 document: allowances and charges (BG-20,
BG-21, BG-27, BG-28), the VAT breakdown (BG-23), the totals (BG-22) and the lines (BG-25)."""

from __future__ import annotations

from ordermgmt.adapters.einvoice.ubl_xml import (
    Element,
    amount,
    cac,
    cbc,
    required,
    tax_category,
)
from ordermgmt.domain.document import (
    AllowanceCharge,
    DocumentType,
    InvoiceDocument,
    InvoiceLine,
)

#: The scheme of a GTIN (BT-157) among the standard item identifiers (ISO 6523 ICD 0160).
GTIN_SCHEME = "0160"


def allowance_charge(item: AllowanceCharge, currency: str, document_level: bool) -> Element:
    """``cac:AllowanceCharge``; only a document-level one states its VAT category (BT-95,
    BT-102), a line's is taxed with its line."""
    return required(
        "AllowanceCharge",
        cbc("ChargeIndicator", "true" if item.charge else "false"),
        cbc("AllowanceChargeReasonCode", item.reason_code),
        cbc("AllowanceChargeReason", item.reason),
        cbc("MultiplierFactorNumeric", item.percent),
        amount("Amount", item.amount, currency),
        amount("BaseAmount", item.base_amount, currency),
        tax_category("TaxCategory", item.category, item.rate) if document_level else None,
    )


def tax_total(document: InvoiceDocument) -> Element:
    """The VAT total (BT-110) and its breakdown per category and rate (BG-23)."""
    currency = document.currency
    subtotals = [
        required(
            "TaxSubtotal",
            amount("TaxableAmount", row.taxable, currency),
            amount("TaxAmount", row.tax, currency),
            tax_category(
                "TaxCategory",
                row.category,
                row.rate,
                cbc("TaxExemptionReasonCode", row.exemption_code),
                cbc("TaxExemptionReason", row.exemption_reason),
                breakdown=True,
            ),
        )
        for row in document.tax_breakdown
    ]
    return required("TaxTotal", amount("TaxAmount", document.totals.tax, currency), *subtotals)


def monetary_total(document: InvoiceDocument) -> Element:
    """The document totals (BG-22); allowances, charges, prepaid and rounding when not 0."""
    totals, currency = document.totals, document.currency
    return required(
        "LegalMonetaryTotal",
        amount("LineExtensionAmount", totals.line_net, currency),
        amount("TaxExclusiveAmount", totals.tax_exclusive, currency),
        amount("TaxInclusiveAmount", totals.tax_inclusive, currency),
        amount("AllowanceTotalAmount", totals.allowances or None, currency),
        amount("ChargeTotalAmount", totals.charges or None, currency),
        amount("PrepaidAmount", totals.prepaid or None, currency),
        amount("PayableRoundingAmount", totals.rounding or None, currency),
        amount("PayableAmount", totals.payable, currency),
    )


def line(value: InvoiceLine, document_type: DocumentType, currency: str) -> Element:
    """``cac:InvoiceLine`` (``cbc:InvoicedQuantity``) or ``cac:CreditNoteLine``
    (``cbc:CreditedQuantity``)."""
    credit = document_type is DocumentType.CREDIT_NOTE
    return required(
        "CreditNoteLine" if credit else "InvoiceLine",
        cbc("ID", value.id),
        cbc("Note", value.note),
        cbc(
            "CreditedQuantity" if credit else "InvoicedQuantity",
            value.quantity,
            unitCode=value.unit_code,
        ),
        amount("LineExtensionAmount", value.net, currency),
        *(allowance_charge(item, currency, False) for item in value.allowances),
        *(allowance_charge(item, currency, False) for item in value.charges),
        _item(value),
        required(
            "Price",
            cbc("PriceAmount", value.net_price, currencyID=currency),
            cbc("BaseQuantity", value.base_quantity, unitCode=value.unit_code),
        ),
    )


def _item(value: InvoiceLine) -> Element:
    return required(
        "Item",
        cbc("Description", value.description),
        cbc("Name", value.name),
        cac("BuyersItemIdentification", cbc("ID", value.buyer_item_id)),
        cac("SellersItemIdentification", cbc("ID", value.sku)),
        cac("StandardItemIdentification", cbc("ID", value.gtin, schemeID=GTIN_SCHEME)),
        tax_category("ClassifiedTaxCategory", value.category, value.rate),
    )
