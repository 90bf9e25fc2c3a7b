"""VAT categories (EN 16931, UNTDID 5305) and which one a sale falls in.

A rate alone does not say why an invoice charges no tax: a zero-rated book, an exempt medical
service, a reverse-charge sale to a builder, an intra-community supply and an export all show
0 %, and the law wants the reason on the invoice. So every line, allowance and charge carries a
:class:`VatCategory` beside its rate, and tax is computed per (category, rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ordermgmt.domain.errors import ValidationError


class VatCategory(StrEnum):
    """The VAT category codes EN 16931 allows (UNTDID 5305, the EN 16931 subset)."""

    STANDARD = "S"
    ZERO_RATED = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    OUTSIDE_SCOPE = "O"
    CANARY_ISLANDS = "L"
    CEUTA_MELILLA = "M"

    @property
    def needs_reason(self) -> bool:
        """An exemption reason (text or code) must accompany this category (BR-E-10 & co)."""
        return self in _REASON_REQUIRED

    @property
    def zero_only(self) -> bool:
        """Only a 0 % rate is allowed in this category."""
        return self in _ZERO_ONLY


_REASON_REQUIRED = frozenset(
    {
        VatCategory.EXEMPT,
        VatCategory.REVERSE_CHARGE,
        VatCategory.INTRA_COMMUNITY,
        VatCategory.EXPORT,
        VatCategory.OUTSIDE_SCOPE,
    }
)
_ZERO_ONLY = _REASON_REQUIRED | {VatCategory.ZERO_RATED}

#: The legal note printed when a category needs one and none was configured: (VATEX code, text).
DEFAULT_REASONS: dict[VatCategory, tuple[str, str]] = {
    VatCategory.EXEMPT: ("", "Exempt from VAT"),
    VatCategory.REVERSE_CHARGE: ("VATEX-EU-AE", "Reverse charge: VAT is due by the recipient"),
    VatCategory.INTRA_COMMUNITY: ("VATEX-EU-IC", "Intra-community supply, exempt from VAT"),
    VatCategory.EXPORT: ("VATEX-EU-G", "Export outside the EU, exempt from VAT"),
    VatCategory.OUTSIDE_SCOPE: ("VATEX-EU-O", "Not subject to VAT"),
}

#: Member states of the European Union (ISO 3166-1 alpha-2; Greece is ``GR`` here, ``EL`` in
#: VAT identifiers).
EU_COUNTRIES = frozenset(
    {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"}
    | {"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
)


def require_category_rate(
    category: VatCategory, rate: Decimal, field: str = "tax_category"
) -> None:
    """Refuse a rate the category cannot have: standard rated needs a rate above 0, the
    others exactly 0 (EN 16931 BR-S-05, BR-Z-05, BR-E-05, BR-AE-05, BR-IC-05, BR-G-05)."""
    if category is VatCategory.STANDARD and rate <= 0:
        raise ValidationError(field, category.value, "standard rated needs a rate above 0")
    if category.zero_only and rate != 0:
        raise ValidationError(field, category.value, f"category {category.value} is 0 % only")


def vat_country(vat_id: str) -> str:
    """The country a VAT identifier belongs to (``DE123456789`` -> ``DE``; ``EL`` -> ``GR``)."""
    prefix = vat_id[:2].upper()
    return "GR" if prefix == "EL" else prefix


@dataclass(frozen=True, slots=True)
class Sale:
    """Who sells to whom and where the goods go: what decides a sale's VAT category."""

    seller_country: str
    buyer_country: str
    delivery_country: str
    buyer_vat_id: str = ""
    business: bool = False


def category_for(sale: Sale, default: VatCategory) -> VatCategory:
    """The category of a product whose own (domestic) category is ``default`` in ``sale``.

    Goods delivered outside the EU from the EU are an export (G). A business buyer in another
    member state with a VAT identifier of that state gets an intra-community supply (K). A
    domestic sale, or a consumer's, keeps the product's category. Products outside the scope
    of VAT (O) and exempt ones (E) stay so whatever the buyer.
    """
    if default in (VatCategory.OUTSIDE_SCOPE, VatCategory.EXEMPT):
        return default
    seller, destination = sale.seller_country, sale.delivery_country
    if seller in EU_COUNTRIES and destination not in EU_COUNTRIES:
        return VatCategory.EXPORT
    if (
        sale.business
        and seller in EU_COUNTRIES
        and destination in EU_COUNTRIES
        and destination != seller
        and sale.buyer_vat_id
        and vat_country(sale.buyer_vat_id) == sale.buyer_country != seller
    ):
        return VatCategory.INTRA_COMMUNITY
    return default


def rate_for(category: VatCategory, default_rate: Decimal) -> Decimal:
    """The rate a line of ``category`` has when the product's own rate is ``default_rate``."""
    if category in (VatCategory.STANDARD, VatCategory.CANARY_ISLANDS, VatCategory.CEUTA_MELILLA):
        return default_rate
    return Decimal(0)
