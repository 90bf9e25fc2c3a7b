"""The one error family of ordermgmt.

Every error derives from :class:`OrderManagementError`, carries a stable machine-readable
``code`` and keeps the offending values as attributes, so callers can react without parsing
messages. Adapters translate driver and SDK errors into these; nothing else leaks out.
"""

from __future__ import annotations

from typing import Any, ClassVar


class OrderManagementError(Exception):
    """Root of every error ordermgmt raises on purpose.

    ``code`` is a stable machine-readable name of the class (``"not_found"``), ``message`` the
    human text, ``details`` the offending values by name (also attributes on the subclasses).
    Errors stay picklable, details included, so they cross process boundaries intact.
    """

    code: ClassVar[str] = "error"
    #: True where running the same request again can succeed without changing it (someone
    #: else's change or a transient storage condition was in the way); False for every error
    #: that the same request would meet again.
    retryable: ClassVar[bool] = False

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details

    def __reduce__(self) -> tuple[Any, ...]:  # keep errors picklable across processes
        return (_rebuild_error, (type(self), self.message, self.details))


def _rebuild_error(
    cls: type[OrderManagementError], message: str, details: dict[str, Any]
) -> OrderManagementError:
    error = cls.__new__(cls)
    OrderManagementError.__init__(error, message, **details)
    for key, value in details.items():
        setattr(error, key, value)
    return error


class ValidationError(OrderManagementError, ValueError):
    """Input was malformed: ``field`` names what was wrong (a dotted path such as
    ``lines[0].quantity``), ``value`` what was given and ``reason`` why it was refused. Also a
    ``ValueError``."""

    code = "validation_error"

    def __init__(self, field: str, value: Any, reason: str) -> None:
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(
            f"{field}: {reason} (got {shown})", field=field, value=value, reason=reason
        )
        self.field = field
        self.value = value
        self.reason = reason


class CurrencyMismatch(ValidationError):
    """Two amounts in different currencies were combined, or an amount's currency is wrong here.

    A :class:`ValidationError` with ``expected`` and ``got`` currency codes; amounts are never
    converted between currencies.
    """

    code = "currency_mismatch"

    def __init__(self, expected: str, got: str, field: str = "currency") -> None:
        super().__init__(field, got, f"expected currency {expected}, not {got}")
        self.expected = expected
        self.got = got


class NotFound(OrderManagementError, LookupError):
    """No ``kind`` (``"order"``, ``"product"``, ``"carrier"``, ...) with this ``key`` exists.
    Also a ``LookupError``."""

    code = "not_found"

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found", kind=kind, key=key)
        self.kind = kind
        self.key = key


class Conflict(OrderManagementError):
    """The request contradicts the current state (a duplicate, a stale version, a reused key).

    Raised as such for a duplicate added within one unit of work, for a shipment whose order
    changed while the carrier booked it, and for a database deadlock or a locked (busy)
    database; the subclasses name the other cases. Where the conflict was transient (a
    concurrent change, a busy database), running the use case again can succeed.
    """

    code = "conflict"


class DuplicateKey(Conflict):
    """Storage refused a second ``kind`` with the same ``key`` (a unique constraint), found at
    commit: ``kind`` is ``"idempotency key"``, ``"document number"`` or ``"open requisition"``.
    ``place_order`` answers a duplicate idempotency key with the order that won instead."""

    code = "duplicate_key"

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"duplicate {kind}: {key}", kind=kind, key=key)
        self.kind = kind
        self.key = key


class IdempotencyConflict(Conflict):
    """An idempotency key was reused for a different request: ``key`` was first used in
    ``scope`` (``order``, ``payment``, ``refund``, ``credit_note``, ``supplier_receipt``,
    ``shipment``, ``return_request``, ``return_receipt``, ``stock_adjustment``, ``stock_move``)
    for a request whose content differs and which made ``existing_id``. The same content would
    have returned that result instead. ``existing_order_id`` is ``existing_id`` (the name from
    when only orders had keys)."""

    code = "idempotency_conflict"

    def __init__(self, key: str, existing_id: str, scope: str = "order") -> None:
        super().__init__(
            f"idempotency key {key!r} was already used for a different {scope} request"
            f" ({existing_id})",
            key=key,
            scope=scope,
            existing_id=existing_id,
        )
        self.key = key
        self.scope = scope
        self.existing_id = existing_id
        self.existing_order_id = existing_id


class ConcurrencyConflict(Conflict):
    """Someone else changed the aggregate since it was read (optimistic concurrency).

    ``kind`` and ``key`` name the aggregate, ``expected_version`` the version that was read.
    Raised at commit; nothing of that unit of work was written, so the use case can be run
    again.
    """

    code = "concurrency_conflict"
    retryable = True

    def __init__(self, kind: str, key: object, expected_version: int) -> None:
        super().__init__(
            f"{kind} {key!r} was changed concurrently (expected version {expected_version})",
            kind=kind,
            key=key,
            expected_version=expected_version,
        )
        self.kind = kind
        self.key = key
        self.expected_version = expected_version


class TransientConflict(Conflict):
    """The database gave up on the transaction for a reason that passes: a ``deadlock``, a
    ``serialization_failure`` or a ``busy`` database (a lock not granted in time). Nothing was
    written. The use case was already run again ``attempts`` times in all (after a short,
    random wait each time) before this was raised; sending the same request again later can
    succeed."""

    code = "transient_conflict"
    retryable = True

    def __init__(self, reason: str, detail: str = "", attempts: int = 1) -> None:
        super().__init__(
            f"the database gave up on a concurrent transaction ({reason}) after {attempts} "
            f"attempt{'s' if attempts != 1 else ''}; try again",
            reason=reason,
            detail=detail,
            attempts=attempts,
        )
        self.reason = reason
        self.detail = detail
        self.attempts = attempts


