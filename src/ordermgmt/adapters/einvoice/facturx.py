"""Factur-X / ZUGFeRD: the PDF invoice as PDF/A-3b with its CII XML embedded.

:func:`render_facturx` lays the document out exactly as :func:`~ordermgmt.adapters.einvoice.
pdf.render_pdf` does, but has WeasyPrint write it as PDF/A-3b (embedded fonts, the sRGB
output intent, XMP metadata) with the CII XML attached as ``factur-x.xml`` (MIME type
``text/xml``, ``/AFRelationship /Alternative``, listed in the catalog's ``/AF``); the XMP then
gains the Factur-X extension schema and its properties (``fx:DocumentType`` INVOICE,
``fx:DocumentFileName``, ``fx:Version`` 1.0, ``fx:ConformanceLevel`` EN 16931).
:func:`read_facturx` gives the XML back from such a file.

Why WeasyPrint writes the hybrid itself rather than the ``factur-x`` library: ``factur-x``
rewrites the finished PDF with pypdf, and on a WeasyPrint PDF/A-3b the result contradicts itself
(the document information says Producer "WeasyPrint", the XMP it substitutes says "pypdf", which
PDF/A forbids; its XMP descriptions carry no ``rdf:about``). WeasyPrint writes the attachment,
``/AF`` and the PDF/A metadata in one pass, consistent by construction, and adding the Factur-X
properties to that XMP is a small, checked step. ``factur-x`` still does what it does best: it
checks the XML against the Factur-X EN 16931 XSD it ships before the XML is embedded, and reads
the XML back out of a Factur-X or ZUGFeRD file.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, time
from typing import Any

from lxml import etree

from ordermgmt.adapters.einvoice.pdf import no_fetching, write_pdf
from ordermgmt.domain.document import InvoiceDocument
from ordermgmt.errors import DocumentError

logger = logging.getLogger(__name__)

#: The name the CII XML is embedded under (Factur-X 1.0; ZUGFeRD 2.x reads it too).
FACTURX_FILENAME = "factur-x.xml"
_FORMAT = "facturx"
_CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

_PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
_PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
_FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

#: The Factur-X XMP properties with their values and the descriptions the Factur-X extension
#: schema gives them (PDF/A allows only properties a schema in the file declares).
_FX_PROPERTIES = (
    ("DocumentFileName", FACTURX_FILENAME, "The name of the embedded XML document"),
    (
        "DocumentType",
        "INVOICE",
        "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
    ),
    (
        "Version",
        "1.0",
        "The actual version of the standard applying to the embedded XML document",
    ),
    ("ConformanceLevel", "EN 16931", "The conformance level of the embedded XML document"),
)


def render_facturx(document: InvoiceDocument, cii_xml: bytes) -> bytes:
    """``document`` as a Factur-X (EN 16931 profile) PDF/A-3b with ``cii_xml``, its CII
    rendering, embedded as ``factur-x.xml``. Raises ``DocumentError`` when ``cii_xml`` is not a
    CII invoice valid against the Factur-X EN 16931 schema."""
    _check_cii(cii_xml)
    weasyprint = _import("weasyprint")
    issued = datetime.combine(document.issue_date, time(), tzinfo=UTC)
    attachment = weasyprint.Attachment(
        file_obj=io.BytesIO(cii_xml),
        url_fetcher=no_fetching(_FORMAT),
        name=FACTURX_FILENAME,
        description="Factur-X invoice data (UN/CEFACT CII, EN 16931)",
        created=issued,
        modified=issued,
        relationship="Alternative",
    )
    return write_pdf(
        document,
        _FORMAT,
        finisher=_finish,
        pdf_variant="pdf/a-3b",
        attachments=[attachment],
    )


def read_facturx(pdf: bytes) -> bytes:
    """The XML a Factur-X or ZUGFeRD 2 file carries (``factur-x.xml`` or
    ``zugferd-invoice.xml``). Raises ``DocumentError`` when ``pdf`` is not a PDF or carries no
    such XML."""
    facturx = _import("facturx")
    if b"%PDF-" not in pdf[:1024]:
        raise DocumentError(_FORMAT, "not a PDF file")
    try:
        _, xml = facturx.get_facturx_xml_from_pdf(pdf, check_xsd=False)
    except Exception as error:  # the reader's errors for a damaged file have no common base
        raise DocumentError(_FORMAT, f"not a readable PDF file: {error}") from error
    if not xml:
        raise DocumentError(_FORMAT, "the PDF carries no Factur-X XML")
    return bytes(xml)


def _check_cii(cii_xml: bytes) -> None:
    facturx = _import("facturx")
    try:
        root = etree.fromstring(cii_xml, _parser())
    except etree.XMLSyntaxError as error:
        raise DocumentError(_FORMAT, f"the CII XML is not well-formed: {error}") from error
    if root.tag != _CII_ROOT:
        raise DocumentError(_FORMAT, f"not a CII invoice: the root element is {root.tag}")
    try:
        facturx.xml_check_xsd(root, flavor="factur-x", level="en16931")
    except Exception as error:  # factur-x raises a bare Exception naming the schema errors
        raise DocumentError(
            _FORMAT, f"the CII XML is not valid against the Factur-X EN 16931 XSD: {error}"
        ) from error


def _finish(_document: Any, pdf: Any) -> None:
    """WeasyPrint finisher: the Factur-X XMP, and each associated file listed once in the
    catalog's ``/AF`` (WeasyPrint 70 lists an attachment twice)."""
    files = pdf.catalog["AF"]
    files[:] = list(dict.fromkeys(files))
    _add_facturx_metadata(pdf)


