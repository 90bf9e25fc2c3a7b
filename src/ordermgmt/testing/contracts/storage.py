"""Every storage contract at once."""

from __future__ import annotations

from ordermgmt.testing.contracts.catalog import CatalogContract
from ordermgmt.testing.contracts.customers import CustomerRepositoryContract
from ordermgmt.testing.contracts.documents import DocumentRepositoriesContract
from ordermgmt.testing.contracts.idempotency import IdempotencyContract
from ordermgmt.testing.contracts.ledger import LedgerContract
from ordermgmt.testing.contracts.orders import OrderRepositoryContract
from ordermgmt.testing.contracts.read_your_writes import ReadYourWritesContract
from ordermgmt.testing.contracts.requisitions import RequisitionContract
from ordermgmt.testing.contracts.sequences import SequenceContract
from ordermgmt.testing.contracts.stock import StockRepositoryContract
from ordermgmt.testing.contracts.unit_of_work import UnitOfWorkContract


class StorageContract(
    UnitOfWorkContract,
    CustomerRepositoryContract,
    CatalogContract,
    StockRepositoryContract,
    OrderRepositoryContract,
    RequisitionContract,
    SequenceContract,
    LedgerContract,
    DocumentRepositoriesContract,
    ReadYourWritesContract,
    IdempotencyContract,
):
    """Every repository and unit-of-work contract at once (the outbox is extra: see
    :class:`OutboxContract`)."""
