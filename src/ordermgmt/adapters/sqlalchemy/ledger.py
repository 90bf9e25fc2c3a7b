"""The journal of the SQLAlchemy unit of work: entries posted in it are written at commit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.mappers import utc
from ordermgmt.adapters.sqlalchemy.statements import insert_rows
from ordermgmt.domain.ledger import JournalEntry, Posting, Side
from ordermgmt.domain.money import Money

if TYPE_CHECKING:
    from ordermgmt.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork


class SqlAlchemyLedger:
    """The journal: entries posted in the unit of work are inserted at commit."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow
        self.posted: list[JournalEntry] = []

    def post(self, entry: JournalEntry) -> None:
        self.posted.append(entry)
        self._uow.touched.append(entry)

    def flush(self) -> None:
        if not self.posted:
            return
        conn = self._uow.connection
        insert_rows(
            conn,
            t.journal_entries.name,
            [
                {
                    "id": e.id,
                    "posted_at": e.posted_at,
                    "description": e.description,
                    "reference": e.reference,
                    "reverses": e.reverses,
                }
                for e in self.posted
            ],
        )
        insert_rows(
            conn,
            t.postings.name,
            [
                {
                    "entry_id": e.id,
                    "position": i,
                    "account": p.account,
                    "side": p.side.value,
                    "amount": p.amount.amount,
                    "currency": p.amount.currency,
                }
                for e in self.posted
                for i, p in enumerate(e.postings)
            ],
        )

    def balances(self) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
        # Summed here rather than in SQL: SQLite would sum text amounts as floats.
        result: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
        c = t.postings.c
        rows = self._uow.connection.execute(select(c.account, c.currency, c.side, c.amount))
        pending = [
            (p.account, p.amount.currency, p.side.value, p.amount.amount)
            for e in self.posted
            for p in e.postings
        ]
        for account, currency, side, amount in [tuple(r) for r in rows] + pending:
            debit, credit = result.get((account, currency), (Decimal(0), Decimal(0)))
            if side == Side.DEBIT:
                debit += amount
            else:
                credit += amount
            result[(account, currency)] = (debit, credit)
        return result

    def entries(self, reference: str | None = None) -> list[JournalEntry]:
        e = t.journal_entries.c
        query = select(t.journal_entries).order_by(e.seq)
        if reference is not None:
            query = query.where(e.reference == reference)
        stored = self._read(query)
        return stored + [x for x in self.posted if reference is None or x.reference == reference]

    def entries_since(self, at: datetime) -> list[JournalEntry]:
        e = t.journal_entries.c
        # Ordered as the index on posted_at is (its entries end in seq): SQLite would rather
        # walk the whole journal in seq order than sort what the index found.
        query = select(t.journal_entries).where(e.posted_at >= at).order_by(e.posted_at, e.seq)
        stored = self._read(query)
        pending = [x for x in self.posted if x.posted_at >= at]
        return sorted(stored + pending, key=lambda x: x.posted_at)  # stable: seq within a time

    def _read(self, query: Select[Any]) -> list[JournalEntry]:
        p = t.postings.c
        conn = self._uow.connection
        heads = [dict(r) for r in conn.execute(query).mappings()]
        lines: dict[str, list[Posting]] = {}
        ids = [h["id"] for h in heads]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(
                select(t.postings).where(p.entry_id.in_(chunk)).order_by(p.entry_id, p.position)
            )
            for r in rows:
                lines.setdefault(r.entry_id, []).append(
                    Posting(r.account, Side(r.side), Money(r.amount, r.currency).rounded())
                )
        stored = [
            JournalEntry(
                id=h["id"],
                posted_at=utc(h["posted_at"]),
                description=h["description"],
                postings=tuple(lines[h["id"]]),
                reference=h["reference"],
                reverses=h["reverses"],
            )
            for h in heads
        ]
        return stored
