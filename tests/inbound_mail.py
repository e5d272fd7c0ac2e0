"""Inbound e-mail in the tests: a customer with a ticket the team answered, and real RFC 822 messages.

The fixtures in ``tests/fixtures/mail/`` are messages as Gmail, Outlook and Apple Mail (and mail servers)
write them; ``{{REFERENCE}}``, ``{{CUSTOMER}}``, ``{{REPLY_TO}}`` and ``{{IN_REPLY_TO}}`` are filled in
with the ticket's own values.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core import mail

from wagtail_support.inbound.addresses import reply_address
from wagtail_support.inbound.threading import record_sent
from wagtail_support.models import SupportSettings
from wagtail_support.notifications.models import Notification
from wagtail_support.purchases.payload import PurchaseData, PurchaseLine
from wagtail_support.purchases.services import record_purchase
from wagtail_support.tickets import services
from wagtail_support.tickets.models import Ticket

FIXTURES = Path(__file__).parent / "fixtures" / "mail"
INBOUND = {
    "INBOUND_ENABLED": True,
    "INBOUND_DOMAIN": "support.example.com",
    "EMAIL_SUBJECT_PREFIX": "[Test] ",
}
SENT_MESSAGE_ID = "<ticket-reply-1@support.example.com>"


@dataclass
class Conversation:
    customer: object
    entitlement: object
    ticket: Ticket
    agent: object
    notification: Notification  # the team's e-mail to the customer, which the customer answers
    mark: int = 0  # the last outbox row before the customer answers

    def new_notifications(self):
        """Outbox rows written since the conversation was set up, as (kind, recipient)."""
        rows = Notification.objects.filter(pk__gt=self.mark).order_by("pk")
        return [(row.kind, row.recipient) for row in rows]

    def fill(self, name, **values):
        """The fixture ``name`` as bytes, with this conversation's values."""
        values = {
            "REFERENCE": self.ticket.reference,
            "CUSTOMER": self.customer.email,
            "REPLY_TO": reply_address(self.ticket),
            "IN_REPLY_TO": SENT_MESSAGE_ID,
            **values,
        }
        text = (FIXTURES / name).read_text()
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return text.encode()

    def refresh(self):
        self.ticket.refresh_from_db()
        return self.ticket


def start_conversation(default_site, product_refs=("AURORA",), email="ann@example.com"):
    """A customer's ticket, answered by an agent; the answer's Message-ID recorded as sent."""
    from tests.factories import SupportedProductFactory, UserFactory

    SupportSettings.objects.update_or_create(
        site=default_site, defaults={"team_emails": "team@example.com\nlead@example.com"}
    )
    for ref in product_refs:
        SupportedProductFactory(name=f"Product {ref}", references=[ref])
    purchase = record_purchase(
        PurchaseData(
            source="shop",
            external_id=f"order-{email}",
            email=email,
            lines=tuple(PurchaseLine(ref) for ref in product_refs),
        )
    )
    customer = purchase.customer
    entitlement = purchase.entitlements.order_by("pk").first()
    ticket = services.open_ticket(customer, entitlement, "The menu disappears on mobile", "Menu gone")
    agent = UserFactory(username="agent", is_staff=True)
    staff_reply = services.reply(ticket, agent, "Please clear the site cache and try again.")
    notification = Notification.objects.get(dedupe_key=f"message:{staff_reply.pk}:customer")
    record_sent(notification, SENT_MESSAGE_ID)
    ticket.refresh_from_db()
    mail.outbox.clear()
    mark = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    return Conversation(customer, entitlement, ticket, agent, notification, mark)


def customer_messages(ticket):
    return list(ticket.messages.filter(from_staff=False).order_by("pk"))
