"""Payments received and refunds paid out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ordermgmt.domain.base import Aggregate, require_text
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import DomainEvent, PaymentReceived, RefundPaid
from ordermgmt.domain.money import Money


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CASH = "cash"
    DIRECT_DEBIT = "direct_debit"
    PAYPAL = "paypal"


class PaymentKind(StrEnum):
    PAYMENT = "payment"  # money in, for an invoice
    PREPAYMENT = "prepayment"  # money in, for an order not yet invoiced
    CASH_SALE = "cash_sale"  # money in, invoice issued and paid at once
    REFUND = "refund"  # money out


@dataclass(kw_only=True)
class Payment(Aggregate):
    """Money that moved between the customer and us. Never edited once recorded."""

    id: str
    kind: PaymentKind
    customer_id: str
    order_id: str
    invoice_id: str
    amount: Money
    method: PaymentMethod
    reference: str
    received_at: datetime

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise ValidationError("amount", self.amount, "must be greater than zero")
        if self.amount != self.amount.rounded():
            raise ValidationError("amount", self.amount, "has more decimals than the currency")
        self.reference = require_text(self.reference, "reference", max_length=100, empty=True)

    @classmethod
    def book(
        cls,
        *,
        id: str,
        kind: PaymentKind,
        customer_id: str,
        order_id: str,
        invoice_id: str,
        amount: Money,
        method: str,
        reference: str,
        at: datetime,
    ) -> Payment:
        """Money that moved ``at``: records ``RefundPaid`` for a refund, ``PaymentReceived``
        for money in (the event carries ``method`` as given)."""
        payment = cls(
            id=id,
            kind=kind,
            customer_id=customer_id,
            order_id=order_id,
            invoice_id=invoice_id,
            amount=amount,
            method=PaymentMethod(method),
            reference=reference,
            received_at=at,
        )
        payment.record(payment._event(method))
        return payment

    def _event(self, method: str) -> DomainEvent:
        """``RefundPaid`` for a refund, ``PaymentReceived`` for money in."""
        if self.kind is PaymentKind.REFUND:
            return RefundPaid(
                occurred_at=self.received_at,
                payment_id=self.id,
                customer_id=self.customer_id,
                order_id=self.order_id,
                invoice_id=self.invoice_id,
                amount=self.amount,
                method=method,
            )
        return PaymentReceived(
            occurred_at=self.received_at,
            payment_id=self.id,
            kind=self.kind,
            customer_id=self.customer_id,
            order_id=self.order_id,
            invoice_id=self.invoice_id,
            amount=self.amount,
            method=method,
        )
