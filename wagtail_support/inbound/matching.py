"""Which ticket an inbound e-mail belongs to, and whether its sender may write to it.

In order: a signed reply address among the recipients; else the e-mails it answers (``In-Reply-To``,
``References``) among those the app sent for a ticket; else a reference in the subject, and only when
the sender is on that ticket (a reference is easy to guess, the signature is not).

Who may write to a ticket by e-mail: its customer and the colleagues they added (``TicketColleague``).
"""

import re

from django.contrib.auth import get_user_model

from wagtail_support.conf import support_settings
from wagtail_support.inbound.addresses import parse_reply_address
from wagtail_support.inbound.threading import ticket_for_message_ids
from wagtail_support.purchases.models import Entitlement
from wagtail_support.tickets.models import Ticket, TicketColleague, pk_from_reference

MAX_MERGE_HOPS = 5


def subject_references(subject):
    prefix = re.escape(support_settings.TICKET_REFERENCE_PREFIX)
    return re.findall(rf"\[({prefix}-[0-9]+)\]", subject or "", re.IGNORECASE)


def is_customer(ticket, sender):
    return bool(sender) and (ticket.customer.email or "").strip().lower() == sender.strip().lower()


def author_on_ticket(ticket, sender):
    """The user ``sender`` writes as on ``ticket``: its customer, or an active colleague added to it with
    that address; None for anybody else."""
    if not sender:
        return None
    if is_customer(ticket, sender):
        return ticket.customer
    on_ticket = TicketColleague.objects.filter(ticket=ticket, user__is_active=True)
    colleague = on_ticket.filter(user__email__iexact=sender.strip()).select_related("user").first()
    return colleague.user if colleague else None


def _followed(ticket):
    """The ticket a merged ticket continues in."""
    for _ in range(MAX_MERGE_HOPS):
        if ticket is None or ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first() or ticket
    return ticket


def find_ticket(envelope):
    """``(ticket, how)``: how is "address", "thread" or "subject"; ``(None, "")`` when none matches."""
    for address in envelope.recipients:
        if (ticket := parse_reply_address(address)) is not None:
            return _followed(ticket), "address"
    if (ticket := ticket_for_message_ids(envelope.thread_ids)) is not None:
        return _followed(ticket), "thread"
    for reference in subject_references(envelope.subject):
        pk = pk_from_reference(reference)
        ticket = Ticket.objects.select_related("customer").filter(pk=pk).first() if pk else None
        if ticket is not None and author_on_ticket(ticket, envelope.sender) is not None:
            return _followed(ticket), "subject"
    return None, ""


def customer_for(sender):
    """The one active account with this e-mail address (case-insensitive), or None (none, or ambiguous)."""
    if not sender:
        return None
    users = list(get_user_model().objects.filter(email__iexact=sender, is_active=True)[:2])
    return users[0] if len(users) == 1 else None


def is_team_member(sender):
    """True when ``sender`` is the address of a staff account (an agent answering a team e-mail)."""
    model = get_user_model()
    return bool(sender) and model.objects.filter(email__iexact=sender, is_staff=True, is_active=True).exists()


def supported_entitlements(customer):
    """The customer's entitlements with active support, one per product (the one supported longest)."""
    chosen = {}
    for entitlement in Entitlement.objects.filter(customer=customer, active=True).select_related("product"):
        if entitlement.has_support():
            current = chosen.get(entitlement.product_id)
            if current is None or entitlement.support_until > current.support_until:
                chosen[entitlement.product_id] = entitlement
    return list(chosen.values())
