"""The schema, in SQLAlchemy Core. Every facade query has an index behind it.

Aggregates map to a root table with a ``version`` column (optimistic concurrency) plus child
tables for their collections. Value objects without queries of their own (addresses, shipment
parcels and tracking, return lines) are kept as JSON text with exact decimal strings.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from ordermgmt.adapters.sqlalchemy.types import ExactDecimal, UtcDateTime

#: Every constraint has a name: the database reports a violated one by it (on SQLite, by its table
#: and columns), and ``errors.DUPLICATE_KINDS`` says what each unique one means.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = String(64)
Code = String(3)
When = UtcDateTime()

customers = Table(
    "customers",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("payment_preference", String(16), nullable=False),
    Column("payment_terms_days", Integer, nullable=False),
    Column("credit_limit", ExactDecimal),
    Column("credit_currency", Code),
    Column("email", String(254), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("billing_address", Text),
    Column("shipping_address", Text),
    Column("blocked", Boolean, nullable=False),
    Column("registered_at", When, nullable=False),
    Column("vat_id", String(15), nullable=False, server_default=""),
    Column("buyer_reference", String(100), nullable=False, server_default=""),
    Column("electronic_address", String(254), nullable=False, server_default=""),
    Column("electronic_scheme", String(4), nullable=False, server_default="EM"),
    Column("document_format", String(16)),
    Column("mandate_reference", String(35), nullable=False, server_default=""),
    Column("debit_iban", String(34), nullable=False, server_default=""),
)

products = Table(
    "products",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("unit_price", ExactDecimal, nullable=False),
    Column("currency", Code, nullable=False),
    Column("tax_rate", ExactDecimal, nullable=False),
    Column("reorder_point", Integer, nullable=False),
    Column("reorder_quantity", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("unit_cost", ExactDecimal),
    Column("cost_currency", Code),
    Column("weight_kg", ExactDecimal, nullable=False),
    # None: derived from the rate (Product.category).
    Column("tax_category", String(2)),
    Column("unit_code", String(3), nullable=False, server_default="H87"),
    Column("base_quantity", Integer, nullable=False, server_default="1"),
)

locations = Table(
    "locations",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("priority", Integer, nullable=False),
)

stock_items = Table(
    "stock_items",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("location", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("number", String(40), nullable=False, unique=True),
    Column("customer_id", Id, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("currency", Code, nullable=False),
    Column("status", String(16), nullable=False),
    Column("payment_status", String(24), nullable=False),
    # Derived from the lines (Order.fulfillment_status), stored so that searches can filter on
    # it through an index; the mapper writes it with every order (the default is for rows
    # written before migration 0002 added it).
    Column("fulfillment_status", String(24), nullable=False, server_default="unreserved"),
    Column("placed_at", When, nullable=False),
    Column("idempotency_key", String(200)),
    Column("request_fingerprint", Text, nullable=False),
    Column("customer_reference", String(100), nullable=False),
    Column("hold_reason", String(200), nullable=False),
    Column("cancel_reason", String(200), nullable=False),
    Column("prepaid_amount", ExactDecimal, nullable=False),
    Column("charges", Text, nullable=False, server_default="[]"),
    Column("charges_invoice_id", Id, nullable=False, server_default=""),
    Column("buyer_reference", String(100), nullable=False, server_default=""),
)

Index("ix_orders_customer_status", orders.c.customer_id, orders.c.status)
# OrderRepository.search: newest first by (placed_at, id), alone or after one filter.
Index("ix_orders_placed", orders.c.placed_at, orders.c.id)
for _axis in ("status", "fulfillment_status", "payment_status", "channel", "customer_id"):
    Index(f"ix_orders_{_axis}_placed", orders.c[_axis], orders.c.placed_at, orders.c.id)
# An order's idempotency key is the customer's purchase order number: unique per customer.
UniqueConstraint(
    orders.c.customer_id, orders.c.idempotency_key, name="uq_orders_customer_idempotency_key"
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", Id, ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", ExactDecimal, nullable=False),
    Column("tax_rate", ExactDecimal, nullable=False),
    Column("discount", ExactDecimal, nullable=False),
    Column("price_overridden", Boolean, nullable=False),
    Column("backordered", Integer, nullable=False),
    Column("cancelled", Integer, nullable=False),
    Column("shipped", Integer, nullable=False),
    Column("delivered", Integer, nullable=False),
    Column("returned", Integer, nullable=False),
    Column("invoiced", Integer, nullable=False),
    Column("credited", Integer, nullable=False),
    Column("tax_category", String(2), nullable=False, server_default="S"),
    Column("unit_code", String(3), nullable=False, server_default="H87"),
    Column("base_quantity", Integer, nullable=False, server_default="1"),
    Column("discount_reason", String(100), nullable=False, server_default=""),
    Column("charge", ExactDecimal),
    Column("charge_reason", String(100), nullable=False, server_default=""),
)
# Open backorders of a sku, oldest first (served when stock arrives).
Index(
    "ix_order_lines_backordered",
    order_lines.c.order_id,
    order_lines.c.sku,
    sqlite_where=order_lines.c.backordered > 0,
    postgresql_where=order_lines.c.backordered > 0,
)

order_allocations = Table(
    "order_allocations",
    metadata,
    Column("order_id", Id, ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("location", String(32), primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
)
Index("ix_order_allocations_sku_location", order_allocations.c.sku, order_allocations.c.location)

requisitions = Table(
    "purchase_requisitions",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("location", String(32), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("reason", String(16), nullable=False),
    Column("status", String(8), nullable=False),
    Column("submitted", Boolean, nullable=False),
    Column("submission_error", String(500), nullable=False, server_default=""),
    Column("raised_at", When, nullable=False),
    Column("closed_by", Id, nullable=False),
)
# At most one open requisition per sku and location, enforced by the database.
Index(
    "uq_open_requisition",
    requisitions.c.sku,
    requisitions.c.location,
    unique=True,
    sqlite_where=requisitions.c.status == "open",
    postgresql_where=requisitions.c.status == "open",
)
Index("ix_requisitions_open", requisitions.c.status, requisitions.c.raised_at)

receipts = Table(
    "supplier_receipts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("supplier", String(200), nullable=False),
    Column("sku", String(64), nullable=False, index=True),
    Column("location", String(32), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("reference", String(100), nullable=False),
    Column("received_at", When, nullable=False),
    Column("unit_cost", ExactDecimal),
    Column("cost_currency", Code),
)

sequences = Table(
    "sequences",
    metadata,
    Column("series", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", Id, nullable=False, unique=True),
    Column("posted_at", When, nullable=False, index=True),
    Column("description", String(200), nullable=False),
    Column("reference", String(100), nullable=False, index=True),
    Column("reverses", Id, nullable=False),
)

postings = Table(
    "postings",
    metadata,
    Column("entry_id", Id, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("account", String(40), nullable=False),
    Column("side", String(6), nullable=False),
    Column("amount", ExactDecimal, nullable=False),
    Column("currency", Code, nullable=False),
)
Index("ix_postings_account", postings.c.account, postings.c.currency)

invoices = Table(
    "invoices",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("number", String(40), nullable=False, unique=True),
    Column("order_id", Id, nullable=False, index=True),
    Column("customer_id", Id, nullable=False, index=True),
    Column("currency", Code, nullable=False),
    Column("issued_at", When, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("settlement", String(16), nullable=False),
    Column("paid", ExactDecimal, nullable=False),
    Column("credited", ExactDecimal, nullable=False),
    Column("refunded", ExactDecimal, nullable=False),
    Column("sent_to", String(254), nullable=False),
    Column("send_error", String(500), nullable=False, server_default=""),
    Column("fixed_tax", Text, nullable=False),
    Column("settled", Boolean, nullable=False),
    Column("charges", Text, nullable=False, server_default="[]"),
    Column("details", Text, nullable=False, server_default="{}"),
)
Index("ix_invoices_unsettled", invoices.c.settled, invoices.c.customer_id)

credit_notes = Table(
    "credit_notes",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("number", String(40), nullable=False, unique=True),
    Column("invoice_id", Id, nullable=False, index=True),
    Column("order_id", Id, nullable=False, index=True),
    Column("customer_id", Id, nullable=False),
    Column("currency", Code, nullable=False),
    Column("issued_at", When, nullable=False, index=True),
    Column("reason", String(200), nullable=False),
    Column("fixed_tax", Text, nullable=False),
    Column("charges", Text, nullable=False, server_default="[]"),
    Column("details", Text, nullable=False, server_default="{}"),
)

document_lines = Table(
    "document_lines",
    metadata,
    Column("document_id", Id, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("order_line_no", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", ExactDecimal, nullable=False),
    Column("discount", ExactDecimal, nullable=False),
    Column("tax_rate", ExactDecimal, nullable=False),
    Column("net", ExactDecimal, nullable=False),
    Column("tax_category", String(2), nullable=False, server_default="S"),
    Column("unit_code", String(3), nullable=False, server_default="H87"),
    Column("base_quantity", Integer, nullable=False, server_default="1"),
    Column("discount_reason", String(100), nullable=False, server_default=""),
    Column("charge", ExactDecimal),
    Column("charge_reason", String(100), nullable=False, server_default=""),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("customer_id", Id, nullable=False),
    Column("order_id", Id, nullable=False, index=True),
    Column("invoice_id", Id, nullable=False),
    Column("amount", ExactDecimal, nullable=False),
    Column("currency", Code, nullable=False),
    Column("method", String(16), nullable=False),
    Column("reference", String(100), nullable=False),
    Column("received_at", When, nullable=False),
)

shipments = Table(
    "shipments",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("number", String(40), nullable=False, unique=True),
    Column("order_id", Id, nullable=False, index=True),
    Column("body", Text, nullable=False),
)

returns = Table(
    "returns",
    metadata,
    Column("id", Id, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("number", String(40), nullable=False, unique=True),
    Column("order_id", Id, nullable=False, index=True),
    Column("body", Text, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Id, nullable=False, unique=True),
    Column("name", String(60), nullable=False),
    Column("payload", Text, nullable=False),
    Column("occurred_at", When, nullable=False),
    Column("committed_at", When, nullable=False),
    Column("published_at", When),
)
Index(
    "ix_outbox_unpublished",
    outbox.c.seq,
    sqlite_where=outbox.c.published_at.is_(None),
    postgresql_where=outbox.c.published_at.is_(None),
)

#: What a command sent with an idempotency key did the first time (see
#: ``ordermgmt.domain.idempotency``): the primary key makes (scope, key) take effect once.
idempotency_records = Table(
    "idempotency_records",
    metadata,
    Column("scope", String(40), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("result_ids", Text, nullable=False),
    Column("recorded_at", When, nullable=False),
)
