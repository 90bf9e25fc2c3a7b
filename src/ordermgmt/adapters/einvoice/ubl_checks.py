"""What each UBL format needs beyond EN 16931 itself, checked before anything is written.

A document that lacks a business term its format makes mandatory is refused with a
:class:`DocumentError` naming the term, rather than turned into a file the receiver rejects:

- Peppol BIS Billing 3.0: both electronic addresses (BT-34, BT-49; PEPPOL-EN16931-R020,
  -R010), a buyer reference (BT-10) or a purchase order reference (BT-13) (-R003), at most
  one document note (-R002), a mandate reference (BT-89) for a direct debit (-R061), and an
  allowance's or charge's percentage and base amount together or not at all (-R041, -R042),
  and its amount that percentage of that base (-R040).
- XRechnung 3.0: both electronic addresses, the buyer reference (BR-DE-15), payment
  instructions (BR-DE-1) with the account, card or mandate their code calls for
  (BR-DE-23, -24, -25, -30, -31), the seller's contact with name, telephone and e-mail
  (BR-DE-2, -5, -6, -7), both parties' city and post code (BR-DE-3, -4, -8, -9), and the
  seller's VAT identifier or tax number (BR-DE-16).
- Every format, the rules of EN 16931 that are about what the document states rather than
  about its figures: the mandatory terms (number, currency, names and countries of both
  parties, at least one line with identifier, unit and item name); a credit transfer
  names the payee account (BT-84, BR-61); the seller is identified (BT-29, BT-30 or
  BT-31, BR-CO-26); each VAT category used has the VAT identifiers it calls for (BR-S-02,
  BR-Z-02, BR-E-02, BR-AE-02, BR-IC-02, BR-G-02, and BR-O-02: none at all when not
  subject to VAT, which then is the only category, BR-O-11); an intra-community supply
  states its delivery date or period and the deliver-to country (BR-IC-11, BR-IC-12).
"""

from __future__ import annotations

from collections.abc import Iterator

from ordermgmt.domain.document import (
    AllowanceCharge,
    InvoiceDocument,
    Party,
    PaymentMeansCode,
)
from ordermgmt.domain.money import round_amount
from ordermgmt.domain.vat import VatCategory
from ordermgmt.errors import DocumentError
from ordermgmt.ports.documents import DocumentFormat

_TRANSFER = frozenset({PaymentMeansCode.CREDIT_TRANSFER, PaymentMeansCode.SEPA_CREDIT_TRANSFER})
_DIRECT_DEBIT = frozenset({PaymentMeansCode.DIRECT_DEBIT, PaymentMeansCode.SEPA_DIRECT_DEBIT})
#: Categories whose seller needs a VAT identifier or a tax registration (BR-S-02 & co).
_SELLER_TAX_ID = frozenset(
    {
        VatCategory.STANDARD,
        VatCategory.ZERO_RATED,
        VatCategory.EXEMPT,
        VatCategory.REVERSE_CHARGE,
        VatCategory.CANARY_ISLANDS,
        VatCategory.CEUTA_MELILLA,
    }
)
#: Categories whose seller needs a VAT identifier itself (BR-IC-02, BR-G-02).
_SELLER_VAT_ID = frozenset({VatCategory.INTRA_COMMUNITY, VatCategory.EXPORT})


def check(document: InvoiceDocument, format: DocumentFormat) -> None:
    """Raise :class:`DocumentError` naming the first business term ``format`` needs and
    ``document`` lacks."""
    problems = list(_common(document))
    if format is DocumentFormat.PEPPOL:
        problems += _peppol(document)
    elif format is DocumentFormat.XRECHNUNG_UBL:
        problems += _xrechnung(document)
    if problems:
        raise DocumentError(format.value, "; ".join(problems))


def _mandatory(document: InvoiceDocument) -> Iterator[str]:
    """The terms every EN 16931 document has (BR-2, BR-5, BR-6, BR-7, BR-9, BR-11, BR-16,
    BR-21, BR-23, BR-25)."""
    for present, term in (
        (document.number, "the invoice number (BT-1)"),
        (document.currency, "the currency (BT-5)"),
        (document.seller.name, "the seller name (BT-27)"),
        (document.seller.address.country, "the seller country (BT-40)"),
        (document.buyer.name, "the buyer name (BT-44)"),
        (document.buyer.address.country, "the buyer country (BT-55)"),
        (document.lines, "an invoice line (BG-25)"),
    ):
        if not present:
            yield f"{term} is missing"
    for line in document.lines:
        if not (line.id and line.name and line.unit_code):
            yield f"line {line.id!r} lacks its identifier (BT-126), unit (BT-130) or name (BT-153)"


def _common(document: InvoiceDocument) -> Iterator[str]:
    yield from _mandatory(document)
    means = document.payment_means
    if means is not None and means.code in _TRANSFER and not means.iban:
        yield "a credit transfer needs the payment account identifier (BT-84, BR-61)"
    seller = document.seller
    creditor = means.creditor_id if means else ""
    if not (seller.vat_id or seller.registration_id or creditor):
        yield "the seller needs an identifier (BT-29), legal registration (BT-30) or VAT id (BT-31)"
    yield from _categories(document)


