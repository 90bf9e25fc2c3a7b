"""The facade's return methods: returns (RMAs) and exchanges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ordermgmt import messages as m
from ordermgmt.facade.base import UseCaseRunner, arguments_given
from ordermgmt.usecases import returns


class ReturnMethods(UseCaseRunner):
    """Returns (RMAs) and exchanges."""

    def request_return(
        self,
        order_id: str,
        *,
        lines: Sequence[Mapping[str, Any]],
        reason: str,
        idempotency_key: str | None = None,
    ) -> m.ReturnView:
        """Open a return (RMA) for delivered units; nothing moves until
        :meth:`receive_return`. The same ``idempotency_key`` again (unique among return
        requests) returns the first return. Raises ``NotFound``, ``InvalidStateTransition``
        for a cancelled order, and ``ValidationError`` for more units than were delivered and
        not returned."""
        return self._call(returns.request_return, m.RequestReturn, **arguments_given(locals()))

    def receive_return(
        self,
        return_id: str,
        *,
        restock: bool = True,
        location: str | None = None,
        refund_method: str | None = None,
        idempotency_key: str | None = None,
    ) -> m.ReturnView:
        """Goods are back: restocked (or written off), credited, and refunded where paid.
        The same ``idempotency_key`` again (unique among return receipts) returns the return
        as it is and books nothing. Raises ``NotFound``, and ``InvalidStateTransition`` unless
        the return is requested."""
        return self._call(returns.receive_return, m.ReceiveReturn, **arguments_given(locals()))

    def exchange(
        self,
        order_id: str,
        *,
        return_lines: Sequence[Mapping[str, Any]],
        replacement_lines: Sequence[Mapping[str, Any]],
        reason: str,
    ) -> m.ExchangeView:
        """A return plus a replacement order; the credit pays for the replacement first.
        Raises what :meth:`request_return` and :meth:`place_order` raise."""
        return self._call(returns.exchange, m.Exchange, **arguments_given(locals()))

    def reject_return(self, return_id: str, *, reason: str) -> m.ReturnView:
        """Refuse a requested return: nothing comes back and nothing is credited; the units can
        be asked for again. ``InvalidStateTransition`` if it was received or rejected already,
        ``NotFound`` for an unknown id."""
        return self._call(returns.reject_return, m.RejectReturn, return_id=return_id, reason=reason)

    def get_return(self, return_id: str) -> m.ReturnView:
        """The return (RMA) with this id; raises ``NotFound`` if there is none."""
        return self._call(returns.get_return, m.GetReturn, return_id=return_id)
