"""The error family of ordermgmt (see :mod:`ordermgmt.domain.errors` for each error's fields)."""

from ordermgmt.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    CreditLimitExceeded,
    CurrencyMismatch,
    CustomerBlocked,
    IdempotencyConflict,
    InsufficientStock,
    InvalidStateTransition,
    NotFound,
    OrderManagementError,
    ProductInactive,
    ValidationError,
)

__all__ = [
    "ConcurrencyConflict",
    "Conflict",
    "CreditLimitExceeded",
    "CurrencyMismatch",
    "CustomerBlocked",
    "IdempotencyConflict",
    "InsufficientStock",
    "InvalidStateTransition",
    "NotFound",
    "OrderManagementError",
    "ProductInactive",
    "ValidationError",
]
