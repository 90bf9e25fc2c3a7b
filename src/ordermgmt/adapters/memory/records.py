"""Idempotency records, the journal and document number series of the in-memory unit of
work: what it adds is kept apart and joins the store on commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ordermgmt.adapters.idempotency import add_record
from ordermgmt.domain.errors import DuplicateKey
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope
from ordermgmt.domain.ledger import JournalEntry, Side

if TYPE_CHECKING:
    from ordermgmt.adapters.memory.store import InMemoryUnitOfWork


class InMemoryIdempotencyRecords:
    """Idempotency records of one unit of work, checked again against the store at commit."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow
        self.added: dict[tuple[str, str], IdempotencyRecord] = {}

    def find(self, scope: Scope, key: str) -> IdempotencyRecord | None:
        """The record of ``key`` in ``scope``: added in this unit of work, or stored."""
        return self.added.get((scope, key)) or self._stored(scope, key)

    def add(self, record: IdempotencyRecord) -> None:
        """Keep ``record`` for the commit, by the rule of ``adapters.idempotency.add_record``."""
        add_record(self.added, record, self._stored)

    def _stored(self, scope: Scope, key: str) -> IdempotencyRecord | None:
        return self._uow.store.idempotency.get((scope, key))

    def check(self) -> None:
        """Before commit: no record of this unit of work may have been stored meanwhile."""
        for scope, key in self.added:
            if (scope, key) in self._uow.store.idempotency:
                raise DuplicateKey("idempotency key", f"{scope}:{key}")


class InMemoryLedger:
    """The journal: entries posted in the unit of work join the store's on commit."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow
        self.posted: list[JournalEntry] = []

    def post(self, entry: JournalEntry) -> None:
        self.posted.append(entry)
        self._uow.touched.append(entry)

    def balances(self) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        result = dict(self._uow.store.balances)
        add_to_balances(result, self.posted)
        return result

    def entries(self, reference: str | None = None) -> list[JournalEntry]:
        store = self._uow.store
        if reference is None:
            return store.journal + self.posted
        stored = store.journal_by_reference.get(reference, [])
        return stored + [e for e in self.posted if e.reference == reference]

    def entries_since(self, at: datetime) -> list[JournalEntry]:
        found = [e for e in self._uow.store.journal + self.posted if e.posted_at >= at]
        return sorted(found, key=lambda e: e.posted_at)  # stable: posting order within a time


def add_to_balances(
    balances: dict[tuple[str, str], tuple[Decimal, Decimal]], entries: Iterable[JournalEntry]
) -> None:
    """Add the postings of ``entries`` to ``balances`` (debit, credit) by (account, currency)."""
    for entry in entries:
        for posting in entry.postings:
            key = (posting.account, posting.amount.currency)
            debit, credit = balances.get(key, (Decimal(0), Decimal(0)))
            if posting.side is Side.DEBIT:
                debit += posting.amount.amount
            else:
                credit += posting.amount.amount
            balances[key] = (debit, credit)


class InMemorySequences:
    """Document number series: numbers taken in the unit of work join the store on commit."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow
        self.taken: dict[str, int] = {}

    def next_value(self, series: str) -> int:
        current = self.taken.get(series, self._uow.store.sequences.get(series, 0))
        self.taken[series] = current + 1
        return current + 1
