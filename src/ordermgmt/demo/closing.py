"""Steps that close the week: stock, purchasing and customers; the trial balance; every
order's final statuses."""

from __future__ import annotations

from ordermgmt.demo.run import DemoRun
from ordermgmt.demo.setting_up import SKUS
from ordermgmt.demo.tables import (
    show_availability,
    show_backorders,
    show_final_statuses,
    show_profiles,
    show_requisitions,
    show_trial_balance,
)


def stock_purchasing_customers(run: DemoRun) -> None:
    """The stock after the week, what purchasing must buy, and each customer's profile."""
    show_availability(run, SKUS)
    run.say()
    show_backorders(run)
    show_requisitions(run)
    run.say()
    profiles = [run.oms.customer_profile(c.id) for c in run.customers.values()]
    show_profiles(run, profiles)


def the_trial_balance(run: DemoRun) -> None:
    """Every account the week touched, with its debits, credits and balance (debit minus
    credit). Every journal entry balanced, so the totals do too."""
    show_trial_balance(run, run.oms.trial_balance(), len(run.oms.journal()))


def final_statuses(run: DemoRun) -> None:
    """Every order's three statuses at the end of the week."""
    show_final_statuses(run, [run.refresh(key) for key in run.orders])
