"""Production defaults for time and identity."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidIdGenerator:
    """Random UUID4 ids."""

    def new_id(self) -> str:
        return str(uuid.uuid4())
