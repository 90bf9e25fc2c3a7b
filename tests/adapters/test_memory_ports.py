"""The in-memory side adapters keep a bounded history, so a long-running OMS does not grow."""

from __future__ import annotations

import pytest

from ordermgmt.adapters.memory import InMemoryNotifications
from ordermgmt.errors import NotificationError
from ordermgmt.ports import OutgoingMessage


def _message(n: int) -> OutgoingMessage:
    return OutgoingMessage(
        recipient=f"customer:{n}",
        subject=f"Invoice {n}",
        body="",
        attachment_name=f"{n}.txt",
        attachment="",
        reference=str(n),
    )


def test_notifications_keep_the_last_messages_oldest_first() -> None:
    notifications = InMemoryNotifications(history=3)
    for n in range(5):
        notifications.send(_message(n))
    assert [m.reference for m in notifications.sent] == ["2", "3", "4"]


def test_a_failed_send_is_not_kept() -> None:
    notifications = InMemoryNotifications()
    notifications.fail_next()
    with pytest.raises(NotificationError):
        notifications.send(_message(1))
    notifications.send(_message(2))
    assert [m.reference for m in notifications.sent] == ["2"]
