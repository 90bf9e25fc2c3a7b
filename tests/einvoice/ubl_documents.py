"""Hand-built documents for the UBL tests: an invoice that fills every business term the
model has, and its credit note."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from ordermgmt.domain.document import (
    AllowanceCharge,
    Contact,
    Delivery,
    DocumentType,
    ElectronicAddress,
    InvoiceDocument,
    InvoiceLine,
    Party,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
    compute_totals,
    line_net,
    tax_breakdown,
)
from ordermgmt.domain.vat import VatCategory

CURRENCY = "EUR"
SELLER = Party(
    name="Muster Werkzeuge GmbH",
    address=PostalAddress(
        ("Hauptstraße 1", "Hinterhaus", "3. Stock"), "Berlin", "10115", "DE", "Berlin"
    ),
    trading_name="Muster Werkzeuge",
    vat_id="DE123456789",
    tax_number="201/113/40209",
    registration_id="HRB 12345",
    legal_info="Geschäftsführer: Erika Muster",
    electronic_address=ElectronicAddress("DE123456789", "9930"),
    contact=Contact("Erika Muster", "+49 30 123456", "erika@muster.example"),
)
BUYER = Party(
    name="Acme Bouw B.V.",
    address=PostalAddress(("Keizersgracht 10",), "Amsterdam", "1015 CJ", "NL"),
    trading_name="Acme",
    vat_id="NL123456789B01",
    registration_id="57151520",
    electronic_address=ElectronicAddress("0012345678905", "0088"),
    contact=Contact("Jan Jansen", "+31 20 1234567", "jan@acme.example"),
)


def _line(
    number: str,
    quantity: str,
    price: str,
    base: str = "1",
    rate: str = "0.19",
    allowances: tuple[AllowanceCharge, ...] = (),
    charges: tuple[AllowanceCharge, ...] = (),
    **more: str,
) -> InvoiceLine:
    # A line's allowances and charges are taxed with it.
    category, vat = VatCategory.STANDARD, Decimal(rate)
    allowances = tuple(replace(item, category=category, rate=vat) for item in allowances)
    charges = tuple(replace(item, category=category, rate=vat) for item in charges)
    net = line_net(Decimal(quantity), Decimal(price), Decimal(base), allowances, charges, CURRENCY)
    return InvoiceLine(
        id=number,
        name=f"Item {number}",
        sku=f"SKU-{number}",
        quantity=Decimal(quantity),
        unit_code="H87",
        net_price=Decimal(price),
        base_quantity=Decimal(base),
        net=net,
        category=category,
        rate=vat,
        allowances=allowances,
        charges=charges,
        **more,
    )


def full_invoice() -> InvoiceDocument:
    """An invoice with every field of the model filled."""
    lines = (
        _line(
            "1",
            "3",
            "12.3456",
            allowances=(
                AllowanceCharge(
                    False,
                    Decimal("3.70"),
                    "Discount",
                    "95",
                    base_amount=Decimal("37.04"),
                    percent=Decimal("10"),
                ),
            ),
            description="A hammer",
            note="Handle in ash",
            buyer_item_id="B-1",
            gtin="4012345678901",
        ),
        _line(
            "2",
            "2.5",
            "8.00",
            base="10",
            rate="0.07",
            charges=(AllowanceCharge(True, Decimal("1.00"), "Packing", "ABL"),),
        ),
    )
    items = (
        AllowanceCharge(
            False, Decimal("5.00"), "Loyalty discount", "95", VatCategory.STANDARD, Decimal("0.19")
        ),
        AllowanceCharge(
            True, Decimal("7.50"), "Freight", "FC", VatCategory.STANDARD, Decimal("0.19")
        ),
    )
    breakdown = tax_breakdown(lines, items, CURRENCY)
    totals = compute_totals(
        lines, items, breakdown, prepaid=Decimal("10.00"), rounding=Decimal("0.01")
    )
    return InvoiceDocument(
        type=DocumentType.INVOICE,
        number="RE-2026-0001",
        issue_date=date(2026, 12, 1),
        currency=CURRENCY,
        seller=SELLER,
        buyer=BUYER,
        lines=lines,
        tax_breakdown=breakdown,
        totals=totals,
        allowances_charges=items,
        due_date=date(2026, 12, 31),
        payment_terms="30 days net",
        payment_means=PaymentMeans(
            PaymentMeansCode.SEPA_CREDIT_TRANSFER,
            iban="DE02120300000000202051",
            bic="BYLADEM1001",
            account_name="Muster Werkzeuge GmbH",
        ),
        payment_reference="RE-2026-0001",
        buyer_reference="04011000-12345-03",
        purchase_order_reference="PO-778",
        sales_order_reference="SO-42",
        note="Thank you for your order.",
        delivery=Delivery(
            "Acme site 3",
            PostalAddress(("Dam 1",), "Amsterdam", "1012 JS", "NL"),
            date(2026, 11, 28),
        ),
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
    )


def full_credit_note() -> InvoiceDocument:
    """A credit note of :func:`full_invoice`, refunded by SEPA direct debit reversal."""
    invoice = full_invoice()
    return replace(
        invoice,
        type=DocumentType.CREDIT_NOTE,
        number="GS-2026-0001",
        preceding_invoice=invoice.number,
        preceding_invoice_date=invoice.issue_date,
        payment_means=PaymentMeans(
            PaymentMeansCode.SEPA_DIRECT_DEBIT,
            mandate_reference="MANDATE-1",
            creditor_id="DE98ZZZ09999999999",
            debtor_iban="NL91ABNA0417164300",
        ),
    )


def outside_scope_invoice() -> InvoiceDocument:
    """An invoice not subject to VAT (category O): no rate anywhere, no VAT identifiers."""
    lines = (
        replace(_line("1", "4", "25.00"), category=VatCategory.OUTSIDE_SCOPE, rate=Decimal(0)),
    )
    items = (AllowanceCharge(True, Decimal("5.00"), "Handling", "ABL", VatCategory.OUTSIDE_SCOPE),)
    breakdown = tax_breakdown(lines, items, CURRENCY)
    return replace(
        full_invoice(),
        seller=replace(SELLER, vat_id=""),
        buyer=replace(BUYER, vat_id=""),
        lines=lines,
        allowances_charges=items,
        tax_breakdown=breakdown,
        totals=compute_totals(lines, items, breakdown),
    )
