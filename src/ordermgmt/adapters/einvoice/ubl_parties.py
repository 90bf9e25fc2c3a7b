"""UBL 2.1 elements of the parties, the delivery and the payment of an EN 16931 document:
seller (BG-4) and buyer (BG-7), deliver-to (BG-13), payment means (BG-16 to BG-19)."""

from __future__ import annotations

from ordermgmt.adapters.einvoice.ubl_xml import Element, cac, cbc, required
from ordermgmt.domain.document import (
    Contact,
    Delivery,
    DocumentType,
    InvoiceDocument,
    Party,
    PaymentMeans,
    PostalAddress,
)
from ordermgmt.errors import DocumentError

#: The tax scheme a seller's local tax number (BT-32) is given under; any scheme other than
#: ``VAT`` means BT-32 to EN 16931, ``FC`` is the one XRechnung names.
TAX_NUMBER_SCHEME = "FC"
#: The scheme of a SEPA creditor identifier (BT-90) among the seller's identifiers.
SEPA_SCHEME = "SEPA"

#: UBL requires a card's network (``cbc:NetworkID``); the model does not keep it.
CARD_NETWORK_UNKNOWN = "NA"


def address(name: str, value: PostalAddress) -> Element:
    """A postal address (BG-5, BG-8, BG-15): up to three lines (BT-35, BT-36, BT-162)."""
    if len(value.lines) > 3:
        raise DocumentError(
            "ubl",
            f"an address has {len(value.lines)} lines, EN 16931 allows three"
            " (BT-35, BT-36, BT-162)",
        )
    lines = [*value.lines, "", "", ""]
    return required(
        name,
        cbc("StreetName", lines[0]),
        cbc("AdditionalStreetName", lines[1]),
        cbc("CityName", value.city),
        cbc("PostalZone", value.postal_code),
        cbc("CountrySubentity", value.subdivision),
        cac("AddressLine", cbc("Line", lines[2])),
        cac("Country", cbc("IdentificationCode", value.country)),
    )


def _contact(value: Contact | None) -> Element | None:
    if value is None:
        return None
    return cac(
        "Contact",
        cbc("Name", value.name),
        cbc("Telephone", value.phone),
        cbc("ElectronicMail", value.email),
    )


def party(value: Party, seller: bool, creditor_id: str = "") -> Element:
    """``cac:Party`` of the seller or the buyer. The buyer has no tax number (BT-32) or
    additional legal information (BT-33) in EN 16931; those are not written for it."""
    endpoint = value.electronic_address
    return required(
        "Party",
        cbc("EndpointID", endpoint.value, schemeID=endpoint.scheme) if endpoint else None,
        cac("PartyIdentification", cbc("ID", creditor_id, schemeID=SEPA_SCHEME)),
        cac("PartyName", cbc("Name", value.trading_name)),
        address("PostalAddress", value.address),
        _tax_scheme(value.vat_id, "VAT"),
        _tax_scheme(value.tax_number, TAX_NUMBER_SCHEME) if seller else None,
        required(
            "PartyLegalEntity",
            cbc("RegistrationName", value.name),
            cbc("CompanyID", value.registration_id),
            cbc("CompanyLegalForm", value.legal_info) if seller else None,
        ),
        _contact(value.contact),
    )


def _tax_scheme(company_id: str, scheme: str) -> Element | None:
    if not company_id:
        return None
    return cac("PartyTaxScheme", cbc("CompanyID", company_id), cac("TaxScheme", cbc("ID", scheme)))


def delivery(value: Delivery | None) -> Element | None:
    """Deliver-to (BG-13): actual delivery date (BT-72), address (BG-15), party name (BT-70)."""
    if value is None:
        return None
    return cac(
        "Delivery",
        cbc("ActualDeliveryDate", value.date.isoformat() if value.date else None),
        cac("DeliveryLocation", address("Address", value.address)) if value.address else None,
        cac("DeliveryParty", cac("PartyName", cbc("Name", value.name))),
    )


def payment_means(document: InvoiceDocument) -> Element | None:
    """Payment instructions (BG-16): the code, remittance information (BT-83), and the
    payee account (BG-17), card (BG-18) or direct debit mandate (BG-19) the code calls for.
    A credit note's due date (BT-9) lives here too, UBL 2.1 credit notes having no DueDate.
    """
    means = document.payment_means
    due = document.due_date
    credit_note_due = due.isoformat() if due and document.type is DocumentType.CREDIT_NOTE else None
    if means is None:
        if credit_note_due:
            raise DocumentError(
                "ubl",
                "a UBL 2.1 credit note carries its due date (BT-9) in the payment means"
                " (BG-16), which the document lacks",
            )
        if document.payment_reference:
            raise DocumentError(
                "ubl",
                "the remittance information (BT-83) belongs to the payment means (BG-16),"
                " which the document lacks",
            )
        return None
    return required(
        "PaymentMeans",
        cbc("PaymentMeansCode", means.code.value),
        cbc("PaymentDueDate", credit_note_due),
        cbc("PaymentID", document.payment_reference),
        _card(means),
        _payee_account(means),
        _mandate(means),
    )


def _card(means: PaymentMeans) -> Element | None:
    if not means.card_last_digits:
        return None
    return cac(
        "CardAccount",
        cbc("PrimaryAccountNumberID", means.card_last_digits),
        cbc("NetworkID", CARD_NETWORK_UNKNOWN),
        cbc("HolderName", means.card_holder),
    )


def _payee_account(means: PaymentMeans) -> Element | None:
    if not means.iban:
        return None
    return cac(
        "PayeeFinancialAccount",
        cbc("ID", means.iban),
        cbc("Name", means.account_name),
        cac("FinancialInstitutionBranch", cbc("ID", means.bic)),
    )


def _mandate(means: PaymentMeans) -> Element | None:
    return cac(
        "PaymentMandate",
        cbc("ID", means.mandate_reference),
        cac("PayerFinancialAccount", cbc("ID", means.debtor_iban)),
    )
