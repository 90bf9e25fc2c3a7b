"""Steps that move goods: a parcel to the web customer and its tracking, the supplier's
delivery that serves the backorder, the EDI order on the own van and by parcel (through a
failed booking), and delivery day."""

from __future__ import annotations

from ordermgmt import errors
from ordermgmt.demo.report import (
    show_booking_failed,
    show_journal,
    show_order,
    show_order_statuses,
    show_receipt,
    show_retried,
    show_run_sheet,
    show_shipment,
    show_statuses,
    show_tracking,
)
from ordermgmt.demo.run import DemoRun
from ordermgmt.demo.setting_up import UNIT_COST
from ordermgmt.demo.tables import show_availability, show_backorders, show_requisitions
from ordermgmt.domain.shipment import TrackingStatus


def parcel_to_the_web_customer(run: DemoRun) -> None:
    """The web order leaves Berlin with the parcel service. Booking the carrier moves the
    goods: on hand and reserved fall together, and cost of goods sold is posted at unit
    cost. The parcel service's scans come in as tracking events."""
    run.later(hours=2, minutes=30)
    order = run.orders["web"]
    shipment = run.oms.ship_order(order.id, carrier="parcel")
    run.shipments["web"] = shipment
    run.say()
    show_shipment(run, shipment, label=True)
    show_journal(run, shipment.number)
    run.later(hours=3)
    run.parcel.advance(shipment.tracking_number, TrackingStatus.PICKED_UP, "picked up in Berlin")
    run.oms.refresh_tracking(shipment.id)
    run.say()
    show_statuses(run, run.refresh("web"))


def parcel_delivered(run: DemoRun) -> None:
    """The parcel service reports the web order delivered. Delivered and paid: the order is
    completed."""
    run.later(hours=4)
    shipment = run.shipments["web"]
    run.parcel.advance(shipment.tracking_number, TrackingStatus.DELIVERED, "left with neighbour")
    tracked = run.oms.refresh_tracking(shipment.id)
    run.say()
    show_tracking(run, tracked)
    run.say()
    show_statuses(run, run.refresh("web"))


def supplier_delivery(run: DemoRun) -> None:
    """The chair supplier delivers to Berlin. The backorder is served at once (oldest order
    first) and Berlin's chair requisition is closed."""
    run.next_morning()
    run.later(hours=4, minutes=42)
    receipt = run.oms.receive_stock(
        sku="CHAIR-ERGO",
        location="BER",
        quantity=25,
        supplier="Stuhlwerk AG",
        reference="DN-7781",
        unit_cost=UNIT_COST["CHAIR-ERGO"],
    )
    run.say()
    show_receipt(run, receipt)
    run.say()
    show_order(run, run.refresh("edi"))
    run.say()
    show_availability(run, ["CHAIR-ERGO"])
    run.say()
    show_backorders(run)
    show_requisitions(run)


def ship_the_edi_order(run: DemoRun) -> None:
    """The consultancy's order leaves in two parts. From Berlin it goes on the company's own
    van, planned for the next delivery day with room for its weight; the label is the delivery
    note the driver carries. The six chairs in Leipzig go by parcel service, whose system is
    down at the first attempt: the shipment stays pending and the chairs stay reserved, so
    nothing is lost, and the retry books it."""
    run.next_morning()
    order = run.orders["edi"]
    van = run.oms.ship_order(order.id, carrier="own-fleet", location="BER")
    run.shipments["edi-van"] = van
    run.say()
    show_shipment(run, van, label=True)
    run.say()
    run.parcel.fail_next()
    try:
        run.oms.ship_order(order.id, carrier="parcel", location="LEJ", parcels=["18.5"] * 6)
    except errors.CarrierError as error:
        pending = run.oms.get_shipment(error.details["shipment_id"])
        chairs = run.oms.availability("CHAIR-ERGO").at("LEJ")
        show_booking_failed(run, error, pending, chairs.reserved)
        run.later(minutes=15)
        run.shipments["edi-parcels"] = run.oms.book_shipment(pending.id)
        show_retried(run, run.shipments["edi-parcels"])
    run.say()
    show_statuses(run, run.refresh("edi"))


def deliveries(run: DemoRun) -> None:
    """Delivery day. The van leaves with its run sheet, the driver brings back the signed
    delivery notes (proof of delivery), and the parcel service reports its six parcels
    delivered. The big order is now delivered and paid:
    completed. The second order is delivered, its invoice is open and not yet due."""
    run.next_morning(hour=7)
    today = run.clock.now().date()
    show_run_sheet(run, today, run.fleet.manifest("VAN-1", today))
    run.later(hours=3)
    for key in ("edi-van", "email"):
        shipment = run.shipments[key]
        run.oms.confirm_delivery(shipment.id, proof="signed: K. Jansen, Nordlicht reception")
        run.later(minutes=40)
    parcels = run.shipments["edi-parcels"]
    run.parcel.advance(parcels.tracking_number, TrackingStatus.DELIVERED, "6 parcels delivered")
    run.oms.refresh_tracking(parcels.id)
    run.say()
    for key in ("edi", "email"):
        show_order_statuses(run, run.refresh(key))
