"""Durable storage on SQLAlchemy Core: SQLite (embedded default) and PostgreSQL.

Tables in Core, explicit mappers, one transaction per unit of work with an outbox, and Alembic
migrations shipped in the package. See :mod:`ordermgmt.adapters.sqlalchemy.uow` for the
concurrency mechanisms.
"""

from ordermgmt.adapters.sqlalchemy.outbox import SqlAlchemyOutboxRelay
from ordermgmt.adapters.sqlalchemy.schema import HEAD, check, current_revision, open_engine, upgrade
from ordermgmt.adapters.sqlalchemy.uow import SqlAlchemyUnitOfWork, SqlAlchemyUnitOfWorkFactory

__all__ = [
    "HEAD",
    "SqlAlchemyOutboxRelay",
    "SqlAlchemyUnitOfWork",
    "SqlAlchemyUnitOfWorkFactory",
    "check",
    "current_revision",
    "open_engine",
    "upgrade",
]
