"""What the model expects of money and status, in the order a step changes them: an invoice
issued, money received or paid back, a credit note, a prepayment released or carried over,
an order completed, a new order reserved where the allocation policy says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from ordermgmt.messages import InvoiceView, OrderView
from tests.money import eur
from tests.stateful.base import MachineBase
from tests.stateful.model import InvoiceModel, OrderModel, expected_allocation
from tests.stateful.world import (
    CUSTOMERS,
    ZERO,
    cash_account,
    document_total,
    nets_by_rate,
    order_number,
    price,
    round_cents,
    tax_rate,
)


class Bookkeeping(MachineBase):
    """The model's side of each step: what it records, and what it checks a result against."""

    def _receive_money(self, order_id: str, amount: Decimal, method: str) -> None:
        self.money[cash_account(method)] += amount
        self.models[order_id].paid_with = method

    def _refund(self, invoice: InvoiceModel, method: str | None) -> Decimal:
        """Pay back what the customer is owed on ``invoice``, by ``method`` or the way they
        paid; returns the amount."""
        due = -invoice.outstanding
        if due <= 0:
            return ZERO
        invoice.refunded += due
        self.money[cash_account(method or self.models[invoice.order_id].paid_with)] -= due
        return due

    def _credit(self, invoice: InvoiceModel, units: dict[int, int]) -> Decimal:
        self.credit_notes.append(self._next_number("CN", self.credit_notes))
        return invoice.credit(units)

    def _new_invoice(
        self, view: InvoiceView, order_id: str, units: dict[int, int], settlement: str
    ) -> InvoiceModel:
        """Check a freshly issued invoice against what was expected, and model it."""
        model = self.models[order_id]
        assert view.number == self._next_number("INV", [i.number for i in self.invoices.values()])
        assert view.order_id == order_id
        assert view.customer_id == self.customer_ids[model.owner]
        assert {line.order_line_no: line.quantity for line in view.lines} == units, view.lines
        for line in view.lines:
            assert line.sku == model.skus[line.order_line_no], line
            assert line.net == eur(price(line.sku) * line.quantity), line
            assert line.tax_rate == tax_rate(line.sku), line
        nets = nets_by_rate(units, model.skus)
        invoice = InvoiceModel(
            id=view.id,
            number=view.number,
            order_id=order_id,
            units=dict(units),
            skus=model.skus,
            due=self._today() + timedelta(days=self._terms(model.owner, settlement)),
            settlement=settlement,
            net=nets,
            tax={rate: round_cents(net * rate) for rate, net in nets.items()},
        )
        assert view.settlement == settlement, view
        assert view.total == eur(invoice.total), view
        assert view.net_total == eur(sum(nets.values(), ZERO)), view
        assert view.due_date == invoice.due, view
        self.invoices[view.id] = invoice
        model.invoices.append(view.id)
        return invoice

    @staticmethod
    def _terms(owner: str, settlement: str) -> int:
        if settlement != "receivable":
            return 0
        return int(CUSTOMERS[owner].get("payment_terms_days", 0))

    def _done(self, order: OrderView, invoices: Sequence[InvoiceView]) -> bool:
        """Every unit delivered or cancelled, everything invoiced, every invoice settled."""
        if any(line.delivered + line.cancelled != line.quantity for line in order.lines):
            return False
        if not invoices:
            return False
        if any(
            self._net_invoiced(order.id, line.line_no)
            < line.quantity - line.cancelled - line.returned
            for line in order.lines
        ):
            return False
        return all(invoice.outstanding.amount == 0 for invoice in invoices)

    def _settle(self, order_id: str) -> None:
        """After a step that looks at an order's documents: an open order that is done is
        completed."""
        model = self.models[order_id]
        if model.status != "open":
            return
        order = self.oms.get_order(order_id)
        if self._done(order, self.oms.order_invoices(order_id)):
            model.status = "completed"

    def _check_placed(
        self,
        order: OrderView,
        customer: str,
        lines: Sequence[tuple[str, int]],
        free: dict[tuple[str, str], int],
    ) -> None:
        """A new order: the next number, open, reserved where the default policy says."""
        assert order.id not in self.models
        self.numbers.append(order.number)
        assert order.number == order_number(len(self.numbers))
        assert order.status == "open"
        assert order.payment_status == "not_invoiced"
        assert order.customer_id == self.customer_ids[customer]
        assert [(line.sku, line.quantity) for line in order.lines] == list(lines)
        demand: Counter[str] = Counter()
        for sku, qty in lines:
            demand[sku] += qty
        expected = expected_allocation(dict(demand), free, self._location_order())
        reserved: Counter[tuple[str, str]] = Counter()
        backordered: Counter[str] = Counter()
        for line in order.lines:
            reserved.update({(line.sku, code): q for code, q in line.allocations.items()})
            backordered[line.sku] += line.backordered
        assert reserved == Counter(expected), (free, order.lines)
        for sku, qty in demand.items():
            got = sum(q for (s, _), q in expected.items() if s == sku)
            assert backordered[sku] == qty - got, (sku, free, order.lines)
        self.models[order.id] = OrderModel(
            owner=customer,
            status="open",
            skus={line.line_no: line.sku for line in order.lines},
        )

    def _release_prepayment(self, order: OrderView) -> None:
        """After a cancel or a return: the part of the prepayment held for ``order`` above
        what is left to invoice on it goes back the way the customer last paid."""
        model = self.models[order.id]
        rest = document_total(self._to_invoice(order), model.skus)
        if model.prepaid > rest:
            self.money[cash_account(model.paid_with)] -= model.prepaid - rest
            model.prepaid = rest

    def _carry_over(self, invoice: InvoiceModel, replacement_id: str) -> None:
        """What the customer is owed moves to the replacement as a prepayment, up to its
        uninvoiced price."""
        due = -invoice.outstanding
        if due <= 0:
            return
        replacement = self.models[replacement_id]
        units = self._to_invoice(self.oms.get_order(replacement_id))
        if not units:
            return
        amount = min(due, document_total(units, replacement.skus) - replacement.prepaid)
        if amount > 0:
            invoice.refunded += amount
            replacement.prepaid += amount
