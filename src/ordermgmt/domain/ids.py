"""Typed identifiers. Ids come from an ``IdGenerator`` port; human numbers are separate."""

from __future__ import annotations

from typing import NewType

CustomerId = NewType("CustomerId", str)
OrderId = NewType("OrderId", str)
RequisitionId = NewType("RequisitionId", str)
ReceiptId = NewType("ReceiptId", str)
EventId = NewType("EventId", str)
