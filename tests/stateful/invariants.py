"""What must hold after every step, read from one snapshot of the OMS and compared with the
model."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from hypothesis.stateful import invariant

from ordermgmt import Money, errors
from tests.money import eur
from tests.stateful.bookkeeping import Bookkeeping
from tests.stateful.model import (
    expected_fulfillment,
    expected_payment_status,
)
from tests.stateful.world import (
    ACTIVE,
    BANK,
    CASH,
    CENT,
    CODES,
    COGS,
    GRNI,
    INVENTORY,
    LEFT,
    LEGAL_STATUSES,
    PREPAYMENTS,
    PRODUCTS,
    RECEIVABLES,
    WRITE_OFF,
    ZERO,
    document_total,
    eur_or_none,
    gapless_per_year,
    order_number,
    rate_suffix,
    round_cents,
)


class Invariants(Bookkeeping):
    """Checked after every step."""

    @invariant()
    def stock_is_never_negative(self) -> None:
        for sku, view in self._snap().availability.items():
            for row in view.locations:
                assert 0 <= row.reserved <= row.on_hand, (sku, row)
                assert row.available == row.on_hand - row.reserved, (sku, row)
                assert row.on_hand == self.on_hand[sku, row.location], (sku, row)
            assert view.on_hand == sum(row.on_hand for row in view.locations), view
            assert view.reserved == sum(row.reserved for row in view.locations), view
            assert view.available == sum(row.available for row in view.locations), view
            assert view.available == view.on_hand - view.reserved >= 0, view
            listed = {row.location for row in view.locations}
            assert all(self.on_hand[sku, code] == 0 for code in CODES if code not in listed)

    @invariant()
    def reservations_and_backorders_belong_to_active_orders(self) -> None:
        snap = self._snap()
        reserved: Counter[tuple[str, str]] = Counter()
        backordered: Counter[str] = Counter()
        backorder_lines = set()
        for order in snap.orders.values():
            for line in order.lines:
                if order.status not in ACTIVE:
                    assert line.reserved == line.backordered == 0, (order.number, line)
                    assert not line.allocations, (order.number, line)
                    continue
                for code, quantity in line.allocations.items():
                    reserved[line.sku, code] += quantity
                backordered[line.sku] += line.backordered
                if line.backordered:
                    backorder_lines.add((order.id, line.line_no, line.sku, line.backordered))
        for sku, view in snap.availability.items():
            assert view.reserved == sum(q for (s, _), q in reserved.items() if s == sku), sku
            assert view.backordered == backordered[sku], sku
            for row in view.locations:
                assert row.reserved == reserved[sku, row.location], (sku, row)
        listed = [(b.order_id, b.line_no, b.sku, b.quantity) for b in snap.backorders]
        assert sorted(listed) == sorted(backorder_lines)

    @invariant()
    def order_lines_account_for_every_unit(self) -> None:
        for order in self._snap().orders.values():
            for line in order.lines:
                assert line.reserved == sum(line.allocations.values()), (order.number, line)
                assert all(q > 0 for q in line.allocations.values()), (order.number, line)
                assert min(line.backordered, line.shipped, line.cancelled) >= 0, line
                accounted = line.reserved + line.backordered + line.shipped + line.cancelled
                if order.status in ACTIVE:
                    assert line.quantity == accounted, (order.number, line)
                else:
                    assert line.quantity >= accounted, (order.number, line)
                assert line.shipped >= line.delivered >= line.returned >= 0, (order.number, line)
                invoiced = self._net_invoiced(order.id, line.line_no)
                assert 0 <= invoiced <= line.quantity - line.cancelled - line.returned, (
                    order.number,
                    line,
                    invoiced,
                )

    @invariant()
    def shipments_and_returns_account_for_the_lines(self) -> None:
        """Shipped units left in booked shipments, delivered ones arrived in delivered
        shipments, returned ones came back in received returns."""
        snap = self._snap()
        shipped: Counter[tuple[str, int]] = Counter()
        delivered: Counter[tuple[str, int]] = Counter()
        returned: Counter[tuple[str, int]] = Counter()
        for shipment in self.shipments.values():
            for line_no, _, units in shipment.lines:
                if shipment.status in LEFT:
                    shipped[shipment.order_id, line_no] += units
                if shipment.status == "delivered":
                    delivered[shipment.order_id, line_no] += units
        for request in self.returns.values():
            if request.status == "received":
                for line_no, _, units in request.lines:
                    returned[request.order_id, line_no] += units
        for order in snap.orders.values():
            for line in order.lines:
                key = (order.id, line.line_no)
                assert line.shipped == shipped[key], (order.number, line)
                assert line.delivered == delivered[key], (order.number, line)
                assert line.returned == returned[key], (order.number, line)
            listed = [(s.id, s.status) for s in snap.shipments[order.id]]
            mine = [(s.id, s.status) for s in self.shipments.values() if s.order_id == order.id]
            assert listed == mine, order.number
            for view in snap.shipments[order.id]:  # the costs recorded when it was made up
                costs = tuple(ln.unit_cost for ln in view.lines)
                assert costs == tuple(map(eur_or_none, self.shipments[view.id].costs)), view

    @invariant()
    def every_order_is_in_a_legal_state(self) -> None:
        snap = self._snap()
        assert set(snap.orders) == set(self.models)
        for order_id, order in snap.orders.items():
            model = self.models[order_id]
            invoices = snap.invoices[order_id]
            assert order.status in LEGAL_STATUSES, order.number
            assert order.status == model.status, order.number
            assert order.fulfillment_status == expected_fulfillment(order), order.number
            documents = [self.invoices[invoice_id] for invoice_id in model.invoices]
            assert order.payment_status == expected_payment_status(documents), order.number
            assert order.customer_id == self.customer_ids[model.owner], order.number
            if order.status == "on_hold":
                assert order.hold_reason, order.number
            if order.status == "completed":
                assert all(
                    line.delivered + line.cancelled == line.quantity for line in order.lines
                ), order.number
            if order.status == "cancelled":  # no reservation (above), no open receivable
                assert all(i.outstanding.amount == 0 for i in invoices), order.number
            # money held for an order is never more than what is left to invoice on it
            rest = document_total(self._to_invoice(order), model.skus)
            assert 0 <= model.prepaid <= rest, (order.number, model.prepaid, rest)
            if order.status == "open":
                assert not self._done(order, invoices), (
                    f"{order.number} is delivered, invoiced and settled but still open"
                )

    @invariant()
    def invoices_match_the_model(self) -> None:
        """Every invoice as issued, with the money the model expects; the money side always
        reads outstanding = total - credited - paid + refunded."""
        snap = self._snap()
        for order_id, invoices in snap.invoices.items():
            assert [i.id for i in invoices] == self.models[order_id].invoices
            for view in invoices:
                model = self.invoices[view.id]
                assert view.number == model.number
                assert {ln.order_line_no: ln.quantity for ln in view.lines} == model.units
                assert view.settlement == model.settlement
                assert view.due_date == model.due
                figures = (view.total, view.paid, view.credited, view.refunded, view.outstanding)
                expected = (model.total, model.paid, model.credited, model.refunded)
                assert figures == (*map(eur, expected), eur(model.outstanding)), view
                if model.credited and model.credited == model.total:
                    status = "credited"
                elif model.outstanding > 0:
                    status = "partially_paid" if model.paid else "open"
                else:
                    status = "paid"
                assert view.status == status, view

    @invariant()
    def document_numbers_are_unique_and_gapless(self) -> None:
        snap = self._snap()
        numbers = [i.number for invoices in snap.invoices.values() for i in invoices]
        assert sorted(numbers) == sorted(i.number for i in self.invoices.values())
        gapless_per_year(numbers, "INV")
        notes = [e.reference for e in snap.journal if e.description.startswith("Credit note ")]
        assert notes == self.credit_notes
        gapless_per_year(notes, "CN")

    @invariant()
    def the_ledger_balances(self) -> None:
        """Every entry balances, entries are never changed, debits equal credits in total."""
        snap = self._snap()
        for entry in snap.journal:
            currencies = {p.amount.currency for p in entry.postings}
            assert len(entry.postings) >= 2, entry
            assert currencies == {"EUR"}, entry
            assert all(p.amount.amount > 0 for p in entry.postings), entry
            debit = sum((p.amount.amount for p in entry.postings if p.side == "debit"), ZERO)
            credit = sum((p.amount.amount for p in entry.postings if p.side == "credit"), ZERO)
            assert debit == credit, entry
        assert snap.journal[: len(self.journal_seen)] == self.journal_seen
        self.journal_seen = list(snap.journal)
        balance = snap.trial_balance
        assert balance.balanced, balance
        assert set(balance.total_debit) <= {"EUR"}, balance
        debit = sum((line.debit for line in balance.lines), ZERO)
        credit = sum((line.credit for line in balance.lines), ZERO)
        assert balance.total_debit.get("EUR", ZERO) == debit == credit, balance
        for line in balance.lines:
            assert line.balance == line.debit - line.credit, line

    @invariant()
    def accounts_hold_what_the_documents_say(self) -> None:
        """Receivables are the invoices' outstanding amounts; prepayments what orders hold;
        cash and bank the money that moved; revenue and output tax per rate what was invoiced
        less what was credited; cost of goods sold what left and did not come back, at the
        cost it shipped at; inventory what came in at cost less that and what was written
        off (whatever the figure: receipts and shipments need not be at the same cost)."""
        snap = self._snap()
        balance = snap.trial_balance
        outstanding = sum(
            (i.outstanding.amount for invoices in snap.invoices.values() for i in invoices), ZERO
        )
        assert balance.balance(RECEIVABLES, "EUR") == outstanding
        # each shipment that left posted its value, one the carrier brought back reversed
        # it; customer returns took back the cost their units shipped at
        received = [r for r in self.returns.values() if r.status == "received"]
        cogs = sum((s.value for s in self.shipments.values() if s.status in LEFT), ZERO)
        cogs -= sum((r.cost for r in received), ZERO)
        written_off = sum((r.cost for r in received if not r.restocked), ZERO)
        expected: defaultdict[str, Decimal] = defaultdict(
            Decimal,
            {
                RECEIVABLES: sum((i.outstanding for i in self.invoices.values()), ZERO),
                PREPAYMENTS: -sum((m.prepaid for m in self.models.values()), ZERO),
                CASH: self.money[CASH],
                BANK: self.money[BANK],
                COGS: cogs,
                WRITE_OFF: written_off,
                INVENTORY: self.receipts_cost - cogs - written_off,
                GRNI: -self.receipts_cost,
            },
        )
        for invoice in self.invoices.values():
            for rate, net in invoice.net.items():
                expected[f"4000-{rate_suffix(rate)}"] -= net - invoice.credited_net.get(rate, 0)
                tax = invoice.tax[rate] - invoice.credited_tax.get(rate, 0)
                expected[f"2300-{rate_suffix(rate)}"] -= tax
        for line in balance.lines:
            assert line.account in expected, line
        for account, amount in expected.items():
            assert balance.balance(account, "EUR") == amount, (account, amount, balance)

    @invariant()
    def the_dunning_list_holds_what_is_overdue(self) -> None:
        today = self._today()
        expected = sorted(
            (-(today - i.due).days, i.number, i.outstanding)
            for i in self.invoices.values()
            if i.outstanding > 0 and i.due < today
        )
        listed = [
            (-r.days_overdue, r.invoice_number, r.outstanding.amount) for r in self._snap().overdue
        ]
        assert listed == expected

    @invariant()
    def order_totals_follow_the_tax_rules(self) -> None:
        """Catalog prices; line net rounded once; tax per rate on the sum of its nets."""
        for order in self._snap().orders.values():
            nets: dict[Decimal, Decimal] = {}
            for line in order.lines:
                unit_price, rate, _, _ = PRODUCTS[line.sku]
                assert line.unit_price == Money(unit_price, "EUR"), (order.number, line)
                assert line.tax_rate == Decimal(rate), (order.number, line)
                assert line.net == eur(round_cents(Decimal(unit_price) * line.quantity))
                nets[line.tax_rate] = nets.get(line.tax_rate, ZERO) + line.net.amount
            tax = sum((round_cents(net * rate) for rate, net in nets.items()), ZERO)
            net = sum(nets.values(), ZERO)
            assert order.net_total == eur(net), order.number
            assert order.tax_total == eur(tax), order.number
            assert order.total == eur(net + tax), order.number

    @invariant()
    def order_numbers_are_unique_and_gapless(self) -> None:
        orders = self._snap().orders
        numbers = sorted(order.number for order in orders.values())
        assert numbers == [order_number(n) for n in range(1, len(orders) + 1)]
        assert numbers == self.numbers
        if self.numbers:
            assert self.oms.get_order(number=self.numbers[-1]).number == self.numbers[-1]
        with pytest.raises(errors.NotFound):
            self.oms.get_order(number=order_number(len(self.numbers) + 1))

    @invariant()
    def idempotency_keys_name_their_first_order(self) -> None:
        orders = self._snap().orders
        keyed = {o.idempotency_key: o.id for o in orders.values() if o.idempotency_key}
        assert keyed == {key: order_id for key, (_, order_id) in self.keys.items()}

    @invariant()
    def customer_profiles_count_their_orders(self) -> None:
        snap = self._snap()
        for handle, profile in snap.profiles.items():
            mine = [o for o in snap.orders.values() if self.models[o.id].owner == handle]
            assert profile.order_count == len(mine), handle
            assert profile.cancelled_count == sum(o.status == "cancelled" for o in mine), handle
            assert sum(profile.channels.values()) == len(mine), handle
            volume = sum((o.total.amount for o in mine if o.status != "cancelled"), ZERO)
            assert profile.order_volume.get("EUR", eur(ZERO)) == eur(volume), handle
            # what is owed plus what is on order and not invoiced, less prepayments
            owed = sum(
                (
                    i.outstanding
                    for i in self.invoices.values()
                    if i.outstanding > 0 and self.models[i.order_id].owner == handle
                ),
                ZERO,
            )
            documents = 1
            for order in mine:
                if order.status in ACTIVE:
                    model = self.models[order.id]
                    units = self._to_invoice(order)
                    owed += max(document_total(units, model.skus) - model.prepaid, ZERO)
                    documents += len(model.invoices)
            shown = profile.open_amount.get("EUR", eur(ZERO)).amount
            # tax rounded per document rather than once per order may differ by cents
            assert abs(shown - owed) <= CENT * documents, (handle, shown, owed)

    @invariant()
    def at_most_one_open_requisition_per_sku_and_location(self) -> None:
        requisitions = self._snap().requisitions
        places = [(r.sku, r.location) for r in requisitions]
        assert len(places) == len(set(places)), places
        assert all(r.status == "open" and r.quantity > 0 for r in requisitions)

    @invariant()
    def backorders_wait_only_while_sold_out(self) -> None:
        """A sku with open backorders has no free unit anywhere: whatever brings or frees a
        unit (a receipt, a found unit, a move, a cancellation, a restocked return) serves the
        backorders, and units a count takes from an order are reserved again where some are
        free."""
        for view in self._snap().availability.values():
            if view.backordered:
                assert view.available == 0, view
