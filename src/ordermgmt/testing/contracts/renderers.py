"""The document renderer contract: what every :class:`~ordermgmt.ports.DocumentRenderer`
promises."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from ordermgmt.domain.document import (
    Contact,
    DocumentFormat,
    DocumentTotals,
    DocumentType,
    ElectronicAddress,
    InvoiceDocument,
    InvoiceLine,
    Party,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
    TaxBreakdown,
)
from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import DocumentError
from ordermgmt.ports import DocumentRenderer

MEDIA_TYPES = frozenset({"application/pdf", "application/xml"})


def _parties() -> tuple[Party, Party]:
    """A German seller and buyer with participant identifiers and the seller's contact."""
    seller = Party(
        "Stuhlwerk GmbH",
        PostalAddress(("Hauptstr. 1",), "Berlin", "10115", "DE"),
        vat_id="DE123456789",
        electronic_address=ElectronicAddress("DE123456789", "9930"),
        contact=Contact("Anna Weber", "+49 30 1234567", "anna@stuhlwerk.example"),
    )
    buyer = Party(
        "ACME GmbH",
        PostalAddress(("Weg 2",), "Hamburg", "20095", "DE"),
        electronic_address=ElectronicAddress("4012345000009", "0088"),
    )
    return seller, buyer


def a_document(number: str = "INV-2026-000001") -> InvoiceDocument:
    """An invoice of two chairs at 149.00 EUR, 19 %, from a German seller to a German buyer,
    with what every format asks for (participant identifiers as electronic addresses and a
    buyer reference for Peppol and XRechnung, the seller's contact for XRechnung)."""
    seller, buyer = _parties()
    line = InvoiceLine(
        id="1",
        name="Office chair",
        sku="CHAIR",
        quantity=Decimal(2),
        unit_code="H87",
        net_price=Decimal("149.00"),
        base_quantity=Decimal(1),
        net=Decimal("298.00"),
        category=VatCategory.STANDARD,
        rate=Decimal("0.19"),
    )
    return InvoiceDocument(
        type=DocumentType.INVOICE,
        number=number,
        issue_date=date(2026, 11, 30),
        currency="EUR",
        seller=seller,
        buyer=buyer,
        lines=(line,),
        tax_breakdown=(
            TaxBreakdown(
                VatCategory.STANDARD, Decimal("0.19"), Decimal("298.00"), Decimal("56.62")
            ),
        ),
        totals=DocumentTotals(
            line_net=Decimal("298.00"),
            allowances=Decimal(0),
            charges=Decimal(0),
            tax_exclusive=Decimal("298.00"),
            tax=Decimal("56.62"),
            tax_inclusive=Decimal("354.62"),
            prepaid=Decimal(0),
            rounding=Decimal(0),
            payable=Decimal("354.62"),
        ),
        due_date=date(2026, 12, 30),
        payment_terms="Payable within 30 days.",
        payment_means=PaymentMeans(
            PaymentMeansCode.SEPA_CREDIT_TRANSFER, iban="DE75512108001245126199"
        ),
        payment_reference=number,
        buyer_reference="04011000-12345-03",
    )


def a_credit_note() -> InvoiceDocument:
    """The credit note of :func:`a_document`, whole."""
    return replace(
        a_document("CN-2026-000001"),
        type=DocumentType.CREDIT_NOTE,
        due_date=None,
        preceding_invoice="INV-2026-000001",
        preceding_invoice_date=date(2026, 11, 30),
    )


class DocumentRendererContract:
    """:class:`~ordermgmt.ports.DocumentRenderer`: every format it lists renders an invoice
    and a credit note as a named file of its media type; a format it does not list, or a
    document the format's rules refuse, is a ``DocumentError``.

    Needs one fixture: ``renderer``, your adapter.
    """

    @pytest.fixture
    def renderer(self) -> DocumentRenderer:
        """Override: the document renderer under test."""
        pytest.fail(
            f"{type(self).__name__} needs a `renderer` fixture: the DocumentRenderer under "
            "test (see ordermgmt.testing.contracts.DocumentRendererContract)"
        )

    def test_renderer_lists_what_it_renders(self, renderer: DocumentRenderer) -> None:
        assert renderer.formats
        assert renderer.formats <= set(DocumentFormat)

    @pytest.mark.parametrize("document", [a_document(), a_credit_note()], ids=["invoice", "note"])
    def test_renderer_renders_each_format_as_a_named_file(
        self, renderer: DocumentRenderer, document: InvoiceDocument
    ) -> None:
        for format in sorted(renderer.formats):
            rendered = renderer.render(document, format)
            assert rendered.media_type in MEDIA_TYPES, format
            assert rendered.filename.startswith(document.number), format
            assert "/" not in rendered.filename
            assert "\\" not in rendered.filename
            if rendered.media_type == "application/pdf":
                assert rendered.content.startswith(b"%PDF-"), format
            else:
                root = ElementTree.fromstring(rendered.content)
                assert document.number in ElementTree.tostring(root, encoding="unicode")

    def test_renderer_refuses_a_format_it_does_not_list(self, renderer: DocumentRenderer) -> None:
        missing = set(DocumentFormat) - renderer.formats
        for format in missing:
            with pytest.raises(DocumentError):
                renderer.render(a_document(), format)

    def test_renderer_refuses_what_the_format_cannot_say(self, renderer: DocumentRenderer) -> None:
        # EN 16931 amounts have at most two decimals (BR-DEC): a third one cannot be said
        document = a_document()
        odd = replace(document, totals=replace(document.totals, payable=Decimal("354.625")))
        for format in sorted(renderer.formats - {DocumentFormat.PDF}):
            with pytest.raises(DocumentError):
                renderer.render(odd, format)
