"""The document port: an issued invoice or credit note as a file (e-invoice XML, PDF).

The e-invoice formats follow EN 16931; they differ in syntax (CII or UBL 2.1) and in the
specification identifier (BT-24) the receiver's rules expect (:data:`SPECIFICATION_IDS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ordermgmt.domain.document import DocumentFormat as DocumentFormat
from ordermgmt.domain.document import InvoiceDocument

EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG = EN16931 + "#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_BIS = EN16931 + "#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"

#: The specification identifier (BT-24) of each XML format.
SPECIFICATION_IDS: dict[DocumentFormat, str] = {
    DocumentFormat.CII: EN16931,
    DocumentFormat.FACTURX: EN16931,
    DocumentFormat.UBL: EN16931,
    DocumentFormat.XRECHNUNG_CII: XRECHNUNG,
    DocumentFormat.XRECHNUNG_UBL: XRECHNUNG,
    DocumentFormat.PEPPOL: PEPPOL_BIS,
}


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    """A document as a file: its bytes, media type and a file name to attach it under."""

    content: bytes
    media_type: str
    filename: str


class DocumentRenderer(Protocol):
    """Turns the legal content of an issued invoice or credit note into a file."""

    @property
    def formats(self) -> frozenset[DocumentFormat]:
        """The formats :meth:`render` produces."""
        ...

    def render(self, document: InvoiceDocument, format: DocumentFormat) -> RenderedDocument:
        """``document`` in ``format``. Raises ``DocumentError`` when the document cannot be
        expressed in that format (a rule of the format's specification it would break)."""
        ...
