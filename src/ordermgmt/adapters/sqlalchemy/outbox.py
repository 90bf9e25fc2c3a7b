"""The outbox relay: publishes events that were committed but not yet marked delivered."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import SQLAlchemyError

from ordermgmt.adapters.sqlalchemy import tables as t
from ordermgmt.adapters.sqlalchemy.errors import translate
from ordermgmt.domain.events import event_from_dict
from ordermgmt.ports import EventPublisher
from ordermgmt.ports.guard import relay_committed

log = logging.getLogger("ordermgmt.outbox")


class SqlAlchemyOutboxRelay:
    """Re-publishes outbox rows without ``published_at``, oldest first.

    Delivery is at least once: an event whose publication succeeded but whose mark was lost is
    sent again, with the same ``event_id``. ``grace`` (measured from the commit, by the
    machine's clock) leaves fresh rows to the unit of work that is about to publish them.
    """

    def __init__(
        self,
        engine: Engine,
        publisher: EventPublisher,
        before: Callable[[], None] | None = None,
    ) -> None:
        self._engine = engine
        self._publisher = publisher
        self._before = before

    def relay(self, *, limit: int = 1000, grace: timedelta = timedelta(seconds=5)) -> int:
        """Publish up to ``limit`` committed, undelivered events; returns how many. A database
        error is raised as the library's (``StorageError``, ``TransientConflict``, ...)."""
        try:
            return self._relay(limit, grace)
        except SQLAlchemyError as error:
            raise translate(error) from error

    def _relay(self, limit: int, grace: timedelta) -> int:
        if self._before is not None:
            self._before()  # mark what this process already delivered
        cutoff = datetime.now(UTC) - grace
        c = t.outbox.c
        with self._engine.begin() as conn:
            rows = conn.execute(
                select(c.seq, c.payload)
                .where(c.published_at.is_(None), c.committed_at <= cutoff)
                .order_by(c.seq)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            events = [event_from_dict(json.loads(r.payload)) for r in rows]
            relay_committed(self._publisher, events)  # a failure leaves every row unmarked
            conn.execute(
                update(t.outbox)
                .where(c.seq.in_([r.seq for r in rows]))
                .values(published_at=datetime.now(UTC))
            )
        log.info("relayed %d outbox events", len(events))
        return len(events)

    def pending(self) -> int:
        """How many committed events wait for delivery."""
        try:
            if self._before is not None:
                self._before()
            c = t.outbox.c
            with self._engine.connect() as conn:
                return len(conn.execute(select(c.seq).where(c.published_at.is_(None))).all())
        except SQLAlchemyError as error:
            raise translate(error) from error
