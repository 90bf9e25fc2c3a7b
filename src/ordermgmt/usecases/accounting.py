"""Step 3, accounting: the use cases of invoicing, credit notes and refunds, and the ledger's
reports, under one name.

They live in :mod:`~ordermgmt.usecases.invoicing`, :mod:`~ordermgmt.usecases.credit_notes` and
:mod:`~ordermgmt.usecases.reports` (payments in :mod:`~ordermgmt.usecases.payments`,
receivables in :mod:`~ordermgmt.usecases.receivables`); this module keeps
``ordermgmt.usecases.accounting.<use case>`` working for callers that name them so.
"""

from __future__ import annotations

from ordermgmt.usecases.credit_notes import issue_credit_note, pay_refund
from ordermgmt.usecases.invoicing import (
    get_invoice,
    issue_invoice,
    list_order_invoices,
    resend_invoice,
)
from ordermgmt.usecases.reports import list_journal, trial_balance

__all__ = [
    "get_invoice",
    "issue_credit_note",
    "issue_invoice",
    "list_journal",
    "list_order_invoices",
    "pay_refund",
    "resend_invoice",
    "trial_balance",
]
