"""Commands, queries and results: frozen pydantic models.

This is where bad input stops. Every command validates its fields before the domain sees them;
through the facade (or :func:`ordermgmt.facade.build`) a failure becomes an
:class:`ordermgmt.errors.ValidationError` naming the field and value, while a model constructed
directly raises pydantic's ``ValidationError``. Results are read-only views: plain values, never
live domain objects.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictInt,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ordermgmt.domain.base import require_printable
from ordermgmt.domain.catalog import require_sku, require_tax_rate
from ordermgmt.domain.customer import CustomerKind, PaymentPreference
from ordermgmt.domain.inventory import require_location
from ordermgmt.domain.money import MAX_PLACES, Money, minor_unit
from ordermgmt.domain.order import Channel, FulfillmentStatus, OrderStatus, PaymentStatus
from ordermgmt.domain.purchasing import RequisitionReason, RequisitionStatus

# -- field types -------------------------------------------------------------------------------


def _places(number: Decimal) -> int:
    """Digits after the decimal point of a finite Decimal (0 for 100 or 1E+2)."""
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # finite: checked by every caller
    return max(0, -exponent)


def _within_places(number: Decimal, what: str) -> Decimal:
    if _places(number) > MAX_PLACES:
        raise ValueError(
            f"{what} may have at most {MAX_PLACES} decimal places (storage keeps no more)"
        )
    return number


def _money(value: object) -> Money:
    if isinstance(value, Money):
        money = value
    elif isinstance(value, dict) and set(value) == {"amount", "currency"}:
        money = Money(value["amount"], value["currency"])
    elif isinstance(value, str) and len(value.split()) == 2:
        amount, currency = value.split()
        money = Money(amount, currency)
    else:
        raise ValueError("expected Money, {'amount': ..., 'currency': ...} or '12.50 EUR'")
    _within_places(money.amount, "an amount")
    return money


def _money_out(value: Money) -> dict[str, str]:
    return {"amount": value.canonical, "currency": value.currency}


#: Money in or out: a :class:`~ordermgmt.Money`, ``{"amount": "12.50", "currency": "EUR"}`` or
#: ``"12.50 EUR"`` in; ``{"amount": "12.50", "currency": "EUR"}`` out (amount as exact text).
#: In: at most 6 decimal places and below 10**15 in size (more is refused, never rounded).
MoneyField = Annotated[
    Money,
    PlainValidator(_money),
    PlainSerializer(_money_out),
    WithJsonSchema(
        {
            "type": "object",
            "properties": {"amount": {"type": "string"}, "currency": {"type": "string"}},
            "required": ["amount", "currency"],
        }
    ),
]


def _rate(value: object) -> Decimal:
    if isinstance(value, float):
        raise ValueError("floats are not accepted; write the rate as a str or Decimal ('0.19')")
    return require_tax_rate(value)


#: A tax rate as a fraction (``"0.19"`` for 19 %), 0 to below 1, at most 4 decimals; no floats.
TaxRate = Annotated[Decimal, PlainValidator(_rate), WithJsonSchema({"type": "string"})]
#: 1-64 letters, digits or ``. _ / -``, starting with a letter or digit.
Sku = Annotated[str, PlainValidator(require_sku), WithJsonSchema({"type": "string"})]
#: A stock location code: 1-32 letters, digits or ``. _ -``.
LocationCode = Annotated[str, PlainValidator(require_location), WithJsonSchema({"type": "string"})]


def _weight(value: object) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise ValueError("write weights as a str or Decimal ('1.25')")
    try:
        weight = Decimal(value)
    except ArithmeticError:
        raise ValueError("not a number") from None
    if not weight.is_finite() or not 0 <= weight < 100_000:
        raise ValueError("must be from 0 to below 100000 kg")
    return _within_places(weight, "a weight")


#: A weight in kg, from 0 to below 100000 with at most 6 decimal places, as str, int or
#: Decimal; no floats.
Weight = Annotated[Decimal, PlainValidator(_weight), WithJsonSchema({"type": "string"})]


def _currency(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 4217 code such as 'EUR'")
    minor_unit(value)  # raises for codes that are not ISO 4217
    return value


#: An ISO 4217 currency code the library knows the minor unit of (``"EUR"``, ``"JPY"``).
CurrencyCode = Annotated[str, PlainValidator(_currency), WithJsonSchema({"type": "string"})]
#: Units of a product: a whole number (not a bool or float) from 1 to 1,000,000.
Quantity = Annotated[StrictInt, Field(gt=0, le=1_000_000)]
#: A whole number of units from 0 to 1,000,000,000.
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]
#: Required text of 1-200 characters.
Name = Annotated[str, Field(min_length=1, max_length=200)]
#: Optional text of up to 200 characters (empty allowed).
Text = Annotated[str, Field(max_length=200)]


class Multiline:
    """Marks a free-text field that may hold tabs and line breaks (see :class:`Message`)."""


#: Optional free text of up to 200 characters that may span lines (tabs and line breaks
#: allowed; other control characters refused like everywhere).
FreeText = Annotated[str, Field(max_length=200), Multiline()]
#: An outside reference (a delivery note or payment reference): up to 100 characters.
Reference = Annotated[str, Field(max_length=100)]
#: An id as the library hands it out: 1-64 characters.
Id = Annotated[str, Field(min_length=1, max_length=64)]
#: A client's idempotency key: 1-200 characters. A repeat of a command with the same key and the
#: same content returns the first result and changes nothing; the same key with other content
#: raises ``IdempotencyConflict``. Each command names the scope its keys are unique in.
IdempotencyKey = Annotated[str, Field(min_length=1, max_length=200)]

_KEY_HELP = "A repeat with the same key and content returns the first result and changes nothing."


def exactly_one(first: str, second: str) -> Any:
    """A model validator requiring exactly one of two optional fields."""

    def check(model: Any) -> Any:
        if (getattr(model, first) is None) == (getattr(model, second) is None):
            raise ValueError(f"give exactly one of {first} or {second}")
        return model

    return model_validator(mode="after")(check)


class Message(BaseModel):
    """Base of every input model: commands, queries and the line inputs inside them.

    Frozen; unknown fields are refused; text is stripped of surrounding whitespace. Money fields
    take a :class:`~ordermgmt.Money`, ``{"amount": "12.50", "currency": "EUR"}`` or ``"12.50 EUR"``
    (never a float). Built by a facade method (or :func:`ordermgmt.facade.build`), bad input raises
    :class:`ordermgmt.errors.ValidationError` naming the field; built directly, it raises pydantic's
    ``ValidationError``. Both are ``ValueError`` subclasses.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any, info: ValidationInfo) -> Any:
        """No text field of any message holds a control character (NUL, escape, ...) or a lone
        surrogate; fields typed :data:`FreeText` may hold tabs and line breaks. Text that no
        store could keep, or that a later read would refuse, never gets in."""
        name = info.field_name or "input"
        multiline = name in cls.model_fields and any(
            isinstance(mark, Multiline) for mark in cls.model_fields[name].metadata
        )
        texts = value if isinstance(value, list | tuple) else (value,)
        for text in texts:
            if isinstance(text, str):
                require_printable(text, name, multiline=multiline)
        return value


