"""Turning aggregates into read-only views (the results of use cases)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Address, Customer
from ordermgmt.domain.inventory import StockItem
from ordermgmt.domain.invoice import CreditNote, DocumentLine, Invoice
from ordermgmt.domain.order import Order, TaxSubtotal
from ordermgmt.domain.payment import Payment
from ordermgmt.domain.purchasing import PurchaseRequisition
from ordermgmt.messages import (
    AddressView,
    AvailabilityView,
    CreditNoteView,
    CustomerView,
    DocumentLineView,
    InvoiceView,
    LocationStockView,
    OrderLineView,
    OrderView,
    PaymentView,
    ProductView,
    RequisitionView,
    TaxSubtotalView,
)


def address_view(address: Address | None) -> AddressView | None:
    if address is None:
        return None
    return AddressView(
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        postal_code=address.postal_code,
        country=address.country,
        name=address.name,
    )


def customer_view(customer: Customer) -> CustomerView:
    return CustomerView(
        id=customer.id,
        name=customer.name,
        kind=customer.kind,
        payment_preference=customer.payment_preference,
        payment_terms_days=customer.payment_terms_days,
        credit_limit=customer.credit_limit,
        email=customer.email,
        phone=customer.phone,
        billing_address=address_view(customer.billing_address),
        shipping_address=address_view(customer.shipping_address),
        blocked=customer.blocked,
        registered_at=customer.registered_at,
        version=customer.version,
    )


def product_view(product: Product) -> ProductView:
    return ProductView(
        sku=product.sku,
        name=product.name,
        unit_price=product.unit_price,
        tax_rate=product.tax_rate,
        reorder_point=product.reorder_point,
        reorder_quantity=product.reorder_quantity,
        active=product.active,
        unit_cost=product.unit_cost,
        weight_kg=product.weight_kg,
    )


def order_view(order: Order) -> OrderView:
    return OrderView(
        id=order.id,
        number=order.number,
        customer_id=order.customer_id,
        channel=order.channel,
        currency=order.currency,
        status=order.status,
        fulfillment_status=order.fulfillment_status,
        payment_status=order.payment_status,
        lines=tuple(
            OrderLineView(
                line_no=line.line_no,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount=line.discount,
                tax_rate=line.tax_rate,
                net=line.net,
                price_overridden=line.price_overridden,
                reserved=line.reserved,
                allocations=dict(line.allocations),
                backordered=line.backordered,
                shipped=line.shipped,
                delivered=line.delivered,
                returned=line.returned,
                cancelled=line.cancelled,
            )
            for line in order.lines
        ),
        tax_subtotals=tax_views(order.tax_subtotals),
        net_total=order.net_total,
        tax_total=order.tax_total,
        total=order.total,
        placed_at=order.placed_at,
        idempotency_key=order.idempotency_key,
        customer_reference=order.customer_reference,
        hold_reason=order.hold_reason,
        cancel_reason=order.cancel_reason,
        version=order.version,
    )


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
    return RequisitionView(
        id=req.id,
        sku=req.sku,
        location=req.location,
        quantity=req.quantity,
        reason=req.reason,
        status=req.status,
        submitted=req.submitted,
        raised_at=req.raised_at,
    )


def tax_views(subtotals: Iterable[TaxSubtotal]) -> tuple[TaxSubtotalView, ...]:
    return tuple(TaxSubtotalView(rate=s.rate, net=s.net, tax=s.tax) for s in subtotals)


def _line_views(lines: Iterable[DocumentLine]) -> tuple[DocumentLineView, ...]:
    return tuple(
        DocumentLineView(
            order_line_no=line.order_line_no,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            tax_rate=line.tax_rate,
            net=line.net,
        )
        for line in lines
    )


def invoice_view(invoice: Invoice) -> InvoiceView:
    return InvoiceView(
        id=invoice.id,
        number=invoice.number,
        order_id=invoice.order_id,
        customer_id=invoice.customer_id,
        currency=invoice.currency,
        lines=_line_views(invoice.lines),
        tax_subtotals=tax_views(invoice.tax_subtotals),
        net_total=invoice.net_total,
        tax_total=invoice.tax_total,
        total=invoice.total,
        issued_at=invoice.issued_at,
        due_date=invoice.due_date,
        settlement=invoice.settlement,
        status=invoice.status,
        paid=invoice.paid,
        credited=invoice.credited,
        refunded=invoice.refunded,
        outstanding=invoice.outstanding,
        sent_to=invoice.sent_to,
    )


def credit_note_view(note: CreditNote) -> CreditNoteView:
    return CreditNoteView(
        id=note.id,
        number=note.number,
        invoice_id=note.invoice_id,
        order_id=note.order_id,
        currency=note.currency,
        lines=_line_views(note.lines),
        tax_subtotals=tax_views(note.tax_subtotals),
        net_total=note.net_total,
        tax_total=note.tax_total,
        total=note.total,
        issued_at=note.issued_at,
        reason=note.reason,
    )


def payment_view(payment: Payment) -> PaymentView:
    return PaymentView(
        id=payment.id,
        kind=payment.kind,
        customer_id=payment.customer_id,
        order_id=payment.order_id,
        invoice_id=payment.invoice_id,
        amount=payment.amount,
        method=payment.method,
        reference=payment.reference,
        received_at=payment.received_at,
    )
