"""The tables of the PDF invoice as HTML: the lines, the document-level allowances and
charges, the VAT breakdown with the totals, the payment details and the notes. Every text from
the document is escaped with :func:`~ordermgmt.adapters.einvoice.pdf_format.esc`."""

from __future__ import annotations

from decimal import Decimal

from ordermgmt.adapters.einvoice.pdf_format import (
    CATEGORY_NAMES,
    PAYMENT_MEANS_NAMES,
    esc,
    format_amount,
    format_money,
    format_percent,
    format_price,
    format_quantity,
    format_rate,
    unit_name,
)
from ordermgmt.domain.document import (
    AllowanceCharge,
    DocumentType,
    InvoiceDocument,
    InvoiceLine,
    PaymentMeans,
    PaymentMeansCode,
    TaxBreakdown,
)

_MINUS = "−"  # U+2212, the minus sign: a hyphen would read as a dash in a table of figures
_NBSP = "\u00a0"


def lines_table(document: InvoiceDocument) -> str:
    """The invoice lines, with a header row that repeats on every page the table runs onto."""
    currency = document.currency
    head = (
        '<thead><tr><th class="pos">Pos.</th><th class="item">Item</th>'
        '<th class="num qty">Quantity</th><th class="num">Unit price</th>'
        f'<th class="num vat">VAT</th><th class="num">Net ({esc(currency)})</th></tr></thead>'
    )
    rows = "".join(_line_row(position, line, currency) for position, line in _numbered(document))
    return f'<table class="lines">{head}<tbody>{rows}</tbody></table>'


def _numbered(document: InvoiceDocument) -> list[tuple[int, InvoiceLine]]:
    return list(enumerate(document.lines, start=1))


def _line_row(position: int, line: InvoiceLine, currency: str) -> str:
    unit = esc(unit_name(line.unit_code))
    identifiers = [f"SKU {esc(line.sku)}"]
    if line.gtin:
        identifiers.append(f"GTIN {esc(line.gtin)}")
    if line.buyer_item_id:
        identifiers.append(f"Your item no. {esc(line.buyer_item_id)}")
    details = [f'<div class="name">{esc(line.name)}</div>']
    details.append(f'<div class="meta">{" · ".join(identifiers)}</div>')
    if line.description:
        details.append(f'<div class="desc">{esc(line.description)}</div>')
    if line.note:
        details.append(f'<div class="desc note">{esc(line.note)}</div>')
    details += [_adjustment(item, currency) for item in (*line.allowances, *line.charges)]
    per = ""
    if line.base_quantity != 1:
        per = f'<div class="meta">per {esc(format_quantity(line.base_quantity))}{_NBSP}{unit}</div>'
    return (
        f'<tr><td class="pos">{position}</td><td class="item">{"".join(details)}</td>'
        f'<td class="num qty">{esc(format_quantity(line.quantity))} {unit}</td>'
        f'<td class="num">{esc(format_price(line.net_price, currency))}{per}</td>'
        f'<td class="num vat">{esc(format_rate(line.rate))}'
        f'<span class="category">{esc(line.category.value)}</span></td>'
        f'<td class="num">{esc(format_amount(line.net, currency))}</td></tr>'
    )


def _adjustment(item: AllowanceCharge, currency: str) -> str:
    """A line allowance or charge, under the item it adjusts."""
    kind = "Charge" if item.charge else "Allowance"
    sign = "+" if item.charge else _MINUS
    return (
        f'<div class="adjust">{kind}: {esc(_reason(item))}{_percent_of(item, currency)} '
        f'<span class="figure">{sign}{esc(format_amount(item.amount, currency))}</span></div>'
    )


def _reason(item: AllowanceCharge) -> str:
    if item.reason and item.reason_code:
        return f"{item.reason} ({item.reason_code})"
    return item.reason or item.reason_code


def _percent_of(item: AllowanceCharge, currency: str) -> str:
    if item.percent is None or item.base_amount is None:
        return ""
    return esc(f", {format_percent(item.percent)} of {format_amount(item.base_amount, currency)}")


