"""Commands, queries and views about customers: registering, changing and reading them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StrictInt

from ordermgmt.domain.customer import CustomerKind, PaymentPreference
from ordermgmt.domain.document import DocumentFormat
from ordermgmt.messages.base import Command, Message, Query, View
from ordermgmt.messages.fields import Id, MoneyField, Name, Reference, Text


class AddressData(Message):
    """A postal address as input (``billing_address`` and ``shipping_address`` of a customer).

    ``line1`` (1-200 characters), ``city`` (1-100), ``postal_code`` (1-20) and ``country``, an ISO
    3166-1 alpha-2 code in capitals (``"DE"``), are required; ``line2`` and ``name`` (a recipient or
    company line) are optional. A facade method takes the same keys as a mapping.
    """

    line1: Name
    city: Annotated[str, Field(min_length=1, max_length=100)]
    postal_code: Annotated[str, Field(min_length=1, max_length=20)]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    line2: Text = ""
    name: Text = ""


class RegisterCustomer(Command):
    """Register a customer (``OrderManagement.register_customer``); returns a :class:`CustomerView`.

    - ``kind``: ``"b2b"`` or ``"b2c"``. Only B2B customers may have a ``credit_limit``.
    - ``payment_preference``: ``"invoice"`` buys on account (each invoice is a receivable, due
      ``payment_terms_days`` after issue); ``"prepayment"``, ``"card"`` and ``"cash"`` are cash-sale
      customers: paying a whole order before it is invoiced books invoice and payment at once.
    - ``payment_terms_days``: 0 to 365 days from invoice date to due date (default 0: due at once).
    - ``credit_limit``: Money, not negative; ``None`` (default) means no limit. An order that takes
      the customer's exposure (open invoices plus uninvoiced active orders, less prepayments) over
      the limit, or is in another currency than the limit, is placed ``on_hold``, not refused.
    - ``blocked``: a blocked customer cannot place orders (``CustomerBlocked``).
    - For invoices: ``vat_id`` (with its country prefix, ``DE123456789``; needed for reverse
      charge and tax-free supplies to another EU country), ``buyer_reference`` (BT-10: the
      Leitweg-ID of a German public buyer, or the routing the customer asked for),
      ``electronic_address`` and ``electronic_scheme`` (where the customer receives e-invoices;
      scheme ``EM`` e-mail, ``0088`` GLN, ``0204`` Leitweg-ID, ``9930`` German VAT id) and
      ``document_format``: the format invoices go out in (``pdf``, ``facturx``, ``cii``,
      ``xrechnung-cii``, ``xrechnung-ubl``, ``ubl``, ``peppol``; by default a PDF for
      consumers and Factur-X for businesses). ``mandate_reference`` and ``debit_iban``: a
      SEPA direct debit mandate; its invoices then say they are collected by direct debit
      (where the seller has a creditor id).

    Raises ``ValidationError`` for a malformed field, e.g. an e-mail address without ``@``.
    """

    name: Name
    kind: CustomerKind
    payment_preference: PaymentPreference
    payment_terms_days: Annotated[StrictInt, Field(ge=0, le=365)] = Field(
        default=0, description="Days from invoice date to due date for invoices on account."
    )
    credit_limit: MoneyField | None = Field(
        default=None, description="B2B only; orders over it are placed on hold. None: no limit."
    )
    email: Annotated[str, Field(max_length=254)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    billing_address: AddressData | None = None
    shipping_address: AddressData | None = None
    blocked: bool = False
    vat_id: Annotated[str, Field(max_length=15)] = ""
    buyer_reference: Reference = ""
    electronic_address: Annotated[str, Field(max_length=254)] = ""
    electronic_scheme: Annotated[str, Field(pattern=r"^(EM|[0-9]{4})$")] = "EM"
    document_format: DocumentFormat | None = None
    mandate_reference: Annotated[str, Field(max_length=35)] = ""
    debit_iban: Annotated[str, Field(max_length=34)] = ""


class UpdateCustomer(Command):
    """Change the fields given of a customer; fields left out stay as they are.

    Used by ``OrderManagement.update_customer``. ``credit_limit=None``, ``billing_address=None`` or
    ``shipping_address=None`` given explicitly removes the limit or address; ``None`` for any other
    field is ignored. A change of the credit limit releases orders held for credit, oldest first, as
    far as the new limit allows (all of them when the limit is removed). Returns a
    :class:`CustomerView`; raises ``NotFound`` for an unknown customer and ``ValidationError`` if
    the customer would be invalid as a whole (e.g. a credit limit on a B2C customer), in which case
    nothing changes.
    """

    customer_id: Id
    name: Name | None = None
    kind: CustomerKind | None = None
    payment_preference: PaymentPreference | None = None
    payment_terms_days: Annotated[StrictInt, Field(ge=0, le=365)] | None = None
    credit_limit: MoneyField | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    billing_address: AddressData | None = None
    shipping_address: AddressData | None = None
    blocked: bool | None = None
    vat_id: Annotated[str, Field(max_length=15)] | None = None
    buyer_reference: Reference | None = None
    electronic_address: Annotated[str, Field(max_length=254)] | None = None
    electronic_scheme: Annotated[str, Field(pattern=r"^(EM|[0-9]{4})$")] | None = None
    document_format: DocumentFormat | None = None
    mandate_reference: Annotated[str, Field(max_length=35)] | None = None
    debit_iban: Annotated[str, Field(max_length=34)] | None = None


class GetCustomer(Query):
    """Read one customer (``OrderManagement.get_customer``); raises ``NotFound`` if unknown."""

    customer_id: Id


class AddressView(View):
    """A stored postal address; ``line2`` and ``name`` are ``""`` when not given."""

    line1: str
    city: str
    postal_code: str
    country: str
    line2: str
    name: str


class CustomerView(View):
    """A customer as stored (the result of registering, updating or reading one).

    ``kind`` is ``b2b`` or ``b2c``; ``payment_preference`` is ``invoice``, ``prepayment``, ``card``
    or ``cash``; ``payment_terms_days`` is the due period of invoices on account; ``credit_limit``
    is ``None`` when there is no limit. ``registered_at`` is timezone-aware. ``version`` counts
    committed changes (1 after registration), for optimistic concurrency.
    """

    id: str
    name: str
    kind: CustomerKind
    payment_preference: PaymentPreference
    payment_terms_days: int
    credit_limit: MoneyField | None
    email: str
    phone: str
    billing_address: AddressView | None
    shipping_address: AddressView | None
    blocked: bool
    registered_at: datetime
    version: int
    vat_id: str
    buyer_reference: str
    electronic_address: str
    electronic_scheme: str
    #: The format the customer asked for (None: the default for its kind).
    document_format: DocumentFormat | None
    #: The format invoices go out in.
    invoice_format: DocumentFormat
    mandate_reference: str
    debit_iban: str


class GetCustomerProfile(Query):
    """Read what a customer's orders add up to (``OrderManagement.customer_profile``).

    Raises ``NotFound`` for an unknown customer.
    """

    customer_id: Id


class CustomerProfileView(View):
    """Figures derived from the customer's orders. Amounts are per currency code.

    - ``order_count``: every order, cancelled ones included; ``cancelled_count``: those cancelled.
    - ``order_volume``: gross totals of the orders that are not cancelled.
    - ``open_amount``: gross totals of the active orders (open or on hold), whatever has already
      been invoiced or paid on them.
    - ``first_order_at`` / ``last_order_at``: when the oldest and newest order was placed (``None``
      without orders); ``channels``: orders per channel, cancelled ones included.
    """

    customer_id: str
    name: str
    payment_preference: PaymentPreference
    order_count: int
    cancelled_count: int
    order_volume: dict[str, MoneyField]
    open_amount: dict[str, MoneyField]
    first_order_at: datetime | None
    last_order_at: datetime | None
    channels: dict[str, int]
