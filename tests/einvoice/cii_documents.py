"""Hand-built documents for the CII tests: those of the UBL tests, with each line's
allowances and charges taxed with their line."""

from __future__ import annotations

from dataclasses import replace

from ordermgmt.domain.document import InvoiceDocument


def taxed_with_lines(document: InvoiceDocument) -> InvoiceDocument:
    """``document`` with each line's allowances and charges in its line's VAT category and
    rate: CII states none for them, they are taxed with their line."""
    lines = tuple(
        replace(
            line,
            allowances=tuple(
                replace(a, category=line.category, rate=line.rate) for a in line.allowances
            ),
            charges=tuple(replace(c, category=line.category, rate=line.rate) for c in line.charges),
        )
        for line in document.lines
    )
    return replace(document, lines=lines)
