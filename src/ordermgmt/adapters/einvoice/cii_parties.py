"""The parties, the delivery and the payment instructions of a CII document as drafthorse
elements.

A party (BG-4 seller, BG-7 buyer) states its legal name (``ram:Name``), its legal registration
and trading name (``ram:SpecifiedLegalOrganization``), the seller its additional legal
information (``ram:Description``, BT-33), its contact, postal address, electronic address with
its scheme and its tax registrations: the VAT identifier under scheme ``VA`` and the local tax
number under ``FC``. Address lines are ``LineOne`` to ``LineThree`` (BT-35, BT-36, BT-162).
"""

from __future__ import annotations

from typing import Any

from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans as CiiPaymentMeans
from drafthorse.models.payment import PaymentTerms

from ordermgmt.adapters.einvoice.cii_figures import FORMAT
from ordermgmt.domain.document import (
    Contact,
    Delivery,
    InvoiceDocument,
    Party,
    PaymentMeans,
    PostalAddress,
)
from ordermgmt.errors import DocumentError

#: The tax registration schemes: VAT identifier (BT-31, BT-48) and tax number (BT-32).
VAT_SCHEME = "VA"
TAX_NUMBER_SCHEME = "FC"
#: CII has three address lines.
MAX_ADDRESS_LINES = 3


def fill_address(element: Any, address: PostalAddress, role: str) -> None:
    """A ``ram:PostalTradeAddress``; an address needs its country (BR-09, BR-11, BR-57)
    and has at most three lines."""
    if not address.country:
        raise DocumentError(FORMAT, f"the {role} address has no country code")
    if len(address.lines) > MAX_ADDRESS_LINES:
        raise DocumentError(
            FORMAT, f"the {role} address has {len(address.lines)} lines, CII has three"
        )
    lines = (*address.lines, "", "", "")
    element.postcode = address.postal_code
    element.line_one, element.line_two, element.line_three = lines[:MAX_ADDRESS_LINES]
    element.city_name = address.city
    element.country_id = address.country
    element.country_subdivision = address.subdivision


def _fill_contact(element: Any, contact: Contact) -> None:
    element.person_name = contact.name
    element.telephone.number = contact.phone
    element.email.address = contact.email


def fill_party(element: Any, party: Party, role: str, seller: bool) -> None:
    """A ``ram:SellerTradeParty`` (``seller``) or ``ram:BuyerTradeParty``.

    EN 16931 gives the buyer no additional legal information (BT-33 is the seller's): a
    buyer stating some cannot be written and raises :class:`DocumentError`.
    """
    if party.legal_info and not seller:
        raise DocumentError(
            FORMAT, f"the {role} states additional legal information, which only a seller has"
        )
    element.name = party.name
    element.description = party.legal_info
    element.legal_organization.id = party.registration_id
    element.legal_organization.trade_name = party.trading_name
    if party.contact is not None:
        _fill_contact(element.contact, party.contact)
    fill_address(element.address, party.address, role)
    if party.electronic_address is not None:
        address = party.electronic_address
        element.electronic_address.uri_ID = (address.scheme, address.value)
    for scheme, value in ((VAT_SCHEME, party.vat_id), (TAX_NUMBER_SCHEME, party.tax_number)):
        if value:
            element.tax_registrations.add(TaxRegistration(id=(scheme, value)))


def fill_delivery(element: Any, delivery: Delivery | None) -> None:
    """The ``ram:ApplicableHeaderTradeDelivery``: deliver-to name (BT-70) and address
    (BG-15), the actual delivery date (BT-72)."""
    if delivery is None:
        return
    if delivery.name or delivery.address is not None:
        element.ship_to.name = delivery.name
        if delivery.address is not None:
            fill_address(element.ship_to.address, delivery.address, "deliver-to")
    element.event.occurrence = delivery.date


def payment_means(means: PaymentMeans) -> Any:
    """A ``ram:SpecifiedTradeSettlementPaymentMeans`` (BG-16): the payee account (BG-17),
    the card (BG-18) or the debited account (BT-91), whichever the instructions state."""
    element = CiiPaymentMeans()
    element.type_code = means.code.value
    element.financial_card.id = means.card_last_digits
    element.financial_card.cardholder_name = means.card_holder
    element.payer_account.iban = means.debtor_iban
    element.payee_account.iban = means.iban
    element.payee_account.account_name = means.account_name
    element.payee_institution.bic = means.bic
    return element


def payment_terms(document: InvoiceDocument) -> Any | None:
    """The ``ram:SpecifiedTradePaymentTerms``: terms (BT-20), due date (BT-9) and direct
    debit mandate (BT-89); ``None`` when the document states none of them."""
    mandate = document.payment_means.mandate_reference if document.payment_means else ""
    if not (document.payment_terms or document.due_date or mandate):
        return None
    terms = PaymentTerms()
    terms.description = document.payment_terms
    terms.due = document.due_date
    terms.debit_mandate_id = mandate
    return terms