class Command(Message):
    """Base of every command: a request to change something.

    Run one with ``OrderManagement.execute(command)``, or call the facade method its docstring names
    with the same fields as keyword arguments.
    """


class Query(Message):
    """Base of every query: a request to read something; running it changes nothing.

    Run one with ``OrderManagement.execute(query)``, or call the facade method its docstring names.
    """


class View(BaseModel):
    """Base of every result: a frozen snapshot of plain values, never a live domain object.

    Safe to keep and to serialize: ``model_dump(mode="json")`` (or :func:`dump`) writes Money as
    ``{"amount": "12.50", "currency": "EUR"}`` and Decimals as strings, so no amount passes through
    a float. Views are read straight off the domain objects' attributes (``from_attributes``):
    a view's field is the aggregate's attribute or property of the same name.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)


# -- customers ---------------------------------------------------------------------------------


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


# -- catalog -----------------------------------------------------------------------------------


class UpsertProduct(Command):
    """Create a product or replace its catalog data (``OrderManagement.upsert_product``).

    Every field is replaced: one left out takes its default (so upserting a deactivated product
    without ``active=False`` activates it again, and leaving out ``unit_cost`` removes it). Prices
    apply to orders placed later; placed orders keep theirs. Returns a :class:`ProductView`.

    - ``sku``: 1-64 letters, digits or ``. _ / -``, starting with a letter or digit.
    - ``unit_price``: the net price per unit (before tax), exact, not negative. Its currency is the
      currency of an order whose first line is this product, unless the order names one.
    - ``tax_rate``: a fraction as str or Decimal, ``"0.19"`` for 19 %, from 0 to below 1 with at
      most 4 decimal places; floats are refused.
    - ``reorder_point`` / ``reorder_quantity``: with a ``reorder_quantity`` above 0, a purchase
      requisition for that many units is raised when the available units at a location fall to or
      below ``reorder_point``; 0 (default) turns automatic reordering off.
    - ``unit_cost``: purchase cost per unit, optional; where set, shipping posts cost of goods sold
      and returns post it back.
    - ``weight_kg``: weight of one unit in kg, from 0 to below 100000 (str or Decimal); shipments
      are weighed with it.
    """

    sku: Sku
    name: Name
    unit_price: MoneyField
    tax_rate: TaxRate = Field(description="A fraction: '0.19' for 19 %.")
    reorder_point: Count = 0
    reorder_quantity: Count = 0
    active: bool = True
    unit_cost: MoneyField | None = None
    weight_kg: Weight = Field(default=Decimal(0), description="Weight of one unit in kg.")


class DeactivateProduct(Command):
    """Stop selling a product; returns its :class:`ProductView`.

    Used by ``OrderManagement.deactivate_product``. New orders for it raise ``ProductInactive``;
    placed orders, stock and reservations are untouched. Deactivating an inactive product changes
    nothing. Raises ``NotFound`` for an unknown sku. ``upsert_product`` activates it again.
    """

    sku: Sku


class GetProduct(Query):
    """Read one product by sku (``OrderManagement.get_product``); raises ``NotFound``."""

    sku: Sku


class ListProducts(Query):
    """List products sorted by sku (``OrderManagement.products``); only active ones if asked."""

    active_only: bool = False


class ProductView(View):
    """A catalog product.

    ``unit_price`` and ``unit_cost`` (``None`` when unknown) are exact per-unit net amounts, not
    rounded; ``tax_rate`` is a fraction (``0.19`` = 19 %); ``weight_kg`` is per unit.
    ``reorder_point`` and ``reorder_quantity`` drive automatic purchase requisitions (off while
    ``reorder_quantity`` is 0); an inactive product cannot be ordered.
    """

    sku: str
    name: str
    unit_price: MoneyField
    tax_rate: Decimal
    reorder_point: int
    reorder_quantity: int
    active: bool
    unit_cost: MoneyField | None
    weight_kg: Decimal


# -- stock -------------------------------------------------------------------------------------


class DefineLocation(Command):
    """Create or change a stock location; returns a :class:`LocationView`.

    Used by ``OrderManagement.define_location``. ``code``: 1-32 letters, digits or ``. _ -``.
    ``name`` defaults to the code for a new location and is kept when changing one without a name.
    ``priority``: lower is allocated (and so shipped from) first; 100 for a new location
    unless given, kept when changing one without it. Locations used by
    ``receive_stock`` or ``adjust_stock`` before they were defined are created with a priority after
    every known location.
    """

    code: LocationCode
    name: Name | None = None
    priority: Annotated[StrictInt, Field(ge=0, le=1_000_000)] | None = None


class LocationView(View):
    """A stock location: ``code``, display ``name`` and ``priority`` (lower is allocated first)."""

    code: str
    name: str
    priority: int


class ReceiveStock(Command):
    """Record a supplier delivery (Wareneingang); returns a :class:`ReceiptView`.

    Used by ``OrderManagement.receive_stock``. ``quantity`` units (1 to 1,000,000) of ``sku`` arrive
    at ``location`` (created on first use). The units serve open backorders of the sku at once,
    oldest order first, and the open purchase requisition for this sku and location is closed.
    ``unit_cost``, where given, posts ``quantity x unit_cost`` (rounded to the minor unit) to
    inventory against goods received not invoiced. ``supplier`` names who delivered (1-200
    characters); ``reference`` is their delivery note number. Raises ``NotFound`` for an unknown
    sku.

    ``idempotency_key`` (the supplier's delivery note, say) is unique among supplier receipts; a
    repeat returns the first receipt and books no stock.
    """

    sku: Sku
    location: LocationCode
    quantity: Quantity
    supplier: Name
    reference: Reference = ""
    unit_cost: MoneyField | None = None
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


#: Why stock is corrected (``AdjustStock.reason``).
AdjustReason = Literal["count", "damage", "loss", "found", "correction"]


class AdjustStock(Command):
    """Correct stock with a reason: either by ``change`` (+/- units, not 0) or to a ``counted``
    total.

    Used by ``OrderManagement.adjust_stock``; give exactly one of ``change`` and ``counted``.
    Returns the sku's :class:`AvailabilityView`. ``reason`` is ``count``, ``damage``, ``loss``,
    ``found`` or ``correction``; ``note`` (up to 200 characters) is kept with it in the
    ``StockAdjusted`` event. Added units serve backorders. When the new on-hand quantity is below
    what is reserved, the youngest reservations at that location go back on backorder (the oldest
    orders keep their goods); backorders of the sku are then served from other locations where units
    are available. Raises ``NotFound`` for an unknown sku and ``ValidationError`` for a change that
    would leave fewer than 0 units on hand.

    ``idempotency_key`` is unique among stock adjustments; a repeat changes nothing and returns the
    sku's current availability.
    """

    sku: Sku
    location: LocationCode
    reason: AdjustReason
    change: Annotated[StrictInt, Field(ge=-1_000_000_000, le=1_000_000_000)] | None = None
    counted: Count | None = None
    note: FreeText = ""
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)

    @model_validator(mode="after")
    def _one_of(self) -> AdjustStock:
        if (self.change is None) == (self.counted is None):
            raise ValueError("give exactly one of change or counted")
        if self.change == 0:
            raise ValueError("change must not be 0")
        return self


class MoveStock(Command):
    """Move unreserved units from one location to another (``OrderManagement.move_stock``).

    Returns the sku's :class:`AvailabilityView`. ``to_location`` is created on first use and the
    moved units serve backorders there. Raises ``NotFound`` for an unknown sku or ``from_location``,
    ``InsufficientStock`` if fewer than ``quantity`` units are available (on hand less reserved) at
    ``from_location``, and ``ValidationError`` if both locations are the same.

    ``idempotency_key`` is unique among stock moves; a repeat changes nothing and returns the sku's
    current availability.
    """

    sku: Sku
    from_location: LocationCode
    to_location: LocationCode
    quantity: Quantity
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)

    @model_validator(mode="after")
    def _different(self) -> MoveStock:
        if self.from_location == self.to_location:
            raise ValueError("from_location and to_location must differ")
        return self


class GetAvailability(Query):
    """Read the stock of one sku (``OrderManagement.availability``); ``NotFound`` if unknown."""

    sku: Sku


class LocationStockView(View):
    """Units of one sku at one location: ``on_hand`` (physically there), ``reserved`` (promised to
    orders) and ``available`` = on_hand - reserved.
    """

    location: str
    on_hand: int
    reserved: int
    available: int


class AvailabilityView(View):
    """Stock of one sku: totals over every location, and per location in allocation order.

    ``on_hand``, ``reserved`` and ``available`` (on hand less reserved) are units; ``backordered``
    is the units active orders wait for. Locations without stock are left out of ``locations``;
    :meth:`at` gives zeros for them.
    """

    sku: str
    on_hand: int
    reserved: int
    available: int
    backordered: int
    locations: tuple[LocationStockView, ...]

    def at(self, location: str) -> LocationStockView:
        """The figures at one location (zeros where there is no stock)."""
        for item in self.locations:
            if item.location == location:
                return item
        return LocationStockView(location=location, on_hand=0, reserved=0, available=0)


class ReceiptView(View):
    """A recorded supplier receipt (the result of ``receive_stock``).

    ``quantity`` units arrived at ``received_at``; ``unit_cost`` is ``None`` when not given;
    ``backorders_served`` is how many of them were reserved at once for waiting orders;
    ``availability`` is the sku's stock after the receipt.
    """

    id: str
    supplier: str
    sku: str
    location: str
    quantity: int
    reference: str
    received_at: datetime
    unit_cost: MoneyField | None
    backorders_served: int
    availability: AvailabilityView


class ListOpenBackorders(Query):
    """List backordered order lines, oldest order first; of ``sku`` only, if given.

    Used by ``OrderManagement.open_backorders``.
    """

    sku: Sku | None = None


class BackorderView(View):
    """One order line waiting for stock: ``quantity`` is its backordered units (not the ordered
    quantity); ``line_no`` numbers the line within the order ``order_number``.
    """

    order_id: str
    order_number: str
    customer_id: str
    line_no: int
    sku: str
    quantity: int
    placed_at: datetime


class ListOpenRequisitions(Query):
    """List open purchase requisitions, oldest first.

    Used by ``OrderManagement.open_purchase_requisitions``. Includes those purchasing has not
    acknowledged yet (``submitted`` is False).
    """


class RequisitionView(View):
    """A purchase requisition (Bestellanforderung): purchasing is asked to buy ``quantity`` units of
    ``sku`` for ``location``.

    ``reason`` is ``reorder_point`` (available units fell to the product's reorder point) or
    ``backorder`` (orders wait for the sku). ``status`` is ``open`` until a supplier receipt for the
    sku and location closes it, then ``closed``; at most one is open per sku and location.
    ``submitted`` tells whether purchasing acknowledged it; ``submit_pending_requisitions`` retries
    the others (and submits them once a purchasing adapter is configured, if none was).
    ``submission_error`` says why the last hand-over failed (``""`` if none did since).
    """

    id: str
    sku: str
    location: str
    quantity: int
    reason: RequisitionReason
    status: RequisitionStatus
    submitted: bool
    raised_at: datetime
    submission_error: str = ""


class SubmitPendingRequisitions(Command):
    """Hand purchasing every open requisition it has not yet acknowledged (a retry;
    ``OrderManagement.submit_pending_requisitions``). Returns how many purchasing accepted; one it
    refuses stays pending, without an error.
    """


# -- orders ------------------------------------------------------------------------------------


class OrderLineInput(Message):
    """One line of a new order (``PlaceOrder.lines``, ``Exchange.replacement_lines``).

    ``quantity``: whole units, 1 to 1,000,000. ``unit_price`` overrides the catalog's net price per
    unit; ``discount`` is an amount off the whole line (not per unit). Both must be in the order's
    currency and not negative, and the discount may not exceed the line amount. The line net is
    quantity x unit price - discount, rounded half-up to the currency's minor unit.
    """

    sku: Sku
    quantity: Quantity
    unit_price: MoneyField | None = Field(
        default=None, description="Overrides the catalog price for this line."
    )
    discount: MoneyField | None = Field(
        default=None, description="An amount off the whole line (not per unit)."
    )


class PlaceOrder(Command):
    """Place an order (``OrderManagement.place_order``); returns an :class:`OrderView`.

    Every line is priced from the catalog (or its override) and taxed at the product's rate; stock
    is reserved at once by the allocation policy, and what cannot be reserved is backordered (a
    purchase requisition follows). A B2B order that takes the customer over the credit limit is
    placed ``on_hold`` with its stock reserved, not refused.

    - ``channel``: ``web``, ``store``, ``phone``, ``email``, ``edi``, ``marketplace``, ``sales_rep``
      or ``api``.
    - ``lines``: 1 to 500 :class:`OrderLineInput`.
    - ``currency``: ISO 4217 code of every amount of the order; by default the currency of the first
      line's catalog price. A line priced in another currency raises ``CurrencyMismatch``.
    - ``idempotency_key``: unique per customer (the customer's purchase order number, say: two
      customers may both send "PO-1001"). A repeat by the same customer with the same key and the
      same content returns the first order, also when both arrive at once; the same key with other
      content raises ``IdempotencyConflict``.
    - ``customer_reference``: the customer's own reference (their purchase order number).

    Raises ``NotFound`` (customer, product), ``CustomerBlocked``, ``ProductInactive``,
    ``CurrencyMismatch``, ``IdempotencyConflict`` and ``ValidationError``.
    """

    customer_id: Id
    channel: Channel
    lines: Annotated[list[OrderLineInput], Field(min_length=1, max_length=500)]
    currency: CurrencyCode | None = Field(
        default=None, description="Defaults to the currency of the first line's catalog price."
    )
    idempotency_key: IdempotencyKey | None = Field(
        default=None, description="A repeat with the same key and content gets the first order."
    )
    customer_reference: Reference = ""

    def fingerprint(self) -> str:
        """What makes two submissions "the same order" (everything but the key)."""
        return self.model_dump_json(exclude={"idempotency_key"})


class CancelOrder(Command):
    """Cancel what is still open of an order; returns its :class:`OrderView`.

    Used by ``OrderManagement.cancel_order``. Reservations go back to stock (serving other orders'
    backorders) and backorders are dropped. Cancelled units that were invoiced get a credit note,
    and what the customer paid for them, prepayments included, is refunded by the method they paid
    with. An order of which nothing was shipped becomes ``cancelled``; a partly shipped one stays
    open with its remaining units cancelled. ``reason`` defaults to ``"cancelled"``. Raises
    ``NotFound``, and ``InvalidStateTransition`` for a completed or cancelled order or one with
    nothing left open.
    """

    order_id: Id
    reason: Text = ""


class HoldOrder(Command):
    """Put an open order on hold (``OrderManagement.hold_order``); returns its :class:`OrderView`.

    The order keeps its reservations but cannot be shipped until released. ``reason`` (required,
    1-200 characters) becomes ``hold_reason``. Raises ``NotFound``, and ``InvalidStateTransition``
    unless the order is open.
    """

    order_id: Id
    reason: Name


class ReleaseOrder(Command):
    """Release an order on hold (``OrderManagement.release_order``); returns its :class:`OrderView`.

    The order is open again whatever the hold's reason: a credit hold released by hand is not
    checked against the credit limit again. Raises ``NotFound``, and ``InvalidStateTransition``
    unless the order is on hold.
    """

    order_id: Id


class GetOrder(Query):
    """Find an order by ``order_id`` or by its human ``number`` (``SO-000042``); give exactly one.

    Used by ``OrderManagement.get_order``; raises ``NotFound``.
    """

    order_id: Id | None = None
    number: Annotated[str, Field(min_length=1, max_length=40)] | None = None

    _one_of = exactly_one("order_id", "number")


class ListCustomerOrders(Query):
    """List a customer's orders, oldest first (``OrderManagement.customer_orders``).

    Raises ``NotFound`` for an unknown customer.
    """

    customer_id: Id


def encode_order_cursor(position: tuple[datetime, str]) -> str:
    """The opaque cursor of a position in an order search: after ``(placed_at, id)``."""
    placed_at, order_id = position
    text = f"{placed_at.astimezone(UTC).isoformat()}|{order_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _order_cursor(value: object) -> tuple[datetime, str]:
    """A cursor that :func:`encode_order_cursor` made, decoded; anything else is refused."""
    try:
        if not isinstance(value, str) or not 0 < len(value) <= 200:
            raise ValueError
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        stamp, separator, order_id = text.partition("|")
        placed_at = datetime.fromisoformat(stamp)
        if not separator or placed_at.tzinfo is None or not 0 < len(order_id) <= 64:
            raise ValueError
        return placed_at.astimezone(UTC), _plain_text(order_id)
    except (ValueError, UnicodeError, OverflowError):
        raise ValueError("not a cursor of an order search (use next_cursor of a page)") from None


def _plain_text(value: str) -> str:
    """Text a database stores as given: no control characters, valid Unicode."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    try:
        value.encode()
    except UnicodeError:
        raise ValueError("must be valid Unicode") from None
    return value


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def _one_or_many(value: object) -> object:
    return (value,) if isinstance(value, str) else value


#: A timezone-aware instant (ISO 8601 text or datetime), kept in UTC.
Instant = Annotated[AwareDatetime, AfterValidator(_utc)]
#: A position in an order search (``OrderPage.next_cursor``), decoded to ``(placed_at, id)``.
OrderCursor = Annotated[
    tuple[datetime, str],
    PlainValidator(_order_cursor),
    PlainSerializer(encode_order_cursor),
    WithJsonSchema({"type": "string"}),
]


class FindOrders(Query):
    """Search all orders, newest first (``placed_at``, then ``id``, both descending), a page
    at a time (``OrderManagement.find_orders``).

    Filters (all optional, combined with AND): ``status``, ``fulfillment_status``,
    ``payment_status`` and ``channel`` take one value or several (any of them); ``customer_id``;
    ``placed_from`` (inclusive) and ``placed_to`` (exclusive), timezone-aware; ``number_prefix``
    (case-sensitive). ``limit`` orders per page (1 to 500). ``cursor`` is the ``next_cursor`` of
    the previous page. Pagination is by keyset: every order that matches throughout is returned
    exactly once, in order, however many orders are placed or changed between pages; an order
    placed meanwhile appears only if it sorts after the cursor (placed earlier than the last
    order shown: a clock behind), and one that changes meanwhile appears as it is when its page
    is read (a change may move it into or out of the filter).
    """

    status: Annotated[tuple[OrderStatus, ...], BeforeValidator(_one_or_many)] = ()
    fulfillment_status: Annotated[tuple[FulfillmentStatus, ...], BeforeValidator(_one_or_many)] = ()
    payment_status: Annotated[tuple[PaymentStatus, ...], BeforeValidator(_one_or_many)] = ()
    channel: Annotated[tuple[Channel, ...], BeforeValidator(_one_or_many)] = ()
    customer_id: Annotated[Id, AfterValidator(_plain_text)] | None = None
    placed_from: Instant | None = None
    placed_to: Instant | None = None
    number_prefix: Annotated[str, Field(max_length=40), AfterValidator(_plain_text)] = ""
    limit: Annotated[StrictInt, Field(ge=1, le=500)] = 50
    cursor: OrderCursor | None = None

    @model_validator(mode="after")
    def _range(self) -> FindOrders:
        if self.placed_from and self.placed_to and self.placed_from > self.placed_to:
            raise ValueError("placed_from must not be after placed_to")
        return self


class OrderLineView(View):
    """One order line and where its units are.

    Money: ``unit_price`` is the exact net price per unit (``price_overridden`` when it came with
    the order rather than from the catalog), ``discount`` is off the whole line, ``net`` = quantity
    x unit price - discount, rounded half-up to the minor unit. ``tax_rate`` is a fraction. Units:
    ``quantity`` ordered; ``reserved`` in total and per location in ``allocations``;
    ``backordered``; ``shipped``; ``delivered``; ``returned``; ``cancelled``. quantity >= reserved +
    backordered + shipped + cancelled, with equality while the order is open; shipped >= delivered
    >= returned.
    """

    line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: MoneyField
    discount: MoneyField
    tax_rate: Decimal
    net: MoneyField
    price_overridden: bool
    reserved: int
    allocations: dict[str, int]
    backordered: int
    shipped: int
    delivered: int
    returned: int
    cancelled: int


class TaxSubtotalView(View):
    """Net and tax of all lines at one tax ``rate`` (a fraction).

    ``tax`` = round(net x rate), rounded once per rate, half-up to the minor unit (EN 16931); a
    credit note that completes the reversal of an invoice carries exactly the tax still left
    instead.
    """

    rate: Decimal
    net: MoneyField
    tax: MoneyField


class OrderView(View):
    """An order with its lines, totals and three status axes.

    - ``number``: the human order number (``SO-000042``); ``currency``: of every amount.
    - ``status``: ``open``, ``on_hold``, ``completed`` (every unit delivered or cancelled and every
      invoice settled) or ``cancelled``.
    - ``fulfillment_status``: ``unreserved``, ``partially_reserved``, ``reserved``, ``backordered``,
      ``partially_shipped``, ``shipped``, ``partially_delivered``, ``delivered``,
      ``partially_returned`` or ``returned``.
    - ``payment_status``: ``not_invoiced``, ``invoiced``, ``partially_paid``, ``paid``, then
      ``partially_refunded`` or ``refunded`` once credit notes reverse part or all of what was
      invoiced.
    - ``tax_subtotals``: per rate, highest rate first; ``net_total`` and ``tax_total`` are their
      sums and ``total`` = net + tax, nothing rounded again.
    - ``idempotency_key``: ``None`` if none was given; ``hold_reason`` is ``""`` unless on hold;
      ``cancel_reason`` is ``""`` unless the order was cancelled; ``version`` counts committed
      changes.
    """

    id: str
    number: str
    customer_id: str
    channel: Channel
    currency: str
    status: OrderStatus
    fulfillment_status: FulfillmentStatus
    payment_status: PaymentStatus
    lines: tuple[OrderLineView, ...]
    tax_subtotals: tuple[TaxSubtotalView, ...]
    net_total: MoneyField
    tax_total: MoneyField
    total: MoneyField
    placed_at: datetime
    idempotency_key: str | None
    customer_reference: str
    hold_reason: str
    cancel_reason: str
    version: int

    def line(self, sku: str) -> OrderLineView:
        """The first line for ``sku``; raises ``KeyError`` if the order has none."""
        for line in self.lines:
            if line.sku == sku:
                return line
        raise KeyError(sku)

    @property
    def reserved(self) -> int:
        """Units reserved over all lines."""
        return sum(line.reserved for line in self.lines)

    @property
    def backordered(self) -> int:
        """Units on backorder over all lines."""
        return sum(line.backordered for line in self.lines)


def dump(value: Any) -> Any:
    """A JSON-friendly form of a view or a list of views."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    return value


class OrderPage(View):
    """One page of :class:`FindOrders`: ``items`` newest first, and ``next_cursor`` to pass as
    ``cursor`` for the next page (``None`` on the last page)."""

    items: tuple[OrderView, ...]
    next_cursor: str | None


# -- accounting --------------------------------------------------------------------------------

#: How money moves; ``cash`` posts to the cash account, every other method to the bank.
PaymentMethodName = Literal["bank_transfer", "card", "cash", "direct_debit", "paypal"]


class IssueInvoice(Command):
    """Invoice what the OMS's invoice policy allows and was not yet invoiced; post and send it.

    Used by ``OrderManagement.issue_invoice``; returns an :class:`InvoiceView`. Under ``on_order``
    that is the ordered units less cancelled and returned ones; under ``on_shipment`` the shipped
    units less returned ones. The number comes from a gapless series per year (``INV-2026-000001``);
    the due date is the issue date plus the customer's payment terms. A prepayment held for the
    order is set against the invoice. Sending follows the commit; a failed send leaves ``sent_to``
    empty for ``resend_invoice``. Raises ``NotFound``, and ``ValidationError`` for a cancelled order
    or one with nothing left to invoice.
    """

    order_id: Id


class ResendInvoice(Command):
    """Send an invoice again, or for the first time after sending failed.

    Used by ``OrderManagement.resend_invoice``. Returns the :class:`InvoiceView`; ``sent_to`` shows
    the recipient once sending succeeded. A failed send is logged, not raised. Raises ``NotFound``
    for an unknown invoice.
    """

    invoice_id: Id


class RecordPayment(Command):
    """Money received: for an ``invoice_id``, or for an ``order_id`` not yet invoiced (a prepayment;
    for cash-sale customers a payment of the whole order is booked as a cash sale).

    Used by ``OrderManagement.record_payment``; returns a :class:`PaymentView`. Give exactly one of
    ``invoice_id`` and ``order_id``. ``amount`` must be above 0, have no more decimals than the
    currency's minor unit, and be in the invoice's or order's currency (``CurrencyMismatch``
    otherwise); more than is outstanding raises ``Overpayment``. ``method`` (``bank_transfer``,
    ``card``, ``cash``, ``direct_debit``, ``paypal``) decides the account debited: cash for
    ``cash``, the bank otherwise. Money received releases orders held for credit as far as the limit
    allows. Also raises ``NotFound``, and ``ValidationError`` for a cancelled order.

    ``idempotency_key`` (a bank statement line, a PSP event id) is unique among payments received,
    across all customers: a repeat with the same key, amount, target, method and reference returns
    the first payment and books nothing; other content raises ``IdempotencyConflict``.
    """

    amount: MoneyField
    method: PaymentMethodName
    reference: Reference = ""
    invoice_id: Id | None = None
    order_id: Id | None = None
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)

    _one_of = exactly_one("invoice_id", "order_id")


class CreditLineInput(Message):
    """Units of one sku to credit (``IssueCreditNote.lines``): ``quantity`` 1 to 1,000,000."""

    sku: Sku
    quantity: Quantity


class IssueCreditNote(Command):
    """Reverse an invoice fully (no ``lines``) or the given quantities of it.

    Used by ``OrderManagement.issue_credit_note``; returns a :class:`CreditNoteView`. The number
    comes from a gapless series per year (``CN-2026-000001``). Tax is credited per rate so that an
    invoice credited in parts gives back exactly the tax it charged. With ``refund`` (default), what
    the customer has overpaid after the credit is paid back at once by the method they paid with;
    otherwise it stays due for ``pay_refund``. Raises ``NotFound``, and ``ValidationError`` for a
    sku not on the invoice or more units than are left to credit.

    ``idempotency_key`` is unique among credit notes (across all customers); a repeat returns the
    first credit note.
    """

    invoice_id: Id
    reason: Name
    lines: Annotated[list[CreditLineInput], Field(min_length=1, max_length=500)] | None = None
    refund: bool = Field(default=True, description="Pay back at once what the customer overpaid.")
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class PayRefund(Command):
    """Pay out a refund due on an invoice (all of it unless ``amount`` is given).

    Used by ``OrderManagement.pay_refund``; returns the refund's :class:`PaymentView`. ``method``
    defaults to the method of the last money received for the order (``bank_transfer`` if none).
    ``ValidationError`` if no refund is due or ``amount`` exceeds it; ``CurrencyMismatch`` for an
    amount in another currency; ``NotFound`` for an unknown invoice.

    ``idempotency_key`` is unique among refunds paid (across all customers); a repeat returns the
    first refund.
    """

    invoice_id: Id
    amount: MoneyField | None = None
    method: PaymentMethodName | None = None
    reference: Reference = ""
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class GetInvoice(Query):
    """Read one invoice by ``invoice_id`` or by ``number`` (``INV-2026-000001``); give exactly one.

    Used by ``OrderManagement.get_invoice``; raises ``NotFound``.
    """

    invoice_id: Id | None = None
    number: Annotated[str, Field(min_length=1, max_length=40)] | None = None

    _one_of = exactly_one("invoice_id", "number")


class ListOrderInvoices(Query):
    """List an order's invoices, oldest first (``OrderManagement.order_invoices``); raises
    ``NotFound`` for an unknown order.
    """

    order_id: Id


class GetTrialBalance(Query):
    """Read the trial balance over every posted entry (``OrderManagement.trial_balance``)."""


class ListJournal(Query):
    """List journal entries in posting order (``OrderManagement.journal``).

    ``reference`` keeps only the entries about one document: an invoice, credit note, order,
    shipment or return number, or a supplier receipt's id.
    """

    reference: Annotated[str, Field(max_length=100)] | None = None


class ListOverdueInvoices(Query):
    """The dunning list on ``as_of`` (``OrderManagement.overdue_invoices``): invoices with money
    outstanding at the end of ``as_of`` whose due date is before it, most overdue first.

    A snapshot: only invoices issued, and payments, refunds and credit notes made, on or before
    ``as_of`` (UTC days) count, so the list is the same whenever it is run.
    """

    as_of: date


class GetReceivablesAging(Query):
    """Open receivables at the end of ``as_of`` by days past due
    (``OrderManagement.receivables_aging``).

    A snapshot: only invoices issued, and payments, refunds and credit notes made, on or before
    ``as_of`` (UTC days) count, so the figures are the same whenever it is run.
    """

    as_of: date


class DocumentLineView(View):
    """A line of an invoice or credit note: ``quantity`` units of order line ``order_line_no``.

    ``unit_price`` is the order line's; ``discount`` and ``net`` are this document's share of the
    line's discount and rounded net, shared out so that the parts of a line documented piecemeal add
    up exactly to the whole line.
    """

    order_line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: MoneyField
    discount: MoneyField
    tax_rate: Decimal
    net: MoneyField


class InvoiceView(View):
    """An issued invoice (Rechnung). It is never edited; credit notes correct it.

    - ``number``: ``INV-<year>-<6 digits>``, gapless per year; ``due_date``: issue date plus the
      payment terms (the issue date unless the invoice is on account).
    - ``settlement``: ``receivable`` (on account), ``prepaid`` (covered in full by a prepayment) or
      ``cash_sale`` (paid at once).
    - ``status``: ``open``, ``partially_paid``, ``paid`` (nothing outstanding, or a refund due) or
      ``credited`` (fully reversed).
    - ``paid``, ``credited`` and ``refunded`` only grow; ``outstanding`` = total - credited - paid +
      refunded. A negative ``outstanding`` is a refund due to the customer.
    - ``sent_to``: the recipient it was last sent to, ``""`` while never sent (also when no
      notification adapter is configured: nothing claims a send that did not happen).
    - ``send_error``: why the last attempt to send failed, ``""`` if none failed since;
      ``resend_invoice`` tries again.
    """

    id: str
    number: str
    order_id: str
    customer_id: str
    currency: str
    lines: tuple[DocumentLineView, ...]
    tax_subtotals: tuple[TaxSubtotalView, ...]
    net_total: MoneyField
    tax_total: MoneyField
    total: MoneyField
    issued_at: datetime
    due_date: date
    settlement: str
    status: str
    paid: MoneyField
    credited: MoneyField
    refunded: MoneyField
    outstanding: MoneyField
    sent_to: str
    send_error: str = ""


class CreditNoteView(View):
    """An issued credit note (Gutschrift) reversing part or all of invoice ``invoice_id``.

    ``number`` is ``CN-<year>-<6 digits>``, gapless per year; lines and totals are the credited
    quantities and amounts, as positive numbers.
    """

    id: str
    number: str
    invoice_id: str
    order_id: str
    currency: str
    lines: tuple[DocumentLineView, ...]
    tax_subtotals: tuple[TaxSubtotalView, ...]
    net_total: MoneyField
    tax_total: MoneyField
    total: MoneyField
    issued_at: datetime
    reason: str


class PaymentPartView(View):
    """One payment booked by a command (see :attr:`PaymentView.parts`): its ``id``, ``kind``,
    the ``invoice_id`` it paid (``""`` for a prepayment) and its ``amount``."""

    id: str
    kind: str
    invoice_id: str
    amount: MoneyField


class PaymentView(View):
    """Money in or out, as booked.

    ``kind``: ``payment`` (for an invoice), ``prepayment`` (for an order not yet invoiced;
    ``invoice_id`` is ``""``), ``cash_sale`` (invoice issued and paid at once; ``invoice_id`` names
    it) or ``refund`` (money paid back). ``amount`` is positive for every kind. ``method``:
    ``bank_transfer``, ``card``, ``cash``, ``direct_debit`` or ``paypal``.

    Money received for an order pays its open invoices, oldest due date first, one payment per
    invoice paid, and the rest is a prepayment (or cash sale) of what is not invoiced yet: then
    ``parts`` lists every payment booked, in that order, and the view's own fields are those of
    the first part except ``amount``, the whole amount received. Otherwise ``parts`` holds the
    one payment the view describes.
    """

    id: str
    kind: str
    customer_id: str
    order_id: str
    invoice_id: str
    amount: MoneyField
    method: str
    reference: str
    received_at: datetime
    parts: tuple[PaymentPartView, ...] = ()


class PostingView(View):
    """One line of a journal entry: ``account`` code, ``side`` (``debit`` or ``credit``) and a
    positive ``amount``.
    """

    account: str
    side: str
    amount: MoneyField


class JournalEntryView(View):
    """A posted journal entry (Buchungssatz): its debits equal its credits. Entries are never
    changed; ``reference`` names the document it belongs to.
    """

    id: str
    posted_at: datetime
    description: str
    reference: str
    postings: tuple[PostingView, ...]


class TrialBalanceLine(View):
    """One account in one currency: its ``debit`` and ``credit`` totals.

    ``balance`` = debit - credit; all three are rounded to the currency's minor unit. ``type`` is
    ``asset``, ``liability``, ``equity``, ``revenue`` or ``expense``; ``name`` comes from the chart
    of accounts.
    """

    account: str
    name: str
    type: str
    currency: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


class TrialBalanceView(View):
    """Every account with its debit and credit totals; per currency, debits = credits."""

    lines: tuple[TrialBalanceLine, ...]
    total_debit: dict[str, Decimal]
    total_credit: dict[str, Decimal]

    @property
    def balanced(self) -> bool:
        """True when debits equal credits in every currency (always, unless the ledger is
        broken)."""
        return self.total_debit == self.total_credit

    def balance(self, account: str, currency: str) -> Decimal:
        """Debit minus credit of one account (0 if it has no postings)."""
        for line in self.lines:
            if line.account == account and line.currency == currency:
                return line.balance
        return Decimal(0)


class OverdueInvoiceView(View):
    """One row of the dunning list: an invoice ``days_overdue`` days past its ``due_date`` on the
    day asked for, with the ``outstanding`` amount.
    """

    customer_id: str
    customer_name: str
    invoice_id: str
    invoice_number: str
    due_date: date
    days_overdue: int
    outstanding: MoneyField


class AgingBucketView(View):
    """Open receivables in one currency by days past due: ``current`` (not yet due, or due that
    day), ``days_1_30``, ``days_31_60``, ``days_61_90``, ``over_90`` and their ``total``, rounded to
    the minor unit. Refunds due (negative outstanding) are not counted.
    """

    currency: str
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    total: Decimal


class ReceivablesAgingView(View):
    """Receivables aging on ``as_of``: one :class:`AgingBucketView` per currency with open
    receivables, by currency code.
    """

    as_of: date
    buckets: tuple[AgingBucketView, ...]


# -- delivery ----------------------------------------------------------------------------------


class ShipLineInput(Message):
    """Units of one sku to ship (``ShipOrder.lines``); they must be reserved at the ship-from
    location.
    """

    sku: Sku
    quantity: Quantity


class ShipOrder(Command):
    """Ship what is reserved (at ``location``; required when reservations span locations), all of it
    or the given ``lines``; books the ``carrier``.

    Used by ``OrderManagement.ship_order``; returns a :class:`ShipmentView`. Units already on a
    pending shipment are not shipped twice. ``carrier`` names a carrier of this OMS (in memory by
    default ``"parcel"`` and ``"own-fleet"``). Only a successful booking moves the goods: on hand
    and reserved fall together, and cost of goods sold is posted where a unit cost is known. A
    failed booking raises ``CarrierError`` (with ``details["shipment_id"]``) and leaves the shipment
    pending and the stock reserved for ``book_shipment``. Raises ``NotFound`` (order, carrier),
    ``InvalidStateTransition`` unless the order is open, ``ValidationError`` when nothing (or not
    the given lines) is reserved there, and ``Conflict`` when the order changed while the carrier
    booked (the booking and the shipment are then cancelled).

    ``idempotency_key`` is unique among shipments: a repeat returns the first shipment as it is
    now (still pending if its booking failed: ``book_shipment`` retries it) and ships nothing.
    """

    order_id: Id
    carrier: Annotated[
        str, Field(min_length=1, max_length=40, description="A carrier's name in this OMS.")
    ]
    location: LocationCode | None = None
    lines: Annotated[list[ShipLineInput], Field(min_length=1, max_length=500)] | None = None
    parcels: Annotated[list[Weight], Field(min_length=1, max_length=100)] | None = Field(
        default=None,
        description="Parcel weights in kg; one parcel of the goods' weight if omitted.",
    )
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class BookShipment(Command):
    """Retry booking a shipment whose booking failed (``OrderManagement.book_shipment``).

    A shipment that is no longer pending is returned unchanged. Raises like ``ShipOrder``'s booking:
    ``CarrierError`` (the shipment stays pending), ``Conflict`` when the order is no longer open
    (the booking and the shipment are then cancelled), and ``NotFound``.
    """

    shipment_id: Id


class CancelShipment(Command):
    """Cancel a shipment that was not booked; its units stay reserved for the order.

    Used by ``OrderManagement.cancel_shipment``; raises ``InvalidStateTransition`` unless the
    shipment is pending, and ``NotFound``.
    """

    shipment_id: Id


class TrackingInput(Command):
    """Record a tracking event by hand, e.g. for the own fleet.

    Used by ``OrderManagement.record_tracking``. ``status``: ``picked_up``, ``in_transit``,
    ``out_for_delivery`` and ``failed_attempt`` put a booked shipment in transit; ``delivered``
    delivers its units on the order; ``returned_to_sender`` marks it failed. ``description``
    defaults to the status. Raises ``InvalidStateTransition`` unless the shipment is booked or in
    transit, and ``NotFound``.
    """

    shipment_id: Id
    status: Literal[
        "picked_up",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "failed_attempt",
        "returned_to_sender",
    ]
    description: FreeText = ""


class RefreshTracking(Command):
    """Ask the carrier for news and record it (``OrderManagement.refresh_tracking``).

    Only booked and in-transit shipments are asked about (others are returned unchanged); events
    already recorded are skipped. Raises ``CarrierError`` and ``NotFound``.
    """

    shipment_id: Id


class ConfirmDelivery(Command):
    """The driver's (or carrier's) proof that the shipment arrived.

    Used by ``OrderManagement.confirm_delivery``. ``proof``: 1-500 characters (a signature
    reference, a name, a photo id). Delivers the shipment's units on the order. Raises
    ``InvalidStateTransition`` unless the shipment is booked or in transit, and ``NotFound``.
    """

    shipment_id: Id
    proof: Annotated[str, Field(min_length=1, max_length=500)]


class QuoteShipping(Query):
    """Ask every carrier for rates (``OrderManagement.quote_shipping``), cheapest first.

    The request is what of the order is reserved at ``location`` (required when reservations span
    locations) and not yet on a pending shipment, as one parcel of the goods' weight. Carriers that
    cannot quote are left out. Raises ``NotFound``, ``InvalidStateTransition`` unless the order is
    open, and ``ValidationError`` when nothing is reserved to ship.
    """

    order_id: Id
    location: LocationCode | None = None


class GetShipment(Query):
    """Read one shipment (``OrderManagement.get_shipment``); raises ``NotFound``."""

    shipment_id: Id


class ListOrderShipments(Query):
    """List an order's shipments, oldest first (``OrderManagement.order_shipments``); raises
    ``NotFound`` for an unknown order.
    """

    order_id: Id


class ShipmentLineView(View):
    """Units of one order line (``order_line_no``) on a shipment, and the product's
    ``unit_cost`` when the shipment was made up (``None`` if it had none): cost of goods sold is
    posted at that cost, and reversed at it when the goods come back."""

    order_line_no: int
    sku: str
    quantity: int
    unit_cost: MoneyField | None


class TrackingEventView(View):
    """A tracking event: ``status`` (``picked_up``, ``in_transit``, ``out_for_delivery``,
    ``delivered``, ``failed_attempt`` or ``returned_to_sender``), when it happened and a
    ``description``.
    """

    status: str
    at: datetime
    description: str


class ShipmentView(View):
    """A shipment (Sendung): goods of one order leaving one ``location`` with one ``carrier``.

    - ``number``: ``SH-<6 digits>``.
    - ``status``: ``pending`` (created, not booked; ``booking_error`` says why a booking failed),
      ``booked``, ``in_transit``, ``delivered``, ``failed`` (returned to sender) or ``cancelled``.
    - ``parcels``: the weight of each parcel in kg; ``weight_kg`` is their sum.
    - ``tracking_number``, ``label`` (the carrier's label or delivery note), ``service``, ``price``
      (``None`` if the carrier named none) and ``estimated_delivery`` come from the booking;
      ``delivered_at`` and ``proof_of_delivery`` from the delivery.
    """

    id: str
    number: str
    order_id: str
    location: str
    carrier: str
    status: str
    lines: tuple[ShipmentLineView, ...]
    parcels: tuple[Decimal, ...]
    weight_kg: Decimal
    tracking_number: str
    label: str
    service: str
    price: MoneyField | None
    estimated_delivery: date | None
    booking_error: str
    tracking: tuple[TrackingEventView, ...]
    delivered_at: datetime | None
    proof_of_delivery: str


class RateQuoteView(View):
    """One carrier's offer: ``service``, ``price`` and ``transit_days`` (days until delivery)."""

    carrier: str
    service: str
    price: MoneyField
    transit_days: int


# -- returns -----------------------------------------------------------------------------------


class ReturnLineInput(Message):
    """Units of one sku to return (``RequestReturn.lines``, ``Exchange.return_lines``): at most what
    was delivered and is not yet returned or on an open return.
    """

    sku: Sku
    quantity: Quantity


class RequestReturn(Command):
    """Open an RMA for delivered quantities (``OrderManagement.request_return``).

    Returns a :class:`ReturnView` (``RMA-<6 digits>``, status ``requested``); nothing moves until
    ``receive_return``. ``reason``: 1-200 characters. Raises ``NotFound``,
    ``InvalidStateTransition`` for a cancelled order, and ``ValidationError`` for more units than
    are returnable.

    ``idempotency_key`` is unique among return requests; a repeat returns the first return.
    """

    order_id: Id
    lines: Annotated[list[ReturnLineInput], Field(min_length=1, max_length=500)]
    reason: Name
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class ReceiveReturn(Command):
    """The goods are back: restock them (at ``location``, default where they were shipped from) or
    write them off; a credit note and, where already paid, a refund follow.

    Used by ``OrderManagement.receive_return``; returns the :class:`ReturnView`. Where a unit cost
    is known, inventory is posted back (and written off again without ``restock``). Restocked units
    serve backorders. ``refund_method`` defaults to the method the customer paid with. For an
    exchange, what the customer is owed pays for the replacement order first. Raises ``NotFound``,
    and ``InvalidStateTransition`` unless the return is requested.

    ``idempotency_key`` is unique among return receipts; a repeat returns the return as it is now
    and books nothing (without a key, a second receipt is an ``InvalidStateTransition``).
    """

    return_id: Id
    restock: bool = Field(default=True, description="False writes the goods off instead.")
    location: LocationCode | None = None
    refund_method: PaymentMethodName | None = Field(
        default=None, description="Defaults to the method the customer paid with."
    )
    idempotency_key: IdempotencyKey | None = Field(default=None, description=_KEY_HELP)


class RejectReturn(Command):
    """Refuse a requested return (``OrderManagement.reject_return``): nothing comes back, no
    credit note; the units can be asked for again. Raises ``InvalidStateTransition`` for a
    return already received or rejected."""

    return_id: Id
    reason: Name


class Exchange(Command):
    """A return plus a replacement order; the price difference is invoiced or credited.

    Used by ``OrderManagement.exchange``; returns an :class:`ExchangeView`. The return is opened as
    with ``RequestReturn`` and the replacement placed at once for the same customer, channel and
    currency (reserving stock like ``PlaceOrder``). When the return is received, what the customer
    is owed moves to the replacement as a prepayment, up to its price; the rest is refunded, and a
    dearer replacement is invoiced for the difference. Raises what ``RequestReturn`` and
    ``PlaceOrder`` raise.
    """

    order_id: Id
    return_lines: Annotated[list[ReturnLineInput], Field(min_length=1, max_length=500)]
    replacement_lines: Annotated[list[OrderLineInput], Field(min_length=1, max_length=500)]
    reason: Name


class GetReturn(Query):
    """Read one return (``OrderManagement.get_return``); raises ``NotFound``."""

    return_id: Id


class ReturnLineView(View):
    """Units of one order line (``order_line_no``) on a return."""

    order_line_no: int
    sku: str
    quantity: int


class ReturnView(View):
    """A return (Retoure, RMA) of delivered units.

    ``number`` is ``RMA-<6 digits>``; ``status`` is ``requested`` until ``receive_return``, then
    ``received``. ``restocked`` says whether the goods went back to stock (at ``location``) or were
    written off; ``location`` and ``received_at`` are empty until received. ``credit_note_id`` and
    ``refund_id`` name the (first) credit note and refund that followed, ``replacement_order_id``
    the replacement of an exchange; ``""`` where there is none.
    """

    id: str
    number: str
    order_id: str
    customer_id: str
    status: str
    reason: str
    lines: tuple[ReturnLineView, ...]
    restocked: bool
    location: str
    requested_at: datetime
    received_at: datetime | None
    credit_note_id: str
    refund_id: str
    replacement_order_id: str
    rejection_reason: str = ""


class ExchangeView(View):
    """The result of an exchange: the opened return and the placed replacement order."""

    return_request: ReturnView
    replacement_order: OrderView
