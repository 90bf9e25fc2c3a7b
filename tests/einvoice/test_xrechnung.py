"""XRechnung 3.0: the library's XRechnung files meet the German rules (BR-DE-*) as well as
EN 16931's, checked by the KoSIT schematron (tests/data/xrechnung), and the check can fail."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from lxml import etree

from ordermgmt.adapters.einvoice.cii import render_cii
from ordermgmt.adapters.einvoice.ubl import render_ubl
from ordermgmt.domain.document import DocumentFormat, InvoiceDocument
from tests.einvoice.strategies import de_xrechnung_documents
from tests.einvoice.validation import assert_valid, validate_xrechnung

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(de_xrechnung_documents())
def test_xrechnung_in_cii_meets_the_german_rules(document: InvoiceDocument) -> None:
    xml = render_cii(document, DocumentFormat.XRECHNUNG_CII)
    assert_valid(validate_xrechnung(xml), xml)


@SETTINGS
@given(de_xrechnung_documents())
def test_xrechnung_in_ubl_meets_the_german_rules(document: InvoiceDocument) -> None:
    xml = render_ubl(document, DocumentFormat.XRECHNUNG_UBL)
    assert_valid(validate_xrechnung(xml), xml)


def _without(xml: bytes, local_name: str) -> bytes:
    root = etree.fromstring(xml)
    for element in list(root.iter()):
        if etree.QName(element).localname == local_name:
            element.getparent().remove(element)
    return etree.tostring(root)


@settings(max_examples=5, deadline=None)
@given(de_xrechnung_documents())
def test_the_german_rules_catch_a_missing_buyer_reference(document: InvoiceDocument) -> None:
    cii = _without(render_cii(document, DocumentFormat.XRECHNUNG_CII), "BuyerReference")
    ubl = _without(render_ubl(document, DocumentFormat.XRECHNUNG_UBL), "BuyerReference")

    assert "BR-DE-15" in validate_xrechnung(cii).fatal_rules
    assert "BR-DE-15" in validate_xrechnung(ubl).fatal_rules
