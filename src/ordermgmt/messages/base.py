"""The bases of every message: :class:`Message` (commands, queries and their line inputs),
:class:`Command`, :class:`Query` and :class:`View` (results), and the helpers they share."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from ordermgmt.domain.base import require_printable
from ordermgmt.messages.fields import Multiline


def exactly_one(first: str, second: str) -> Any:
    """A model validator requiring exactly one of two optional fields."""

    def check(model: Any) -> Any:
        if (getattr(model, first) is None) == (getattr(model, second) is None):
            raise ValueError(f"give exactly one of {first} or {second}")
        return model

    return model_validator(mode="after")(check)


class Message(BaseModel):
    """Base of every input model: commands, queries and the line inputs inside them.

    Frozen; unknown fields are refused; text is stripped of surrounding whitespace. Money fields
    take a :class:`~ordermgmt.Money`, ``{"amount": "12.50", "currency": "EUR"}`` or ``"12.50 EUR"``
    (never a float). Built by a facade method (or :func:`ordermgmt.facade.build`), bad input raises
    :class:`ordermgmt.errors.ValidationError` naming the field; built directly, it raises pydantic's
    ``ValidationError``. Both are ``ValueError`` subclasses.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any, info: ValidationInfo) -> Any:
        """No text field of any message holds a control character (NUL, escape, ...) or a lone
        surrogate; fields typed :data:`FreeText` may hold tabs and line breaks. Text that no
        store could keep, or that a later read would refuse, never gets in."""
        name = info.field_name or "input"
        multiline = name in cls.model_fields and any(
            isinstance(mark, Multiline) for mark in cls.model_fields[name].metadata
        )
        texts = value if isinstance(value, list | tuple) else (value,)
        for text in texts:
            if isinstance(text, str):
                require_printable(text, name, multiline=multiline)
        return value


class Command(Message):
    """Base of every command: a request to change something.

    Run one with ``OrderManagement.execute(command)``, or call the facade method its docstring names
    with the same fields as keyword arguments.
    """


class Query(Message):
    """Base of every query: a request to read something; running it changes nothing.

    Run one with ``OrderManagement.execute(query)``, or call the facade method its docstring names.
    """


class View(BaseModel):
    """Base of every result: a frozen snapshot of plain values, never a live domain object.

    Safe to keep and to serialize: ``model_dump(mode="json")`` (or :func:`dump`) writes Money as
    ``{"amount": "12.50", "currency": "EUR"}`` and Decimals as strings, so no amount passes through
    a float. Views are read straight off the domain objects' attributes (``from_attributes``):
    a view's field is the aggregate's attribute or property of the same name.
    """

    model_config = ConfigDict(frozen=True, from_attributes=True)


def dump(value: Any) -> Any:
    """A JSON-friendly form of a view or a list of views."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    return value
