"""What a credit note credits: which units of which invoice lines, and how much tax.

A credit note takes back units of an invoice's lines; a line credited in parts adds up to the
line credited at once (see :func:`ordermgmt.domain.invoice.share_line`). Tax is credited
cumulatively per rate: after each note, ``round(all credited net x rate)`` has been credited.
Crediting an invoice in any number of parts therefore returns exactly the tax it charged, never
a cent more or less. The invoice's document-level allowances and charges are credited whole, by
the note that takes back everything left, or by one that asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from ordermgmt.domain.charges import Charge
from ordermgmt.domain.errors import ValidationError
from ordermgmt.domain.invoice import CreditNote, DocumentLine, Invoice, document_tax, share_line
from ordermgmt.domain.money import Money, round_amount
from ordermgmt.domain.order import Order
from ordermgmt.domain.totals import TaxKey, TaxSubtotal, Totals


@dataclass(frozen=True)
class Credit(Totals):
    """The lines and tax of a credit note to be issued, and so its totals."""

    currency: str
    lines: tuple[DocumentLine, ...]
    #: The tax credited per category and rate (cumulative crediting, see the module
    #: docstring).
    fixed_tax: tuple[tuple[TaxKey, Money], ...]
    #: The invoice's allowances and charges this credit takes back.
    charges: tuple[Charge, ...] = ()

    @cached_property
    def tax_subtotals(self) -> tuple[TaxSubtotal, ...]:
        return document_tax(self.lines, self.currency, self.fixed_tax, self.charges)


def credited_units(notes: Sequence[CreditNote]) -> dict[int, int]:
    """Units per order line that ``notes`` credited."""
    units: dict[int, int] = {}
    for note in notes:
        for line in note.lines:
            units[line.order_line_no] = units.get(line.order_line_no, 0) + line.quantity
    return units


def uncredited_units(invoice: Invoice, notes: Sequence[CreditNote]) -> dict[int, int]:
    """Units per order line of ``invoice`` that none of its credit ``notes`` took back."""
    credited = credited_units(notes)
    return {
        line.order_line_no: line.quantity - credited.get(line.order_line_no, 0)
        for line in invoice.lines
    }


def units_for_skus(
    invoice: Invoice, notes: Sequence[CreditNote], wanted: Iterable[tuple[str, int]]
) -> dict[int, int]:
    """Spread the units ``wanted`` per sku over the invoice's lines of that sku, in line order,
    each up to what it still has uncredited after ``notes``. Raises ``ValidationError`` for a
    sku not on the invoice or more units than are left to credit."""
    left = uncredited_units(invoice, notes)
    quantities: dict[int, int] = {}
    for sku, quantity in wanted:
        lines = [line for line in invoice.lines if line.sku == sku]
        if not lines:
            raise ValidationError("lines.sku", sku, f"not on invoice {invoice.number}")
        missing = quantity
        for line in lines:
            take = min(missing, left[line.order_line_no])
            if take > 0:
                quantities[line.order_line_no] = quantities.get(line.order_line_no, 0) + take
                left[line.order_line_no] -= take
                missing -= take
        if missing:
            left_of_sku = sum(left[line.order_line_no] for line in lines) + quantity - missing
            raise ValidationError(
                "lines.quantity", quantity, f"only {left_of_sku} left to credit of {sku}"
            )
    return quantities


def over_invoiced(order: Order, invoice: Invoice, uncredited: dict[int, int]) -> dict[int, int]:
    """Units of ``invoice`` invoiced beyond what ``order`` still delivers, and not credited yet
    (say by a goodwill credit note): what cancelling the rest of the order credits."""
    result: dict[int, int] = {}
    for doc_line in invoice.lines:
        line = order.line(doc_line.order_line_no)
        excess = (line.invoiced - line.credited) - (line.quantity - line.cancelled - line.returned)
        take = min(excess, doc_line.quantity, uncredited.get(line.line_no, 0))
        if take > 0:
            result[line.line_no] = take
    return result


def uncredited_charges(invoice: Invoice, notes: Sequence[CreditNote]) -> tuple[Charge, ...]:
    """The invoice's allowances and charges unless one of its credit ``notes`` took them."""
    return () if any(note.charges for note in notes) else invoice.charges


