"""The small element builder the UBL writer uses: namespaces, elements that leave out what
is empty, and the lexical form of numbers.

Built on :class:`lxml.builder.ElementMaker`. Every helper returns ``None`` for a value that is
missing, and :func:`cac` drops ``None`` children and is itself ``None`` when nothing is left,
so an optional business term never becomes an empty element (which UBL schematron forbids).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml.builder import ElementMaker

from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import DocumentError

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP: dict[str | None, str] = {"cac": NS_CAC, "cbc": NS_CBC}

#: An lxml element (lxml ships no type information).
Element = Any

_CBC = ElementMaker(namespace=NS_CBC, nsmap=NSMAP)
_CAC = ElementMaker(namespace=NS_CAC, nsmap=NSMAP)


def number(value: Decimal) -> str:
    """``value`` as an xsd:decimal: positional notation, never an exponent, no ``-0``."""
    if value == 0:
        value = abs(value)
    return format(value, "f")


def cbc(name: str, value: str | Decimal | None, **attributes: str) -> Element | None:
    """A basic component ``cbc:name``, or ``None`` when ``value`` is missing or empty."""
    if value is None or value == "":
        return None
    text = number(value) if isinstance(value, Decimal) else value
    attrs = {key: val for key, val in attributes.items() if val}
    return _CBC(name, text, **attrs)


def cac(name: str, *children: Element | None) -> Element | None:
    """An aggregate ``cac:name`` of the children that are present, or ``None`` if none is."""
    present = [child for child in children if child is not None]
    if not present:
        return None
    element = _CAC(name)
    element.extend(present)
    return element


def required(name: str, *children: Element | None) -> Element:
    """An aggregate that is always written (its children are mandatory)."""
    element = cac(name, *children)
    if element is None:
        raise DocumentError("ubl", f"{name} has no content")
    return element


def amount(name: str, value: Decimal | None, currency: str) -> Element | None:
    """A monetary amount with its ``currencyID``, at most two decimals (EN 16931 BR-DEC).

    A value given with more places that is still a whole number of cents (``1.500``) is
    written with two; one that is not cannot be expressed and raises :class:`DocumentError`.
    """
    if value is None:
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        cents = value.quantize(Decimal("0.01"))
        if cents != value:
            raise DocumentError(
                "ubl", f"{name} {value} has more than two decimals (EN 16931 BR-DEC)"
            )
        value = cents
    return _CBC(name, number(value), currencyID=currency)


def percent(rate: Decimal) -> str:
    """A rate (``0.19``) as the percentage UBL writes (``19``)."""
    return number((rate * 100).normalize())


def tax_category(
    name: str,
    category: VatCategory,
    rate: Decimal,
    *extra: Element | None,
    breakdown: bool = False,
) -> Element:
    """A ``cac:TaxCategory``/``ClassifiedTaxCategory`` of the VAT scheme. Category ``O``
    (not subject to VAT) carries no rate on lines and allowances and charges (BR-O-05 & co);
    in the VAT breakdown (``breakdown``) it states 0, which EN 16931 allows and XRechnung
    requires (BR-DE-14)."""
    omitted = category is VatCategory.OUTSIDE_SCOPE and not breakdown
    rate_element = None if omitted else cbc("Percent", percent(rate))
    return required(
        name,
        cbc("ID", category.value),
        rate_element,
        *extra,
        cac("TaxScheme", cbc("ID", "VAT")),
    )
