"""The facade's customer methods: registering, changing and reading customers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ordermgmt import messages as m
from ordermgmt.domain.money import Money
from ordermgmt.facade.base import UseCaseRunner, arguments_given
from ordermgmt.usecases import customers, orders


class CustomerMethods(UseCaseRunner):
    """Registering, changing and reading customers, and their order history."""

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
        vat_id: str = "",
        buyer_reference: str = "",
        electronic_address: str = "",
        electronic_scheme: str = "EM",
        document_format: str | None = None,
        mandate_reference: str = "",
        debit_iban: str = "",
    ) -> m.CustomerView:
        """Register a customer (``kind`` ``"b2b"`` or ``"b2c"``; ``payment_preference``
        ``"prepayment"``, ``"card"``, ``"cash"`` or ``"invoice"``); see
        :class:`~ordermgmt.messages.RegisterCustomer`, also for what invoices need
        (``vat_id``, ``buyer_reference``, ``electronic_address``, ``document_format``). Raises
        ``ValidationError``, e.g. for a credit limit on a B2C customer."""
        return self._call(
            customers.register_customer, m.RegisterCustomer, **arguments_given(locals())
        )

    def update_customer(self, customer_id: str, **changes: Any) -> m.CustomerView:
        """Change the given fields of a customer, e.g. ``blocked=True`` or a new address;
        ``credit_limit=None`` removes the limit. Raises ``NotFound``, and ``ValidationError``
        (then nothing changes)."""
        return self._call(
            customers.update_customer, m.UpdateCustomer, customer_id=customer_id, **changes
        )

    def get_customer(self, customer_id: str) -> m.CustomerView:
        """The customer with this id; raises ``NotFound`` if there is none."""
        return self._call(customers.get_customer, m.GetCustomer, customer_id=customer_id)

    def customer_profile(self, customer_id: str) -> m.CustomerProfileView:
        """Order count, volume, open amount, first/last order and channels of a customer,
        per currency (see :class:`~ordermgmt.messages.CustomerProfileView`). Raises
        ``NotFound``."""
        return self._call(customers.customer_profile, m.GetCustomerProfile, customer_id=customer_id)

    def customer_orders(self, customer_id: str) -> list[m.OrderView]:
        """The customer's order history, oldest first; raises ``NotFound`` for an unknown
        customer."""
        return self._call(
            orders.list_customer_orders, m.ListCustomerOrders, customer_id=customer_id
        )
