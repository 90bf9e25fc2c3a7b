"""What issued documents and orders keep as JSON text: tax fixed per category and rate, the
allowances and charges, and a document's details (parties, payment, references); and the
columns every order and document line has for its VAT category, unit and line allowances and
charges. Decimals are exact strings; dates ISO 8601."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from ordermgmt.domain.charges import Charge
from ordermgmt.domain.document import DocumentDetails
from ordermgmt.domain.invoice import DocumentLine
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import OrderLine
from ordermgmt.domain.totals import TaxKey
from ordermgmt.domain.vat import VatCategory


def _money(amount: Any, currency: str) -> Money:
    return Money(Decimal(str(amount)), currency)


def tax_json(fixed: Sequence[tuple[TaxKey, Money]]) -> str:
    return json.dumps([[key.category.value, str(key.rate), str(m.amount)] for key, m in fixed])


def tax_from_json(text: str, currency: str) -> tuple[tuple[TaxKey, Money], ...]:
    """Tax per category and rate; rows written before categories existed hold [rate, amount]
    (a 0 % rate was zero rated then, any other standard)."""
    result = []
    for item in json.loads(text):
        if len(item) == 2:
            rate = Decimal(item[0])
            category = VatCategory.STANDARD if rate else VatCategory.ZERO_RATED
            item = [category.value, item[0], item[1]]
        key = TaxKey(VatCategory(item[0]), Decimal(item[1]))
        result.append((key, _money(item[2], currency)))
    return tuple(result)


def charges_json(charges: Sequence[Charge]) -> str:
    return json.dumps(
        [
            {
                "charge": c.charge,
                "amount": str(c.amount.amount),
                "reason": c.reason,
                "reason_code": c.reason_code,
                "tax_category": c.tax_category.value,
                "tax_rate": str(c.tax_rate),
            }
            for c in charges
        ]
    )


def charges_from_json(text: str, currency: str) -> tuple[Charge, ...]:
    return tuple(
        Charge(
            charge=c["charge"],
            amount=_money(c["amount"], currency),
            reason=c["reason"],
            reason_code=c["reason_code"],
            tax_category=VatCategory(c["tax_category"]),
            tax_rate=Decimal(c["tax_rate"]),
        )
        for c in json.loads(text)
    )


@cache
def _details_adapter() -> TypeAdapter[DocumentDetails]:
    return TypeAdapter(DocumentDetails)


def details_json(details: DocumentDetails) -> str:
    return _details_adapter().dump_json(details).decode()


def details_from_json(text: str) -> DocumentDetails:
    if text in ("", "{}"):
        return DocumentDetails()
    return _details_adapter().validate_json(text)


def line_columns(line: OrderLine | DocumentLine) -> dict[str, Any]:
    """The columns of an order or document line for its category, unit and line allowance
    and charge."""
    return {
        "tax_category": line.tax_category.value,
        "unit_code": line.unit_code,
        "base_quantity": line.base_quantity,
        "discount_reason": line.discount_reason,
        "charge": None if line.charge is None else line.charge.amount,
        "charge_reason": line.charge_reason,
    }


def line_fields(row: Mapping[str, Any], currency: str) -> dict[str, Any]:
    """The keyword arguments :func:`line_columns` wrote, for the line's constructor."""
    charge = row["charge"]
    return {
        "tax_category": VatCategory(row["tax_category"]),
        "unit_code": row["unit_code"],
        "base_quantity": row["base_quantity"],
        "discount_reason": row["discount_reason"],
        "charge": None if charge is None else _money(charge, currency),
        "charge_reason": row["charge_reason"],
    }
