"""OrderManagement: the one object callers talk to.

Every use case is a method with keyword arguments (plain values in, read-only views out) and is
also reachable as ``oms.execute(command)`` with a frozen command from :mod:`ordermgmt.messages`.
The facade knows ports, never adapters: ``in_memory`` and ``from_url`` hand over to
:mod:`ordermgmt.bootstrap`, the only module that knows concrete adapters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

import pydantic

from ordermgmt import messages as m
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.events import DomainEvent
from ordermgmt.domain.inventory import AllocationPolicy
from ordermgmt.domain.money import Money
from ordermgmt.ports import (
    Clock,
    Dependencies,
    EventHandler,
    EventPublisher,
    IdGenerator,
    PurchasingPort,
)
from ordermgmt.usecases import HANDLERS

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
    ) -> OrderManagement:
        """A complete, thread-safe OMS in memory. Every argument left out gets a default."""
        from ordermgmt import bootstrap  # the one sanctioned upward import (see pyproject)

        return cls(
            bootstrap.in_memory_dependencies(
                clock=clock,
                ids=ids,
                purchasing=purchasing,
                publisher=publisher,
                allocation=allocation,
            )
        )

    @property
    def dependencies(self) -> Dependencies:
        """The ports this OMS runs on (for wiring in tests and integrations)."""
        return self._deps

    # -- generic ---------------------------------------------------------------------------

    def execute(self, command: m.Message) -> Any:
        """Run any command or query from :mod:`ordermgmt.messages` and return its result."""
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise ValidationError("command", type(command).__name__, "is not a known command")
        return handler(self._deps, command)

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
        ``"prepayment"``, ``"card"``, ``"cash"`` or ``"invoice"``)."""
        return cast(m.CustomerView, self._run(m.RegisterCustomer, **_given(locals())))

    def update_customer(self, customer_id: str, **changes: Any) -> m.CustomerView:
        """Change the given fields of a customer, e.g. ``blocked=True`` or a new address."""
        return cast(m.CustomerView, self._run(m.UpdateCustomer, customer_id=customer_id, **changes))

    def get_customer(self, customer_id: str) -> m.CustomerView:
        return cast(m.CustomerView, self._run(m.GetCustomer, customer_id=customer_id))

    def customer_profile(self, customer_id: str) -> m.CustomerProfileView:
        """Order count, volume, open amount, first/last order and channels of a customer."""
        return cast(m.CustomerProfileView, self._run(m.GetCustomerProfile, customer_id=customer_id))

    def customer_orders(self, customer_id: str) -> list[m.OrderView]:
        """The customer's order history, oldest first."""
        return cast(list[m.OrderView], self._run(m.ListCustomerOrders, customer_id=customer_id))

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
    ) -> m.ProductView:
        """Create or change a product; ``tax_rate`` is a fraction (``Decimal("0.19")``)."""
        return cast(m.ProductView, self._run(m.UpsertProduct, **_given(locals())))

    def deactivate_product(self, sku: str) -> m.ProductView:
        return cast(m.ProductView, self._run(m.DeactivateProduct, sku=sku))

    def get_product(self, sku: str) -> m.ProductView:
        return cast(m.ProductView, self._run(m.GetProduct, sku=sku))

    def products(self, *, active_only: bool = False) -> list[m.ProductView]:
        return cast(list[m.ProductView], self._run(m.ListProducts, active_only=active_only))

    # -- stock -----------------------------------------------------------------------------

    def define_location(
        self, code: str, *, name: str | None = None, priority: int = 100
    ) -> m.LocationView:
        """Create or change a stock location; lower ``priority`` is allocated first."""
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
    ) -> m.ReceiptView:
        """Record a supplier delivery; open backorders are served oldest first."""
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
    ) -> m.AvailabilityView:
        """Correct stock by ``change`` units or to a ``counted`` total, with a reason
        (``count``, ``damage``, ``loss``, ``found``, ``correction``)."""
        return cast(m.AvailabilityView, self._run(m.AdjustStock, **_given(locals())))

    def move_stock(
        self, *, sku: str, from_location: str, to_location: str, quantity: int
    ) -> m.AvailabilityView:
        """Move unreserved units between locations."""
        return cast(m.AvailabilityView, self._run(m.MoveStock, **_given(locals())))

    def availability(self, sku: str) -> m.AvailabilityView:
        """On hand, reserved, available and backordered units of a sku, per location."""
        return cast(m.AvailabilityView, self._run(m.GetAvailability, sku=sku))

    def open_backorders(self, sku: str | None = None) -> list[m.BackorderView]:
        """Backordered order lines, oldest order first."""
        return cast(list[m.BackorderView], self._run(m.ListOpenBackorders, sku=sku))

    def open_purchase_requisitions(self) -> list[m.RequisitionView]:
        return cast(list[m.RequisitionView], self._run(m.ListOpenRequisitions))

    def submit_pending_requisitions(self) -> int:
        """Retry handing purchasing the requisitions it has not acknowledged."""
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
        allocation policy; what cannot be reserved is backordered."""
        return cast(m.OrderView, self._run(m.PlaceOrder, **_given(locals())))

    def cancel_order(self, order_id: str, *, reason: str = "") -> m.OrderView:
        """Cancel an order; reservations and backorders are released."""
        return cast(m.OrderView, self._run(m.CancelOrder, order_id=order_id, reason=reason))

    def hold_order(self, order_id: str, *, reason: str) -> m.OrderView:
        return cast(m.OrderView, self._run(m.HoldOrder, order_id=order_id, reason=reason))

    def release_order(self, order_id: str) -> m.OrderView:
        return cast(m.OrderView, self._run(m.ReleaseOrder, order_id=order_id))

    def get_order(self, order_id: str | None = None, *, number: str | None = None) -> m.OrderView:
        """An order by id, or by its human ``number``."""
        return cast(m.OrderView, self._run(m.GetOrder, order_id=order_id, number=number))


def _given(arguments: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a facade method, without ``self`` and unset optionals."""
    return {k: v for k, v in arguments.items() if k != "self" and v is not None}
