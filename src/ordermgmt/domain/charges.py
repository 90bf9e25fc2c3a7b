"""Allowances and charges on a whole order or document: a freight charge, a handling fee, an
early-order discount (EN 16931 BG-20 and BG-21).

Each has its own VAT category and rate and counts into the tax of that category and rate, as
EN 16931 computes it. Reason codes come from UNTDID 5189 (allowances) and UNTDID 7161
(charges); a reason text or a code is required.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ordermgmt.domain.base import require_text
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.money import Money
from ordermgmt.domain.totals import TaxKey
from ordermgmt.domain.vat import VatCategory, require_category_rate

#: UNTDID 5189: the allowance reason codes EN 16931 allows.
ALLOWANCE_REASON_CODES = frozenset(
    {"41", "42", "60", "62", "63", "64", "65", "66", "67", "68", "70", "71", "88", "95"}
    | {"100", "102", "103", "104", "105"}
)
#: UNTDID 7161 codes are two or three capital letters (``FC`` freight, ``ABL`` packaging).
_CHARGE_CODE = re.compile(r"^[A-Z]{2,3}$")


def require_reason_code(code: str, *, charge: bool, field: str = "reason_code") -> str:
    """A reason code of the right list for an allowance or a charge (``""``: none)."""
    if not code:
        return code
    if charge and not _CHARGE_CODE.match(code):
        raise ValidationError(field, code, "is not a UNTDID 7161 charge reason code (e.g. FC)")
    if not charge and code not in ALLOWANCE_REASON_CODES:
        raise ValidationError(field, code, "is not a UNTDID 5189 allowance reason code (e.g. 95)")
    return code


@dataclass(frozen=True, slots=True)
class Charge:
    """A document-level charge (``charge`` True) or allowance of ``amount`` (> 0, net)."""

    charge: bool
    amount: Money
    reason: str
    reason_code: str
    tax_category: VatCategory
    tax_rate: Decimal

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise ValidationError("charges.amount", self.amount, "must be greater than zero")
        require_text(self.reason, "charges.reason", max_length=100, empty=True)
        require_reason_code(self.reason_code, charge=self.charge, field="charges.reason_code")
        if not self.reason and not self.reason_code:
            raise ValidationError("charges.reason", self.reason, "give a reason or a reason code")
        require_category_rate(self.tax_category, self.tax_rate, "charges.tax_category")

    @property
    def signed(self) -> Money:
        """What it adds to the net: the amount for a charge, minus it for an allowance."""
        return self.amount if self.charge else -self.amount

    @property
    def key(self) -> TaxKey:
        return TaxKey(self.tax_category, self.tax_rate)

    @property
    def label(self) -> str:
        """The reason as a person reads it."""
        return self.reason or ("Charge " if self.charge else "Allowance ") + self.reason_code


def charge_key(
    category: VatCategory | None, rate: Decimal | None, lines: Iterable[tuple[TaxKey, Money]]
) -> TaxKey:
    """The category and rate of an allowance or charge given with neither, one or both: left
    out, it follows the main item (the category and rate of the line with the largest net);
    a category alone takes 0 % where it is 0 % only and the main item's rate otherwise; a
    rate alone is standard rated (zero rated at 0 %)."""
    if category is not None and rate is not None:
        return TaxKey(category, rate)
    if rate is not None:
        return TaxKey(VatCategory.STANDARD if rate else VatCategory.ZERO_RATED, rate)
    main = max(lines, key=lambda item: item[1].amount)[0]
    if category is None:
        return main
    return TaxKey(category, Decimal(0) if category.zero_only else main.rate)
