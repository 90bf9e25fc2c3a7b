"""The general ledger (Hauptbuch) in double entry.

Every :class:`JournalEntry` balances: its debits equal its credits, in one currency. Entries are
never edited; a mistake is corrected by a reversing entry. An account's balance is the sum of its
postings. Which account a business event hits is decided by the :class:`ChartOfAccounts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from ordermgmt.domain.base import Aggregate, require_text
from ordermgmt.domain.errors import CurrencyMismatch, ValidationError
from ordermgmt.domain.events import JournalEntryPosted
from ordermgmt.domain.money import Money
from ordermgmt.domain.vat import VatCategory


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenses grow on the debit side; the others on the credit side."""
        return self in (AccountType.ASSET, AccountType.EXPENSE)


@dataclass(frozen=True, slots=True)
class Account:
    code: str
    name: str
    type: AccountType


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a journal entry: ``amount`` (> 0) on one side of one account."""

    account: str
    side: Side
    amount: Money

    def __post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise ValidationError("posting.amount", self.amount, "must be greater than zero")
        if self.amount != self.amount.rounded():
            raise ValidationError(
                "posting.amount", self.amount, "must be rounded to the minor unit"
            )


@dataclass(kw_only=True)
class JournalEntry(Aggregate):
    """A balanced set of postings (Buchungssatz) about one business event."""

    id: str
    posted_at: datetime
    description: str
    postings: tuple[Posting, ...]
    reference: str = ""
    reverses: str = ""

    def __post_init__(self) -> None:
        self.description = require_text(self.description, "description")
        if len(self.postings) < 2:
            raise ValidationError("postings", len(self.postings), "an entry needs two postings")
        currency = self.postings[0].amount.currency
        debit = credit = Decimal(0)
        for posting in self.postings:
            if posting.amount.currency != currency:
                raise CurrencyMismatch(currency, posting.amount.currency, "postings")
            if posting.side is Side.DEBIT:
                debit += posting.amount.amount
            else:
                credit += posting.amount.amount
        if debit != credit:
            raise ValidationError(
                "postings", f"debit {debit} / credit {credit}", "debits must equal credits"
            )

    @classmethod
    def post(
        cls,
        *,
        id: str,
        at: datetime,
        description: str,
        postings: tuple[Posting, ...],
        reference: str,
    ) -> JournalEntry:
        """A new entry, posted ``at``: records ``JournalEntryPosted`` (with the description
        as given)."""
        entry = cls(
            id=id, posted_at=at, description=description, postings=postings, reference=reference
        )
        entry.record(
            JournalEntryPosted(
                occurred_at=at,
                entry_id=id,
                description=description,
                reference=reference,
                amount=entry.amount,
            )
        )
        return entry

    @property
    def currency(self) -> str:
        return self.postings[0].amount.currency

    @property
    def amount(self) -> Money:
        """The entry's size: the sum of its debits (= the sum of its credits)."""
        return Money(
            sum((p.amount.amount for p in self.postings if p.side is Side.DEBIT), Decimal(0)),
            self.currency,
        )


