"""Reading UBL values: the hardened parser and typed accessors of
:mod:`~ordermgmt.adapters.einvoice.xml_reading` for the ``cac:`` and ``cbc:`` prefixes, and
UBL's dates."""

from __future__ import annotations

import re
from datetime import date

from ordermgmt.adapters.einvoice.ubl_xml import NS_CAC, NS_CBC, Element
from ordermgmt.adapters.einvoice.xml_reading import XmlReader
from ordermgmt.errors import DocumentError

FORMAT = "ubl"
NAMESPACES = {"cac": NS_CAC, "cbc": NS_CBC}
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")
_READER = XmlReader(FORMAT, NAMESPACES)
parse = _READER.parse
find = _READER.find
find_all = _READER.find_all
text = _READER.text
required_text = _READER.required_text
decimal = _READER.decimal
required_decimal = _READER.required_decimal
amount_or_zero = _READER.amount_or_zero


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
