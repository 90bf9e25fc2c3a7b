"""The one guard around every call into an outside system.

Carriers, purchasing, notifications and event publishers (and every port still to come) run code
the library does not control: an SDK raises its own exceptions, a network times out, an adapter
has a bug. :func:`call_outside` is the one place where whatever such a call raises becomes the
port's typed error:

- the port's own error (``CarrierError`` from a carrier, ``NotificationError`` from
  notifications, ...) passes through with the caller's context added to its ``details``
  (``shipment_id``, ``invoice_id``, ``requisition_id``) and is logged at INFO (the caller
  raises it or records it, and logs a warning where it goes on without it);
- any other ``Exception`` (a ``TimeoutError``, a ``ConnectionError``, a ``KeyError`` from a bug,
  even another :class:`~ordermgmt.errors.OrderManagementError`) is logged with its traceback
  and raised as the port's error, built by ``translate`` from a reason that names only the
  exception's type: its message may carry internals (a URL, a token) and stays in the log. The
  original is the new error's ``__cause__``;
- a ``BaseException`` that is not an ``Exception`` (``KeyboardInterrupt``, ``SystemExit``,
  ``GeneratorExit``, ``asyncio.CancelledError``) is not caught: it stops the process or task as
  Python means it to. Nothing is recorded then; the object the call was about stays as it was
  before the call (a pending shipment, an unsent invoice, a pending requisition, undelivered
  events), so the ordinary retry picks it up.

The caller records the typed error on the object it concerns and decides whether to raise it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ordermgmt.domain.errors import OrderManagementError, PublishError
from ordermgmt.domain.events import DomainEvent

if TYPE_CHECKING:
    from ordermgmt.ports import EventPublisher

log = logging.getLogger("ordermgmt.outside")

T = TypeVar("T")
E = TypeVar("E", bound=OrderManagementError)


def call_outside(
    call: Callable[[], T],
    *,
    port: str,
    operation: str,
    error: type[E],
    translate: Callable[[str], E],
    **context: Any,
) -> T:
    """Return ``call()``, or raise ``error`` (the port's typed error) if it fails.

    ``port`` and ``operation`` name the call for the log (``"carrier parcel"``, ``"book"``);
    ``translate(reason)`` builds the port's error for an exception of another type; ``context``
    is added to the error's ``details`` where it is not there yet. See the module docstring for
    what happens to each kind of exception.
    """
    try:
        return call()
    except error as failure:
        _add_context(failure, context)
        log.info("%s: %s failed (%s) %s", port, operation, failure, _describe(context))
        raise
    except Exception as failure:
        log.exception(
            "%s: %s raised %s unexpectedly %s",
            port,
            operation,
            type(failure).__name__,
            _describe(context),
        )
        typed = translate(f"unexpected {type(failure).__name__} from the adapter")
        typed.details["cause"] = type(failure).__name__
        _add_context(typed, context)
        raise typed from failure


def _add_context(error: OrderManagementError, context: dict[str, Any]) -> None:
    for key, value in context.items():
        error.details.setdefault(key, value)
        if not hasattr(error, key):
            setattr(error, key, value)


def _describe(context: dict[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in context.items())


def publish_committed(publisher: EventPublisher, events: Sequence[DomainEvent]) -> bool:
    """Publish committed events through the guard; True if the publisher took them.

    A publisher that fails (whatever it raises) is logged, and False tells the store to keep
    the events as undelivered for ``publish_pending_events``: the commit stands, the caller of
    the use case is not told about a delivery problem it cannot fix, and nothing is lost.
    """
    try:
        call_outside(
            lambda: publisher.publish(events),
            port="event publisher",
            operation="publish",
            error=PublishError,
            translate=lambda reason: PublishError(f"events not delivered: {reason}"),
            events=len(events),
        )
    except PublishError:
        return False
    return True


def relay_committed(publisher: EventPublisher, events: Sequence[DomainEvent]) -> None:
    """Publish events again on request (``publish_pending_events``): a failure is raised as
    ``PublishError`` (logged; the events stay undelivered)."""
    call_outside(
        lambda: publisher.publish(events),
        port="event publisher",
        operation="publish",
        error=PublishError,
        translate=lambda reason: PublishError(f"events not delivered: {reason}"),
        events=len(events),
    )
