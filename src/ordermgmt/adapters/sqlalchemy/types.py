"""Column types that keep money exact on every database.

PostgreSQL stores amounts as NUMERIC; SQLite has no exact decimal type (SQLAlchemy would pass
through float), so there amounts are stored as canonical text. Either way a Decimal goes in and
the same Decimal comes out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from ordermgmt.domain.money import MAX_PLACES

#: Digits after the point kept for amounts, rates and weights (commands refuse more).
SCALE = MAX_PLACES


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal stored without loss: NUMERIC(24, 6) on PostgreSQL, text on SQLite."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(24, SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return format(value, "f")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return plain(value if isinstance(value, Decimal) else str(value))


@lru_cache(maxsize=4096)  # amounts recur; equal inputs give the same (immutable) Decimal
def plain(number: Decimal | str) -> Decimal:
    """Drop the trailing zeros NUMERIC pads with, without turning 100 into 1E+2."""
    reduced = Decimal(number).normalize()
    exponent = reduced.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        reduced = reduced.quantize(Decimal(1))
    return reduced


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored in UTC (SQLite keeps no offset, so it must be UTC),
    read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
