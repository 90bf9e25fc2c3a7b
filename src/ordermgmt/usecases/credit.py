"""The credit check inside a unit of work: a customer's exposure from the store, and the holds
it puts on and takes off their orders (the rules: :mod:`ordermgmt.domain.credit`)."""

from __future__ import annotations

from datetime import datetime

from ordermgmt.domain import credit
from ordermgmt.domain.credit import CreditPolicy, Exposure
from ordermgmt.domain.customer import Customer
from ordermgmt.domain.money import Money
from ordermgmt.domain.order import Order
from ordermgmt.ports import UnitOfWork


def exposure(uow: UnitOfWork, customer: Customer, currency: str) -> Money:
    """What the customer owes or has on order in ``currency``: outstanding invoices plus the
    uninvoiced part of active orders, less prepayments held for them."""
    return credit.exposure(
        uow.invoices.list_unsettled(customer.id),
        uow.orders.list_for_customer(customer.id, active_only=True),
        currency,
    )


def _exposure_of(uow: UnitOfWork, customer: Customer) -> Exposure:
    return lambda currency: exposure(uow, customer, currency)


def credit_check(uow: UnitOfWork, customer: Customer, order: Order, at: datetime) -> None:
    """Hold a B2B order that would take the customer over the credit limit."""
    CreditPolicy(customer.credit_limit).check(order, _exposure_of(uow, customer), at)


def release_credit_holds(
    uow: UnitOfWork, customer: Customer, at: datetime, *, limit_removed: bool = False
) -> None:
    """After money came in (or the limit changed): release credit-held orders, oldest first,
    while the limit allows; all of them when the limit was removed."""
    policy = CreditPolicy(customer.credit_limit)
    if not policy.reviews_holds(limit_removed=limit_removed):
        return
    orders = uow.orders.list_for_customer(customer.id, active_only=True)
    policy.release_holds(orders, _exposure_of(uow, customer), at)
