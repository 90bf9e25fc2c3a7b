"""order search: stored fulfillment status and the indexes of OrderRepository.search

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 18:45:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AXES = ("status", "fulfillment_status", "payment_status", "channel", "customer_id")


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy of the table): SQLite can add a column with a default
    # in place, and rebuilding ``orders`` would trip the foreign keys pointing at it.
    op.add_column(
        "orders",
        sa.Column(
            "fulfillment_status", sa.String(length=24), nullable=False, server_default="unreserved"
        ),
    )
    _backfill_fulfillment_status()
    op.create_index("ix_orders_placed", "orders", ["placed_at", "id"], unique=False)
    for axis in AXES:
        op.create_index(f"ix_orders_{axis}_placed", "orders", [axis, "placed_at", "id"])


def downgrade() -> None:
    for axis in reversed(AXES):
        op.drop_index(f"ix_orders_{axis}_placed", table_name="orders")
    op.drop_index("ix_orders_placed", table_name="orders")
    op.drop_column("orders", "fulfillment_status")


def _backfill_fulfillment_status() -> None:
    """Store each existing order's fulfillment status, derived from its lines and
    reservations by the rule of ``Order.fulfillment_status`` (as of this revision)."""
    conn = op.get_bind()
    lines = sa.table(
        "order_lines",
        *(
            sa.column(name)
            for name in ("order_id", "quantity", "cancelled", "returned", "delivered")
        ),
        sa.column("shipped"),
        sa.column("backordered"),
    )
    allocations = sa.table("order_allocations", sa.column("order_id"), sa.column("quantity"))
    orders = sa.table("orders", sa.column("id"), sa.column("fulfillment_status"))
    totals = conn.execute(
        sa.select(
            lines.c.order_id,
            sa.func.sum(lines.c.quantity - lines.c.cancelled),
            sa.func.sum(lines.c.returned),
            sa.func.sum(lines.c.delivered),
            sa.func.sum(lines.c.shipped),
            sa.func.sum(lines.c.backordered),
        ).group_by(lines.c.order_id)
    ).all()
    reserved = dict(
        conn.execute(
            sa.select(allocations.c.order_id, sa.func.sum(allocations.c.quantity)).group_by(
                allocations.c.order_id
            )
        ).all()
    )
    update = (
        orders.update()
        .where(orders.c.id == sa.bindparam("order_id"))
        .values(fulfillment_status=sa.bindparam("status"))
    )
    rows = [
        {"order_id": row[0], "status": _status(*row[1:], reserved.get(row[0], 0))} for row in totals
    ]
    for start in range(0, len(rows), 1000):
        chunk = [r for r in rows[start : start + 1000] if r["status"] != "unreserved"]
        if chunk:
            conn.execute(update, chunk)


def _status(
    active: Any, returned: Any, delivered: Any, shipped: Any, backordered: Any, reserved: Any
) -> str:
    active, returned, delivered = int(active), int(returned), int(delivered)
    shipped, backordered, reserved = int(shipped), int(backordered), int(reserved)
    if returned:
        return "returned" if returned == delivered == active else "partially_returned"
    if delivered:
        return "delivered" if delivered == active else "partially_delivered"
    if shipped:
        return "shipped" if shipped == active else "partially_shipped"
    if reserved:
        return "reserved" if reserved == active else "partially_reserved"
    return "backordered" if backordered else "unreserved"
