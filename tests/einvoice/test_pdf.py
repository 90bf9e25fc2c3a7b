"""The PDF invoice and the Factur-X hybrid: what a reader sees on the page, what the page looks
like, and the PDF/A-3 structure Factur-X receivers check (no veraPDF offline: the checks read
the file's objects and its XMP with pypdf and lxml)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2
import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from ordermgmt.adapters.einvoice.facturx import read_facturx, render_facturx
from ordermgmt.adapters.einvoice.pdf import no_fetching, render_pdf
from ordermgmt.domain.document import (
    AllowanceCharge,
    DocumentType,
    InvoiceDocument,
    Party,
    PaymentMeans,
    PaymentMeansCode,
)
from ordermgmt.domain.money import minor_unit
from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import DocumentError
from tests.einvoice.pdf_documents import BUYER, build, document_line, full_invoice, many_lines
from tests.einvoice.strategies import invoice_documents

CII_SAMPLE = Path(__file__).parent / "data_pdf" / "CII_example1.xml"
A4_POINTS = (595, 842)


# -- helpers ------------------------------------------------------------------------------------


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, as pdfium extracts it (pdfium marks a hyphen that ends a line
    with U+0002; it is put back)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            document[i].get_textpage().get_text_bounded().replace("\x02", "-")
            for i in range(len(document))
        ]
    finally:
        document.close()


def squeezed(text: str) -> str:
    """``text`` without any whitespace: line breaks and wrapping do not matter."""
    return "".join(text.split())


def shows(pdf: bytes, *expected: str) -> list[str]:
    """Which of ``expected`` the PDF's text does not show (whitespace aside)."""
    text = squeezed("".join(page_texts(pdf)))
    return [item for item in expected if squeezed(item) not in text]


def amount(value: Decimal, currency: str) -> str:
    return f"{value:,.{minor_unit(currency)}f}"


# -- (a) what the page says ---------------------------------------------------------------------


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoice_documents())
def test_the_pdf_shows_the_number_the_buyer_every_sku_and_the_amount_due(
    document: InvoiceDocument,
) -> None:
    pdf = render_pdf(document)

    assert pdf.startswith(b"%PDF-")
    expected = [
        document.number,
        document.buyer.name,
        *(f"SKU {line.sku}" for line in document.lines),
        amount(document.totals.payable, document.currency) + " " + document.currency,
    ]
    assert shows(pdf, *expected) == []


def test_every_part_of_the_full_invoice_is_on_it() -> None:
    document = full_invoice()

    pdf = render_pdf(document)

    assert (
        shows(
            pdf,
            "Invoice INV-2026-00042",
            "Lindqvist Tools",
            "Lindqvist & Söhne Werkzeugbau GmbH",
            "VAT ID DE123456789",
            "Tax no. 27/123/45678",
            "HRB 123456, Amtsgericht Hamburg",
            "billing@lindqvist.example",
            "Kanaalweg 45",
            "3526 KL Utrecht",
            "Due date 2026-12-30",
            "Delivery date 2026-11-28",
            "Buyer reference BR-7781",
            "Your order PO-55120",
            "4 pcs",
            "12.5 m",
            "3 h",
            "per 100 pcs",
            "Loyalty discount (95) −12.00",
            "Freight (FC)",
            "Volume rebate (95), 2 % of 500.00",
            "E – Exempt from VAT",
            "Exempt from VAT",
            "Paid in advance −100.00",
            f"Amount due {amount(document.totals.payable, 'EUR')} EUR",
            "IBAN DE89 3704 0044 0532 0130 00",
            "BIC COBADEFFXXX",
            "30 days net; 2 % discount if paid within 10 days.",
            "Goods remain our property until paid in full.",
            "Managing directors: Anna Lindqvist, Jonas Weber",
        )
        == []
    )


