"""Reading an XML e-invoice safely: the hardened parser and the typed accessors both readers
(CII and UBL) share, turning every missing or malformed value into a :class:`DocumentError`
that names the element and the business term.

The parser resolves no entities, loads no DTD, never touches the network and refuses a
document that declares a DTD at all, so a file from outside can neither read local files nor
make the process fetch anything (XXE) nor blow up in memory (entity expansion).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from lxml import etree

from ordermgmt.errors import DocumentError

#: An lxml element (lxml ships no type information).
Element = Any

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


class XmlReader:
    """Typed access to the documents of one syntax: ``format`` names it in errors and
    ``namespaces`` maps the prefixes its paths use."""

    def __init__(self, format: str, namespaces: dict[str, str]) -> None:
        self.format = format
        self.namespaces = namespaces

    def missing(self, term: str, path: str) -> DocumentError:
        return DocumentError(self.format, f"{term} ({path}) is missing")

    def parse(self, xml: bytes) -> Element:
        """The root element of ``xml``; :class:`DocumentError` if it is not well-formed XML
        or declares a DTD."""
        if not isinstance(xml, bytes | bytearray):
            raise DocumentError(self.format, f"expected the XML as bytes, got {type(xml).__name__}")
        try:
            tree = etree.ElementTree(etree.fromstring(bytes(xml), _PARSER))
        except etree.XMLSyntaxError as error:
            raise DocumentError(self.format, f"not well-formed XML: {error.msg}") from None
        if tree.docinfo.doctype:
            raise DocumentError(self.format, "a document type declaration (DTD) is not accepted")
        return tree.getroot()

    def find(self, element: Element | None, path: str) -> Element | None:
        """The first element at ``path``, or ``None``."""
        return None if element is None else element.find(path, self.namespaces)

    def find_all(self, element: Element | None, path: str) -> list[Element]:
        """Every element at ``path``."""
        return [] if element is None else list(element.findall(path, self.namespaces))

    def text(self, element: Element | None, path: str) -> str:
        """The stripped text at ``path``, ``""`` when there is none."""
        if element is None:
            return ""
        found = element.findtext(path, default="", namespaces=self.namespaces)
        return str(found).strip()

    def required_text(self, element: Element, path: str, term: str) -> str:
        """The text at ``path``; :class:`DocumentError` naming ``term`` when it is missing."""
        value = self.text(element, path)
        if not value:
            raise self.missing(term, path)
        return value

    def decimal(self, element: Element | None, path: str, term: str) -> Decimal | None:
        """The xsd:decimal at ``path``, ``None`` when absent; no exponents, NaN or
        infinities."""
        value = self.text(element, path)
        if not value:
            return None
        if not _DECIMAL.fullmatch(value):
            raise DocumentError(self.format, f"{term} ({path}) is not a decimal number: {value!r}")
        return Decimal(value)

    def required_decimal(self, element: Element, path: str, term: str) -> Decimal:
        """The decimal at ``path``; :class:`DocumentError` naming ``term`` when missing."""
        value = self.decimal(element, path, term)
        if value is None:
            raise self.missing(term, path)
        return value

    def amount_or_zero(self, element: Element | None, path: str, term: str) -> Decimal:
        """An optional amount, 0 when absent."""
        value = self.decimal(element, path, term)
        return Decimal(0) if value is None else value
