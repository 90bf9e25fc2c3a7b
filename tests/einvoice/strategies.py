"""Hypothesis strategies: invoices and credit notes that are valid EN 16931 by construction.

:func:`invoice_documents` draws an :class:`~ordermgmt.domain.document.InvoiceDocument` the way
a seller would issue it: first a VAT situation (a domestic sale, a domestic reverse charge, an
intra-community supply, an export, a sale outside the scope of VAT), which decides the
countries, which party needs which VAT identifier and which categories the lines may have;
then the lines, allowances and charges; then the breakdown and totals, computed by the code
under test (:func:`~ordermgmt.domain.document.line_net`, :func:`tax_breakdown`,
:func:`compute_totals`). The official schematron is the independent judge of the result.

The rules of EN 16931 the construction follows, by category:

- S: a rate above 0 (the seller country's rates), the seller's VAT id (BR-S-02);
- Z, E: rate 0, the seller's VAT id; E with an exemption reason (BR-E-10);
- AE: both VAT ids (BR-AE-02), the reason (BR-AE-10);
- K: both VAT ids (BR-IC-02), a deliver-to country (BR-IC-12), the delivery date or the
  invoicing period (BR-IC-11);
- G: the seller's VAT id (BR-G-02), the buyer outside the EU;
- O: alone on the document (BR-O-11..14), no VAT id on either side (BR-O-02); the seller is
  identified by its legal registration id instead (BR-CO-26).

Every document has a due date or payment terms (BR-CO-25); a credit note names the invoice
it credits (BT-25, BT-26). Amounts have at most two decimals (BR-DEC): a KWD document keeps
whole cents (fils in tens) and is an export or outside the scope of VAT (Kuwait has no VAT),
so that its tax is 0. In JPY and KWD a line's quantity times price is exact in the amount's
unit (Peppol's PEPPOL-EN16931-R120), and an allowance or charge given as a percentage is
exactly that percentage of its base amount (-R040).

:func:`de_xrechnung_documents` adds what XRechnung 3.0 wants (buyer reference, seller contact,
both electronic addresses, payment instructions, a German seller); :func:`peppol_documents`
what Peppol BIS 3 wants (both electronic addresses, a buyer or order reference).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

from ordermgmt.domain.document import (
    AllowanceCharge,
    Delivery,
    DocumentType,
    InvoiceDocument,
    InvoiceLine,
    compute_totals,
    line_net,
    tax_breakdown,
)
from ordermgmt.domain.vat import VatCategory
from tests.einvoice.identifiers import gtin
from tests.einvoice.strategy_parts import (
    ALLOWANCE_REASONS,
    BOOL,
    CHARGE_REASONS,
    DIGITS,
    EU_COUNTRIES,
    EXEMPTION_REASONS,
    ITEMS,
    MAYBE_TEXT,
    NON_EU_COUNTRIES,
    SELLER_COUNTRIES,
    STANDARD_RATES,
    Profile,
    ints,
    leitweg,
    parties,
    payment_means,
    pick,
    postal_addresses,
)

C = VatCategory
CURRENCIES = ("EUR", "JPY", "KWD")
#: The unit every generated amount is a whole number of: cents, yen, and for KWD cents too
#: (EN 16931 allows two decimals at most, BR-DEC).
MONEY_QUANTUM = {"EUR": Decimal("0.01"), "JPY": Decimal(1), "KWD": Decimal("0.01")}
#: Currencies whose lines are exact in MONEY_QUANTUM (quantity x price, no rounding).
EXACT_CURRENCIES = frozenset({"JPY", "KWD"})
#: Units of measure (UN/ECE Rec. 20) and whether a quantity in them may have decimals.
UNITS = {"H87": 0, "C62": 0, "KGM": 3, "MTR": 3, "LTR": 3, "HUR": 2}
BASE_QUANTITIES = (Decimal(1), Decimal(10), Decimal(100))
PERCENTAGES = tuple(Decimal(p) for p in (2, 3, 5, 10, 15, 20))
ZERO = Decimal(0)
ISSUE_DATES = st.dates(date(2024, 1, 1), date(2027, 12, 31))
DAYS = st.integers(0, 60).map(lambda n: timedelta(days=n))


@dataclass(frozen=True, slots=True)
class Situation:
    """Who sells to whom under which VAT rules: the categories a document may use."""

    name: str
    main: VatCategory
    others: tuple[VatCategory, ...]
    seller_vat: bool
    #: True: the buyer has a VAT id; False: it has none; None: either.
    buyer_vat: bool | None


DOMESTIC = Situation("domestic", C.STANDARD, (C.STANDARD, C.ZERO_RATED, C.EXEMPT), True, None)
REVERSE = Situation("reverse charge", C.REVERSE_CHARGE, (C.STANDARD, C.EXEMPT), True, True)
INTRA = Situation("intra-community", C.INTRA_COMMUNITY, (C.STANDARD, C.EXEMPT), True, True)
EXPORT = Situation("export", C.EXPORT, (C.STANDARD, C.ZERO_RATED, C.EXEMPT), True, None)
OUTSIDE = Situation("outside the scope", C.OUTSIDE_SCOPE, (), False, False)
SITUATIONS = (DOMESTIC, REVERSE, INTRA, EXPORT, OUTSIDE)


def money(value: Decimal, currency: str) -> Decimal:
    """``value`` rounded half-up to the generator's amount unit of ``currency``."""
    return value.quantize(MONEY_QUANTUM[currency], rounding=ROUND_HALF_UP)


