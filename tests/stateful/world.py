"""The world every run of the machine starts from, and the plain arithmetic its model uses.

Catalog, customers, locations, the chart of accounts, the strategies for order lines, and the
document rules stated once: a line's net at catalog price, tax per rate on the sum of the nets
rounded half-up once (EN 16931), gapless numbers per series and year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import strategies as st

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.memory import FixedClock, SequentialIdGenerator
from tests.money import eur


def make_oms(clock: FixedClock | None = None) -> OrderManagement:
    """A fresh, deterministic OMS in memory for one run of the machine."""
    return OrderManagement.in_memory(clock=clock or FixedClock(), ids=SequentialIdGenerator())


# -- the world every run starts from -----------------------------------------------------------

#: sku -> (unit price in EUR, tax rate, reorder point, reorder quantity)
PRODUCTS: dict[str, tuple[str, str, int, int]] = {
    "CHAIR": ("149.00", "0.19", 5, 40),
    "DESK": ("399.00", "0.19", 2, 10),
    "LAMP": ("29.95", "0.07", 0, 0),
    "CABLE": ("4.99", "0.19", 0, 50),
}
SKUS = tuple(PRODUCTS)
#: sku -> unit cost in EUR at the start; shipping, returns and write-offs of these post to the
#: ledger. Costs change during a run (the cable gets one, others lose theirs).
UNIT_COSTS: dict[str, str] = {"CHAIR": "61.40", "DESK": "187.25", "LAMP": "11.35"}
#: the unit cost of a supplier receipt of a product without a cost of its own
RECEIPT_COST = Decimal("1.05")

#: defined location -> priority (lower is allocated first)
LOCATIONS: dict[str, int] = {"BER": 10, "HAM": 20, "MUC": 30}
#: a location nobody defines: it comes into being with its first stock, ranked after the others
POPUP = "POPUP"
CODES = (*LOCATIONS, POPUP)

#: customer handle -> register_customer arguments. The credit limit is far above anything the
#: machine can order, so no order is ever held for credit.
CUSTOMERS: dict[str, dict[str, Any]] = {
    "acme": {
        "name": "ACME GmbH",
        "kind": "b2b",
        "payment_preference": "invoice",
        "payment_terms_days": 30,
        "credit_limit": Money("10000000.00", "EUR"),
    },
    "erika": {"name": "Erika Mustermann", "kind": "b2c", "payment_preference": "card"},
    "max": {"name": "Max Muster", "kind": "b2c", "payment_preference": "prepayment"},
}
HANDLES = tuple(CUSTOMERS)
#: the customer the machine blocks and unblocks
BLOCKABLE = "max"
#: preferences whose customers buy in cash sales when they pay a whole order before its invoice
CASH_SALE_PREFERENCES = frozenset({"prepayment", "card", "cash"})

CHANNELS = ("web", "store", "phone", "edi", "marketplace")
ACTIVE = frozenset({"open", "on_hold"})
LEGAL_STATUSES = frozenset({"open", "on_hold", "completed", "cancelled"})
METHODS = ("bank_transfer", "card", "cash", "direct_debit", "paypal")
CARRIERS = ("parcel", "own-fleet")
TRACKING = ("picked_up", "in_transit", "out_for_delivery", "failed_attempt", "delivered")
#: shipment statuses whose units have left the building (a failed one came back)
LEFT = frozenset({"booked", "in_transit", "delivered"})
CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# the default chart of accounts
CASH, BANK, RECEIVABLES, INVENTORY = "1000", "1200", "1400", "1500"
PREPAYMENTS, GRNI, COGS, WRITE_OFF = "2100", "2200", "5000", "5900"

skus = st.sampled_from(SKUS)
locations = st.sampled_from(CODES)
line_lists = st.lists(
    st.tuples(skus, st.integers(min_value=1, max_value=20)), min_size=1, max_size=4
)


def order_number(n: int) -> str:
    return f"SO-{n:06d}"


def round_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def price(sku: str) -> Decimal:
    return Decimal(PRODUCTS[sku][0])


def tax_rate(sku: str) -> Decimal:
    return Decimal(PRODUCTS[sku][1])


def rate_suffix(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


def cash_account(method: str) -> str:
    return CASH if method == "cash" else BANK


def eur_or_none(amount: Decimal | None) -> Money | None:
    return None if amount is None else eur(amount)


def goods_value(costs: Iterable[tuple[Decimal | None, int]]) -> Decimal:
    """What ``(unit cost, units)`` are worth, rounded once for the whole document; units
    without a cost count nothing."""
    return round_cents(sum((cost * units for cost, units in costs if cost is not None), ZERO))


def nets_by_rate(units: dict[int, int], skus_of: dict[int, str]) -> dict[Decimal, Decimal]:
    """Net per tax rate of ``units`` (order line no -> units) at catalog prices."""
    nets: dict[Decimal, Decimal] = {}
    for line_no, quantity in units.items():
        sku = skus_of[line_no]
        nets[tax_rate(sku)] = nets.get(tax_rate(sku), ZERO) + price(sku) * quantity
    return nets


def document_total(units: dict[int, int], skus_of: dict[int, str]) -> Decimal:
    """Net plus tax, the tax rounded once per rate on the sum of the nets (EN 16931)."""
    nets = nets_by_rate(units, skus_of)
    return sum((net + round_cents(net * rate) for rate, net in nets.items()), ZERO)


def number_sequence(number: str) -> tuple[int, int]:
    """``INV-2026-000007`` -> (2026, 7)."""
    _, year, sequence = number.split("-")
    return int(year), int(sequence)


def gapless_per_year(numbers: Sequence[str], prefix: str) -> None:
    """Numbers of one series: unique, ``<prefix>-<year>-<n>``, 1..k without a gap per year."""
    assert len(numbers) == len(set(numbers)), numbers
    by_year: dict[int, list[int]] = {}
    for number in numbers:
        assert number.startswith(f"{prefix}-"), number
        year, sequence = number_sequence(number)
        assert number == f"{prefix}-{year}-{sequence:06d}", number
        by_year.setdefault(year, []).append(sequence)
    for year, sequences in by_year.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), (prefix, year, sequences)
