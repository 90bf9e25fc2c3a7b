"""Builders: one call for each thing a test needs, with defaults a test can ignore.

Every builder goes through the public facade, exactly as a caller would, and returns the
read-only view the facade returns. Pass only what your test is about::

    product = a_product(oms)                     # SKU-1: 10.00 EUR, 19 %, 10 units at MAIN
    chair = a_product(oms, "CHAIR", price="149.00", stock={"BER": 3, "HAM": 1})
    acme = a_customer(oms, "b2b", credit_limit="5000")  # invoice, 30 days, 5,000.00 EUR
    order = an_order(oms, acme.id, {"CHAIR": 4})  # 3 reserved at BER, 1 at HAM
    order = an_order(oms)                         # a new customer buys one unit of a new product
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ordermgmt.domain.money import Money
from ordermgmt.facade import OrderManagement
from ordermgmt.messages import CustomerView, OrderView, ProductView

#: The location that receives a built product's stock when the test names none.
DEFAULT_LOCATION = "MAIN"
#: How many units a built product gets there.
DEFAULT_STOCK = 10

#: The supplier named on the receipts that bring a built product's stock in.
BUILDER_SUPPLIER = "Test supplier"

#: Order lines as a test may write them: ``{"CHAIR": 2}``, ``[("CHAIR", 2)]`` or the facade's
#: own ``[{"sku": "CHAIR", "quantity": 2, "unit_price": ...}]``.
Lines = Mapping[str, int] | Sequence[tuple[str, int]] | Sequence[Mapping[str, Any]]


def _money(value: Money | Decimal | int | str, currency: str) -> Money:
    return value if isinstance(value, Money) else Money(value, currency)


def a_product(
    oms: OrderManagement,
    sku: str | None = None,
    *,
    name: str | None = None,
    price: Money | Decimal | int | str = "10.00",
    currency: str = "EUR",
    tax_rate: Decimal | str = "0.19",
    stock: Mapping[str, int] | None = None,
    reorder_point: int = 0,
    reorder_quantity: int = 0,
    unit_cost: Money | Decimal | int | str | None = None,
    active: bool = True,
) -> ProductView:
    """Create (or replace) a product and receive its stock.

    ``sku`` defaults to ``SKU-<n>``, numbered per OMS. ``price`` and ``unit_cost`` are amounts
    in ``currency`` (or :class:`~ordermgmt.Money`). ``stock`` maps location codes to units and
    arrives as one supplier receipt per location; left out it is ``{"MAIN": 10}``, and ``{}``
    means no stock. Returns the product's view.
    """
    if sku is None:
        sku = f"SKU-{len(oms.products()) + 1}"
    product = oms.upsert_product(
        sku=sku,
        name=name or f"Product {sku}",
        unit_price=_money(price, currency),
        tax_rate=Decimal(tax_rate),
        reorder_point=reorder_point,
        reorder_quantity=reorder_quantity,
        unit_cost=None if unit_cost is None else _money(unit_cost, currency),
        active=active,
    )
    if stock is None:
        stock = {DEFAULT_LOCATION: DEFAULT_STOCK}
    for location, quantity in stock.items():
        if quantity:
            oms.receive_stock(
                sku=sku,
                location=location,
                quantity=quantity,
                supplier=BUILDER_SUPPLIER,
                reference="opening stock",
            )
    return product


def a_customer(
    oms: OrderManagement,
    kind: str = "b2c",
    *,
    name: str | None = None,
    payment_preference: str | None = None,
    payment_terms_days: int | None = None,
    credit_limit: Money | Decimal | int | str | None = None,
    currency: str = "EUR",
    **fields: Any,
) -> CustomerView:
    """Register a customer.

    A ``"b2c"`` customer (the default) pays by card; a ``"b2b"`` customer pays by invoice
    within 30 days. ``credit_limit`` is an amount in ``currency`` (or
    :class:`~ordermgmt.Money`; B2B only). Any other keyword (``email``, ``blocked``,
    ``billing_address``, ...) goes to :meth:`OrderManagement.register_customer` unchanged.
    """
    business = kind == "b2b"
    return oms.register_customer(
        name=name or ("Musterfirma GmbH" if business else "Erika Mustermann"),
        kind=kind,
        payment_preference=payment_preference or ("invoice" if business else "card"),
        payment_terms_days=(30 if business else 0)
        if payment_terms_days is None
        else payment_terms_days,
        credit_limit=None if credit_limit is None else _money(credit_limit, currency),
        **fields,
    )


def order_lines(lines: Lines) -> list[dict[str, Any]]:
    """Turn any accepted form of :data:`Lines` into the facade's list of line dicts."""
    if isinstance(lines, Mapping):
        return [{"sku": sku, "quantity": quantity} for sku, quantity in lines.items()]
    result: list[dict[str, Any]] = []
    for line in lines:
        if isinstance(line, Mapping):
            result.append(dict(line))
        else:
            sku, quantity = line
            result.append({"sku": sku, "quantity": quantity})
    return result


def an_order(
    oms: OrderManagement,
    customer_id: str | None = None,
    lines: Lines | None = None,
    *,
    channel: str = "web",
    **options: Any,
) -> OrderView:
    """Place an order and return its view.

    Without ``customer_id`` a new B2C customer is registered; without ``lines`` a new product
    (10 units at MAIN) is created and one unit of it ordered. Other keywords
    (``idempotency_key``, ``currency``, ``customer_reference``) go to
    :meth:`OrderManagement.place_order` unchanged.
    """
    if customer_id is None:
        customer_id = a_customer(oms).id
    if lines is None:
        lines = {a_product(oms).sku: 1}
    return oms.place_order(
        customer_id=customer_id, channel=channel, lines=order_lines(lines), **options
    )


__all__ = [
    "BUILDER_SUPPLIER",
    "DEFAULT_LOCATION",
    "DEFAULT_STOCK",
    "Lines",
    "a_customer",
    "a_product",
    "an_order",
    "order_lines",
]
