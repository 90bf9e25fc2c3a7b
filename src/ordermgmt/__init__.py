"""ordermgmt: order-to-cash as a library.

The public API is :class:`OrderManagement` (the facade), :class:`Money` and the errors in
:mod:`ordermgmt.errors`; commands and views live in :mod:`ordermgmt.messages`.

    >>> from ordermgmt import OrderManagement, Money
    >>> oms = OrderManagement.in_memory()
"""

from ordermgmt import errors
from ordermgmt.domain.money import Money
from ordermgmt.facade import OrderManagement

__all__ = ["Money", "OrderManagement", "errors"]
__version__ = "0.1.0"
