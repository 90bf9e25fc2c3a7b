"""Idempotency records and document number series of the SQLAlchemy unit of work."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select

from ordermgmt.adapters.idempotency import add_record
from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.compiled import Statement, fetch
from ordermgmt.adapters.sqlalchemy.mappers import utc
from ordermgmt.adapters.sqlalchemy.statements import cached_statement, insert_rows
from ordermgmt.domain.idempotency import IdempotencyRecord, Scope

if TYPE_CHECKING:
    from ordermgmt.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork


class SqlAlchemyIdempotencyRecords:
    """Idempotency records: read by primary key, inserted at commit before anything else, so a
    concurrent transaction with the same (scope, key) waits on the row (PostgreSQL) or on the
    write lock (SQLite) and then fails with ``DuplicateKey``."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow
        self.added: dict[tuple[str, str], IdempotencyRecord] = {}

    def find(self, scope: Scope, key: str) -> IdempotencyRecord | None:
        """The record of ``key`` in ``scope``: added in this unit of work, or stored.

        On PostgreSQL the lookup first takes a transaction lock on (scope, key), so a
        concurrent command with the same key waits here until the first one commits and then
        finds its record. Without it, under READ COMMITTED, the second could miss the record
        and still read the first one's effects (an invoice already paid) and fail on them."""
        found = self.added.get((scope, key))
        if found is not None:
            return found
        conn = self._uow.connection
        if conn.dialect.name == "postgresql":
            conn.execute(
                select(func.pg_advisory_xact_lock(func.hashtextextended(f"{scope.value}:{key}", 0)))
            )
        return self._stored(scope, key)

    def _stored(self, scope: Scope, key: str) -> IdempotencyRecord | None:
        c = t.idempotency_records.c
        row = (
            self._uow.connection.execute(
                select(t.idempotency_records).where(c.scope == scope.value, c.key == key)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return IdempotencyRecord(
            scope=Scope(row["scope"]),
            key=row["key"],
            fingerprint=row["fingerprint"],
            result_ids=tuple(json.loads(row["result_ids"])),
            recorded_at=utc(row["recorded_at"]),
        )

    def add(self, record: IdempotencyRecord) -> None:
        """Keep ``record`` for the commit, by the rule of ``adapters.idempotency.add_record``."""
        add_record(self.added, record, self._stored)

    def flush(self) -> None:
        insert_rows(
            self._uow.connection,
            t.idempotency_records.name,
            [
                {
                    "scope": r.scope.value,
                    "key": r.key,
                    "fingerprint": r.fingerprint,
                    "result_ids": json.dumps(list(r.result_ids)),
                    "recorded_at": r.recorded_at,
                }
                for r in self.added.values()
            ],
        )


class SqlAlchemySequences:
    """Document number series: the next number from ``sequences``, locked until commit."""

    def __init__(self, uow: SqlAlchemyUnitOfWork) -> None:
        self._uow = uow

    def next_value(self, series: str) -> int:
        conn = self._uow.connection
        statement = cached_statement(
            f"next_value:{conn.dialect.name}",
            lambda: Statement(
                self._uow.upsert(t.sequences)
                .values(series=bindparam("series", type_=t.sequences.c.series.type), value=1)
                .on_conflict_do_update(
                    index_elements=[t.sequences.c.series],
                    set_={"value": t.sequences.c.value + 1},
                )
                .returning(t.sequences.c.value)
            ),
        )
        ((value,),) = fetch(conn, statement, {"series": series})
        return int(value)
