"""The official EN 16931 example invoices (tests/data/en16931/samples): each one's own
consistency, checked by an independent model of EN 16931's calculation, and the same sale
made through the public API.

The model below is plain Decimal arithmetic written from the standard's rules (BR-CO-10 to
BR-CO-16, BR-S-08 & co), not the library's code: a line's net is quantity x net price / base
quantity - allowances + charges, rounded to the cent; per VAT category and rate the taxable
amount is the sum of its lines' nets plus its charges less its allowances, and its tax that
times the rate, rounded once; the totals are their sums.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ordermgmt import Money, OrderManagement
from ordermgmt.adapters.einvoice import read_cii, read_ubl
from ordermgmt.domain.document import InvoiceDocument, Party, PostalAddress, Seller
from ordermgmt.messages import CreditNoteView, InvoiceView
from ordermgmt.testing import FixedClock, SequentialIdGenerator

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "en16931" / "samples"
CENT = Decimal("0.01")
Key = tuple[str, Decimal]


def sample_paths() -> list[Path]:
    return sorted(p for p in SAMPLES.glob("*/*") if p.suffix.lower() == ".xml")


def load(path: Path) -> InvoiceDocument:
    reader = read_cii if path.parent.name == "cii" else read_ubl
    return reader(path.read_bytes())


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# -- the sample's own consistency ----------------------------------------------------------------


def inconsistencies(doc: InvoiceDocument) -> list[str]:
    """Where the sample contradicts EN 16931's calculation, one line per contradiction."""
    found = []
    for line in doc.lines:
        gross = line.quantity * line.net_price / line.base_quantity
        net = cents(
            gross
            - sum((a.amount for a in line.allowances), Decimal(0))
            + sum((c.amount for c in line.charges), Decimal(0))
        )
        if net != line.net:
            found.append(f"line {line.id}: net {line.net}, but its figures make {net}")
    taxable: dict[Key, Decimal] = {}
    for line in doc.lines:
        key = (line.category.value, line.rate)
        taxable[key] = taxable.get(key, Decimal(0)) + line.net
    for item in doc.allowances_charges:
        key = (item.category.value, item.rate)
        taxable[key] = taxable.get(key, Decimal(0)) + (item.amount if item.charge else -item.amount)
    stated = {(b.category.value, b.rate): b for b in doc.tax_breakdown}
    for key, amount in taxable.items():
        breakdown = stated.get(key)
        if breakdown is None or breakdown.taxable != amount:
            found.append(f"{key}: taxable {breakdown and breakdown.taxable}, lines make {amount}")
        elif breakdown.tax != cents(amount * key[1]):
            found.append(f"{key}: tax {breakdown.tax}, but {cents(amount * key[1])} is due")
    found += _total_inconsistencies(doc)
    return found


def _total_inconsistencies(doc: InvoiceDocument) -> list[str]:
    t = doc.totals
    items = doc.allowances_charges
    expected = {
        "line total (BR-CO-10)": sum((line.net for line in doc.lines), Decimal(0)),
        "allowances (BR-CO-11)": sum((i.amount for i in items if not i.charge), Decimal(0)),
        "charges (BR-CO-12)": sum((i.amount for i in items if i.charge), Decimal(0)),
        "tax exclusive (BR-CO-13)": t.line_net - t.allowances + t.charges,
        "tax (BR-CO-14)": sum((b.tax for b in doc.tax_breakdown), Decimal(0)),
        "tax inclusive (BR-CO-15)": t.tax_exclusive + t.tax,
        "amount due (BR-CO-16)": t.tax_inclusive - t.prepaid + t.rounding,
    }
    stated = {
        "line total (BR-CO-10)": t.line_net,
        "allowances (BR-CO-11)": t.allowances,
        "charges (BR-CO-12)": t.charges,
        "tax exclusive (BR-CO-13)": t.tax_exclusive,
        "tax (BR-CO-14)": t.tax,
        "tax inclusive (BR-CO-15)": t.tax_inclusive,
        "amount due (BR-CO-16)": t.payable,
    }
    return [
        f"{name}: {stated[name]}, should be {v}"
        for name, v in expected.items()
        if v != stated[name]
    ]


# -- the same sale through the public API --------------------------------------------------------


@dataclass(frozen=True)
class NotExpressible:
    reason: str


