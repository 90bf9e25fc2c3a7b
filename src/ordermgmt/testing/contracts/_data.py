"""The suites' data: domain objects built directly, with fixed times and ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Final, TypeVar

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Address, Customer, CustomerKind, PaymentPreference
from ordermgmt.domain.ids import CustomerId, OrderId, ReceiptId, RequisitionId
from ordermgmt.domain.invoice import CreditNote, Invoice, Settlement, document_line
from ordermgmt.domain.ledger import JournalEntry, Posting, Side
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Channel, Order, OrderLine, PaymentStatus
from ordermgmt.domain.payment import Payment, PaymentKind, PaymentMethod
from ordermgmt.domain.purchasing import (
    PurchaseRequisition,
    RequisitionReason,
    SupplierReceipt,
)
from ordermgmt.domain.returns import ReturnLine, ReturnRequest
from ordermgmt.domain.shipment import (
    Parcel,
    Shipment,
    ShipmentLine,
)

T = TypeVar("T")

#: Business time of the suite's data: Monday, 5 January 2026, 09:00 UTC.
T0: Final = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _eur(amount: str) -> Money:
    return Money(amount, "EUR")


def _customer(customer_id: str = "C-1", name: str = "Erika Mustermann") -> Customer:
    return Customer(
        id=CustomerId(customer_id),
        name=name,
        kind=CustomerKind.B2C,
        payment_preference=PaymentPreference.CARD,
        registered_at=T0,
    )


def _b2b_customer(customer_id: str = "C-B2B") -> Customer:
    office = Address(
        line1="Industriestraße 7",
        line2="Halle 3",
        city="Köln",
        postal_code="50667",
        country="DE",
        name="ACME GmbH",
    )
    return Customer(
        id=CustomerId(customer_id),
        name="ACME GmbH",
        kind=CustomerKind.B2B,
        payment_preference=PaymentPreference.INVOICE,
        payment_terms_days=30,
        credit_limit=_eur("5000.00"),
        email="einkauf@acme.example",
        phone="+49 221 1234567",
        billing_address=office,
        shipping_address=Address(
            line1="Lagerweg 1", city="Hürth", postal_code="50354", country="DE"
        ),
        blocked=True,
        registered_at=_at(-60 * 24),
    )


def _line(
    line_no: int,
    sku: str = "SKU-1",
    quantity: int = 2,
    price: str = "10.00",
    *,
    discount: str = "0.00",
    tax_rate: str = "0.19",
) -> OrderLine:
    return OrderLine(
        line_no=line_no,
        sku=sku,
        name=f"Product {sku}",
        quantity=quantity,
        unit_price=_eur(price),
        tax_rate=Decimal(tax_rate),
        discount=_eur(discount),
    )


def _order(
    order_id: str = "O-1",
    number: str = "SO-000001",
    customer_id: str = "C-1",
    *,
    lines: list[OrderLine] | None = None,
    at: datetime = T0,
    key: str | None = None,
) -> Order:
    return Order.place(
        id=OrderId(order_id),
        number=number,
        customer_id=CustomerId(customer_id),
        channel=Channel.WEB,
        currency="EUR",
        lines=lines if lines is not None else [_line(1)],
        at=at,
        idempotency_key=key,
    )


def _rich_order() -> Order:
    """An order using every field: discounts, two tax rates, a split reservation, a backorder."""
    order = Order.place(
        id=OrderId("O-RICH"),
        number="SO-000042",
        customer_id=CustomerId("C-B2B"),
        channel=Channel.EDI,
        currency="EUR",
        lines=[
            _line(1, "CHAIR", 3, "149.00", discount="10.00"),
            _line(2, "SCREW", 5, "0.3333", tax_rate="0.07"),
        ],
        at=_at(5),
        idempotency_key="po-4711",
        request_fingerprint="sha256:4711",
        customer_reference="PO 4711",
    )
    order.reserve(1, "BER", 2, _at(5))
    order.reserve(1, "HAM", 1, _at(5))
    order.backorder(2, 5, _at(5))
    order.hold("credit check", _at(6))
    order.payment_status = PaymentStatus.PARTIALLY_PAID
    order.prepaid_amount = Decimal("50.00")
    return order


def _invoice(
    invoice_id: str, number: str, order: Order, *, at: datetime = T0, terms: int = 14
) -> Invoice:
    return Invoice.issue(
        id=invoice_id,
        number=number,
        order_id=order.id,
        customer_id=order.customer_id,
        currency=order.currency,
        lines=tuple(document_line(line, line.quantity, 0) for line in order.lines),
        at=at,
        payment_terms_days=terms,
        settlement=Settlement.RECEIVABLE,
    )


def _credit_note(note_id: str, number: str, invoice: Invoice, *, at: datetime) -> CreditNote:
    return CreditNote(
        id=note_id,
        number=number,
        order_id=invoice.order_id,
        customer_id=invoice.customer_id,
        currency=invoice.currency,
        lines=invoice.lines[:1],
        issued_at=at,
        invoice_id=invoice.id,
        reason="damaged in transit",
    )


def _payment(payment_id: str, order: Order, invoice_id: str, amount: str, at: datetime) -> Payment:
    return Payment(
        id=payment_id,
        kind=PaymentKind.PAYMENT,
        customer_id=order.customer_id,
        order_id=order.id,
        invoice_id=invoice_id,
        amount=_eur(amount),
        method=PaymentMethod.BANK_TRANSFER,
        reference=f"transfer {payment_id}",
        received_at=at,
    )


def _shipment(shipment_id: str, number: str, order_id: str = "O-1") -> Shipment:
    return Shipment(
        id=shipment_id,
        number=number,
        order_id=order_id,
        location="MAIN",
        carrier="own-fleet",
        lines=(ShipmentLine(1, "SKU-1", 2),),
        parcels=(Parcel(Decimal("2.5")), Parcel(Decimal("0.75"))),
        created_at=_at(30),
    )


def _return(return_id: str, number: str, order_id: str = "O-1") -> ReturnRequest:
    return ReturnRequest(
        id=return_id,
        number=number,
        order_id=order_id,
        customer_id="C-1",
        lines=(ReturnLine(1, "SKU-1", 1),),
        reason="wrong colour",
        requested_at=_at(60),
    )


def _entry(
    entry_id: str,
    reference: str,
    amount: str,
    *,
    debit: str = "1400",
    credit: str = "4000-19",
    currency: str = "EUR",
    at: datetime = T0,
) -> JournalEntry:
    money = Money(amount, currency)
    return JournalEntry(
        id=entry_id,
        posted_at=at,
        description=f"Posting for {reference}",
        postings=(Posting(debit, Side.DEBIT, money), Posting(credit, Side.CREDIT, money)),
        reference=reference,
    )


def _requisition(
    requisition_id: str, sku: str = "SKU-1", location: str = "MAIN", *, at: datetime = T0
) -> PurchaseRequisition:
    return PurchaseRequisition.raise_for(
        id=RequisitionId(requisition_id),
        sku=sku,
        location=location,
        quantity=10,
        reason=RequisitionReason.BACKORDER,
        at=at,
    )


def _receipt(receipt_id: str, sku: str = "SKU-1", *, at: datetime = T0) -> SupplierReceipt:
    return SupplierReceipt.record_delivery(
        id=ReceiptId(receipt_id),
        supplier="Stuhlwerk AG",
        sku=sku,
        location="MAIN",
        quantity=5,
        reference=f"delivery note {receipt_id}",
        at=at,
        unit_cost=_eur("4.2050"),
    )


def _product(sku: str, *, active: bool = True) -> Product:
    return Product(
        sku=sku,
        name=f"Product {sku}",
        unit_price=_eur("149.00"),
        tax_rate=Decimal("0.19"),
        reorder_point=3,
        reorder_quantity=12,
        active=active,
        unit_cost=_eur("61.5025"),
        weight_kg=Decimal("7.25"),
    )
