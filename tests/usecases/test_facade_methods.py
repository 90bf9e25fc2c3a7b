"""Every facade method runs the same use case as ``execute`` runs for its command.

A facade method names its use case and command type directly (so mypy checks its result);
``execute`` looks the use case up in ``HANDLERS``. The two paths must agree, and every command
and query must have its method.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ordermgmt import Money, OrderManagement, errors
from ordermgmt import messages as m
from ordermgmt.usecases import HANDLERS


def _resolve(expression: ast.expr, namespace: dict[str, Any]) -> Any:
    """The object a dotted name such as ``customers.register_customer`` names in a module."""
    first, *rest = ast.unparse(expression).split(".")
    return functools.reduce(getattr, rest, namespace[first])


def facade_calls() -> Iterator[tuple[str, Callable[..., Any], type[m.Message]]]:
    """(method, use case, command type) of every ``self._call(...)`` in the facade's classes."""
    for cls in OrderManagement.__mro__:
        if not cls.__module__.startswith("ordermgmt.facade"):
            continue
        namespace = vars(importlib.import_module(cls.__module__))
        [definition] = ast.parse(inspect.getsource(cls)).body
        assert isinstance(definition, ast.ClassDef)
        for method in definition.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            for node in ast.walk(method):
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "self._call":
                    use_case, command_type = (_resolve(a, namespace) for a in node.args[:2])
                    yield method.name, use_case, command_type


CALLS = sorted(facade_calls(), key=lambda call: call[0])


def test_the_walk_finds_the_facade_methods() -> None:
    names = {name for name, _, _ in CALLS}
    assert {"register_customer", "place_order", "issue_invoice", "ship_order", "exchange"} <= names


@pytest.mark.parametrize(("method", "use_case", "command_type"), CALLS, ids=[c[0] for c in CALLS])
def test_the_method_runs_the_use_case_execute_runs(
    method: str, use_case: Callable[..., Any], command_type: type[m.Message]
) -> None:
    assert HANDLERS[command_type] is use_case, f"OrderManagement.{method}"


def test_every_command_and_query_has_a_facade_method() -> None:
    assert {command_type for _, _, command_type in CALLS} == set(HANDLERS)


def test_a_method_and_execute_give_the_same_result() -> None:
    oms = OrderManagement.in_memory()
    created = oms.upsert_product(
        sku="TEA-1", name="Tea", unit_price=Money("4.50", "EUR"), tax_rate="0.07"
    )

    assert oms.execute(m.GetProduct(sku="TEA-1")) == oms.get_product("TEA-1") == created


def test_execute_refuses_a_message_that_is_no_command() -> None:
    oms = OrderManagement.in_memory()

    with pytest.raises(errors.ValidationError, match="is not a known command"):
        oms.execute(
            m.AddressData(line1="Main St 1", city="Berlin", postal_code="10115", country="DE")
        )
