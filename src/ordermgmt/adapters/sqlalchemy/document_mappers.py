"""Explicit data mappers of the documents: invoices, credit notes, payments, shipments and
returns (see :mod:`ordermgmt.adapters.sqlalchemy.mappers` for how mappers work)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.legal_json import (
    charges_from_json,
    charges_json,
    details_from_json,
    details_json,
    line_columns,
    line_fields,
    tax_from_json,
    tax_json,
)
from ordermgmt.adapters.sqlalchemy.mappers import Mapper, Row, Rows, money, utc
from ordermgmt.domain.invoice import CreditNote, DocumentLine, Invoice, Settlement
from ordermgmt.domain.payment import Payment, PaymentKind, PaymentMethod
from ordermgmt.domain.returns import ReturnLine, ReturnRequest, ReturnStatus
from ordermgmt.domain.shipment import (
    Parcel,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
)


def _doc_lines(doc_id: str, lines: Sequence[DocumentLine]) -> list[dict[str, Any]]:
    return [
        {
            "document_id": doc_id,
            "position": index,
            "order_line_no": ln.order_line_no,
            "sku": ln.sku,
            "name": ln.name,
            "quantity": ln.quantity,
            "unit_price": ln.unit_price.amount,
            "discount": ln.discount.amount,
            "tax_rate": ln.tax_rate,
            "net": ln.net.amount,
            **line_columns(ln),
        }
        for index, ln in enumerate(lines)
    ]


def _build_doc_lines(rows: Sequence[Row], currency: str) -> tuple[DocumentLine, ...]:
    return tuple(
        DocumentLine(
            order_line_no=r["order_line_no"],
            sku=r["sku"],
            name=r["name"],
            quantity=r["quantity"],
            unit_price=money(r["unit_price"], currency),
            discount=money(r["discount"], currency),
            tax_rate=r["tax_rate"],
            net_amount=money(r["net"], currency).amount,
            **line_fields(r, currency),
        )
        for r in sorted(rows, key=lambda x: x["position"])
    )


class InvoiceMapper(Mapper[Invoice]):
    table = t.invoices
    key_columns = ("id",)
    children = ((t.document_lines, "document_id"),)
    kind = "invoice"

    def rows(self, i: Invoice) -> Rows:
        return {
            "invoices": [
                {
                    "id": i.id,
                    "version": i.version,
                    "number": i.number,
                    "order_id": i.order_id,
                    "customer_id": i.customer_id,
                    "currency": i.currency,
                    "issued_at": i.issued_at,
                    "due_date": i.due_date,
                    "settlement": i.settlement.value,
                    "paid": i.paid.amount,
                    "credited": i.credited.amount,
                    "refunded": i.refunded.amount,
                    "sent_to": i.sent_to,
                    "send_error": i.send_error,
                    "fixed_tax": tax_json(i.fixed_tax),
                    "settled": i.outstanding.is_zero,
                    "charges": charges_json(i.charges),
                    "details": details_json(i.details),
                }
            ],
            "document_lines": _doc_lines(i.id, i.lines),
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> Invoice:
        currency = r["currency"]
        due: date = r["due_date"]
        return Invoice(
            id=r["id"],
            version=r["version"],
            number=r["number"],
            order_id=r["order_id"],
            customer_id=r["customer_id"],
            currency=currency,
            lines=_build_doc_lines(children["document_lines"], currency),
            issued_at=utc(r["issued_at"]),
            fixed_tax=tax_from_json(r["fixed_tax"], currency),
            charges=charges_from_json(r["charges"], currency),
            details=details_from_json(r["details"]),
            due_date=due,
            settlement=Settlement(r["settlement"]),
            paid=money(r["paid"], currency),
            credited=money(r["credited"], currency),
            refunded=money(r["refunded"], currency),
            sent_to=r["sent_to"],
            send_error=r["send_error"],
        )


class CreditNoteMapper(Mapper[CreditNote]):
    table = t.credit_notes
    key_columns = ("id",)
    children = ((t.document_lines, "document_id"),)
    kind = "credit note"

    def rows(self, n: CreditNote) -> Rows:
        return {
            "credit_notes": [
                {
                    "id": n.id,
                    "version": n.version,
                    "number": n.number,
                    "invoice_id": n.invoice_id,
                    "order_id": n.order_id,
                    "customer_id": n.customer_id,
                    "currency": n.currency,
                    "issued_at": n.issued_at,
                    "reason": n.reason,
                    "fixed_tax": tax_json(n.fixed_tax),
                    "charges": charges_json(n.charges),
                    "details": details_json(n.details),
                }
            ],
            "document_lines": _doc_lines(n.id, n.lines),
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> CreditNote:
        currency = r["currency"]
        return CreditNote(
            id=r["id"],
            version=r["version"],
            number=r["number"],
            order_id=r["order_id"],
            customer_id=r["customer_id"],
            currency=currency,
            lines=_build_doc_lines(children["document_lines"], currency),
            issued_at=utc(r["issued_at"]),
            fixed_tax=tax_from_json(r["fixed_tax"], currency),
            charges=charges_from_json(r["charges"], currency),
            details=details_from_json(r["details"]),
            invoice_id=r["invoice_id"],
            reason=r["reason"],
        )


class PaymentMapper(Mapper[Payment]):
    table = t.payments
    key_columns = ("id",)
    kind = "payment"

    def rows(self, p: Payment) -> Rows:
        return {
            "payments": [
                {
                    "id": p.id,
                    "version": p.version,
                    "kind": p.kind.value,
                    "customer_id": p.customer_id,
                    "order_id": p.order_id,
                    "invoice_id": p.invoice_id,
                    "amount": p.amount.amount,
                    "currency": p.amount.currency,
                    "method": p.method.value,
                    "reference": p.reference,
                    "received_at": p.received_at,
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> Payment:
        return Payment(
            id=r["id"],
            version=r["version"],
            kind=PaymentKind(r["kind"]),
            customer_id=r["customer_id"],
            order_id=r["order_id"],
            invoice_id=r["invoice_id"],
            amount=money(r["amount"], r["currency"]),
            method=PaymentMethod(r["method"]),
            reference=r["reference"],
            received_at=utc(r["received_at"]),
        )


def _dt(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_dt(value: str | None) -> datetime | None:
    return None if value is None else utc(datetime.fromisoformat(value))


def _shipment_line(no: int, sku: str, quantity: int, *cost: str) -> ShipmentLine:
    """A shipment line from its JSON list; the unit cost, when there is one, comes last."""
    return ShipmentLine(no, sku, quantity, money(cost[0], cost[1]) if cost else None)


def _return_line(no: int, sku: str, quantity: int, *taken: list[list[Any]]) -> ReturnLine:
    """A return line from its JSON list; where its units came from, once received, last."""
    shipments = tuple((str(sid), int(units)) for sid, units in taken[0]) if taken else ()
    return ReturnLine(no, sku, quantity, shipments)


class ShipmentMapper(Mapper[Shipment]):
    table = t.shipments
    key_columns = ("id",)
    kind = "shipment"

    def rows(self, s: Shipment) -> Rows:
        body = {
            "location": s.location,
            "carrier": s.carrier,
            "lines": [
                [ln.order_line_no, ln.sku, ln.quantity]
                + (
                    []
                    if ln.unit_cost is None
                    else [str(ln.unit_cost.amount), ln.unit_cost.currency]
                )
                for ln in s.lines
            ],
            "parcels": [str(p.weight_kg) for p in s.parcels],
            "created_at": _dt(s.created_at),
            "status": s.status.value,
            "tracking_number": s.tracking_number,
            "label": s.label,
            "service": s.service,
            "price": None if s.price is None else [str(s.price.amount), s.price.currency],
            "estimated_delivery": None
            if s.estimated_delivery is None
            else s.estimated_delivery.isoformat(),
            "booking_error": s.booking_error,
            "tracking": [[e.status.value, _dt(e.at), e.description] for e in s.tracking],
            "delivered_at": _dt(s.delivered_at),
            "proof_of_delivery": s.proof_of_delivery,
        }
        return {
            "shipments": [
                {
                    "id": s.id,
                    "version": s.version,
                    "number": s.number,
                    "order_id": s.order_id,
                    "body": json.dumps(body, sort_keys=True),
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> Shipment:
        b = json.loads(r["body"])
        price = b["price"]
        created = _parse_dt(b["created_at"])
        assert created is not None
        return Shipment(
            id=r["id"],
            version=r["version"],
            number=r["number"],
            order_id=r["order_id"],
            location=b["location"],
            carrier=b["carrier"],
            lines=tuple(_shipment_line(*line) for line in b["lines"]),
            parcels=tuple(Parcel(Decimal(w)) for w in b["parcels"]),
            created_at=created,
            status=ShipmentStatus(b["status"]),
            tracking_number=b["tracking_number"],
            label=b["label"],
            service=b["service"],
            price=None if price is None else money(price[0], price[1]),
            estimated_delivery=None
            if b["estimated_delivery"] is None
            else date.fromisoformat(b["estimated_delivery"]),
            booking_error=b["booking_error"],
            tracking=[
                TrackingEvent(TrackingStatus(s), utc(datetime.fromisoformat(at)), d)
                for s, at, d in b["tracking"]
            ],
            delivered_at=_parse_dt(b["delivered_at"]),
            proof_of_delivery=b["proof_of_delivery"],
        )


class ReturnMapper(Mapper[ReturnRequest]):
    table = t.returns
    key_columns = ("id",)
    kind = "return"

    def rows(self, x: ReturnRequest) -> Rows:
        body = {
            "customer_id": x.customer_id,
            "lines": [
                [ln.order_line_no, ln.sku, ln.quantity]
                + ([[list(pair) for pair in ln.shipments]] if ln.shipments else [])
                for ln in x.lines
            ],
            "reason": x.reason,
            "requested_at": _dt(x.requested_at),
            "status": x.status.value,
            "restocked": x.restocked,
            "location": x.location,
            "received_at": _dt(x.received_at),
            "credit_note_id": x.credit_note_id,
            "refund_id": x.refund_id,
            "replacement_order_id": x.replacement_order_id,
            "rejection_reason": x.rejection_reason,
        }
        return {
            "returns": [
                {
                    "id": x.id,
                    "version": x.version,
                    "number": x.number,
                    "order_id": x.order_id,
                    "body": json.dumps(body, sort_keys=True),
                }
            ]
        }

    def build(self, r: Row, children: Mapping[str, Sequence[Row]]) -> ReturnRequest:
        b = json.loads(r["body"])
        requested = _parse_dt(b["requested_at"])
        assert requested is not None
        return ReturnRequest(
            id=r["id"],
            version=r["version"],
            number=r["number"],
            order_id=r["order_id"],
            customer_id=b["customer_id"],
            lines=tuple(_return_line(*line) for line in b["lines"]),
            reason=b["reason"],
            requested_at=requested,
            status=ReturnStatus(b["status"]),
            restocked=b["restocked"],
            location=b["location"],
            received_at=_parse_dt(b["received_at"]),
            credit_note_id=b["credit_note_id"],
            refund_id=b["refund_id"],
            replacement_order_id=b["replacement_order_id"],
            rejection_reason=b.get("rejection_reason", ""),
        )
