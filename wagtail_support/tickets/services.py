"""Everything that happens to a ticket: open, reply, note, close, reopen, rate, assign, read.

Used by the customer's support pages and by the staff workspace alike. Each function runs in
one transaction and queues its e-mails through the notification outbox.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_support.conf import support_settings
from wagtail_support.sitesettings import settings_for_site
from wagtail_support.tickets import events, notifications, sites
from wagtail_support.tickets.attachments import validate_uploads
from wagtail_support.tickets.events import EventKind
from wagtail_support.tickets.markdown import render_markdown
from wagtail_support.tickets.models import Attachment, Message, Ticket, TicketStatus
from wagtail_support.tickets.people import display_name


class TicketError(ValidationError):
    """A request the rules refuse; the message is meant for the person who made it."""


def ensure_supported(entitlement):
    """Raise ``TicketError`` unless ``entitlement`` has active support: the one place of that rule."""
    if not entitlement.has_support():
        raise TicketError(
            _("Support for %(product)s has ended or was cancelled, so a ticket cannot be opened for it.")
            % {"product": entitlement.product.name}
        )


def open_ticket(customer, entitlement, title, body, files=(), installation=None, page=None, request=None):
    """Open a ticket for one of ``customer``'s products with active support; the team is told at once.

    ``page`` is the support page it is opened from: the ticket belongs to that page's site, whose
    support settings (team, targets) apply (see ``tickets.sites`` for tickets opened elsewhere).
    ``files`` are uploads, or ``CheckedFile``s a form already checked (not read again).
    """
    if entitlement.customer_id != customer.pk:
        raise TicketError(_("Choose one of your own products."))
    ensure_supported(entitlement)
    if installation is not None and installation.entitlement_id != entitlement.pk:
        raise TicketError(_("Choose one of the sites registered for this product."))
    checked = validate_uploads(list(files))
    site_id, page_id = sites.origin_of_new_ticket(customer, page, request)
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            customer=customer,
            entitlement=entitlement,
            product=entitlement.product,
            installation=installation,
            site_id=site_id,
            # The page object itself when it is the one served: its e-mail links need no lookup.
            **(
                {"support_page": page}
                if page is not None and page.pk == page_id
                else {"support_page_id": page_id}
            ),
            title=title.strip(),
            first_response_due_at=first_response_due(entitlement.product, now, site_id),
            last_customer_message_at=now,
            unread_by_staff=True,
        )
        message = _add_message(ticket, customer, body, checked, from_staff=False)
        notifications.ticket_opened(ticket, message)
    return ticket


def first_response_due(product, opened_at, site_id=None):
    """When the team should have answered a ticket opened at ``opened_at`` on the site ``site_id``.

    The target comes from that site's support settings (the default site's when None): the one for
    the product's kind when set, else the general one; 0 hours means no target (None).
    """
    hours = settings_for_site(site_id).first_response_hours_for(product.kind)
    return opened_at + timedelta(hours=hours) if hours else None


def reply(ticket, author, body, files=(), internal=False, close=False):
    """Add a message. The customer's reply goes to the team; an agent's public reply to the customer;
    an internal note stays with the team and changes no status.

    ``close``: an agent's reply that also closes the ticket ("Send and close"), in one step and one
    e-mail: the reply, saying that the ticket is closed and how long a reply reopens it.
    """
    from_staff = not _on_customer_side(ticket, author)
    if internal and not from_staff:
        raise PermissionDenied
    close = close and from_staff and not internal
    if ticket.is_closed and not internal:
        raise TicketError(_("This ticket is closed. Reopen it to reply."))
    checked = validate_uploads(list(files))
    with transaction.atomic():
        # The ticket row locked (only it), with what the e-mails name: the product and the customer.
        locked = Ticket.objects.select_for_update(of=("self",)).select_related("product", "customer")
        ticket = locked.get(pk=ticket.pk)
        message = _add_message(ticket, author, body, checked, from_staff=from_staff, internal=internal)
        now = message.created_at
        fields = ["last_activity_at"]
        ticket.last_activity_at = now
        if internal:
            pass
        elif from_staff:
            ticket.status = TicketStatus.AWAITING_CUSTOMER
            ticket.last_staff_message_at = now
            ticket.unread_by_customer = True
            fields += ["status", "last_staff_message_at", "unread_by_customer"]
            if ticket.first_response_at is None:
                ticket.first_response_at = now
                fields.append("first_response_at")
            if close:
                ticket.status, ticket.closed_at = TicketStatus.CLOSED, now
                fields.append("closed_at")
        else:
            ticket.status = TicketStatus.AWAITING_STAFF
            ticket.last_customer_message_at = now
            ticket.unread_by_staff = True
            fields += ["status", "last_customer_message_at", "unread_by_staff"]
        ticket.save(update_fields=fields)
        if close:
            events.record(ticket, EventKind.STATUS, author, to=ticket.status)
        if not internal:
            notifications.message_posted(ticket, message)
    return message


def _on_customer_side(ticket, user):
    """The customer or a colleague they added (``TicketColleague``), as opposed to the team."""
    from wagtail_support.tickets.models import TicketColleague

    if user.pk == ticket.customer_id:
        return True
    return TicketColleague.objects.filter(ticket_id=ticket.pk, user_id=user.pk).exists()


def _add_message(ticket, author, body, checked_files, from_staff, internal=False):
    body = (body or "").strip()
    if not body:
        raise TicketError(_("Write a message."))
    if len(body) > support_settings.MESSAGE_MAX_LENGTH:
        raise TicketError(
            _("Messages may be at most %(count)d characters long.")
            % {"count": support_settings.MESSAGE_MAX_LENGTH}
        )
    message = Message.objects.create(
        ticket=ticket,
        author=author,
        body=body,
        body_html=render_markdown(body),
        from_staff=from_staff,
        is_internal=internal,
    )
    for checked in checked_files:
        upload, name, content_type = checked
        attachment = Attachment(message=message, name=name, content_type=content_type, size=upload.size)
        attachment.file.save(name, upload, save=False)
        if thumbnail := getattr(checked, "thumbnail", None):
            attachment.thumbnail.save(f"{name}.png", ContentFile(thumbnail), save=False)
        attachment.save()
    return message


def close(ticket, by):
    """Close the ticket (the customer or an agent); the customer can reopen it for REOPEN_DAYS days."""
    with transaction.atomic():
        updated = (
            Ticket.objects.filter(pk=ticket.pk)
            .exclude(status=TicketStatus.CLOSED)
            .update(status=TicketStatus.CLOSED, closed_at=timezone.now(), last_activity_at=timezone.now())
        )
        if updated:
            ticket.refresh_from_db()
            events.record(ticket, EventKind.STATUS, by, to=ticket.status)
            notifications.status_changed(ticket, by)
    return ticket


def can_reopen(ticket, now=None):
    if not ticket.is_closed or ticket.closed_at is None or ticket.merged_into_id:
        return False
    now = now or timezone.now()
    return now - ticket.closed_at <= timedelta(days=support_settings.REOPEN_DAYS)


def reopen(ticket, by, event=True):
    """Reopen a closed ticket: the customer within REOPEN_DAYS of closing, an agent at any time."""
    is_customer = by.pk == ticket.customer_id
    if is_customer and not can_reopen(ticket):
        raise TicketError(
            _("This ticket was closed more than %(days)d days ago. Please open a new ticket.")
            % {"days": support_settings.REOPEN_DAYS}
        )
    with transaction.atomic():
        status = TicketStatus.AWAITING_STAFF if is_customer else TicketStatus.AWAITING_CUSTOMER
        updated = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.CLOSED).update(
            status=status, closed_at=None, last_activity_at=timezone.now(), unread_by_staff=is_customer
        )
        if updated:
            ticket.refresh_from_db()
            if event:
                events.record(ticket, EventKind.STATUS, by, to=ticket.status)
            notifications.status_changed(ticket, by)
    return ticket


def rate(ticket, customer, score, comment=""):
    """The customer's satisfaction with a closed ticket, 1 to 5; may be changed later."""
    if customer.pk != ticket.customer_id:
        raise PermissionDenied
    if not ticket.is_closed:
        raise TicketError(_("You can rate a ticket once it is closed."))
    if ticket.first_response_at is None:
        raise TicketError(_("You can rate a ticket once the team has answered it."))
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise TicketError(_("Choose a rating from 1 to 5."))
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(
            satisfaction=score, satisfaction_comment=(comment or "").strip()[:2000]
        )
        ticket.refresh_from_db()
        events.record(ticket, EventKind.RATED, customer, score=score)
    return ticket


def assign(ticket, assignee, by):
    """Give the ticket to ``assignee`` (or nobody); the new assignee is told."""
    with transaction.atomic():
        changed = ticket.assignee_id != (assignee.pk if assignee else None)
        Ticket.objects.filter(pk=ticket.pk).update(assignee=assignee)
        ticket.refresh_from_db()
        if changed:
            events.record(
                ticket,
                EventKind.ASSIGNEE,
                by,
                to=assignee.pk if assignee else None,
                to_name=display_name(assignee) if assignee else "",
            )
        if assignee is not None and assignee != by:
            notifications.assigned(ticket, by)
    return ticket


def mark_read(ticket, by):
    """Clear the unread flag of the side that opened the ticket (customer or team)."""
    if not (ticket.unread_by_customer or ticket.unread_by_staff):
        return ticket  # nothing to clear: no need to ask which side ``by`` is on
    field = "unread_by_customer" if _on_customer_side(ticket, by) else "unread_by_staff"
    if getattr(ticket, field):
        Ticket.objects.filter(pk=ticket.pk).update(**{field: False})
        setattr(ticket, field, False)
    return ticket
