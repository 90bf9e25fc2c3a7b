"""The document generator keeps its promises, checked by arithmetic of its own.

The strategies compute lines, breakdown and totals with the library's ``line_net``,
``tax_breakdown`` and ``compute_totals``. Here every figure is recomputed from the lines with
plain Decimal arithmetic (EN 16931 BR-CO-10..16, BR-x-08/09), and the VAT rules each category
brings are checked on the parties, dates and delivery. Identifiers are checked against
published examples and their check digits. Finally, each variety the generator claims to
produce is found at least once.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from ordermgmt.domain.document import (
    AllowanceCharge,
    DocumentType,
    InvoiceDocument,
    PaymentMeansCode,
)
from ordermgmt.domain.vat import VatCategory
from tests.einvoice.identifiers import (
    creditor_id,
    creditor_id_is_valid,
    gs1_is_valid,
    iban,
    iban_is_valid,
    leitweg_id,
    leitweg_id_is_valid,
)
from tests.einvoice.strategies import (
    credit_notes,
    de_xrechnung_documents,
    invoice_documents,
    peppol_documents,
)

C = VatCategory
PLACES = {"EUR": 2, "JPY": 0, "KWD": 3}
CENT = Decimal("0.01")
EU = {"AT", "BE", "CZ", "DE", "ES", "FR", "GR", "IE", "IT", "LU", "NL", "PL", "PT"}
NEEDS_REASON = {C.EXEMPT, C.REVERSE_CHARGE, C.INTRA_COMMUNITY, C.EXPORT, C.OUTSIDE_SCOPE}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rounded(value: Decimal, currency: str) -> Decimal:
    """Half-up to the currency's minor unit: 2 places for EUR, 0 for JPY, 3 for KWD."""
    return value.quantize(Decimal(1).scaleb(-PLACES[currency]), rounding=ROUND_HALF_UP)


def total(items: tuple[AllowanceCharge, ...] | list[AllowanceCharge]) -> Decimal:
    return sum((item.amount for item in items), Decimal(0))


def categories(document: InvoiceDocument) -> set[VatCategory]:
    used = {line.category for line in document.lines}
    return used | {item.category for item in document.allowances_charges}


def vat_prefix(country: str) -> str:
    return "EL" if country == "GR" else country


def all_amounts(document: InvoiceDocument) -> list[Decimal]:
    t = document.totals
    amounts = [t.line_net, t.allowances, t.charges, t.tax_exclusive, t.tax, t.tax_inclusive]
    amounts += [t.prepaid, t.rounding, t.payable]
    amounts += [b.taxable for b in document.tax_breakdown] + [b.tax for b in document.tax_breakdown]
    items = list(document.allowances_charges)
    for line in document.lines:
        amounts.append(line.net)
        items += [*line.allowances, *line.charges]
    amounts += [i.amount for i in items] + [i.base_amount for i in items if i.base_amount]
    return amounts


# -- the figures ---------------------------------------------------------------------------------


@SETTINGS
@given(invoice_documents())
def test_each_line_net_is_quantity_times_price_less_allowances_plus_charges(
    document: InvoiceDocument,
) -> None:
    for line in document.lines:
        gross = line.quantity * line.net_price / line.base_quantity
        expected = rounded(gross - total(line.allowances) + total(line.charges), document.currency)
        assert line.net == expected, line
        assert line.net > 0
        assert line.quantity > 0
        assert line.net_price > 0
        assert line.base_quantity in (1, 10, 100)


@SETTINGS
@given(invoice_documents())
def test_totals_follow_br_co_10_to_16(document: InvoiceDocument) -> None:
    t = document.totals
    items = document.allowances_charges
    assert t.line_net == sum(line.net for line in document.lines)  # BR-CO-10
    assert t.allowances == total([i for i in items if not i.charge])  # BR-CO-11
    assert t.charges == total([i for i in items if i.charge])  # BR-CO-12
    assert t.tax_exclusive == t.line_net - t.allowances + t.charges  # BR-CO-13
    assert t.tax == sum(b.tax for b in document.tax_breakdown)  # BR-CO-14
    assert t.tax_inclusive == t.tax_exclusive + t.tax  # BR-CO-15
    assert t.payable == t.tax_inclusive - t.prepaid + t.rounding  # BR-CO-16
    assert t.payable > 0
    assert 0 <= t.prepaid < t.tax_inclusive


