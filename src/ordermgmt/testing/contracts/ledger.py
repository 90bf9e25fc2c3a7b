"""The ledger contract."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ordermgmt.domain.ledger import JournalEntry, Posting, Side
from ordermgmt.ports import UnitOfWorkFactory
from ordermgmt.testing.contracts._base import _abandon, _Abandoned, _commit, _Contract
from ordermgmt.testing.contracts._data import _at, _entry, _eur


class LedgerContract(_Contract):
    """:class:`~ordermgmt.ports.LedgerRepository`: entries in posting order, balances per
    account and currency."""

    def test_ledger_is_empty_at_first(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            assert uow.ledger.entries() == []
            assert uow.ledger.balances() == {}

    def test_ledger_entries_come_back_in_posting_order(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        # Posted in another order than their dates: posting order is what counts.
        first = _entry("E-1", "INV-1", "119.00", at=_at(30))
        second = JournalEntry(
            id="E-2",
            posted_at=_at(10),
            description="Sale with tax",
            postings=(
                Posting("1200", Side.DEBIT, _eur("23.80")),
                Posting("4000-19", Side.CREDIT, _eur("20.00")),
                Posting("2300-19", Side.CREDIT, _eur("3.80")),
            ),
            reference="INV-2",
        )
        third = _entry("E-3", "INV-1", "19.00", debit="4000-19", credit="1400", at=_at(20))
        third.reverses = "E-1"
        _commit(uow_factory, lambda uow: uow.ledger.post(first))
        _commit(uow_factory, lambda uow: uow.ledger.post(second))
        with uow_factory() as uow:
            uow.ledger.post(third)
            assert uow.ledger.entries() == [first, second, third]
            uow.commit()
        with uow_factory() as uow:
            assert uow.ledger.entries() == [first, second, third]
            assert uow.ledger.entries("INV-1") == [first, third]
            assert uow.ledger.entries("INV-2") == [second]
            assert uow.ledger.entries("INV-404") == []

    def test_ledger_balances_sum_debits_and_credits_per_account_and_currency(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(
            uow_factory,
            lambda uow: uow.ledger.post(_entry("E-1", "INV-1", "119.00")),
            lambda uow: uow.ledger.post(_entry("E-2", "INV-2", "0.01")),
            lambda uow: uow.ledger.post(
                _entry("E-3", "PAY-1", "100.00", debit="1200", credit="1400")
            ),
        )
        _commit(
            uow_factory,
            lambda uow: uow.ledger.post(_entry("E-4", "INV-3", "1500", currency="JPY")),
            lambda uow: uow.ledger.post(_entry("E-5", "INV-4", "12.345", currency="KWD")),
        )
        zero = Decimal(0)
        with uow_factory() as uow:
            assert uow.ledger.balances() == {
                ("1400", "EUR"): (Decimal("119.01"), Decimal("100.00")),
                ("4000-19", "EUR"): (zero, Decimal("119.01")),
                ("1200", "EUR"): (Decimal("100.00"), zero),
                ("1400", "JPY"): (Decimal(1500), zero),
                ("4000-19", "JPY"): (zero, Decimal(1500)),
                ("1400", "KWD"): (Decimal("12.345"), zero),
                ("4000-19", "KWD"): (zero, Decimal("12.345")),
            }

    def test_ledger_entries_not_committed_leave_no_trace(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        _commit(uow_factory, lambda uow: uow.ledger.post(_entry("E-1", "INV-1", "10.00")))
        with uow_factory() as uow:
            uow.ledger.post(_entry("E-2", "INV-2", "20.00"))
        with pytest.raises(_Abandoned):
            _abandon(uow_factory, lambda uow: uow.ledger.post(_entry("E-3", "INV-3", "30.00")))
        with uow_factory() as uow:
            uow.ledger.post(_entry("E-4", "INV-4", "40.00"))
            uow.rollback()
            uow.commit()
        with uow_factory() as uow:
            assert [e.id for e in uow.ledger.entries()] == ["E-1"]
            assert uow.ledger.balances() == {
                ("1400", "EUR"): (Decimal("10.00"), Decimal(0)),
                ("4000-19", "EUR"): (Decimal(0), Decimal("10.00")),
            }
