"""Commands, queries and results: frozen pydantic models.

This is where bad input stops. Every command validates its fields before the domain sees them,
and a failure becomes an :class:`ordermgmt.errors.ValidationError` naming the field and value.
Results are read-only views: plain values, never live domain objects.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictInt,
    WithJsonSchema,
    model_validator,
)

from ordermgmt.domain.catalog import require_sku, require_tax_rate
from ordermgmt.domain.customer import CustomerKind, PaymentPreference
from ordermgmt.domain.inventory import require_location
from ordermgmt.domain.money import Money, minor_unit
from ordermgmt.domain.order import Channel, FulfillmentStatus, OrderStatus, PaymentStatus
from ordermgmt.domain.purchasing import RequisitionReason, RequisitionStatus

# -- field types -------------------------------------------------------------------------------


def _money(value: object) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, dict) and set(value) == {"amount", "currency"}:
        return Money(value["amount"], value["currency"])
    if isinstance(value, str) and len(value.split()) == 2:
        amount, currency = value.split()
        return Money(amount, currency)
    raise ValueError("expected Money, {'amount': ..., 'currency': ...} or '12.50 EUR'")


def _money_out(value: Money) -> dict[str, str]:
    return {"amount": value.canonical, "currency": value.currency}


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


TaxRate = Annotated[Decimal, PlainValidator(_rate), WithJsonSchema({"type": "string"})]
Sku = Annotated[str, PlainValidator(require_sku), WithJsonSchema({"type": "string"})]
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
    return weight


Weight = Annotated[Decimal, PlainValidator(_weight), WithJsonSchema({"type": "string"})]


def _currency(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 4217 code such as 'EUR'")
    minor_unit(value)  # raises for codes that are not ISO 4217
    return value


CurrencyCode = Annotated[str, PlainValidator(_currency), WithJsonSchema({"type": "string"})]
Quantity = Annotated[StrictInt, Field(gt=0, le=1_000_000)]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(max_length=200)]
Reference = Annotated[str, Field(max_length=100)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Command(Message):
    """Base of every command: a request to change something."""


class Query(Message):
    """Base of every query: a request to read something."""


class View(BaseModel):
    """Base of every result: a frozen snapshot, safe to keep and to serialize."""

    model_config = ConfigDict(frozen=True)


# -- customers ---------------------------------------------------------------------------------


class AddressData(Message):
    line1: Name
    city: Annotated[str, Field(min_length=1, max_length=100)]
    postal_code: Annotated[str, Field(min_length=1, max_length=20)]
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    line2: Text = ""
    name: Text = ""


class RegisterCustomer(Command):
    name: Name
    kind: CustomerKind
    payment_preference: PaymentPreference
    payment_terms_days: Annotated[StrictInt, Field(ge=0, le=365)] = 0
    credit_limit: MoneyField | None = None
    email: Annotated[str, Field(max_length=254)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    billing_address: AddressData | None = None
    shipping_address: AddressData | None = None
    blocked: bool = False


class UpdateCustomer(Command):
    """Change the fields given; fields left out stay as they are."""

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
    customer_id: Id


class AddressView(View):
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str
    name: str


class CustomerView(View):
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
    customer_id: Id


class CustomerProfileView(View):
    """Figures derived from the customer's orders. Amounts are per currency."""

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
    sku: Sku
    name: Name
    unit_price: MoneyField
    tax_rate: TaxRate
    reorder_point: Count = 0
    reorder_quantity: Count = 0
    active: bool = True
    unit_cost: MoneyField | None = None
    weight_kg: Weight = Decimal(0)


class DeactivateProduct(Command):
    sku: Sku


class GetProduct(Query):
    sku: Sku


class ListProducts(Query):
    active_only: bool = False


class ProductView(View):
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
    """Create or change a stock location; lower ``priority`` is allocated first."""

    code: LocationCode
    name: Name | None = None
    priority: Annotated[StrictInt, Field(ge=0, le=1_000_000)] = 100


class LocationView(View):
    code: str
    name: str
    priority: int


class ReceiveStock(Command):
    """Record a supplier delivery (Wareneingang). Serves open backorders oldest first."""

    sku: Sku
    location: LocationCode
    quantity: Quantity
    supplier: Name
    reference: Reference = ""
    unit_cost: MoneyField | None = None


AdjustReason = Literal["count", "damage", "loss", "found", "correction"]


class AdjustStock(Command):
    """Correct stock with a reason: either by ``change`` (+/- units) or to a ``counted`` total.

    When the new on-hand quantity is below what is reserved, the youngest reservations at that
    location go back on backorder (the oldest orders keep their goods).
    """

    sku: Sku
    location: LocationCode
    reason: AdjustReason
    change: Annotated[StrictInt, Field(ge=-1_000_000_000, le=1_000_000_000)] | None = None
    counted: Count | None = None
    note: Text = ""

    @model_validator(mode="after")
    def _one_of(self) -> AdjustStock:
        if (self.change is None) == (self.counted is None):
            raise ValueError("give exactly one of change or counted")
        if self.change == 0:
            raise ValueError("change must not be 0")
        return self


