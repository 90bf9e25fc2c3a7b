"""The HTML of the PDF invoice: the page frame, the letterhead, the addresses and the document
details. The tables (lines, allowances and charges, VAT, totals, payment) are in
:mod:`ordermgmt.adapters.einvoice.pdf_tables`.

Every text that comes from the document goes through
:func:`~ordermgmt.adapters.einvoice.pdf_format.esc` (``html.escape``), so a name
such as ``<b>&Co`` is printed as written and never read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

from ordermgmt.adapters.einvoice.pdf_format import esc, format_date
from ordermgmt.adapters.einvoice.pdf_tables import (
    allowances_charges_table,
    lines_table,
    notes_section,
    payment_section,
    totals_section,
)
from ordermgmt.domain.document import DocumentType, InvoiceDocument, Party, PostalAddress


def title_of(document: InvoiceDocument) -> str:
    """What the document is called on its face: ``Invoice`` or ``Credit note``."""
    return "Credit note" if document.type is DocumentType.CREDIT_NOTE else "Invoice"


def document_html(document: InvoiceDocument) -> str:
    """The whole document as one HTML page (styles included, nothing to fetch)."""
    css = resources.files("ordermgmt.adapters.einvoice").joinpath("pdf.css").read_text("utf-8")
    title = f"{title_of(document)} {document.number}"
    seller = document.seller.trading_name or document.seller.name
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f'<meta name="author" content="{esc(seller)}">',
        f'<meta name="description" content="{esc(title)}, {esc(document.buyer.name)}">',
        f'<meta name="dcterms.created" content="{document.issue_date.isoformat()}">',
        f"<style>{css}</style></head><body>",
        _footer(document.seller),
        _letterhead(document.seller),
        _parties(document),
        f'<h1>{esc(title_of(document))} <span class="number">{esc(document.number)}</span></h1>',
        lines_table(document),
        allowances_charges_table(document),
        totals_section(document),
        payment_section(document),
        notes_section(document),
        "</body></html>",
    ]
    return "\n".join(parts)


def address_lines(address: PostalAddress) -> list[str]:
    """The lines of a postal address, escaped, in the order they are written on a letter."""
    city = " ".join(part for part in (address.postal_code, address.city) if part)
    lines = [*address.lines, city, address.subdivision, address.country]
    return [esc(line) for line in lines if line]


def _joined(items: Iterable[str], separator: str = "<br>") -> str:
    return separator.join(item for item in items if item)


def _labelled(label: str, value: str) -> str:
    return f'<span class="label">{esc(label)}</span> {esc(value)}' if value else ""


def _letterhead(seller: Party) -> str:
    shown = seller.trading_name or seller.name
    legal = seller.name if seller.trading_name and seller.trading_name != seller.name else ""
    details = [
        _labelled("VAT ID", seller.vat_id),
        _labelled("Tax no.", seller.tax_number),
        _labelled("Reg. no.", seller.registration_id),
    ]
    contact = seller.contact
    if contact is not None:
        details += [esc(contact.name), _labelled("Phone", contact.phone), esc(contact.email)]
    return (
        '<header class="letterhead"><div class="brand">'
        f'<div class="seller-name">{esc(shown)}</div>'
        f'<div class="seller-legal">{esc(legal)}</div></div>'
        f'<div class="seller-address">{_joined(address_lines(seller.address))}</div>'
        f'<div class="seller-details">{_joined(details)}</div></header>'
    )


def _parties(document: InvoiceDocument) -> str:
    buyer = document.buyer
    name_lines = [esc(buyer.name)]
    if buyer.trading_name and buyer.trading_name != buyer.name:
        name_lines.append(esc(buyer.trading_name))
    if buyer.contact is not None and buyer.contact.name:
        name_lines.append(esc(buyer.contact.name))
    recipient = _joined([*name_lines, *address_lines(buyer.address)])
    return (
        '<section class="parties"><div class="recipient">'
        f'<div class="sender-line">{_sender_line(document.seller)}</div>'
        f'<div class="address">{recipient}</div>{_delivery(document)}</div>'
        f'<table class="details">{_details(document)}</table></section>'
    )


def _sender_line(seller: Party) -> str:
    """The seller's name and address on one small line above the window address."""
    address = seller.address
    city = " ".join(part for part in (address.postal_code, address.city) if part)
    return " · ".join(esc(part) for part in (seller.name, *address.lines[:1], city) if part)


def _delivery(document: InvoiceDocument) -> str:
    delivery = document.delivery
    if delivery is None or delivery.address is None:
        return ""
    lines = [esc(delivery.name), *address_lines(delivery.address)]
    return f'<div class="deliver-to"><div class="caption">Deliver to</div>{_joined(lines)}</div>'


def _details(document: InvoiceDocument) -> str:
    """The document's number, dates and references, one row each (empty ones left out)."""
    is_credit = document.type is DocumentType.CREDIT_NOTE
    delivery_date = document.delivery.date if document.delivery is not None else None
    period = ""
    if document.period_start is not None or document.period_end is not None:
        start = format_date(document.period_start) if document.period_start else "…"
        end = format_date(document.period_end) if document.period_end else "…"
        period = f"{start} – {end}"
    preceding = document.preceding_invoice
    if preceding and document.preceding_invoice_date is not None:
        preceding += f" of {format_date(document.preceding_invoice_date)}"
    rows = [
        ("Credit note no." if is_credit else "Invoice no.", document.number),
        ("Issue date", format_date(document.issue_date)),
        ("Due date", format_date(document.due_date) if document.due_date else ""),
        ("Corrects invoice" if is_credit else "Preceding invoice", preceding),
        ("Delivery date", format_date(delivery_date) if delivery_date else ""),
        ("Service period", period),
        ("Buyer reference", document.buyer_reference),
        ("Your order", document.purchase_order_reference),
        ("Our order", document.sales_order_reference),
        ("Your VAT ID", document.buyer.vat_id),
        ("Your reg. no.", document.buyer.registration_id),
        ("Currency", document.currency),
    ]
    return "".join(
        f'<tr><th scope="row">{esc(label)}</th><td>{esc(value)}</td></tr>'
        for label, value in rows
        if value
    )


def _footer(seller: Party) -> str:
    """The running footer of every page: who issues the document and its legal details."""
    address = ", ".join(address_lines(seller.address))
    first = _joined([esc(seller.name), address], " · ")
    second = _joined(
        [
            _labelled("VAT ID", seller.vat_id),
            _labelled("Tax no.", seller.tax_number),
            _labelled("Reg. no.", seller.registration_id),
        ],
        " · ",
    )
    return (
        f'<footer class="page-footer"><div>{first}</div><div>{second}</div>'
        f"<div>{esc(seller.legal_info)}</div></footer>"
    )
