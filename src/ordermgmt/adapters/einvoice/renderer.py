"""The document renderer: an issued invoice or credit note in each format of
:class:`~ordermgmt.ports.documents.DocumentFormat`.

CII (EN 16931, Factur-X, XRechnung) and UBL 2.1 (EN 16931, Peppol BIS 3, XRechnung) come from
:mod:`.cii` and :mod:`.ubl`; the PDF from :mod:`.pdf`; Factur-X is that PDF as PDF/A-3 with
the CII XML embedded (:mod:`.facturx`). The libraries are imported on first use, so this
module loads without the ``einvoice`` extra; :meth:`EInvoiceRenderer.available` tells whether
they are installed.
"""

from __future__ import annotations

import importlib.util
import re

from ordermgmt.domain.document import DocumentFormat, InvoiceDocument
from ordermgmt.domain.errors import DocumentError
from ordermgmt.ports.documents import RenderedDocument

#: The libraries of the ``einvoice`` extra, by import name.
LIBRARIES = ("drafthorse", "facturx", "weasyprint", "lxml")

XML = "application/xml"
PDF = "application/pdf"

_SUFFIX = {
    DocumentFormat.PDF: ("pdf", PDF),
    DocumentFormat.FACTURX: ("pdf", PDF),
    DocumentFormat.CII: ("cii.xml", XML),
    DocumentFormat.XRECHNUNG_CII: ("xrechnung-cii.xml", XML),
    DocumentFormat.XRECHNUNG_UBL: ("xrechnung-ubl.xml", XML),
    DocumentFormat.UBL: ("ubl.xml", XML),
    DocumentFormat.PEPPOL: ("peppol.xml", XML),
}


def file_name(document: InvoiceDocument, format: DocumentFormat) -> str:
    """``INV-2026-000001.pdf``, ``CN-2026-000002.xrechnung-ubl.xml``: the number, made safe
    for a file name, and the format's suffix."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", document.number) or document.type.name.lower()
    return f"{stem}.{_SUFFIX[format][0]}"


class EInvoiceRenderer:
    """Renders :class:`~ordermgmt.domain.document.InvoiceDocument` in every
    :class:`~ordermgmt.domain.document.DocumentFormat` (the ``einvoice`` extra)."""

    @staticmethod
    def available() -> bool:
        """True where every library of the ``einvoice`` extra is installed."""
        try:
            return all(importlib.util.find_spec(name) is not None for name in LIBRARIES)
        except (ImportError, ValueError):  # a library that is there but cannot be imported
            return False

    @property
    def formats(self) -> frozenset[DocumentFormat]:
        return frozenset(DocumentFormat)

    def render(self, document: InvoiceDocument, format: DocumentFormat) -> RenderedDocument:
        """``document`` in ``format``; ``DocumentError`` where the format's rules refuse it or
        a library is missing."""
        try:
            content = self._content(document, DocumentFormat(format))
        except ImportError as error:
            raise DocumentError(
                str(format), f"the einvoice extra is not installed ({error.name})"
            ) from None
        return RenderedDocument(content, _SUFFIX[format][1], file_name(document, format))

    @staticmethod
    def _content(document: InvoiceDocument, format: DocumentFormat) -> bytes:
        if format is DocumentFormat.PDF:
            from ordermgmt.adapters.einvoice.pdf import render_pdf

            return render_pdf(document)
        if format in (DocumentFormat.CII, DocumentFormat.XRECHNUNG_CII, DocumentFormat.FACTURX):
            from ordermgmt.adapters.einvoice.cii import render_cii

            xml = render_cii(document, format)
            if format is not DocumentFormat.FACTURX:
                return xml
            from ordermgmt.adapters.einvoice.facturx import render_facturx

            return render_facturx(document, xml)
        from ordermgmt.adapters.einvoice.ubl import render_ubl

        return render_ubl(document, format)


__all__ = ["EInvoiceRenderer", "file_name"]