class InsufficientStock(OrderManagementError):
    """Fewer units are available (on hand less reserved) at ``location`` than the operation
    needs: ``requested`` and ``available`` are units of ``sku``. Moving stock raises it; with
    the default allocation policy, placing an order does not (what is missing is
    backordered)."""

    code = "insufficient_stock"

    def __init__(self, sku: str, location: str, requested: int, available: int) -> None:
        super().__init__(
            f"{sku} at {location}: {requested} needed but only {available} available",
            sku=sku,
            location=location,
            requested=requested,
            available=available,
        )
        self.sku = sku
        self.location = location
        self.requested = requested
        self.available = available


class CustomerBlocked(OrderManagementError):
    """The customer ``customer_id`` is blocked and may not place orders
    (``update_customer(customer_id, blocked=False)`` unblocks)."""

    code = "customer_blocked"

    def __init__(self, customer_id: str) -> None:
        super().__init__(f"customer {customer_id} is blocked", customer_id=customer_id)
        self.customer_id = customer_id


class ProductInactive(OrderManagementError):
    """The product ``sku`` is deactivated and cannot be ordered (``upsert_product`` activates it
    again)."""

    code = "product_inactive"

    def __init__(self, sku: str) -> None:
        super().__init__(f"product {sku} is not active", sku=sku)
        self.sku = sku


class InvalidStateTransition(OrderManagementError):
    """The ``entity`` (``"order"``, ``"shipment"``, ``"return"``, ...) identified by ``key`` cannot
    go from state ``current`` to ``target``, e.g. shipping an order on hold or cancelling a
    booked shipment."""

    code = "invalid_state_transition"

    def __init__(self, entity: str, key: object, current: str, target: str) -> None:
        super().__init__(
            f"{entity} {key}: cannot go from {current} to {target}",
            entity=entity,
            key=key,
            current=current,
            target=target,
        )
        self.entity = entity
        self.key = key
        self.current = current
        self.target = target


class Overpayment(OrderManagementError):
    """A payment larger than what is outstanding. Overpayments are refused, not held as credit.

    ``document`` is the invoice or order number, ``amount`` the payment, ``outstanding`` the
    most that could have been paid.
    """

    code = "overpayment"

    def __init__(self, document: str, amount: object, outstanding: object) -> None:
        super().__init__(
            f"{document}: payment of {amount} exceeds the outstanding {outstanding}",
            document=document,
            amount=amount,
            outstanding=outstanding,
        )
        self.document = document
        self.amount = amount
        self.outstanding = outstanding


class CarrierError(OrderManagementError):
    """A carrier refused or failed a request (``operation``: booking, tracking, cancelling).

    ``carrier`` names it and ``reason`` says why. A failed booking from ``ship_order`` or
    ``book_shipment`` carries ``details["shipment_id"]`` of the pending shipment to retry.
    """

    code = "carrier_error"

    def __init__(self, carrier: str, operation: str, reason: str, **details: Any) -> None:
        super().__init__(
            f"carrier {carrier}: {operation} failed: {reason}",
            carrier=carrier,
            operation=operation,
            reason=reason,
            **details,
        )
        self.carrier = carrier
        self.operation = operation
        self.reason = reason


class NotificationError(OrderManagementError):
    """A message (an invoice, a notice) could not be sent, or no notification adapter is
    configured. Raised by notification adapters; the use cases that send invoices log it, record
    the reason in the invoice's ``send_error`` and leave ``sent_to`` as it was, for
    ``resend_invoice``. ``reference`` names the document (an invoice number)."""

    code = "notification_error"


class DocumentError(OrderManagementError):
    """An invoice or credit note could not be produced in a format: ``format`` names it and
    ``reason`` says which rule of the format the document would break, or that the optional
    dependency the format needs (``pip install ordermgmt[einvoice]``) is not installed. Also
    raised by the readers for a file that is not a document they understand."""

    code = "document_error"

    def __init__(self, format: str, reason: str, **details: Any) -> None:
        super().__init__(f"{format}: {reason}", format=format, reason=reason, **details)
        self.format = format
        self.reason = reason


class PurchasingError(OrderManagementError):
    """The purchasing system did not accept a purchase requisition. ``requisition_id`` names
    it; the requisition stays pending (``submitted`` False, the reason in its
    ``submission_error``) and ``submit_pending_requisitions`` hands it over again."""

    code = "purchasing_error"


class PublishError(OrderManagementError):
    """The event publisher failed to deliver committed events. Nothing committed is undone:
    the events stay undelivered and ``publish_pending_events`` delivers them again."""

    code = "publish_error"


class StorageError(OrderManagementError):
    """The database failed in a way the caller cannot fix (connection lost, disk full, driver
    not installed), or a URL does not lead to a readable database. The driver's error is in
    the message."""

    code = "storage_error"


class SchemaOutOfDate(OrderManagementError):
    """The database schema is not the one this version of ordermgmt needs: ``found`` is the
    schema revision at ``url`` (None for an empty database), ``needed`` the one required. The
    message says how to upgrade (``OrderManagement.from_url(url, migrate=True)`` does it)."""

    code = "schema_out_of_date"

    def __init__(self, url: str, found: str | None, needed: str) -> None:
        super().__init__(
            f"the database at {url} has schema revision {found or 'none'}, this ordermgmt "
            f"needs {needed}: run `python -m ordermgmt db upgrade {url}` or "
            "ordermgmt.adapters.sqlalchemy.upgrade(url), or open it with "
            "OrderManagement.from_url(url, migrate=True)",
            url=url,
            found=found,
            needed=needed,
        )
        self.url = url
        self.found = found
        self.needed = needed
