"""Structural views of domain objects for the tests: every dataclass field, however deep.

``state`` is what "equal" means when a test compares a stored aggregate with the one it expects:
every field (pending events aside), nested dataclasses, lists and dicts included, whether or not
the class's own ``==`` looks at it. ``shared_mutables`` finds the mutable objects two values
share: a copy that shares one with its original changes when the original does.
"""

from __future__ import annotations

import dataclasses
from typing import Any

#: Not stored state: the events an aggregate recorded and a unit of work has not taken yet.
NOT_STATE = frozenset({"pending_events"})

_MUTABLE = (list, dict, set, bytearray)


def state(value: Any) -> Any:
    """``value`` as nested plain data: dataclasses as ``(class name, {field: state})``, lists
    and tuples as lists tagged with their type, dicts and sets by content."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            {
                f.name: state(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.name not in NOT_STATE
            },
        )
    if isinstance(value, list | tuple):
        return (type(value).__name__, [state(item) for item in value])
    if isinstance(value, dict):
        return ("dict", {key: state(item) for key, item in value.items()})
    if isinstance(value, set | frozenset):
        return (type(value).__name__, frozenset(value))
    return value


def shared_mutables(original: Any, copy: Any, path: str = "") -> list[str]:
    """The paths at which ``original`` and ``copy`` hold one and the same mutable object (a
    list, dict, set or a dataclass that is not frozen), looking into every attribute, item and
    value they hold, shared immutable ones included."""
    if original is copy and (isinstance(original, _MUTABLE) or _mutable_dataclass(original)):
        return [path or "."]
    found: list[str] = []
    if dataclasses.is_dataclass(original) and not isinstance(original, type):
        names = getattr(original, "__dict__", None) or [
            f.name for f in dataclasses.fields(original)
        ]
        for name in names:
            if name not in NOT_STATE and hasattr(copy, name):
                found += shared_mutables(
                    getattr(original, name), getattr(copy, name), f"{path}.{name}"
                )
    elif isinstance(original, list | tuple) and isinstance(copy, list | tuple):
        for index, (a, b) in enumerate(zip(original, copy, strict=False)):
            found += shared_mutables(a, b, f"{path}[{index}]")
    elif isinstance(original, dict) and isinstance(copy, dict):
        for key in original.keys() & copy.keys():
            found += shared_mutables(original[key], copy[key], f"{path}[{key!r}]")
    return found


def _mutable_dataclass(value: Any) -> bool:
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return False
    return not type(value).__dataclass_params__.frozen  # type: ignore[attr-defined]
