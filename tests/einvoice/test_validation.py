"""The offline validator itself: the official samples pass, broken copies fail for the rule
they break.

A validator that passes everything would make every other e-invoice test worthless, so each
kind of breakage is shown to be caught: a wrong total (BR-CO-15), a missing seller name
(BR-06), an element the XSD does not know, a document that is not XML, a wrong root; and a
warning-only finding is kept apart from the fatal ones.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from tests.einvoice.validation import (
    DATA,
    Report,
    assert_valid,
    validate,
    validate_cii,
    validate_ubl,
)

SAMPLES = DATA / "samples"
CII_SAMPLES = sorted((SAMPLES / "cii").glob("*.xml"))
UBL_SAMPLES = sorted(p for p in (SAMPLES / "ubl").iterdir() if p.suffix.lower() == ".xml")

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CII_SAMPLE = SAMPLES / "cii" / "CII_example1.xml"
UBL_SAMPLE = SAMPLES / "ubl" / "ubl-tc434-example1.xml"
UBL_CREDIT_NOTE = SAMPLES / "ubl" / "ubl-tc434-creditnote1.xml"


def edited(path: Path, edit: Callable[[etree._Element], None]) -> bytes:
    """The sample at ``path`` with ``edit`` applied to its root element."""
    root = etree.fromstring(path.read_bytes())
    edit(root)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def only(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


def remove(element: etree._Element) -> None:
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


def add_to(element: etree._Element, amount: str) -> None:
    """Change a decimal element's value by ``amount``."""
    element.text = str(Decimal(element.text or "0") + Decimal(amount))


def test_the_samples_are_all_there() -> None:
    assert len(CII_SAMPLES) == 15
    assert len(UBL_SAMPLES) == 18


# -- the official samples ------------------------------------------------------------------------


@pytest.mark.parametrize("path", CII_SAMPLES, ids=lambda p: p.name)
def test_every_official_cii_sample_is_valid_without_warnings(path: Path) -> None:
    report = validate_cii(path.read_bytes())
    assert_valid(report)
    assert report.warnings == []


@pytest.mark.parametrize("path", UBL_SAMPLES, ids=lambda p: p.name)
def test_every_official_ubl_sample_is_valid_without_warnings(path: Path) -> None:
    report = validate_ubl(path.read_bytes())
    assert_valid(report)
    assert report.warnings == []


def test_the_credit_note_sample_is_checked_as_a_credit_note() -> None:
    root = etree.fromstring(UBL_CREDIT_NOTE.read_bytes())
    assert etree.QName(root).localname == "CreditNote"

    # The UBL 2.1 CreditNote has no DueDate (an Invoice has): only its own XSD refuses it.
    def add_due_date(root: etree._Element) -> None:
        due = etree.Element(f"{{{NS['cbc']}}}DueDate")
        due.text = "2026-01-31"
        only(root, "cbc:IssueDate").addnext(due)

    broken = edited(UBL_CREDIT_NOTE, add_due_date)
    report = validate_ubl(broken)
    assert report.xsd_errors
    assert any("DueDate" in e for e in report.xsd_errors)


# -- CII: broken copies --------------------------------------------------------------------------

CII_SUMMATION = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    "/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
)
CII_SELLER = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
)


def test_cii_with_a_wrong_grand_total_breaks_br_co_15() -> None:
    broken = edited(
        CII_SAMPLE, lambda r: add_to(only(r, f"{CII_SUMMATION}/ram:GrandTotalAmount"), "0.01")
    )
    report = validate_cii(broken)
    assert not report.ok
    assert report.xsd_errors == []
    assert "BR-CO-15" in report.fatal_rules


def test_cii_with_a_wrong_tax_total_breaks_br_co_14() -> None:
    broken = edited(
        CII_SAMPLE, lambda r: add_to(only(r, f"{CII_SUMMATION}/ram:TaxTotalAmount"), "1")
    )
    assert "BR-CO-14" in validate_cii(broken).fatal_rules


def test_cii_without_the_seller_name_breaks_br_06() -> None:
    def drop_name(root: etree._Element) -> None:
        name = only(root, f"{CII_SELLER}/ram:Name")
        remove(name)

    report = validate_cii(edited(CII_SAMPLE, drop_name))
    assert "BR-06" in report.fatal_rules
    assert not report.ok


def test_cii_with_an_unknown_element_fails_the_xsd() -> None:
    def add_unknown(root: etree._Element) -> None:
        only(root, CII_SELLER).append(etree.Element(f"{{{NS['ram']}}}Nickname"))

    report = validate_cii(edited(CII_SAMPLE, add_unknown))
    assert not report.ok
    assert any("Nickname" in e for e in report.xsd_errors)


