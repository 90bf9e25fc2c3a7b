"""Rules for money: invoices, payments for an invoice and for an order (prepayments and cash
sales), credit notes and refunds."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from ordermgmt import errors
from ordermgmt.messages import OrderView, PaymentPartView
from tests.money import eur
from tests.stateful.bookkeeping import Bookkeeping
from tests.stateful.model import InvoiceModel
from tests.stateful.world import (
    CASH_SALE_PREFERENCES,
    CENT,
    CUSTOMERS,
    METHODS,
    ZERO,
    cash_account,
    document_total,
)


class MoneyRules(Bookkeeping):
    """Invoices go out, money comes in and goes back, credit notes correct invoices."""

    @precondition(lambda self: self._anything_to_invoice())
    @rule(data=st.data())
    def issue_invoice(self, data: st.DataObject) -> None:
        """Invoice what is ordered and not yet invoiced (and sent); a prepayment held for the
        order pays for it first. Nothing left to invoice (or a cancelled order) is refused.
        The customer may ask for the invoice again."""
        snap = self._snap()
        self._changed()
        resend = data.draw(st.booleans(), label="asked for again")
        eligible = [
            order_id
            for order_id, model in self.models.items()
            if model.status != "cancelled" and self._to_invoice(snap.orders[order_id])
        ]
        order_id = self._pick(data, eligible, list(self.models), "order")
        assert order_id is not None
        self._days_pass(data)
        model = self.models[order_id]
        units = self._to_invoice(snap.orders[order_id])
        if model.status == "cancelled" or not units:
            with pytest.raises(errors.ValidationError):
                self.oms.issue_invoice(order_id)
            assert self.oms.order_invoices(order_id) == snap.invoices[order_id]
            return
        view = self.oms.issue_invoice(order_id)
        total = document_total(units, model.skus)
        covered = min(model.prepaid, total)
        settlement = "prepaid" if covered == total else "receivable"
        invoice = self._new_invoice(view, order_id, units, settlement)
        invoice.paid = covered
        model.prepaid -= covered
        assert view.paid == eur(covered), view
        assert view.sent_to, view
        if resend:
            assert self.oms.resend_invoice(view.id) == self.oms.get_invoice(view.id)
        self._settle(order_id)

    @precondition(lambda self: any(i.outstanding > 0 for i in self.invoices.values()))
    @rule(data=st.data())
    def pay_invoice(self, data: st.DataObject) -> None:
        """Money for an invoice: all that is outstanding, a part, or too much (refused as an
        overpayment, changing nothing)."""
        self._changed()
        size = data.draw(st.sampled_from(["all", "part", "too much"]), label="size")
        method = data.draw(st.sampled_from(METHODS), label="method")
        eligible = [i for i, inv in self.invoices.items() if inv.outstanding > 0]
        invoice_id = self._pick(data, eligible, list(self.invoices), "invoice")
        assert invoice_id is not None
        self._days_pass(data)
        invoice = self.invoices[invoice_id]
        outstanding = invoice.outstanding
        if size == "part" and outstanding > CENT:
            cents = data.draw(st.integers(1, int(outstanding * 100) - 1), label="cents")
            amount = Decimal(cents) / 100
        elif size != "too much" and outstanding > 0:
            amount = outstanding
        else:
            cents = data.draw(st.integers(1, 5000), label="cents too many")
            amount = max(outstanding, ZERO) + Decimal(cents) / 100
        pay: dict[str, Any] = {"invoice_id": invoice_id, "amount": eur(amount), "method": method}
        if amount > outstanding:
            self._refused(
                errors.Overpayment, invoice.order_id, lambda: self.oms.record_payment(**pay)
            )
            return
        payment = self.oms.record_payment(**pay, reference=self._reference())
        assert (payment.kind, payment.amount, payment.invoice_id) == (
            "payment",
            eur(amount),
            invoice_id,
        )
        invoice.paid += amount
        self._receive_money(invoice.order_id, amount, method)
        self._settle(invoice.order_id)

    @precondition(lambda self: self.models)
    @rule(data=st.data())
    def pay_order(self, data: st.DataObject) -> None:
        """Money for an order: it pays the order's open invoices, oldest due date first, then
        what is left is a prepayment held for it, or, when a prepayment, card or cash customer
        pays the whole uninvoiced rest, a cash sale (invoice and payment in one). More than the
        open invoices and the uninvoiced rest is an overpayment; a cancelled order takes none.
        Sent with an idempotency key, a repeat returns the first payment and books nothing."""
        snap = self._snap()
        self._changed()
        size = data.draw(st.sampled_from(["rest", "part", "too much"]), label="size")
        method = data.draw(st.sampled_from(METHODS), label="method")
        awaited = self._awaited(snap.orders)
        eligible = [
            candidate
            for candidate, (units, rest, open_) in awaited.items()
            if self.models[candidate].status != "cancelled" and (rest > 0 or open_)
        ]
        order_id = self._pick(data, eligible, list(self.models), "order")
        assert order_id is not None
        units, rest, open_invoices = awaited[order_id]
        payable = rest + sum((i.outstanding for i in open_invoices), ZERO)
        amount = self._draw_order_amount(data, size, payable)
        pay: dict[str, Any] = {"order_id": order_id, "amount": eur(amount), "method": method}
        if self.models[order_id].status == "cancelled":
            self._refused(errors.ValidationError, order_id, lambda: self.oms.record_payment(**pay))
            return
        if amount > payable:
            self._refused(errors.Overpayment, order_id, lambda: self.oms.record_payment(**pay))
            return
        key = None
        if data.draw(st.booleans(), label="with key"):
            self.keys_issued += 1
            key = f"stmt-{self.keys_issued}"
        pay |= {"reference": self._reference(), "idempotency_key": key}
        payment = self.oms.record_payment(**pay)
        assert payment.amount == eur(amount)
        self._receive_money(order_id, amount, method)
        left = self._pay_open_invoices(amount, open_invoices, payment.parts)
        if left > 0:
            self._pay_ahead(order_id, units, rest, left, payment.parts[-1])
        if key is not None:  # the bank statement comes again
            ledger = self.oms.trial_balance()
            assert self.oms.record_payment(**pay) == payment
            assert self.oms.trial_balance() == ledger
        self._settle(order_id)

    def _awaited(
        self, orders: dict[str, OrderView]
    ) -> dict[str, tuple[dict[int, int], Decimal, list[InvoiceModel]]]:
        """Per order: the units not invoiced yet, what they cost less the prepayment held,
        and its invoices with money outstanding, oldest due date first."""
        awaited = {}
        for candidate, model in self.models.items():
            units = self._to_invoice(orders[candidate])
            rest = max(document_total(units, model.skus) - model.prepaid, ZERO)
            open_ = sorted(
                (
                    i
                    for i in self.invoices.values()
                    if i.order_id == candidate and i.outstanding > 0
                ),
                key=lambda i: (i.due, i.number),
            )
            awaited[candidate] = (units, rest, open_)
        return awaited

    @staticmethod
    def _draw_order_amount(data: st.DataObject, size: str, payable: Decimal) -> Decimal:
        """All that is payable, a part of it, or too much."""
        if size == "part" and payable > CENT:
            cents = data.draw(st.integers(1, int(payable * 100) - 1), label="cents")
            return Decimal(cents) / 100
        if size == "rest" and payable > 0:
            return payable
        cents = data.draw(st.integers(1, 5000), label="cents too many")
        return payable + Decimal(cents) / 100

    @staticmethod
    def _pay_open_invoices(
        amount: Decimal, open_invoices: list[InvoiceModel], parts: Sequence[PaymentPartView]
    ) -> Decimal:
        """The payment's first parts settle the open invoices in turn; returns what is left."""
        left = amount
        for invoice, part in zip(open_invoices, parts, strict=False):
            if left <= 0:
                break
            take = min(left, invoice.outstanding)
            assert (part.kind, part.invoice_id, part.amount) == ("payment", invoice.id, eur(take))
            invoice.paid += take
            left -= take
        return left

    def _pay_ahead(
        self,
        order_id: str,
        units: dict[int, int],
        rest: Decimal,
        amount: Decimal,
        part: PaymentPartView,
    ) -> None:
        model = self.models[order_id]
        assert part.amount == eur(amount)
        preference = CUSTOMERS[model.owner]["payment_preference"]
        if preference in CASH_SALE_PREFERENCES and amount == rest and units:
            assert part.kind == "cash_sale", part
            view = self.oms.get_invoice(part.invoice_id)
            invoice = self._new_invoice(view, order_id, units, "cash_sale")
            invoice.paid = invoice.total
            model.prepaid = ZERO
            assert view.paid == view.total, view
        else:
            assert (part.kind, part.invoice_id) == ("prepayment", ""), part
            model.prepaid += amount

    @precondition(lambda self: any(i.creditable() for i in self.invoices.values()))
    @rule(data=st.data())
    def issue_credit_note(self, data: st.DataObject) -> None:
        """Credit an invoice in full or some units of a sku (spread over its lines of that
        sku); what the customer overpaid is refunded at once, or held back as due. More than
        is left to credit is refused."""
        self._changed()
        whole = data.draw(st.booleans(), label="whole")
        refund = data.draw(st.booleans(), label="refund at once")
        eligible = [i for i, inv in self.invoices.items() if inv.creditable()]
        invoice_id = self._pick(data, eligible, list(self.invoices), "invoice")
        assert invoice_id is not None
        invoice = self.invoices[invoice_id]
        lines: list[dict[str, Any]] | None = None
        if whole:
            units = invoice.creditable()
            possible = bool(units)
        else:
            lines, units, possible = self._draw_units_of_a_sku(data, invoice)
        credit: dict[str, Any] = {
            "reason": "price reduction agreed",
            "lines": lines,
            "refund": refund,
        }
        if not possible:
            self._refused(
                errors.ValidationError,
                invoice.order_id,
                lambda: self.oms.issue_credit_note(invoice_id, **credit),
            )
            return
        note = self.oms.issue_credit_note(invoice_id, **credit)
        total = self._credit(invoice, units)
        assert note.number == self.credit_notes[-1]
        assert (note.invoice_id, note.order_id) == (invoice_id, invoice.order_id)
        assert {line.order_line_no: line.quantity for line in note.lines} == units
        assert note.total == eur(total), (note, total)
        if refund:
            self._refund(invoice, None)
        self._settle(invoice.order_id)

    @staticmethod
    def _draw_units_of_a_sku(
        data: st.DataObject, invoice: InvoiceModel
    ) -> tuple[list[dict[str, Any]], dict[int, int], bool]:
        """Some units of one of the invoice's skus to credit (now and then more than are left):
        the request's lines, the units per invoice line they take (spread over the sku's
        lines, in line order), and whether that many are left to credit."""
        sku = data.draw(st.sampled_from(sorted({invoice.skus[n] for n in invoice.units})))
        of_sku = sorted(n for n in invoice.units if invoice.skus[n] == sku)
        invoiced = sum(invoice.units[n] for n in of_sku)
        quantity = data.draw(st.integers(1, invoiced), label="quantity")
        left = invoice.creditable()
        units: dict[int, int] = {}
        for line_no in of_sku:
            take = min(quantity - sum(units.values()), left.get(line_no, 0))
            if take > 0:
                units[line_no] = take
        return [{"sku": sku, "quantity": quantity}], units, sum(units.values()) == quantity

    @precondition(lambda self: any(i.outstanding < 0 for i in self.invoices.values()))
    @rule(data=st.data())
    def pay_refund(self, data: st.DataObject) -> None:
        """Pay out a refund held back on an invoice: all of it, a part, or too much (refused)."""
        self._changed()
        size = data.draw(st.sampled_from(["all", "part", "too much"]), label="size")
        method = data.draw(st.sampled_from((None, *METHODS)), label="method")
        eligible = [i for i, inv in self.invoices.items() if inv.outstanding < 0]
        invoice_id = self._pick(data, eligible, list(self.invoices), "invoice")
        assert invoice_id is not None
        invoice = self.invoices[invoice_id]
        due = -invoice.outstanding
        amount: Decimal | None = None
        if size == "part" and due > CENT:
            amount = Decimal(data.draw(st.integers(1, int(due * 100) - 1), label="cents")) / 100
        elif size == "too much" or due <= 0:
            cents = data.draw(st.integers(1, 5000), label="cents too many")
            amount = max(due, ZERO) + Decimal(cents) / 100
        refund: dict[str, Any] = {
            "amount": None if amount is None else eur(amount),
            "method": method,
        }
        if due <= 0 or (amount is not None and amount > due):
            self._refused(
                errors.ValidationError,
                invoice.order_id,
                lambda: self.oms.pay_refund(invoice_id, **refund),
            )
            return
        payment = self.oms.pay_refund(invoice_id, **refund)
        paid_out = due if amount is None else amount
        assert (payment.kind, payment.amount) == ("refund", eur(paid_out)), payment
        invoice.refunded += paid_out
        used = method or self.models[invoice.order_id].paid_with
        assert payment.method == used
        self.money[cash_account(used)] -= paid_out
        self._settle(invoice.order_id)
