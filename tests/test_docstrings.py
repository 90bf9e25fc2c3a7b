"""Every public name a user reads has a docstring of its own: ports, errors,
messages and the public API are what callers read, so each says what it is for.

Checked on the objects, not on the source text. A class counts only with a docstring in its own
``__dict__``: ``inspect.getdoc`` would hand back pydantic's ``BaseModel`` text or a base class's,
which says nothing about the class at hand. Methods and properties count only when defined in
the class itself.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

import ordermgmt
from ordermgmt import errors, messages, ports
from ordermgmt.facade import OrderManagement

MODULES = (ordermgmt, messages, errors, ports)


def public_classes(module: ModuleType) -> Iterator[type]:
    """Classes listed in ``__all__``, or else the public classes the module defines itself."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    for name in names:
        value = getattr(module, name)
        if not inspect.isclass(value):
            continue
        if hasattr(module, "__all__") or value.__module__ == module.__name__:
            yield value


def own_doc(value: Any) -> str:
    """The docstring a function, property or method wrapper carries itself."""
    if isinstance(value, property):
        value = value.fget
    if isinstance(value, classmethod | staticmethod):
        value = value.__func__
    return inspect.cleandoc(getattr(value, "__doc__", None) or "")


def public_methods(cls: type) -> Iterator[tuple[str, Any]]:
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property | classmethod | staticmethod) or inspect.isfunction(value):
            yield name, value


def says_more_than_its_name(name: str, doc: str) -> bool:
    name_words = [w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)]
    doc_words = re.findall(r"[a-z0-9]+", doc.lower())
    return len(doc_words) >= 3 and doc_words != name_words


CLASSES = sorted(
    {cls for module in MODULES for cls in public_classes(module)},
    key=lambda c: (c.__module__, c.__qualname__),
)
PROTOCOLS = [c for c in public_classes(ports) if getattr(c, "_is_protocol", False)]
METHOD_OWNERS = [*PROTOCOLS] + [
    c for c in public_classes(messages) if c.__module__.startswith(f"{messages.__name__}.")
]
#: The facade's own classes: OrderManagement and the method groups it is composed of.
FACADE_CLASSES = [c for c in OrderManagement.__mro__ if c.__module__.startswith("ordermgmt.facade")]
METHODS = [
    (OrderManagement, name, value) for cls in FACADE_CLASSES for name, value in public_methods(cls)
] + [(cls, name, value) for cls in METHOD_OWNERS for name, value in public_methods(cls)]


def test_the_walk_finds_what_it_should() -> None:
    """Guard against a walk that silently checks nothing."""
    names = {c.__name__ for c in CLASSES}
    assert {"PlaceOrder", "OrderView", "Message", "View", "NotFound", "UnitOfWork"} <= names
    assert {"OrderRepository", "CarrierPort", "UnitOfWork"} <= {c.__name__ for c in PROTOCOLS}
    method_names = {f"{cls.__name__}.{name}" for cls, name, _ in METHODS}
    assert {
        "OrderManagement.place_order",
        "OrderManagement.in_memory",
        "OrderManagement.dependencies",
        "OrderRepository.get",
        "UnitOfWork.orders",
        "OrderView.reserved",
    } <= method_names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_public_class_has_its_own_docstring(cls: type) -> None:
    doc = inspect.cleandoc(vars(cls).get("__doc__") or "")
    assert doc, f"{cls.__qualname__} has no docstring of its own"
    assert says_more_than_its_name(cls.__name__, doc), f"{cls.__qualname__}: {doc!r}"


@pytest.mark.parametrize(
    ("cls", "name", "value"), METHODS, ids=[f"{c.__name__}.{n}" for c, n, _ in METHODS]
)
def test_public_method_has_its_own_docstring(cls: type, name: str, value: Any) -> None:
    doc = own_doc(value)
    assert doc, f"{cls.__name__}.{name} has no docstring"
    assert says_more_than_its_name(name, doc), f"{cls.__name__}.{name}: {doc!r}"
