"""The notification port: documents and notices sent to customers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message: an invoice as PDF, Factur-X or e-invoice XML."""

    filename: str
    content: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """Something to send to a customer through the :class:`NotificationPort`: an invoice, a
    delivery notice. (Not a command or query: those derive from
    :class:`ordermgmt.messages.Message`.)"""

    #: An e-mail address, or ``customer:<id>`` for a customer without one.
    recipient: str
    subject: str
    #: Plain text.
    body: str
    attachment_name: str = ""
    #: The attachment's text content (``""``: none).
    attachment: str = ""
    #: The document it is about (an invoice number); a resend carries the same reference.
    reference: str = ""
    #: Files to send with it (the invoice document in the customer's format).
    attachments: tuple[Attachment, ...] = ()


class NotificationPort(Protocol):
    """E-mail, EDI, a customer portal: where documents go out."""

    def send(self, message: OutgoingMessage) -> None:
        """Send ``message``; raises ``NotificationError`` on failure. Called after commit;
        may be called again for the same ``reference`` after a failure."""
        ...
