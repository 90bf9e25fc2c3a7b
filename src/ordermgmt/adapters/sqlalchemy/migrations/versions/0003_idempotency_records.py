"""idempotency records; order keys per customer; indexes for reports as of a date

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 18:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ordermgmt.adapters.sqlalchemy.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_records",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("result_ids", sa.Text(), nullable=False),
        sa.Column(
            "recorded_at",
            ordermgmt.adapters.sqlalchemy.types.UtcDateTime(timezone=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_records")),
    )
    # Reports as of a past date read what was posted and credited after it.
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journal_entries_posted_at"), ["posted_at"], unique=False
        )
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_notes_issued_at"), ["issued_at"], unique=False)
    # Existing keys were unique across all customers, so they stay unique per customer.
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint("uq_orders_idempotency_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_orders_customer_idempotency_key", ["customer_id", "idempotency_key"]
        )


def downgrade() -> None:
    # Going back needs keys unique across customers again; it fails if two customers share one.
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint("uq_orders_customer_idempotency_key", type_="unique")
        batch_op.create_unique_constraint("uq_orders_idempotency_key", ["idempotency_key"])
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_notes_issued_at"))
    with op.batch_alter_table("journal_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_entries_posted_at"))
    op.drop_table("idempotency_records")
