"""The legal content of an invoice or credit note: the EN 16931 semantic model.

An :class:`InvoiceDocument` is everything an issued invoice or credit note says, in the terms
of EN 16931 (the business terms ``BT-n`` in the comments): the seller and buyer as they were
when it was issued, the lines, the allowances and charges, the VAT breakdown per (category,
rate) and the totals. Renderers turn it into CII, UBL or a PDF; readers turn those back into
one. It is built by :func:`ordermgmt.domain.documents.document_of` from an issued document, and
its figures are computed by :func:`compute_totals` exactly as EN 16931 computes them:

- a line's net (BT-131) = quantity x net price / base quantity - line allowances + line
  charges, rounded to the currency's minor unit;
- per (category, rate): taxable amount (BT-116) = the sum of its lines' nets - its
  document-level allowances + its document-level charges; tax (BT-117) = taxable x rate,
  rounded once;
- tax-exclusive total (BT-109) = sum of line nets (BT-106) - allowances (BT-107) + charges
  (BT-108); tax total (BT-110) the sum of BT-117; tax-inclusive (BT-112) = BT-109 + BT-110;
  amount due (BT-115) = BT-112 - prepaid (BT-113) + rounding (BT-114).

Amounts are plain ``Decimal`` in the document's ``currency``; every amount is already rounded
to that currency's minor unit except net prices (BT-146), which may be finer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from datetime import date as _date
from decimal import Decimal
from enum import StrEnum

from ordermgmt.domain.money import round_amount
from ordermgmt.domain.vat import DEFAULT_REASONS, VatCategory


class DocumentType(StrEnum):
    """The document type code (BT-3, UNTDID 1001)."""

    INVOICE = "380"
    CREDIT_NOTE = "381"


class PaymentMeansCode(StrEnum):
    """How the buyer is to pay (BT-81, UNTDID 4461; the codes this library fills in)."""

    CASH = "10"
    CREDIT_TRANSFER = "30"
    CARD = "48"
    DIRECT_DEBIT = "49"
    SEPA_CREDIT_TRANSFER = "58"
    SEPA_DIRECT_DEBIT = "59"


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A postal address (BG-5, BG-8, BG-15); ``country`` is ISO 3166-1 alpha-2."""

    lines: tuple[str, ...]
    city: str
    postal_code: str
    country: str
    subdivision: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact point (BG-6, BG-9)."""

    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class ElectronicAddress:
    """Where a party receives e-invoices (BT-34, BT-49): a value and its scheme (EAS code:
    ``EM`` e-mail, ``0088`` GLN, ``0204`` Leitweg-ID, ``9930`` German VAT id, ...)."""

    value: str
    scheme: str = "EM"


@dataclass(frozen=True, slots=True)
class Party:
    """The seller (BG-4) or the buyer (BG-7)."""

    #: Legal name (BT-27, BT-44).
    name: str
    address: PostalAddress
    #: Trading name (BT-28, BT-45).
    trading_name: str = ""
    #: VAT identifier (BT-31, BT-48), with its country prefix.
    vat_id: str = ""
    #: Tax registration number (BT-32; seller only), the local tax number.
    tax_number: str = ""
    #: Legal registration identifier (BT-30, BT-47), e.g. a commercial register number.
    registration_id: str = ""
    #: Additional legal information (BT-33; seller only), e.g. the managing directors.
    legal_info: str = ""
    electronic_address: ElectronicAddress | None = None
    contact: Contact | None = None


@dataclass(frozen=True, slots=True)
class PaymentMeans:
    """How to pay (BG-16): a transfer to an account (BG-17), a card (BG-18) or a direct debit
    (BG-19)."""

    code: PaymentMeansCode
    #: Payee account (BT-84) and its service provider (BT-86).
    iban: str = ""
    bic: str = ""
    account_name: str = ""
    #: The last digits of the card (BT-87, at most 6) and its holder (BT-88).
    card_last_digits: str = ""
    card_holder: str = ""
    #: Direct debit: mandate reference (BT-89), creditor identifier (BT-90), debited account
    #: (BT-91).
    mandate_reference: str = ""
    creditor_id: str = ""
    debtor_iban: str = ""


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    """A document-level (BG-20, BG-21) or line-level (BG-27, BG-28) allowance or charge."""

    charge: bool
    amount: Decimal
    reason: str
    #: UNTDID 5189 (allowances, e.g. ``95`` discount) or 7161 (charges, e.g. ``FC`` freight).
    reason_code: str = ""
    #: The category and rate it is taxed at (document level only).
    category: VatCategory = VatCategory.STANDARD
    rate: Decimal = Decimal(0)
    #: A percentage of a base amount, where it was given as one: ``percent`` is the number of
    #: percent (``10`` for 10 %, as BT-94 writes it, unlike ``rate``, a fraction), and
    #: ``amount`` is then ``base_amount x percent / 100`` (PEPPOL-EN16931-R040).
    base_amount: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """An invoice line (BG-25)."""

    #: Line identifier (BT-126).
    id: str
    #: Item name (BT-153) and the seller's item identifier (BT-155).
    name: str
    sku: str
    quantity: Decimal
    #: Unit of measure (BT-130), UN/ECE Recommendation 20 (``H87`` piece, ``KGM``, ``MTR``,
    #: ``HUR``, ``C62`` one).
    unit_code: str
    #: Net price (BT-146) of ``base_quantity`` (BT-149) units.
    net_price: Decimal
    base_quantity: Decimal
    #: Line net (BT-131).
    net: Decimal
    category: VatCategory
    rate: Decimal
    allowances: tuple[AllowanceCharge, ...] = ()
    charges: tuple[AllowanceCharge, ...] = ()
    #: Item description (BT-154) and a note on the line (BT-127).
    description: str = ""
    note: str = ""
    #: The buyer's item identifier (BT-156) and the item's GTIN (BT-157, scheme 0160).
    buyer_item_id: str = ""
    gtin: str = ""


@dataclass(frozen=True, slots=True)
class TaxBreakdown:
    """One VAT breakdown (BG-23): per category and rate."""

    category: VatCategory
    rate: Decimal
    taxable: Decimal
    tax: Decimal
    #: Exemption reason text (BT-120) and code (BT-121, VATEX).
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    """The document totals (BG-22)."""

    line_net: Decimal
    allowances: Decimal
    charges: Decimal
    tax_exclusive: Decimal
    tax: Decimal
    tax_inclusive: Decimal
    prepaid: Decimal
    rounding: Decimal
    payable: Decimal


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where and when the goods went (BG-13): the deliver-to party and the actual delivery
    date (BT-72)."""

    name: str = ""
    address: PostalAddress | None = None
    date: _date | None = None


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    """Everything an issued invoice or credit note says (EN 16931, see the module docstring)."""

    type: DocumentType
    #: Invoice number (BT-1), issue date (BT-2), currency (BT-5).
    number: str
    issue_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[InvoiceLine, ...]
    tax_breakdown: tuple[TaxBreakdown, ...]
    totals: DocumentTotals
    allowances_charges: tuple[AllowanceCharge, ...] = ()
    #: Payment due date (BT-9) and terms (BT-20).
    due_date: date | None = None
    payment_terms: str = ""
    payment_means: PaymentMeans | None = None
    #: Remittance information (BT-83): what the buyer should quote when paying.
    payment_reference: str = ""
    #: Buyer reference (BT-10): the Leitweg-ID of a German public buyer, or the buyer's routing.
    buyer_reference: str = ""
    #: The buyer's purchase order reference (BT-13) and the seller's order reference (BT-14).
    purchase_order_reference: str = ""
    sales_order_reference: str = ""
    #: Free text on the document (BT-22).
    note: str = ""
    delivery: Delivery | None = None
    #: Invoicing (delivery) period (BT-73, BT-74), for services.
    period_start: date | None = None
    period_end: date | None = None
    #: A credit note's preceding invoice: number (BT-25) and issue date (BT-26).
    preceding_invoice: str = ""
    preceding_invoice_date: date | None = None
    #: Free-form notes by subject, kept for readers of documents from elsewhere.
    extra: dict[str, str] = field(default_factory=dict)


