"""legal documents: VAT categories, units of measure, allowances and charges, buyer data and
what each issued document said about its parties

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import ordermgmt.adapters.sqlalchemy.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _text(name: str, length: int, default: str) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=length), nullable=False, server_default=default)


def _line_columns() -> list[sa.Column[Any]]:
    return [
        _text("tax_category", 2, "S"),
        _text("unit_code", 3, "H87"),
        sa.Column("base_quantity", sa.Integer(), nullable=False, server_default="1"),
        _text("discount_reason", 100, ""),
        sa.Column("charge", ordermgmt.adapters.sqlalchemy.types.ExactDecimal(), nullable=True),
        _text("charge_reason", 100, ""),
    ]


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        for column in (
            _text("vat_id", 15, ""),
            _text("buyer_reference", 100, ""),
            _text("electronic_address", 254, ""),
            _text("electronic_scheme", 4, "EM"),
            sa.Column("document_format", sa.String(length=16), nullable=True),
            _text("mandate_reference", 35, ""),
            _text("debit_iban", 34, ""),
        ):
            batch.add_column(column)
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("tax_category", sa.String(length=2), nullable=True))
        batch.add_column(_text("unit_code", 3, "H87"))
        batch.add_column(
            sa.Column("base_quantity", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("charges", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(_text("charges_invoice_id", 64, ""))
        batch.add_column(_text("buyer_reference", 100, ""))
    for table in ("order_lines", "document_lines"):
        with op.batch_alter_table(table) as batch:
            for column in _line_columns():
                batch.add_column(column)
    for table in ("invoices", "credit_notes"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("charges", sa.Text(), nullable=False, server_default="[]"))
            batch.add_column(sa.Column("details", sa.Text(), nullable=False, server_default="{}"))
    # What had a 0 % rate before categories existed was zero rated.
    for table in ("order_lines", "document_lines"):
        op.execute(f"UPDATE {table} SET tax_category = 'Z' WHERE tax_rate = 0")


def downgrade() -> None:
    for table in ("credit_notes", "invoices"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("details")
            batch.drop_column("charges")
    for table in ("document_lines", "order_lines"):
        with op.batch_alter_table(table) as batch:
            for column in reversed(_line_columns()):
                batch.drop_column(column.name)
    with op.batch_alter_table("orders") as batch:
        for name in ("buyer_reference", "charges_invoice_id", "charges"):
            batch.drop_column(name)
    with op.batch_alter_table("products") as batch:
        for name in ("base_quantity", "unit_code", "tax_category"):
            batch.drop_column(name)
    with op.batch_alter_table("customers") as batch:
        for name in (
            "debit_iban", "mandate_reference", "document_format", "electronic_scheme",
            "electronic_address", "buyer_reference", "vat_id",
        ):  # fmt: skip
            batch.drop_column(name)
