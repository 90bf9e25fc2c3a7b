"""The demo tells the truth: run in-process and as ``python -m ordermgmt demo``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ordermgmt.cli import main
from ordermgmt.demo import STEPS, DemoRun, run_demo
from ordermgmt.domain.events import (
    BackorderCreated,
    BackorderServed,
    OrderCancelled,
    OrderPlaced,
    PurchaseRequisitionClosed,
    PurchaseRequisitionRaised,
    StockReceived,
)


@pytest.fixture(scope="module")
def demo() -> tuple[DemoRun, list[str]]:
    lines: list[str] = []
    run = run_demo(lines.append)
    return run, lines


def text_of(demo: tuple[DemoRun, list[str]]) -> str:
    return "\n".join(demo[1])


def section(lines: list[str], number: int) -> str:
    """The text of one numbered step, heading included."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
    end = next(
        (i for i, line in enumerate(lines) if line.startswith(f"{number + 1}. ")), len(lines)
    )
    return "\n".join(lines[start:end])


def test_every_step_is_shown_with_its_title(demo: tuple[DemoRun, list[str]]) -> None:
    _, lines = demo
    headings = [line for line in lines if line[:1].isdigit()]
    assert [h.split(" ", 1)[1].rstrip(" -") for h in headings] == [s.title for s in STEPS]


def test_orders_on_four_channels_with_tax_per_rate(demo: tuple[DemoRun, list[str]]) -> None:
    run, lines = demo
    assert {o.channel for o in run.orders.values()} == {"web", "store", "phone", "edi"}
    web = section(lines, 4)
    assert "SO-000001  Jana Schmidt, via web" in web
    assert "VAT 19 % of     249.00 EUR = 47.31 EUR" in web
    assert "VAT  7 % of      69.80 EUR = 4.89 EUR" in web
    assert "net 318.80 EUR + VAT 52.20 EUR = total 371.00 EUR" in web


def test_the_big_order_is_split_backordered_and_raises_requisitions(
    demo: tuple[DemoRun, list[str]],
) -> None:
    run, lines = demo
    edi = section(lines, 7)
    assert "SO-000004  Nordlicht Consulting GmbH, via edi, reference PO-2026-0117" in edi
    assert "reserved 15 BER + 6 LEJ, 9 backordered" in edi
    assert "fulfillment partially_reserved" in edi
    assert "SO-000004 Nordlicht Consulting GmbH: 9 x CHAIR-ERGO" in edi  # open backorders
    assert "BackorderCreated          SO-000004: 9 x CHAIR-ERGO waiting for stock" in edi
    assert "PurchaseRequisitionRaised buy 25 x CHAIR-ERGO for BER" in edi
    assert "buy  25 x CHAIR-ERGO  for BER  (reason: reorder_point; handed to purchasing)" in edi
    raised = [e for e in run.events if isinstance(e, PurchaseRequisitionRaised)]
    assert ("CHAIR-ERGO", "BER") in {(e.sku, e.location) for e in raised}
    assert any(isinstance(e, BackorderCreated) and e.quantity == 9 for e in run.events)


def test_the_repeated_edi_message_changes_nothing(demo: tuple[DemoRun, list[str]]) -> None:
    run, lines = demo
    assert "got SO-000004, the same order, not a second one" in section(lines, 8)
    placed = [e for e in run.events if isinstance(e, OrderPlaced)]
    assert [e.number for e in placed] == ["SO-000001", "SO-000002", "SO-000003", "SO-000004"]
    assert len(run.oms.customer_orders(run.customers["nordlicht"].id)) == 1


def test_the_supplier_delivery_serves_the_backorder(demo: tuple[DemoRun, list[str]]) -> None:
    run, lines = demo
    delivery = section(lines, 9)
    assert "25 x CHAIR-ERGO at BER from Stuhlwerk AG; 9 backordered units served" in delivery
    assert "BackorderServed           SO-000004: 9 x CHAIR-ERGO now reserved at BER" in delivery
    assert "reserved 24 BER + 6 LEJ" in delivery
    assert "fulfillment reserved" in delivery
    assert "open backorders: none" in delivery
    served = [e for e in run.events if isinstance(e, BackorderServed)]
    assert [(e.sku, e.location, e.quantity) for e in served] == [("CHAIR-ERGO", "BER", 9)]
    closed = [e for e in run.events if isinstance(e, PurchaseRequisitionClosed)]
    assert [(e.sku, e.location) for e in closed] == [("CHAIR-ERGO", "BER")]
    edi = run.oms.get_order(run.orders["edi"].id)
    assert (edi.reserved, edi.backordered, edi.fulfillment_status) == (46, 0, "reserved")


def test_the_cancellation_releases_stock(demo: tuple[DemoRun, list[str]]) -> None:
    run, lines = demo
    assert "SO-000003 is cancelled (ordered twice by mistake)" in section(lines, 10)
    phone = run.oms.get_order(run.orders["phone"].id)
    assert (phone.status, phone.reserved) == ("cancelled", 0)
    assert [e.number for e in run.events if isinstance(e, OrderCancelled)] == ["SO-000003"]
    desks = run.oms.availability("DESK-SIT")
    assert (desks.on_hand, desks.reserved, desks.available) == (11, 6, 5)


def test_the_summary_shows_profiles_and_stock(demo: tuple[DemoRun, list[str]]) -> None:
    run, lines = demo
    summary = section(lines, len(STEPS))
    assert "Bürobedarf Weber KG" in summary
    assert "1 order(s) (1 cancelled), volume 0.00 EUR, open 0.00 EUR; channels: phone 1" in summary
    assert "1 order(s), volume 13,468.19 EUR, open 13,468.19 EUR; channels: edi 1" in summary
    assert "open backorders: none" in summary
    assert run.oms.open_backorders() == []
    received = [e for e in run.events if isinstance(e, StockReceived)]
    assert len(received) == 9  # eight opening receipts and one supplier delivery
    assert lines[-1] == f"done: 4 orders, {len(run.events)} events published"


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


def test_the_cli_prints_the_demo(
    demo: tuple[DemoRun, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    assert capsys.readouterr().out == text_of(demo) + "\n"


def test_the_cli_without_a_command_shows_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    assert "usage: python -m ordermgmt" in capsys.readouterr().err


def test_python_dash_m_ordermgmt_demo(demo: tuple[DemoRun, list[str]]) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "ordermgmt", "demo"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == text_of(demo) + "\n"
    assert "9 backordered units served" in done.stdout
    assert "PurchaseRequisitionRaised" in done.stdout
