"""Reports on the ledger: the trial balance and the journal."""

from __future__ import annotations

from decimal import Decimal

from ordermgmt.domain.money import round_amount
from ordermgmt.messages import (
    GetTrialBalance,
    JournalEntryView,
    ListJournal,
    PostingView,
    TrialBalanceLine,
    TrialBalanceView,
)
from ordermgmt.ports import Dependencies


def trial_balance(deps: Dependencies, query: GetTrialBalance) -> TrialBalanceView:
    chart = deps.settings.chart
    with deps.uow() as uow:
        balances = uow.ledger.balances()
    lines = []
    debit_totals: dict[str, Decimal] = {}
    credit_totals: dict[str, Decimal] = {}
    for (code, currency), (debit, credit) in sorted(balances.items()):
        account = chart.describe(code)
        lines.append(
            TrialBalanceLine(
                account=code,
                name=account.name,
                type=account.type,
                currency=currency,
                debit=round_amount(debit, currency),
                credit=round_amount(credit, currency),
                balance=round_amount(debit - credit, currency),
            )
        )
        debit_totals[currency] = round_amount(
            debit_totals.get(currency, Decimal(0)) + debit, currency
        )
        credit_totals[currency] = round_amount(
            credit_totals.get(currency, Decimal(0)) + credit, currency
        )
    return TrialBalanceView(
        lines=tuple(lines), total_debit=debit_totals, total_credit=credit_totals
    )


def list_journal(deps: Dependencies, query: ListJournal) -> list[JournalEntryView]:
    with deps.uow() as uow:
        return [
            JournalEntryView(
                id=e.id,
                posted_at=e.posted_at,
                description=e.description,
                reference=e.reference,
                postings=tuple(
                    PostingView(account=p.account, side=p.side, amount=p.amount) for p in e.postings
                ),
            )
            for e in uow.ledger.entries(query.reference)
        ]