def test_the_vat_breakdown_shows_each_rate_with_its_tax() -> None:
    document = full_invoice()

    pdf = render_pdf(document)

    rows = [
        f"{format(b.rate * 100, 'f').rstrip('0').rstrip('.')} % "
        f"{amount(b.taxable, 'EUR')} {amount(b.tax, 'EUR')}"
        for b in document.tax_breakdown
    ]
    assert rows[0] == "19 % 447.60 85.04"
    assert shows(pdf, *rows) == []


def test_a_credit_note_names_itself_and_the_invoice_it_corrects() -> None:
    document = build(
        (document_line(1, "1", "50.00"),),
        type=DocumentType.CREDIT_NOTE,
        number="CN-7",
        preceding_invoice="INV-2026-00042",
        preceding_invoice_date=date(2026, 11, 30),
    )

    pdf = render_pdf(document)

    assert (
        shows(
            pdf,
            "Credit note CN-7",
            "Corrects invoice INV-2026-00042 of 2026-11-30",
            "Amount credited",
        )
        == []
    )
    assert shows(pdf, "Amount due") == ["Amount due"]


@pytest.mark.parametrize(
    ("currency", "price", "shown"),
    [
        ("JPY", "1234", "1,468 JPY"),
        ("KWD", "12.345", "14.691 KWD"),
        ("EUR", "1234.5", "1,469.06 EUR"),
    ],
)
def test_amounts_have_the_decimals_of_their_currency(currency: str, price: str, shown: str) -> None:
    document = build((document_line(1, "1", price, currency=currency),), currency=currency)

    assert shows(render_pdf(document), f"Amount due {shown}") == []


def test_direct_debit_and_card_payments_show_their_details() -> None:
    debit = PaymentMeans(
        PaymentMeansCode.SEPA_DIRECT_DEBIT,
        mandate_reference="MANDATE-0815",
        creditor_id="DE98ZZZ09999999999",
        debtor_iban="NL91ABNA0417164300",
    )
    card = PaymentMeans(PaymentMeansCode.CARD, card_last_digits="4242", card_holder="P. de Vries")
    lines = (document_line(1, "1", "10.00"),)

    debit_pdf = render_pdf(build(lines, payment_means=debit))
    card_pdf = render_pdf(build(lines, payment_means=card))

    assert (
        shows(
            debit_pdf,
            "SEPA direct debit",
            "Mandate reference MANDATE-0815",
            "Creditor ID DE98ZZZ09999999999",
            "NL91 ABNA 0417 1643 00",
        )
        == []
    )
    assert shows(card_pdf, "Payment card", "ending in 4242", "Card holder P. de Vries") == []


def test_a_long_invoice_runs_over_pages_with_the_table_header_on_each() -> None:
    document = many_lines(70)

    pages = page_texts(render_pdf(document))

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Lindqvist & Söhne Werkzeugbau GmbH" in text  # the footer
    for text in pages[:-1]:
        assert "Pos." in text
        assert "Unit price" in text
    assert shows(render_pdf(document), *(f"SKU TW-{i:04d}" for i in range(1, 71))) == []


# -- (b) what the page looks like ---------------------------------------------------------------


def test_a_page_rasterises_to_an_a4_image_that_is_not_blank() -> None:
    document = pypdfium2.PdfDocument(render_pdf(full_invoice()))
    page = document[0]

    width, height = page.get_size()
    image = page.render(scale=1).to_pil().convert("L")
    document.close()

    assert (round(width), round(height)) == A4_POINTS
    assert abs(image.size[0] - width) <= 1  # one pixel per point, rounded up
    assert abs(image.size[1] - height) <= 1
    histogram = image.histogram()
    dark = sum(histogram[:128])  # text, rules and the dark header bands
    assert dark > 0.02 * A4_POINTS[0] * A4_POINTS[1]
    assert histogram[255] > 0.5 * A4_POINTS[0] * A4_POINTS[1]  # mostly white paper


# -- (d) escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ['<script>&"', "<b>Bold & Co</b>", "A &amp; B", "x</td></tr>y"])
def test_markup_in_the_document_is_printed_as_text(name: str) -> None:
    document = build(
        (dataclasses.replace(document_line(1, "1", "5.00"), name=name),),
        buyer=dataclasses.replace(BUYER, name=name),
        note=name,
    )

    text = "".join(page_texts(render_pdf(document)))

    assert text.count(name) >= 3  # the buyer, the item, the note


