"""CII (D16B) invoices and credit notes: valid EN 16931 for every generated document, the
specification identifier of each format, the structure of each payment means, the lexical
form of numbers, and refusing what CII cannot express."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from ordermgmt.adapters.einvoice import EInvoiceRenderer
from ordermgmt.adapters.einvoice.cii import render_cii
from ordermgmt.adapters.einvoice.cii_reading import read_cii
from ordermgmt.adapters.einvoice.facturx import read_facturx
from ordermgmt.domain.document import (
    DocumentType,
    InvoiceDocument,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
    compute_totals,
    tax_breakdown,
)
from ordermgmt.errors import DocumentError
from ordermgmt.ports.documents import SPECIFICATION_IDS, XRECHNUNG, DocumentFormat
from tests.einvoice.cii_documents import taxed_with_lines
from tests.einvoice.strategies import credit_notes, de_xrechnung_documents, invoice_documents
from tests.einvoice.ubl_documents import full_credit_note, full_invoice, outside_scope_invoice
from tests.einvoice.validation import assert_valid, validate_cii

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}
CII_FORMATS = (DocumentFormat.CII, DocumentFormat.FACTURX, DocumentFormat.XRECHNUNG_CII)
TRANSACTION = "rsm:SupplyChainTradeTransaction"
SETTLEMENT = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
MEANS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
SELLER = f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
GUIDELINE = "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"


def _xml(document: InvoiceDocument, format: DocumentFormat = DocumentFormat.CII) -> etree._Element:
    return etree.fromstring(render_cii(document, format))


def _texts(root: etree._Element, path: str) -> list[str]:
    return [element.text for element in root.findall(path, NS)]


# -- valid EN 16931 ---------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invoice_documents())
def test_every_generated_document_is_valid_en16931_cii(document: InvoiceDocument) -> None:
    xml = render_cii(document, DocumentFormat.CII)
    assert_valid(validate_cii(xml), xml)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credit_notes())
def test_every_generated_credit_note_is_valid_and_names_its_invoice(
    document: InvoiceDocument,
) -> None:
    xml = render_cii(document, DocumentFormat.FACTURX)
    assert_valid(validate_cii(xml), xml)
    root = etree.fromstring(xml)
    assert _texts(root, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"
    assert _texts(root, reference) == [document.preceding_invoice]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(de_xrechnung_documents())
def test_every_generated_xrechnung_document_is_valid_and_says_xrechnung(
    document: InvoiceDocument,
) -> None:
    xml = render_cii(document, DocumentFormat.XRECHNUNG_CII)
    assert_valid(validate_cii(xml), xml)
    assert _texts(etree.fromstring(xml), GUIDELINE) == [XRECHNUNG]


@pytest.mark.parametrize("format", CII_FORMATS)
@pytest.mark.parametrize("build", [full_invoice, full_credit_note, outside_scope_invoice])
def test_a_document_filling_every_field_is_valid_without_warnings(
    build, format: DocumentFormat
) -> None:
    xml = render_cii(taxed_with_lines(build()), format)
    report = validate_cii(xml)
    assert_valid(report, xml)
    assert report.warnings == []


def test_the_validator_sees_a_broken_total() -> None:
    xml = render_cii(full_invoice(), DocumentFormat.CII)
    broken = xml.replace(b"<ram:DuePayableAmount>", b"<ram:DuePayableAmount>1", 1)
    assert broken != xml
    assert "BR-CO-16" in validate_cii(broken).fatal_rules


# -- the specification identifier of each format -----------------------------------------------


@pytest.mark.parametrize("format", CII_FORMATS)
def test_each_format_names_its_specification(format: DocumentFormat) -> None:
    assert _texts(_xml(full_invoice(), format), GUIDELINE) == [SPECIFICATION_IDS[format]]


def test_xrechnung_names_xrechnung_3_and_the_others_en16931() -> None:
    assert _texts(_xml(full_invoice(), DocumentFormat.XRECHNUNG_CII), GUIDELINE) == [
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    ]
    for format in (DocumentFormat.CII, DocumentFormat.FACTURX):
        assert _texts(_xml(full_invoice(), format), GUIDELINE) == ["urn:cen.eu:en16931:2017"]


def test_a_format_that_is_not_cii_is_refused() -> None:
    with pytest.raises(DocumentError, match="not a CII format"):
        render_cii(full_invoice(), DocumentFormat.UBL)


# -- structure ----------------------------------------------------------------------------------


def test_an_invoice_states_its_type_lines_and_due_date() -> None:
    root = _xml(full_invoice())
    assert _texts(root, "rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    lines = f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem"
    quantities = _texts(root, f"{lines}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    assert quantities == ["3", "2.5"]
    due = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
    assert _texts(root, due) == ["20261231"]
    assert root.findall(f"{SETTLEMENT}/ram:InvoiceReferencedDocument", NS) == []


def test_a_credit_note_refers_to_the_invoice_it_credits() -> None:
    root = _xml(full_credit_note())
    assert _texts(root, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert _texts(root, f"{reference}/ram:IssuerAssignedID") == ["RE-2026-0001"]
    assert _texts(root, f"{reference}/ram:FormattedIssueDateTime/qdt:DateTimeString") == [
        "20261201"
    ]


def test_a_credit_transfer_names_the_payee_account_and_bank() -> None:
    root = _xml(full_invoice())
    assert _texts(root, f"{MEANS}/ram:TypeCode") == ["58"]
    account = f"{MEANS}/ram:PayeePartyCreditorFinancialAccount"
    assert _texts(root, f"{account}/ram:IBANID") == ["DE02120300000000202051"]
    assert _texts(root, f"{account}/ram:AccountName") == ["Muster Werkzeuge GmbH"]
    bank = f"{MEANS}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"
    assert _texts(root, bank) == ["BYLADEM1001"]


def test_a_non_sepa_transfer_has_code_30() -> None:
    means = PaymentMeans(PaymentMeansCode.CREDIT_TRANSFER, iban="CH9300762011623852957")
    root = _xml(replace(full_invoice(), payment_means=means))
    assert _texts(root, f"{MEANS}/ram:TypeCode") == ["30"]
    assert _texts(root, f"{MEANS}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == [
        "CH9300762011623852957"
    ]


def test_a_card_payment_carries_the_card() -> None:
    card = PaymentMeans(PaymentMeansCode.CARD, card_last_digits="123456", card_holder="E Muster")
    root = _xml(replace(full_invoice(), payment_means=card))
    assert _texts(root, f"{MEANS}/ram:TypeCode") == ["48"]
    financial_card = f"{MEANS}/ram:ApplicableTradeSettlementFinancialCard"
    assert _texts(root, f"{financial_card}/ram:ID") == ["123456"]
    assert _texts(root, f"{financial_card}/ram:CardholderName") == ["E Muster"]


def test_a_direct_debit_carries_mandate_creditor_id_and_debited_account() -> None:
    root = _xml(full_credit_note())
    assert _texts(root, f"{MEANS}/ram:TypeCode") == ["59"]
    mandate = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"
    assert _texts(root, mandate) == ["MANDATE-1"]
    assert _texts(root, f"{SETTLEMENT}/ram:CreditorReferenceID") == ["DE98ZZZ09999999999"]
    debited = f"{MEANS}/ram:PayerPartyDebtorFinancialAccount/ram:IBANID"
    assert _texts(root, debited) == ["NL91ABNA0417164300"]


def test_seller_identifiers_go_to_their_own_schemes() -> None:
    root = _xml(full_invoice())
    registrations = {
        e.get("schemeID"): e.text
        for e in root.findall(f"{SELLER}/ram:SpecifiedTaxRegistration/ram:ID", NS)
    }
    assert registrations == {"VA": "DE123456789", "FC": "201/113/40209"}
    assert _texts(root, f"{SELLER}/ram:SpecifiedLegalOrganization/ram:ID") == ["HRB 12345"]
    assert _texts(root, f"{SELLER}/ram:Description") == ["Geschäftsführer: Erika Muster"]
    endpoint = root.find(f"{SELLER}/ram:URIUniversalCommunication/ram:URIID", NS)
    assert (endpoint.text, endpoint.get("schemeID")) == ("DE123456789", "9930")


def test_not_subject_to_vat_states_a_rate_only_in_the_breakdown_and_there_zero() -> None:
    root = _xml(outside_scope_invoice())
    rates = [e.text for e in root.iter(f"{{{NS['ram']}}}RateApplicablePercent")]
    breakdown = root.findall(
        "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
        NS,
    )
    assert [b.findtext("ram:RateApplicablePercent", namespaces=NS) for b in breakdown] == ["0"]
    assert rates == ["0"]  # lines and allowances and charges state none (BR-O-05..07)


def test_a_subject_note_is_written_with_its_subject_code() -> None:
    document = replace(full_invoice(), extra={"AAI": "Ordered online", "type_code": "384"})
    root = _xml(document)
    notes = [
        (
            note.findtext("ram:Content", namespaces=NS),
            note.findtext("ram:SubjectCode", namespaces=NS),
        )
        for note in root.findall("rsm:ExchangedDocument/ram:IncludedNote", NS)
    ]
    assert notes == [("Thank you for your order.", None), ("Ordered online", "AAI")]


# -- numbers ------------------------------------------------------------------------------------


def test_amounts_have_the_currency_decimals_and_no_number_an_exponent() -> None:
    root = _xml(full_invoice())
    # every amount but the net price (ram:ChargeAmount, BT-146), which may be finer
    amounts = [
        e.text
        for e in root.iter()
        if str(e.tag).endswith("Amount") and not str(e.tag).endswith("}ChargeAmount")
    ]
    assert len(amounts) == 20
    assert all(len(text.split(".")[1]) == 2 for text in amounts)
    numbers = [
        e.text for e in root.iter() if str(e.tag).endswith(("Amount", "Quantity", "Percent"))
    ]
    assert all("E" not in text and "e" not in text for text in numbers)


def test_a_price_and_quantity_given_with_an_exponent_are_written_positionally() -> None:
    document = full_invoice()
    line = replace(document.lines[1], base_quantity=Decimal("1E+1"), quantity=Decimal("25E-1"))
    root = _xml(replace(document, lines=(document.lines[0], line)))
    price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity"
    item = f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem"
    assert _texts(root, f"{item}/{price}") == ["10"]
    assert _texts(root, f"{item}/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity") == ["3", "2.5"]


def _in_currency(document: InvoiceDocument, currency: str) -> InvoiceDocument:
    breakdown = tax_breakdown(document.lines, document.allowances_charges, currency)
    totals = compute_totals(document.lines, document.allowances_charges, breakdown)
    return replace(document, currency=currency, tax_breakdown=breakdown, totals=totals)


def test_yen_amounts_have_no_decimals() -> None:
    invoice = full_invoice()
    whole = tuple(
        replace(line, net=line.net.quantize(Decimal(1)), allowances=(), charges=())
        for line in invoice.lines
    )
    document = _in_currency(replace(invoice, lines=whole, allowances_charges=()), "JPY")
    root = _xml(document)
    assert _texts(root, f"{SUMMATION}/ram:LineTotalAmount") == ["36"]
    assert root.find(f"{SUMMATION}/ram:TaxTotalAmount", NS).get("currencyID") == "JPY"


def test_an_amount_with_more_decimals_than_en16931_allows_is_refused() -> None:
    invoice = full_invoice()
    line = replace(invoice.lines[0], net=Decimal("33.345"))
    with pytest.raises(DocumentError, match=r"line 1 net 33.345 EUR has more decimals"):
        render_cii(replace(invoice, lines=(line, invoice.lines[1])), DocumentFormat.CII)


def test_a_kuwaiti_dinar_amount_in_whole_fils_is_refused_but_tens_of_fils_are_written() -> None:
    document = _in_currency(full_invoice(), "KWD")
    assert _texts(_xml(document), f"{SUMMATION}/ram:LineTotalAmount") == ["36.34"]
    line = replace(document.lines[0], net=Decimal("33.341"))
    with pytest.raises(DocumentError, match="BR-DEC"):
        render_cii(replace(document, lines=(line, document.lines[1])), DocumentFormat.CII)


# -- what CII cannot express ---------------------------------------------------------------------


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(DocumentError, match="not an ISO 4217 currency"):
        render_cii(replace(full_invoice(), currency="XXY"), DocumentFormat.CII)


def test_an_address_of_four_lines_is_refused() -> None:
    invoice = full_invoice()
    address = PostalAddress(("a", "b", "c", "d"), "Berlin", "10115", "DE")
    buyer = replace(invoice.buyer, address=address)
    with pytest.raises(DocumentError, match="buyer address has 4 lines"):
        render_cii(replace(invoice, buyer=buyer), DocumentFormat.CII)


def test_an_address_without_country_is_refused() -> None:
    invoice = full_invoice()
    seller = replace(invoice.seller, address=replace(invoice.seller.address, country=""))
    with pytest.raises(DocumentError, match=r"seller (address has no )?country"):
        render_cii(replace(invoice, seller=seller), DocumentFormat.CII)


def test_a_buyer_with_additional_legal_information_is_refused() -> None:
    invoice = full_invoice()
    buyer = replace(invoice.buyer, legal_info="Managing director: J. Jansen")
    with pytest.raises(DocumentError, match="only a seller has"):
        render_cii(replace(invoice, buyer=buyer), DocumentFormat.CII)


def test_text_xml_cannot_hold_is_refused() -> None:
    with pytest.raises(DocumentError, match="cannot be written"):
        render_cii(replace(full_invoice(), note="bell \x07"), DocumentFormat.CII)


def test_xrechnung_refuses_a_document_without_buyer_reference() -> None:
    document = replace(full_invoice(), buyer_reference="")
    render_cii(document, DocumentFormat.CII)  # EN 16931 itself does not need it
    with pytest.raises(DocumentError, match=r"xrechnung-cii: .*BT-10"):
        render_cii(document, DocumentFormat.XRECHNUNG_CII)


def test_a_credit_transfer_without_account_is_refused() -> None:
    means = PaymentMeans(PaymentMeansCode.SEPA_CREDIT_TRANSFER)
    with pytest.raises(DocumentError, match="BT-84"):
        render_cii(replace(full_invoice(), payment_means=means), DocumentFormat.CII)


# -- through the document port ------------------------------------------------------------------


@pytest.mark.parametrize("format", [DocumentFormat.CII, DocumentFormat.XRECHNUNG_CII])
def test_the_renderer_gives_the_cii_xml(format: DocumentFormat) -> None:
    document = full_invoice()
    rendered = EInvoiceRenderer().render(document, format)
    assert rendered.content == render_cii(document, format)
    assert rendered.media_type == "application/xml"


def test_factur_x_embeds_the_cii_of_the_document() -> None:
    document = taxed_with_lines(full_credit_note())
    pdf = EInvoiceRenderer().render(document, DocumentFormat.FACTURX).content
    xml = read_facturx(pdf)
    assert xml == render_cii(document, DocumentFormat.FACTURX)
    assert read_cii(xml) == document
    assert document.type is DocumentType.CREDIT_NOTE
