"""Reading CII back into the EN 16931 model: our own output, the official CII examples, and
files that are not what they claim to be.

CII carries every field of :class:`InvoiceDocument` but two, so a document read back equals
the one written, compared as whole dataclasses: a buyer's additional legal information (no
EN 16931 business term; the writer refuses it) and the entries of ``extra`` that are not note
subject codes (a reader's own bookkeeping); the generated documents have neither. A line's
allowances and charges read with their line's VAT category and rate (CII states none for
them).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordermgmt.adapters.einvoice.cii import render_cii
from ordermgmt.adapters.einvoice.cii_reading import read_cii
from ordermgmt.adapters.einvoice.ubl import render_ubl
from ordermgmt.domain.document import (
    Contact,
    Delivery,
    DocumentType,
    InvoiceDocument,
    PaymentMeans,
    PaymentMeansCode,
)
from ordermgmt.errors import DocumentError
from ordermgmt.ports.documents import DocumentFormat
from tests.einvoice.cii_documents import taxed_with_lines
from tests.einvoice.strategies import de_xrechnung_documents, invoice_documents
from tests.einvoice.ubl_documents import full_credit_note, full_invoice, outside_scope_invoice
from tests.einvoice.validation import assert_valid, validate_cii

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "en16931" / "samples" / "cii"
SAMPLE_FILES = sorted(SAMPLES.glob("*.xml"))
CII_FORMATS = (DocumentFormat.CII, DocumentFormat.FACTURX, DocumentFormat.XRECHNUNG_CII)

#: Lines of the official examples whose stated net contradicts their own quantity x price /
#: base quantity - allowances + charges (the price copied into the base quantity, a charge
#: that is really a tax, nets rounded to whole forints): errors of the examples, not of the
#: reader (see the samples' README), listed so the check below proves every figure was read
#: as stated.
INCONSISTENT_SAMPLE_LINES = {
    "CII_business_example_01.xml": {"1", "2", "3", "4", "5"},
    "CII_business_example_Z.xml": {"16"},
    "CII_example1.xml": {"20"},
    "CII_example2.xml": {"1", "2", "3", "4", "5"},
    "CII_example8.xml": {str(n) for n in range(1, 11)},
    "CII_example9.xml": {"1"},
    "XRechnung-O.xml": {"1", "2"},
    "huf_example_cii.xml": {"1", "2", "3"},
}


# -- round trip -------------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoice_documents(), st.sampled_from(CII_FORMATS[:2]))
def test_a_generated_document_reads_back_equal(
    document: InvoiceDocument, format: DocumentFormat
) -> None:
    assert read_cii(render_cii(document, format)) == document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(de_xrechnung_documents())
def test_a_generated_xrechnung_document_reads_back_equal(document: InvoiceDocument) -> None:
    assert read_cii(render_cii(document, DocumentFormat.XRECHNUNG_CII)) == document


@st.composite
def documents_using_more_of_cii(draw: st.DrawFn) -> InvoiceDocument:
    """A generated document, with what the generator leaves alone varied too: the buyer's
    tax number, a full contact and a three-line address with a region, subject notes
    (BT-21), payment in cash or by a non-SEPA direct debit, a deliver-to party named only."""
    document = draw(invoice_documents())
    address = replace(
        document.buyer.address,
        lines=(*document.buyer.address.lines[:1], "Gebäude B", "3. OG"),
        subdivision="Bayern",
    )
    buyer = replace(
        document.buyer,
        address=address,
        tax_number=draw(st.sampled_from(("", "143/234/56789"))),
        contact=Contact("Jan Jansen", "+31 20 1234567", "jan@acme.example"),
    )
    subjects = draw(st.lists(st.sampled_from(("AAI", "SUR", "REG")), unique=True, max_size=3))
    means = draw(
        st.sampled_from(
            (
                document.payment_means,
                PaymentMeans(PaymentMeansCode.CASH),
                PaymentMeans(
                    PaymentMeansCode.DIRECT_DEBIT,
                    mandate_reference="M-77",
                    creditor_id="DE98ZZZ09999999999",
                    debtor_iban="DE02120300000000202051",
                ),
            )
        )
    )
    delivery = document.delivery
    if delivery is None or delivery.address is None:
        delivery = Delivery(name="Lager Süd", date=document.issue_date)
    return replace(
        document,
        buyer=buyer,
        extra={subject: f"Note {subject} & <more>" for subject in subjects},
        payment_means=means,
        payment_reference=document.payment_reference if means else "",
        delivery=delivery,
    )


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_using_more_of_cii())
def test_a_document_using_more_of_cii_is_valid_and_reads_back_equal(
    document: InvoiceDocument,
) -> None:
    xml = render_cii(document, DocumentFormat.CII)
    assert_valid(validate_cii(xml), xml)
    assert read_cii(xml) == document


@pytest.mark.parametrize("format", CII_FORMATS)
@pytest.mark.parametrize("build", [full_invoice, full_credit_note, outside_scope_invoice])
def test_a_document_filling_every_field_reads_back_equal(build, format: DocumentFormat) -> None:
    document = taxed_with_lines(build())
    assert read_cii(render_cii(document, format)) == document


def test_subject_notes_read_back_and_reader_bookkeeping_is_not_written() -> None:
    document = replace(full_invoice(), extra={"AAI": "Ordered online", "payment_means_code": "31"})
    read = read_cii(render_cii(taxed_with_lines(document), DocumentFormat.CII))
    assert read.extra == {"AAI": "Ordered online"}
    assert read.note == document.note


def test_a_document_not_subject_to_vat_reads_back_without_rates() -> None:
    read = read_cii(render_cii(outside_scope_invoice(), DocumentFormat.CII))
    assert {line.rate for line in read.lines} == {Decimal(0)}
    assert {row.rate for row in read.tax_breakdown} == {Decimal(0)}


# -- the official examples ------------------------------------------------------------------


def test_the_official_example_reads_with_its_parties_and_figures() -> None:
    document = read_cii((SAMPLES / "CII_example1.xml").read_bytes())
    assert document.type is DocumentType.INVOICE
    assert (document.number, document.currency) == ("12115118", "EUR")
    assert document.seller.name == "De Koksmaat"
    assert document.seller.vat_id == "NL8200.98.395.B.01"
    assert document.seller.registration_id == "57151520"
    assert document.seller.address.lines == ("Postbus 7l",)
    assert (document.buyer.name, document.buyer.address.city) == ("ODIN 59", "HEEMSKERK")
    assert document.buyer.contact is not None
    assert document.buyer.contact.name == "Dhr. J BLOKKER"
    assert len(document.lines) == 20
    assert [(row.rate, row.taxable, row.tax) for row in document.tax_breakdown] == [
        (Decimal("0.06"), Decimal("183.23"), Decimal("10.99")),
        (Decimal("0.21"), Decimal("46.37"), Decimal("9.74")),
    ]
    assert document.totals.payable == Decimal("250.33")
    assert document.payment_means is not None
    assert document.payment_means.code is PaymentMeansCode.CREDIT_TRANSFER
    assert document.payment_means.iban == "NL57 RABO 0107307510"
    assert document.payment_reference == "Deb. 10202 / Fact. 12115118"
    assert document.extra["AAR"].startswith("Alle leveringen zijn franco.")


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_an_official_example_states_totals_that_are_the_sums_of_its_parts(path: Path) -> None:
    document = read_cii(path.read_bytes())
    totals, items = document.totals, document.allowances_charges
    assert document.lines
    assert sum(line.net for line in document.lines) == totals.line_net
    assert sum(item.amount for item in items if not item.charge) == totals.allowances
    assert sum(item.amount for item in items if item.charge) == totals.charges
    assert totals.line_net - totals.allowances + totals.charges == totals.tax_exclusive
    assert sum(row.tax for row in document.tax_breakdown) == totals.tax
    assert totals.tax_exclusive + totals.tax == totals.tax_inclusive
    assert totals.tax_inclusive - totals.prepaid + totals.rounding == totals.payable
    assert sum(row.taxable for row in document.tax_breakdown) == totals.tax_exclusive


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_an_official_example_line_net_is_its_quantity_times_its_price(path: Path) -> None:
    document = read_cii(path.read_bytes())
    wrong = set()
    for line in document.lines:
        gross = line.quantity * line.net_price / line.base_quantity
        stated = (
            gross - sum(a.amount for a in line.allowances) + sum(c.amount for c in line.charges)
        )
        if abs(stated - line.net) >= Decimal("0.01"):
            wrong.add(line.id)
    assert wrong == INCONSISTENT_SAMPLE_LINES.get(path.name, set())


#: Official examples the model cannot carry whole, and what writing them again lacks: a
#: seller identified only by a global identifier (BT-29), which the model has not.
NOT_WRITABLE_AGAIN = {"CII_example7.xml": "BT-29"}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: path.name)
def test_an_official_example_read_and_written_again_is_valid_and_says_the_same(
    path: Path,
) -> None:
    document = read_cii(path.read_bytes())
    if path.name in NOT_WRITABLE_AGAIN:
        with pytest.raises(DocumentError, match=NOT_WRITABLE_AGAIN[path.name]):
            render_cii(document, DocumentFormat.CII)
        return
    xml = render_cii(document, DocumentFormat.CII)
    assert_valid(validate_cii(xml), xml)
    again = read_cii(xml)
    assert replace(again, extra=document.extra) == document
    assert set(again.extra) <= set(document.extra)


def test_an_unknown_payment_means_is_kept_in_extra() -> None:
    document = read_cii((SAMPLES / "huf_example_cii.xml").read_bytes())
    assert document.payment_means is None
    assert document.extra["payment_means_code"] == "70"


# -- what is not a CII document ---------------------------------------------------------------


def _valid() -> bytes:
    return render_cii(taxed_with_lines(full_invoice()), DocumentFormat.CII)


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (b"", "not well-formed XML"),
        (b"%PDF-1.7 not xml", "not well-formed XML"),
        (b"<rsm:CrossIndustryInvoice><unclosed>", "not well-formed XML"),
        (b"<html><body>hello</body></html>", "not a CII invoice: the root element is html"),
        (
            b'<CrossIndustryInvoice xmlns="urn:example:other"/>',
            r"not a CII invoice: the root element is \{urn:example:other\}",
        ),
        (
            b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
            b'CrossIndustryInvoice:100"/>',
            r"the document header \(rsm:ExchangedDocument\) is missing",
        ),
    ],
)
def test_what_is_not_cii_is_refused_with_the_reason(xml: bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        read_cii(xml)


def test_a_ubl_invoice_is_not_cii() -> None:
    with pytest.raises(DocumentError, match=r"not a CII invoice: .*Invoice-2\}Invoice"):
        read_cii(render_ubl(full_invoice(), DocumentFormat.UBL))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (b"<ram:ID>RE-2026-0001</ram:ID>", b"", r"invoice number \(BT-1\)"),
        (b'"102">20261201<', b'"102">2026-12-01<', r"issue date \(BT-2\).*format 102"),
        (b'"102">20261231<', b'"102">20260230<', r"due date \(BT-9\).*is not a date"),
        (b'format="102">20261201', b'format="610">20261201', "format 102"),
        (b">3.70<", b">3.7E0<", r"allowance or charge amount .* is not a decimal number"),
        (b">36.34<", b">NaN<", r"sum of line nets \(BT-106\).* is not a decimal number"),
        (b"<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>", b"", r"currency \(BT-5\)"),
        (b"<udt:Indicator>true", b"<udt:Indicator>yes", "ChargeIndicator"),
        (b"<ram:CategoryCode>S<", b"<ram:CategoryCode>XX<", "not an EN 16931 VAT category"),
        (b"<ram:TypeCode>380</ram:TypeCode>", b"", r"type code \(BT-3\)"),
        (b"ram:DuePayableAmount>", b"ram:DuePayable>", r"amount due \(BT-115\)"),
        (
            b"ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
            b"ram:Summation>",
            r"totals \(BG-22",
        ),
        (b"ram:SellerTradeParty>", b"ram:Seller>", r"seller \(BG-4\)"),
        (b"<ram:LineID>2</ram:LineID>", b"", r"line identifier \(BT-126\)"),
    ],
)
def test_a_malformed_value_is_refused_naming_it(old: bytes, new: bytes, reason: str) -> None:
    xml = _valid()
    assert old in xml
    with pytest.raises(DocumentError, match=reason):
        read_cii(xml.replace(old, new))


def test_a_document_without_lines_is_refused() -> None:
    xml = _valid()
    tag = b"ram:IncludedSupplyChainTradeLineItem>"
    start, end = xml.index(b"<" + tag), xml.rindex(b"</" + tag) + len(tag) + 2
    with pytest.raises(DocumentError, match=r"no lines \(BG-25\)"):
        read_cii(xml[:start] + xml[end:])


def test_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE rsm:CrossIndustryInvoice '
        f'[<!ENTITY x SYSTEM "file://{secret}">]>'
    ).encode() + _valid().split(b"?>", 1)[1].replace(b"RE-2026-0001", b"&x;", 1)
    with pytest.raises(DocumentError, match="DTD"):
        read_cii(xxe)


def test_an_entity_expansion_bomb_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<lolz>&lol3;</lolz>"
    )
    with pytest.raises(DocumentError):
        read_cii(bomb)


def test_text_instead_of_bytes_is_refused() -> None:
    with pytest.raises(DocumentError, match="bytes"):
        read_cii(_valid().decode())  # type: ignore[arg-type]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_a_document_error(data: bytes) -> None:
    with pytest.raises(DocumentError):
        read_cii(data)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_damaged_document_reads_or_is_refused_never_crashes(data: st.DataObject) -> None:
    xml = _valid()
    start = data.draw(st.integers(0, len(xml) - 1))
    length = data.draw(st.integers(1, 80))
    damaged = xml[:start] + xml[start + length :]
    try:
        result = read_cii(damaged)
    except DocumentError:
        return  # refused, with a reason: what the damage should cause
    assert isinstance(result, InvoiceDocument)
    assert result.number
