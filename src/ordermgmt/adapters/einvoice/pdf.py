"""The human-readable PDF of an invoice or credit note, laid out with WeasyPrint.

:func:`render_pdf` turns an :class:`~ordermgmt.domain.document.InvoiceDocument` into an A4
PDF: the seller's letterhead, the buyer's address beside the document's number, dates and
references, the lines (the header row repeats on every page), the allowances and charges, the
VAT breakdown with its exemption reasons, the totals ending in the amount due, how to pay and
the notes; the seller's legal details and the page number run along the foot of every page.

The HTML is built in :mod:`~ordermgmt.adapters.einvoice.pdf_template` with every text from
the document escaped by ``html.escape``; the styles are the package's ``pdf.css``. WeasyPrint
gets a URL fetcher that refuses every URL, so rendering never reads the network or a file.
Fonts are the system's (DejaVu Sans: Debian's ``fonts-dejavu-core``); WeasyPrint embeds the
glyphs it uses, so the PDF shows the same everywhere. WeasyPrint needs Pango (Debian's
``libpango-1.0-0`` and ``libpangoft2-1.0-0``) and prefers HarfBuzz's subsetter
(``libharfbuzz-subset0``) to fontTools for cutting the fonts down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ordermgmt.adapters.einvoice.pdf_template import document_html
from ordermgmt.domain.document import InvoiceDocument
from ordermgmt.errors import DocumentError

logger = logging.getLogger(__name__)

#: The media type of what :func:`render_pdf` returns.
PDF_MEDIA_TYPE = "application/pdf"


def render_pdf(document: InvoiceDocument) -> bytes:
    """``document`` as a PDF invoice or credit note (see the module docstring for the
    layout). Raises ``DocumentError`` when the ``einvoice`` extra is not installed."""
    return write_pdf(document, "pdf")


def write_pdf(
    document: InvoiceDocument,
    format: str,
    finisher: Callable[[Any, Any], None] | None = None,
    **options: Any,
) -> bytes:
    """``document`` laid out and written by WeasyPrint with ``options`` (``pdf_variant``,
    ``attachments``, ...) and ``finisher`` (called with the WeasyPrint document and the
    ``pydyf`` PDF before it is written). ``format`` names the format in a ``DocumentError``."""
    weasyprint = _weasyprint(format)
    fetcher = no_fetching(format)
    html = weasyprint.HTML(string=document_html(document), url_fetcher=fetcher)
    try:
        content: bytes = html.write_pdf(finisher=finisher, **options)
    except weasyprint.urls.FatalURLFetchingError as error:  # pragma: no cover - nothing to fetch
        raise DocumentError(format, f"the layout asked for an outside resource: {error}") from error
    logger.debug("rendered %s %s: %d bytes", format, document.number, len(content))
    return content


def no_fetching(format: str) -> Any:
    """A WeasyPrint URL fetcher that allows no protocol at all: rendering stops if anything
    asks for a URL (nothing in the layout does)."""
    weasyprint = _weasyprint(format)
    return weasyprint.URLFetcher(allowed_protocols=frozenset(), fail_on_errors=True)


def _weasyprint(format: str) -> Any:
    try:
        import weasyprint
    except ImportError as error:  # pragma: no cover - the extra is installed in the tests
        raise DocumentError(
            format, "needs the einvoice extra: pip install ordermgmt[einvoice]"
        ) from error
    return weasyprint
