"""What the staff workspace does to tickets beyond a reply: status, priority, merging, targets, auto-close.

Admin views, bulk actions, Celery tasks and management commands all call these; each runs in one
transaction and queues its e-mails through the notification outbox.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_support.sitesettings import settings_of_every_site
from wagtail_support.tickets import events, notifications, services
from wagtail_support.tickets.events import EventKind
from wagtail_support.tickets.models import OPEN_STATUSES, Message, Ticket, TicketPriority, TicketStatus
from wagtail_support.tickets.services import TicketError

MERGE_UNDO_HOURS = 24  # how long after a merge an agent can undo it


def awaiting_first_response():
    """Open tickets the team has not answered yet and that have a first-response target."""
    return Ticket.objects.filter(
        status__in=OPEN_STATUSES, first_response_at__isnull=True, first_response_due_at__isnull=False
    )


def overdue_q(now=None):
    """Tickets past their first-response due time without a first response (closed ones never are)."""
    return Q(
        status__in=OPEN_STATUSES,
        first_response_at__isnull=True,
        first_response_due_at__lt=now or timezone.now(),
    )


def is_overdue(ticket, now=None):
    now = now or timezone.now()
    return (
        ticket.status in OPEN_STATUSES
        and ticket.first_response_at is None
        and ticket.first_response_due_at is not None
        and ticket.first_response_due_at < now
    )


def set_status(ticket, status, by):
    """Move the ticket to ``status``; closing and reopening go through ``close``/``reopen``."""
    if status not in TicketStatus.values:
        raise TicketError(_("Choose a status."))
    if status == ticket.status:
        return ticket
    if status == TicketStatus.CLOSED:
        return services.close(ticket, by)
    with transaction.atomic():
        if ticket.is_closed:
            services.reopen(ticket, by, event=False)
        Ticket.objects.filter(pk=ticket.pk).update(status=status, last_activity_at=timezone.now())
        ticket.refresh_from_db()
        events.record(ticket, EventKind.STATUS, by, to=status)
    return ticket


def set_priority(ticket, priority, by=None):
    priority = int(priority)
    if priority not in TicketPriority.values:
        raise TicketError(_("Choose a priority."))
    if priority == ticket.priority:
        return ticket
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(priority=priority)
        ticket.priority = priority
        events.record(ticket, EventKind.PRIORITY, by, to=priority)
    return ticket


def set_tags(ticket, tags, by=None):
    """Replace the ticket's tags with ``tags`` (names); an event when they changed."""
    tags = list(dict.fromkeys(t.strip() for t in tags if t and t.strip()))
    before = sorted(ticket.tags.names())
    if sorted(tags) == before:
        return ticket
    with transaction.atomic():
        ticket.tags.set(tags)
        events.record(ticket, EventKind.TAGS, by, to=sorted(ticket.tags.names()))
    return ticket


def add_tags(ticket, tags, by=None):
    """Add ``tags`` to the ticket's own (bulk tagging, macros)."""
    return set_tags(ticket, [*ticket.tags.names(), *tags], by)


UNCHANGED = object()


def update(ticket, by, status=None, priority=None, assignee=UNCHANGED, tags=None):
    """Apply the ticket panel's fields in one step: each one that changed, with its event."""
    with transaction.atomic():
        if priority is not None:
            ticket = set_priority(ticket, priority, by)
        if assignee is not UNCHANGED and assignee != ticket.assignee:
            ticket = services.assign(ticket, assignee, by)
        if tags is not None:
            ticket = set_tags(ticket, tags, by)
        if status:
            ticket = set_status(ticket, status, by)
    return ticket


def merge(duplicate, target, by):
    """Move the conversation of ``duplicate`` into ``target`` (the same customer's) and close it."""
    if duplicate.pk == target.pk:
        raise TicketError(_("A ticket cannot be merged into itself."))
    if duplicate.customer_id != target.customer_id:
        raise TicketError(_("Only tickets of the same customer can be merged."))
    if target.merged_into_id:
        raise TicketError(
            _("%(reference)s was itself merged; choose the ticket it was merged into.")
            % {"reference": target.reference}
        )
    with transaction.atomic():
        moved = list(Message.objects.filter(ticket=duplicate).values_list("pk", flat=True))
        Message.objects.filter(pk__in=moved).update(ticket=target)
        note = services._add_message(
            target,
            by,
            _("%(duplicate)s (“%(title)s”) was merged into this ticket.")
            % {"duplicate": duplicate.reference, "title": duplicate.title},
            [],
            from_staff=True,
            internal=True,
        )
        now = timezone.now()
        Ticket.objects.filter(pk=duplicate.pk).update(
            status=TicketStatus.CLOSED, closed_at=now, last_activity_at=now, merged_into=target
        )
        Ticket.objects.filter(pk=target.pk).update(last_activity_at=now)
        reopened = target.is_closed
        if reopened:
            services.reopen(target, by)
        events.record(
            duplicate,
            EventKind.MERGED_INTO,
            by,
            reference=target.reference,
            target_id=target.pk,
            messages=moved,
            note_id=note.pk,
            previous_status=duplicate.status,
            target_reopened=reopened,
        )
        events.record(target, EventKind.MERGED_FROM, by, reference=duplicate.reference, messages=moved)
        duplicate.refresh_from_db()
        notifications.merged(duplicate, target)
    target.refresh_from_db()
    return target


