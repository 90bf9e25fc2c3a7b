"""From an order's world to a legal document: what an invoice says about its parties, and the
EN 16931 :class:`~ordermgmt.domain.document.InvoiceDocument` of an issued invoice or credit note.

The figures of the document are the issued document's own: lines, allowances and charges and
the tax per category and rate as they were posted, so document and ledger agree to the cent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from ordermgmt.domain.charges import Charge
from ordermgmt.domain.customer import Address, Customer, CustomerKind
from ordermgmt.domain.document import (
    AllowanceCharge,
    Contact,
    Delivery,
    DocumentDetails,
    DocumentType,
    ElectronicAddress,
    InvoiceDocument,
    InvoiceLine,
    Party,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
    Seller,
    TaxBreakdown,
    compute_totals,
)
from ordermgmt.domain.errors import DocumentError
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.domain.invoice import DocumentLine as IssuedLine
from ordermgmt.domain.order import Order
from ordermgmt.domain.vat import DEFAULT_REASONS, Sale, VatCategory

#: The reason code of a line discount (UNTDID 5189 ``95``: discount).
DISCOUNT_CODE = "95"
#: The reason code of a line charge when none is given (UNTDID 7161 ``ZZZ``: mutually defined).
LINE_CHARGE_CODE = "ZZZ"


def postal(address: Address) -> PostalAddress:
    lines = tuple(line for line in (address.line1, address.line2) if line)
    return PostalAddress(lines, address.city, address.postal_code, address.country)


def buyer_party(customer: Customer) -> Party:
    """The customer as an invoice names the buyer (BG-7)."""
    address = customer.billing_address or customer.shipping_address
    if customer.electronic_address:
        endpoint = ElectronicAddress(customer.electronic_address, customer.electronic_scheme)
    elif customer.email:
        endpoint = ElectronicAddress(customer.email, "EM")
    else:
        endpoint = None
    contact = Contact(phone=customer.phone, email=customer.email)
    return Party(
        name=customer.name,
        address=postal(address) if address else PostalAddress((), "", "", ""),
        vat_id=customer.vat_id,
        electronic_address=endpoint,
        contact=contact if customer.phone or customer.email else None,
    )


def sale_of(seller: Seller | None, customer: Customer) -> Sale:
    """Who sells to whom and where the goods go; a country nobody gave is ``""`` (then no
    rule that needs it applies)."""
    billing = customer.billing_address or customer.shipping_address
    shipping = customer.shipping_address or customer.billing_address
    return Sale(
        seller_country=seller.country if seller else "",
        buyer_country=billing.country if billing else "",
        delivery_country=shipping.country if shipping else "",
        buyer_vat_id=customer.vat_id,
        business=customer.kind is CustomerKind.B2B,
    )


def payment_means(seller: Seller | None, customer: Customer) -> PaymentMeans | None:
    """How the customer pays: by SEPA direct debit under its mandate where it gave one and the
    seller collects direct debits, else as the seller's payment instructions say."""
    if seller is None:
        return None
    if customer.mandate_reference and seller.creditor_id:
        return PaymentMeans(
            PaymentMeansCode.SEPA_DIRECT_DEBIT,
            mandate_reference=customer.mandate_reference,
            creditor_id=seller.creditor_id,
            debtor_iban=customer.debit_iban,
        )
    return seller.payment_means


def details_for(
    seller: Seller | None,
    customer: Customer,
    order: Order,
    *,
    payment_terms: str,
    payment_reference: str,
    note: str = "",
    delivery_date: date | None = None,
    period: tuple[date, date] | None = None,
    prepaid: Decimal = Decimal(0),
) -> DocumentDetails:
    """What an invoice of ``order`` to ``customer`` says besides its amounts, now."""
    shipping = customer.shipping_address or customer.billing_address
    return DocumentDetails(
        seller=seller.party if seller else None,
        buyer=buyer_party(customer),
        payment_means=payment_means(seller, customer),
        payment_terms=payment_terms,
        payment_reference=payment_reference,
        buyer_reference=order.buyer_reference or customer.buyer_reference,
        purchase_order_reference=order.customer_reference,
        note=note,
        delivery=Delivery(
            name=shipping.name if shipping else "",
            address=postal(shipping) if shipping else None,
            date=delivery_date,
        ),
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        exemption_reasons=seller.exemption_reasons if seller else (),
        prepaid=prepaid,
    )