# -- lines ---------------------------------------------------------------------------------------


@st.composite
def quantities(draw: st.DrawFn, unit: str, currency: str) -> Decimal:
    """An invoiced quantity in ``unit``: whole for pieces and in exact currencies, else with
    up to three decimals (kilograms, metres, litres) or in quarter hours."""
    places = 0 if currency in EXACT_CURRENCIES else UNITS[unit]
    if unit == "HUR" and places:
        return Decimal(draw(ints(1, 40_000))) / 4
    scale = 10**places
    return Decimal(draw(ints(scale // 2 if places else 1, 10_000 * scale))) / scale


@st.composite
def net_prices(draw: st.DrawFn, base: Decimal, currency: str) -> Decimal:
    """A net price (BT-146) of ``base`` units, at most 10^6: in EUR to the cent or finer
    (four places, for one unit), in JPY and KWD a whole number of yen or cents per unit."""
    if currency in EXACT_CURRENCIES:
        quantum = MONEY_QUANTUM[currency]
        per_unit = draw(ints(1, int(Decimal(10**6) / base / quantum)))
        return per_unit * quantum * base
    if base > 1 or draw(BOOL):
        return Decimal(draw(ints(1, 10**8))) / 100
    return Decimal(draw(ints(100, 10**6))) / 10_000


@st.composite
def adjustments(
    draw: st.DrawFn,
    charge: bool,
    basis: Decimal,
    currency: str,
    pair: tuple[VatCategory, Decimal],
) -> AllowanceCharge | None:
    """An allowance (or charge) of at most a quarter of ``basis`` (so a taxable amount stays
    positive), with a reason code, a reason or both, sometimes as a percentage of ``basis``."""
    quantum = MONEY_QUANTUM[currency]
    most = (basis / 4 / quantum).to_integral_value(rounding=ROUND_FLOOR)
    if most < 1:
        return None
    code, reason = draw(pick(*CHARGE_REASONS if charge else ALLOWANCE_REASONS))
    form = draw(pick("both", "code", "reason"))
    code, reason = (
        (code, "")
        if form == "code"
        else ("", reason)
        if form == "reason"
        else (
            code,
            reason,
        )
    )
    amount, base_amount, percent = draw(ints(1, int(most))) * quantum, None, None
    # As a percentage: of a round base (whole units; hundreds of yen), the amount exact.
    step = Decimal(100) if currency == "JPY" else Decimal(1)
    base = (basis / step).to_integral_value(rounding=ROUND_FLOOR) * step
    if base > 0 and draw(BOOL):
        percent = draw(pick(*PERCENTAGES))
        amount, base_amount = base * percent / 100, base
    category, rate = pair
    return AllowanceCharge(charge, amount, reason, code, category, rate, base_amount, percent)


@st.composite
def document_lines(
    draw: st.DrawFn, number: int, pair: tuple[VatCategory, Decimal], currency: str
) -> InvoiceLine:
    """Invoice line ``number`` taxed at ``pair``, its net computed by ``line_net``."""
    unit = draw(pick(*sorted(UNITS)))
    base = draw(pick(*BASE_QUANTITIES))
    quantity = draw(quantities(unit, currency))
    price = draw(net_prices(base, currency))
    if quantity * price / base < 1 and currency not in EXACT_CURRENCIES:
        quantity = Decimal(int((base / price).to_integral_value(rounding=ROUND_CEILING)))
    gross = quantity * price / base
    allowance = draw(adjustments(False, gross, currency, pair)) if draw(BOOL) else None
    charge = draw(adjustments(True, gross, currency, pair)) if draw(BOOL) else None
    allowances = () if allowance is None else (allowance,)
    charges = () if charge is None else (charge,)
    sku, name = draw(pick(*ITEMS))
    category, rate = pair
    return InvoiceLine(
        id=str(number),
        name=name,
        sku=sku,
        quantity=quantity,
        unit_code=unit,
        net_price=price,
        base_quantity=base,
        net=line_net(quantity, price, base, allowances, charges, currency),
        category=category,
        rate=rate,
        allowances=allowances,
        charges=charges,
        description=draw(MAYBE_TEXT),
        note=draw(MAYBE_TEXT),
        buyer_item_id=draw(pick("", f"B-{number:04d}")),
        gtin=gtin(draw(DIGITS)) if draw(BOOL) else "",
    )


@st.composite
def tax_pairs(
    draw: st.DrawFn, situation: Situation, seller_country: str, currency: str
) -> list[tuple[VatCategory, Decimal]]:
    """The (category, rate) pairs a document uses: the situation's own category first."""

    def pairs_of(category: VatCategory) -> list[tuple[VatCategory, Decimal]]:
        if category is C.STANDARD:
            return [(category, Decimal(r)) for r in STANDARD_RATES[seller_country]]
        return [(category, ZERO)]

    allowed = [p for c in situation.others for p in pairs_of(c)]
    if currency == "KWD":  # no VAT in Kuwait: zero-rated, exempt, export only
        allowed = [p for p in allowed if p[0] is not C.STANDARD]
    first = draw(pick(*pairs_of(situation.main)))
    more = draw(st.lists(pick(*allowed), max_size=3, unique=True)) if allowed else []
    return [first, *(p for p in more if p != first)]


# -- the document --------------------------------------------------------------------------------


@st.composite
def _lines_and_adjustments(
    draw: st.DrawFn, pairs: list[tuple[VatCategory, Decimal]], currency: str
) -> tuple[tuple[InvoiceLine, ...], tuple[AllowanceCharge, ...]]:
    extra = draw(st.lists(pick(*pairs), max_size=6 - len(pairs)))
    lines = tuple(
        draw(document_lines(i, pair, currency)) for i, pair in enumerate([*pairs, *extra], 1)
    )
    taxable = {p: sum((ln.net for ln in lines if (ln.category, ln.rate) == p), ZERO) for p in pairs}
    items: list[AllowanceCharge] = []
    for charge in draw(st.lists(BOOL, max_size=3)):
        pair = draw(pick(*pairs))
        item = draw(adjustments(charge, taxable[pair], currency, pair))
        if item is not None:
            items.append(item)
            taxable[pair] += item.amount if charge else -item.amount
    return lines, tuple(items)


@st.composite
def _reasons(
    draw: st.DrawFn, pairs: list[tuple[VatCategory, Decimal]]
) -> dict[VatCategory, tuple[str, str]]:
    """An exemption reason (code, text) per exempt category; left out, the default applies."""
    chosen: dict[VatCategory, tuple[str, str]] = {}
    for category in {c for c, _ in pairs if c in EXEMPTION_REASONS}:
        reason = draw(pick(*EXEMPTION_REASONS[category])) if draw(BOOL) else None
        if reason is not None:
            chosen[category] = reason
    return chosen


@st.composite
def _countries(draw: st.DrawFn, situation: Situation, profile: Profile) -> tuple[str, str]:
    """(seller country, buyer country) of a situation."""
    seller = "DE" if profile.xrechnung else draw(pick(*SELLER_COUNTRIES))
    if situation is DOMESTIC or situation is REVERSE:
        return seller, seller
    if situation is INTRA:
        return seller, draw(pick(*[c for c in EU_COUNTRIES if c != seller]))
    if situation is EXPORT:
        return seller, draw(pick(*NON_EU_COUNTRIES))
    return seller, draw(pick(*EU_COUNTRIES, *NON_EU_COUNTRIES))


@st.composite
def _dates(draw: st.DrawFn, situation: Situation, buyer_country: str) -> dict[str, object]:
    """Issue and due date, delivery and invoicing period; an intra-community supply has a
    deliver-to address in the buyer's country and a delivery date or period."""
    issue = draw(ISSUE_DATES)
    days = DAYS
    fields: dict[str, object] = {"issue_date": issue}
    has_period = draw(BOOL)
    if has_period:
        start = issue - draw(days)
        fields["period_start"] = start
        fields["period_end"] = start + draw(days) if draw(BOOL) else None
    needs_delivery = situation is INTRA
    if needs_delivery or draw(BOOL):
        when = issue - draw(days)
        dated = (needs_delivery and not has_period) or draw(BOOL)
        address = draw(postal_addresses(buyer_country)) if needs_delivery else None
        if address is None and draw(BOOL):
            address = draw(postal_addresses(buyer_country))
        dated = dated or address is None
        fields["delivery"] = Delivery(
            name=draw(MAYBE_TEXT), address=address, date=when if dated else None
        )
    fields["due_date"] = issue + draw(days) if draw(BOOL) else None
    terms = draw(pick("", "Zahlbar innerhalb 30 Tagen netto", "Net 30 days"))
    if fields["due_date"] is None and not terms:
        terms = "Payable on receipt"
    fields["payment_terms"] = terms
    return fields


@st.composite
def _references(
    draw: st.DrawFn, kind: DocumentType, issue: date, profile: Profile
) -> dict[str, object]:
    """Number, buyer / order references, notes and, for a credit note, the credited invoice."""
    serial = draw(ints(1, 99_999))
    prefix = "GS" if kind is DocumentType.CREDIT_NOTE else "RE"
    fields: dict[str, object] = {"number": f"{prefix}-{issue.year}-{serial:05d}"}
    fields["buyer_reference"] = (
        draw(leitweg()) if profile.xrechnung else draw(pick("", "4711", "Dept. 7"))
    )
    fields["purchase_order_reference"] = draw(pick("", "PO-2291", "Bestellung 17/A"))
    if profile.peppol and not fields["buyer_reference"]:
        # a buyer or order reference (PEPPOL-EN16931-R003); a German seller needs the
        # buyer reference itself (DE-R-015)
        fields["buyer_reference"] = f"AP-{serial}"
    fields["sales_order_reference"] = draw(pick("", f"SO-{serial:06d}"))
    fields["note"] = draw(MAYBE_TEXT)
    if kind is DocumentType.CREDIT_NOTE:
        fields["preceding_invoice"] = f"RE-{issue.year}-{draw(ints(1, 99_999)):05d}"
        fields["preceding_invoice_date"] = issue - timedelta(days=draw(ints(0, 365)))
    return fields


@st.composite
def _prepaid_and_rounding(
    draw: st.DrawFn, tax_inclusive: Decimal, currency: str
) -> tuple[Decimal, Decimal]:
    """A prepaid part (at most half) and, in EUR, a cash rounding to 0.05."""
    prepaid = ZERO
    if draw(BOOL):
        prepaid = money(tax_inclusive * Decimal(draw(pick("0.1", "0.25", "0.5"))), currency)
    rounding = ZERO
    if currency == "EUR" and draw(BOOL):
        payable = tax_inclusive - prepaid
        rounding = (payable / Decimal("0.05")).quantize(1, ROUND_HALF_UP) * Decimal("0.05")
        rounding -= payable
    return prepaid, rounding


@st.composite
def _documents(
    draw: st.DrawFn, types: tuple[DocumentType, ...], currencies: tuple[str, ...], profile: Profile
) -> InvoiceDocument:
    kind = draw(pick(*types))
    currency = draw(pick(*currencies))
    situations = (EXPORT, OUTSIDE) if currency == "KWD" else SITUATIONS
    situation = draw(pick(*situations))
    seller_country, buyer_country = draw(_countries(situation, profile))
    pairs = draw(tax_pairs(situation, seller_country, currency))
    lines, items = draw(_lines_and_adjustments(pairs, currency))
    breakdown = tax_breakdown(lines, items, currency, draw(_reasons(pairs)))
    tax_inclusive = compute_totals(lines, items, breakdown).tax_inclusive
    prepaid, rounding = draw(_prepaid_and_rounding(tax_inclusive, currency))
    seller, buyer = draw(
        parties(seller_country, buyer_country, situation.seller_vat, situation.buyer_vat, profile)
    )
    dates = draw(_dates(situation, buyer_country))
    references = draw(_references(kind, dates["issue_date"], profile))  # type: ignore[arg-type]
    # A UBL credit note has its due date in the payment means only.
    needs_means = profile.xrechnung or (kind is DocumentType.CREDIT_NOTE and dates["due_date"])
    means = draw(payment_means(seller_country, required=bool(needs_means)))
    remittance = draw(pick("", references["number"])) if means else ""
    return InvoiceDocument(
        type=kind,
        currency=currency,
        seller=seller,
        buyer=buyer,
        lines=lines,
        tax_breakdown=breakdown,
        totals=compute_totals(lines, items, breakdown, prepaid, rounding),
        allowances_charges=items,
        payment_means=means,
        payment_reference=str(remittance),
        **dates,  # type: ignore[arg-type]
        **references,  # type: ignore[arg-type]
    )


def invoice_documents(
    types: tuple[DocumentType, ...] = (DocumentType.INVOICE, DocumentType.CREDIT_NOTE),
    currencies: tuple[str, ...] = CURRENCIES,
) -> st.SearchStrategy[InvoiceDocument]:
    """Invoices (380) and credit notes (381) valid under EN 16931 (see the module docstring)."""
    return _documents(types, currencies, Profile())


def credit_notes(currencies: tuple[str, ...] = CURRENCIES) -> st.SearchStrategy[InvoiceDocument]:
    """Credit notes (381) naming the invoice they credit, valid under EN 16931."""
    return _documents((DocumentType.CREDIT_NOTE,), currencies, Profile())


def de_xrechnung_documents(
    types: tuple[DocumentType, ...] = (DocumentType.INVOICE, DocumentType.CREDIT_NOTE),
    currencies: tuple[str, ...] = CURRENCIES,
) -> st.SearchStrategy[InvoiceDocument]:
    """Documents of a German seller that also meet XRechnung 3.0: a buyer reference (a
    Leitweg-ID, BR-DE-15), the seller contact with name, telephone and e-mail (BR-DE-2, -5..7),
    both electronic addresses, payment instructions with what their code needs (BR-DE-1,
    -23..25, -30, -31)."""
    return _documents(types, currencies, Profile(xrechnung=True))


def peppol_documents(
    types: tuple[DocumentType, ...] = (DocumentType.INVOICE, DocumentType.CREDIT_NOTE),
    currencies: tuple[str, ...] = CURRENCIES,
) -> st.SearchStrategy[InvoiceDocument]:
    """Documents that also meet Peppol BIS Billing 3.0: both electronic addresses
    (PEPPOL-EN16931-R010, -R020) and a buyer or purchase order reference (-R003)."""
    return _documents(types, currencies, Profile(peppol=True))