def not_expressible(doc: InvoiceDocument) -> str | None:
    """Why the library cannot make this sale, or None."""
    if any(
        line.quantity <= 0 or line.quantity != line.quantity.to_integral() for line in doc.lines
    ):
        return "fractional or negative quantity"
    if any(line.base_quantity != line.base_quantity.to_integral() for line in doc.lines):
        return "fractional base quantity"
    if doc.totals.rounding:
        return "rounding amount (BT-114)"
    categories = {b.category.value for b in doc.tax_breakdown}
    if categories - {"S", "Z", "E", "O"}:
        return f"categories {sorted(categories)}"
    seller, buyer = doc.seller.vat_id[:2], doc.buyer.vat_id[:2]
    if "S" in categories and seller and buyer and seller != buyer:
        return "standard-rated VAT of the buyer's country charged by a seller from another"
    return None


def seller_of(doc: InvoiceDocument) -> Seller:
    party = doc.seller
    return Seller(
        Party(
            name=party.name,
            address=party.address,
            vat_id=party.vat_id,
            tax_number=party.tax_number or ("" if party.vat_id else "NONE"),
            registration_id=party.registration_id or "REG-1",
        )
    )


def _address(address: PostalAddress) -> dict[str, str]:
    return {
        "line1": (address.lines[0] if address.lines else "") or "-",
        "city": address.city or "-",
        "postal_code": address.postal_code or "-",
        "country": address.country,
    }


_VAT_ID = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,13}$")


def express(
    doc: InvoiceDocument,
) -> tuple[OrderManagement, InvoiceView | CreditNoteView] | NotExpressible:
    """The sale of ``doc`` made through the public API and invoiced."""
    reason = not_expressible(doc)
    if reason is not None:
        return NotExpressible(reason)
    oms = OrderManagement.in_memory(
        clock=FixedClock(), ids=SequentialIdGenerator(), seller=seller_of(doc)
    )
    lines = [_line(oms, doc, index) for index in range(len(doc.lines))]
    buyer_vat = doc.buyer.vat_id if _VAT_ID.match(doc.buyer.vat_id or "") else ""
    buyer = oms.register_customer(
        name=" ".join(doc.buyer.name.split())[:200],
        kind="b2b",
        payment_preference="invoice",
        billing_address=_address(doc.buyer.address),
        vat_id=buyer_vat,
    )
    order = oms.place_order(
        customer_id=buyer.id,
        channel="web",
        lines=lines,
        # a zero allowance adds nothing to any figure; the library refuses to record one
        charges=[_charge(doc, item) for item in doc.allowances_charges if item.amount],
    )
    if doc.totals.prepaid:
        oms.record_payment(
            order_id=order.id,
            amount=Money(doc.totals.prepaid, doc.currency),
            method="bank_transfer",
        )
    invoice = oms.issue_invoice(order.id)
    if doc.type.value == "381":  # a credit note: of the whole invoice of the same sale
        return oms, oms.issue_credit_note(invoice.id, reason="Sample", refund=False)
    return oms, invoice


def _line(oms: OrderManagement, doc: InvoiceDocument, index: int) -> dict[str, Any]:
    line = doc.lines[index]
    sku = f"LINE-{index + 1}"
    oms.upsert_product(
        sku=sku,
        name=" ".join((line.name or sku).split())[:200],
        unit_price=Money(line.net_price, doc.currency),
        tax_rate=line.rate,
        tax_category=line.category.value,
        unit_code=line.unit_code,
        base_quantity=int(line.base_quantity),
    )
    quantity = int(line.quantity)
    oms.receive_stock(sku=sku, location="MAIN", quantity=quantity, supplier="Sample")
    given: dict[str, Any] = {"sku": sku, "quantity": quantity}
    # several allowances (or charges) on one line are given as their sum: the same net
    discount = sum((a.amount for a in line.allowances), Decimal(0))
    charge = sum((c.amount for c in line.charges), Decimal(0))
    if discount:
        given["discount"] = Money(discount, doc.currency)
    if charge:
        given["charge"] = Money(charge, doc.currency)
    return given


def _charge(doc: InvoiceDocument, item: Any) -> dict[str, Any]:
    return {
        "charge": item.charge,
        "amount": Money(item.amount, doc.currency),
        "reason": " ".join((item.reason or ("Charge" if item.charge else "Allowance")).split())[
            :100
        ],
        "tax_category": item.category.value,
        "tax_rate": item.rate,
    }
