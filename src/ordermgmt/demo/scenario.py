"""The scenario: its steps in order, and how a run starts and ends."""

from __future__ import annotations

import inspect
import logging
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.engine import make_url

from ordermgmt import errors
from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier, Vehicle
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications, SequentialIdGenerator
from ordermgmt.demo.closing import final_statuses, stock_purchasing_customers, the_trial_balance
from ordermgmt.demo.payments import (
    dunning,
    invoice_the_edi_order,
    payment_on_account,
    payment_releases_the_hold,
)
from ordermgmt.demo.returns import a_return, an_exchange
from ordermgmt.demo.run import WIDTH, DemoRun, Output
from ordermgmt.demo.selling import (
    big_edi_order,
    cancel_a_paid_order,
    counter_sale,
    credit_hold,
    edi_message_repeated,
    phone_order,
    web_order,
)
from ordermgmt.demo.setting_up import register_customers, set_up_catalog, stock_the_warehouses
from ordermgmt.demo.shipping import (
    deliveries,
    parcel_delivered,
    parcel_to_the_web_customer,
    ship_the_edi_order,
    supplier_delivery,
)
from ordermgmt.facade import OrderManagement
from ordermgmt.ports import CarrierPort

log = logging.getLogger(__name__)

#: Business time at which the demo starts: a Monday morning.
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    """One named step of the scenario."""

    title: str
    run: Callable[[DemoRun], None]

    def explanation(self) -> list[str]:
        """The step function's docstring, wrapped to the demo's width."""
        doc = inspect.getdoc(self.run) or ""
        return textwrap.wrap(" ".join(doc.split()), WIDTH - 2)


#: The scenario, in order.
STEPS: tuple[Step, ...] = (
    Step("Catalog", set_up_catalog),
    Step("Warehouses and opening stock", stock_the_warehouses),
    Step("Customers", register_customers),
    Step("Web shop order, paid by card: a cash sale", web_order),
    Step("Counter sale in the showroom, cash", counter_sale),
    Step("Phone order on account, invoiced", phone_order),
    Step("A big EDI order: split, backorder, purchase requisitions", big_edi_order),
    Step("The same EDI message arrives twice", edi_message_repeated),
    Step("The web order goes by parcel service", parcel_to_the_web_customer),
    Step("A payment on account", payment_on_account),
    Step("The parcel is delivered", parcel_delivered),
    Step("Supplier delivery serves the backorder", supplier_delivery),
    Step("A paid order is cancelled", cancel_a_paid_order),
    Step("Invoicing the EDI order", invoice_the_edi_order),
    Step("Credit limit: an order on hold", credit_hold),
    Step("Shipping with the own fleet and the parcel service", ship_the_edi_order),
    Step("A payment releases the credit hold", payment_releases_the_hold),
    Step("Proof of delivery", deliveries),
    Step("A return: restock, credit note, refund", a_return),
    Step("An exchange", an_exchange),
    Step("Dunning list and receivables aging", dunning),
    Step("Stock, purchasing and customers", stock_purchasing_customers),
    Step("The trial balance", the_trial_balance),
    Step("Every order's final status", final_statuses),
)


def demo_carriers(clock: FixedClock) -> tuple[InMemoryCarrier, OwnFleetCarrier, InMemoryCarrier]:
    """The parcel service, the own fleet (one 1,000 kg van, Monday to Friday), and the
    showroom counter, where goods are handed over in person (free, same day)."""
    parcel = InMemoryCarrier(clock)
    fleet = OwnFleetCarrier(clock, [Vehicle("VAN-1", Decimal(1000))])
    counter = InMemoryCarrier(
        clock, name="counter", base=Decimal(0), per_kg=Decimal(0), transit_days=0
    )
    return parcel, fleet, counter


def run_demo(
    out: Output,
    *,
    url: str | None = None,
    show_events: bool = True,
    steps: Sequence[Step] = STEPS,
) -> DemoRun:
    """Run the scenario, writing its story line by line to ``out``.

    In memory when ``url`` is None; otherwise on the database at ``url``, whose schema is
    created or upgraded first and which must hold no data yet (``Conflict`` otherwise).
    Returns the :class:`DemoRun`, so callers (and tests) can look at the OMS afterwards.
    """
    run = _start(out, url, show_events)
    out(f"ordermgmt demo: one week of order-to-cash, {'' if url is None else 'on '}{run.where}")
    out(f"business time starts {START:%a %Y-%m-%d %H:%M} UTC; lines marked > are live events")
    for number, step in enumerate(steps, start=1):
        log.debug("demo step %d: %s", number, step.title)
        run.heading(number, step.title)
        for line in step.explanation():
            run.say(line)
        step.run(run)
    undelivered = run.oms.publish_pending_events()
    out("")
    out(
        f"done: {len(run.orders)} orders, {len(run.events)} events published; "
        f"the outbox relay found {undelivered} undelivered"
    )
    return run


def _start(out: Output, url: str | None, show_events: bool) -> DemoRun:
    """A new :class:`DemoRun` subscribed to an OMS with the demo's clock, ids, carriers and
    notifications: in memory, or on the database at ``url``, which must be empty."""
    clock = FixedClock(START)
    parcel, fleet, counter = demo_carriers(clock)
    notifications = InMemoryNotifications()
    oms, where = _open(url, clock, [parcel, fleet, counter], notifications)
    run = DemoRun(oms, clock, out, parcel, fleet, notifications, where, show_events)
    if oms.products() or oms.trial_balance().lines:
        run.close()
        raise errors.Conflict(
            f"the database {where} already holds data; the demo needs an empty one", url=where
        )
    oms.subscribe(run.on_event)
    return run


def _open(
    url: str | None,
    clock: FixedClock,
    carriers: list[CarrierPort],
    notifications: InMemoryNotifications,
) -> tuple[OrderManagement, str]:
    """The OMS and where its data is (``"in memory"`` or the URL without its password)."""
    ids = SequentialIdGenerator("demo")
    if url is None:
        oms = OrderManagement.in_memory(
            clock=clock, ids=ids, carriers=carriers, notifications=notifications
        )
        return oms, "in memory"
    oms = OrderManagement.from_url(
        url,
        migrate=True,
        clock=clock,
        ids=ids,
        carriers=carriers,  # the simulated parcel service and fleets, by explicit objects
        notifications=notifications,  # recording: the story shows the invoices it sent
        simulate=["purchasing"],  # a recording purchasing department
    )
    return oms, make_url(url).render_as_string(hide_password=True)
