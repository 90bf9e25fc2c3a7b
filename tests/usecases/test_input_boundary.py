"""Input that no store could keep, or that a later read would refuse, is refused at the boundary,
with the same ValidationError on every store."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from tests.fuzz_inputs import _unwrap

from ordermgmt import Money, OrderManagement, errors
from ordermgmt import messages as m
from ordermgmt.adapters.memory import FixedClock
from ordermgmt.domain.inventory import Location
from ordermgmt.usecases import HANDLERS

FORBIDDEN = ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\ud800"]


def _models() -> Iterator[type[BaseModel]]:
    """Every message the facade runs, and every input model nested in one."""
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = list(HANDLERS)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        yield model
        for info in model.model_fields.values():
            kind, _, _ = _unwrap(info.annotation)
            inner = typing.get_args(kind)[0] if typing.get_origin(kind) is list else kind
            if isinstance(inner, type) and issubclass(inner, m.Message):
                todo.append(inner)


def _text_fields() -> list[tuple[type[BaseModel], str, bool]]:
    found = []
    for model in _models():
        for name, info in model.model_fields.items():
            kind, metadata, _ = _unwrap(info.annotation)
            if kind is str:
                multiline = any(isinstance(x, m.Multiline) for x in [*metadata, *info.metadata])
                found.append((model, name, multiline))
    return sorted(found, key=lambda f: (f[0].__name__, f[1]))


TEXT_FIELDS = _text_fields()


def _errors_for(model: type[BaseModel], name: str, value: str) -> list[str]:
    try:
        model.model_validate({name: value})
    except PydanticError as error:
        return [e["msg"] for e in error.errors() if e["loc"] == (name,)]
    return []


def test_every_text_field_of_every_message_is_checked() -> None:
    assert len(TEXT_FIELDS) > 40  # ids, skus, names, references, keys, addresses, notes ...
    assert {model for model, _, _ in TEXT_FIELDS} >= {m.PlaceOrder, m.AddressData, m.GetOrder}


@pytest.mark.parametrize(("model", "name", "multiline"), TEXT_FIELDS)
def test_control_characters_are_refused_in_every_text_field(
    model: type[BaseModel], name: str, multiline: bool
) -> None:
    for bad in FORBIDDEN:
        found = _errors_for(model, name, f"A{bad}B")
        assert found, f"{model.__name__}.{name} accepted {bad!r}"
    breaks = _errors_for(model, name, "A\nB\tC")
    if multiline:
        assert not breaks, f"{model.__name__}.{name} is free text: line breaks are allowed"
    else:
        assert breaks, f"{model.__name__}.{name} accepted a line break"


@pytest.mark.parametrize(
    "call",
    [
        lambda oms: oms.get_order("A\x00B"),
        lambda oms: oms.get_order(number="SO-\x00"),
        lambda oms: oms.get_customer("\x00"),
        lambda oms: oms.availability("CHAIR\x00"),
        lambda oms: oms.cancel_order("id\x00", reason="x"),
        lambda oms: oms.journal("INV\x00"),
        lambda oms: oms.get_invoice("\x00"),
        lambda oms: oms.record_payment(
            order_id="o", amount=Money("1.00", "EUR"), method="card", reference="\x00"
        ),
    ],
)
def test_nul_in_an_id_key_or_reference_is_the_same_validation_error_on_every_store(
    oms: OrderManagement, call: Callable[[OrderManagement], object]
) -> None:
    with pytest.raises(errors.ValidationError) as caught:
        call(oms)
    assert "\x00" in caught.value.value


def test_a_location_is_renamed_only_to_a_valid_name(oms: OrderManagement) -> None:
    oms.define_location("BER", name="Berlin", priority=10)
    oms.upsert_product(
        sku="CHAIR", name="Chair", unit_price=Money("149.00", "EUR"), tax_rate=Decimal("0.19")
    )
    for bad in ("Lager\x1b[31m", "Lager\x00", "\x85"):
        with pytest.raises(errors.ValidationError) as caught:
            oms.define_location("BER", name=bad)
        assert caught.value.field == "name"
    with pytest.raises(errors.ValidationError):
        oms.define_location("BER", priority=-1)
    # Nothing was stored: every read and write on the location keeps working.
    assert oms.define_location("BER") == m.LocationView(code="BER", name="Berlin", priority=10)
    oms.receive_stock(sku="CHAIR", location="BER", quantity=2, supplier="Stuhlwerk")
    assert oms.availability("CHAIR").at("BER").on_hand == 2


def test_the_domain_validates_a_change_like_a_new_location() -> None:
    location = Location(code="BER", name="Berlin", priority=10)
    with pytest.raises(errors.ValidationError):
        location.change(name="Ber\x00lin")
    with pytest.raises(errors.ValidationError):
        location.change(name="Hamburg", priority=2_000_000)
    assert (location.name, location.priority) == ("Berlin", 10)
    location.change(name="Hamburg", priority=5)
    assert (location.name, location.priority) == ("Hamburg", 5)


@pytest.fixture
def reopen(
    backend: str, oms: OrderManagement, build_oms: Callable[..., OrderManagement]
) -> Callable[[], OrderManagement]:
    """Another OMS on the same storage (the same one in memory)."""
    return (lambda: oms) if backend == "memory" else (lambda: build_oms(clock=FixedClock()))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit_price", Money("1.1234567", "EUR")),
        ("unit_price", {"amount": "0.0000001", "currency": "EUR"}),
        ("unit_price", "1E-30 EUR"),
        ("unit_cost", Money("0.12345678", "EUR")),
        ("weight_kg", "0.0000001"),
        ("weight_kg", Decimal("1.1234567")),
        ("tax_rate", "0.12345"),
        ("unit_price", "1E+15 EUR"),
        ("weight_kg", "100000"),
    ],
)
def test_more_precision_or_size_than_storage_keeps_is_refused(
    oms: OrderManagement, field: str, value: object
) -> None:
    fields: dict[str, object] = {
        "sku": "BOLT",
        "name": "Bolt",
        "unit_price": Money("0.10", "EUR"),
        "tax_rate": "0.19",
    }
    fields[field] = value
    with pytest.raises(errors.ValidationError) as caught:
        oms.upsert_product(**fields)  # type: ignore[arg-type]
    assert caught.value.field == field
    with pytest.raises(errors.NotFound):
        oms.get_product("BOLT")


def test_the_most_precise_figures_read_back_unchanged_after_reopening(
    oms: OrderManagement, reopen: Callable[[], OrderManagement]
) -> None:
    product = oms.upsert_product(
        sku="BOLT",
        name="Bolt",
        unit_price=Money("0.123456", "EUR"),
        unit_cost=Money("999999999999999.999999", "EUR"),
        tax_rate="0.1234",
        weight_kg="99999.999999",
    )
    assert reopen().get_product("BOLT") == product
    assert product.unit_price.amount == Decimal("0.123456")
    assert product.weight_kg == Decimal("99999.999999")


def test_counting_nothing_where_nothing_is_reports_what_is_stored(
    oms: OrderManagement, reopen: Callable[[], OrderManagement]
) -> None:
    """Found by the fuzz: a count of 0 at a location without the sku reported a row that was
    never stored."""
    oms.upsert_product(
        sku="TEA", name="Tea", unit_price=Money("5.00", "EUR"), tax_rate=Decimal("0.07")
    )
    oms.receive_stock(sku="TEA", location="HAM", quantity=20, supplier="Teehaus")
    counted = oms.adjust_stock(sku="TEA", location="BER", reason="count", counted=0)
    assert counted == reopen().availability("TEA")
    assert [loc.location for loc in counted.locations] == ["HAM"]


def test_stock_never_grows_beyond_what_every_store_can_count(oms: OrderManagement) -> None:
    """On PostgreSQL the column is a 32-bit integer; a larger count was refused by the database
    there only, as a StorageError, and accepted elsewhere."""
    oms.upsert_product(
        sku="BOLT", name="Bolt", unit_price=Money("0.10", "EUR"), tax_rate=Decimal("0.19")
    )
    oms.adjust_stock(sku="BOLT", location="A", reason="found", change=1_000_000_000)
    with pytest.raises(errors.ValidationError):
        oms.adjust_stock(sku="BOLT", location="A", reason="found", change=1_000_000_000)
    with pytest.raises(errors.ValidationError):
        oms.receive_stock(sku="BOLT", location="A", quantity=1, supplier="Supplier")
    assert oms.availability("BOLT").on_hand == 1_000_000_000


def test_a_long_cancel_reason_on_an_invoiced_order_fits_its_credit_note(
    oms: OrderManagement, reopen: Callable[[], OrderManagement]
) -> None:
    """The credit note's reason is "order cancelled: <reason>", cut to the 200 characters a
    reason may have; the order keeps the whole reason, on every store."""
    oms.upsert_product(
        sku="BOLT", name="Bolt", unit_price=Money("0.10", "EUR"), tax_rate=Decimal("0.19")
    )
    customer = oms.register_customer(name="Acme", kind="b2b", payment_preference="invoice")
    order = oms.place_order(
        customer_id=customer.id, channel="web", lines=[{"sku": "BOLT", "quantity": 1}]
    )
    oms.issue_invoice(order.id)
    cancelled = oms.cancel_order(order.id, reason="x" * 200)
    assert reopen().get_order(order.id) == cancelled
    assert cancelled.cancel_reason == "x" * 200


def test_a_long_supplier_and_reference_fit_the_journal(oms: OrderManagement) -> None:
    oms.upsert_product(
        sku="BOLT", name="Bolt", unit_price=Money("0.10", "EUR"), tax_rate=Decimal("0.19")
    )
    receipt = oms.receive_stock(
        sku="BOLT",
        location="A",
        quantity=1,
        supplier="s" * 200,
        reference="r" * 100,
        unit_cost=Money("0.05", "EUR"),
    )
    (entry,) = oms.journal(receipt.id)
    assert entry.description.startswith("Goods received sss")
    assert len(entry.description) == 200
