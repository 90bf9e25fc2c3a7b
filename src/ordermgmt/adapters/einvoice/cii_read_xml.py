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

from lxml import etree

from ordermgmt.adapters.einvoice.xml_reading import Element as Element
from ordermgmt.adapters.einvoice.xml_reading import XmlReader
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

_DATE_102 = re.compile(r"(\d{4})(\d{2})(\d{2})")
_READER = XmlReader(FORMAT, NAMESPACES)
find = _READER.find
find_all = _READER.find_all
text = _READER.text
required_text = _READER.required_text
decimal = _READER.decimal
required_decimal = _READER.required_decimal
amount_or_zero = _READER.amount_or_zero


def parse(xml: bytes) -> Element:
    """The ``rsm:CrossIndustryInvoice`` root of ``xml``; :class:`DocumentError` if it is not
    well-formed XML, declares a DTD or is another document."""
    root = _READER.parse(xml)
    if root.tag != ROOT:
        raise DocumentError(
            FORMAT, f"not a CII invoice: the root element is {root.tag}, not {ROOT}"
        )
    return root


def require(element: Element, path: str, term: str) -> Element:
    """The element at ``path``; :class:`DocumentError` naming ``term`` when it is missing."""
    found = find(element, path)
    if found is None:
        raise _READER.missing(term, path)
    return found


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
