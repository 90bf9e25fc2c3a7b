"""The notification contract: what every :class:`~ordermgmt.ports.NotificationPort` adapter
promises."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from ordermgmt.errors import NotificationError
from ordermgmt.ports import NotificationPort, OutgoingMessage

#: What reached the recipients' side, one entry per message received.
Delivered = Sequence[OutgoingMessage]


def an_invoice_message(
    number: str = "INV-2026-000001", recipient: str = "ap@acme.example"
) -> OutgoingMessage:
    """An invoice by e-mail, with its text as attachment, about the invoice ``number``."""
    return OutgoingMessage(
        recipient=recipient,
        subject=f"Invoice {number}",
        body="Please find attached our invoice.\nKind regards",
        attachment_name=f"{number}.txt",
        attachment=f"Invoice {number}\nDesk  2 x 300.00 EUR\nTotal 714.00 EUR\n",
        reference=number,
    )


class NotificationContract:
    """:class:`~ordermgmt.ports.NotificationPort`: a sent message arrives whole (recipient,
    subject, body, attachment, reference), every message arrives, and a failure is a
    ``NotificationError`` after which sending the same message again delivers it once.

    Needs two fixtures: ``notifications``, your adapter, on a fresh mailbox or sandbox for every
    test; and ``delivered``, a callable returning the
    :class:`~ordermgmt.ports.OutgoingMessage` s that reached the recipients' side (read from a
    test mailbox, say), one per message received.
    An adapter that can simulate the mail server or portal being unreachable runs
    :class:`NotificationOutageContract` instead, which adds the tests of failure and retry.
    """

    @pytest.fixture
    def notifications(self) -> NotificationPort:
        """Override: the notification adapter under test, fresh for every test."""
        pytest.fail(
            f"{type(self).__name__} needs a `notifications` fixture: the NotificationPort "
            "adapter under test (see ordermgmt.testing.contracts.NotificationContract)"
        )

    @pytest.fixture
    def delivered(self) -> Callable[[], Delivered]:
        """Override: the messages that reached the recipients' side, one per message."""
        pytest.fail(
            f"{type(self).__name__} needs a `delivered` fixture: a callable returning the "
            "messages that reached the recipients' side"
        )

    def test_notifications_a_sent_message_arrives_whole(
        self, notifications: NotificationPort, delivered: Callable[[], Delivered]
    ) -> None:
        assert list(delivered()) == []
        message = an_invoice_message()
        notifications.send(message)
        assert list(delivered()) == [message]

    def test_notifications_a_message_without_attachment_arrives(
        self, notifications: NotificationPort, delivered: Callable[[], Delivered]
    ) -> None:
        notice = OutgoingMessage(
            recipient="ap@acme.example", subject="Shipped", body="SO-000001 left."
        )
        notifications.send(notice)
        assert list(delivered()) == [notice]

    def test_notifications_every_message_arrives(
        self, notifications: NotificationPort, delivered: Callable[[], Delivered]
    ) -> None:
        sent = [an_invoice_message(f"INV-2026-{n:06d}", f"buyer{n}@shop.example") for n in (1, 2)]
        for message in sent:
            notifications.send(message)
        assert sorted(delivered(), key=lambda m: m.reference) == sent

    def test_notifications_a_recipient_without_address_arrives_or_is_refused_cleanly(
        self, notifications: NotificationPort, delivered: Callable[[], Delivered]
    ) -> None:
        message = an_invoice_message(recipient="customer:C-1")  # no e-mail address on file
        try:
            notifications.send(message)
        except NotificationError:
            assert list(delivered()) == []
        else:
            assert list(delivered()) == [message]


class NotificationOutageContract(NotificationContract):
    """All of :class:`NotificationContract`, and failure and retry: for an adapter that can
    simulate an outage. Needs the fixture ``outage`` besides those of
    :class:`NotificationContract`."""

    @pytest.fixture
    def outage(self) -> Callable[[], None]:
        """Override: a callable that makes the adapter's next call fail as when
        the mail server cannot be reached."""
        pytest.fail(
            f"{type(self).__name__} needs an `outage` fixture (see "
            "ordermgmt.testing.contracts.NotificationOutageContract)"
        )

    def test_notifications_a_failure_is_a_notification_error_and_delivers_nothing(
        self,
        notifications: NotificationPort,
        delivered: Callable[[], Delivered],
        outage: Callable[[], None],
    ) -> None:
        outage()
        with pytest.raises(NotificationError):
            notifications.send(an_invoice_message())
        assert list(delivered()) == []

    def test_notifications_sending_again_after_a_failure_delivers_once(
        self,
        notifications: NotificationPort,
        delivered: Callable[[], Delivered],
        outage: Callable[[], None],
    ) -> None:
        message = an_invoice_message()
        outage()
        with pytest.raises(NotificationError):
            notifications.send(message)
        notifications.send(message)  # what resend_invoice does
        assert list(delivered()) == [message]
