"""How figures, dates and codes read on the PDF invoice: amounts in the currency's decimals,
quantities without trailing zeros, readable units (UN/ECE Recommendation 20), VAT categories
(UNTDID 5305) and payment means (UNTDID 4461)."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

from ordermgmt.domain.document import PaymentMeansCode
from ordermgmt.domain.money import minor_unit
from ordermgmt.domain.vat import VatCategory

#: Readable names of the common UN/ECE Recommendation 20 unit codes (BT-130).
UNIT_NAMES: dict[str, str] = {
    "H87": "pcs",
    "C62": "pcs",
    "EA": "each",
    "XPP": "pcs",
    "SET": "set",
    "PR": "pair",
    "XPK": "pkg",
    "XBX": "box",
    "KGM": "kg",
    "GRM": "g",
    "TNE": "t",
    "MTR": "m",
    "CMT": "cm",
    "MMT": "mm",
    "KMT": "km",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "l",
    "MLT": "ml",
    "HUR": "h",
    "MIN": "min",
    "SEC": "s",
    "DAY": "days",
    "WEE": "weeks",
    "MON": "months",
    "ANN": "years",
    "KWH": "kWh",
    "LS": "lump sum",
    "P1": "%",
}

#: What each VAT category means, as printed beside the VAT breakdown.
CATEGORY_NAMES: dict[VatCategory, str] = {
    VatCategory.STANDARD: "Standard rate",
    VatCategory.ZERO_RATED: "Zero rated",
    VatCategory.EXEMPT: "Exempt from VAT",
    VatCategory.REVERSE_CHARGE: "Reverse charge",
    VatCategory.INTRA_COMMUNITY: "Intra-community supply",
    VatCategory.EXPORT: "Export outside the EU",
    VatCategory.OUTSIDE_SCOPE: "Not subject to VAT",
    VatCategory.CANARY_ISLANDS: "Canary Islands (IGIC)",
    VatCategory.CEUTA_MELILLA: "Ceuta and Melilla (IPSI)",
}

#: How each means of payment is called on the document.
PAYMENT_MEANS_NAMES: dict[PaymentMeansCode, str] = {
    PaymentMeansCode.CASH: "Cash",
    PaymentMeansCode.CREDIT_TRANSFER: "Credit transfer",
    PaymentMeansCode.CARD: "Payment card",
    PaymentMeansCode.DIRECT_DEBIT: "Direct debit",
    PaymentMeansCode.SEPA_CREDIT_TRANSFER: "SEPA credit transfer",
    PaymentMeansCode.SEPA_DIRECT_DEBIT: "SEPA direct debit",
}


def esc(text: str) -> str:
    """``text`` escaped for HTML content and attribute values (``html.escape``)."""
    return html.escape(text, quote=True)


def format_amount(amount: Decimal, currency: str) -> str:
    """``amount`` with thousands separators and exactly the currency's decimals
    (``1,234.50`` in EUR, ``1,235`` in JPY, ``1.500`` in KWD)."""
    places = minor_unit(currency)
    return f"{amount:,.{places}f}"


def format_money(amount: Decimal, currency: str) -> str:
    """``amount`` formatted as :func:`format_amount`, followed by the currency code."""
    return f"{format_amount(amount, currency)} {currency}"


def format_price(price: Decimal, currency: str) -> str:
    """A net price (BT-146): at least the currency's decimals, more where the price has them
    (``0.125`` stays ``0.125`` in EUR, ``2`` becomes ``2.00``)."""
    places = max(minor_unit(currency), _decimals(price))
    return f"{price:,.{places}f}"


def format_quantity(quantity: Decimal) -> str:
    """A quantity without trailing zeros and never in exponent form (``2.500`` -> ``2.5``)."""
    return f"{quantity:,.{_decimals(quantity)}f}"


def format_rate(rate: Decimal) -> str:
    """A VAT rate, a fraction in the document, as a percentage (``0.19`` -> ``19 %``,
    ``0.055`` -> ``5.5 %``)."""
    return format_percent(rate * 100)


def format_percent(percent: Decimal) -> str:
    """A percentage (``2`` -> ``2 %``, ``2.50`` -> ``2.5 %``)."""
    return f"{format_quantity(percent)} %"


def format_date(value: date) -> str:
    """A date in the unambiguous ISO form (``2026-12-04``)."""
    return value.isoformat()


def unit_name(code: str) -> str:
    """The readable name of a UN/ECE Rec 20 unit code; the code itself when it is not a
    common one."""
    return UNIT_NAMES.get(code, code)


def _decimals(value: Decimal) -> int:
    """How many decimal places ``value`` needs to be shown exactly."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
