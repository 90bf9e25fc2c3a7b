"""The figures of a CII document as drafthorse elements: invoice lines (BG-25), allowances
and charges (BG-20, BG-21, BG-27, BG-28), the VAT breakdown (BG-23) and the totals (BG-22).

A VAT category carries its rate as ``RateApplicablePercent``; on lines and allowances and
charges, ``O`` (not subject to VAT) has none (BR-O-05, BR-O-06, BR-O-07), and in the VAT
breakdown it states 0, which EN 16931 allows and XRechnung requires (BR-DE-14). A line
allowance or charge states no category: it is taxed with its line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drafthorse.models.accounting import (
    ApplicableTradeTax,
    CategoryTradeTax,
    TradeAllowanceCharge,
)
from drafthorse.models.note import IncludedNote
from drafthorse.models.tradelines import LineItem

from ordermgmt.adapters.einvoice.cii_figures import Figures, percent, plain
from ordermgmt.domain.document import (
    AllowanceCharge,
    DocumentTotals,
    InvoiceLine,
    TaxBreakdown,
)
from ordermgmt.domain.vat import VatCategory

#: The tax scheme of every tax EN 16931 knows (CII-DT-037).
VAT = "VAT"
#: The scheme of a GTIN (BT-157-1, ISO 6523 ICD).
GTIN_SCHEME = "0160"


def _rate(category: VatCategory, rate: Decimal) -> str | None:
    return None if category is VatCategory.OUTSIDE_SCOPE else percent(rate)


def line_item(line: InvoiceLine, figures: Figures) -> Any:
    """An ``IncludedSupplyChainTradeLineItem``."""
    item = LineItem()
    item.document.line_id = line.id
    if line.note:
        item.document.notes.add(IncludedNote(content=line.note))
    product = item.product
    if line.gtin:
        product.global_id = (GTIN_SCHEME, line.gtin)
    product.seller_assigned_id = line.sku
    product.buyer_assigned_id = line.buyer_item_id
    product.name = line.name
    product.description = line.description
    item.agreement.net.amount = plain(line.net_price)
    if line.base_quantity != 1:
        item.agreement.net.basis_quantity = (plain(line.base_quantity), line.unit_code)
    item.delivery.billed_quantity = (plain(line.quantity), line.unit_code)
    settlement = item.settlement
    settlement.trade_tax.type_code = VAT
    settlement.trade_tax.category_code = line.category.value
    settlement.trade_tax.rate_applicable_percent = _rate(line.category, line.rate)
    for adjustment in (*line.allowances, *line.charges):
        settlement.allowance_charge.add(allowance_charge(adjustment, figures, document=False))
    settlement.monetary_summation.total_amount = figures.amount(line.net, f"line {line.id} net")
    return item


def allowance_charge(item: AllowanceCharge, figures: Figures, document: bool) -> Any:
    """A ``SpecifiedTradeAllowanceCharge``; at document level with its VAT category."""
    kind = "charge" if item.charge else "allowance"
    element = TradeAllowanceCharge()
    element.indicator = item.charge
    element.calculation_percent = None if item.percent is None else plain(item.percent)
    element.basis_amount = figures.optional(item.base_amount, f"{kind} base amount")
    element.actual_amount = figures.amount(item.amount, f"{kind} amount")
    element.reason_code = item.reason_code
    element.reason = item.reason
    if document:
        tax = CategoryTradeTax()
        tax.type_code = VAT
        tax.category_code = item.category.value
        tax.rate_applicable_percent = _rate(item.category, item.rate)
        element.trade_tax.add(tax)
    return element


def breakdown_row(row: TaxBreakdown, figures: Figures) -> Any:
    """One ``ApplicableTradeTax`` of the header settlement (BG-23)."""
    tax = ApplicableTradeTax()
    tax.calculated_amount = figures.amount(row.tax, f"VAT amount of {row.category.value}")
    tax.type_code = VAT
    tax.exemption_reason = row.exemption_reason
    tax.basis_amount = figures.amount(row.taxable, f"taxable amount of {row.category.value}")
    tax.category_code = row.category.value
    tax.exemption_reason_code = row.exemption_code
    # XRechnung wants the rate of every breakdown (BR-DE-14), 0 for O; EN 16931 allows that
    tax.rate_applicable_percent = percent(row.rate)
    return tax


def fill_totals(
    summation: Any, totals: DocumentTotals, figures: Figures, adjustments: bool
) -> None:
    """The ``SpecifiedTradeSettlementHeaderMonetarySummation``. The allowance and charge
    totals are stated where the document has allowances or charges, the prepaid amount and
    the rounding where they are not zero; the VAT total names the currency (BT-110)."""
    amount = figures.amount
    summation.line_total = amount(totals.line_net, "sum of line nets (BT-106)")
    if adjustments or totals.charges:
        summation.charge_total = amount(totals.charges, "sum of charges (BT-108)")
    if adjustments or totals.allowances:
        summation.allowance_total = amount(totals.allowances, "sum of allowances (BT-107)")
    summation.tax_basis_total = (amount(totals.tax_exclusive, "total without VAT (BT-109)"), None)
    summation.tax_total = (amount(totals.tax, "VAT total (BT-110)"), figures.currency)
    if totals.rounding:
        summation.rounding_amount = amount(totals.rounding, "rounding amount (BT-114)")
    summation.grand_total = (amount(totals.tax_inclusive, "total with VAT (BT-112)"), None)
    if totals.prepaid:
        summation.prepaid_total = amount(totals.prepaid, "paid amount (BT-113)")
    summation.due_amount = amount(totals.payable, "amount due (BT-115)")
