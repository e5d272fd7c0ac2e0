"""Which ticket an e-mail answers: the Message-IDs the app's e-mails went out with, per ticket.

The outbound side calls ``record_sent(notification, message_id)`` when it sends a ticket e-mail; an
inbound reply's ``In-Reply-To`` / ``References`` are then looked up with ``ticket_for_message_ids``.
"""

from wagtail_support.notifications.models import Notification
from wagtail_support.tickets.models import Ticket, pk_from_reference


def normalise(message_id):
    """``<abc@host>`` as stored: stripped, angle brackets kept, the host part lowercased."""
    value = (message_id or "").strip()
    if not value:
        return ""
    value = value.strip("<>").strip()
    local, at, host = value.rpartition("@")
    return f"<{local}{at}{host.lower()}>" if at else f"<{value}>"


def record_sent(notification, message_id, ticket=None):
    """Remember the Message-ID ``notification`` was sent with, and its ticket.

    ``ticket`` defaults to the one named by the notification's ``reference`` context (every ticket
    e-mail has it); other e-mails keep no ticket.
    """
    if ticket is None and (pk := pk_from_reference(notification.context.get("reference"))):
        ticket = Ticket.objects.filter(pk=pk).only("pk").first()
    notification.message_id = normalise(message_id)
    notification.ticket = ticket
    Notification.objects.filter(pk=notification.pk).update(message_id=notification.message_id, ticket=ticket)


def notifications_for_message_ids(message_ids):
    """The outbox rows sent with any of ``message_ids``."""
    wanted = [normalise(value) for value in message_ids if value]
    return Notification.objects.filter(message_id__in=[value for value in wanted if value])


def ticket_for_message_ids(message_ids):
    """The ticket of our latest e-mail among ``message_ids`` (In-Reply-To, References), or None."""
    ticket_id = (
        notifications_for_message_ids(message_ids)
        .filter(ticket__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("ticket_id", flat=True)
        .first()
    )
    return Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
