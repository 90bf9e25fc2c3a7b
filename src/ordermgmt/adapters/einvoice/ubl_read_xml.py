"""Parsing UBL safely and reading its values: the hardened parser and typed accessors that
turn every malformed value into a :class:`DocumentError` naming the element.

The parser resolves no entities, loads no DTD, never touches the network and refuses a
document that declares a DTD at all, so a file from outside can neither read local files
nor make the process fetch anything (XXE) nor blow up in memory (entity expansion).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from ordermgmt.adapters.einvoice.ubl_xml import NS_CAC, NS_CBC, Element
from ordermgmt.errors import DocumentError

FORMAT = "ubl"
NAMESPACES = {"cac": NS_CAC, "cbc": NS_CBC}
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")
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
    """The root element of ``xml``; :class:`DocumentError` if it is not well-formed XML or
    declares a DTD."""
    if not isinstance(xml, bytes | bytearray):
        raise DocumentError(FORMAT, f"expected the XML as bytes, got {type(xml).__name__}")
    try:
        tree = etree.ElementTree(etree.fromstring(bytes(xml), _PARSER))
    except etree.XMLSyntaxError as error:
        raise DocumentError(FORMAT, f"not well-formed XML: {error.msg}") from None
    if tree.docinfo.doctype:
        raise DocumentError(FORMAT, "a document type declaration (DTD) is not accepted")
    return tree.getroot()


def find(element: Element, path: str) -> Element | None:
    """The first element at ``path`` (``cac:``/``cbc:`` prefixes), or ``None``."""
    return element.find(path, NAMESPACES)


def find_all(element: Element, path: str) -> list[Element]:
    """Every element at ``path``."""
    return list(element.findall(path, NAMESPACES))


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
    """The xsd:date (``YYYY-MM-DD``) at ``path``, ``None`` when absent."""
    value = text(element, path)
    if not value:
        return None
    match = _DATE.fullmatch(value)
    try:
        if match:
            return date.fromisoformat(match.group(1))
    except ValueError:
        pass
    raise DocumentError(FORMAT, f"{term} ({path}) is not a date: {value!r}")
