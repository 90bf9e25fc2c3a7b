"""Customers: who buys, how they pay, and on which terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ordermgmt.domain.base import Aggregate, require_text
from ordermgmt.domain.document import DocumentFormat
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import CustomerRegistered, CustomerUpdated
from ordermgmt.domain.ids import CustomerId
from ordermgmt.domain.money import Money


class CustomerKind(StrEnum):
    B2B = "b2b"
    B2C = "b2c"


class PaymentPreference(StrEnum):
    """How the customer pays. Invoice on account makes a receivable; the others are cash sales."""

    PREPAYMENT = "prepayment"
    CARD = "card"
    CASH = "cash"
    INVOICE = "invoice"


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; ``country`` is an ISO 3166-1 alpha-2 code."""

    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        require_text(self.line1, "address.line1")
        require_text(self.city, "address.city", max_length=100)
        require_text(self.postal_code, "address.postal_code", max_length=20)
        require_text(self.line2, "address.line2", empty=True)
        require_text(self.name, "address.name", empty=True)
        if not (len(self.country) == 2 and self.country.isascii() and self.country.isupper()):
            raise ValidationError("address.country", self.country, "must be an ISO 3166 code")


MAX_PAYMENT_TERMS_DAYS = 365

#: A VAT identifier: the country prefix and 2 to 13 letters or digits (``DE123456789``).
VAT_ID = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,13}$")
#: An IBAN: country, check digits and up to 30 letters or digits.
IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
#: An electronic address scheme (EAS): ``EM`` or a four-digit ISO 6523 code.
_SCHEME = re.compile(r"^(EM|[0-9]{4})$")


@dataclass(kw_only=True)
class Customer(Aggregate):
    """A customer (Kunde). A credit limit applies to B2B customers only."""

    id: CustomerId
    name: str
    kind: CustomerKind
    payment_preference: PaymentPreference
    payment_terms_days: int = 0
    credit_limit: Money | None = None
    email: str = ""
    phone: str = ""
    billing_address: Address | None = None
    shipping_address: Address | None = None
    blocked: bool = False
    registered_at: datetime
    #: VAT identifier with its country prefix (BT-48), for reverse charge and EU supplies.
    vat_id: str = ""
    #: The buyer reference invoices must quote (BT-10): the Leitweg-ID of a German public
    #: buyer, or the routing the customer's accounts payable asked for.
    buyer_reference: str = ""
    #: Where the customer receives e-invoices (BT-49) and its scheme (``EM`` e-mail, ``0088``
    #: GLN, ``0204`` Leitweg-ID, ``9930`` German VAT id, ...).
    electronic_address: str = ""
    electronic_scheme: str = "EM"
    #: The format invoices go out in; None: a PDF for consumers, Factur-X for businesses.
    document_format: DocumentFormat | None = None
    #: A SEPA direct debit mandate the customer signed (BT-89) and the account it debits
    #: (BT-91): its invoices are then collected by direct debit.
    mandate_reference: str = ""
    debit_iban: str = ""

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        self.name = require_text(self.name, "name")
        self.email = require_text(self.email, "email", max_length=254, empty=True)
        if self.email and ("@" not in self.email or " " in self.email):
            raise ValidationError("email", self.email, "is not an e-mail address")
        self.phone = require_text(self.phone, "phone", max_length=40, empty=True)
        terms = self.payment_terms_days
        if isinstance(terms, bool) or not isinstance(terms, int):
            raise ValidationError("payment_terms_days", terms, "must be a whole number")
        if not 0 <= terms <= MAX_PAYMENT_TERMS_DAYS:
            raise ValidationError(
                "payment_terms_days", terms, f"must be between 0 and {MAX_PAYMENT_TERMS_DAYS}"
            )
        self._validate_invoicing()
        if self.credit_limit is not None:
            if self.kind is not CustomerKind.B2B:
                raise ValidationError(
                    "credit_limit", self.credit_limit, "only B2B customers have a credit limit"
                )
            if self.credit_limit.is_negative:
                raise ValidationError("credit_limit", self.credit_limit, "must not be negative")

    def _validate_invoicing(self) -> None:
        self.vat_id = require_text(self.vat_id, "vat_id", max_length=15, empty=True).upper()
        if self.vat_id and not VAT_ID.match(self.vat_id):
            raise ValidationError("vat_id", self.vat_id, "is not a VAT identifier (DE123456789)")
        self.buyer_reference = require_text(
            self.buyer_reference, "buyer_reference", max_length=100, empty=True
        )
        self.electronic_address = require_text(
            self.electronic_address, "electronic_address", max_length=254, empty=True
        )
        if not isinstance(self.electronic_scheme, str) or not _SCHEME.match(self.electronic_scheme):
            raise ValidationError(
                "electronic_scheme", self.electronic_scheme, "must be EM or a 4-digit EAS code"
            )
        self.mandate_reference = require_text(
            self.mandate_reference, "mandate_reference", max_length=35, empty=True
        )
        self.debit_iban = require_text(self.debit_iban, "debit_iban", max_length=34, empty=True)
        self.debit_iban = self.debit_iban.replace(" ", "").upper()
        if self.debit_iban and not IBAN.match(self.debit_iban):
            raise ValidationError("debit_iban", self.debit_iban, "is not an IBAN")
        if bool(self.mandate_reference) != bool(self.debit_iban):
            raise ValidationError(
                "mandate_reference", self.mandate_reference, "give the mandate and its IBAN"
            )
        if self.document_format is not None:
            try:
                self.document_format = DocumentFormat(self.document_format)
            except ValueError:
                raise ValidationError(
                    "document_format", self.document_format, "is not a document format"
                ) from None

    @property
    def invoice_format(self) -> DocumentFormat:
        """The format invoices go out in: the customer's choice, else a PDF for consumers and
        Factur-X (a PDF with the e-invoice inside) for businesses."""
        if self.document_format is not None:
            return self.document_format
        return DocumentFormat.FACTURX if self.kind is CustomerKind.B2B else DocumentFormat.PDF

    @classmethod
    def register(cls, *, at: datetime, **fields: object) -> Customer:
        customer = cls(registered_at=at, **fields)  # type: ignore[arg-type]
        customer.record(
            CustomerRegistered(
                occurred_at=at,
                customer_id=customer.id,
                customer_name=customer.name,
                kind=customer.kind,
            )
        )
        return customer

    def update(self, *, at: datetime, **changes: object) -> None:
        """Change the given fields, validating the result as a whole before anything sticks."""
        allowed = {
            "name", "kind", "payment_preference", "payment_terms_days", "credit_limit",
            "email", "phone", "billing_address", "shipping_address", "blocked", "vat_id",
            "buyer_reference", "electronic_address", "electronic_scheme", "document_format",
            "mandate_reference", "debit_iban",
        }  # fmt: skip
        unknown = set(changes) - allowed
        if unknown:
            field_name = sorted(unknown)[0]
            raise ValidationError(field_name, changes[field_name], "cannot be changed")
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            self.validate()
        except ValidationError:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        changed = tuple(sorted(n for n in changes if before[n] != getattr(self, n)))
        if changed:
            self.record(CustomerUpdated(occurred_at=at, customer_id=self.id, changed=changed))
