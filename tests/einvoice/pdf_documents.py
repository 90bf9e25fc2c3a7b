"""Hand-built invoice documents for the PDF tests: a full one (every part of the layout filled
in, figures computed by the domain's own EN 16931 calculation) and variations of it."""

from __future__ import annotations

import dataclasses
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

SELLER = Party(
    name="Lindqvist & Söhne Werkzeugbau GmbH",
    trading_name="Lindqvist Tools",
    address=PostalAddress(("Hafenstraße 12", "Halle 3"), "Hamburg", "20457", "DE"),
    vat_id="DE123456789",
    tax_number="27/123/45678",
    registration_id="HRB 123456, Amtsgericht Hamburg",
    legal_info="Managing directors: Anna Lindqvist, Jonas Weber",
    electronic_address=ElectronicAddress("invoices@lindqvist.example"),
    contact=Contact("Accounts receivable", "+49 40 1234567", "billing@lindqvist.example"),
)

BUYER = Party(
    name="Brouwer Installatietechniek B.V.",
    address=PostalAddress(("Kanaalweg 45",), "Utrecht", "3526 KL", "NL"),
    vat_id="NL123456789B01",
    registration_id="KvK 30123456",
    contact=Contact("Mr. P. de Vries", "", "inkoop@brouwer.example"),
)


def document_line(
    index: int,
    quantity: str,
    price: str,
    *,
    unit: str = "H87",
    base: str = "1",
    category: VatCategory = VatCategory.STANDARD,
    rate: str = "0.19",
    allowances: tuple[AllowanceCharge, ...] = (),
    charges: tuple[AllowanceCharge, ...] = (),
    currency: str = "EUR",
    description: str = "",
) -> InvoiceLine:
    """A line whose net is what EN 16931 computes from its quantity, price and adjustments."""
    net = line_net(Decimal(quantity), Decimal(price), Decimal(base), allowances, charges, currency)
    return InvoiceLine(
        id=str(index),
        name=f"Torque wrench set, model {index}",
        sku=f"TW-{index:04d}",
        quantity=Decimal(quantity),
        unit_code=unit,
        net_price=Decimal(price),
        base_quantity=Decimal(base),
        net=net,
        category=category,
        rate=Decimal(rate),
        allowances=allowances,
        charges=charges,
        description=description,
    )


def build(
    lines: tuple[InvoiceLine, ...],
    *,
    allowances_charges: tuple[AllowanceCharge, ...] = (),
    currency: str = "EUR",
    prepaid: str = "0",
    **fields: object,
) -> InvoiceDocument:
    """An invoice of ``lines`` with its breakdown and totals computed; ``fields`` override the
    rest."""
    breakdown = tax_breakdown(lines, allowances_charges, currency)
    totals = compute_totals(lines, allowances_charges, breakdown, prepaid=Decimal(prepaid))
    document = InvoiceDocument(
        type=DocumentType.INVOICE,
        number="INV-2026-00042",
        issue_date=date(2026, 11, 30),
        currency=currency,
        seller=SELLER,
        buyer=BUYER,
        lines=lines,
        tax_breakdown=breakdown,
        totals=totals,
        allowances_charges=allowances_charges,
        due_date=date(2026, 12, 30),
        payment_terms="30 days net; 2 % discount if paid within 10 days.",
        payment_means=PaymentMeans(
            PaymentMeansCode.SEPA_CREDIT_TRANSFER,
            iban="DE89370400440532013000",
            bic="COBADEFFXXX",
            account_name="Lindqvist & Söhne Werkzeugbau GmbH",
        ),
        payment_reference="INV-2026-00042",
        buyer_reference="BR-7781",
        purchase_order_reference="PO-55120",
        sales_order_reference="SO-1001",
        note="Thank you for your order.\nGoods remain our property until paid in full.",
        delivery=Delivery(
            name="Brouwer Installatietechniek, warehouse",
            address=PostalAddress(("Industrieweg 7",), "Nieuwegein", "3433 NA", "NL"),
            date=date(2026, 11, 28),
        ),
    )
    return dataclasses.replace(document, **fields)  # type: ignore[arg-type]


def full_invoice() -> InvoiceDocument:
    """Every part of the layout: units, a base quantity, line and document adjustments, two
    rates and an exempt line with its reason, a prepayment."""
    discount = AllowanceCharge(False, Decimal("12.00"), "Loyalty discount", "95")
    lines = (
        document_line(1, "4", "89.90", description="1/2 inch drive, 40–200 Nm, in case"),
        document_line(2, "12.5", "3.20", unit="MTR", allowances=(discount,)),
        document_line(3, "250", "18.00", unit="C62", base="100"),
        document_line(4, "3", "65.00", unit="HUR", rate="0.07"),
        document_line(5, "1", "120.00", unit="LS", category=VatCategory.EXEMPT, rate="0"),
    )
    freight = AllowanceCharge(
        True, Decimal("25.00"), "Freight", "FC", VatCategory.STANDARD, Decimal("0.19")
    )
    rebate = AllowanceCharge(
        False,
        Decimal("10.00"),
        "Volume rebate",
        "95",
        VatCategory.STANDARD,
        Decimal("0.19"),
        base_amount=Decimal("500.00"),
        percent=Decimal("2"),
    )
    return build(lines, allowances_charges=(freight, rebate), prepaid="100.00")


def many_lines(count: int) -> InvoiceDocument:
    """An invoice long enough to run over several pages."""
    lines = tuple(document_line(i, str(i), "9.99") for i in range(1, count + 1))
    return build(lines)