def merge_undo_event(duplicate, now=None):
    """The merge of ``duplicate`` that can still be undone (its event), or None."""
    if not duplicate.merged_into_id:
        return None
    cutoff = (now or timezone.now()) - timedelta(hours=MERGE_UNDO_HOURS)
    return (
        duplicate.events.filter(kind=EventKind.MERGED_INTO, created_at__gte=cutoff)
        .order_by("-created_at", "-pk")
        .first()
    )


def unmerge(duplicate, by):
    """Undo a recent merge: the moved messages go back, the duplicate gets its status back, both
    tickets show it in their timeline. Returns the duplicate."""
    event = merge_undo_event(duplicate)
    if event is None:
        raise TicketError(
            _("This merge can no longer be undone (merges can be undone for %(hours)d hours).")
            % {"hours": MERGE_UNDO_HOURS}
        )
    target = duplicate.merged_into
    with transaction.atomic():
        Message.objects.filter(pk__in=event.data.get("messages", []), ticket=target).update(ticket=duplicate)
        Message.objects.filter(pk=event.data.get("note_id"), ticket=target).delete()
        now = timezone.now()
        status = event.data.get("previous_status") or TicketStatus.AWAITING_STAFF
        Ticket.objects.filter(pk=duplicate.pk).update(
            merged_into=None,
            status=status,
            closed_at=duplicate.closed_at if status == TicketStatus.CLOSED else None,
            last_activity_at=now,
        )
        for ticket in (duplicate, target):
            events.record(
                ticket, EventKind.UNMERGED, by, duplicate=duplicate.reference, target=target.reference
            )
        event.data["undone"] = True
        event.save(update_fields=["data"])
    duplicate.refresh_from_db()
    return duplicate


def stale_tickets(days, now=None):
    """Tickets awaiting the customer with no activity for more than ``days`` days."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return Ticket.objects.filter(status=TicketStatus.AWAITING_CUSTOMER, last_activity_at__lt=cutoff)


def auto_close_stale(days=None, now=None):
    """Close tickets awaiting the customer past their site's limit (``days`` overrides it on every
    site); returns how many."""
    closed = 0
    for settings, in_site in settings_of_every_site():
        site_days = settings.auto_close_days if days is None else days
        if not site_days:
            continue
        stale = stale_tickets(site_days, now).filter(in_site).select_related("customer", "product")
        for ticket in stale.iterator():
            closed += _close_stale(ticket, site_days)
    return closed


def _close_stale(ticket, days):
    with transaction.atomic():
        now = timezone.now()
        updated = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.AWAITING_CUSTOMER).update(
            status=TicketStatus.CLOSED, closed_at=now, last_activity_at=now
        )
        if updated:
            ticket.refresh_from_db()
            events.record(ticket, EventKind.STATUS, None, to=TicketStatus.CLOSED, automatic_days=days)
            notifications.auto_closed(ticket, days)
    return updated


def breaching_tickets(hours, now=None):
    """Unanswered open tickets whose first response falls due within ``hours`` (and not yet past)."""
    now = now or timezone.now()
    return awaiting_first_response().filter(
        first_response_due_at__gte=now, first_response_due_at__lte=now + timedelta(hours=hours)
    )


def remind_breaching(hours=None, now=None):
    """E-mail the assignee (or the site's team) once about each ticket about to miss its target, each
    site with its own warning time (``hours`` overrides it on every site)."""
    reminded = 0
    for settings, in_site in settings_of_every_site():
        site_hours = settings.breach_warning_hours if hours is None else hours
        if not site_hours:
            continue
        tickets = (
            breaching_tickets(site_hours, now)
            .filter(in_site)
            .select_related("customer", "product", "assignee")
            .order_by(F("first_response_due_at").asc())
        )
        for ticket in tickets:
            notifications.breach_warning(ticket, settings)
            reminded += 1
    return reminded
