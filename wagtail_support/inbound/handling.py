"""What becomes of one stored inbound e-mail: the decisions of ``services.process``.

Every outcome is written in one transaction with the row's new status, after checking under a row lock
that no other run finished it first: a second run, or a run after a crash, changes nothing.
"""

import logging
from email.utils import parseaddr

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_support.conf import support_settings
from wagtail_support.inbound import answers, loops, matching, parsing
from wagtail_support.inbound.content import read_content
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.inbound.ratelimit import sender_over_rate
from wagtail_support.inbound.threading import notifications_for_message_ids
from wagtail_support.notifications.models import Notification
from wagtail_support.tickets import services as tickets
from wagtail_support.tickets.models import Message

logger = logging.getLogger(__name__)


def handle(row, raw):
    """Decide and record what ``row`` (claimed, "processing") becomes; returns its new status."""
    message, envelope = parsing.read(raw)
    if loops.is_delivery_report(message):
        return _bounce(row, message)
    if reason := loops.auto_reply_reason(message, own_addresses()):
        return finish(
            row, InboundStatus.IGNORED_AUTO_REPLY, f"Automatic reply ({reason}): not added, not answered."
        )
    if not envelope.sender:
        return finish(row, InboundStatus.HELD_FOR_STAFF, "The e-mail has no sender address.")
    if sender_over_rate(envelope.sender):
        return _wait(row, envelope.sender)
    ticket, how = matching.find_ticket(envelope)
    content = read_content(message)
    if ticket is None:
        return _new_message(row, envelope, content)
    author = matching.author_on_ticket(ticket, envelope.sender)
    if author is None and matching.is_team_member(envelope.sender):
        return finish(
            row,
            InboundStatus.HELD_FOR_STAFF,
            f"Sent to {ticket.reference} by a team member ({envelope.sender}): the team answers in the "
            "admin, so it was not added.",
            ticket=ticket,
        )
    if author is None:
        return finish(
            row,
            InboundStatus.HELD_FOR_STAFF,
            f"Sent to {ticket.reference} by {envelope.sender}, who is not its customer or a colleague on it: "
            "not added.",
            ticket=ticket,
            then=lambda: answers.answer(answers.NOT_CUSTOMER, envelope.sender, envelope.subject, ticket.site),
        )
    return _reply(row, ticket, author, how, envelope, content)


def own_addresses():
    """Addresses the app sends from: mail from them is its own, come back (a loop)."""
    from django.conf import settings

    found = {support_settings.FROM_EMAIL or settings.DEFAULT_FROM_EMAIL}
    return {parseaddr(address)[1].lower() for address in found if address}


def finish(row, status, reason, ticket=None, then=None):
    """Record the outcome; ``then()`` (the writes that go with it) runs in the same transaction and may
    return the message it added. Nothing is written when another run finished the row first."""
    with transaction.atomic():
        current = InboundMessage.objects.select_for_update().get(pk=row.pk)
        if current.status != InboundStatus.PROCESSING or current.ticket_message_id is not None:
            return None
        added = then() if then else None
        message = added if isinstance(added, Message) else None
        current.status = status
        current.reason = reason
        current.ticket = ticket or (message.ticket if message else None)
        current.ticket_message = message
        current.processed_at = timezone.now()
        current.claimed_at = None
        current.save(
            update_fields=["status", "reason", "ticket", "ticket_message", "processed_at", "claimed_at"]
        )
    return status


def _wait(row, sender):
    InboundMessage.objects.filter(pk=row.pk, status=InboundStatus.PROCESSING).update(
        status=InboundStatus.RECEIVED,
        claimed_at=None,
        reason=f"{sender} sent many e-mails in a short time; this one waits for the next sweep.",
    )
    return InboundStatus.RECEIVED


def _bounce(row, message):
    ids = loops.bounced_message_ids(message)
    reason = loops.bounce_reason(message)

    def mark():
        bounced = notifications_for_message_ids(ids)
        Notification.objects.filter(pk__in=bounced.values("pk"), bounced_at__isnull=True).update(
            bounced_at=timezone.now(), bounce_reason=reason[:2000]
        )

    found = notifications_for_message_ids(ids).exists()
    note = "Bounce of our e-mail" if found else "Bounce of an e-mail not found in the outbox"
    return finish(
        row, InboundStatus.BOUNCE, f"{note} ({', '.join(ids) or 'no Message-ID'}): {reason}", then=mark
    )


def _reply(row, ticket, author, how, envelope, content):
    """Add the e-mail to ``ticket`` as written by ``author`` (its customer or a colleague on it); a closed
    ticket is reopened on the customer's behalf, as their own reply would."""
    customer = ticket.customer
    if ticket.is_closed and not tickets.can_reopen(ticket):
        return finish(
            row,
            InboundStatus.HELD_FOR_STAFF,
            f"{ticket.reference} is closed and can no longer be reopened; "
            "the customer was asked to open a new ticket.",
            ticket=ticket,
            then=lambda: answers.answer(
                answers.TICKET_CLOSED,
                envelope.sender,
                envelope.subject,
                ticket.site,
                reference=ticket.reference,
            ),
        )
    if not content.text and not content.files:
        return finish(
            row,
            InboundStatus.HELD_FOR_STAFF,
            "The reply is empty once quoted text is removed.",
            ticket=ticket,
        )

    def add():
        if ticket.is_closed:
            tickets.reopen(ticket, customer)
        message = tickets.reply(ticket, author, _body(content), files=content.files)
        if content.refused:
            answers.attachments_refused(ticket, content.refused, row.pk)
        return message

    found_by = {"address": "its reply address", "thread": "the e-mail it answers", "subject": "the subject"}[
        how
    ]
    return finish(
        row,
        InboundStatus.ATTACHED,
        _with_refused(f"Added to {ticket.reference} (found by {found_by}).", content),
        ticket=ticket,
        then=add,
    )


def _new_message(row, envelope, content):
    customer = matching.customer_for(envelope.sender)
    if customer is None:
        return finish(
            row,
            InboundStatus.HELD_FOR_STAFF,
            f"{envelope.sender} has no customer account; they were told how to get support.",
            then=lambda: answers.answer(answers.UNKNOWN_SENDER, envelope.sender, envelope.subject),
        )
    entitlements = matching.supported_entitlements(customer)
    if len(entitlements) != 1 or not (content.text or content.files):
        return finish(
            row,
            InboundStatus.HELD_FOR_STAFF,
            f"A new question from a customer with {len(entitlements)} supported products; "
            "they were asked to open the ticket on the site.",
            then=lambda: answers.answer(answers.CHOOSE_PRODUCT, envelope.sender, envelope.subject),
        )

    def open_ticket():
        ticket = tickets.open_ticket(
            customer, entitlements[0], _title(envelope.subject), _body(content), files=content.files
        )
        if content.refused:
            answers.attachments_refused(ticket, content.refused, row.pk)
        return ticket.messages.first()

    return finish(
        row, InboundStatus.OPENED_TICKET, _with_refused("Opened a ticket.", content), then=open_ticket
    )


def _title(subject):
    title = parsing.bare_subject(subject)
    return title[:200] or _("Question sent by e-mail")


def _body(content):
    return content.text or _("(Sent by e-mail with attachments only.)")


def _with_refused(reason, content):
    if not content.refused:
        return reason
    files = "; ".join(f"{name}: {why}" for name, why in content.refused)
    return f"{reason} Files refused (the customer was told): {files}"