class MoveStock(Command):
    """Move unreserved units from one location to another."""

    sku: Sku
    from_location: LocationCode
    to_location: LocationCode
    quantity: Quantity

    @model_validator(mode="after")
    def _different(self) -> MoveStock:
        if self.from_location == self.to_location:
            raise ValueError("from_location and to_location must differ")
        return self


class GetAvailability(Query):
    sku: Sku


class LocationStockView(View):
    location: str
    on_hand: int
    reserved: int
    available: int


class AvailabilityView(View):
    """Stock of one sku: totals and per location (in allocation order)."""

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


class StockMovementView(View):
    sku: str
    location: str
    on_hand: int
    reserved: int
    available: int


class ReceiptView(View):
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
    sku: Sku | None = None


class BackorderView(View):
    order_id: str
    order_number: str
    customer_id: str
    line_no: int
    sku: str
    quantity: int
    placed_at: datetime


class ListOpenRequisitions(Query):
    pass


class RequisitionView(View):
    id: str
    sku: str
    location: str
    quantity: int
    reason: RequisitionReason
    status: RequisitionStatus
    submitted: bool
    raised_at: datetime


class SubmitPendingRequisitions(Command):
    """Hand purchasing every open requisition it has not yet acknowledged (a retry)."""


# -- orders ------------------------------------------------------------------------------------


class OrderLineInput(Message):
    sku: Sku
    quantity: Quantity
    unit_price: MoneyField | None = Field(
        default=None, description="Overrides the catalog price for this line."
    )
    discount: MoneyField | None = None


class PlaceOrder(Command):
    """Place an order. A repeated ``idempotency_key`` returns the first order."""

    customer_id: Id
    channel: Channel
    lines: Annotated[list[OrderLineInput], Field(min_length=1, max_length=500)]
    currency: CurrencyCode | None = None
    idempotency_key: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    customer_reference: Reference = ""

    def fingerprint(self) -> str:
        """What makes two submissions "the same order" (everything but the key)."""
        return self.model_dump_json(exclude={"idempotency_key"})


class CancelOrder(Command):
    order_id: Id
    reason: Text = ""


class HoldOrder(Command):
    order_id: Id
    reason: Name


class ReleaseOrder(Command):
    order_id: Id