@SETTINGS
@given(invoice_documents())
def test_the_breakdown_has_each_category_and_rate_once_with_its_own_sums(
    document: InvoiceDocument,
) -> None:
    expected: dict[tuple[VatCategory, Decimal], Decimal] = {}
    for line in document.lines:
        key = (line.category, line.rate)
        expected[key] = expected.get(key, Decimal(0)) + line.net
    for item in document.allowances_charges:
        key = (item.category, item.rate)
        assert key in expected, "an allowance or charge at a rate no line has"
        expected[key] += item.amount if item.charge else -item.amount
    found = {(b.category, b.rate): b for b in document.tax_breakdown}
    assert len(found) == len(document.tax_breakdown)
    assert set(found) == set(expected)
    for key, breakdown in found.items():
        assert breakdown.taxable == expected[key]  # BR-S-08 & co
        assert breakdown.taxable > 0
        assert breakdown.tax == rounded(expected[key] * key[1], document.currency)


@SETTINGS
@given(invoice_documents())
def test_every_amount_has_at_most_two_decimals(document: InvoiceDocument) -> None:
    for amount in all_amounts(document):
        assert amount == amount.quantize(CENT), amount  # BR-DEC
        if document.currency == "JPY":
            assert amount == amount.to_integral_value(), amount


@SETTINGS
@given(invoice_documents())
def test_a_percentage_is_exactly_its_share_of_the_base(document: InvoiceDocument) -> None:
    items = list(document.allowances_charges)
    for line in document.lines:
        items += [*line.allowances, *line.charges]
    for item in items:
        assert (item.percent is None) == (item.base_amount is None)
        if item.percent is not None and item.base_amount is not None:
            assert item.amount == item.base_amount * item.percent / 100  # PEPPOL-EN16931-R040
        assert item.reason or item.reason_code  # BR-33, BR-38, BR-42, BR-44


@SETTINGS
@given(invoice_documents(currencies=("JPY", "KWD")))
def test_lines_in_jpy_and_kwd_need_no_rounding(document: InvoiceDocument) -> None:
    for line in document.lines:
        exact = line.quantity * line.net_price / line.base_quantity
        assert line.net == exact - total(line.allowances) + total(line.charges)


# -- the VAT rules of each category --------------------------------------------------------------


@SETTINGS
@given(invoice_documents())
def test_rates_and_exemption_reasons_fit_their_category(document: InvoiceDocument) -> None:
    for breakdown in document.tax_breakdown:
        if breakdown.category is C.STANDARD:
            assert breakdown.rate > 0  # BR-S-05
        else:
            assert breakdown.rate == 0  # BR-Z-05, BR-E-05, ...
        has_reason = bool(breakdown.exemption_reason or breakdown.exemption_code)
        assert has_reason == (breakdown.category in NEEDS_REASON)  # BR-E-10, BR-S-10, ...
        if breakdown.exemption_code:
            assert breakdown.exemption_code.startswith("VATEX-EU-")


@SETTINGS
@given(invoice_documents())
def test_parties_have_the_vat_identifiers_their_categories_need(document: InvoiceDocument) -> None:
    used, seller, buyer = categories(document), document.seller, document.buyer
    if C.OUTSIDE_SCOPE in used:
        assert used == {C.OUTSIDE_SCOPE}  # BR-O-11..14
        assert not seller.vat_id
        assert not buyer.vat_id
        assert seller.registration_id  # BR-CO-26
    else:
        assert seller.vat_id  # BR-S-02, BR-Z-02, BR-E-02, BR-AE-02, BR-IC-02, BR-G-02
    if used & {C.REVERSE_CHARGE, C.INTRA_COMMUNITY}:
        assert buyer.vat_id  # BR-AE-02, BR-IC-02
    for party in (seller, buyer):
        if party.vat_id:  # BR-CO-09, and the country the party is in
            assert party.vat_id.startswith(vat_prefix(party.address.country))
    if C.EXPORT in used:
        assert buyer.address.country not in EU
    if C.INTRA_COMMUNITY in used:
        assert buyer.address.country in EU - {seller.address.country}


