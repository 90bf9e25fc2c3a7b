"""A small, realistic order-to-cash week, told step by step.

An office-furniture wholesaler with two warehouses sells chairs, desks, a handbook and coffee
to four customers on four channels. Over one week orders are captured and reserved, a big EDI
order runs out of chairs and waits for the supplier, invoices go out, money comes in (cash
sales at the checkout and at the counter, business customers on account), one order waits on a
credit hold until its customer pays, goods leave with the company's own van and with a parcel
service, a customer returns a book, a damaged chair is exchanged and a paid order is cancelled.
It ends with the trial balance and every order's three statuses.

The scenario writes lines to an ``out`` callable instead of printing, so it runs the same in a
terminal (``python -m ordermgmt demo``) and in a test. It runs on any storage: in memory, or on
a database URL (``sqlite:///...``, ``postgresql+psycopg://...``), which must be empty. Business
time comes from a :class:`FixedClock` and ids from a :class:`SequentialIdGenerator`, so every
run prints exactly the same text, whatever the storage.

The steps (``setting_up``, ``selling``, ``shipping``, ``payments``, ``returns``, ``closing``)
call the public API and hand what it returns to the printing (``report``, ``tables``,
``events``); ``scenario`` puts them in order and runs them.
"""

from ordermgmt.demo.events import describe_event
from ordermgmt.demo.run import DemoRun, Output
from ordermgmt.demo.scenario import START, STEPS, Step, demo_carriers, run_demo

__all__ = [
    "START",
    "STEPS",
    "DemoRun",
    "Output",
    "Step",
    "demo_carriers",
    "describe_event",
    "run_demo",
]