class GetOrder(Query):
    """Find an order by ``order_id`` or by its human ``number``."""

    order_id: Id | None = None
    number: Annotated[str, Field(min_length=1, max_length=40)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> GetOrder:
        if (self.order_id is None) == (self.number is None):
            raise ValueError("give exactly one of order_id or number")
        return self


class ListCustomerOrders(Query):
    customer_id: Id


class OrderLineView(View):
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
    rate: Decimal
    net: MoneyField
    tax: MoneyField


class OrderView(View):
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
        """The first line for ``sku``."""
        for line in self.lines:
            if line.sku == sku:
                return line
        raise KeyError(sku)

    @property
    def reserved(self) -> int:
        return sum(line.reserved for line in self.lines)

    @property
    def backordered(self) -> int:
        return sum(line.backordered for line in self.lines)


def dump(value: Any) -> Any:
    """A JSON-friendly form of a view or a list of views."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    return value


# -- accounting --------------------------------------------------------------------------------

PaymentMethodName = Literal["bank_transfer", "card", "cash", "direct_debit", "paypal"]


class IssueInvoice(Command):
    """Invoice what the OMS's invoice policy allows and was not yet invoiced; post and send it."""

    order_id: Id


class ResendInvoice(Command):
    invoice_id: Id


class RecordPayment(Command):
    """Money received: for an ``invoice_id``, or for an ``order_id`` not yet invoiced (a
    prepayment; for cash-sale customers a payment of the whole order is booked as a cash sale)."""

    amount: MoneyField
    method: PaymentMethodName
    reference: Reference = ""
    invoice_id: Id | None = None
    order_id: Id | None = None

    @model_validator(mode="after")
    def _one_of(self) -> RecordPayment:
        if (self.invoice_id is None) == (self.order_id is None):
            raise ValueError("give exactly one of invoice_id or order_id")
        return self


class CreditLineInput(Message):
    sku: Sku
    quantity: Quantity


class IssueCreditNote(Command):
    """Reverse an invoice fully (no ``lines``) or the given quantities of it."""

    invoice_id: Id
    reason: Name
    lines: Annotated[list[CreditLineInput], Field(min_length=1, max_length=500)] | None = None
    refund: bool = Field(default=True, description="Pay back at once what the customer overpaid.")


class PayRefund(Command):
    """Pay out a refund due on an invoice (all of it unless ``amount`` is given)."""

    invoice_id: Id
    amount: MoneyField | None = None
    method: PaymentMethodName | None = None
    reference: Reference = ""


class GetInvoice(Query):
    invoice_id: Id | None = None
    number: Annotated[str, Field(min_length=1, max_length=40)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> GetInvoice:
        if (self.invoice_id is None) == (self.number is None):
            raise ValueError("give exactly one of invoice_id or number")
        return self


class ListOrderInvoices(Query):
    order_id: Id


class GetTrialBalance(Query):
    pass


class ListJournal(Query):
    reference: Annotated[str, Field(max_length=100)] | None = None


class ListOverdueInvoices(Query):
    as_of: date


class GetReceivablesAging(Query):
    as_of: date


class DocumentLineView(View):
    order_line_no: int
    sku: str
    name: str
    quantity: int
    unit_price: MoneyField
    discount: MoneyField
    tax_rate: Decimal
    net: MoneyField


class InvoiceView(View):
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


class CreditNoteView(View):
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


class PaymentView(View):
    id: str
    kind: str
    customer_id: str
    order_id: str
    invoice_id: str
    amount: MoneyField
    method: str
    reference: str
    received_at: datetime


class PostingView(View):
    account: str
    side: str
    amount: MoneyField


class JournalEntryView(View):
    id: str
    posted_at: datetime
    description: str
    reference: str
    postings: tuple[PostingView, ...]


class TrialBalanceLine(View):
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
        return self.total_debit == self.total_credit

    def balance(self, account: str, currency: str) -> Decimal:
        """Debit minus credit of one account (0 if it has no postings)."""
        for line in self.lines:
            if line.account == account and line.currency == currency:
                return line.balance
        return Decimal(0)


class OverdueInvoiceView(View):
    customer_id: str
    customer_name: str
    invoice_id: str
    invoice_number: str
    due_date: date
    days_overdue: int
    outstanding: MoneyField


class AgingBucketView(View):
    currency: str
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    total: Decimal


class ReceivablesAgingView(View):
    as_of: date
    buckets: tuple[AgingBucketView, ...]


# -- delivery ----------------------------------------------------------------------------------


class ShipLineInput(Message):
    sku: Sku
    quantity: Quantity


class ShipOrder(Command):
    """Ship what is reserved (at ``location``; required when reservations span locations),
    all of it or the given ``lines``; books the ``carrier``."""

    order_id: Id
    carrier: Annotated[str, Field(min_length=1, max_length=40)]
    location: LocationCode | None = None
    lines: Annotated[list[ShipLineInput], Field(min_length=1, max_length=500)] | None = None
    parcels: Annotated[list[Weight], Field(min_length=1, max_length=100)] | None = Field(
        default=None,
        description="Parcel weights in kg; one parcel of the goods' weight if omitted.",
    )


class BookShipment(Command):
    """Retry booking a shipment whose booking failed."""

    shipment_id: Id


class CancelShipment(Command):
    """Cancel a shipment that was not booked; its units stay reserved for the order."""

    shipment_id: Id


class TrackingInput(Command):
    shipment_id: Id
    status: Literal[
        "picked_up",
        "in_transit",
        "out_for_delivery",
        "delivered",
        "failed_attempt",
        "returned_to_sender",
    ]
    description: Text = ""


class RefreshTracking(Command):
    """Ask the carrier for news and record it."""

    shipment_id: Id


class ConfirmDelivery(Command):
    """The driver's (or carrier's) proof that the shipment arrived."""

    shipment_id: Id
    proof: Annotated[str, Field(min_length=1, max_length=500)]


class QuoteShipping(Query):
    order_id: Id
    location: LocationCode | None = None


class GetShipment(Query):
    shipment_id: Id


class ListOrderShipments(Query):
    order_id: Id


class ShipmentLineView(View):
    order_line_no: int
    sku: str
    quantity: int


class TrackingEventView(View):
    status: str
    at: datetime
    description: str


class ShipmentView(View):
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
    carrier: str
    service: str
    price: MoneyField
    transit_days: int


# -- returns -----------------------------------------------------------------------------------


class ReturnLineInput(Message):
    sku: Sku
    quantity: Quantity


class RequestReturn(Command):
    """Open an RMA for delivered quantities."""

    order_id: Id
    lines: Annotated[list[ReturnLineInput], Field(min_length=1, max_length=500)]
    reason: Name


class ReceiveReturn(Command):
    """The goods are back: restock them (at ``location``, default where they were shipped
    from) or write them off; a credit note and, where already paid, a refund follow."""

    return_id: Id
    restock: bool = True
    location: LocationCode | None = None
    refund_method: PaymentMethodName | None = None


class Exchange(Command):
    """A return plus a replacement order; the price difference is invoiced or credited."""

    order_id: Id
    return_lines: Annotated[list[ReturnLineInput], Field(min_length=1, max_length=500)]
    replacement_lines: Annotated[list[OrderLineInput], Field(min_length=1, max_length=500)]
    reason: Name


class GetReturn(Query):
    return_id: Id


class ReturnLineView(View):
    order_line_no: int
    sku: str
    quantity: int


class ReturnView(View):
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


class ExchangeView(View):
    return_request: ReturnView
    replacement_order: OrderView