@SETTINGS
@given(invoice_documents())
def test_an_intra_community_supply_says_where_and_when(document: InvoiceDocument) -> None:
    if C.INTRA_COMMUNITY not in categories(document):
        return
    delivery = document.delivery
    assert delivery is not None
    assert delivery.address is not None
    assert delivery.address.country == document.buyer.address.country  # BR-IC-12
    assert delivery.date or document.period_start or document.period_end  # BR-IC-11


@SETTINGS
@given(invoice_documents())
def test_dates_references_and_payment(document: InvoiceDocument) -> None:
    assert document.due_date or document.payment_terms  # BR-CO-25
    if document.due_date:
        assert document.due_date >= document.issue_date
    if document.period_start and document.period_end:
        assert document.period_end >= document.period_start  # BR-29
    if document.type is DocumentType.CREDIT_NOTE:
        assert document.preceding_invoice
        assert document.preceding_invoice_date
        assert document.preceding_invoice_date <= document.issue_date
    else:
        assert not document.preceding_invoice
    delivery = document.delivery
    if delivery is not None:
        assert delivery.date or delivery.address
    assert not document.extra
    if document.payment_reference:
        assert document.payment_means is not None


@SETTINGS
@given(invoice_documents())
def test_identifiers_carry_correct_check_digits(document: InvoiceDocument) -> None:
    means = document.payment_means
    if means is not None:
        if means.code in (PaymentMeansCode.SEPA_CREDIT_TRANSFER, PaymentMeansCode.CREDIT_TRANSFER):
            assert iban_is_valid(means.iban)  # BR-61, BR-DE-19
        if means.code is PaymentMeansCode.CARD:
            assert means.card_last_digits.isdigit()
            assert 4 <= len(means.card_last_digits) <= 6
        if means.code is PaymentMeansCode.SEPA_DIRECT_DEBIT:
            assert means.mandate_reference
            assert creditor_id_is_valid(means.creditor_id)
            assert iban_is_valid(means.debtor_iban)
    for party in (document.seller, document.buyer):
        address = party.electronic_address
        if address is not None and address.scheme == "0088":
            assert gs1_is_valid(address.value)
    for line in document.lines:
        if line.gtin:
            assert gs1_is_valid(line.gtin)
            assert len(line.gtin) == 13


@SETTINGS
@given(credit_notes())
def test_credit_notes_are_credit_notes_with_positive_amounts(document: InvoiceDocument) -> None:
    assert document.type is DocumentType.CREDIT_NOTE
    assert document.totals.payable >= 0  # all of it may have been settled before
    if document.due_date:  # UBL 2.1 keeps a credit note's due date in the payment means
        assert document.payment_means is not None


# -- the format variants -------------------------------------------------------------------------


@SETTINGS
@given(de_xrechnung_documents())
def test_xrechnung_documents_have_what_xrechnung_needs(document: InvoiceDocument) -> None:
    seller, buyer = document.seller, document.buyer
    assert seller.address.country == "DE"
    assert leitweg_id_is_valid(document.buyer_reference)  # BR-DE-15
    assert seller.contact is not None  # BR-DE-2
    assert seller.contact.name
    assert seller.contact.email
    assert sum(c.isdigit() for c in seller.contact.phone) >= 3  # BR-DE-6, BR-DE-27
    assert seller.contact.email.count("@") == 1  # BR-DE-28
    assert seller.electronic_address is not None
    assert buyer.electronic_address is not None
    for party in (seller, buyer):
        assert party.address.city
        assert party.address.postal_code
    assert seller.vat_id or seller.tax_number  # BR-DE-16
    means = document.payment_means
    assert means is not None  # BR-DE-1
    if means.code is PaymentMeansCode.SEPA_DIRECT_DEBIT:
        assert means.creditor_id
        assert means.debtor_iban
    assert "#" not in document.payment_terms  # BR-DE-18 reads '#' as a discount term


@SETTINGS
@given(peppol_documents())
def test_peppol_documents_have_endpoints_and_a_reference(document: InvoiceDocument) -> None:
    assert document.seller.electronic_address is not None  # PEPPOL-EN16931-R020
    assert document.buyer.electronic_address is not None  # PEPPOL-EN16931-R010
    assert document.buyer_reference or document.purchase_order_reference  # -R003


# -- identifiers against published examples ------------------------------------------------------


