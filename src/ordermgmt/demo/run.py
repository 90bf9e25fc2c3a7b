"""The state of one demo run and how it writes: the OMS, what the steps made, the events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ordermgmt import messages as m
from ordermgmt.adapters.carriers import InMemoryCarrier, OwnFleetCarrier
from ordermgmt.adapters.memory import FixedClock, InMemoryNotifications
from ordermgmt.demo.events import describe_event
from ordermgmt.domain import events as ev
from ordermgmt.domain.events import DomainEvent
from ordermgmt.facade import OrderManagement

#: Where the demo writes its text, one line per call (``print`` in the CLI, a list in tests).
Output = Callable[[str], None]

#: The width of the demo's text.
WIDTH = 78


@dataclass
class DemoRun:
    """The state of a demo run: the OMS, what the steps created, and every published event.

    Steps look up what earlier steps made by a short key (``customers["nordlicht"]``,
    ``orders["edi"]``); the views kept here are refreshed whenever a step reads them again.
    """

    oms: OrderManagement
    clock: FixedClock
    out: Output
    parcel: InMemoryCarrier
    fleet: OwnFleetCarrier
    notifications: InMemoryNotifications
    #: Where the data is: ``"in memory"`` or the database URL (without its password).
    where: str = "in memory"
    show_events: bool = True
    customers: dict[str, m.CustomerView] = field(default_factory=dict)
    orders: dict[str, m.OrderView] = field(default_factory=dict)
    invoices: dict[str, m.InvoiceView] = field(default_factory=dict)
    shipments: dict[str, m.ShipmentView] = field(default_factory=dict)
    events: list[DomainEvent] = field(default_factory=list)
    numbers: dict[str, str] = field(default_factory=dict)
    #: The reader went away (``demo | head``) while an event was being shown.
    output_closed: bool = False

    # -- writing ------------------------------------------------------------------------------

    def write(self, line: str) -> None:
        """Write one line; a reader that went away ends the run with ``BrokenPipeError``."""
        if self.output_closed:
            raise BrokenPipeError("the demo's output was closed")
        self.out(line)

    def say(self, text: str = "") -> None:
        """Write one line of narration."""
        self.write(f"  {text}".rstrip() if text else "")

    def heading(self, number: int, title: str) -> None:
        """Write a step's numbered heading."""
        self.write("")
        self.write(f"{number}. {title} ".ljust(WIDTH, "-"))

    def on_event(self, event: DomainEvent) -> None:
        """Subscriber: remember every event, and show it as it happens."""
        self.events.append(event)
        match event:
            case ev.OrderPlaced(order_id=key, number=number):
                self.numbers[key] = number
            case ev.InvoiceIssued(invoice_id=key, number=number):
                self.numbers[key] = number
            case ev.CreditNoteIssued(credit_note_id=key, number=number):
                self.numbers[key] = number
            case ev.ShipmentCreated(shipment_id=key, number=number):
                self.numbers[key] = number
            case ev.ReturnRequested(return_id=key, number=number):
                self.numbers[key] = number
        if self.show_events and not self.output_closed:
            try:
                self.out(f"      > {describe_event(event, self)}")
            except BrokenPipeError:
                # Raised here, the publisher would keep it as a failed delivery and log it as
                # an error; the next line of narration ends the run quietly instead.
                self.output_closed = True

    def close(self) -> None:
        """Release the database connections, if the run used a database."""
        self.oms.close()

    # -- looking things up --------------------------------------------------------------------

    def customer_name(self, customer_id: str) -> str:
        """The name of a customer registered by the demo (the id if unknown)."""
        for customer in self.customers.values():
            if customer.id == customer_id:
                return customer.name
        return customer_id

    def number(self, key: str) -> str:
        """The human number of an order, invoice, credit note, shipment or return (or the
        key itself if the demo has not seen it)."""
        return self.numbers.get(key, key)

    def refresh(self, key: str) -> m.OrderView:
        """Read an order again (its reservations change as stock moves)."""
        self.orders[key] = self.oms.get_order(self.orders[key].id)
        return self.orders[key]

    def later(self, **delta: float) -> None:
        """Let business time pass."""
        self.clock.advance(timedelta(**delta))

    def next_morning(self, days: int = 1, hour: int = 8) -> None:
        """Move business time to ``hour`` o'clock, ``days`` days later."""
        today = self.clock.now().date() + timedelta(days=days)
        self.clock.set(datetime(today.year, today.month, today.day, hour, tzinfo=UTC))
        self.say(f"(business time: {self.clock.now():%A %Y-%m-%d %H:%M})")