def allowances_charges_table(document: InvoiceDocument) -> str:
    """The document-level allowances and charges (BG-20, BG-21), or nothing if there are
    none."""
    if not document.allowances_charges:
        return ""
    currency = document.currency
    rows = []
    for item in document.allowances_charges:
        kind = "Charge" if item.charge else "Allowance"
        sign = "" if item.charge else _MINUS
        rows.append(
            f"<tr><td>{kind}</td><td>{esc(_reason(item))}{_percent_of(item, currency)}</td>"
            f'<td class="num">{esc(format_rate(item.rate))} {esc(item.category.value)}</td>'
            f'<td class="num">{sign}{esc(format_amount(item.amount, currency))}</td></tr>'
        )
    return (
        '<table class="adjustments"><thead><tr><th></th><th>Allowances and charges</th>'
        f'<th class="num">VAT</th><th class="num">Amount ({esc(currency)})</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def totals_section(document: InvoiceDocument) -> str:
    """The VAT breakdown beside the totals, ending in the amount due."""
    return (
        '<section class="summary">'
        f'<div class="vat-breakdown">{_vat_table(document)}</div>'
        f'<div class="totals">{_totals_table(document)}</div></section>'
    )


def _vat_table(document: InvoiceDocument) -> str:
    currency = document.currency
    rows = "".join(_vat_rows(item, currency) for item in document.tax_breakdown)
    return (
        '<table class="vat"><thead><tr><th>VAT category</th><th class="num">Rate</th>'
        f'<th class="num">Taxable ({esc(currency)})</th>'
        f'<th class="num">VAT ({esc(currency)})</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _vat_rows(item: TaxBreakdown, currency: str) -> str:
    name = f"{item.category.value} – {CATEGORY_NAMES[item.category]}"
    row = (
        f'<tr><td>{esc(name)}</td><td class="num">{esc(format_rate(item.rate))}</td>'
        f'<td class="num">{esc(format_amount(item.taxable, currency))}</td>'
        f'<td class="num">{esc(format_amount(item.tax, currency))}</td></tr>'
    )
    if not (item.exemption_reason or item.exemption_code):
        return row
    reason = item.exemption_reason
    if item.exemption_code:
        reason = f"{reason} ({item.exemption_code})" if reason else item.exemption_code
    return f'{row}<tr class="reason"><td colspan="4">{esc(reason)}</td></tr>'


def _totals_table(document: InvoiceDocument) -> str:
    totals, currency = document.totals, document.currency
    zero = Decimal(0)
    rows: list[tuple[str, Decimal, str]] = [("Sum of lines", totals.line_net, "")]
    if totals.allowances != zero:
        rows.append(("Allowances", -totals.allowances, ""))
    if totals.charges != zero:
        rows.append(("Charges", totals.charges, ""))
    rows += [
        ("Total excluding VAT", totals.tax_exclusive, "subtotal"),
        ("VAT", totals.tax, ""),
        ("Total including VAT", totals.tax_inclusive, "subtotal"),
    ]
    if totals.prepaid != zero:
        rows.append(("Paid in advance", -totals.prepaid, ""))
    if totals.rounding != zero:
        rows.append(("Rounding", totals.rounding, ""))
    body = "".join(
        f'<tr class="{style}"><th scope="row">{esc(label)}</th>'
        f'<td class="num">{esc(_signed(amount, currency))}</td></tr>'
        for label, amount, style in rows
    )
    label = "Amount credited" if document.type is DocumentType.CREDIT_NOTE else "Amount due"
    due = (
        f'<tr class="due"><th scope="row">{label}</th>'
        f'<td class="num">{esc(format_money(totals.payable, currency))}</td></tr>'
    )
    return f'<table class="totals-table"><tbody>{body}{due}</tbody></table>'


def _signed(amount: Decimal, currency: str) -> str:
    text = format_amount(abs(amount), currency)
    return f"{_MINUS}{text}" if amount < 0 else text


def payment_section(document: InvoiceDocument) -> str:
    """How and when to pay: the means with its account, card or mandate, the reference to
    quote, the due date and the terms; nothing if the document says none of it."""
    rows: list[tuple[str, str]] = []
    if document.payment_means is not None:
        rows += _means_rows(document.payment_means)
    rows.append(("Payment reference", document.payment_reference))
    if document.due_date is not None:
        rows.append(("Due date", document.due_date.isoformat()))
    rows.append(("Payment terms", document.payment_terms))
    shown = [(label, value) for label, value in rows if value]
    if not shown:
        return ""
    body = "".join(
        f'<tr><th scope="row">{esc(label)}</th><td>{esc(value)}</td></tr>' for label, value in shown
    )
    return f'<section class="payment"><h2>Payment</h2><table>{body}</table></section>'


def _means_rows(means: PaymentMeans) -> list[tuple[str, str]]:
    rows = [("Payment method", PAYMENT_MEANS_NAMES.get(means.code, means.code.value))]
    if means.code in (PaymentMeansCode.DIRECT_DEBIT, PaymentMeansCode.SEPA_DIRECT_DEBIT):
        return [
            *rows,
            ("Mandate reference", means.mandate_reference),
            ("Creditor ID", means.creditor_id),
            ("Debited account", _grouped(means.debtor_iban)),
        ]
    card = ""
    if means.card_last_digits:
        card = f"ending in {means.card_last_digits}"
    return [
        *rows,
        ("Account holder", means.account_name),
        ("IBAN", _grouped(means.iban)),
        ("BIC", means.bic),
        ("Card", card),
        ("Card holder", means.card_holder),
    ]


def _grouped(iban: str) -> str:
    """An IBAN in groups of four, as it is printed on paper."""
    compact = "".join(iban.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def notes_section(document: InvoiceDocument) -> str:
    """The document's note (BT-22) and any notes by subject, or nothing."""
    notes = [f"<p>{esc(document.note)}</p>"] if document.note else []
    notes += [
        f'<p><span class="label">{esc(subject)}:</span> {esc(text)}</p>'
        for subject, text in document.extra.items()
        if text
    ]
    if not notes:
        return ""
    return f'<section class="notes"><h2>Notes</h2>{"".join(notes)}</section>'
