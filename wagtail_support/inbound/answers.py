"""The app's automatic answers to inbound e-mail, through the outbox, at most one of a kind per sender and
period: the dedupe key holds the sender and the period, so a storm of mail gets one answer even when
the cache is down. Never sent to automatic mail (see ``loops``).
"""

from django.utils import timezone

from wagtail_support.conf import support_settings
from wagtail_support.inbound.parsing import bare_subject
from wagtail_support.links import first_support_page
from wagtail_support.notifications.links import page_url
from wagtail_support.notifications.outbox import notify

UNKNOWN_SENDER = "inbound_unknown_sender"
NOT_CUSTOMER = "inbound_not_customer"
CHOOSE_PRODUCT = "inbound_choose_product"
TICKET_CLOSED = "inbound_ticket_closed"
ATTACHMENTS_REFUSED = "inbound_attachments_refused"
#: Kinds that are automatic answers: their e-mails carry ``Auto-Submitted: auto-replied`` (RFC 3834).
AUTOMATIC_KINDS = (UNKNOWN_SENDER, NOT_CUSTOMER, CHOOSE_PRODUCT, TICKET_CLOSED, ATTACHMENTS_REFUSED)


def _period():
    hours = max(1, int(support_settings.INBOUND_ANSWER_INTERVAL_HOURS))
    return int(timezone.now().timestamp() // (hours * 3600))


def _links(site=None):
    page = first_support_page(site) or first_support_page()
    if page is None:
        return {"support_url": "", "new_ticket_url": ""}
    return {
        "support_url": page_url(page),
        "new_ticket_url": page_url(page, page.reverse_subpage("new_route")),
    }


def answer(kind, recipient, subject="", site=None, **context):
    """Queue the answer ``kind`` to ``recipient`` unless one went out in this period; returns the row."""
    context = {"subject": bare_subject(subject), **_links(site), **context}
    return notify(kind, recipient, context, dedupe_key=f"inbound:{kind}:{recipient.lower()}:{_period()}")


def attachments_refused(ticket, refused, inbound_id):
    """Tell the customer which files of their e-mail were not added, and why (once per e-mail)."""
    from wagtail_support.tickets.notifications import customer_ticket_url

    return notify(
        ATTACHMENTS_REFUSED,
        ticket.customer.email,
        {
            "reference": ticket.reference,
            "title": ticket.title,
            "ticket_url": customer_ticket_url(ticket),
            "refused": [{"name": name, "reason": reason} for name, reason in refused],
        },
        dedupe_key=f"inbound:{ATTACHMENTS_REFUSED}:{inbound_id}",
    )
