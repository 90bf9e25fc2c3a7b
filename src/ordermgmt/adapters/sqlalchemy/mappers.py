"""Explicit data mappers: domain object <-> rows. The domain classes stay uninstrumented.

Each mapper knows its root table, the key, its child tables, and turns an aggregate into rows
and rows back into an aggregate. The unit of work compares the rows an aggregate had when it
was loaded with the rows it has at commit and writes only what changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Table

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.legal_json import (
    charges_from_json,
    charges_json,
    line_columns,
    line_fields,
)
from ordermgmt.domain.base import Aggregate
from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Address, Customer, CustomerKind, PaymentPreference
from ordermgmt.domain.document import DocumentFormat
from ordermgmt.domain.ids import CustomerId, OrderId, ReceiptId, RequisitionId
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.money import Money, minor_unit
from ordermgmt.domain.order import Channel, Order, OrderLine, OrderStatus, PaymentStatus
from ordermgmt.domain.purchasing import (
    PurchaseRequisition,
    RequisitionReason,
    RequisitionStatus,
    SupplierReceipt,
)
from ordermgmt.domain.vat import VatCategory

A = TypeVar("A", bound=Aggregate)
Rows = dict[str, list[dict[str, Any]]]
Row = Mapping[str, Any]


def utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; everything in the domain is timezone-aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@lru_cache(maxsize=4096)  # amounts recur (prices, totals); equal inputs give the same Money
def money(amount: Decimal | str, currency: str) -> Money:
    """Money from a column: trailing zeros of NUMERIC dropped, padded to the minor unit."""
    value = Decimal(amount).normalize()
    places = minor_unit(currency)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -places:
        value = value.quantize(Decimal(1).scaleb(-places))
    return Money(value, currency)


def optional_money(amount: Decimal | None, currency: str | None) -> Money | None:
    return None if amount is None or currency is None else money(amount, currency)


def _address_json(address: Address | None) -> str | None:
    if address is None:
        return None
    fields = ("line1", "line2", "city", "postal_code", "country", "name")
    return json.dumps({f: getattr(address, f) for f in fields}, sort_keys=True)


def _address(text: str | None) -> Address | None:
    return None if text is None else Address(**json.loads(text))


class Mapper(Generic[A]):
    """Rows of one aggregate: ``table`` is the root, ``children`` hang off its key."""

    table: ClassVar[Table]
    key_columns: ClassVar[tuple[str, ...]]
    children: ClassVar[tuple[tuple[Table, str], ...]] = ()
    kind: ClassVar[str]

    def key(self, obj: A) -> tuple[Any, ...]:
        """The aggregate's key: its values of ``key_columns`` (same attribute names)."""
        return tuple(getattr(obj, column) for column in self.key_columns)

    def rows(self, obj: A) -> Rows:
        raise NotImplementedError

    def build(self, root: Row, children: Mapping[str, Sequence[Row]]) -> A:
        raise NotImplementedError