class EntryBuilder:
    """Collects debits and credits, merging lines per account and side, dropping zeros."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self._lines: dict[tuple[str, Side], Decimal] = {}

    def debit(self, account: str, amount: Money) -> EntryBuilder:
        return self._add(account, Side.DEBIT, amount)

    def credit(self, account: str, amount: Money) -> EntryBuilder:
        return self._add(account, Side.CREDIT, amount)

    def _add(self, account: str, side: Side, amount: Money) -> EntryBuilder:
        if amount.currency != self.currency:
            raise CurrencyMismatch(self.currency, amount.currency)
        if amount.is_negative:  # a negative debit is a credit, and the other way round
            side = Side.CREDIT if side is Side.DEBIT else Side.DEBIT
            amount = -amount
        key = (account, side)
        self._lines[key] = self._lines.get(key, Decimal(0)) + amount.amount
        return self

    def postings(self) -> tuple[Posting, ...]:
        return tuple(
            Posting(account, side, Money(amount, self.currency))
            for (account, side), amount in self._lines.items()
            if amount != 0
        )

    @property
    def empty(self) -> bool:
        return not self.postings()


def rate_suffix(rate: Decimal) -> str:
    """``Decimal("0.19")`` -> ``"19"``, ``Decimal("0.055")`` -> ``"5.5"``."""
    percent = (rate * 100).normalize()
    return f"{percent:f}"


def tax_suffix(rate: Decimal, category: VatCategory) -> str:
    """The account suffix of a category and rate: the rate alone for standard-rated and
    zero-rated (``19``, ``0``), the category before it for the rest (``K-0``)."""
    if category in (VatCategory.STANDARD, VatCategory.ZERO_RATED):
        return rate_suffix(rate)
    return f"{category.value}-{rate_suffix(rate)}"


@dataclass(frozen=True)
class ChartOfAccounts:
    """Which account each business event posts to. Codes are configurable; the default is a
    small, conventional chart. Revenue and output tax are kept per VAT category and rate
    (``4000-19`` and ``2300-19`` for standard-rated 19 %, ``4000-0`` for zero-rated,
    ``4000-K-0`` for intra-community supplies), created on first use. Document-level charges
    (freight, handling) and allowances (discounts on the whole order) have accounts of their
    own; their tax goes to the output tax of their category and rate."""

    cash: str = "1000"
    bank: str = "1200"
    receivables: str = "1400"
    inventory: str = "1500"
    customer_prepayments: str = "2100"
    goods_received_not_invoiced: str = "2200"
    output_tax_prefix: str = "2300"
    revenue_prefix: str = "4000"
    cost_of_goods_sold: str = "5000"
    inventory_write_off: str = "5900"
    charges_invoiced: str = "4600"
    allowances_granted: str = "4700"
    names: dict[str, str] = field(default_factory=dict)

    def output_tax(self, rate: Decimal, category: VatCategory = VatCategory.STANDARD) -> str:
        return f"{self.output_tax_prefix}-{tax_suffix(rate, category)}"

    def revenue(self, rate: Decimal, category: VatCategory = VatCategory.STANDARD) -> str:
        return f"{self.revenue_prefix}-{tax_suffix(rate, category)}"

    def cash_account(self, method: str) -> str:
        """Cash for cash payments; the bank for every other method."""
        return self.cash if method == "cash" else self.bank

    def fixed_accounts(self) -> list[Account]:
        named = [
            (self.cash, "Cash", AccountType.ASSET),
            (self.bank, "Bank", AccountType.ASSET),
            (self.receivables, "Trade receivables", AccountType.ASSET),
            (self.inventory, "Inventory", AccountType.ASSET),
            (self.customer_prepayments, "Customer prepayments", AccountType.LIABILITY),
            (
                self.goods_received_not_invoiced,
                "Goods received not invoiced",
                AccountType.LIABILITY,
            ),
            (self.cost_of_goods_sold, "Cost of goods sold", AccountType.EXPENSE),
            (self.charges_invoiced, "Charges invoiced", AccountType.REVENUE),
            (self.allowances_granted, "Allowances granted", AccountType.REVENUE),
            (self.inventory_write_off, "Inventory write-off", AccountType.EXPENSE),
        ]
        return [Account(code, self.names.get(code, name), kind) for code, name, kind in named]

    def describe(self, code: str) -> Account:
        """The account behind ``code``, including the per-rate revenue and tax accounts."""
        for account in self.fixed_accounts():
            if account.code == code:
                return account
        for prefix, name, kind in (
            (self.revenue_prefix, "Revenue", AccountType.REVENUE),
            (self.output_tax_prefix, "Output tax", AccountType.LIABILITY),
        ):
            if code.startswith(prefix + "-"):
                suffix = code[len(prefix) + 1 :].replace("-", " ")
                return Account(code, self.names.get(code, f"{name} {suffix} %"), kind)
        raise ValidationError("account", code, "is not an account of the chart")
