"""The general ledger: balanced journal entries, the entry builder and the chart of accounts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.money import eur

from ordermgmt import Money
from ordermgmt.domain.ledger import (
    Account,
    AccountType,
    ChartOfAccounts,
    EntryBuilder,
    JournalEntry,
    Posting,
    Side,
    rate_suffix,
)
from ordermgmt.domain.money import minor_unit
from ordermgmt.errors import CurrencyMismatch, ValidationError

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def entry(*postings: Posting, description: str = "Invoice INV-2026-000001") -> JournalEntry:
    return JournalEntry(id="je-1", posted_at=AT, description=description, postings=postings)


def debit(account: str, amount: Money) -> Posting:
    return Posting(account, Side.DEBIT, amount)


def credit(account: str, amount: Money) -> Posting:
    return Posting(account, Side.CREDIT, amount)


# -- postings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0", "0.00", "-1.00", "-0.01"])
def test_a_posting_needs_a_positive_amount(amount: str) -> None:
    with pytest.raises(ValidationError) as raised:
        debit("1400", eur(amount))

    assert raised.value.field == "posting.amount"
    assert raised.value.reason == "must be greater than zero"


@pytest.mark.parametrize(
    ("amount", "currency"), [("1.005", "EUR"), ("10.5", "JPY"), ("1.0005", "KWD")]
)
def test_a_posting_must_be_rounded_to_the_minor_unit(amount: str, currency: str) -> None:
    with pytest.raises(ValidationError, match="minor unit"):
        credit("4000-19", Money(amount, currency))


@pytest.mark.parametrize(
    ("amount", "currency"), [("1.01", "EUR"), ("105", "JPY"), ("1.005", "KWD")]
)
def test_a_rounded_positive_posting_is_accepted(amount: str, currency: str) -> None:
    posting = credit("4000-19", Money(amount, currency))

    assert posting.side is Side.CREDIT
    assert posting.amount == Money(amount, currency)


# -- journal entries ---------------------------------------------------------------------------


def test_a_balanced_entry_is_accepted_and_its_amount_is_the_sum_of_its_debits() -> None:
    journal_entry = entry(
        debit("1400", eur("177.31")),
        credit("4000-19", eur("149.00")),
        credit("2300-19", eur("28.31")),
    )

    assert journal_entry.currency == "EUR"
    assert journal_entry.amount == eur("177.31")
    assert [p.account for p in journal_entry.postings] == ["1400", "4000-19", "2300-19"]


def test_an_unbalanced_entry_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        entry(debit("1400", eur("177.31")), credit("4000-19", eur("177.30")))

    assert raised.value.field == "postings"
    assert raised.value.reason == "debits must equal credits"
    assert "177.31" in str(raised.value.value)


def test_an_entry_off_by_one_minor_unit_in_jpy_is_refused() -> None:
    with pytest.raises(ValidationError, match="debits must equal credits"):
        entry(debit("1200", Money("1000", "JPY")), credit("1400", Money("999", "JPY")))


def test_an_entry_mixing_currencies_is_refused_even_when_the_numbers_balance() -> None:
    with pytest.raises(CurrencyMismatch) as raised:
        entry(debit("1200", eur("10.00")), credit("1400", Money("10.00", "USD")))

    assert raised.value.value == "USD"


def test_an_entry_needs_at_least_two_postings() -> None:
    with pytest.raises(ValidationError, match="two postings"):
        entry(debit("1200", eur("10.00")))
    with pytest.raises(ValidationError, match="two postings"):
        entry()


def test_an_entry_needs_a_description() -> None:
    with pytest.raises(ValidationError) as raised:
        entry(debit("1200", eur("1.00")), credit("1400", eur("1.00")), description="  ")

    assert raised.value.field == "description"


def test_an_entry_may_have_several_postings_on_each_side() -> None:
    journal_entry = entry(
        debit("2100", eur("50.00")),
        debit("1400", eur("127.31")),
        credit("4000-19", eur("100.00")),
        credit("4000-7", eur("49.00")),
        credit("2300-19", eur("19.00")),
        credit("2300-7", eur("9.31")),
    )

    assert journal_entry.amount == eur("177.31")


# -- the entry builder -------------------------------------------------------------------------


def test_the_builder_merges_lines_per_account_and_side() -> None:
    builder = (
        EntryBuilder("EUR")
        .debit("1400", eur("100.00"))
        .debit("1400", eur("19.00"))
        .credit("4000-19", eur("100.00"))
        .credit("2300-19", eur("19.00"))
    )

    postings = builder.postings()

    assert debit("1400", eur("119.00")) in postings
    assert len(postings) == 3
    assert not builder.empty


def test_the_builder_turns_a_negative_debit_into_a_credit_and_back() -> None:
    builder = EntryBuilder("EUR").debit("4000-19", eur("-100.00")).credit("1400", eur("-100.00"))

    assert set(builder.postings()) == {
        credit("4000-19", eur("100.00")),
        debit("1400", eur("100.00")),
    }


def test_the_builder_drops_zero_amounts_and_an_all_zero_builder_is_empty() -> None:
    builder = EntryBuilder("EUR").debit("2100", eur("0.00")).credit("4000-0", eur("0"))

    assert builder.postings() == ()
    assert builder.empty


def test_the_builder_keeps_opposite_sides_of_one_account_apart() -> None:
    builder = EntryBuilder("EUR").debit("1400", eur("10.00")).credit("1400", eur("4.00"))

    assert set(builder.postings()) == {debit("1400", eur("10.00")), credit("1400", eur("4.00"))}


def test_the_builder_refuses_another_currency() -> None:
    builder = EntryBuilder("EUR")

    with pytest.raises(CurrencyMismatch):
        builder.debit("1200", Money("10", "JPY"))
    assert builder.empty


def test_a_built_entry_with_an_unbalanced_line_is_refused_by_the_journal_entry() -> None:
    builder = EntryBuilder("EUR").debit("1400", eur("119.00")).credit("4000-19", eur("100.00"))

    with pytest.raises(ValidationError, match="debits must equal credits"):
        entry(*builder.postings())


# -- the chart of accounts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "suffix"),
    [
        ("0.19", "19"),
        ("0.190", "19"),
        ("0.07", "7"),
        ("0.055", "5.5"),
        ("0.2", "20"),
        ("0", "0"),
        ("0.00", "0"),
        ("0.0825", "8.25"),
    ],
)
def test_rate_suffixes_are_percentages_without_trailing_zeros(rate: str, suffix: str) -> None:
    assert rate_suffix(Decimal(rate)) == suffix


def test_the_default_chart_keeps_revenue_and_output_tax_per_rate() -> None:
    chart = ChartOfAccounts()

    assert chart.revenue(Decimal("0.19")) == "4000-19"
    assert chart.output_tax(Decimal("0.19")) == "2300-19"
    assert chart.revenue(Decimal("0.07")) == "4000-7"
    assert chart.output_tax(Decimal("0.07")) == "2300-7"
    assert chart.revenue(Decimal("0")) == "4000-0"
    assert chart.describe("4000-19") == Account("4000-19", "Revenue 19 %", AccountType.REVENUE)
    assert chart.describe("2300-7") == Account("2300-7", "Output tax 7 %", AccountType.LIABILITY)


def test_the_default_chart_names_the_fixed_accounts() -> None:
    chart = ChartOfAccounts()

    described = {code: chart.describe(code) for code in ("1000", "1200", "1400", "1500")}
    assert {code: (a.name, a.type) for code, a in described.items()} == {
        "1000": ("Cash", AccountType.ASSET),
        "1200": ("Bank", AccountType.ASSET),
        "1400": ("Trade receivables", AccountType.ASSET),
        "1500": ("Inventory", AccountType.ASSET),
    }
    assert chart.describe("2100").type is AccountType.LIABILITY
    assert chart.describe("2200").type is AccountType.LIABILITY
    assert chart.describe("5000").type is AccountType.EXPENSE
    assert chart.describe("5900").type is AccountType.EXPENSE


def test_cash_payments_go_to_cash_and_every_other_method_to_the_bank() -> None:
    chart = ChartOfAccounts()

    assert chart.cash_account("cash") == "1000"
    for method in ("bank_transfer", "card", "direct_debit", "paypal"):
        assert chart.cash_account(method) == "1200"


def test_an_unknown_account_code_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        ChartOfAccounts().describe("9999")

    assert raised.value.field == "account"
    assert raised.value.value == "9999"


def test_a_configured_chart_uses_its_own_codes_and_names() -> None:
    chart = ChartOfAccounts(
        receivables="10000",
        revenue_prefix="8400",
        output_tax_prefix="1776",
        names={"10000": "Forderungen aus Lieferungen und Leistungen", "8400-19": "Erlöse 19 %"},
    )

    assert chart.revenue(Decimal("0.19")) == "8400-19"
    assert chart.output_tax(Decimal("0.19")) == "1776-19"
    assert chart.describe("10000").name == "Forderungen aus Lieferungen und Leistungen"
    assert chart.describe("8400-19").name == "Erlöse 19 %"
    assert chart.describe("1776-19").name == "Output tax 19 %"
    with pytest.raises(ValidationError):
        chart.describe("1400")


def test_only_assets_and_expenses_are_debit_normal() -> None:
    assert {t for t in AccountType if t.debit_normal} == {AccountType.ASSET, AccountType.EXPENSE}


# -- property: whatever is built from balanced amounts balances --------------------------------

ACCOUNTS = ("1000", "1200", "1400", "2100", "2300-19", "4000-19", "4000-7", "5000")


@st.composite
def balanced_lines(draw: st.DrawFn) -> tuple[str, list[tuple[str, bool, Decimal]]]:
    """Signed amounts on random accounts and sides whose debits minus credits sum to zero."""
    currency = draw(st.sampled_from(["EUR", "JPY", "KWD"]))
    places = minor_unit(currency)
    amount = st.integers(min_value=-(10**9), max_value=10**9).map(
        lambda units: Decimal(units).scaleb(-places)
    )
    lines = draw(
        st.lists(
            st.tuples(st.sampled_from(ACCOUNTS), st.booleans(), amount), min_size=1, max_size=12
        )
    )
    signed = sum((a if is_debit else -a for _, is_debit, a in lines), Decimal(0))
    closing_account = draw(st.sampled_from(ACCOUNTS))
    lines.append((closing_account, False, signed))  # a credit of what the debits exceed
    return currency, lines


@settings(max_examples=200, deadline=None, derandomize=True)
@given(balanced_lines())
def test_any_entry_built_from_balanced_amounts_balances(
    drawn: tuple[str, list[tuple[str, bool, Decimal]]],
) -> None:
    currency, lines = drawn
    builder = EntryBuilder(currency)
    for account, is_debit, amount in lines:
        if is_debit:
            builder.debit(account, Money(amount, currency))
        else:
            builder.credit(account, Money(amount, currency))

    postings = builder.postings()

    debits = sum((p.amount.amount for p in postings if p.side is Side.DEBIT), Decimal(0))
    credits = sum((p.amount.amount for p in postings if p.side is Side.CREDIT), Decimal(0))
    assert debits == credits
    assert all(p.amount.amount > 0 and p.amount.currency == currency for p in postings)
    assert len({(p.account, p.side) for p in postings}) == len(postings)
    # every account's net movement is what was asked for
    for account in ACCOUNTS:
        wanted = sum((a if d else -a for acc, d, a in lines if acc == account), Decimal(0))
        got = sum(
            (
                p.amount.amount if p.side is Side.DEBIT else -p.amount.amount
                for p in postings
                if p.account == account
            ),
            Decimal(0),
        )
        assert got == wanted
    if len(postings) >= 2:
        journal_entry = entry(*postings)
        assert journal_entry.amount == Money(debits, currency)
    else:
        assert not postings  # one posting alone could never balance
