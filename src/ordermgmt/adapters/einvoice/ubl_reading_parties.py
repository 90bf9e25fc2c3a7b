"""Reading the parties, the delivery and the payment instructions of a UBL 2.1 document."""

from __future__ import annotations

from ordermgmt.adapters.einvoice.ubl_read_xml import (
    FORMAT,
    day,
    find,
    find_all,
    text,
)
from ordermgmt.adapters.einvoice.ubl_xml import Element
from ordermgmt.domain.document import (
    Contact,
    Delivery,
    ElectronicAddress,
    Party,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
)
from ordermgmt.errors import DocumentError

_CODES = {code.value: code for code in PaymentMeansCode}


def address(element: Element | None) -> PostalAddress | None:
    """A postal address; its lines are street (BT-35), additional street (BT-36) and the
    third line (BT-162), trailing empty ones dropped."""
    if element is None:
        return None
    lines = [
        text(element, "cbc:StreetName"),
        text(element, "cbc:AdditionalStreetName"),
        text(element, "cac:AddressLine/cbc:Line"),
    ]
    while lines and not lines[-1]:
        lines.pop()
    return PostalAddress(
        lines=tuple(lines),
        city=text(element, "cbc:CityName"),
        postal_code=text(element, "cbc:PostalZone"),
        country=text(element, "cac:Country/cbc:IdentificationCode"),
        subdivision=text(element, "cbc:CountrySubentity"),
    )


def party(root: Element, path: str, role: str) -> Party:
    """The seller (``cac:AccountingSupplierParty``) or the buyer (``...CustomerParty``)."""
    element = find(root, f"{path}/cac:Party")
    if element is None:
        raise DocumentError(FORMAT, f"the {role} ({path}/cac:Party) is missing")
    legal_name = text(element, "cac:PartyLegalEntity/cbc:RegistrationName")
    trading_name = text(element, "cac:PartyName/cbc:Name")
    postal = address(find(element, "cac:PostalAddress"))
    if postal is None:
        raise DocumentError(FORMAT, f"the {role} postal address (cac:PostalAddress) is missing")
    vat_id, tax_number = "", ""
    for scheme in find_all(element, "cac:PartyTaxScheme"):
        if text(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
            vat_id = vat_id or text(scheme, "cbc:CompanyID")
        else:
            tax_number = tax_number or text(scheme, "cbc:CompanyID")
    return Party(
        name=legal_name or trading_name,
        address=postal,
        trading_name=trading_name if legal_name else "",
        vat_id=vat_id,
        tax_number=tax_number,
        registration_id=text(element, "cac:PartyLegalEntity/cbc:CompanyID"),
        legal_info=text(element, "cac:PartyLegalEntity/cbc:CompanyLegalForm"),
        electronic_address=_endpoint(find(element, "cbc:EndpointID")),
        contact=_contact(find(element, "cac:Contact")),
    )


def _endpoint(element: Element | None) -> ElectronicAddress | None:
    if element is None or not (element.text or "").strip():
        return None
    return ElectronicAddress(element.text.strip(), (element.get("schemeID") or "").strip())


def _contact(element: Element | None) -> Contact | None:
    if element is None:
        return None
    return Contact(
        name=text(element, "cbc:Name"),
        phone=text(element, "cbc:Telephone"),
        email=text(element, "cbc:ElectronicMail"),
    )


def delivery(root: Element) -> Delivery | None:
    """Deliver-to (BG-13): date (BT-72), address (BG-15) and party name (BT-70)."""
    element = find(root, "cac:Delivery")
    if element is None:
        return None
    return Delivery(
        name=text(element, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
        address=address(find(element, "cac:DeliveryLocation/cac:Address")),
        date=day(element, "cbc:ActualDeliveryDate", "the actual delivery date (BT-72)"),
    )


def creditor_id(root: Element) -> str:
    """The SEPA creditor identifier (BT-90): a seller or payee identifier of scheme SEPA."""
    for path in ("cac:AccountingSupplierParty/cac:Party", "cac:PayeeParty"):
        for identifier in find_all(root, f"{path}/cac:PartyIdentification/cbc:ID"):
            if identifier.get("schemeID") == "SEPA":
                return str(identifier.text or "").strip()
    return ""


def payment_means(root: Element, extra: dict[str, str]) -> PaymentMeans | None:
    """The first payment instructions (BG-16) of a code the model knows. A code it does not
    know (``31`` debit transfer, ``4`` ...) is kept in ``extra["payment_means_code"]``."""
    for element in find_all(root, "cac:PaymentMeans"):
        code = text(element, "cbc:PaymentMeansCode")
        if code not in _CODES:
            extra.setdefault("payment_means_code", code)
            continue
        return PaymentMeans(
            code=_CODES[code],
            iban=text(element, "cac:PayeeFinancialAccount/cbc:ID"),
            bic=text(element, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
            account_name=text(element, "cac:PayeeFinancialAccount/cbc:Name"),
            card_last_digits=text(element, "cac:CardAccount/cbc:PrimaryAccountNumberID"),
            card_holder=text(element, "cac:CardAccount/cbc:HolderName"),
            mandate_reference=text(element, "cac:PaymentMandate/cbc:ID"),
            creditor_id=creditor_id(root),
            debtor_iban=text(element, "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
        )
    return None
