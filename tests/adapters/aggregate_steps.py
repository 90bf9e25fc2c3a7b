"""Every aggregate of the domain, as the change-detection tests drive it: how to make a new one
(a Hypothesis strategy), how a unit of work stores and loads it, and what can be done to it
once loaded (its public methods, and the fields a use case sets directly).

Keys and numbers carry a token unique to the example, so examples share one store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar

from hypothesis import strategies as st

from ordermgmt import Money
from ordermgmt.domain.base import Aggregate
from ordermgmt.domain.catalog import Product
from ordermgmt.domain.customer import Address, Customer, CustomerKind, PaymentPreference
from ordermgmt.domain.ids import CustomerId, OrderId, ReceiptId, RequisitionId
from ordermgmt.domain.inventory import Location, StockItem
from ordermgmt.domain.invoice import CreditNote, Invoice, Settlement, document_line
from ordermgmt.domain.ledger import JournalEntry, Posting, Side
from ordermgmt.domain.order import Channel, Order, OrderLine, PaymentStatus
from ordermgmt.domain.payment import Payment, PaymentKind, PaymentMethod
from ordermgmt.domain.purchasing import PurchaseRequisition, RequisitionReason, SupplierReceipt
from ordermgmt.domain.returns import ReturnLine, ReturnRequest
from ordermgmt.domain.shipment import (
    Booking,
    Parcel,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    TrackingStatus,
)
from ordermgmt.ports import UnitOfWork

A = TypeVar("A", bound=Aggregate)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    """One thing done to a loaded aggregate: a method called with arguments, or (``assign``)
    a field set directly, as a use case does; only ``when`` the named property is true, where
    a use case checks one first."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    assign: bool = False
    when: str = ""

    def apply(self, target: object) -> object:
        if self.when and not getattr(target, self.when):
            return None
        if self.assign:
            setattr(target, self.name, self.args[0])
            return None
        return getattr(target, self.name)(*self.args, **dict(self.kwargs))

    def __repr__(self) -> str:
        if self.assign:
            return f"{self.name} = {self.args[0]!r}"
        params = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs]
        condition = f" if {self.when}" if self.when else ""
        return f"{self.name}({', '.join(params)}){condition}"


@dataclass(frozen=True)
class Kind(Generic[A]):
    """How the tests make, store, load and change one kind of aggregate. ``steps`` is None for
    records that are never changed once stored (they are only stored and loaded)."""

    name: str
    new: Callable[[str], st.SearchStrategy[A]] = field(repr=False)
    add: Callable[[UnitOfWork, A], None] = field(repr=False)
    load: Callable[[UnitOfWork, A], A] = field(repr=False)
    steps: st.SearchStrategy[Step] | None = field(default=None, repr=False)


def call(name: str, *args: st.SearchStrategy[Any], **kwargs: Any) -> st.SearchStrategy[Step]:
    """``name(*args, **kwargs)`` with each argument drawn from its strategy."""
    return st.builds(
        lambda a, k: Step(name, tuple(a), tuple(sorted(k.items()))),
        st.tuples(*args),
        st.fixed_dictionaries(kwargs),
    )


