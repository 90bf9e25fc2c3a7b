"""OrderManagement: the one object callers talk to.

Every use case is a method with keyword arguments (plain values in, read-only views out) and is
also reachable as ``oms.execute(command)`` with a frozen command from :mod:`ordermgmt.messages`.
The facade knows ports, never adapters: ``in_memory`` and ``from_url`` hand over to
:mod:`ordermgmt.bootstrap`, the only module that knows concrete adapters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

import pydantic

from ordermgmt import messages as m
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.inventory import AllocationPolicy
from ordermgmt.domain.invoice import InvoicePolicy
from ordermgmt.domain.ledger import ChartOfAccounts
from ordermgmt.domain.money import Money
from ordermgmt.ports import (
    CarrierPort,
    Clock,
    Dependencies,
    EventHandler,
    EventPublisher,
    IdGenerator,
    NotificationPort,
    PurchasingPort,
    Settings,
)
from ordermgmt.usecases import HANDLERS
from ordermgmt.usecases.retry import run_with_retry

M = TypeVar("M", bound=m.Message)


def _field_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith("function-") and "[" not in part:
            path += f".{part}" if path else part
    return path or "input"


def build(command_type: type[M], **fields: Any) -> M:
    """Build and validate a command, turning pydantic's errors into ``ValidationError``."""
    try:
        return command_type(**fields)
    except pydantic.ValidationError as error:
        first = error.errors(include_url=False)[0]
        cause = first.get("ctx", {}).get("error")
        reason = cause.reason if isinstance(cause, ValidationError) else first["msg"]
        reason = reason.removeprefix("Value error, ")
        field = _field_path(tuple(first["loc"]))
        value = first.get("input")
        if first["type"] == "missing":
            value = None
        raise ValidationError(field, value, reason) from None