def test_cii_with_an_element_it_should_not_have_only_warns() -> None:
    def add_transaction_id(root: etree._Element) -> None:
        context = only(root, "rsm:ExchangedDocumentContext")
        element = etree.Element(f"{{{NS['ram']}}}SpecifiedTransactionID")
        element.text = "T-1"
        context.insert(0, element)

    report = validate_cii(edited(CII_SAMPLE, add_transaction_id))
    assert report.xsd_errors == []
    assert report.fatal == []
    assert report.warning_rules == {"CII-SR-001"}
    assert report.ok


def test_a_ubl_document_is_not_cii() -> None:
    report = validate_cii(UBL_SAMPLE.read_bytes())
    assert not report.ok
    assert "root element" in report.xsd_errors[0]


def test_a_document_that_is_not_xml_is_refused() -> None:
    report = validate_cii(b"<rsm:CrossIndustryInvoice")
    assert not report.ok
    assert report.xsd_errors[0].startswith("not well-formed XML")


# -- UBL: broken copies --------------------------------------------------------------------------


def test_ubl_with_a_wrong_tax_inclusive_total_breaks_br_co_15() -> None:
    broken = edited(
        UBL_SAMPLE,
        lambda r: add_to(only(r, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount"), "0.01"),
    )
    report = validate_ubl(broken)
    assert report.xsd_errors == []
    assert "BR-CO-15" in report.fatal_rules
    assert not report.ok


def test_ubl_without_the_seller_name_breaks_br_06() -> None:
    def drop_name(root: etree._Element) -> None:
        name = only(
            root,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        )
        remove(name)

    report = validate_ubl(edited(UBL_SAMPLE, drop_name))
    assert "BR-06" in report.fatal_rules


def test_ubl_with_an_unknown_element_fails_the_xsd() -> None:
    def add_unknown(root: etree._Element) -> None:
        only(root, "cac:AccountingSupplierParty/cac:Party").append(
            etree.Element(f"{{{NS['cbc']}}}Nickname")
        )

    report = validate_ubl(edited(UBL_SAMPLE, add_unknown))
    assert any("Nickname" in e for e in report.xsd_errors)
    assert not report.ok


def test_ubl_with_a_uuid_only_warns() -> None:
    def add_uuid(root: etree._Element) -> None:
        uuid = etree.Element(f"{{{NS['cbc']}}}UUID")
        uuid.text = "6e5b8a4e-2f0c-4a1b-9d3e-0c1f2a3b4c5d"
        only(root, "cbc:IssueDate").addprevious(uuid)

    report = validate_ubl(edited(UBL_SAMPLE, add_uuid))
    assert report.ok
    assert report.warning_rules == {"UBL-CR-005"}


def test_a_cii_document_is_not_ubl() -> None:
    report = validate_ubl(CII_SAMPLE.read_bytes())
    assert not report.ok
    assert "root element" in report.xsd_errors[0]


def test_validate_tells_cii_from_ubl() -> None:
    broken_cii = edited(
        CII_SAMPLE, lambda r: add_to(only(r, f"{CII_SUMMATION}/ram:GrandTotalAmount"), "1")
    )
    assert validate(CII_SAMPLE.read_bytes()).ok
    assert validate(UBL_SAMPLE.read_bytes()).ok
    assert validate(UBL_CREDIT_NOTE.read_bytes()).ok
    assert "BR-CO-15" in validate(broken_cii).fatal_rules


def test_a_document_in_another_encoding_is_read_as_it_declares() -> None:
    def rename_seller(root: etree._Element) -> None:
        only(root, f"{CII_SELLER}/ram:Name").text = "Müller & Söhne GmbH"

    root = etree.fromstring(edited(CII_SAMPLE, rename_seller))
    latin1 = bytes(etree.tostring(root, xml_declaration=True, encoding="ISO-8859-1"))
    assert "Müller".encode("latin-1") in latin1
    assert_valid(validate_cii(latin1))
    with_bom = b"\xef\xbb\xbf" + edited(CII_SAMPLE, rename_seller)
    assert_valid(validate_cii(with_bom))


# -- the report ----------------------------------------------------------------------------------


def test_assert_valid_names_every_finding() -> None:
    def break_twice(root: etree._Element) -> None:
        add_to(only(root, f"{CII_SUMMATION}/ram:GrandTotalAmount"), "1")
        name = only(root, f"{CII_SELLER}/ram:Name")
        remove(name)

    broken = edited(CII_SAMPLE, break_twice)
    report = validate_cii(broken)
    with pytest.raises(AssertionError) as failure:
        assert_valid(report, broken)
    message = str(failure.value)
    for finding in report.fatal:
        assert finding.rule in message
    assert "BR-CO-15" in message
    assert "BR-06" in message
    assert "--- document ---" in message


def test_assert_valid_passes_a_valid_report() -> None:
    assert_valid(Report())
    assert Report().ok
