"""Amounts of orders, invoices and credit notes: net and tax per VAT category and rate
(EN 16931), and the sums."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from ordermgmt.domain.errors import CurrencyMismatch
from ordermgmt.domain.money import Money, round_amount
from ordermgmt.domain.vat import VatCategory


@dataclass(frozen=True, slots=True)
class TaxKey:
    """What tax is computed per: a VAT category and a rate."""

    category: VatCategory
    rate: Decimal


@dataclass(frozen=True, slots=True)
class TaxSubtotal:
    """Net and tax of everything at one category and rate; ``tax`` is rounded once, on the
    sum (EN 16931). ``net`` is the taxable amount: line nets, less allowances, plus charges."""

    rate: Decimal
    net: Money
    tax: Money
    category: VatCategory = VatCategory.STANDARD

    @property
    def key(self) -> TaxKey:
        return TaxKey(self.category, self.rate)


def tax_subtotals(nets: Iterable[tuple[TaxKey, Money]], currency: str) -> tuple[TaxSubtotal, ...]:
    """Group rounded nets by category and rate and compute ``tax = round(Σ nets × rate)``;
    highest rate first."""
    by_key: dict[TaxKey, Decimal] = {}
    for key, net in nets:
        if net.currency != currency:
            raise CurrencyMismatch(currency, net.currency)
        by_key[key] = by_key.get(key, Decimal(0)) + net.amount
    return tuple(
        TaxSubtotal(
            rate=key.rate,
            net=Money._exact(amount, currency),
            tax=Money._exact(round_amount(amount * key.rate, currency), currency),
            category=key.category,
        )
        for key, amount in sorted(by_key.items(), key=lambda kv: (-kv[0].rate, kv[0].category))
    )


class Totals:
    """Net, tax and gross of anything with ``tax_subtotals`` in one ``currency`` (orders,
    invoices, credit notes): the sums of the per-rate figures, nothing rounded again."""

    currency: str

    @property
    def tax_subtotals(self) -> tuple[TaxSubtotal, ...]:
        raise NotImplementedError

    # Cached like ``tax_subtotals`` itself, which every subclass computes once: the amounts of
    # a placed order or an issued document never change.

    @cached_property
    def net_total(self) -> Money:
        return Money._exact(
            sum((s.net.amount for s in self.tax_subtotals), Decimal(0)), self.currency
        )

    @cached_property
    def tax_total(self) -> Money:
        return Money._exact(
            sum((s.tax.amount for s in self.tax_subtotals), Decimal(0)), self.currency
        )

    @cached_property
    def total(self) -> Money:
        return self.net_total + self.tax_total


def line_gross(unit_price: Money, quantity: int, base_quantity: int) -> Decimal:
    """``quantity`` units at ``unit_price`` per ``base_quantity`` units, unrounded."""
    if base_quantity == 1:
        return unit_price.amount * quantity
    return unit_price.amount * quantity / base_quantity
