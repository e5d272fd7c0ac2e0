"""The headers that make a ticket's e-mails one thread in every mail client, and route answers back.

Each ticket has two threads: the customer's and the team's. Each thread has a root Message-ID,
``<SUP-1042.customer.<digest>@host>`` / ``<SUP-1042.team.<digest>@host>`` (the digest is of the ticket's
id and creation time, so a reference reused by another install or after a reset starts a new thread).
Every e-mail of a thread has a Message-ID of its own and names the root in ``References`` (and in
``In-Reply-To``, or the customer's last e-mail when they wrote by e-mail). Mail clients that thread by
these headers (Thunderbird, Apple Mail, mutt: the "jwz" algorithm) and those that also need the same
subject (Gmail, Outlook) see one conversation: the subject of every ticket e-mail is
``[SUP-1042] <title>`` (``email/ticket_subject.txt``).

When ``INBOUND_ENABLED``, the customer's e-mails carry ``Reply-To: <signed reply address>`` so that
their answer joins the ticket. The team answers in the admin: its e-mails keep the usual sender.
"""

import hashlib
from urllib.parse import urlsplit

from django.core.mail.utils import DNS_NAME

from wagtail_support.conf import support_settings
from wagtail_support.inbound import answers
from wagtail_support.inbound.addresses import reply_address
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.inbound.threading import record_sent
from wagtail_support.notifications.links import base_url, is_local_hostname
from wagtail_support.notifications.outbox import on_sending
from wagtail_support.notifications.render import message_id, register_automatic, register_headers
from wagtail_support.tickets.models import Ticket, pk_from_reference

CUSTOMER = "customer"
TEAM = "team"
#: What an inbound e-mail became when it is the customer's own message on the ticket.
ON_TICKET = (InboundStatus.ATTACHED, InboundStatus.OPENED_TICKET)


def ticket_of(notification):
    """The ticket an outbox row is about (every ticket e-mail's context names its reference), or None."""
    pk = pk_from_reference((notification.context or {}).get("reference"))
    return Ticket.objects.select_related("customer").filter(pk=pk).first() if pk else None


def audience(ticket, notification):
    """``"customer"`` for e-mails to the ticket's customer, ``"team"`` for the others."""
    customer_email = (ticket.customer.email or "").strip().lower()
    return CUSTOMER if notification.recipient.strip().lower() == customer_email else TEAM


def domain_of(ticket):
    """The host name of the ticket's site (Message-IDs are ``<...@host>``), else this machine's name."""
    hostname = urlsplit(base_url(ticket.site_id)).hostname
    return DNS_NAME if is_local_hostname(hostname) else hostname


def thread_root(ticket, who, domain=None):
    """The root Message-ID of the ticket's thread for ``who`` ("customer" or "team")."""
    created = ticket.created_at.isoformat() if ticket.created_at else ""
    digest = hashlib.sha256(f"{ticket.pk}:{created}".encode()).hexdigest()[:12]
    return f"<{ticket.reference}.{who}.{digest}@{domain or domain_of(ticket)}>"


def last_customer_message_id(ticket):
    """The Message-ID of the customer's last e-mail that became a message on the ticket, or None."""
    return (
        InboundMessage.objects.filter(ticket=ticket, status__in=ON_TICKET)
        .order_by("-received_at", "-pk")
        .values_list("message_id", flat=True)
        .first()
    )


def thread_headers(notification):
    """Message-ID, In-Reply-To, References (and Reply-To) of a ticket e-mail; {} for the others."""
    ticket = ticket_of(notification)
    if ticket is None:
        return {}
    who = audience(ticket, notification)
    domain = domain_of(ticket)
    root = thread_root(ticket, who, domain)
    references = [root]
    if who == CUSTOMER and (last := last_customer_message_id(ticket)):
        references.append(last)
    headers = {
        "Message-ID": message_id(notification.dedupe_key, domain),
        "In-Reply-To": references[-1],
        "References": " ".join(references),
    }
    if who == CUSTOMER and support_settings.INBOUND_ENABLED:
        headers["Reply-To"] = reply_address(ticket)
    return headers


def connect():
    """Wire this module into the outbox (called once, from the app's ``ready()``)."""
    register_headers(thread_headers)
    # Every e-mail's Message-ID is kept just before it leaves: a reply or a bounce then finds its row.
    on_sending(record_sent)
    register_automatic(*answers.AUTOMATIC_KINDS, reply=True)
