"""Steps that set the scene: the catalog, the warehouses with their opening stock, the
customers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ordermgmt import Money
from ordermgmt.demo.report import show_customer, show_location, show_product
from ordermgmt.demo.run import DemoRun
from ordermgmt.demo.tables import show_availability


def eur(amount: str) -> Money:
    """An amount in euros."""
    return Money(amount, "EUR")


SKUS = ("CHAIR-ERGO", "DESK-SIT", "BOOK-ERGO", "COFFEE-1KG")

#: sku, name, price, VAT rate, reorder point, reorder quantity, unit cost, weight in kg
PRODUCTS = (
    ("CHAIR-ERGO", "Ergonomic office chair", "249.00", "0.19", 4, 25, "132.00", "18.5"),
    ("DESK-SIT", "Sit-stand desk", "589.00", "0.19", 2, 10, "310.00", "38"),
    ("BOOK-ERGO", "Handbook of office ergonomics", "34.90", "0.07", 3, 20, "14.20", "0.9"),
    ("COFFEE-1KG", "Espresso beans, 1 kg", "16.80", "0.07", 10, 60, "8.40", "1"),
)
UNIT_COST = {sku: eur(cost) for sku, *_, cost, _ in PRODUCTS}

#: sku -> location -> units on hand when the week starts
OPENING_STOCK = {
    "CHAIR-ERGO": {"BER": 20, "LEJ": 6},
    "DESK-SIT": {"BER": 8, "LEJ": 3},
    "BOOK-ERGO": {"BER": 30, "LEJ": 10},
    "COFFEE-1KG": {"BER": 40, "LEJ": 25},
}

#: short key -> register_customer arguments
CUSTOMERS: dict[str, dict[str, Any]] = {
    "nordlicht": {
        "name": "Nordlicht Consulting GmbH",
        "kind": "b2b",
        "payment_preference": "invoice",
        "payment_terms_days": 30,
        "credit_limit": eur("15000"),
        "email": "einkauf@nordlicht.example",
        "billing_address": {
            "line1": "Speicherstadt 12",
            "postal_code": "20457",
            "city": "Hamburg",
            "country": "DE",
        },
        "shipping_address": {
            "line1": "Chausseestraße 8",
            "postal_code": "10115",
            "city": "Berlin",
            "country": "DE",
        },
    },
    "weber": {
        "name": "Bürobedarf Weber KG",
        "kind": "b2b",
        "payment_preference": "invoice",
        "payment_terms_days": 14,
        "credit_limit": eur("8000"),
        "email": "buchhaltung@weber-buero.example",
        "phone": "+49 341 555 0192",
        "billing_address": {
            "line1": "Karl-Liebknecht-Straße 22",
            "postal_code": "04107",
            "city": "Leipzig",
            "country": "DE",
        },
    },
    "jana": {
        "name": "Jana Schmidt",
        "kind": "b2c",
        "payment_preference": "card",
        "email": "jana@example.org",
        "shipping_address": {
            "line1": "Lindenstraße 5",
            "postal_code": "50674",
            "city": "Köln",
            "country": "DE",
        },
    },
    "walk_in": {"name": "Walk-in customer", "kind": "b2c", "payment_preference": "cash"},
}


def set_up_catalog(run: DemoRun) -> None:
    """What the wholesaler sells: chairs and desks at the standard VAT rate of 19 %, a book
    and coffee at the reduced rate of 7 %. A warehouse that falls to a product's reorder point
    asks purchasing for the reorder quantity. The unit cost values stock in the ledger; the
    weight plans the van."""
    for sku, name, price, rate, point, quantity, cost, weight in PRODUCTS:
        product = run.oms.upsert_product(
            sku=sku,
            name=name,
            unit_price=eur(price),
            tax_rate=Decimal(rate),
            reorder_point=point,
            reorder_quantity=quantity,
            unit_cost=eur(cost),
            weight_kg=weight,
        )
        show_product(run, product, cost, weight)


def stock_the_warehouses(run: DemoRun) -> None:
    """Two warehouses; Berlin (the lower priority number) is allocated first and has the
    showroom. The opening stock is booked as supplier receipts at unit cost: inventory up,
    goods received not invoiced (the supplier's bill is still to come) up by the same."""
    berlin = run.oms.define_location(
        "BER", name="Berlin central warehouse and showroom", priority=10
    )
    leipzig = run.oms.define_location("LEJ", name="Leipzig overflow warehouse", priority=20)
    for warehouse in (berlin, leipzig):
        show_location(run, warehouse)
    for sku, per_location in OPENING_STOCK.items():
        for location, quantity in per_location.items():
            run.oms.receive_stock(
                sku=sku,
                location=location,
                quantity=quantity,
                supplier="Opening stock",
                reference="OB-2026",
                unit_cost=UNIT_COST[sku],
            )
    run.say()
    show_availability(run, SKUS)


def register_customers(run: DemoRun) -> None:
    """Two businesses buying on account, a consumer paying by card, a walk-in paying cash.
    Card and cash customers are booked as cash sales when they pay; customers on account get
    an invoice with payment terms, and a business's open amount is checked against its credit
    limit."""
    for key, fields in CUSTOMERS.items():
        run.customers[key] = run.oms.register_customer(**fields)
    for customer in run.customers.values():
        show_customer(run, customer)