# -- the calculation -----------------------------------------------------------------------------


def line_net(
    quantity: Decimal,
    net_price: Decimal,
    base_quantity: Decimal,
    allowances: Iterable[AllowanceCharge],
    charges: Iterable[AllowanceCharge],
    currency: str,
) -> Decimal:
    """BT-131: quantity x price / base quantity - allowances + charges, rounded once."""
    gross = quantity * net_price / base_quantity
    gross -= sum((a.amount for a in allowances), Decimal(0))
    gross += sum((c.amount for c in charges), Decimal(0))
    return round_amount(gross, currency)


def tax_breakdown(
    lines: Iterable[InvoiceLine],
    allowances_charges: Iterable[AllowanceCharge],
    currency: str,
    reasons: dict[VatCategory, tuple[str, str]] | None = None,
    fixed_tax: dict[tuple[VatCategory, Decimal], Decimal] | None = None,
) -> tuple[TaxBreakdown, ...]:
    """BG-23 per (category, rate), in the order of first appearance: taxable amount and tax
    (rounded once, on the taxable amount; or ``fixed_tax`` where it names the pair, see
    :mod:`ordermgmt.domain.crediting`). ``reasons`` gives the exemption (code, text) per
    category; :data:`ordermgmt.domain.vat.DEFAULT_REASONS` fills the rest."""
    taxable: dict[tuple[VatCategory, Decimal], Decimal] = {}
    for line in lines:
        key = (line.category, line.rate)
        taxable[key] = taxable.get(key, Decimal(0)) + line.net
    for item in allowances_charges:
        key = (item.category, item.rate)
        signed = item.amount if item.charge else -item.amount
        taxable[key] = taxable.get(key, Decimal(0)) + signed
    given = reasons or {}
    fixed = fixed_tax or {}
    result = []
    for (category, rate), amount in taxable.items():
        code, text = given.get(category, DEFAULT_REASONS.get(category, ("", "")))
        tax = fixed.get((category, rate), round_amount(amount * rate, currency))
        result.append(
            TaxBreakdown(
                category=category,
                rate=rate,
                taxable=amount,
                tax=tax,
                exemption_reason=text if category.needs_reason else "",
                exemption_code=code if category.needs_reason else "",
            )
        )
    return tuple(result)


