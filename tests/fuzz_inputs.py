"""Inputs for the fuzz of every command and query, generated from the message classes.

Nothing here lists commands or fields by hand: :func:`message_fields` reads each message's
pydantic fields (type, bounds, nesting), so a command added to ``HANDLERS`` later is fuzzed
with the rest. Each field gets a mix of

- values of the right type near and beyond its bounds,
- ids, skus, locations and numbers of objects that exist (the :class:`Pools` of the world the
  fuzz runs in), and valid-looking ids of objects that do not,
- junk: wrong types, NaN and infinities, huge and tiny decimals, floats for money, unicode
  junk, NUL and other control characters, lone surrogates, over-long text.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from hypothesis import strategies as st
from pydantic import BaseModel

from ordermgmt import Money
from ordermgmt import messages as m

#: Values of the wrong type or shape, and text no store should ever hold.
JUNK: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**31,
    2**63,
    -(2**63),
    10**30,
    1.5,
    float("nan"),
    float("inf"),
    -0.0,
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("1E-30"),
    Decimal("1E+30"),
    Decimal("-0"),
    Decimal("0.0000001"),
    Decimal("123456789012345678901234567890.123456789"),
    "",
    " ",
    "\x00",
    "A\x00B",
    "CHAIR\x00",
    "\x1b[2J",
    "line\nbreak",
    "tab\there",
    "\r\n",
    "\x7f",
    "\x85",
    "\u202e",
    "\ud800",
    "a\udfffb",
    "\ufeff",
    "\U0001f600" * 70,
    "é" * 201,
    "x" * 65,
    "x" * 1000,
    "1e400",
    "-1",
    "NaN",
    "0x10",
    "1_000",
    "12.50 EUR",
    "12.5000001 EUR",
    "1 EUR EUR",
    "2026-13-45",
    [],
    [None],
    ["x"],
    {},
    {"amount": "1", "currency": "EUR", "x": 1},
    b"bytes",
    date(2026, 1, 1),
    Money("1.00", "EUR"),
]

#: Amounts as text: ordinary, at the precision limit, beyond it, huge and tiny.
AMOUNTS = [
    "0",
    "0.01",
    "1",
    "9.99",
    "149.00",
    "0.125",
    "0.000001",
    "0.0000001",
    "-5.00",
    "1000000",
    "999999999999999.999999",
    "1E+15",
    "1e-30",
    "1E+30",
    "12.3456789",
    "NaN",
    "Infinity",
    "-0",
]
CURRENCIES = ["EUR"] * 8 + ["USD", "JPY", "KWD", "XXX", "eur", ""]
UNKNOWN_IDS = [
    "00000000-0000-0000-0000-000000000000",
    "ord-unknown",
    "SO-999999",
    "INV-2026-999999",
    "x",
    "%",
    "' OR 1=1 --",
    "ÄÖÜ-ß",
]

#: Field names whose values name objects of the world, and the pool they come from.
POOLED = {
    "customer_id": "customers",
    "order_id": "orders",
    "invoice_id": "invoices",
    "shipment_id": "shipments",
    "return_id": "returns",
    "sku": "skus",
    "location": "locations",
    "from_location": "locations",
    "to_location": "locations",
    "code": "locations",
    "number": "numbers",
    "carrier": "carriers",
    "currency": "currencies",
    "reference": "numbers",
}


@dataclass
class Pools:
    """Keys of objects that exist in the world, by kind; grows with what the fuzz creates."""

    customers: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    invoices: list[str] = field(default_factory=list)
    shipments: list[str] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    carriers: list[str] = field(default_factory=lambda: ["parcel", "own-fleet"])
    currencies: list[str] = field(default_factory=lambda: ["EUR", "JPY", "USD"])

    def add(self, kind: str, key: str) -> None:
        keys = getattr(self, kind)
        if key not in keys and len(keys) < 40:
            keys.append(key)


def message_types() -> list[type[m.Message]]:
    """Every command and query the facade runs, from its handler table."""
    from ordermgmt.usecases import HANDLERS

    return sorted(HANDLERS, key=lambda t: t.__name__)


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """(the type, its constraint metadata, whether None is allowed)."""
    optional = False
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation, metadata, optional


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in metadata:
        for attr in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            if isinstance(item, Ge | Gt | Le | Lt | MinLen | MaxLen) and hasattr(item, attr):
                found[attr] = getattr(item, attr)
        for inner in getattr(item, "metadata", ()):  # pydantic FieldInfo inside Annotated
            found.update(_bounds([inner]))
    return found


def _text(bounds: dict[str, Any], clean: bool) -> st.SearchStrategy[Any]:
    longest = bounds.get("max_length", 200)
    if clean:
        printable = st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))
        return st.text(
            alphabet=printable,
            min_size=max(1, bounds.get("min_length", 0)),
            max_size=min(longest, 12),
        )
    return st.one_of(
        st.text(max_size=min(longest, 30)),
        st.text(alphabet=st.characters(codec="ascii"), min_size=longest, max_size=longest + 1),
        st.text(
            alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None),
            max_size=8,
        ),
    )


def _money(clean: bool) -> st.SearchStrategy[Any]:
    if clean:
        return st.builds(
            lambda a: {"amount": str(a), "currency": "EUR"},
            st.decimals(min_value=0, max_value=500, places=2),
        )
    amount = st.one_of(
        st.sampled_from(["1.00", "10", "0.50", "149.00", "2.5"]),
        st.sampled_from(AMOUNTS),
        st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=10**4),
        st.decimals(allow_nan=True, allow_infinity=True),
    )
    currency = st.sampled_from(CURRENCIES)
    return st.one_of(
        st.builds(lambda a, c: {"amount": str(a), "currency": c}, amount, currency),
        st.builds(lambda a, c: f"{a} {c}", amount, currency),
        st.builds(lambda a, c: {"amount": a, "currency": c}, st.floats(), currency),
    )


def _number_text(low: str, high: str, clean: bool) -> st.SearchStrategy[Any]:
    if clean:
        return st.decimals(min_value=0, max_value=50, places=2).map(str)
    return st.one_of(
        st.sampled_from([low, high, "0", "1", "0.19", "1.25", "7.5", "0.123456", "0.1234567"]),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(min_value=0, max_value=10**5, places=7),
    )


def _int(bounds: dict[str, Any], clean: bool) -> st.SearchStrategy[Any]:
    low = bounds.get("ge", bounds.get("gt", -(2**40)))
    high = bounds.get("le", bounds.get("lt", 2**40))
    if clean:
        low = low + 1 if "gt" in bounds else low
        return st.integers(min_value=max(low, -3), max_value=min(high, 8))
    return st.one_of(
        st.integers(min_value=max(low, -5), max_value=min(high, 12)),
        st.sampled_from([low, high, low - 1, high + 1, 2**31, -(2**31) - 1]),
        st.integers(),
    )


def _typed(
    kind: Any, metadata: list[Any], pools: Pools, depth: int, clean: bool
) -> st.SearchStrategy[Any]:
    """A value of ``kind`` (the right type, though maybe out of bounds)."""
    bounds = _bounds(metadata)
    if kind is bool:
        return st.booleans()
    if kind is int:
        return _int(bounds, clean)
    if kind is date:
        return (
            st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1))
            if clean
            else st.dates()
        )
    if kind is Money:
        return _money(clean)
    if kind is Decimal:
        return _number_text("0", "99999.999999", clean)
    if kind is str:
        return _text(bounds, clean)
    if typing.get_origin(kind) is typing.Literal:
        return st.sampled_from(typing.get_args(kind))
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.sampled_from([member.value for member in kind])
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind)
        item_kind, item_meta, _ = _unwrap(item)
        return st.lists(
            _typed(item_kind, item_meta, pools, depth + 1, clean),
            min_size=max(0, bounds.get("min_length", 0) - (0 if clean else 1)),
            max_size=3,
        )
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return fields_of(kind, pools, depth + 1, clean)
    return st.nothing()


@dataclass(frozen=True)
class Pick:
    """The ``index``-th key (modulo) of the pool ``kind`` at the time the input runs: inputs are
    drawn before the world they refer to is known, so the strategies never depend on it."""

    kind: str
    index: int


def resolve(value: Any, pools: Pools) -> Any:
    """``value`` with every :class:`Pick` replaced by a key of the world (an unknown id where
    the pool is empty)."""
    if isinstance(value, Pick):
        keys = getattr(pools, value.kind)
        return keys[value.index % len(keys)] if keys else UNKNOWN_IDS[0]
    if isinstance(value, dict):
        return {k: resolve(v, pools) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, pools) for v in value]
    return value


def _pooled(name: str, clean: bool) -> st.SearchStrategy[Any] | None:
    pool = POOLED.get(name)
    if pool is None:
        return None
    known = st.builds(Pick, st.just(pool), st.integers(min_value=0, max_value=39))
    if clean:
        return known
    return st.one_of(known, known, known, st.sampled_from(UNKNOWN_IDS))


def value_of(
    model: type[BaseModel], name: str, pools: Pools, depth: int = 0, clean: bool = False
) -> st.SearchStrategy[Any]:
    """Any value for field ``name`` of ``model``: pooled, typed, or junk (``clean``: only
    values that pass the field's own checks, most of them keys of existing objects)."""
    info = model.model_fields[name]
    kind, metadata, optional = _unwrap(info.annotation)
    metadata = [*metadata, *info.metadata]
    typed = _typed(kind, metadata, pools, depth, clean)
    pooled = _pooled(name, clean) if kind is str else None
    good = [typed] if pooled is None else [pooled, pooled, pooled, typed]
    if optional:
        good.append(st.none())
    if clean:
        return st.one_of(*good)
    # Mostly values of the right type (so that commands get far), junk now and then.
    return st.one_of(*good * 4, st.sampled_from(JUNK))


#: Marks a field left out of the input.
OMIT = object()


def fields_of(
    model: type[BaseModel], pools: Pools, depth: int = 0, clean: bool = False
) -> st.SearchStrategy[Any]:
    """See :func:`_fields_of`; strategies do not depend on the pools (see :class:`Pick`), so
    each is built once."""
    return _fields_of(model, depth, clean)


@functools.cache
def _fields_of(model: type[BaseModel], depth: int, clean: bool) -> st.SearchStrategy[Any]:
    """The keyword arguments of one ``model``: every field drawn by :func:`value_of`, some
    left out (required ones too, now and then), now and then an unknown extra field. With
    ``clean``, every field passes its own checks and only optional ones are left out."""
    if depth > 2:
        return st.just({})
    parts: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        value = value_of(model, name, Pools(), depth, clean)  # pools are read at run time
        left_out = st.just(OMIT)
        if clean:
            parts[name] = value if info.is_required() else st.one_of(value, left_out)
            continue
        parts[name] = (
            st.one_of(value, value, value, left_out)
            if not info.is_required()
            else st.one_of(*[value] * 12, left_out)
        )

    def assemble(values: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        kwargs = {k: v for k, v in values.items() if v is not OMIT}
        return {**kwargs, **extra}

    extra = st.just({}) if clean else st.one_of(*[st.just({})] * 20, st.just({"unexpected": 1}))
    return st.builds(assemble, st.fixed_dictionaries(parts), extra)