def test_the_renderer_fetches_nothing() -> None:
    fetcher = no_fetching("pdf")

    for url in ("http://example.com/logo.png", "file:///etc/passwd", "data:text/plain,x"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


# -- (c) Factur-X ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cii_xml() -> bytes:
    return CII_SAMPLE.read_bytes()


@pytest.fixture(scope="module")
def facturx_pdf(cii_xml: bytes) -> bytes:
    return render_facturx(full_invoice(), cii_xml)


@pytest.fixture
def reader(facturx_pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(facturx_pdf))


def xmp(reader: pypdf.PdfReader) -> Any:
    data = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    start, end = data.index(b"<x:xmpmeta"), data.rindex(b"</x:xmpmeta>") + 12
    return etree.fromstring(data[start:end])


NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}


def xmp_value(root: Any, prefix: str, name: str) -> list[str]:
    """The values of an XMP simple property, written as an attribute or as an element."""
    qualified = f"{{{NS[prefix]}}}{name}"
    values = [d.get(qualified) for d in root.iter(f"{{{NS['rdf']}}}Description")]
    values += [e.text for e in root.iter(qualified)]
    return [v for v in values if v is not None]


def test_facturx_embeds_the_xml_as_an_associated_file(
    reader: pypdf.PdfReader, cii_xml: bytes
) -> None:
    root = reader.trailer["/Root"]

    associated = [ref.get_object() for ref in root["/AF"]]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]

    assert len(associated) == 1
    spec = associated[0]
    assert spec["/Type"] == "/Filespec"
    assert spec["/F"] == spec["/UF"] == "factur-x.xml"
    assert spec["/AFRelationship"] in ("/Alternative", "/Data")
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Type"] == "/EmbeddedFile"
    assert stream["/Subtype"] == "/text/xml"
    assert stream.get_data() == cii_xml
    assert names[0] == "factur-x.xml"
    assert names[1].get_object() is spec or names[1].idnum == root["/AF"][0].idnum


def test_facturx_xmp_says_pdfa_3b_and_factur_x_en16931(reader: pypdf.PdfReader) -> None:
    root = xmp(reader)

    assert xmp_value(root, "pdfaid", "part") == ["3"]
    assert xmp_value(root, "pdfaid", "conformance") == ["B"]
    assert xmp_value(root, "fx", "DocumentFileName") == ["factur-x.xml"]
    assert xmp_value(root, "fx", "DocumentType") == ["INVOICE"]
    assert xmp_value(root, "fx", "Version") == ["1.0"]
    assert xmp_value(root, "fx", "ConformanceLevel") == ["EN 16931"]
    assert len(root.findall(f"{{{NS['rdf']}}}RDF")) == 1


def test_facturx_xmp_declares_its_extension_schema(reader: pypdf.PdfReader) -> None:
    root = xmp(reader)

    schema = root.find(".//pdfaSchema:namespaceURI/..", NS)
    declared = {e.text for e in schema.iterfind(".//pdfaProperty:name", NS)}

    assert schema.findtext("pdfaSchema:namespaceURI", namespaces=NS) == NS["fx"]
    assert schema.findtext("pdfaSchema:prefix", namespaces=NS) == "fx"
    assert declared == {"DocumentFileName", "DocumentType", "Version", "ConformanceLevel"}


def test_facturx_document_information_agrees_with_its_xmp(reader: pypdf.PdfReader) -> None:
    info = reader.metadata
    root = xmp(reader)

    assert info is not None
    assert xmp_value(root, "pdf", "Producer") == [info["/Producer"]]
    assert (
        root.findtext(
            ".//dc:title/rdf:Alt/rdf:li",
            namespaces={**NS, "dc": "http://purl.org/dc/elements/1.1/"},
        )
        == info["/Title"]
    )