class OrderManagement:
    """The order-to-cash facade. Make one with :meth:`in_memory`, :meth:`from_url`, or from
    explicit :class:`~ordermgmt.ports.Dependencies`."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def in_memory(
        cls,
        *,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        purchasing: PurchasingPort | None = None,
        publisher: EventPublisher | None = None,
        allocation: AllocationPolicy | None = None,
        carriers: Sequence[CarrierPort] | None = None,
        notifications: NotificationPort | None = None,
        invoice_policy: str = "on_order",
        chart: ChartOfAccounts | None = None,
    ) -> OrderManagement:
        """A complete, thread-safe OMS in memory: the test double of a whole OMS. Every argument
        left out gets a default: system clock, UUID ids, invoices on order, and, unlike
        :meth:`from_url`, the simulated adapters (recording purchasing and notifications, a
        simulated parcel carrier ``"parcel"``) besides the own fleet with one van
        (``"own-fleet"``). Carriers in ``carriers`` join these; one with the name of a built-in
        carrier replaces it. Nothing it does leaves the process."""
        from ordermgmt import bootstrap  # the one sanctioned upward import (see pyproject)

        return cls(
            bootstrap.in_memory_dependencies(
                clock=clock,
                ids=ids,
                purchasing=purchasing,
                publisher=publisher,
                allocation=allocation,
                carriers=carriers,
                notifications=notifications,
                settings=_settings(invoice_policy, chart),
            )
        )

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        migrate: bool = False,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        purchasing: PurchasingPort | None = None,
        publisher: EventPublisher | None = None,
        allocation: AllocationPolicy | None = None,
        carriers: Sequence[CarrierPort] | None = None,
        notifications: NotificationPort | None = None,
        invoice_policy: str = "on_order",
        chart: ChartOfAccounts | None = None,
        simulate: Iterable[str] = (),
    ) -> OrderManagement:
        """An OMS on a database: ``sqlite:///orders.db`` (embedded) or
        ``postgresql+psycopg://user@host/db`` (extra ``ordermgmt[postgres]``), or on any
        storage another package registers for its URL scheme (entry point group
        ``ordermgmt.adapters``).

        An out-of-date or empty schema raises ``SchemaOutOfDate`` unless ``migrate=True``
        (or ``python -m ordermgmt db upgrade URL`` ran first).

        A durable OMS never claims an effect that did not happen, so nothing simulated serves
        unless ``simulate`` names it: ``"parcel"`` (a simulated parcel carrier),
        ``"purchasing"`` and ``"notifications"`` (recording adapters), for demos and tests;
        any other name is a ``ValidationError``. Without a purchasing adapter requisitions
        stay pending, without notifications invoices stay unsent (``resend_invoice`` sends them
        once one is configured), and the carriers are those in ``carriers`` plus the own fleet
        (``"own-fleet"``), unless one of them has that name and replaces it.
        Opening logs once, at INFO, which adapter serves each port."""
        from ordermgmt import bootstrap  # the one sanctioned upward import (see pyproject)

        return cls(
            bootstrap.url_dependencies(
                url,
                migrate=migrate,
                clock=clock,
                ids=ids,
                purchasing=purchasing,
                publisher=publisher,
                allocation=allocation,
                carriers=carriers,
                notifications=notifications,
                settings=_settings(invoice_policy, chart),
                simulate=simulate,
            )
        )

    def publish_pending_events(self) -> int:
        """Deliver committed events that were not delivered yet (after a crash, or after the
        event publisher failed); returns how many. Raises ``PublishError`` if the publisher
        fails again (the events stay pending)."""
        outbox = self._deps.outbox
        return 0 if outbox is None else outbox.relay()

    def close(self) -> None:
        """Release database connections (a no-op in memory). Also ``with OrderManagement...``."""
        if self._deps.close is not None:
            self._deps.close()

    def __enter__(self) -> OrderManagement:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def dependencies(self) -> Dependencies:
        """The ports this OMS runs on (for wiring in tests and integrations)."""
        return self._deps

    # -- generic ---------------------------------------------------------------------------

    def execute(self, command: m.Message) -> Any:
        """Run any command or query from :mod:`ordermgmt.messages` and return its result (what
        the facade method of the same use case returns). Raises what that use case raises, and
        ``ValidationError`` for a message type that is no known command or query.

        A use case whose transaction the database gave up on (a deadlock, a serialization
        failure, a busy database) is run again, a few times, before that is raised as
        ``TransientConflict`` (``retryable``)."""
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise ValidationError("command", type(command).__name__, "is not a known command")
        return run_with_retry(handler, self._deps, command)

    def _run(self, command_type: type[M], **fields: Any) -> Any:
        return self.execute(build(command_type, **fields))

    def subscribe(self, handler: EventHandler, *event_types: type[DomainEvent]) -> None:
        """Receive events in real time, after each commit (of ``event_types``, if given)."""
        self._deps.publisher.subscribe(handler, *event_types)

    # -- customers -------------------------------------------------------------------------

    def register_customer(
        self,
        *,
        name: str,
        kind: str,
        payment_preference: str,
        payment_terms_days: int = 0,
        credit_limit: Money | None = None,
        email: str = "",
        phone: str = "",
        billing_address: Mapping[str, str] | None = None,
        shipping_address: Mapping[str, str] | None = None,
        blocked: bool = False,
    ) -> m.CustomerView:
        """Register a customer (``kind`` ``"b2b"`` or ``"b2c"``; ``payment_preference``
        ``"prepayment"``, ``"card"``, ``"cash"`` or ``"invoice"``); see
        :class:`~ordermgmt.messages.RegisterCustomer`. Raises ``ValidationError``, e.g. for a
        credit limit on a B2C customer."""
        return cast(m.CustomerView, self._run(m.RegisterCustomer, **_given(locals())))

    def update_customer(self, customer_id: str, **changes: Any) -> m.CustomerView:
        """Change the given fields of a customer, e.g. ``blocked=True`` or a new address;
        ``credit_limit=None`` removes the limit. Raises ``NotFound``, and ``ValidationError``
        (then nothing changes)."""
        return cast(m.CustomerView, self._run(m.UpdateCustomer, customer_id=customer_id, **changes))

    def get_customer(self, customer_id: str) -> m.CustomerView:
        """The customer with this id; raises ``NotFound`` if there is none."""
        return cast(m.CustomerView, self._run(m.GetCustomer, customer_id=customer_id))

    def customer_profile(self, customer_id: str) -> m.CustomerProfileView:
        """Order count, volume, open amount, first/last order and channels of a customer,
        per currency (see :class:`~ordermgmt.messages.CustomerProfileView`). Raises
        ``NotFound``."""
        return cast(m.CustomerProfileView, self._run(m.GetCustomerProfile, customer_id=customer_id))

    def customer_orders(self, customer_id: str) -> list[m.OrderView]:
        """The customer's order history, oldest first; raises ``NotFound`` for an unknown
        customer."""
        return cast(list[m.OrderView], self._run(m.ListCustomerOrders, customer_id=customer_id))

    def find_orders(
        self,
        *,
        status: str | Sequence[str] = (),
        fulfillment_status: str | Sequence[str] = (),
        payment_status: str | Sequence[str] = (),
        channel: str | Sequence[str] = (),
        customer_id: str | None = None,
        placed_from: datetime | str | None = None,
        placed_to: datetime | str | None = None,
        number_prefix: str = "",
        limit: int = 50,
        cursor: str | None = None,
    ) -> m.OrderPage:
        """One page of all orders matching the filters, newest first; pass the page's
        ``next_cursor`` as ``cursor`` for the next. See :class:`~ordermgmt.messages.FindOrders`
        for the filters and what pagination promises. Raises ``ValidationError`` for an unknown
        status or channel, a naive or reversed time range, a limit outside 1 to 500, or a cursor
        that no page returned."""
        return cast(m.OrderPage, self._run(m.FindOrders, **_given(locals())))

    # -- catalog ---------------------------------------------------------------------------

    def upsert_product(
        self,
        *,
        sku: str,
        name: str,
        unit_price: Money,
        tax_rate: Decimal | str,
        reorder_point: int = 0,
        reorder_quantity: int = 0,
        active: bool = True,
        unit_cost: Money | None = None,
        weight_kg: Decimal | str | None = None,
    ) -> m.ProductView:
        """Create or change a product; ``tax_rate`` is a fraction (``Decimal("0.19")``).

        Every field is replaced: one left out takes its default (``active=True``, no
        ``unit_cost``, weight 0). Placed orders keep their prices. Raises ``ValidationError``.
        """
        return cast(m.ProductView, self._run(m.UpsertProduct, **_given(locals())))

    def deactivate_product(self, sku: str) -> m.ProductView:
        """Stop selling ``sku``: new orders for it raise ``ProductInactive``; placed orders and
        stock are untouched, and doing it twice changes nothing. Returns the product; raises
        ``NotFound`` for an unknown sku. :meth:`upsert_product` activates it again."""
        return cast(m.ProductView, self._run(m.DeactivateProduct, sku=sku))

    def get_product(self, sku: str) -> m.ProductView:
        """The product with this sku; raises ``NotFound`` if there is none."""
        return cast(m.ProductView, self._run(m.GetProduct, sku=sku))

    def products(self, *, active_only: bool = False) -> list[m.ProductView]:
        """Every product sorted by sku (only the active ones with ``active_only=True``)."""
        return cast(list[m.ProductView], self._run(m.ListProducts, active_only=active_only))

    # -- stock -----------------------------------------------------------------------------

    def define_location(
        self, code: str, *, name: str | None = None, priority: int | None = None
    ) -> m.LocationView:
        """Create or change a stock location; lower ``priority`` is allocated first.

        A new location gets priority 100 unless given; changing one keeps what is not given.
        ``name`` defaults to the code."""
        return cast(m.LocationView, self._run(m.DefineLocation, **_given(locals())))

    def receive_stock(
        self,
        *,
        sku: str,
        location: str,
        quantity: int,
        supplier: str,
        reference: str = "",
        unit_cost: Money | None = None,
        idempotency_key: str | None = None,
    ) -> m.ReceiptView:
        """Record a supplier delivery; open backorders are served oldest first and the open
        requisition for the sku and location is closed. The location is created on first use.
        The same ``idempotency_key`` again (unique among supplier receipts; the delivery note,
        say) returns the first receipt and books nothing. Raises ``NotFound`` for an unknown
        sku."""
        return cast(m.ReceiptView, self._run(m.ReceiveStock, **_given(locals())))

    def adjust_stock(
        self,
        *,
        sku: str,
        location: str,
        reason: str,
        change: int | None = None,
        counted: int | None = None,
        note: str = "",
        idempotency_key: str | None = None,
    ) -> m.AvailabilityView:
        """Correct stock by ``change`` units or to a ``counted`` total, with a reason
        (``count``, ``damage``, ``loss``, ``found``, ``correction``). Reservations a shortfall
        takes away go back on backorder, youngest order first. The same ``idempotency_key``
        again (unique among stock adjustments) changes nothing. Raises ``NotFound`` for an
        unknown sku, ``ValidationError`` for a result below 0 on hand."""
        return cast(m.AvailabilityView, self._run(m.AdjustStock, **_given(locals())))

    def move_stock(
        self,
        *,
        sku: str,
        from_location: str,
        to_location: str,
        quantity: int,
        idempotency_key: str | None = None,
    ) -> m.AvailabilityView:
        """Move unreserved units between locations. The same ``idempotency_key`` again (unique
        among stock moves) changes nothing. Raises ``NotFound`` (sku, source),
        ``InsufficientStock`` if fewer units are available at the source."""
        return cast(m.AvailabilityView, self._run(m.MoveStock, **_given(locals())))

    def availability(self, sku: str) -> m.AvailabilityView:
        """On hand, reserved, available and backordered units of a sku, per location; raises
        ``NotFound`` for an unknown sku."""
        return cast(m.AvailabilityView, self._run(m.GetAvailability, sku=sku))

    def open_backorders(self, sku: str | None = None) -> list[m.BackorderView]:
        """Backordered order lines, oldest order first."""
        return cast(list[m.BackorderView], self._run(m.ListOpenBackorders, sku=sku))

    def open_purchase_requisitions(self) -> list[m.RequisitionView]:
        """Open purchase requisitions, oldest first. ``submitted=False`` marks those purchasing
        has not acknowledged yet; :meth:`submit_pending_requisitions` retries them."""
        return cast(list[m.RequisitionView], self._run(m.ListOpenRequisitions))

    def submit_pending_requisitions(self) -> int:
        """Hand purchasing every open requisition it has not acknowledged: a retry after a
        failure, or the first hand-over of those raised while no purchasing adapter was
        configured. Returns how many it accepted now (0 without a purchasing adapter). A
        refusal is logged, kept in the requisition's ``submission_error``, and the requisition
        stays pending."""
        return cast(int, self._run(m.SubmitPendingRequisitions))

    # -- orders ----------------------------------------------------------------------------

    def place_order(
        self,
        *,
        customer_id: str,
        channel: str,
        lines: Sequence[Mapping[str, Any]],
        currency: str | None = None,
        idempotency_key: str | None = None,
        customer_reference: str = "",
    ) -> m.OrderView:
        """Place an order. ``lines`` are ``{"sku": ..., "quantity": ...}`` with optional
        ``unit_price`` (a validated override) and ``discount``. Stock is reserved at once by the
        allocation policy; what cannot be reserved is backordered. An order over a B2B credit
        limit is placed on hold. See :class:`~ordermgmt.messages.PlaceOrder`.

        Raises ``NotFound`` (customer, product), ``CustomerBlocked``, ``ProductInactive``,
        ``CurrencyMismatch``, ``IdempotencyConflict``, ``ValidationError``."""
        return cast(m.OrderView, self._run(m.PlaceOrder, **_given(locals())))

    def cancel_order(self, order_id: str, *, reason: str = "") -> m.OrderView:
        """Cancel what is still open of an order; reservations and backorders are released,
        invoiced units credited and paid money refunded. A partly shipped order stays open.
        Raises ``NotFound``, ``InvalidStateTransition`` (completed, cancelled, nothing open)."""
        return cast(m.OrderView, self._run(m.CancelOrder, order_id=order_id, reason=reason))

    def hold_order(self, order_id: str, *, reason: str) -> m.OrderView:
        """Put an open order on hold: it keeps its reservations but cannot be shipped until
        :meth:`release_order`. Returns the order; raises ``NotFound``, and
        ``InvalidStateTransition`` unless the order is open."""
        return cast(m.OrderView, self._run(m.HoldOrder, order_id=order_id, reason=reason))

    def release_order(self, order_id: str) -> m.OrderView:
        """Release an order on hold, whatever the reason (a credit hold is not checked against
        the limit again). Returns the order; raises ``NotFound``, and
        ``InvalidStateTransition`` unless the order is on hold."""
        return cast(m.OrderView, self._run(m.ReleaseOrder, order_id=order_id))

    def get_order(self, order_id: str | None = None, *, number: str | None = None) -> m.OrderView:
        """An order by id, or by its human ``number`` (``SO-000042``); give exactly one
        (``ValidationError`` otherwise). Raises ``NotFound``."""
        return cast(m.OrderView, self._run(m.GetOrder, order_id=order_id, number=number))

    # -- accounting ------------------------------------------------------------------------

    def issue_invoice(self, order_id: str) -> m.InvoiceView:
        """Invoice the order (what the invoice policy allows), post it and send it. The
        number is gapless per year (``INV-2026-000001``); the due date follows the terms.
        A failed send is logged and leaves ``sent_to`` empty (see :meth:`resend_invoice`).
        Raises ``NotFound``, ``ValidationError`` (cancelled order, nothing left to invoice)."""
        return cast(m.InvoiceView, self._run(m.IssueInvoice, order_id=order_id))

    def resend_invoice(self, invoice_id: str) -> m.InvoiceView:
        """Send an invoice that was never sent (its sending failed, or no notification adapter
        was configured when it was issued), or send it again. Raises ``NotFound``, and
        ``NotificationError`` if it cannot be sent (also without a notification adapter); the
        failure's reason is kept in the invoice's ``send_error`` and ``details`` carry the
        invoice's ``reference`` (number) and ``invoice_id``."""
        return cast(m.InvoiceView, self._run(m.ResendInvoice, invoice_id=invoice_id))

    def record_payment(
        self,
        *,
        amount: Money,
        method: str,
        reference: str = "",
        invoice_id: str | None = None,
        order_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.PaymentView:
        """Record money received for an invoice, or for an order: it pays the order's open
        invoices, oldest due date first, and the rest is a prepayment of what is not invoiced
        yet (a cash-sale customer paying all of that makes it a cash sale). More than is open
        raises ``Overpayment``; an amount in another currency ``CurrencyMismatch``. The same
        ``idempotency_key`` again (unique among payments) returns the first payment and books
        nothing (``IdempotencyConflict`` for other content). Also raises ``NotFound`` and
        ``ValidationError``. See :class:`~ordermgmt.messages.RecordPayment`."""
        return cast(m.PaymentView, self._run(m.RecordPayment, **_given(locals())))

    def issue_credit_note(
        self,
        invoice_id: str,
        *,
        reason: str,
        lines: Sequence[Mapping[str, Any]] | None = None,
        refund: bool = True,
        idempotency_key: str | None = None,
    ) -> m.CreditNoteView:
        """Reverse an invoice fully (no ``lines``) or partly; refunds overpaid money unless
        ``refund=False``. The same ``idempotency_key`` again (unique among credit notes)
        returns the first note. Raises ``NotFound``, and ``ValidationError`` for a sku not on
        the invoice or more units than are left to credit."""
        return cast(m.CreditNoteView, self._run(m.IssueCreditNote, **_given(locals())))

    def pay_refund(
        self,
        invoice_id: str,
        *,
        amount: Money | None = None,
        method: str | None = None,
        reference: str = "",
        idempotency_key: str | None = None,
    ) -> m.PaymentView:
        """Pay out a refund due on an invoice (by default all of it, by the original method).
        The same ``idempotency_key`` again (unique among refunds) returns the first refund.
        Raises ``ValidationError`` if no refund (or less) is due, and ``NotFound``."""
        return cast(m.PaymentView, self._run(m.PayRefund, **_given(locals())))

    def get_invoice(
        self, invoice_id: str | None = None, *, number: str | None = None
    ) -> m.InvoiceView:
        """An invoice by id, or by its ``number`` (``INV-2026-000001``); give exactly one
        (``ValidationError`` otherwise). Raises ``NotFound``."""
        return cast(m.InvoiceView, self._run(m.GetInvoice, invoice_id=invoice_id, number=number))

    def order_invoices(self, order_id: str) -> list[m.InvoiceView]:
        """The order's invoices, oldest first; raises ``NotFound`` for an unknown order."""
        return cast(list[m.InvoiceView], self._run(m.ListOrderInvoices, order_id=order_id))

    def trial_balance(self) -> m.TrialBalanceView:
        """Every account's debits, credits and balance; per currency debits equal credits."""
        return cast(m.TrialBalanceView, self._run(m.GetTrialBalance))

    def journal(self, reference: str | None = None) -> list[m.JournalEntryView]:
        """Journal entries in posting order (only those about ``reference``, if given)."""
        return cast(list[m.JournalEntryView], self._run(m.ListJournal, reference=reference))

    def overdue_invoices(self, as_of: date) -> list[m.OverdueInvoiceView]:
        """The dunning list on ``as_of``: customer, invoice, days overdue, amount. A snapshot of
        that day: what was issued, paid or credited later does not count."""
        return cast(list[m.OverdueInvoiceView], self._run(m.ListOverdueInvoices, as_of=as_of))

    def receivables_aging(self, as_of: date) -> m.ReceivablesAgingView:
        """Open receivables per currency in buckets of days past due, as they stood at the end
        of ``as_of`` (later invoices, payments and credits do not count)."""
        return cast(m.ReceivablesAgingView, self._run(m.GetReceivablesAging, as_of=as_of))

    # -- delivery --------------------------------------------------------------------------

    def ship_order(
        self,
        order_id: str,
        *,
        carrier: str,
        location: str | None = None,
        lines: Sequence[Mapping[str, Any]] | None = None,
        parcels: Sequence[Decimal | str] | None = None,
        idempotency_key: str | None = None,
    ) -> m.ShipmentView:
        """Ship reserved units (all, or ``lines``) from one location with a carrier (once per
        ``idempotency_key``, unique among shipments: a repeat returns the first shipment). A failed
        booking raises ``CarrierError`` (with ``details["shipment_id"]``) and leaves the
        shipment pending and the stock reserved; ``book_shipment`` retries.

        Also raises ``NotFound`` (order, carrier), ``InvalidStateTransition`` unless the order
        is open, ``ValidationError`` when nothing (or not the given lines) is reserved there, and
        ``Conflict`` when the order changed while the carrier booked (the booking and the
        shipment are then cancelled)."""
        return cast(m.ShipmentView, self._run(m.ShipOrder, **_given(locals())))

    def book_shipment(self, shipment_id: str) -> m.ShipmentView:
        """Retry booking a pending shipment whose booking failed; on success the goods leave
        stock as in :meth:`ship_order`. A shipment that is not pending is returned unchanged.
        Raises ``CarrierError`` (the shipment stays pending), ``Conflict`` if the order is no
        longer open (the booking and the shipment are cancelled), and ``NotFound``."""
        return cast(m.ShipmentView, self._run(m.BookShipment, shipment_id=shipment_id))

    def cancel_shipment(self, shipment_id: str) -> m.ShipmentView:
        """Cancel a pending (not booked) shipment, e.g. one whose booking keeps failing; its
        units stay reserved for the order. Raises ``InvalidStateTransition`` unless the
        shipment is pending, and ``NotFound``."""
        return cast(m.ShipmentView, self._run(m.CancelShipment, shipment_id=shipment_id))

    def record_tracking(
        self, shipment_id: str, *, status: str, description: str = ""
    ) -> m.ShipmentView:
        """Record a tracking event (``picked_up``, ``in_transit``, ``delivered``, ...);
        ``delivered`` delivers the shipment's units. Raises ``InvalidStateTransition`` unless
        the shipment is booked or in transit, and ``NotFound``."""
        return cast(m.ShipmentView, self._run(m.TrackingInput, **_given(locals())))

    def refresh_tracking(self, shipment_id: str) -> m.ShipmentView:
        """Fetch the carrier's tracking events and apply the new ones (booked and in-transit
        shipments only; others are returned unchanged). Raises ``CarrierError``, ``NotFound``."""
        return cast(m.ShipmentView, self._run(m.RefreshTracking, shipment_id=shipment_id))

    def confirm_delivery(self, shipment_id: str, *, proof: str) -> m.ShipmentView:
        """The driver's proof of delivery; delivers the shipment's units. Raises
        ``InvalidStateTransition`` unless the shipment is booked or in transit, ``NotFound``."""
        return cast(
            m.ShipmentView, self._run(m.ConfirmDelivery, shipment_id=shipment_id, proof=proof)
        )

    def quote_shipping(
        self, order_id: str, *, location: str | None = None
    ) -> list[m.RateQuoteView]:
        """Rates of every carrier, cheapest first, for what of the order is reserved (at
        ``location``, required when reservations span locations) and not yet on a pending
        shipment, as one parcel. Carriers that cannot quote are left out. Raises ``NotFound``,
        ``InvalidStateTransition`` unless the order is open, and ``ValidationError`` when
        nothing is reserved to ship."""
        return cast(
            list[m.RateQuoteView], self._run(m.QuoteShipping, order_id=order_id, location=location)
        )

    def get_shipment(self, shipment_id: str) -> m.ShipmentView:
        """The shipment with this id; raises ``NotFound`` if there is none."""
        return cast(m.ShipmentView, self._run(m.GetShipment, shipment_id=shipment_id))

    def order_shipments(self, order_id: str) -> list[m.ShipmentView]:
        """The order's shipments, oldest first, cancelled ones included; raises ``NotFound``
        for an unknown order."""
        return cast(list[m.ShipmentView], self._run(m.ListOrderShipments, order_id=order_id))

    # -- returns ---------------------------------------------------------------------------

    def request_return(
        self,
        order_id: str,
        *,
        lines: Sequence[Mapping[str, Any]],
        reason: str,
        idempotency_key: str | None = None,
    ) -> m.ReturnView:
        """Open a return (RMA) for delivered units; nothing moves until
        :meth:`receive_return`. The same ``idempotency_key`` again (unique among return
        requests) returns the first return. Raises ``NotFound``, ``InvalidStateTransition``
        for a cancelled order, and ``ValidationError`` for more units than were delivered and
        not returned."""
        return cast(m.ReturnView, self._run(m.RequestReturn, **_given(locals())))

    def receive_return(
        self,
        return_id: str,
        *,
        restock: bool = True,
        location: str | None = None,
        refund_method: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.ReturnView:
        """Goods are back: restocked (or written off), credited, and refunded where paid.
        The same ``idempotency_key`` again (unique among return receipts) returns the return
        as it is and books nothing. Raises ``NotFound``, and ``InvalidStateTransition`` unless
        the return is requested."""
        return cast(m.ReturnView, self._run(m.ReceiveReturn, **_given(locals())))

    def exchange(
        self,
        order_id: str,
        *,
        return_lines: Sequence[Mapping[str, Any]],
        replacement_lines: Sequence[Mapping[str, Any]],
        reason: str,
    ) -> m.ExchangeView:
        """A return plus a replacement order; the credit pays for the replacement first.
        Raises what :meth:`request_return` and :meth:`place_order` raise."""
        return cast(m.ExchangeView, self._run(m.Exchange, **_given(locals())))

    def reject_return(self, return_id: str, *, reason: str) -> m.ReturnView:
        """Refuse a requested return: nothing comes back and nothing is credited; the units can
        be asked for again. ``InvalidStateTransition`` if it was received or rejected already,
        ``NotFound`` for an unknown id."""
        return cast(m.ReturnView, self._run(m.RejectReturn, return_id=return_id, reason=reason))

    def get_return(self, return_id: str) -> m.ReturnView:
        """The return (RMA) with this id; raises ``NotFound`` if there is none."""
        return cast(m.ReturnView, self._run(m.GetReturn, return_id=return_id))


def _settings(invoice_policy: str, chart: ChartOfAccounts | None) -> Settings:
    try:
        policy = InvoicePolicy(invoice_policy)
    except ValueError:
        raise ValidationError(
            "invoice_policy", invoice_policy, "must be 'on_order' or 'on_shipment'"
        ) from None
    return Settings(invoice_policy=policy, chart=chart or ChartOfAccounts())


def _given(arguments: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a facade method, without ``self`` and unset optionals."""
    return {k: v for k, v in arguments.items() if k != "self" and v is not None}