def assign(name: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[Step]:
    return values.map(lambda value: Step(name, (value,), assign=True))


# -- values ---------------------------------------------------------------------------------------

times = st.integers(0, 60 * 24 * 60).map(lambda minutes: T0 + timedelta(minutes=minutes))
texts = st.text(alphabet="abcXYZ äöß€-./#", min_size=0, max_size=12)
#: Text as validation leaves it (trimmed, not empty): what a field set directly may hold.
names = st.builds(lambda first, rest: (first + rest).rstrip(), st.sampled_from("aXäß€"), texts)
cents = st.integers(1, 50_000)
amounts = cents.map(lambda c: Money(Decimal(c).scaleb(-2), "EUR"))
unit_costs = st.integers(1, 10_000_000).map(lambda c: Money(Decimal(c).scaleb(-4), "EUR"))
tax_rates = st.sampled_from([Decimal("0.19"), Decimal("0.07"), Decimal("0")])
quantities = st.integers(0, 6)  # 0 is refused: the error path must leave no trace either
locations = st.sampled_from(["BER", "HAM", "MUC"])
addresses = st.builds(
    Address,
    line1=names,
    city=names,
    postal_code=st.sampled_from(["10115", "50667", "1010"]),
    country=st.sampled_from(["DE", "AT"]),
    line2=texts,
    name=texts,
)


# -- customers, catalog, stock ------------------------------------------------------------------


def _new_customer(token: str) -> st.SearchStrategy[Customer]:
    return st.builds(
        Customer,
        id=st.just(CustomerId(f"C-{token}")),
        name=names,
        kind=st.just(CustomerKind.B2B),
        payment_preference=st.sampled_from(PaymentPreference),
        payment_terms_days=st.integers(0, 60),
        credit_limit=st.none() | amounts,
        email=st.sampled_from(["", "einkauf@acme.example"]),
        phone=st.sampled_from(["", "+49 221 1234567"]),
        billing_address=st.none() | addresses,
        shipping_address=st.none() | addresses,
        blocked=st.booleans(),
        registered_at=times,
    )


_customer_changes = st.fixed_dictionaries(
    {"at": times},
    optional={
        "name": texts,
        "kind": st.sampled_from(CustomerKind),
        "payment_preference": st.sampled_from(PaymentPreference),
        "payment_terms_days": st.integers(-1, 400),
        "credit_limit": st.none() | amounts,
        "email": st.sampled_from(["", "x@y.example", "not an address"]),
        "phone": texts,
        "billing_address": st.none() | addresses,
        "shipping_address": st.none() | addresses,
        "blocked": st.booleans(),
    },
).map(lambda changes: Step("update", (), tuple(sorted(changes.items()))))

CUSTOMER = Kind(
    "Customer",
    _new_customer,
    lambda uow, c: uow.customers.add(c),
    lambda uow, c: uow.customers.get(c.id),
    _customer_changes,
)

_weights = st.sampled_from([Decimal(0), Decimal("0.25"), Decimal("7.125")])

PRODUCT = Kind(
    "Product",
    lambda token: st.builds(
        Product,
        sku=st.just(f"P-{token}"),
        name=names,
        unit_price=amounts,
        tax_rate=tax_rates,
        reorder_point=st.integers(0, 20),
        reorder_quantity=st.integers(0, 50),
        active=st.booleans(),
        unit_cost=st.none() | unit_costs,
        weight_kg=_weights,
    ),
    lambda uow, p: uow.products.add(p),
    lambda uow, p: _found(uow.products.find(p.sku)),
    st.one_of(
        call("announce", times),
        call("deactivate", times),
        # what upserting a product does: set the fields, then validate the whole
        assign("name", names),
        assign("unit_price", amounts),
        assign("tax_rate", tax_rates),
        assign("reorder_point", st.integers(0, 20)),
        assign("reorder_quantity", st.integers(0, 50)),
        assign("active", st.booleans()),
        assign("unit_cost", st.none() | unit_costs),
        assign("weight_kg", _weights),
        call("validate"),
    ),
)

LOCATION = Kind(
    "Location",
    lambda token: st.builds(
        Location, code=st.just(f"L{token}"), name=names, priority=st.integers(0, 1000)
    ),
    lambda uow, loc: uow.locations.add(loc),
    lambda uow, loc: _found(uow.locations.find(loc.code)),
    st.builds(
        lambda name, priority: Step("change", (), (("name", name), ("priority", priority))),
        st.none() | texts,
        st.none() | st.integers(-1, 1_000_001),
    ),
)


def _new_stock(token: str) -> st.SearchStrategy[StockItem]:
    return st.integers(1, 40).flatmap(
        lambda on_hand: st.builds(
            StockItem,
            sku=st.just(f"S-{token}"),
            location=st.just("MAIN"),
            on_hand=st.just(on_hand),
            reserved=st.integers(0, on_hand),
        )
    )


def _add_stock(uow: UnitOfWork, item: StockItem) -> None:
    """Stock has no ``add``: a unit of work hands out an empty item to fill, as a count does."""
    stored = uow.stock.get_for_update(item.sku, item.location)
    stored.on_hand, stored.reserved = item.on_hand, item.reserved


STOCK = Kind(
    "StockItem",
    _new_stock,
    _add_stock,
    lambda uow, item: uow.stock.get_for_update(item.sku, item.location),
    st.one_of(
        *(
            call(name, quantities)
            for name in ("receive", "reserve", "release", "remove", "consume")
        ),
        call("check_low", st.integers(0, 50), st.integers(0, 20), times),
    ),
)


def _found(obj: A | None) -> A:
    assert obj is not None
    return obj


# -- orders ---------------------------------------------------------------------------------------

_order_lines = st.lists(
    st.tuples(st.integers(1, 6), cents, tax_rates, st.integers(0, 100)), min_size=1, max_size=3
).map(
    lambda specs: [
        OrderLine(
            line_no=no,
            sku=f"SKU-{no}",
            name=f"Product {no}",
            quantity=quantity,
            unit_price=Money(Decimal(price).scaleb(-2), "EUR"),
            tax_rate=rate,
            discount=Money(Decimal(min(discount, price)).scaleb(-2), "EUR"),
        )
        for no, (quantity, price, rate, discount) in enumerate(specs, start=1)
    ]
)


def _new_order(token: str) -> st.SearchStrategy[Order]:
    return st.builds(
        lambda lines, at, channel: Order.place(
            id=OrderId(f"O-{token}"),
            number=f"SO-{token}",
            customer_id=CustomerId(f"C-{token}"),
            channel=channel,
            currency="EUR",
            lines=lines,
            at=at,
            idempotency_key=f"key-{token}",
            customer_reference="PO 4711",
        ),
        _order_lines,
        times,
        st.sampled_from(Channel),
    )


_line_nos = st.integers(1, 4)  # 4 is never a line: NotFound

ORDER = Kind(
    "Order",
    _new_order,
    lambda uow, o: uow.orders.add(o),
    lambda uow, o: uow.orders.get(o.id),
    st.one_of(
        call("reserve", _line_nos, locations, quantities, times),
        call("backorder", _line_nos, quantities, times),
        call("serve_backorder", _line_nos, locations, quantities, times),
        call("unreserve_to_backorder", _line_nos, locations, quantities, times),
        call("ship", _line_nos, locations, quantities),
        call("unship", _line_nos, locations, quantities),
        call("deliver", _line_nos, quantities),
        call("take_back", _line_nos, quantities),
        call("mark_invoiced", _line_nos, quantities),
        call("mark_credited", _line_nos, quantities),
        call("hold", names, times),
        call("release_hold", times),
        # as refresh_order does: an order completes once every unit is delivered or cancelled
        # (SQL stores keep no reservations for an order no longer active; memory keeps them)
        call("complete", times).map(lambda step: replace(step, when="fully_delivered")),
        call("cancel", texts, times),
        assign("payment_status", st.sampled_from(PaymentStatus)),
        assign("prepaid_amount", cents.map(lambda c: Decimal(c).scaleb(-2))),
    ),
)


# -- purchasing -----------------------------------------------------------------------------------

REQUISITION = Kind(
    "PurchaseRequisition",
    lambda token: st.builds(
        lambda quantity, reason, at: PurchaseRequisition.raise_for(
            id=RequisitionId(f"R-{token}"),
            sku=f"S-{token}",
            location="MAIN",
            quantity=quantity,
            reason=reason,
            at=at,
        ),
        st.integers(1, 50),
        st.sampled_from(RequisitionReason),
        times,
    ),
    lambda uow, r: uow.requisitions.add(r),
    lambda uow, r: uow.requisitions.get(r.id),
    st.one_of(
        call("submission_succeeded"),
        call("submission_failed", texts),
        call("close", st.sampled_from(["RC-1", "RC-2"]), times),
    ),
)

RECEIPT = Kind(
    "SupplierReceipt",
    lambda token: st.builds(
        lambda quantity, reference, at, cost: SupplierReceipt.record_delivery(
            id=ReceiptId(f"RC-{token}"),
            supplier="Stuhlwerk AG",
            sku=f"S-{token}",
            location="MAIN",
            quantity=quantity,
            reference=reference,
            at=at,
            unit_cost=cost,
        ),
        st.integers(1, 50),
        texts,
        times,
        st.none() | unit_costs,
    ),
    lambda uow, r: uow.receipts.add(r),
    lambda uow, r: uow.receipts.get(r.id),
)


# -- documents and payments -----------------------------------------------------------------------


def _new_invoice(token: str) -> st.SearchStrategy[Invoice]:
    return st.builds(
        lambda order, terms, settlement: Invoice.issue(
            id=f"I-{token}",
            number=f"INV-{token}",
            order_id=order.id,
            customer_id=order.customer_id,
            currency="EUR",
            lines=tuple(document_line(line, line.quantity, 0) for line in order.lines),
            at=order.placed_at,
            payment_terms_days=terms,
            settlement=settlement,
        ),
        _new_order(token),
        st.integers(0, 60),
        st.sampled_from(Settlement),
    )


INVOICE = Kind(
    "Invoice",
    _new_invoice,
    lambda uow, i: uow.invoices.add(i),
    lambda uow, i: uow.invoices.get(i.id),
    st.one_of(
        call("apply_payment", amounts),
        call("apply_credit", amounts),
        call("apply_refund", amounts),
        call("apply_prepayment", amounts),
        call("paid_at_once"),
        call("sent", st.sampled_from(["einkauf@acme.example", "edi:4711"]), times),
        call("sending_failed", texts),
    ),
)

CREDIT_NOTE = Kind(
    "CreditNote",
    lambda token: st.builds(
        lambda invoice, reason, at: CreditNote(
            id=f"CN-{token}",
            number=f"CN-{token}",
            order_id=invoice.order_id,
            customer_id=invoice.customer_id,
            currency=invoice.currency,
            lines=invoice.lines[:1],
            issued_at=at,
            invoice_id=invoice.id,
            reason=reason,
        ),
        _new_invoice(token),
        names,
        times,
    ),
    lambda uow, n: uow.credit_notes.add(n),
    lambda uow, n: uow.credit_notes.get(n.id),
)

PAYMENT = Kind(
    "Payment",
    lambda token: st.builds(
        Payment,
        id=st.just(f"P-{token}"),
        kind=st.sampled_from(PaymentKind),
        customer_id=st.just(f"C-{token}"),
        order_id=st.just(f"O-{token}"),
        invoice_id=st.sampled_from(["", f"I-{token}"]),
        amount=amounts,
        method=st.sampled_from(PaymentMethod),
        reference=texts,
        received_at=times,
    ),
    lambda uow, p: uow.payments.add(p),
    lambda uow, p: uow.payments.get(p.id),
)

JOURNAL_ENTRY = Kind(
    "JournalEntry",
    lambda token: st.builds(
        lambda amount, at, description: JournalEntry(
            id=f"J-{token}",
            posted_at=at,
            description=description,
            postings=(Posting("1400", Side.DEBIT, amount), Posting("4000-19", Side.CREDIT, amount)),
            reference=f"REF-{token}",
        ),
        amounts,
        times,
        names,
    ),
    lambda uow, e: uow.ledger.post(e),
    lambda uow, e: next(x for x in uow.ledger.entries(e.reference) if x.id == e.id),
)


# -- delivery and returns -------------------------------------------------------------------------


def _new_shipment(token: str) -> st.SearchStrategy[Shipment]:
    return st.builds(
        lambda lines, parcels, at: Shipment(
            id=f"SHP-{token}",
            number=f"SH-{token}",
            order_id=f"O-{token}",
            location="MAIN",
            carrier="own-fleet",
            lines=tuple(
                ShipmentLine(no, f"SKU-{no}", quantity, cost)
                for no, (quantity, cost) in enumerate(lines, start=1)
            ),
            parcels=tuple(Parcel(weight) for weight in parcels),
            created_at=at,
        ),
        st.lists(st.tuples(st.integers(1, 5), st.none() | unit_costs), min_size=1, max_size=2),
        st.lists(_weights, max_size=2),
        times,
    )


_bookings = st.builds(
    Booking,
    tracking_number=st.sampled_from(["TN-1", "TN-2"]),
    label=texts,
    service=st.sampled_from(["", "express"]),
    price=st.none() | amounts,
    estimated_delivery=st.none() | st.dates(date(2026, 3, 1), date(2026, 6, 1)),
)
_tracking = st.builds(TrackingEvent, st.sampled_from(TrackingStatus), times, texts)

SHIPMENT = Kind(
    "Shipment",
    _new_shipment,
    lambda uow, s: uow.shipments.add(s),
    lambda uow, s: uow.shipments.get(s.id),
    st.one_of(
        call("booked", _bookings),
        call("confirm_booking", _bookings, times),
        call("booking_failed", texts, times),
        call("cancel"),
        call("track", _tracking),
        call("report", _tracking, times, proof=st.sampled_from(["", "signed by R. Roe"])),
        call("confirm_delivery", names, times),
        assign("proof_of_delivery", texts),
    ),
)

#: Delivered shipments a return can take units back from (never stored: only read).
_DELIVERED = (
    Shipment(
        id="SHP-A",
        number="SH-A",
        order_id="O-R",
        location="MAIN",
        carrier="own-fleet",
        lines=(ShipmentLine(1, "SKU-1", 2, Money("4.2050", "EUR")), ShipmentLine(2, "SKU-2", 1)),
        parcels=(),
        created_at=T0,
    ),
    Shipment(
        id="SHP-B",
        number="SH-B",
        order_id="O-R",
        location="MAIN",
        carrier="own-fleet",
        lines=(ShipmentLine(1, "SKU-1", 3, Money("4.5000", "EUR")),),
        parcels=(),
        created_at=T0,
    ),
)

RETURN = Kind(
    "ReturnRequest",
    lambda token: st.builds(
        lambda lines, reason, at: ReturnRequest(
            id=f"RMA-{token}",
            number=f"RMA-{token}",
            order_id="O-R",
            customer_id=f"C-{token}",
            lines=tuple(ReturnLine(no, f"SKU-{no}", quantity) for no, quantity in lines),
            reason=reason,
            requested_at=at,
        ),
        st.lists(st.tuples(st.integers(1, 2), st.integers(1, 3)), min_size=1, max_size=2).map(
            lambda lines: list(dict(lines).items())
        ),
        names,
        times,
    ),
    lambda uow, r: uow.returns.add(r),
    lambda uow, r: uow.returns.get(r.id),
    st.one_of(
        call("receive", restock=st.booleans(), location=locations, at=times),
        call("reject", texts),
        call(
            "settle",
            credit_note_id=st.sampled_from(["", "CN-1"]),
            refund_id=st.sampled_from(["", "P-1"]),
            at=times,
        ),
        call("take_back", st.just(_DELIVERED), st.just(())),
        assign("credit_note_id", st.sampled_from(["", "CN-1"])),
        assign("refund_id", st.sampled_from(["", "P-1"])),
        assign("replacement_order_id", st.sampled_from(["", "O-2"])),
    ),
)

KINDS: list[Kind[Any]] = [
    CUSTOMER,
    PRODUCT,
    LOCATION,
    STOCK,
    ORDER,
    REQUISITION,
    RECEIPT,
    INVOICE,
    CREDIT_NOTE,
    PAYMENT,
    JOURNAL_ENTRY,
    SHIPMENT,
    RETURN,
]