def test_identifiers_match_published_examples() -> None:
    assert iban("DE", "370400440532013000") == "DE89370400440532013000"
    assert iban_is_valid("GB82 WEST 1234 5698 7654 32")
    assert not iban_is_valid("DE89370400440532013001")
    assert creditor_id("DE", "09999999999") == "DE98ZZZ09999999999"
    assert not creditor_id_is_valid("DE97ZZZ09999999999")
    assert leitweg_id("04011000", "1234512345") == "04011000-1234512345-06"
    assert not leitweg_id_is_valid("04011000-1234512345-07")
    assert gs1_is_valid("4006381333931")
    assert not gs1_is_valid("4006381333932")


# -- variety: what the generator claims to produce, it does --------------------------------------

VARIETY: dict[str, Callable[[InvoiceDocument], bool]] = {
    **{
        f"category {c.value}": (lambda d, c=c: c in categories(d))
        for c in (
            C.STANDARD,
            C.ZERO_RATED,
            C.EXEMPT,
            C.REVERSE_CHARGE,
            C.INTRA_COMMUNITY,
            C.EXPORT,
            C.OUTSIDE_SCOPE,
        )
    },
    **{f"currency {c}": (lambda d, c=c: d.currency == c) for c in ("EUR", "JPY", "KWD")},
    **{
        f"payment means {m.value}": (
            lambda d, m=m: d.payment_means is not None and d.payment_means.code is m
        )
        for m in (
            PaymentMeansCode.SEPA_CREDIT_TRANSFER,
            PaymentMeansCode.CARD,
            PaymentMeansCode.SEPA_DIRECT_DEBIT,
        )
    },
    **{
        f"unit {u}": (lambda d, u=u: any(ln.unit_code == u for ln in d.lines))
        for u in ("H87", "C62", "KGM", "MTR", "HUR", "LTR")
    },
    "S at 7 %": lambda d: any(ln.rate == Decimal("0.07") for ln in d.lines),
    "S at 5.5 %": lambda d: any(ln.rate == Decimal("0.055") for ln in d.lines),
    "two rates of S": lambda d: len({ln.rate for ln in d.lines if ln.category is C.STANDARD}) > 1,
    "credit note": lambda d: d.type is DocumentType.CREDIT_NOTE,
    "base quantity 100": lambda d: any(ln.base_quantity == 100 for ln in d.lines),
    "a quantity with decimals": lambda d: any(ln.quantity % 1 for ln in d.lines),
    "a price finer than cents": lambda d: any(ln.net_price % CENT for ln in d.lines),
    "line allowance": lambda d: any(ln.allowances for ln in d.lines),
    "line charge": lambda d: any(ln.charges for ln in d.lines),
    "document allowance in percent": lambda d: any(
        i.percent is not None and not i.charge for i in d.allowances_charges
    ),
    "document charge": lambda d: any(i.charge for i in d.allowances_charges),
    "allowance code 95": lambda d: any(i.reason_code == "95" for i in d.allowances_charges),
    "charge code FC": lambda d: any(i.reason_code == "FC" for i in d.allowances_charges),
    "prepaid": lambda d: d.totals.prepaid > 0,
    "rounding": lambda d: d.totals.rounding != 0,
    "due date and no terms": lambda d: d.due_date is not None and not d.payment_terms,
    "terms and no due date": lambda d: d.due_date is None and bool(d.payment_terms),
    "invoicing period": lambda d: d.period_start is not None,
    "delivery date": lambda d: d.delivery is not None and d.delivery.date is not None,
    "buyer reference": lambda d: bool(d.buyer_reference),
    "purchase order reference": lambda d: bool(d.purchase_order_reference),
    "note": lambda d: bool(d.note),
    "Greek buyer (EL VAT id)": lambda d: d.buyer.vat_id.startswith("EL"),
    "a JPY standard-rated line": lambda d: (
        d.currency == "JPY" and any(ln.category is C.STANDARD for ln in d.lines)
    ),
}


@pytest.mark.parametrize("name", sorted(VARIETY))
def test_the_generator_produces(name: str) -> None:
    found = find(
        invoice_documents(),
        VARIETY[name],
        settings=settings(max_examples=3000, database=None, phases=[Phase.generate]),
    )
    assert VARIETY[name](found)
