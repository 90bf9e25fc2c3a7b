"""Contract tests for every port: the promises of :mod:`ordermgmt.ports`, as pytest classes.

Every adapter, ours and yours, must pass the same suite; ``docs/adapters.md`` shows a runnable
example for each kind. The outside ports each have one class, needing one fixture that builds
your adapter (plus one to look at the outside system):

- :class:`CarrierContract`: ``carrier``.
- :class:`PurchasingContract`: ``purchasing`` and ``held``.
- :class:`NotificationContract`: ``notifications`` and ``delivered``.
- :class:`EventPublisherContract`: ``event_publisher``; :class:`SubscriberFailureContract`
  also ``redeliver``.
- :class:`DocumentRendererContract`: ``renderer``.

An adapter that can simulate an outage runs :class:`CarrierOutageContract`,
:class:`PurchasingOutageContract` or :class:`NotificationOutageContract` instead: the same
suite plus the tests of failure and retry, with one more fixture, ``outage``, a callable that
makes the adapter's next call fail as when the outside system cannot be reached.

Storage: each class below tests one repository, or the unit of work, against the contract in
its methods' docstrings. The classes need one fixture from you,
``uow_factory``: a callable without arguments that returns a new
:class:`~ordermgmt.ports.UnitOfWork` on your store each time it is called, on a fresh, empty
store for every test. Hand the suite's ``publisher`` fixture to your units of work as their
event publisher, so that the event tests see what is published::

    import pytest
    from ordermgmt.testing.contracts import StorageContract

    class TestMyStore(StorageContract):
        @pytest.fixture
        def uow_factory(self, publisher, tmp_path):
            store = MyStore.create(tmp_path / "orders.db")  # fresh and empty for every test
            return lambda: MyUnitOfWork(store, publisher)

:class:`StorageContract` is every repository and unit-of-work class below at once. While you
build an adapter up, run single classes instead
(``from ordermgmt.testing.contracts import UnitOfWorkContract``, then
``class TestMyUnitOfWork(UnitOfWorkContract)`` with the same fixture). A durable store with an
outbox also runs :class:`OutboxContract`, which needs a second fixture, ``outbox_relay``: the
store's :class:`~ordermgmt.ports.OutboxRelay`, publishing to ``publisher``.

How the suite reads the contracts where a store has a choice:

- A duplicate (id, number, idempotency key, a second open requisition) may be refused by
  ``add`` or, at the latest, by ``commit``: a database can only be sure at commit. Either way
  it is a :class:`~ordermgmt.errors.Conflict` and nothing of that unit of work is stored.
- Events may be published at ``commit`` or when the unit of work is left, but only once the
  commit is durable: a subscriber that opens a new unit of work already sees the data.
- Objects a repository returns belong to their unit of work: the suite changes them only
  there, and expects changes made after a commit to need another commit.

The suite builds domain objects directly, with fixed times and ids, so it is deterministic.
For detailed assertion messages let pytest rewrite this module: call
``pytest.register_assert_rewrite("ordermgmt.testing.contracts")`` in your ``conftest.py``
before anything imports it.
"""

from __future__ import annotations

from ordermgmt.testing.contracts.carriers import CarrierContract, CarrierOutageContract
from ordermgmt.testing.contracts.catalog import CatalogContract
from ordermgmt.testing.contracts.customers import CustomerRepositoryContract
from ordermgmt.testing.contracts.documents import DocumentRepositoriesContract
from ordermgmt.testing.contracts.events import EventPublisherContract, SubscriberFailureContract
from ordermgmt.testing.contracts.idempotency import IdempotencyContract
from ordermgmt.testing.contracts.ledger import LedgerContract
from ordermgmt.testing.contracts.notifications import (
    NotificationContract,
    NotificationOutageContract,
)
from ordermgmt.testing.contracts.orders import OrderRepositoryContract
from ordermgmt.testing.contracts.outbox import OutboxContract
from ordermgmt.testing.contracts.purchasing import PurchasingContract, PurchasingOutageContract
from ordermgmt.testing.contracts.read_your_writes import ReadYourWritesContract
from ordermgmt.testing.contracts.recording import PublisherUnavailable, RecordingPublisher
from ordermgmt.testing.contracts.renderers import DocumentRendererContract
from ordermgmt.testing.contracts.requisitions import RequisitionContract
from ordermgmt.testing.contracts.sequences import SequenceContract
from ordermgmt.testing.contracts.stock import StockRepositoryContract
from ordermgmt.testing.contracts.storage import StorageContract
from ordermgmt.testing.contracts.unit_of_work import UnitOfWorkContract

__all__ = [
    "CarrierContract",
    "CarrierOutageContract",
    "CatalogContract",
    "CustomerRepositoryContract",
    "DocumentRendererContract",
    "DocumentRepositoriesContract",
    "EventPublisherContract",
    "IdempotencyContract",
    "LedgerContract",
    "NotificationContract",
    "NotificationOutageContract",
    "OrderRepositoryContract",
    "OutboxContract",
    "PublisherUnavailable",
    "PurchasingContract",
    "PurchasingOutageContract",
    "ReadYourWritesContract",
    "RecordingPublisher",
    "RequisitionContract",
    "SequenceContract",
    "StockRepositoryContract",
    "StorageContract",
    "SubscriberFailureContract",
    "UnitOfWorkContract",
]
