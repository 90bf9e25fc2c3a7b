"""Idempotency records: what a command sent with an idempotency key did the first time.

A client that retries a command (a bank statement imported twice, a webhook delivered again, a
delivery note booked twice) sends the same key; the record says which objects the first run made,
so the retry answers with them and changes nothing. A key is unique within its scope (one scope
per command kind, see :class:`Scope`); the record is stored in the transaction that carries the
command's effect, so the effect and its record commit or vanish together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ordermgmt.domain.errors import ValidationError


class Scope(StrEnum):
    """The command kinds an idempotency key can belong to; a key is unique within its scope."""

    PAYMENT = "payment"
    REFUND = "refund"
    CREDIT_NOTE = "credit_note"
    SUPPLIER_RECEIPT = "supplier_receipt"
    SHIPMENT = "shipment"
    RETURN_REQUEST = "return_request"
    RETURN_RECEIPT = "return_receipt"
    STOCK_ADJUSTMENT = "stock_adjustment"
    STOCK_MOVE = "stock_move"


@dataclass(frozen=True, kw_only=True)
class IdempotencyRecord:
    """The first run of a command sent with ``key`` in ``scope``.

    ``fingerprint`` is the command's content without the key (a retry must match it);
    ``result_ids`` are the ids of what the run made or changed, in order (a payment spread over
    several invoices made several payments); ``recorded_at`` is when it ran.
    """

    scope: Scope
    key: str
    fingerprint: str
    result_ids: tuple[str, ...]
    recorded_at: datetime

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > 200:
            raise ValidationError("idempotency_key", self.key, "must be 1 to 200 characters")
        if not self.result_ids:
            raise ValidationError("result_ids", self.result_ids, "names at least one result")
