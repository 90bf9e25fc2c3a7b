"""Copies of domain objects that share nothing mutable, derived from their dataclass fields.

A unit of work keeps a copy of every aggregate it loads and writes the aggregate back only if
it differs from that copy. A mutable part the copy shared with the original would change in
both, the two would stay equal, and the write would be skipped without a word. So no class
writes its own copy: :func:`copy_fields` follows the declared type of every dataclass field.

* Immutable values are shared: ``None``, numbers, text, dates and times, ``Decimal``, enums,
  ``NewType``\\ s and ``Literal``\\ s of those, frozen dataclasses whose fields are all immutable
  (``Money``, ``Address``, ...), and tuples and frozensets of immutable values.
* ``list``, ``dict`` and ``set`` are copied, and so is every mutable dataclass in them or in a
  field (``Order.lines`` holds ``OrderLine``\\ s, each with its own ``allocations`` dict), field
  by field by the same rules.
* Any other type (``Any``, ``object``, an abstract ``Sequence``, a class this module cannot
  tell is immutable, a frozen dataclass with a mutable field) makes the class refuse to be
  copied: :func:`copy_plan` raises ``TypeError`` naming the field. The domain's tests build the
  plan of every aggregate, so such a field fails a test instead of losing a write.
"""

from __future__ import annotations

import dataclasses
import enum
import threading
import types
import typing
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

#: Copies one value; a field whose values are shared has no copier.
Copier = Callable[[Any], Any]
#: The fields of a class that need copying, with how: the others are shared.
Plan = tuple[tuple[str, Copier], ...]

#: Classes whose instances never change (subclasses included).
IMMUTABLE_TYPES: tuple[type, ...] = (
    type(None),
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    Decimal,
    Fraction,
    datetime,
    date,
    time,
    timedelta,
    timezone,
    enum.Enum,
)

_plans: dict[type, Plan] = {}
_building: set[type] = set()
_lock = threading.RLock()


def copy_plan(cls: type) -> Plan:
    """The fields of dataclass ``cls`` that a copy must not share, each with its copier.

    Built once per class. Raises ``TypeError`` for a field whose declared type is neither
    immutable nor a container or dataclass this module knows how to copy."""
    found = _plans.get(cls)
    if found is not None:
        return found
    with _lock:
        found = _plans.get(cls)
        if found is None:
            found = _plans[cls] = _build_plan(cls)
    return found


def copy_fields(value: Any) -> Any:
    """A copy of the mutable dataclass instance ``value``: its immutable fields shared, the
    others copied by :func:`copy_plan` (values outside the fields, such as cached properties,
    are shared)."""
    cls = type(value)
    try:
        plan = _plans[cls]
    except KeyError:
        plan = copy_plan(cls)
    state = value.__dict__.copy()
    for name, copy in plan:
        state[name] = copy(state[name])
    twin = object.__new__(cls)
    twin.__dict__ = state
    return twin


def _build_plan(cls: type) -> Plan:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__qualname__} is not a dataclass: its fields cannot be followed")
    if "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__qualname__}: a mutable dataclass with slots cannot be copied")
    _building.add(cls)
    try:
        hints = typing.get_type_hints(cls)
        plan = []
        for field in dataclasses.fields(cls):
            try:
                copier = _copier(hints[field.name])
            except TypeError as error:
                raise TypeError(f"{cls.__qualname__}.{field.name}: {error}") from None
            if copier is not None:
                plan.append((field.name, copier))
        return tuple(plan)
    finally:
        _building.discard(cls)


def _copier(hint: Any) -> Copier | None:
    """How to copy a value of declared type ``hint``: None when it is shared."""
    supertype = getattr(hint, "__supertype__", None)
    if supertype is not None:  # a NewType
        return _copier(supertype)
    origin = typing.get_origin(hint)
    if origin is None:
        return _class_copier(hint)
    args = typing.get_args(hint)
    if origin is typing.Literal:
        return None
    if origin is typing.Union or origin is types.UnionType:
        return _union_copier(hint, args)
    if origin is tuple:
        return _tuple_copier(hint, args)
    if origin is frozenset:
        _immutable(args[0], hint)
        return None
    if origin is list or origin is set:
        item = _copier(args[0])
        if item is None:
            return typing.cast(Copier, origin.copy)
        if origin is set:
            raise TypeError(f"a set of mutable values ({hint}) cannot be hashed")
        return lambda items: [item(x) for x in items]
    if origin is dict:
        _immutable(args[0], hint)
        value_copier = _copier(args[1])
        if value_copier is None:
            return dict.copy
        return lambda mapping: {k: value_copier(v) for k, v in mapping.items()}
    raise TypeError(f"cannot tell how to copy a {hint}: declare a list, dict, set or tuple")


def _class_copier(cls: Any) -> Copier | None:
    if not isinstance(cls, type):
        raise TypeError(f"cannot tell whether {cls!r} is immutable")
    if cls in (list, dict, set, tuple, frozenset):
        raise TypeError(f"a bare {cls.__name__} does not say what it holds")
    if issubclass(cls, IMMUTABLE_TYPES):
        return None
    if dataclasses.is_dataclass(cls):
        params = getattr(cls, "__dataclass_params__", None)
        if params is not None and params.frozen:
            hints = typing.get_type_hints(cls)
            for field in dataclasses.fields(cls):
                if _copier(hints[field.name]) is not None:
                    raise TypeError(
                        f"frozen {cls.__qualname__} holds a mutable field {field.name}: "
                        "make it immutable"
                    )
            return None
        if cls not in _building:
            copy_plan(cls)  # refuses now rather than at the first copy
        return copy_fields
    raise TypeError(f"cannot tell whether {cls.__qualname__} is immutable")


def _immutable(hint: Any, container: Any) -> None:
    if _copier(hint) is not None:
        raise TypeError(f"{container} holds mutable values where only immutable ones can be")


def _union_copier(hint: Any, args: tuple[Any, ...]) -> Copier | None:
    copiers = [c for c in (_copier(arg) for arg in args) if c is not None]
    if not copiers:
        return None
    if len(copiers) > 1 or len(args) != 2 or type(None) not in args:
        raise TypeError(f"{hint}: only ``X | None`` may have a mutable alternative")
    copy = copiers[0]
    return lambda value: None if value is None else copy(value)


def _tuple_copier(hint: Any, args: tuple[Any, ...]) -> Copier | None:
    if not args:
        raise TypeError("a bare tuple does not say what it holds")
    if len(args) == 2 and args[1] is Ellipsis:
        item = _copier(args[0])
        if item is None:
            return None
        return lambda items: tuple(item(x) for x in items)
    copiers = [_copier(arg) for arg in args]
    if all(c is None for c in copiers):
        return None
    raise TypeError(f"{hint} holds a mutable value: use a tuple of immutable values or a list")
