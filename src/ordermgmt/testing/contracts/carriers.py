"""The carrier contract: what every :class:`~ordermgmt.ports.CarrierPort` adapter promises."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from ordermgmt.domain.customer import Address
from ordermgmt.domain.shipment import Parcel, ShipmentLine, ShipmentRequest
from ordermgmt.errors import CarrierError
from ordermgmt.ports import CarrierPort

#: A tracking number no carrier handed out.
UNKNOWN_TRACKING_NUMBER = "NO-SUCH-PARCEL-404"


def a_shipment_request(
    shipment_id: str = "S-1", number: str = "SH-000001", *, weight_kg: str = "5"
) -> ShipmentRequest:
    """A one-parcel shipment of two units from ``MAIN`` to an address in Berlin, in euros."""
    return ShipmentRequest(
        shipment_id=shipment_id,
        reference="SO-000001",
        ship_from="MAIN",
        ship_to=Address("Unter den Linden 1", "Berlin", "10117", "DE", name="Erika Mustermann"),
        parcels=(Parcel(Decimal(weight_kg)),),
        items=(ShipmentLine(order_line_no=1, sku="SKU-1", quantity=2),),
        currency="EUR",
        number=number,
    )


class CarrierContract:
    """:class:`~ordermgmt.ports.CarrierPort`: quotes cheapest first in the request's currency,
    bookings idempotent by shipment id with a tracking number of their own, tracking oldest
    first, cancelling a booking not yet picked up, and ``CarrierError`` for every refusal.

    Needs the fixture ``carrier``: your adapter, talking to a fresh account or sandbox for
    every test. An adapter that can simulate the carrier being unreachable runs
    :class:`CarrierOutageContract` instead, which adds the tests of failure and retry.
    """

    @pytest.fixture
    def carrier(self) -> CarrierPort:
        """Override: the carrier adapter under test, fresh for every test."""
        pytest.fail(
            f"{type(self).__name__} needs a `carrier` fixture: the CarrierPort adapter under "
            "test (see ordermgmt.testing.contracts.CarrierContract)"
        )

    def test_carrier_has_a_name(self, carrier: CarrierPort) -> None:
        assert isinstance(carrier.name, str)
        assert carrier.name.strip() == carrier.name != ""

    def test_carrier_quotes_cheapest_first_in_the_requests_currency(
        self, carrier: CarrierPort
    ) -> None:
        quotes = carrier.quote(a_shipment_request(number=""))
        prices = [quote.price.amount for quote in quotes]
        assert prices == sorted(prices)
        for quote in quotes:
            assert quote.carrier == carrier.name
            assert quote.price.currency == "EUR"
            assert quote.price.amount >= 0
            assert quote.transit_days >= 0

    def test_carrier_books_with_a_tracking_number_and_a_label(self, carrier: CarrierPort) -> None:
        booking = carrier.book(a_shipment_request())
        assert booking.tracking_number != ""
        assert booking.label != ""
        assert booking.price is None or booking.price.currency == "EUR"

    def test_carrier_booking_a_shipment_again_returns_the_first_booking(
        self, carrier: CarrierPort
    ) -> None:
        first = carrier.book(a_shipment_request("S-1", "SH-000001"))
        again = carrier.book(a_shipment_request("S-1", "SH-000001"))
        assert again == first

    def test_carrier_every_shipment_gets_its_own_tracking_number(
        self, carrier: CarrierPort
    ) -> None:
        numbers = {
            carrier.book(a_shipment_request(f"S-{n}", f"SH-{n:06d}")).tracking_number
            for n in range(1, 4)
        }
        assert len(numbers) == 3

    def test_carrier_tracks_a_booking_oldest_event_first(self, carrier: CarrierPort) -> None:
        booking = carrier.book(a_shipment_request())
        times = [event.at for event in carrier.track(booking.tracking_number)]
        assert times == sorted(times)

    def test_carrier_track_of_an_unknown_number_raises_carrier_error(
        self, carrier: CarrierPort
    ) -> None:
        with pytest.raises(CarrierError) as raised:
            carrier.track(UNKNOWN_TRACKING_NUMBER)
        assert raised.value.carrier == carrier.name

    def test_carrier_cancels_a_booking_not_yet_picked_up(self, carrier: CarrierPort) -> None:
        booking = carrier.book(a_shipment_request())
        carrier.cancel(booking.tracking_number)  # no error: nothing was picked up

    def test_carrier_cancel_of_an_unknown_number_raises_carrier_error(
        self, carrier: CarrierPort
    ) -> None:
        with pytest.raises(CarrierError) as raised:
            carrier.cancel(UNKNOWN_TRACKING_NUMBER)
        assert raised.value.carrier == carrier.name


class CarrierOutageContract(CarrierContract):
    """All of :class:`CarrierContract`, and failure and retry: for an adapter that can
    simulate an outage. Needs the fixture ``outage`` besides those of
    :class:`CarrierContract`."""

    @pytest.fixture
    def outage(self) -> Callable[[], None]:
        """Override: a callable that makes the adapter's next call fail as when
        the carrier cannot be reached."""
        pytest.fail(
            f"{type(self).__name__} needs an `outage` fixture (see "
            "ordermgmt.testing.contracts.CarrierOutageContract)"
        )

    def test_carrier_unreachable_raises_carrier_error_on_quote_and_book(
        self, carrier: CarrierPort, outage: Callable[[], None]
    ) -> None:
        outage()
        with pytest.raises(CarrierError):
            carrier.quote(a_shipment_request(number=""))
        outage()
        with pytest.raises(CarrierError) as raised:
            carrier.book(a_shipment_request())
        assert raised.value.carrier == carrier.name

    def test_carrier_a_failed_booking_books_nothing_and_can_be_retried(
        self, carrier: CarrierPort, outage: Callable[[], None]
    ) -> None:
        outage()
        with pytest.raises(CarrierError):
            carrier.book(a_shipment_request())
        booking = carrier.book(a_shipment_request())  # the retry of book_shipment
        assert carrier.book(a_shipment_request()) == booking
        assert isinstance(carrier.track(booking.tracking_number), list)

    def test_carrier_unreachable_raises_carrier_error_on_track_and_cancel(
        self, carrier: CarrierPort, outage: Callable[[], None]
    ) -> None:
        booking = carrier.book(a_shipment_request())
        outage()
        with pytest.raises(CarrierError):
            carrier.track(booking.tracking_number)
        outage()
        with pytest.raises(CarrierError):
            carrier.cancel(booking.tracking_number)
        carrier.cancel(booking.tracking_number)  # reachable again: the cancel goes through
