"""The demo tells the truth: in memory, on a SQLite file, on PostgreSQL, and as
``python -m ordermgmt demo``."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from tests.databases import postgres_admin_url, postgres_database

from ordermgmt import Money, OrderManagement, errors
from ordermgmt.adapters.sqlalchemy import HEAD
from ordermgmt.cli import DEMO_FILE, main
from ordermgmt.demo import STEPS, DemoRun, run_demo
from ordermgmt.domain import events as ev

Demo = tuple[DemoRun, list[str]]


@pytest.fixture(scope="module")
def demo() -> Demo:
    lines: list[str] = []
    run = run_demo(lines.append)
    return run, lines


def text_of(demo: Demo) -> str:
    return "\n".join(demo[1])


def business(lines: list[str]) -> list[str]:
    """The story without its first line, which names the storage."""
    assert lines[0].startswith("ordermgmt demo: one week of order-to-cash, ")
    return lines[1:]


def section(lines: list[str], step: Callable[[DemoRun], None]) -> str:
    """The text of the step that runs ``step``, heading included."""
    number = next(i for i, s in enumerate(STEPS, start=1) if s.run is step)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
    end = next(
        (i for i, line in enumerate(lines) if line.startswith(f"{number + 1}. ")), len(lines)
    )
    return "\n".join(lines[start:end])


def step(name: str) -> Callable[[DemoRun], None]:
    return next(s.run for s in STEPS if s.run.__name__ == name)


def events_of(run: DemoRun, kind: type[ev.DomainEvent]) -> list[ev.DomainEvent]:
    return [e for e in run.events if isinstance(e, kind)]


# -- the story ----------------------------------------------------------------------------------


def test_every_step_is_shown_with_its_title(demo: Demo) -> None:
    _, lines = demo
    headings = [line for line in lines if line[:1].isdigit()]
    assert [h.split(" ", 1)[1].rstrip(" -") for h in headings] == [s.title for s in STEPS]
    assert lines[0] == "ordermgmt demo: one week of order-to-cash, in memory"


def test_the_card_customer_is_a_cash_sale_with_tax_per_rate(demo: Demo) -> None:
    run, lines = demo
    web = section(lines, step("web_order"))
    assert "SO-000001  Jana Schmidt, via web" in web
    assert "VAT 19 % of     249.00 EUR = 47.31 EUR" in web
    assert "VAT  7 % of      69.80 EUR = 4.89 EUR" in web
    assert "net 318.80 EUR + VAT 52.20 EUR = total 371.00 EUR" in web
    assert "card payment of 371.00 EUR: booked as a cash sale" in web
    assert "INV-2026-000001  Jana Schmidt, order SO-000001, cash sale" in web
    assert "sent to jana@example.org" in web
    assert "journal: Cash sale INV-2026-000001" in web
    assert "1200    Bank                               371.00 EUR" in web
    assert "1400" not in web  # no receivable in between
    [invoice] = run.oms.order_invoices(run.orders["web"].id)
    assert (invoice.settlement, invoice.total, invoice.paid) == (
        "cash_sale",
        invoice.total,
        invoice.total,
    )


def test_the_counter_sale_goes_into_the_till_and_is_handed_over(demo: Demo) -> None:
    _, lines = demo
    counter = section(lines, step("counter_sale"))
    assert "paid 91.27 EUR in cash: cash sale INV-2026-000002" in counter
    assert "1000    Cash                                91.27 EUR" in counter
    assert "SH-000001 from BER: delivered, handed over at the counter" in counter
    assert "status completed, fulfillment delivered, payment paid" in counter


def test_the_phone_order_is_invoiced_on_account_and_sent(demo: Demo) -> None:
    run, lines = demo
    phone = section(lines, step("phone_order"))
    assert "INV-2026-000003  Bürobedarf Weber KG, order SO-000003, receivable" in phone
    assert "issued 2026-03-02, due 2026-03-16" in phone  # 14 days' terms
    assert "VAT 19 % of   2,174.00 EUR = 413.06 EUR" in phone
    assert "sent to buchhaltung@weber-buero.example" in phone
    assert "1400    Trade receivables                2,587.06 EUR" in phone
    sent = [e for e in events_of(run, ev.InvoiceSent) if isinstance(e, ev.InvoiceSent)]
    assert [e.number for e in sent][:3] == ["INV-2026-000001", "INV-2026-000002", "INV-2026-000003"]


def test_the_big_order_is_split_backordered_and_raises_requisitions(demo: Demo) -> None:
    run, lines = demo
    edi = section(lines, step("big_edi_order"))
    assert "SO-000004  Nordlicht Consulting GmbH, via edi, reference PO-2026-0117" in edi
    assert "reserved 15 BER + 6 LEJ, 9 backordered" in edi
    assert "fulfillment partially_reserved" in edi
    assert "SO-000004 Nordlicht Consulting GmbH: 9 x CHAIR-ERGO" in edi  # open backorders
    assert "BackorderCreated          SO-000004: 9 x CHAIR-ERGO waiting for stock" in edi
    assert "PurchaseRequisitionRaised buy 25 x CHAIR-ERGO for BER" in edi
    assert "buy  25 x CHAIR-ERGO  for BER  (reason: reorder_point; handed to purchasing)" in edi
    assert any(isinstance(e, ev.BackorderCreated) and e.quantity == 9 for e in run.events)


def test_the_repeated_edi_message_changes_nothing(demo: Demo) -> None:
    run, lines = demo
    assert "got SO-000004, the same order, not a second one" in section(
        lines, step("edi_message_repeated")
    )
    placed = [e.number for e in events_of(run, ev.OrderPlaced) if isinstance(e, ev.OrderPlaced)]
    assert placed == [f"SO-00000{n}" for n in range(1, 7)]  # no second SO-000004


def test_the_parcel_is_booked_tracked_and_delivered(demo: Demo) -> None:
    _, lines = demo
    parcel = section(lines, step("parcel_to_the_web_customer"))
    assert "SH-000002  order SO-000001 from BER with parcel" in parcel
    assert "tracking PARCEL000001, expected Wed 2026-03-04" in parcel
    assert "| parcel label PARCEL000001" in parcel
    assert "5000    Cost of goods sold                 160.40 EUR" in parcel  # 132.00 + 2 x 14.20
    delivered = section(lines, step("parcel_delivered"))
    assert "Tue 14:00  delivered   left with neighbour" in delivered
    assert "OrderCompleted            SO-000001: delivered and paid" in delivered


def test_a_payment_on_account_clears_the_receivable(demo: Demo) -> None:
    _, lines = demo
    paid = section(lines, step("payment_on_account"))
    assert "PaymentReceived           2,587.06 EUR by bank transfer for INV-2026-000003" in paid
    assert "journal: Payment for INV-2026-000003" in paid
    assert "1400    Trade receivables                                 2,587.06 EUR" in paid
    assert "status open, fulfillment reserved, payment paid" in paid


def test_the_supplier_delivery_serves_the_backorder(demo: Demo) -> None:
    run, lines = demo
    delivery = section(lines, step("supplier_delivery"))
    assert "25 x CHAIR-ERGO at BER from Stuhlwerk AG; 9 backordered units served" in delivery
    assert "BackorderServed           SO-000004: 9 x CHAIR-ERGO now reserved at BER" in delivery
    assert "reserved 24 BER + 6 LEJ" in delivery
    assert "open backorders: none" in delivery
    closed = events_of(run, ev.PurchaseRequisitionClosed)
    assert [(e.sku, e.location) for e in closed if isinstance(e, ev.PurchaseRequisitionClosed)] == [
        ("CHAIR-ERGO", "BER")
    ]


def test_cancelling_the_paid_order_credits_and_refunds_it(demo: Demo) -> None:
    run, lines = demo
    cancel = section(lines, step("cancel_a_paid_order"))
    assert "SO-000003 is cancelled (ordered twice by mistake)" in cancel
    assert (
        "INV-2026-000003: total 2,587.06 EUR, credited 2,587.06 EUR, refunded 2,587.06 EUR;"
        " credited"
    ) in cancel
    assert "journal: Credit note CN-2026-000001 for INV-2026-000003" in cancel
    assert "journal: Refund for INV-2026-000003" in cancel
    assert "status cancelled, fulfillment unreserved, payment refunded" in cancel
    phone = run.oms.get_order(run.orders["phone"].id)
    assert (phone.status, phone.reserved, phone.payment_status) == ("cancelled", 0, "refunded")


def test_the_invoice_message_carries_what_the_customer_needs(demo: Demo) -> None:
    _, lines = demo
    invoiced = section(lines, step("invoice_the_edi_order"))
    assert "to: einkauf@nordlicht.example   subject: Invoice INV-2026-000004" in invoiced
    assert "| Tax 19.00 % on 11,004.00 EUR: 2,090.76 EUR" in invoiced
    assert "| Tax 7.00 % on 349.00 EUR: 24.43 EUR" in invoiced
    assert "| Total 13,468.19 EUR" in invoiced
    assert "| Due 2026-04-03" in invoiced


def test_the_credit_hold_is_released_by_a_payment(demo: Demo) -> None:
    _, lines = demo
    held = section(lines, step("credit_hold"))
    assert "status on_hold, fulfillment reserved, payment not_invoiced" in held
    assert "held: credit limit: exposure 16,647.87 EUR exceeds 15,000.00 EUR" in held
    assert "shipping it is refused: invalid_state_transition (on_hold -> shipped)" in held
    released = section(lines, step("payment_releases_the_hold"))
    payment = released.index("PaymentReceived           13,468.19 EUR")
    assert released.index("OrderReleased             SO-000005 released for shipping") > payment
    assert "INV-2026-000005  Nordlicht Consulting GmbH, order SO-000005, receivable" in released
    assert "tracking FLEET-20260306-VAN-1-0002" in released  # the same van, the same day


def test_the_own_fleet_label_is_the_delivery_note_and_a_failed_booking_loses_nothing(
    demo: Demo,
) -> None:
    _, lines = demo
    shipped = section(lines, step("ship_the_edi_order"))
    for text in (
        "| Delivery note SO-000004/SH-000003",
        "| Vehicle VAN-1, Friday 2026-03-06",
        "| From BER to Chausseestraße 8, 10115 Berlin",
        "|   24 x CHAIR-ERGO",
        "| Weight 681.0 kg",
        "| Received in good order: ____________________",
    ):
        assert text in shipped
    assert "ShipmentBookingFailed     SH-000004: service unavailable (simulated)" in shipped
    assert "SH-000004 is pending; chairs at LEJ still reserved: 6" in shipped
    assert "111.0 kg in 6 parcel(s); booked" in shipped


def test_proof_of_delivery_completes_the_paid_order(demo: Demo) -> None:
    run, lines = demo
    delivered = section(lines, step("deliveries"))
    assert "(signed: K. Jansen, Nordlicht reception)" in delivered
    assert "OrderCompleted            SO-000004: delivered and paid" in delivered
    van = run.oms.order_shipments(run.orders["edi"].id)[0]
    assert (van.carrier, van.status, van.proof_of_delivery) == (
        "own-fleet",
        "delivered",
        "signed: K. Jansen, Nordlicht reception",
    )


def test_the_return_restocks_credits_and_refunds(demo: Demo) -> None:
    _, lines = demo
    returned = section(lines, step("a_return"))
    assert "RMA-000001 received: back in stock at BER, credit note CN-2026-000002" in returned
    assert "2300-7  Output tax 7 %                       2.44 EUR" in returned  # of 34.90
    assert "RefundPaid                37.34 EUR back to the customer of SO-000001 by card" in (
        returned
    )
    assert "2 shipped, 2 delivered, 1 returned" in returned


def test_the_exchange_writes_off_and_carries_the_credit_over(demo: Demo) -> None:
    run, lines = demo
    exchanged = section(lines, step("an_exchange"))
    assert "RMA-000002: 1 x CHAIR-ERGO back; replacement order SO-000006" in exchanged
    assert "journal: Returned goods written off RMA-000002" in exchanged
    assert "5900    Inventory write-off                132.00 EUR" in exchanged
    assert "INV-2026-000006  Nordlicht Consulting GmbH, order SO-000006, prepaid" in exchanged
    replacement = run.oms.get_order(run.orders["exchange"].id)
    assert (replacement.status, replacement.payment_status) == ("completed", "paid")


def test_the_dunning_list_shows_the_open_invoice(demo: Demo) -> None:
    _, lines = demo
    dunning = section(lines, step("dunning"))
    assert (
        "INV-2026-000005  Nordlicht Consulting GmbH   due 2026-04-04, 16 days overdue, 3,179.68 EUR"
    ) in dunning
    assert "1-30 3,179.68" in dunning


def test_the_trial_balance_shows_every_account_and_balances(demo: Demo) -> None:
    run, lines = demo
    shown = section(lines, step("the_trial_balance"))
    balance = run.oms.trial_balance()
    assert balance.balanced
    for line in balance.lines:
        assert f"\n  {line.account:<9}{line.name}" in shown
    accounts = {line.account for line in balance.lines}
    assert {"1000", "1200", "1400", "1500", "2100", "2200", "5000", "5900"} <= accounts
    assert {"2300-19", "2300-7", "4000-19", "4000-7"} <= accounts
    total = f"{balance.total_debit['EUR']:,.2f}"
    assert "total EUR" in shown
    assert shown.count(total) == 2  # debits = credits
    assert "debits = credits: yes" in shown
    # the receivables left are exactly the open invoice
    assert balance.balance("1400", "EUR") == Decimal("3179.68")


def test_the_last_step_shows_every_orders_three_statuses(demo: Demo) -> None:
    run, lines = demo
    final = section(lines, step("final_statuses"))
    for key in run.orders:
        order = run.oms.get_order(run.orders[key].id)
        row = next(line for line in final.splitlines() if line.startswith(f"  {order.number}"))
        assert row.split()[-3:] == [
            order.status,
            order.fulfillment_status,
            order.payment_status,
        ]
    assert "SO-000003  Bürobedarf Weber KG        phone   cancelled" in final
    assert "SO-000005  Nordlicht Consulting GmbH  email   open       delivered" in final
    assert lines[-1] == (
        f"done: 6 orders, {len(run.events)} events published; the outbox relay found 0 undelivered"
    )


def test_the_demo_is_deterministic_and_never_prints(capsys: pytest.CaptureFixture[str]) -> None:
    first: list[str] = []
    second: list[str] = []
    run_demo(first.append)
    run_demo(second.append)
    assert first == second
    assert capsys.readouterr().out == ""


def test_events_can_be_left_out() -> None:
    lines: list[str] = []
    run = run_demo(lines.append, show_events=False)
    assert run.events  # still recorded
    assert not [line for line in lines if line.lstrip().startswith("> ")]
    assert any("9 backordered units served" in line for line in lines)


# -- on a database ------------------------------------------------------------------------------


def test_on_sqlite_the_story_is_the_same_and_stays_in_the_file(demo: Demo, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    lines: list[str] = []
    run = run_demo(lines.append, url=url)
    run.close()
    assert lines[0] == f"ordermgmt demo: one week of order-to-cash, on {url}"
    assert business(lines) == business(demo[1])

    reopened = OrderManagement.from_url(url)  # the schema is current, the data is there
    edi = reopened.get_order(number="SO-000004")
    assert (edi.status, edi.fulfillment_status) == ("completed", "partially_returned")
    assert reopened.trial_balance() == demo[0].oms.trial_balance()


def test_the_demo_wants_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    run_demo(lambda line: None, url=url, show_events=False).close()
    with pytest.raises(errors.Conflict, match="already holds data"):
        run_demo(lambda line: None, url=url)


@pytest.mark.skipif(postgres_admin_url() is None, reason="needs ORDERMGMT_TEST_POSTGRES_URL")
def test_on_postgresql_the_story_is_the_same(demo: Demo) -> None:
    admin = postgres_admin_url()
    assert admin is not None
    with postgres_database(admin) as url:
        lines: list[str] = []
        run_demo(lines.append, url=url).close()
    assert business(lines) == business(demo[1])


# -- the command line ---------------------------------------------------------------------------


def python_m_ordermgmt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "ordermgmt", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_the_cli_runs_the_demo_in_memory(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--memory"]) == 0
    assert capsys.readouterr().out == text_of(demo) + "\n"


def test_the_cli_demo_writes_a_fresh_sqlite_file_each_run(
    demo: Demo,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # the second run replaces the first one's file
        assert main(["demo"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0] == f"ordermgmt demo: one week of order-to-cash, on sqlite:///{DEMO_FILE}"
        assert (
            lines[-1] == f'the data stays there: OrderManagement.from_url("sqlite:///{DEMO_FILE}")'
        )
        assert business(lines[:-1]) == business(demo[1])
    assert (tmp_path / DEMO_FILE).read_bytes().startswith(b"SQLite format 3\x00")
    stored = OrderManagement.from_url(f"sqlite:///{DEMO_FILE}")
    assert [o.number for o in stored.customer_orders(demo[0].customers["nordlicht"].id)] == [
        "SO-000004",
        "SO-000005",
        "SO-000006",
    ]


def test_the_cli_demo_does_not_replace_a_file_that_is_not_sqlite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / DEMO_FILE).write_text("my notes", encoding="utf-8")
    assert main(["demo"]) == 1
    assert "is not a SQLite database; not replacing it" in capsys.readouterr().err
    assert (tmp_path / DEMO_FILE).read_text(encoding="utf-8") == "my notes"


def test_the_cli_demo_refuses_a_database_with_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'used.db'}"
    run_demo(lambda line: None, url=url, show_events=False).close()
    assert main(["demo", "--url", url, "--no-events"]) == 1
    assert "already holds data; the demo needs an empty one" in capsys.readouterr().err


def test_memory_and_url_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--memory", "--url", "sqlite:///x.db"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_cli_without_a_command_shows_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    assert "usage: python -m ordermgmt" in capsys.readouterr().err


def test_the_demo_help_says_where_the_data_goes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"{DEMO_FILE} in the current directory" in help_text
    assert "deleted and created afresh on every run" in help_text


def test_python_dash_m_ordermgmt_demo(demo: Demo, tmp_path: Path) -> None:
    done = python_m_ordermgmt("demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert business(lines[:-1]) == business(demo[1])
    assert (tmp_path / DEMO_FILE).exists()
    assert "9 backordered units served" in done.stdout
    assert "debits = credits: yes" in done.stdout


# -- db upgrade and db check --------------------------------------------------------------------


def test_db_check_and_upgrade_on_a_new_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"

    missing = python_m_ordermgmt("db", "check", url, cwd=tmp_path)
    assert missing.returncode == 1
    assert "there is no database file" in missing.stderr
    assert f"python -m ordermgmt db upgrade {url}" in missing.stderr
    assert not (tmp_path / "shop.db").exists()  # checking created nothing

    upgraded = python_m_ordermgmt("db", "upgrade", url, cwd=tmp_path)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout == f"{url}: schema revision none -> {HEAD}\n"

    again = python_m_ordermgmt("db", "upgrade", url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{url}: schema revision {HEAD}, already current; nothing to do\n"

    checked = python_m_ordermgmt("db", "check", url, cwd=tmp_path)
    assert (checked.returncode, checked.stdout) == (0, f"{url}: schema revision {HEAD}, current\n")
    shop = OrderManagement.from_url(url)  # the upgraded database is ready for use
    shop.upsert_product(sku="PEN", name="Pen", unit_price=Money("1.00", "EUR"), tax_rate="0.19")
    assert [p.sku for p in shop.products()] == ["PEN"]


def test_db_check_explains_an_out_of_date_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('0000')")
    conn.close()
    url = f"sqlite:///{path}"
    checked = python_m_ordermgmt("db", "check", url, cwd=tmp_path)
    assert checked.returncode == 1
    assert checked.stdout == ""
    assert f"the database at {url} has schema revision 0000" in checked.stderr
    assert f"python -m ordermgmt db upgrade {url}" in checked.stderr
    with pytest.raises(errors.SchemaOutOfDate) as refused:
        OrderManagement.from_url(url)
    assert str(refused.value) in checked.stderr


def test_db_commands_reject_bad_urls(tmp_path: Path) -> None:
    for command in ("check", "upgrade"):
        wrong = python_m_ordermgmt("db", command, "mysql://shop@localhost/orders", cwd=tmp_path)
        assert wrong.returncode == 2
        assert "supported are sqlite:/// and postgresql+psycopg:// URLs" in wrong.stderr
        garbage = python_m_ordermgmt("db", command, "not a url", cwd=tmp_path)
        assert garbage.returncode == 2
        assert "is not a database URL" in garbage.stderr
    unreachable = python_m_ordermgmt(
        "db", "check", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}", cwd=tmp_path
    )
    assert unreachable.returncode == 1
    assert "no database file" in unreachable.stderr
    unopenable = python_m_ordermgmt(
        "db", "upgrade", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}", cwd=tmp_path
    )
    assert unopenable.returncode == 1
    assert "unable to open database file" in unopenable.stderr


def test_db_commands_hide_passwords(tmp_path: Path) -> None:
    done = python_m_ordermgmt(
        "db", "check", "postgresql+psycopg://shop:s3cret@127.0.0.1:9/orders", cwd=tmp_path
    )
    assert done.returncode == 1
    assert "s3cret" not in done.stderr
    assert "postgresql+psycopg://shop:***@127.0.0.1:9/orders" in done.stderr
    unsupported = python_m_ordermgmt("db", "upgrade", "mysql://shop:s3cret@db/orders", cwd=tmp_path)
    assert unsupported.returncode == 2
    assert "'mysql://shop:***@db/orders'" in unsupported.stderr
    assert "s3cret" not in unsupported.stderr