def _add_facturx_metadata(pdf: Any) -> None:
    """Add the Factur-X descriptions to the PDF/A XMP metadata stream WeasyPrint wrote,
    inside its one ``rdf:RDF``."""
    stream = next(
        item
        for item in pdf.objects
        if getattr(item, "extra", {}).get("Type") == "/Metadata"
        and item.reference == pdf.catalog["Metadata"]
    )
    packet = b"".join(stream.stream)
    start, end = packet.index(b"<x:xmpmeta"), packet.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    xmpmeta = etree.fromstring(packet[start:end], _parser())
    rdf = xmpmeta.find(f"{{{_RDF}}}RDF")
    if rdf is None:  # pragma: no cover - WeasyPrint always writes one
        raise DocumentError(_FORMAT, "the PDF/A metadata has no rdf:RDF element")
    rdf.extend(_facturx_descriptions())
    xml = etree.tostring(xmpmeta, encoding="utf-8", xml_declaration=False)
    stream.stream = [packet[:start] + xml + packet[end:]]


def _facturx_descriptions() -> list[Any]:
    """Two ``rdf:Description`` elements: the Factur-X PDF/A extension schema and the Factur-X
    properties."""
    prefixes = {
        "pdfaExtension": _PDFA_EXTENSION,
        "pdfaSchema": _PDFA_SCHEMA,
        "pdfaProperty": _PDFA_PROPERTY,
    }  # PDF/A names these prefixes
    schemas = etree.Element(_rdf("Description"), {_rdf("about"): ""}, nsmap=prefixes)
    bag = _sub(_sub(schemas, f"{{{_PDFA_EXTENSION}}}schemas"), _rdf("Bag"))
    schema = _sub(bag, _rdf("li"), {_rdf("parseType"): "Resource"})
    _sub(schema, f"{{{_PDFA_SCHEMA}}}schema").text = "Factur-X PDFA Extension Schema"
    _sub(schema, f"{{{_PDFA_SCHEMA}}}namespaceURI").text = _FX
    _sub(schema, f"{{{_PDFA_SCHEMA}}}prefix").text = "fx"
    sequence = _sub(_sub(schema, f"{{{_PDFA_SCHEMA}}}property"), _rdf("Seq"))
    values = etree.Element(_rdf("Description"), {_rdf("about"): ""}, nsmap={"fx": _FX})
    for name, value, description in _FX_PROPERTIES:
        declared = _sub(sequence, _rdf("li"), {_rdf("parseType"): "Resource"})
        _sub(declared, f"{{{_PDFA_PROPERTY}}}name").text = name
        _sub(declared, f"{{{_PDFA_PROPERTY}}}valueType").text = "Text"
        _sub(declared, f"{{{_PDFA_PROPERTY}}}category").text = "external"
        _sub(declared, f"{{{_PDFA_PROPERTY}}}description").text = description
        _sub(values, f"{{{_FX}}}{name}").text = value
    return [schemas, values]


def _rdf(name: str) -> str:
    return f"{{{_RDF}}}{name}"


def _sub(parent: Any, tag: str, attributes: dict[str, str] | None = None) -> Any:
    return etree.SubElement(parent, tag, attributes or {})


def _parser() -> etree.XMLParser:
    """An XML parser that expands no entities and reads nothing from the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True)


def _import(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError as error:  # pragma: no cover - the extra is installed in the tests
        raise DocumentError(
            _FORMAT, "needs the einvoice extra: pip install ordermgmt[einvoice]"
        ) from error