def document_of(document: Invoice | CreditNote, invoice: Invoice | None = None) -> InvoiceDocument:
    """The EN 16931 content of an issued invoice, or of a credit note of ``invoice``.

    Raises ``DocumentError`` when the document lacks what every e-invoice needs: a seller
    (configure one on the OMS) and the buyer's country."""
    details = document.details
    if details.seller is None:
        raise DocumentError("en16931", "no seller is configured: give the OMS a Seller")
    if details.buyer is None or not details.buyer.address.country:
        raise DocumentError("en16931", "the buyer has no address with a country (BT-55)")
    seller, buyer = _parties(document, details.seller, details.buyer)
    lines = tuple(_line(line) for line in document.lines)
    items = tuple(_allowance_charge(charge) for charge in document.charges)
    breakdown = _breakdown(document, details)
    credit_note = isinstance(document, CreditNote)
    prepaid = details.prepaid if isinstance(document, Invoice) else Decimal(0)
    return InvoiceDocument(
        type=DocumentType.CREDIT_NOTE if credit_note else DocumentType.INVOICE,
        number=document.number,
        issue_date=document.issued_at.date(),
        currency=document.currency,
        seller=seller,
        buyer=buyer,
        lines=lines,
        tax_breakdown=breakdown,
        totals=compute_totals(lines, items, breakdown, prepaid=prepaid),
        allowances_charges=items,
        due_date=document.due_date if isinstance(document, Invoice) else None,
        payment_terms=details.payment_terms,
        payment_means=details.payment_means,
        # remittance information belongs to payment instructions (UBL keeps it inside them)
        payment_reference=(details.payment_reference or document.number)
        if details.payment_means
        else "",
        buyer_reference=details.buyer_reference,
        purchase_order_reference=details.purchase_order_reference,
        note=_note(document, details),
        delivery=details.delivery,
        period_start=details.period_start,
        period_end=details.period_end,
        preceding_invoice=invoice.number if invoice else "",
        preceding_invoice_date=invoice.issued_at.date() if invoice else None,
    )


def _parties(document: Invoice | CreditNote, seller: Party, buyer: Party) -> tuple[Party, Party]:
    """Seller and buyer as the document's VAT categories need them (EN 16931 BR-S-02 & co):
    a document outside the scope of VAT names no VAT identifier (BR-O-02) and so needs the
    seller's legal registration (BR-CO-26); every other category needs the seller's VAT id or
    tax number."""
    categories = {s.category for s in document.tax_subtotals}
    if categories == {VatCategory.OUTSIDE_SCOPE}:
        if not seller.registration_id:
            raise DocumentError(
                "en16931",
                "outside the scope of VAT the seller names no VAT id, so its legal registration "
                "id (BT-30) is needed (BR-CO-26)",
            )
        return replace(seller, vat_id=""), replace(buyer, vat_id="")
    if not seller.vat_id and not seller.tax_number:
        raise DocumentError("en16931", "the seller needs a VAT id (BT-31) or tax number (BT-32)")
    return seller, buyer


def _note(document: Invoice | CreditNote, details: DocumentDetails) -> str:
    if isinstance(document, CreditNote) and document.reason:
        return f"{document.reason}\n{details.note}".strip()
    return details.note


def _line(line: IssuedLine) -> InvoiceLine:
    allowances: tuple[AllowanceCharge, ...] = ()
    if not line.discount.is_zero:
        reason = line.discount_reason or "Discount"
        allowances = (AllowanceCharge(False, line.discount.amount, reason, DISCOUNT_CODE),)
    charges: tuple[AllowanceCharge, ...] = ()
    if line.charge is not None and not line.charge.is_zero:
        reason = line.charge_reason or "Charge"
        charges = (AllowanceCharge(True, line.charge.amount, reason, LINE_CHARGE_CODE),)
    return InvoiceLine(
        id=str(line.order_line_no),
        name=line.name,
        sku=line.sku,
        quantity=Decimal(line.quantity),
        unit_code=line.unit_code,
        net_price=line.unit_price.amount,
        base_quantity=Decimal(line.base_quantity),
        net=line.net.amount,
        category=line.tax_category,
        rate=line.tax_rate,
        allowances=allowances,
        charges=charges,
    )


def _allowance_charge(charge: Charge) -> AllowanceCharge:
    return AllowanceCharge(
        charge=charge.charge,
        amount=charge.amount.amount,
        reason=charge.label,
        reason_code=charge.reason_code,
        category=charge.tax_category,
        rate=charge.tax_rate,
    )


def _breakdown(
    document: Invoice | CreditNote, details: DocumentDetails
) -> tuple[TaxBreakdown, ...]:
    reasons = {category: (code, text) for category, code, text in details.exemption_reasons}
    result = []
    for subtotal in document.tax_subtotals:
        category = subtotal.category
        code, text = reasons.get(category, DEFAULT_REASONS.get(category, ("", "")))
        result.append(
            TaxBreakdown(
                category=category,
                rate=subtotal.rate,
                taxable=subtotal.net.amount,
                tax=subtotal.tax.amount,
                exemption_reason=text if category.needs_reason else "",
                exemption_code=code if category.needs_reason else "",
            )
        )
    return tuple(result)
