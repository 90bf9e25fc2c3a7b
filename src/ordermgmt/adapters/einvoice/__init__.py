"""E-invoices and PDF invoices: EN 16931 documents in CII and UBL, the PDF and Factur-X.

Needs the ``einvoice`` extra (``pip install ordermgmt[einvoice]``).
"""

from ordermgmt.adapters.einvoice.renderer import EInvoiceRenderer

__all__ = ["EInvoiceRenderer"]
