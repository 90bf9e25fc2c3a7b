"""Customers: registering and updating them, and the profile their orders add up to."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ordermgmt.domain.customer import Address, Customer
from ordermgmt.domain.ids import CustomerId
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import OrderStatus
from ordermgmt.messages import (
    AddressData,
    CustomerProfileView,
    CustomerView,
    GetCustomer,
    GetCustomerProfile,
    RegisterCustomer,
    UpdateCustomer,
)
from ordermgmt.ports import Dependencies
from ordermgmt.usecases.credit import exposure, release_credit_holds
from ordermgmt.usecases.views import customer_view


def _address(data: AddressData | None) -> Address | None:
    return None if data is None else Address(**data.model_dump())


def _fields(cmd: RegisterCustomer | UpdateCustomer, names: set[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in names:
        value = getattr(cmd, name)
        if name in ("billing_address", "shipping_address"):
            value = _address(value)
        fields[name] = value
    return fields


def register_customer(deps: Dependencies, cmd: RegisterCustomer) -> CustomerView:
    with deps.uow() as uow:
        fields = _fields(cmd, set(RegisterCustomer.model_fields))
        customer = Customer.register(
            id=CustomerId(deps.ids.new_id()), at=deps.clock.now(), **fields
        )
        uow.customers.add(customer)
        uow.commit()
    return customer_view(customer)


def update_customer(deps: Dependencies, cmd: UpdateCustomer) -> CustomerView:
    """Change only the fields the caller gave. ``credit_limit=None`` given explicitly removes
    the limit; fields not given stay as they are."""
    given = cmd.model_fields_set - {"customer_id"}
    with deps.uow() as uow:
        customer = uow.customers.get(cmd.customer_id)
        changes = _fields(cmd, given)
        for name in list(changes):
            if changes[name] is None and name not in (
                "credit_limit",
                "billing_address",
                "shipping_address",
            ):
                del changes[name]
        at = deps.clock.now()
        customer.update(at=at, **changes)
        if "credit_limit" in changes:
            release_credit_holds(uow, customer, at, limit_removed=customer.credit_limit is None)
        uow.commit()
    return customer_view(customer)


def get_customer(deps: Dependencies, query: GetCustomer) -> CustomerView:
    with deps.uow() as uow:
        return customer_view(uow.customers.get(query.customer_id))


def customer_profile(deps: Dependencies, query: GetCustomerProfile) -> CustomerProfileView:
    """Order count, volume (non-cancelled orders), open amount (outstanding invoices plus
    the uninvoiced part of open and held orders, less prepayments: what the credit check
    counts), first and last order, orders per channel: derived from orders and invoices."""
    with deps.uow() as uow:
        customer = uow.customers.get(query.customer_id)
        orders = uow.orders.list_for_customer(query.customer_id)
        volume: dict[str, Decimal] = {}
        channels: dict[str, int] = {}
        cancelled = 0
        for order in orders:
            channels[order.channel] = channels.get(order.channel, 0) + 1
            if order.status is OrderStatus.CANCELLED:
                cancelled += 1
                continue
            total = order.total.amount
            volume[order.currency] = volume.get(order.currency, Decimal(0)) + total
        # What the customer owes or has on order: the same figure the credit check uses.
        currencies = {o.currency for o in orders if o.is_active}
        currencies |= {i.currency for i in uow.invoices.list_unsettled(customer.id)}
        open_amount = {c: exposure(uow, customer, c) for c in sorted(currencies)}
        open_amount = {c: m for c, m in open_amount.items() if not m.is_zero}
        return CustomerProfileView(
            customer_id=customer.id,
            name=customer.name,
            payment_preference=customer.payment_preference,
            order_count=len(orders),
            cancelled_count=cancelled,
            order_volume={c: Money(a, c) for c, a in sorted(volume.items())},
            open_amount=open_amount,
            first_order_at=orders[0].placed_at if orders else None,
            last_order_at=orders[-1].placed_at if orders else None,
            channels=dict(sorted(channels.items())),
        )
