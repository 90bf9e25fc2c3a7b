"""Reading the parties, the delivery and the payment instructions of a CII document."""

from __future__ import annotations

from ordermgmt.adapters.einvoice.cii_read_xml import (
    FORMAT,
    Element,
    day,
    find,
    find_all,
    text,
)
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
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"


def address(element: Element | None) -> PostalAddress | None:
    """A ``ram:PostalTradeAddress``; its lines are ``LineOne`` to ``LineThree`` (BT-35,
    BT-36, BT-162), trailing empty ones dropped."""
    if element is None:
        return None
    lines = [text(element, f"ram:Line{n}") for n in ("One", "Two", "Three")]
    while lines and not lines[-1]:
        lines.pop()
    return PostalAddress(
        lines=tuple(lines),
        city=text(element, "ram:CityName"),
        postal_code=text(element, "ram:PostcodeCode"),
        country=text(element, "ram:CountryID"),
        subdivision=text(element, "ram:CountrySubDivisionName"),
    )


def party(agreement: Element, name: str, role: str, seller: bool) -> Party:
    """The ``ram:SellerTradeParty`` or ``ram:BuyerTradeParty`` (``name``) of the agreement.
    A buyer's ``ram:Description`` is not read: EN 16931 has no such business term."""
    element = find(agreement, f"ram:{name}")
    if element is None:
        raise DocumentError(FORMAT, f"the {role} (ram:{name}) is missing")
    postal = address(find(element, "ram:PostalTradeAddress"))
    if postal is None:
        raise DocumentError(
            FORMAT, f"the {role} postal address (ram:{name}/ram:PostalTradeAddress) is missing"
        )
    registrations: dict[str, str] = {}
    for identifier in find_all(element, "ram:SpecifiedTaxRegistration/ram:ID"):
        scheme = (identifier.get("schemeID") or "").strip()
        registrations.setdefault(scheme, (identifier.text or "").strip())
    return Party(
        name=text(element, "ram:Name"),
        address=postal,
        trading_name=text(element, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        vat_id=registrations.get("VA", ""),
        tax_number=registrations.get("FC", ""),
        registration_id=text(element, "ram:SpecifiedLegalOrganization/ram:ID"),
        legal_info=text(element, "ram:Description") if seller else "",
        electronic_address=_endpoint(find(element, "ram:URIUniversalCommunication/ram:URIID")),
        contact=_contact(find(element, "ram:DefinedTradeContact")),
    )


def _endpoint(element: Element | None) -> ElectronicAddress | None:
    if element is None or not (element.text or "").strip():
        return None
    return ElectronicAddress(element.text.strip(), (element.get("schemeID") or "").strip())


def _contact(element: Element | None) -> Contact | None:
    contact = Contact(
        name=text(element, "ram:PersonName"),
        phone=text(element, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
        email=text(element, "ram:EmailURIUniversalCommunication/ram:URIID"),
    )
    return contact if contact != Contact() else None


def delivery(root: Element) -> Delivery | None:
    """Deliver-to (BG-13): party name (BT-70), address (BG-15) and the actual delivery date
    (BT-72); ``None`` when the document states none of them (or only empty elements)."""
    element = find(root, "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery")
    when = day(
        element,
        "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime",
        "the actual delivery date (BT-72)",
    )
    ship_to = find(element, "ram:ShipToTradeParty")
    result = Delivery(
        name=text(ship_to, "ram:Name"),
        address=address(find(ship_to, "ram:PostalTradeAddress")),
        date=when,
    )
    return result if result != Delivery() else None


def payment_means(root: Element, extra: dict[str, str]) -> PaymentMeans | None:
    """The first payment instructions (BG-16) of a code the model knows, with the mandate
    (BT-89) and the creditor identifier (BT-90) of a direct debit. A code it does not know
    (``31`` debit transfer, ``1`` ...) is kept in ``extra["payment_means_code"]``; a creditor
    identifier without instructions in ``extra["creditor_id"]``."""
    settlement = find(root, _SETTLEMENT)
    creditor = text(settlement, "ram:CreditorReferenceID")
    for element in find_all(settlement, "ram:SpecifiedTradeSettlementPaymentMeans"):
        code = text(element, "ram:TypeCode")
        if code not in _CODES:
            extra.setdefault("payment_means_code", code)
            continue
        account = find(element, "ram:PayeePartyCreditorFinancialAccount")
        return PaymentMeans(
            code=_CODES[code],
            iban=text(account, "ram:IBANID") or text(account, "ram:ProprietaryID"),
            bic=text(element, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
            account_name=text(account, "ram:AccountName"),
            card_last_digits=text(element, "ram:ApplicableTradeSettlementFinancialCard/ram:ID"),
            card_holder=text(
                element, "ram:ApplicableTradeSettlementFinancialCard/ram:CardholderName"
            ),
            mandate_reference=text(
                settlement, "ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"
            ),
            creditor_id=creditor,
            debtor_iban=text(element, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"),
        )
    if creditor:
        extra["creditor_id"] = creditor
    return None
