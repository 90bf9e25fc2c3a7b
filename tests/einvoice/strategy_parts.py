"""The parts of generated e-invoices that are not amounts: parties, addresses, payment means,
texts, reason codes (used by :mod:`tests.einvoice.strategies`).

Texts deliberately contain what XML and PDF writers must escape or encode (``&``, ``<``,
quotes, umlauts, Greek and Polish letters, the euro sign), never control characters, and are
already whitespace-normalised (a reader gives back exactly what was written).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import strategies as st

from ordermgmt.domain.document import (
    Contact,
    ElectronicAddress,
    Party,
    PaymentMeans,
    PaymentMeansCode,
    PostalAddress,
)
from ordermgmt.domain.vat import VatCategory
from tests.einvoice.identifiers import (
    IBAN_FORMATS,
    VAT_FORMATS,
    creditor_id,
    gln,
    iban,
    leitweg_id,
    vat_id,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Profile:
    """What a format needs on top of EN 16931: XRechnung 3.0 or Peppol BIS 3."""

    xrechnung: bool = False
    peppol: bool = False

    @property
    def endpoints(self) -> bool:
        """Both parties need an electronic address (BT-34, BT-49)."""
        return self.xrechnung or self.peppol


#: Standard VAT rates (fractions) of the countries sellers are in.
STANDARD_RATES: dict[str, tuple[str, ...]] = {
    "DE": ("0.19", "0.07"),
    "FR": ("0.2", "0.055", "0.1"),
    "AT": ("0.2", "0.1", "0.13"),
    "BE": ("0.21", "0.06", "0.12"),
    "ES": ("0.21", "0.1", "0.04"),
    "LU": ("0.17", "0.08", "0.14"),
    "IE": ("0.23", "0.135", "0.09"),
    "PT": ("0.23", "0.13", "0.06"),
}
#: Seller countries: none with Peppol national rules of its own (NL, IT, SE, DK, NO, GR, ...).
SELLER_COUNTRIES = tuple(STANDARD_RATES)
EU_COUNTRIES = (*SELLER_COUNTRIES, "NL", "IT", "PL", "GR", "CZ")
NON_EU_COUNTRIES = ("CH", "NO", "GB", "US", "JP", "KW")

CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "DE": (("Berlin", "10115"), ("München", "80331"), ("Köln", "50667")),
    "FR": (("Paris", "75002"), ("Lyon", "69001")),
    "AT": (("Wien", "1010"), ("Graz", "8010")),
    "BE": (("Bruxelles", "1000"), ("Antwerpen", "2000")),
    "ES": (("Madrid", "28001"), ("A Coruña", "15001")),
    "LU": (("Luxembourg", "L-1111"),),
    "IE": (("Dublin", "D02 X285"),),
    "PT": (("Lisboa", "1100-148"),),
    "NL": (("Amsterdam", "1012 AB"),),
    "IT": (("Milano", "20121"),),
    "PL": (("Łódź", "90-001"),),
    "GR": (("Αθήνα", "105 57"),),
    "CZ": (("Praha", "110 00"),),
    "CH": (("Zürich", "8001"),),
    "NO": (("Oslo", "0150"),),
    "GB": (("London", "EC1A 1BB"),),
    "US": (("New York", "10001"),),
    "JP": (("Tokyo", "100-0001"),),
    "KW": (("Kuwait City", "13001"),),
}
STREETS = ("Hauptstraße 1", "Rue de l'Église 12", "Calle Mayor 3, 2º", "Unit 4 <B>", "Weg 7 & 9")
SELLER_NAMES = (
    "Müller & Söhne GmbH",
    "Café <Crème> SARL",
    'O\'Brien "Supplies" Ltd',
    "Łódź Trading sp. z o.o.",
    "Nordlicht AG",
    "Ελληνικά Προϊόντα Α.Ε.",
)
BUYER_NAMES = ("Stadt Musterhausen", "Acme Corp.", "Pöschl & Partner KG", "Ümit <Bau> GmbH")
ITEMS = (
    ("SKU-1", "Schrauben M6 × 40"),
    ("SKU-2", "Kabel 3×1,5 mm² <NYM-J>"),
    ("SKU-3", "Beratung & Planung"),
    ("SKU-4", 'Heizöl "extra leicht"'),
    ("SKU-5", "Café crème 1 kg"),
)
#: UNTDID 5189 allowance reasons and UNTDID 7161 charge reasons (code, text).
ALLOWANCE_REASONS = (
    ("95", "Discount"),
    ("100", "Special rebate"),
    ("102", "Fixed long term"),
    ("41", "Bonus for works ahead of schedule"),
    ("64", "Special agreement"),
)
CHARGE_REASONS = (
    ("FC", "Freight service"),
    ("ABL", "Additional packaging"),
    ("ADR", "Other services"),
    ("SAA", "Shipping and handling"),
    ("PC", "Packing"),
)
#: Exemption reasons (VATEX code, text) a seller may give instead of the default ones.
EXEMPTION_REASONS: dict[VatCategory, tuple[tuple[str, str], ...]] = {
    VatCategory.EXEMPT: (
        ("VATEX-EU-132-1I", "Exempt: education (Art. 132(1)(i) Directive 2006/112/EC)"),
        ("VATEX-EU-132-1C", "Exempt: medical care"),
        ("", "Steuerfrei nach § 4 Nr. 14 UStG"),
    ),
    VatCategory.REVERSE_CHARGE: (("VATEX-EU-AE", "Steuerschuldnerschaft des Leistungsempfängers"),),
    VatCategory.INTRA_COMMUNITY: (("VATEX-EU-IC", "Innergemeinschaftliche Lieferung, steuerfrei"),),
    VatCategory.EXPORT: (("VATEX-EU-G", "Ausfuhrlieferung, steuerfrei"),),
    VatCategory.OUTSIDE_SCOPE: (("VATEX-EU-O", "Nicht steuerbarer Umsatz"),),
}
BICS = ("COBADEFFXXX", "DEUTDEFF", "BNPAFRPP", "GIBAATWW", "CAIXESBB")
DOMAINS = ("example.de", "example.com", "example.fr")
_ALPHABET = "abcXYZ019 äöüÄÖÜßéçñøœΑλ€&<>'\"-./,;:()"

BOOL = st.booleans()


@functools.cache
def pick(*values: Any) -> st.SearchStrategy[Any]:
    """One of ``values`` (the strategy built once per set of values: building is the slow
    part of drawing)."""
    return st.sampled_from(values)


@functools.lru_cache(maxsize=4096)
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    """An integer in [low, high] (the strategy cached like :func:`pick`'s)."""
    return st.integers(low, high)


DIGITS = st.text("0123456789", min_size=12, max_size=12)
LETTERS = st.text("ABCDEFGHJKLMNPRSTUVWXYZ", min_size=2, max_size=2)


def text() -> st.SearchStrategy[str]:
    """A short free text: no control characters, single spaces, never blank."""
    return (
        st.text(_ALPHABET, min_size=1, max_size=40)
        .map(lambda value: " ".join(value.split()))
        .filter(bool)
    )


MAYBE_TEXT = st.just("") | text()


def leitweg() -> st.SearchStrategy[str]:
    """A Leitweg-ID with correct check digits, e.g. ``04011000-1234512345-06``."""
    coarse = st.text("0123456789", min_size=2, max_size=12)
    fine = st.text("0123456789ABCDEFXYZ", max_size=12)
    return st.builds(leitweg_id, coarse, fine)


@st.composite
def postal_addresses(draw: st.DrawFn, country: str) -> PostalAddress:
    """An address in ``country`` with one or two lines, a city and a post code."""
    city, postal_code = draw(pick(*CITIES[country]))
    lines = tuple(draw(st.lists(pick(*STREETS), min_size=1, max_size=2, unique=True)))
    subdivision = "NY" if country == "US" else ""
    return PostalAddress(lines, city, postal_code, country, subdivision)


@st.composite
def electronic_addresses(
    draw: st.DrawFn, party_vat_id: str, mail: bool = True
) -> ElectronicAddress:
    """An e-mail address (unless not ``mail``: Peppol delivers to participant identifiers
    only), a GLN, or for a German VAT id that id (EAS ``EM``, ``0088``, ``9930``)."""
    schemes = ["EM"] * mail + ["0088"] + (["9930"] if party_vat_id.startswith("DE") else [])
    scheme = draw(pick(*schemes))
    if scheme == "0088":
        return ElectronicAddress(gln(draw(DIGITS)), "0088")
    if scheme == "9930":
        return ElectronicAddress(party_vat_id, "9930")
    return ElectronicAddress(f"invoices@{draw(pick(*DOMAINS))}", "EM")


@st.composite
def contacts(draw: st.DrawFn, complete: bool) -> Contact:
    """A contact point; ``complete``: name, telephone and e-mail all present."""
    name = draw(pick("Erika Mustermann", "Jean Dupont", "Ólafur Þórsson"))
    phone = draw(pick("+49 30 1234567", "030 987654", "+33 1 23 45 67 89"))
    email = f"billing@{draw(pick(*DOMAINS))}"
    if complete:
        return Contact(name, phone, email)
    return Contact(
        draw(pick("", name)),
        draw(pick("", phone)),
        draw(pick(email, "")) or email,
    )


@st.composite
def _vat_id(draw: st.DrawFn, country: str, wanted: bool | None) -> str:
    if country not in VAT_FORMATS or wanted is False:
        return ""
    if wanted is None and not draw(BOOL):
        return ""
    return vat_id(country, draw(DIGITS), draw(LETTERS))


@st.composite
def sellers(draw: st.DrawFn, country: str, vat: bool, profile: Profile) -> Party:
    """The seller: with a VAT id where the situation needs one, else identified by its
    commercial register number (BR-CO-26)."""
    vat_id_ = draw(_vat_id(country, vat))
    registration = draw(pick("", "HRB 12345", "RCS Paris B 123 456 789"))
    if not vat_id_ and not registration:
        registration = "HRB 98765"
    tax_number = draw(pick("", "201/113/40209"))
    if profile.xrechnung and not vat_id_:
        tax_number = "201/113/40209"  # BR-DE-16 (applied here whatever the categories)
    return Party(
        name=draw(pick(*SELLER_NAMES)),
        address=draw(postal_addresses(country)),
        trading_name=draw(MAYBE_TEXT),
        vat_id=vat_id_,
        tax_number=tax_number,
        registration_id=registration,
        legal_info=draw(pick("", "Geschäftsführer: Erika Mustermann")),
        electronic_address=_maybe(
            draw, electronic_addresses(vat_id_, not profile.peppol), profile.endpoints
        ),
        # XRechnung, and Peppol for a German seller, want the whole contact (BR-DE-2, DE-R-002)
        contact=_maybe(draw, contacts(profile.endpoints), profile.endpoints),
    )


@st.composite
def buyers(draw: st.DrawFn, country: str, vat: bool | None, profile: Profile) -> Party:
    """The buyer, with or without a VAT id as the situation says."""
    vat_id_ = draw(_vat_id(country, vat))
    return Party(
        name=draw(pick(*BUYER_NAMES)),
        address=draw(postal_addresses(country)),
        trading_name=draw(MAYBE_TEXT),
        vat_id=vat_id_,
        registration_id=draw(pick("", "HRA 4711")),
        electronic_address=_maybe(
            draw, electronic_addresses(vat_id_, not profile.peppol), profile.endpoints
        ),
        contact=_maybe(draw, contacts(False), False),
    )


def parties(
    seller_country: str,
    buyer_country: str,
    seller_vat: bool,
    buyer_vat: bool | None,
    profile: Profile,
) -> st.SearchStrategy[tuple[Party, Party]]:
    """(seller, buyer) of a sale between the two countries."""
    return st.tuples(
        sellers(seller_country, seller_vat, profile), buyers(buyer_country, buyer_vat, profile)
    )


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[T], required: bool) -> T | None:
    return draw(strategy) if required or draw(BOOL) else None


