"""Stock rows are locked in one global order, and what was read before the lock is re-checked
under it.

**One order.** Every use case locks the stock rows it changes in (sku, location) order: all rows
of the skus involved at once (``StockRepository.list_for_update``, sorted), or one row at a time
in sorted order. Rows of orders, documents and other aggregates are written at commit, after
every stock lock, in a fixed order of repositories and keys. Two transactions therefore never
wait for each other in a circle: no deadlock by design (the retry in
:mod:`ordermgmt.usecases.retry` is for what the database does on its own).

**Re-checked under the lock.** An order is read before the stock rows are locked (which rows to
lock depends on it). If, in between, someone else took the order's reserved units (a write-off
that sent them back to backorder, a shipment), the units the order believes reserved are no
longer on the row. That is a change someone made first, not bad input: it is raised as
:class:`ConcurrencyConflict` on the order, and running the use case again reads the new state.
"""

from __future__ import annotations

from collections.abc import Iterable

from ordermgmt.domain.errors import ConcurrencyConflict
from ordermgmt.domain.inventory import StockItem
from ordermgmt.domain.order import Order
from ordermgmt.ports import UnitOfWork


def lock_sku_rows(uow: UnitOfWork, skus: Iterable[str]) -> dict[tuple[str, str], StockItem]:
    """Lock every existing stock row of ``skus`` in (sku, location) order."""
    return {(i.sku, i.location): i for i in uow.stock.list_for_update(sorted(set(skus)))}


def changed_under(order: Order) -> ConcurrencyConflict:
    """The error for an order that changed since it was read."""
    return ConcurrencyConflict("order", order.id, order.version)


def release_for(order: Order, item: StockItem, quantity: int) -> None:
    """Release ``quantity`` units ``order`` holds on the locked ``item``."""
    if quantity > item.reserved:
        raise changed_under(order)
    item.release(quantity)


def consume_for(order: Order, item: StockItem, line_no: int, quantity: int) -> None:
    """Ship ``quantity`` units of ``order``'s line ``line_no`` reserved on the locked ``item``."""
    held = order.line(line_no).allocations.get(item.location, 0)
    if quantity > item.reserved or quantity > held:
        raise changed_under(order)
    item.consume(quantity)
    order.ship(line_no, item.location, quantity)
