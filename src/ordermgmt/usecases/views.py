"""Turning aggregates into read-only views (the results of use cases)."""

from __future__ import annotations

from collections.abc import Sequence

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.inventory import StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice
from ordermgmt.domain.order import Order
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition
from ordermgmt.messages import (
    AvailabilityView,
    CreditNoteView,
    CustomerView,
    InvoiceView,
    LocationStockView,
    OrderView,
    PaymentPartView,
    PaymentView,
    ProductView,
    RequisitionView,
)


def customer_view(customer: Customer) -> CustomerView:
    return CustomerView.model_validate(customer)


def product_view(product: Product) -> ProductView:
    return ProductView.model_validate(product)


def order_view(order: Order) -> OrderView:
    return OrderView.model_validate(order)


def availability_view(
    sku: str, items: Sequence[StockItem], location_order: Sequence[str], backordered: int
) -> AvailabilityView:
    rank = {code: index for index, code in enumerate(location_order)}
    ordered = sorted(items, key=lambda i: (rank.get(i.location, len(rank)), i.location))
    return AvailabilityView(
        sku=sku,
        on_hand=sum(i.on_hand for i in items),
        reserved=sum(i.reserved for i in items),
        available=sum(i.available for i in items),
        backordered=backordered,
        locations=tuple(
            LocationStockView(
                location=i.location, on_hand=i.on_hand, reserved=i.reserved, available=i.available
            )
            for i in ordered
        ),
    )


def requisition_view(req: PurchaseRequisition) -> RequisitionView:
    return RequisitionView.model_validate(req)


def invoice_view(invoice: Invoice) -> InvoiceView:
    return InvoiceView.model_validate(invoice)


def credit_note_view(note: CreditNote) -> CreditNoteView:
    return CreditNoteView.model_validate(note)


def payment_view(payment: Payment, *more: Payment) -> PaymentView:
    """The view of ``payment``; with ``more``, of one receipt booked as several payments (the
    amount is their sum, ``parts`` lists them all)."""
    parts = (payment, *more)
    amount = payment.amount
    for part in more:
        amount = amount + part.amount
    return PaymentView.model_validate(payment).model_copy(
        update={
            "amount": amount,
            "parts": tuple(
                PaymentPartView(id=p.id, kind=p.kind, invoice_id=p.invoice_id, amount=p.amount)
                for p in parts
            ),
        }
    )