def _categories(document: InvoiceDocument) -> Iterator[str]:
    seller, buyer = document.seller, document.buyer
    used = {line.category for line in document.lines}
    used |= {item.category for item in document.allowances_charges}
    used |= {row.category for row in document.tax_breakdown}
    if used & _SELLER_TAX_ID and not (seller.vat_id or seller.tax_number):
        yield "the seller VAT identifier (BT-31) or tax registration (BT-32) is missing"
    if used & _SELLER_VAT_ID and not seller.vat_id:
        yield "the seller VAT identifier (BT-31) is missing"
    if VatCategory.REVERSE_CHARGE in used and not (buyer.vat_id or buyer.registration_id):
        yield "reverse charge needs the buyer VAT id (BT-48) or legal registration (BT-47)"
    if VatCategory.INTRA_COMMUNITY in used:
        yield from _intra_community(document)
    if VatCategory.OUTSIDE_SCOPE in used:
        if len(used) > 1:
            yield "a document not subject to VAT (O) can have no other VAT category (BR-O-11)"
        if seller.vat_id or buyer.vat_id:
            yield "a document not subject to VAT (O) states no VAT identifiers (BT-31, BT-48)"


def _intra_community(document: InvoiceDocument) -> Iterator[str]:
    if not document.buyer.vat_id:
        yield "an intra-community supply needs the buyer VAT identifier (BT-48)"
    delivery = document.delivery
    dated = delivery is not None and delivery.date is not None
    if not (dated or document.period_start or document.period_end):
        yield "an intra-community supply needs the delivery date (BT-72) or period (BG-14)"
    if delivery is None or delivery.address is None or not delivery.address.country:
        yield "an intra-community supply needs the deliver-to country (BT-80)"


def _endpoints(document: InvoiceDocument) -> Iterator[str]:
    if document.seller.electronic_address is None:
        yield "the seller electronic address (BT-34) is missing"
    if document.buyer.electronic_address is None:
        yield "the buyer electronic address (BT-49) is missing"


def _peppol(document: InvoiceDocument) -> Iterator[str]:
    yield from _endpoints(document)
    yield from _german_seller_in_peppol(document)
    for party, term in ((document.seller, "BT-34"), (document.buyer, "BT-49")):
        address = party.electronic_address
        if address is not None and address.scheme == "EM":
            # Peppol delivers to participant identifiers (PEPPOL-EN16931-CL008), not e-mail
            yield (
                f"Peppol needs a participant identifier as electronic address ({term}), "
                f"such as a GLN (0088) or a VAT number (9930 for Germany), not an e-mail address"
            )
    if not document.buyer_reference and not document.purchase_order_reference:
        yield "a buyer reference (BT-10) or purchase order reference (BT-13) is required"
    notes = bool(document.note) + len(document.extra)
    if notes > 1:
        yield f"at most one document note (BT-22) is allowed, the document has {notes}"
    means = document.payment_means
    if means is not None and means.code in _DIRECT_DEBIT and not means.mandate_reference:
        yield "a direct debit needs the mandate reference (BT-89)"
    items: list[AllowanceCharge] = list(document.allowances_charges)
    for line in document.lines:
        items += [*line.allowances, *line.charges]
    if any((item.percent is None) != (item.base_amount is None) for item in items):
        yield "an allowance or charge gives a percentage without base amount or the reverse"
    for item in items:
        if item.percent is not None and item.base_amount is not None:
            expected = round_amount(item.base_amount * item.percent / 100, document.currency)
            if expected != item.amount:
                yield (
                    f"an allowance or charge of {item.amount} is not its percentage"
                    f" {item.percent} of its base amount {item.base_amount} (PEPPOL-EN16931-R040)"
                )


def _xrechnung(document: InvoiceDocument) -> Iterator[str]:
    yield from _endpoints(document)
    if not document.buyer_reference:
        yield "the buyer reference (BT-10, the Leitweg-ID) is missing (BR-DE-15)"
    yield from _xrechnung_payment(document)
    yield from _seller_contact(document)
    yield from _xrechnung_party(document.seller, "seller", ("BT-37", "BT-38"))
    yield from _xrechnung_party(document.buyer, "buyer", ("BT-52", "BT-53"))
    if not document.seller.vat_id and not document.seller.tax_number:
        yield "the seller VAT identifier (BT-31) or tax number (BT-32) is missing (BR-DE-16)"


def _german_seller_in_peppol(document: InvoiceDocument) -> Iterator[str]:
    """Peppol's national rules for a German seller (DE-R-*): the buyer reference and the
    seller's contact, as XRechnung wants them."""
    if document.seller.address.country != "DE":
        return
    if not document.buyer_reference:
        yield "a German seller's Peppol invoice needs the buyer reference (BT-10, DE-R-015)"
    yield from _seller_contact(document)


def _seller_contact(document: InvoiceDocument) -> Iterator[str]:
    contact = document.seller.contact
    for term, value in (
        ("name (BT-41", contact.name if contact else ""),
        ("telephone (BT-42", contact.phone if contact else ""),
        ("e-mail (BT-43", contact.email if contact else ""),
    ):
        if not value:
            yield f"the seller contact {term}) is missing"


def _xrechnung_party(party: Party, role: str, terms: tuple[str, str]) -> Iterator[str]:
    if not party.address.city:
        yield f"the {role} city ({terms[0]}) is missing"
    if not party.address.postal_code:
        yield f"the {role} post code ({terms[1]}) is missing"


def _xrechnung_payment(document: InvoiceDocument) -> Iterator[str]:
    means = document.payment_means
    if means is None:
        yield "the payment instructions (BG-16) are missing (BR-DE-1)"
        return
    if means.code is PaymentMeansCode.CARD and not means.card_last_digits:
        yield "a card payment needs the card's account number (BT-87, BR-DE-24)"
    if means.code in _DIRECT_DEBIT:
        if not means.mandate_reference:
            yield "a direct debit needs the mandate reference (BT-89, BR-DE-25)"
        if not means.creditor_id:
            yield "a direct debit needs the creditor identifier (BT-90, BR-DE-30)"
        if not means.debtor_iban:
            yield "a direct debit needs the debited account (BT-91, BR-DE-31)"
