"""record outside adapter failures: an invoice's send error, a requisition's submission error

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(
            sa.Column("send_error", sa.String(length=500), nullable=False, server_default="")
        )
    with op.batch_alter_table("purchase_requisitions") as batch:
        batch.add_column(
            sa.Column("submission_error", sa.String(length=500), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("purchase_requisitions") as batch:
        batch.drop_column("submission_error")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("send_error")
