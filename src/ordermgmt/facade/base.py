"""What every facade method shares: building a command from keyword arguments and running its
use case.

A facade method names its use case and its command type; :meth:`UseCaseRunner._call` builds
the command (bad input becomes ``ValidationError``) and runs the use case with the retry that
``OrderManagement.execute`` applies, so mypy checks each method's result against the use case's
return type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pydantic

from ordermgmt import messages as m
from ordermgmt.domain.errors import ValidationError
from ordermgmt.ports import Dependencies
from ordermgmt.usecases.retry import run_with_retry

M = TypeVar("M", bound=m.Message)
R = TypeVar("R")


def _field_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith("function-") and "[" not in part:
            path += f".{part}" if path else part
    return path or "input"


def build(command_type: type[M], **fields: Any) -> M:
    """Build and validate a command, turning pydantic's errors into ``ValidationError``."""
    try:
        return command_type(**fields)
    except pydantic.ValidationError as error:
        first = error.errors(include_url=False)[0]
        cause = first.get("ctx", {}).get("error")
        reason = cause.reason if isinstance(cause, ValidationError) else first["msg"]
        reason = reason.removeprefix("Value error, ")
        field = _field_path(tuple(first["loc"]))
        value = first.get("input")
        if first["type"] == "missing":
            value = None
        raise ValidationError(field, value, reason) from None


def arguments_given(arguments: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a facade method, without ``self`` and unset optionals."""
    return {k: v for k, v in arguments.items() if k != "self" and v is not None}


class UseCaseRunner:
    """The base of the facade's method groups: the ports they run on, and :meth:`_call`."""

    _deps: Dependencies

    def _call(
        self, use_case: Callable[[Dependencies, M], R], command_type: type[M], **fields: Any
    ) -> R:
        """Build a ``command_type`` from ``fields`` and run ``use_case`` on it, again on a
        transient conflict of its first unit of work, exactly as ``execute`` would."""
        return run_with_retry(use_case, self._deps, build(command_type, **fields))