def test_facturx_has_an_srgb_output_intent_and_no_encryption(reader: pypdf.PdfReader) -> None:
    intents = reader.trailer["/Root"]["/OutputIntents"]
    profile = intents[0].get_object()["/DestOutputProfile"].get_object()

    assert not reader.is_encrypted
    assert "/Encrypt" not in reader.trailer
    assert "/ID" in reader.trailer
    assert reader.pdf_header in ("%PDF-1.4", "%PDF-1.5", "%PDF-1.6", "%PDF-1.7")
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert profile["/N"] == 3
    assert profile.get_data()[36:40] == b"acsp"  # the ICC profile signature


def fonts_of(reader: pypdf.PdfReader) -> Iterator[Any]:
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type0":
                yield from (d.get_object() for d in font["/DescendantFonts"])
            else:
                yield font


def test_facturx_embeds_every_font(reader: pypdf.PdfReader) -> None:
    fonts = list(fonts_of(reader))

    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_facturx_reads_back_the_same_xml(facturx_pdf: bytes, cii_xml: bytes) -> None:
    assert read_facturx(facturx_pdf) == cii_xml


def test_another_reader_finds_the_one_attachment(facturx_pdf: bytes, cii_xml: bytes) -> None:
    document = pypdfium2.PdfDocument(facturx_pdf)
    try:
        count = document.count_attachments()
        attachment = document.get_attachment(0)
        name, data = attachment.get_name(), bytes(attachment.get_data())
    finally:
        document.close()

    assert (count, name, data) == (1, "factur-x.xml", cii_xml)


def test_a_credit_note_is_a_factur_x_invoice_document_too(cii_xml: bytes) -> None:
    credit = build((document_line(1, "1", "10.00"),), type=DocumentType.CREDIT_NOTE)

    reader = pypdf.PdfReader(io.BytesIO(render_facturx(credit, cii_xml)))

    assert xmp_value(xmp(reader), "fx", "DocumentType") == ["INVOICE"]
    assert read_facturx(render_facturx(credit, cii_xml)) == cii_xml


def test_facturx_shows_the_same_invoice_as_the_pdf(facturx_pdf: bytes) -> None:
    document = full_invoice()

    assert shows(facturx_pdf, document.number, document.buyer.name, "Amount due") == []


def test_reading_a_pdf_without_xml_or_not_a_pdf_is_a_document_error() -> None:
    with pytest.raises(DocumentError, match="no Factur-X XML"):
        read_facturx(render_pdf(full_invoice()))
    with pytest.raises(DocumentError, match="not a PDF"):
        read_facturx(b"<Invoice/>")
    with pytest.raises(DocumentError):
        read_facturx(b"%PDF-1.7\n garbage")


@pytest.mark.parametrize(
    "xml",
    [b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>", b"<a><b></a>"],
)
def test_facturx_refuses_what_is_not_cii(xml: bytes) -> None:
    with pytest.raises(DocumentError):
        render_facturx(full_invoice(), xml)


def test_facturx_refuses_cii_invalid_against_the_schema(cii_xml: bytes) -> None:
    broken = cii_xml.replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:Nonsense/>", 1)
    assert broken != cii_xml

    with pytest.raises(DocumentError, match="XSD"):
        render_facturx(full_invoice(), broken)


def test_line_allowances_and_categories_reach_the_page() -> None:
    allowance = AllowanceCharge(False, Decimal("1.50"), "Damaged box")
    line = document_line(
        1,
        "2.5",
        "4.00",
        unit="KGM",
        category=VatCategory.REVERSE_CHARGE,
        rate="0",
        allowances=(allowance,),
    )
    document = build(
        (line,),
        seller=dataclasses.replace(full_invoice().seller),
        buyer=Party(name="Bouw B.V.", address=BUYER.address, vat_id="NL999999999B01"),
    )

    assert (
        shows(
            render_pdf(document),
            "2.5 kg",
            "Allowance: Damaged box −1.50",
            "AE – Reverse charge",
            "Reverse charge: VAT is due by the recipient (VATEX-EU-AE)",
        )
        == []
    )