def credit_for(
    invoice: Invoice,
    previous: Sequence[CreditNote],
    quantities: dict[int, int] | None,
    *,
    with_charges: bool = False,
) -> Credit:
    """The credit of ``quantities`` (order line no -> units) of ``invoice`` after its
    ``previous`` credit notes, or of everything not yet credited (``None``). The invoice's
    allowances and charges go with ``with_charges``, and always with the note that credits the
    last units.

    Raises ``ValidationError`` when nothing is left to credit, for more units than a line has
    left, and for lines not on the invoice."""
    already = credited_units(previous)
    if quantities is None:
        with_charges = True
        quantities = {
            line.order_line_no: line.quantity - already.get(line.order_line_no, 0)
            for line in invoice.lines
            if line.quantity > already.get(line.order_line_no, 0)
        }
    # the note that takes back the last units takes the allowances and charges along: a
    # document needs a line, so no later note could
    with_charges = with_charges or _takes_the_last(invoice, already, quantities)
    charges = uncredited_charges(invoice, previous) if with_charges else ()
    if not quantities and not charges:
        raise ValidationError("invoice_id", invoice.id, f"{invoice.number} is fully credited")
    lines = tuple(
        share_line(line, quantities[line.order_line_no], already.get(line.order_line_no, 0))
        for line in invoice.lines
        if quantities.get(line.order_line_no, 0)
    )
    unknown = set(quantities) - {line.order_line_no for line in invoice.lines}
    if unknown:
        raise ValidationError("lines", sorted(unknown), f"not on invoice {invoice.number}")
    if not lines:
        raise ValidationError("lines", lines, "a document needs at least one line")
    tax = _cumulative_tax(previous, lines, charges, invoice.currency)
    credit = Credit(invoice.currency, lines, tax, charges)
    if not charges and uncredited_charges(invoice, previous) and credit.total > invoice.creditable:
        raise ValidationError(
            "with_charges",
            with_charges,
            f"these lines come to {credit.total}, more than the {invoice.creditable} left on "
            f"{invoice.number} after its allowances: credit its allowances and charges with them",
        )
    return credit


def _takes_the_last(invoice: Invoice, already: dict[int, int], more: dict[int, int]) -> bool:
    """True when crediting ``more`` units after ``already`` leaves none of ``invoice``."""
    return all(
        line.quantity == already.get(line.order_line_no, 0) + more.get(line.order_line_no, 0)
        for line in invoice.lines
    )


def _net_per_key(lines: Sequence[DocumentLine], charges: Sequence[Charge]) -> dict[TaxKey, Decimal]:
    nets: dict[TaxKey, Decimal] = {}
    for key, amount in [(ln.key, ln.net.amount) for ln in lines] + [
        (c.key, c.signed.amount) for c in charges
    ]:
        nets[key] = nets.get(key, Decimal(0)) + amount
    return nets


def _cumulative_tax(
    previous: Sequence[CreditNote],
    lines: Sequence[DocumentLine],
    charges: Sequence[Charge],
    currency: str,
) -> tuple[tuple[TaxKey, Money], ...]:
    """Per category and rate of ``lines`` and ``charges``: the tax on everything credited
    after them, less the tax on what the ``previous`` notes credited (see the module
    docstring)."""
    before = _net_per_key(
        [line for note in previous for line in note.lines],
        [charge for note in previous for charge in note.charges],
    )

    def tax(net: Decimal, rate: Decimal) -> Decimal:
        return round_amount(net * rate, currency)

    return tuple(
        (
            key,
            Money(
                tax(before.get(key, Decimal(0)) + net, key.rate)
                - tax(before.get(key, Decimal(0)), key.rate),
                currency,
            ),
        )
        for key, net in _net_per_key(lines, charges).items()
    )