def compute_totals(
    lines: Iterable[InvoiceLine],
    allowances_charges: Iterable[AllowanceCharge],
    breakdown: Iterable[TaxBreakdown],
    prepaid: Decimal = Decimal(0),
    rounding: Decimal = Decimal(0),
) -> DocumentTotals:
    """BG-22 from the lines, the document-level allowances and charges and the breakdown."""
    items = tuple(allowances_charges)
    line_total = sum((line.net for line in lines), Decimal(0))
    allowances = sum((i.amount for i in items if not i.charge), Decimal(0))
    charges = sum((i.amount for i in items if i.charge), Decimal(0))
    tax_exclusive = line_total - allowances + charges
    tax = sum((b.tax for b in breakdown), Decimal(0))
    return DocumentTotals(
        line_net=line_total,
        allowances=allowances,
        charges=charges,
        tax_exclusive=tax_exclusive,
        tax=tax,
        tax_inclusive=tax_exclusive + tax,
        prepaid=prepaid,
        rounding=rounding,
        payable=tax_exclusive + tax - prepaid + rounding,
    )


# -- what an OMS and an issued document know beyond their amounts -------------------------------


class DocumentFormat(StrEnum):
    """The formats an invoice or credit note can be had in (see
    :mod:`ordermgmt.ports.documents`). A customer's preferred one is part of the customer."""

    #: A human-readable PDF: letterhead, addresses, lines, VAT breakdown, totals, payment.
    PDF = "pdf"
    #: Factur-X / ZUGFeRD (EN 16931 profile): that PDF as PDF/A-3 with the CII XML embedded.
    FACTURX = "facturx"
    #: UN/CEFACT CII, EN 16931 (``urn:cen.eu:en16931:2017``).
    CII = "cii"
    #: XRechnung 3.0 in CII syntax (German public and B2B receivers).
    XRECHNUNG_CII = "xrechnung-cii"
    #: XRechnung 3.0 in UBL syntax.
    XRECHNUNG_UBL = "xrechnung-ubl"
    #: OASIS UBL 2.1, EN 16931 (``urn:cen.eu:en16931:2017``).
    UBL = "ubl"
    #: Peppol BIS Billing 3.0 (UBL 2.1).
    PEPPOL = "peppol"


#: (category, VATEX code, text): an exemption reason replacing the default for a category.
ExemptionReason = tuple[VatCategory, str, str]


@dataclass(frozen=True, slots=True)
class Seller:
    """The company that sells, as its invoices name it. Configured once per OMS
    (``OrderManagement.in_memory(seller=...)``); each issued document keeps a copy as it was."""

    party: Party
    payment_means: PaymentMeans | None = None
    #: The SEPA creditor identifier (BT-90) the seller collects direct debits under.
    creditor_id: str = ""
    #: Exemption reasons per category replacing :data:`ordermgmt.domain.vat.DEFAULT_REASONS`
    #: (an exempt seller names its law, say ``"Steuerfrei nach § 4 Nr. 14 UStG"``).
    exemption_reasons: tuple[ExemptionReason, ...] = ()

    @property
    def country(self) -> str:
        return self.party.address.country


@dataclass(frozen=True, slots=True)
class DocumentDetails:
    """What an issued invoice or credit note says besides its lines and amounts, fixed when
    it was issued: the parties as they were then, payment, references, delivery and notes."""

    seller: Party | None = None
    buyer: Party | None = None
    payment_means: PaymentMeans | None = None
    payment_terms: str = ""
    payment_reference: str = ""
    buyer_reference: str = ""
    purchase_order_reference: str = ""
    note: str = ""
    delivery: Delivery | None = None
    period_start: date | None = None
    period_end: date | None = None
    exemption_reasons: tuple[ExemptionReason, ...] = ()
    #: What was paid before the document was issued (BT-113): a prepayment set against it,
    #: or all of a cash sale.
    prepaid: Decimal = Decimal(0)