class CustomerMapper(Mapper[Customer]):
    table = t.customers
    key_columns = ("id",)
    kind = "customer"

    def rows(self, c: Customer) -> Rows:
        limit = c.credit_limit
        return {
            "customers": [
                {
                    "id": c.id,
                    "version": c.version,
                    "name": c.name,
                    "kind": c.kind.value,
                    "payment_preference": c.payment_preference.value,
                    "payment_terms_days": c.payment_terms_days,
                    "credit_limit": None if limit is None else limit.amount,
                    "credit_currency": None if limit is None else limit.currency,
                    "email": c.email,
                    "phone": c.phone,
                    "billing_address": _address_json(c.billing_address),
                    "shipping_address": _address_json(c.shipping_address),
                    "blocked": c.blocked,
                    "registered_at": c.registered_at,
                    "vat_id": c.vat_id,
                    "buyer_reference": c.buyer_reference,
                    "electronic_address": c.electronic_address,
                    "electronic_scheme": c.electronic_scheme,
                    "document_format": None
                    if c.document_format is None
                    else c.document_format.value,
                    "mandate_reference": c.mandate_reference,
                    "debit_iban": c.debit_iban,
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> Customer:
        return Customer(
            id=CustomerId(r["id"]),
            version=r["version"],
            name=r["name"],
            kind=CustomerKind(r["kind"]),
            payment_preference=PaymentPreference(r["payment_preference"]),
            payment_terms_days=r["payment_terms_days"],
            credit_limit=optional_money(r["credit_limit"], r["credit_currency"]),
            email=r["email"],
            phone=r["phone"],
            billing_address=_address(r["billing_address"]),
            shipping_address=_address(r["shipping_address"]),
            blocked=r["blocked"],
            registered_at=utc(r["registered_at"]),
            vat_id=r["vat_id"],
            buyer_reference=r["buyer_reference"],
            electronic_address=r["electronic_address"],
            electronic_scheme=r["electronic_scheme"],
            document_format=None
            if r["document_format"] is None
            else DocumentFormat(r["document_format"]),
            mandate_reference=r["mandate_reference"],
            debit_iban=r["debit_iban"],
        )


class ProductMapper(Mapper[Product]):
    table = t.products
    key_columns = ("sku",)
    kind = "product"

    def rows(self, p: Product) -> Rows:
        return {
            "products": [
                {
                    "sku": p.sku,
                    "version": p.version,
                    "name": p.name,
                    "unit_price": p.unit_price.amount,
                    "currency": p.unit_price.currency,
                    "tax_rate": p.tax_rate,
                    "reorder_point": p.reorder_point,
                    "reorder_quantity": p.reorder_quantity,
                    "active": p.active,
                    "unit_cost": None if p.unit_cost is None else p.unit_cost.amount,
                    "cost_currency": None if p.unit_cost is None else p.unit_cost.currency,
                    "weight_kg": p.weight_kg,
                    "tax_category": None if p.tax_category is None else p.tax_category.value,
                    "unit_code": p.unit_code,
                    "base_quantity": p.base_quantity,
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> Product:
        return Product(
            sku=r["sku"],
            version=r["version"],
            name=r["name"],
            unit_price=money(r["unit_price"], r["currency"]),
            tax_rate=r["tax_rate"],
            reorder_point=r["reorder_point"],
            reorder_quantity=r["reorder_quantity"],
            active=r["active"],
            unit_cost=optional_money(r["unit_cost"], r["cost_currency"]),
            weight_kg=r["weight_kg"],
            tax_category=None if r["tax_category"] is None else VatCategory(r["tax_category"]),
            unit_code=r["unit_code"],
            base_quantity=r["base_quantity"],
        )


class LocationMapper(Mapper[Location]):
    table = t.locations
    key_columns = ("code",)
    kind = "location"

    def rows(self, loc: Location) -> Rows:
        return {
            "locations": [
                {
                    "code": loc.code,
                    "version": loc.version,
                    "name": loc.name,
                    "priority": loc.priority,
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> Location:
        return Location(
            code=r["code"], version=r["version"], name=r["name"], priority=r["priority"]
        )


class StockMapper(Mapper[StockItem]):
    table = t.stock_items
    key_columns = ("sku", "location")
    kind = "stock item"

    def rows(self, s: StockItem) -> Rows:
        return {
            "stock_items": [
                {
                    "sku": s.sku,
                    "location": s.location,
                    "version": s.version,
                    "on_hand": s.on_hand,
                    "reserved": s.reserved,
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> StockItem:
        return StockItem(
            sku=r["sku"],
            location=r["location"],
            version=r["version"],
            on_hand=r["on_hand"],
            reserved=r["reserved"],
        )


def _order_line_row(order_id: str, ln: OrderLine) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "line_no": ln.line_no,
        "sku": ln.sku,
        "name": ln.name,
        "quantity": ln.quantity,
        "unit_price": ln.unit_price.amount,
        "tax_rate": ln.tax_rate,
        "discount": ln.discount.amount,
        "price_overridden": ln.price_overridden,
        "backordered": ln.backordered,
        "cancelled": ln.cancelled,
        "shipped": ln.shipped,
        "delivered": ln.delivered,
        "returned": ln.returned,
        "invoiced": ln.invoiced,
        "credited": ln.credited,
        **line_columns(ln),
    }


class OrderMapper(Mapper[Order]):
    table = t.orders
    key_columns = ("id",)
    children = ((t.order_lines, "order_id"), (t.order_allocations, "order_id"))
    kind = "order"

    def rows(self, o: Order) -> Rows:
        return {
            "orders": [
                {
                    "id": o.id,
                    "version": o.version,
                    "number": o.number,
                    "customer_id": o.customer_id,
                    "channel": o.channel.value,
                    "currency": o.currency,
                    "status": o.status.value,
                    "payment_status": o.payment_status.value,
                    "fulfillment_status": o.fulfillment_status.value,
                    "placed_at": o.placed_at,
                    "idempotency_key": o.idempotency_key,
                    "request_fingerprint": o.request_fingerprint,
                    "customer_reference": o.customer_reference,
                    "hold_reason": o.hold_reason,
                    "cancel_reason": o.cancel_reason,
                    "prepaid_amount": o.prepaid_amount,
                    "charges": charges_json(o.charges),
                    "charges_invoice_id": o.charges_invoice_id,
                    "buyer_reference": o.buyer_reference,
                }
            ],
            "order_lines": [_order_line_row(o.id, ln) for ln in o.lines],
            "order_allocations": [
                {
                    "order_id": o.id,
                    "line_no": ln.line_no,
                    "location": location,
                    "sku": ln.sku,
                    "quantity": quantity,
                }
                for ln in o.lines
                for location, quantity in sorted(ln.allocations.items())
                if o.is_active
            ],
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> Order:
        currency = r["currency"]
        allocations: dict[int, dict[str, int]] = {}
        for a in children["order_allocations"]:
            allocations.setdefault(a["line_no"], {})[a["location"]] = a["quantity"]
        lines = [
            OrderLine(
                line_no=ln["line_no"],
                sku=ln["sku"],
                name=ln["name"],
                quantity=ln["quantity"],
                unit_price=money(ln["unit_price"], currency),
                tax_rate=ln["tax_rate"],
                discount=money(ln["discount"], currency),
                price_overridden=ln["price_overridden"],
                allocations=allocations.get(ln["line_no"], {}),
                backordered=ln["backordered"],
                cancelled=ln["cancelled"],
                shipped=ln["shipped"],
                delivered=ln["delivered"],
                returned=ln["returned"],
                invoiced=ln["invoiced"],
                credited=ln["credited"],
                **line_fields(ln, currency),
            )
            for ln in sorted(children["order_lines"], key=lambda x: x["line_no"])
        ]
        return Order(
            id=OrderId(r["id"]),
            version=r["version"],
            number=r["number"],
            customer_id=CustomerId(r["customer_id"]),
            channel=Channel(r["channel"]),
            currency=currency,
            lines=lines,
            placed_at=utc(r["placed_at"]),
            status=OrderStatus(r["status"]),
            payment_status=PaymentStatus(r["payment_status"]),
            idempotency_key=r["idempotency_key"],
            request_fingerprint=r["request_fingerprint"],
            customer_reference=r["customer_reference"],
            hold_reason=r["hold_reason"],
            cancel_reason=r["cancel_reason"],
            prepaid_amount=r["prepaid_amount"],
            charges=charges_from_json(r["charges"], currency),
            charges_invoice_id=r["charges_invoice_id"],
            buyer_reference=r["buyer_reference"],
        )


class RequisitionMapper(Mapper[PurchaseRequisition]):
    table = t.requisitions
    key_columns = ("id",)
    kind = "purchase requisition"

    def rows(self, q: PurchaseRequisition) -> Rows:
        return {
            "purchase_requisitions": [
                {
                    "id": q.id,
                    "version": q.version,
                    "sku": q.sku,
                    "location": q.location,
                    "quantity": q.quantity,
                    "reason": q.reason.value,
                    "status": q.status.value,
                    "submitted": q.submitted,
                    "submission_error": q.submission_error,
                    "raised_at": q.raised_at,
                    "closed_by": q.closed_by,
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> PurchaseRequisition:
        return PurchaseRequisition(
            id=RequisitionId(r["id"]),
            version=r["version"],
            sku=r["sku"],
            location=r["location"],
            quantity=r["quantity"],
            reason=RequisitionReason(r["reason"]),
            status=RequisitionStatus(r["status"]),
            submitted=r["submitted"],
            submission_error=r["submission_error"],
            raised_at=utc(r["raised_at"]),
            closed_by=r["closed_by"],
        )


class ReceiptMapper(Mapper[SupplierReceipt]):
    table = t.receipts
    key_columns = ("id",)
    kind = "supplier receipt"

    def rows(self, x: SupplierReceipt) -> Rows:
        return {
            "supplier_receipts": [
                {
                    "id": x.id,
                    "version": x.version,
                    "supplier": x.supplier,
                    "sku": x.sku,
                    "location": x.location,
                    "quantity": x.quantity,
                    "reference": x.reference,
                    "received_at": x.received_at,
                    "unit_cost": None if x.unit_cost is None else x.unit_cost.amount,
                    "cost_currency": None if x.unit_cost is None else x.unit_cost.currency,
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> SupplierReceipt:
        return SupplierReceipt(
            id=ReceiptId(r["id"]),
            version=r["version"],
            supplier=r["supplier"],
            sku=r["sku"],
            location=r["location"],
            quantity=r["quantity"],
            reference=r["reference"],
            received_at=utc(r["received_at"]),
            unit_cost=optional_money(r["unit_cost"], r["cost_currency"]),
        )
