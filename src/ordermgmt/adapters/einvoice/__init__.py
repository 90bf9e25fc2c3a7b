"""E-invoices and PDF invoices: EN 16931 documents in CII and UBL, the PDF and Factur-X.

:class:`EInvoiceRenderer` serves the document port in every format; the readers
(``read_cii``, ``read_ubl``, ``read_facturx``) turn a document, this library's or anyone's,
back into the figures it states. They need the ``einvoice`` extra
(``pip install ordermgmt[einvoice]``); this package itself imports without it, and the
readers and writers load their libraries when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ordermgmt.adapters.einvoice.renderer import EInvoiceRenderer

if TYPE_CHECKING:
    from ordermgmt.adapters.einvoice.cii_reading import read_cii
    from ordermgmt.adapters.einvoice.facturx import read_facturx
    from ordermgmt.adapters.einvoice.ubl_reading import read_ubl

__all__ = ["EInvoiceRenderer", "read_cii", "read_facturx", "read_ubl"]

_READERS = {
    "read_cii": "ordermgmt.adapters.einvoice.cii_reading",
    "read_facturx": "ordermgmt.adapters.einvoice.facturx",
    "read_ubl": "ordermgmt.adapters.einvoice.ubl_reading",
}


def __getattr__(name: str) -> Any:
    """The readers, imported with their libraries on first use."""
    module = _READERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
