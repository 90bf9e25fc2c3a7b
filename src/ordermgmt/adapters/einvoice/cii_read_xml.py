"""Parsing CII safely and reading its values: the hardened parser and typed accessors that
turn every missing or malformed value into a :class:`DocumentError` naming the element.

The parser resolves no entities, loads no DTD, never touches the network and refuses a
document that declares a DTD at all, so a file from outside can neither read local files nor
make the process fetch anything (XXE) nor blow up in memory (entity expansion). Paths use the
prefixes ``rsm``, ``ram``, ``udt`` and ``qdt`` of the D16B namespaces.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from ordermgmt.errors import DocumentError

FORMAT = "cii"
NS_RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NAMESPACES = {
    "rsm": NS_RSM,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
ROOT = f"{{{NS_RSM}}}CrossIndustryInvoice"
#: An lxml element (lxml ships no type information).
Element = Any

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE_102 = re.compile(r"(\d{4})(\d{2})(\d{2})")
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse(xml: bytes) -> Element:
    """The ``rsm:CrossIndustryInvoice`` root of ``xml``; :class:`DocumentError` if it is not
    well-formed XML, declares a DTD or is another document."""
    if not isinstance(xml, bytes | bytearray):
        raise DocumentError(FORMAT, f"expected the XML as bytes, got {type(xml).__name__}")
    try:
        tree = etree.ElementTree(etree.fromstring(bytes(xml), _PARSER))
    except etree.XMLSyntaxError as error:
        raise DocumentError(FORMAT, f"not well-formed XML: {error.msg}") from None
    if tree.docinfo.doctype:
        raise DocumentError(FORMAT, "a document type declaration (DTD) is not accepted")
    root = tree.getroot()
    if root.tag != ROOT:
        raise DocumentError(
            FORMAT, f"not a CII invoice: the root element is {root.tag}, not {ROOT}"
        )
    return root


def find(element: Element | None, path: str) -> Element | None:
    """The first element at ``path``, or ``None``."""
    return None if element is None else element.find(path, NAMESPACES)


def find_all(element: Element | None, path: str) -> list[Element]:
    """Every element at ``path``."""
    return [] if element is None else list(element.findall(path, NAMESPACES))


def require(element: Element, path: str, term: str) -> Element:
    """The element at ``path``; :class:`DocumentError` naming ``term`` when it is missing."""
    found = find(element, path)
    if found is None:
        raise DocumentError(FORMAT, f"{term} ({path}) is missing")
    return found


def text(element: Element | None, path: str) -> str:
    """The stripped text at ``path``, ``""`` when there is none."""
    if element is None:
        return ""
    found = element.findtext(path, default="", namespaces=NAMESPACES)
    return str(found).strip()


def required_text(element: Element, path: str, term: str) -> str:
    """The text at ``path``; :class:`DocumentError` naming ``term`` when it is missing."""
    value = text(element, path)
    if not value:
        raise DocumentError(FORMAT, f"{term} ({path}) is missing")
    return value


def decimal(element: Element | None, path: str, term: str) -> Decimal | None:
    """The xsd:decimal at ``path``, ``None`` when absent; no exponents, NaN or infinities."""
    value = text(element, path)
    if not value:
        return None
    if not _DECIMAL.fullmatch(value):
        raise DocumentError(FORMAT, f"{term} ({path}) is not a decimal number: {value!r}")
    return Decimal(value)


def required_decimal(element: Element, path: str, term: str) -> Decimal:
    """The decimal at ``path``; :class:`DocumentError` naming ``term`` when it is missing."""
    value = decimal(element, path, term)
    if value is None:
        raise DocumentError(FORMAT, f"{term} ({path}) is missing")
    return value


def amount_or_zero(element: Element | None, path: str, term: str) -> Decimal:
    """An optional amount, 0 when absent."""
    value = decimal(element, path, term)
    return Decimal(0) if value is None else value


def day(element: Element | None, path: str, term: str) -> date | None:
    """The date at ``path`` (an element holding a ``udt:``/``qdt:DateTimeString`` of format
    102, ``YYYYMMDD``), ``None`` when absent."""
    holder = find(element, path)
    if holder is None:
        return None
    strings = [child for child in holder if etree.QName(child).localname == "DateTimeString"]
    if len(strings) != 1:
        raise DocumentError(FORMAT, f"{term} ({path}) holds no DateTimeString")
    value = (strings[0].text or "").strip()
    format_code = strings[0].get("format", "")
    match = _DATE_102.fullmatch(value)
    if format_code != "102" or match is None:
        raise DocumentError(
            FORMAT, f"{term} ({path}) is not a date of format 102 (YYYYMMDD): {value!r}"
        )
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DocumentError(FORMAT, f"{term} ({path}) is not a date: {value!r}") from None


def required_day(element: Element, path: str, term: str) -> date:
    """:func:`day`, :class:`DocumentError` naming ``term`` when it is missing."""
    value = day(element, path, term)
    if value is None:
        raise DocumentError(FORMAT, f"{term} ({path}) is missing")
    return value