@st.composite
def payment_means(draw: st.DrawFn, country: str, required: bool) -> PaymentMeans | None:
    """Payment instructions: a SEPA or other credit transfer to an IBAN, a card (its last
    digits) or a SEPA direct debit (mandate, creditor id, debited IBAN)."""
    if not required and draw(BOOL):
        return None
    code = draw(pick("58", "30", "48", "59"))
    account_country = country if country in IBAN_FORMATS else "DE"
    if code in ("58", "30"):
        return PaymentMeans(
            PaymentMeansCode(code),
            iban=iban(account_country, draw(DIGITS)),
            bic=draw(pick("", *BICS)),
            account_name=draw(pick("", *SELLER_NAMES)),
        )
    if code == "48":
        digits = draw(st.text("0123456789", min_size=4, max_size=6))
        holder = draw(pick("", "ERIKA MUSTERMANN"))
        return PaymentMeans(PaymentMeansCode.CARD, card_last_digits=digits, card_holder=holder)
    return PaymentMeans(
        PaymentMeansCode.SEPA_DIRECT_DEBIT,
        mandate_reference=f"MANDATE-{draw(ints(1, 99_999))}",
        creditor_id=creditor_id(account_country, draw(DIGITS)[:11]),
        debtor_iban=iban(draw(pick(*sorted(IBAN_FORMATS))), draw(DIGITS)),
    )
