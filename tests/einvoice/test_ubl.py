"""UBL 2.1 invoices and credit notes: the structure each format asks for, and refusing a
document that lacks what its format needs."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from ordermgmt.adapters.einvoice.ubl import render_ubl
from ordermgmt.domain.document import (
    DocumentType,
    ElectronicAddress,
    InvoiceDocument,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
)
from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import DocumentError
from ordermgmt.ports.documents import SPECIFICATION_IDS, DocumentFormat
from tests.einvoice.strategies import (
    credit_notes,
    de_xrechnung_documents,
    invoice_documents,
    peppol_documents,
)
from tests.einvoice.ubl_documents import full_credit_note, full_invoice, outside_scope_invoice
from tests.einvoice.validation import assert_valid, validate_ubl

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
UBL_FORMATS = (DocumentFormat.UBL, DocumentFormat.PEPPOL, DocumentFormat.XRECHNUNG_UBL)
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
#: Each example runs the official schematron once (a few milliseconds).
VALIDATING = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _xml(document: InvoiceDocument, format: DocumentFormat = DocumentFormat.UBL) -> etree._Element:
    return etree.fromstring(render_ubl(document, format))


def _texts(root: etree._Element, path: str) -> list[str]:
    return [element.text for element in root.findall(path, NS)]


def _assert_valid_ubl(document: InvoiceDocument, format: DocumentFormat) -> bytes:
    xml = render_ubl(document, format)
    report = validate_ubl(xml)
    assert_valid(report, xml)
    assert report.xsd_errors == []
    assert report.fatal == []
    return xml


@VALIDATING
@given(invoice_documents())
def test_any_valid_document_is_valid_ubl(document: InvoiceDocument) -> None:
    root = etree.fromstring(_assert_valid_ubl(document, DocumentFormat.UBL))
    expected = "CreditNote" if document.type is DocumentType.CREDIT_NOTE else "Invoice"
    assert etree.QName(root).localname == expected


@VALIDATING
@given(credit_notes())
def test_any_valid_credit_note_is_a_valid_ubl_credit_note(document: InvoiceDocument) -> None:
    root = etree.fromstring(_assert_valid_ubl(document, DocumentFormat.UBL))
    assert _texts(root, "cbc:CreditNoteTypeCode") == ["381"]
    assert len(root.findall("cac:CreditNoteLine", NS)) == len(document.lines)
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"
    assert _texts(root, reference) == [document.preceding_invoice]


@VALIDATING
@given(de_xrechnung_documents())
def test_any_xrechnung_document_is_valid_xrechnung_ubl(document: InvoiceDocument) -> None:
    root = etree.fromstring(_assert_valid_ubl(document, DocumentFormat.XRECHNUNG_UBL))
    assert _texts(root, "cbc:CustomizationID") == [SPECIFICATION_IDS[DocumentFormat.XRECHNUNG_UBL]]
    assert _texts(root, "cbc:BuyerReference") == [document.buyer_reference]


@VALIDATING
@given(peppol_documents())
def test_any_peppol_document_is_valid_peppol_ubl(document: InvoiceDocument) -> None:
    root = etree.fromstring(_assert_valid_ubl(document, DocumentFormat.PEPPOL))
    assert _texts(root, "cbc:CustomizationID") == [SPECIFICATION_IDS[DocumentFormat.PEPPOL]]
    assert _texts(root, "cbc:ProfileID") == [PEPPOL_PROFILE]
    assert len(root.findall("cac:*/cac:Party/cbc:EndpointID", NS)) == 2


@given(peppol_documents())
def test_peppol_refuses_any_document_without_electronic_addresses(
    document: InvoiceDocument,
) -> None:
    with pytest.raises(DocumentError, match=r"BT-34.*BT-49"):
        render_ubl(_without_endpoints(document), DocumentFormat.PEPPOL)


@pytest.mark.parametrize("format", UBL_FORMATS)
@pytest.mark.parametrize("build", [full_invoice, full_credit_note, outside_scope_invoice])
def test_a_document_filling_every_field_is_valid_en16931(build, format: DocumentFormat) -> None:
    xml = render_ubl(build(), format)
    report = validate_ubl(xml)
    assert_valid(report, xml)
    assert report.warnings == []


def test_the_validator_sees_a_broken_total() -> None:
    xml = render_ubl(full_invoice(), DocumentFormat.UBL)
    broken = xml.replace(
        b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">1'
    )
    assert broken != xml
    assert "BR-CO-16" in validate_ubl(broken).fatal_rules


@pytest.mark.parametrize("format", UBL_FORMATS)
def test_each_format_names_its_specification(format: DocumentFormat) -> None:
    root = _xml(full_invoice(), format)
    assert _texts(root, "cbc:CustomizationID") == [SPECIFICATION_IDS[format]]
    profile = [PEPPOL_PROFILE] if format is DocumentFormat.PEPPOL else []
    assert _texts(root, "cbc:ProfileID") == profile


def test_peppol_states_the_bis_billing_customization_and_process() -> None:
    root = _xml(full_credit_note(), DocumentFormat.PEPPOL)
    assert _texts(root, "cbc:CustomizationID") == [
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    ]
    assert _texts(root, "cbc:ProfileID") == [PEPPOL_PROFILE]


def test_an_invoice_is_an_invoice_with_invoice_lines() -> None:
    root = _xml(full_invoice())
    assert etree.QName(root).localname == "Invoice"
    assert _texts(root, "cbc:InvoiceTypeCode") == ["380"]
    assert _texts(root, "cbc:DueDate") == ["2026-12-31"]
    assert _texts(root, "cac:InvoiceLine/cbc:InvoicedQuantity") == ["3", "2.5"]
    assert root.findall("cac:CreditNoteLine", NS) == []


def test_a_credit_note_is_a_credit_note_referring_to_its_invoice() -> None:
    root = _xml(full_credit_note())
    assert etree.QName(root).localname == "CreditNote"
    assert _texts(root, "cbc:CreditNoteTypeCode") == ["381"]
    assert _texts(root, "cac:CreditNoteLine/cbc:CreditedQuantity") == ["3", "2.5"]
    reference = "cac:BillingReference/cac:InvoiceDocumentReference"
    assert _texts(root, f"{reference}/cbc:ID") == ["RE-2026-0001"]
    assert _texts(root, f"{reference}/cbc:IssueDate") == ["2026-12-01"]
    assert _texts(root, "cbc:DueDate") == []
    assert _texts(root, "cac:PaymentMeans/cbc:PaymentDueDate") == ["2026-12-31"]


def test_a_direct_debit_carries_mandate_debited_account_and_creditor_id() -> None:
    root = _xml(full_credit_note())
    assert _texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == ["59"]
    mandate = "cac:PaymentMeans/cac:PaymentMandate"
    assert _texts(root, f"{mandate}/cbc:ID") == ["MANDATE-1"]
    assert _texts(root, f"{mandate}/cac:PayerFinancialAccount/cbc:ID") == ["NL91ABNA0417164300"]
    creditor = root.find("cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID", NS)
    assert (creditor.text, creditor.get("schemeID")) == ("DE98ZZZ09999999999", "SEPA")


def test_a_card_payment_carries_the_card() -> None:
    card = PaymentMeans(PaymentMeansCode.CARD, card_last_digits="123456", card_holder="E Muster")
    root = _xml(replace(full_invoice(), payment_means=card))
    account = "cac:PaymentMeans/cac:CardAccount"
    assert _texts(root, f"{account}/cbc:PrimaryAccountNumberID") == ["123456"]
    assert _texts(root, f"{account}/cbc:HolderName") == ["E Muster"]


def test_every_amount_names_the_currency_and_no_number_has_an_exponent() -> None:
    document = replace(full_invoice(), currency="EUR")
    root = _xml(document)
    amounts = [e for e in root.iter() if str(e.tag).endswith("Amount")]
    assert len(amounts) > 20
    assert {e.get("currencyID") for e in amounts} == {"EUR"}
    numbers = [e.text for e in root.iter() if e.get("currencyID") or e.get("unitCode")]
    assert all("E" not in text and "e" not in text for text in numbers)


def test_a_price_given_with_an_exponent_is_written_positionally() -> None:
    document = full_invoice()
    line = replace(document.lines[1], base_quantity=Decimal("1E+1"))
    root = _xml(replace(document, lines=(document.lines[0], line)))
    assert _texts(root, "cac:InvoiceLine/cac:Price/cbc:BaseQuantity") == ["1", "10"]


def test_seller_identifiers_go_to_their_own_schemes() -> None:
    party = _xml(full_invoice()).find("cac:AccountingSupplierParty/cac:Party", NS)
    schemes = {
        scheme.findtext("cac:TaxScheme/cbc:ID", namespaces=NS): scheme.findtext(
            "cbc:CompanyID", namespaces=NS
        )
        for scheme in party.findall("cac:PartyTaxScheme", NS)
    }
    assert schemes == {"VAT": "DE123456789", "FC": "201/113/40209"}
    assert _texts(party, "cac:PartyLegalEntity/cbc:CompanyLegalForm") == [
        "Geschäftsführer: Erika Muster"
    ]
    endpoint = party.find("cbc:EndpointID", NS)
    assert (endpoint.text, endpoint.get("schemeID")) == ("DE123456789", "9930")


def test_line_items_carry_their_identifiers_and_the_gtin_scheme() -> None:
    line = _xml(full_invoice()).find("cac:InvoiceLine", NS)
    gtin = line.find("cac:Item/cac:StandardItemIdentification/cbc:ID", NS)
    assert (gtin.text, gtin.get("schemeID")) == ("4012345678901", "0160")
    assert _texts(line, "cac:Item/cac:SellersItemIdentification/cbc:ID") == ["SKU-1"]
    assert _texts(line, "cac:Item/cac:BuyersItemIdentification/cbc:ID") == ["B-1"]
    assert _texts(line, "cac:Price/cbc:PriceAmount") == ["12.3456"]


def test_a_sales_order_without_purchase_order_is_written_with_an_na_order_id() -> None:
    root = _xml(replace(full_invoice(), purchase_order_reference=""))
    assert _texts(root, "cac:OrderReference/cbc:ID") == ["NA"]
    assert _texts(root, "cac:OrderReference/cbc:SalesOrderID") == ["SO-42"]


# -- refusing what a format cannot carry --------------------------------------------------------


def _without_endpoints(document: InvoiceDocument) -> InvoiceDocument:
    return replace(
        document,
        seller=replace(document.seller, electronic_address=None),
        buyer=replace(document.buyer, electronic_address=None),
    )


@pytest.mark.parametrize("format", [DocumentFormat.PEPPOL, DocumentFormat.XRECHNUNG_UBL])
@pytest.mark.parametrize("build", [full_invoice, full_credit_note])
def test_peppol_and_xrechnung_refuse_a_document_without_electronic_addresses(
    build, format: DocumentFormat
) -> None:
    with pytest.raises(DocumentError, match=r"BT-34.*BT-49") as raised:
        render_ubl(_without_endpoints(build()), format)
    assert raised.value.format == format.value


def test_peppol_names_only_the_missing_endpoint() -> None:
    document = full_invoice()
    without_buyer = replace(document, buyer=replace(document.buyer, electronic_address=None))
    with pytest.raises(DocumentError, match="BT-49") as raised:
        render_ubl(without_buyer, DocumentFormat.PEPPOL)
    assert "BT-34" not in raised.value.reason


def test_plain_en16931_does_not_need_electronic_addresses() -> None:
    root = _xml(_without_endpoints(full_invoice()), DocumentFormat.UBL)
    assert root.findall(".//cbc:EndpointID", NS) == []


def test_peppol_refuses_a_document_without_buyer_or_order_reference() -> None:
    document = replace(full_invoice(), buyer_reference="", purchase_order_reference="")
    with pytest.raises(DocumentError, match=r"BT-10.*BT-13"):
        render_ubl(document, DocumentFormat.PEPPOL)
    with_order = replace(document, purchase_order_reference="PO-1")
    with pytest.raises(DocumentError, match="DE-R-015"):  # a German seller names the buyer's
        render_ubl(with_order, DocumentFormat.PEPPOL)
    austrian = replace(with_order.seller, address=replace(with_order.seller.address, country="AT"))
    assert render_ubl(replace(with_order, seller=austrian), DocumentFormat.PEPPOL)


def test_xrechnung_refuses_a_document_without_the_buyer_reference() -> None:
    with pytest.raises(DocumentError, match="BT-10"):
        render_ubl(replace(full_invoice(), buyer_reference=""), DocumentFormat.XRECHNUNG_UBL)


def test_xrechnung_refuses_a_seller_without_contact() -> None:
    document = full_invoice()
    no_contact = replace(document, seller=replace(document.seller, contact=None))
    with pytest.raises(DocumentError, match=r"BT-41.*BT-42.*BT-43"):
        render_ubl(no_contact, DocumentFormat.XRECHNUNG_UBL)


def test_xrechnung_refuses_a_direct_debit_without_creditor_id() -> None:
    document = full_credit_note()
    assert document.payment_means is not None
    means = replace(document.payment_means, creditor_id="")
    with pytest.raises(DocumentError, match="BT-90"):
        render_ubl(replace(document, payment_means=means), DocumentFormat.XRECHNUNG_UBL)


def test_a_credit_transfer_without_an_account_is_refused() -> None:
    means = PaymentMeans(PaymentMeansCode.SEPA_CREDIT_TRANSFER)
    with pytest.raises(DocumentError, match="BT-84"):
        render_ubl(replace(full_invoice(), payment_means=means), DocumentFormat.UBL)


def test_a_credit_note_due_date_without_payment_means_is_refused() -> None:
    document = replace(full_credit_note(), payment_means=None)
    assert document.type is DocumentType.CREDIT_NOTE
    with pytest.raises(DocumentError, match="BT-9"):
        render_ubl(document, DocumentFormat.UBL)


def test_an_amount_finer_than_a_cent_is_refused() -> None:
    document = full_invoice()
    totals = replace(document.totals, prepaid=Decimal("10.005"))
    with pytest.raises(DocumentError, match="BR-DEC"):
        render_ubl(replace(document, totals=totals), DocumentFormat.UBL)


def test_an_address_of_four_lines_is_refused() -> None:
    document = full_invoice()
    address = PostalAddress(("a", "b", "c", "d"), "Berlin", "10115", "DE")
    buyer = replace(document.buyer, address=address)
    with pytest.raises(DocumentError, match="BT-162"):
        render_ubl(replace(document, buyer=buyer), DocumentFormat.UBL)


def test_a_format_that_is_not_ubl_is_refused() -> None:
    with pytest.raises(DocumentError, match="not a UBL format"):
        render_ubl(full_invoice(), DocumentFormat.CII)


def test_a_peppol_document_has_at_most_one_note() -> None:
    document = replace(full_invoice(), extra={"AAI": "Delivered in two parcels"})
    root = _xml(document, DocumentFormat.UBL)
    assert _texts(root, "cbc:Note") == [
        "Thank you for your order.",
        "#AAI#Delivered in two parcels",
    ]
    with pytest.raises(DocumentError, match="BT-22"):
        render_ubl(document, DocumentFormat.PEPPOL)


def test_an_electronic_address_keeps_its_scheme() -> None:
    document = full_invoice()
    seller = replace(document.seller, electronic_address=ElectronicAddress("4000001123452", "0088"))
    endpoint = _xml(replace(document, seller=seller)).find(
        "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS
    )
    assert (endpoint.text, endpoint.get("schemeID")) == ("4000001123452", "0088")


def test_a_payment_reference_without_payment_means_is_refused() -> None:
    document = replace(full_invoice(), payment_means=None)
    assert document.payment_reference
    with pytest.raises(DocumentError, match="BT-83"):
        render_ubl(document, DocumentFormat.UBL)


def test_a_text_xml_cannot_hold_is_refused() -> None:
    document = replace(full_invoice(), note="bell \x07 in the note")
    with pytest.raises(DocumentError, match="XML"):
        render_ubl(document, DocumentFormat.UBL)


def test_a_seller_without_any_identifier_is_refused() -> None:
    document = full_invoice()
    seller = replace(document.seller, vat_id="", tax_number="", registration_id="")
    with pytest.raises(DocumentError, match=r"BT-29.*BT-30.*BT-31"):
        render_ubl(replace(document, seller=seller), DocumentFormat.UBL)


def test_an_intra_community_supply_needs_the_buyer_vat_id() -> None:
    document = full_invoice()
    lines = tuple(
        replace(line, category=VatCategory.INTRA_COMMUNITY, rate=Decimal(0))
        for line in document.lines
    )
    buyer = replace(document.buyer, vat_id="")
    with pytest.raises(DocumentError, match="BT-48"):
        render_ubl(replace(document, lines=lines, buyer=buyer), DocumentFormat.UBL)


def test_not_subject_to_vat_mixed_with_another_category_is_refused() -> None:
    document = outside_scope_invoice()
    lines = (*document.lines, full_invoice().lines[0])
    with pytest.raises(DocumentError, match="BR-O-11"):
        render_ubl(replace(document, lines=lines), DocumentFormat.UBL)


def test_peppol_refuses_an_allowance_that_is_not_its_percentage_of_its_base() -> None:
    document = full_invoice()
    line = document.lines[0]
    wrong = replace(line.allowances[0], percent=Decimal(20))
    lines = (replace(line, allowances=(wrong,)), *document.lines[1:])
    with pytest.raises(DocumentError, match="R040"):
        render_ubl(replace(document, lines=lines), DocumentFormat.PEPPOL)


@pytest.mark.parametrize(
    ("change", "term"),
    [
        ({"number": ""}, "BT-1"),
        ({"lines": ()}, "BG-25"),
        ({"seller": replace(full_invoice().seller, name="")}, "BT-27"),
        ({"buyer": replace(full_invoice().buyer, name="")}, "BT-44"),
    ],
)
def test_a_document_without_a_mandatory_term_is_refused_naming_it(
    change: dict[str, object], term: str
) -> None:
    with pytest.raises(DocumentError, match=term):
        render_ubl(replace(full_invoice(), **change), DocumentFormat.UBL)  # type: ignore[arg-type]
