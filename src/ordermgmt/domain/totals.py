"""Amounts of orders, invoices and credit notes: net and tax per rate (EN 16931), and the sums."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from ordermgmt.domain.errors import CurrencyMismatch
from ordermgmt.domain.money import Money, round_amount


@dataclass(frozen=True, slots=True)
class TaxSubtotal:
    """Net and tax of all lines at one rate; ``tax`` is rounded once, on the sum (EN 16931)."""

    rate: Decimal
    net: Money
    tax: Money


def tax_subtotals(nets: Iterable[tuple[Decimal, Money]], currency: str) -> tuple[TaxSubtotal, ...]:
    """Group rounded line nets by tax rate and compute ``tax(rate) = round(Σ nets × rate)``."""
    by_rate: dict[Decimal, Decimal] = {}
    for rate, net in nets:
        if net.currency != currency:
            raise CurrencyMismatch(currency, net.currency)
        by_rate[rate] = by_rate.get(rate, Decimal(0)) + net.amount
    return tuple(
        TaxSubtotal(
            rate=rate,
            net=Money._exact(amount, currency),
            tax=Money._exact(round_amount(amount * rate, currency), currency),
        )
        for rate, amount in sorted(by_rate.items(), reverse=True)
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
