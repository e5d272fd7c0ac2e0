"""The dashboard panel on the Wagtail home page: what the team should look at now."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from wagtail_support import permissions
from wagtail_support.notifications.outbox import needs_a_person_count
from wagtail_support.staff.paginator import capped_count, count_label
from wagtail_support.staff.views import URL_NAMESPACE
from wagtail_support.tickets.models import AWAITING_TEAM_STATUSES, OPEN_STATUSES, Ticket
from wagtail_support.tickets.workflow import is_overdue, overdue_q


def queue_counts(user, now=None):
    """Open tickets: unassigned, assigned to ``user``, overdue, and awaiting the team.

    Each a capped count (``staff.paginator.capped_count``: more than 1,000 shows as "1,000+") read from
    its own index, never a scan of the open tickets: "unassigned" and "mine" from the assignee index,
    "overdue" from the partial index of unanswered tickets, "awaiting the team" from the queue index.
    (One aggregate over every open ticket used to be most of the dashboard's time.)
    """
    tickets = Ticket.objects.filter(status__in=OPEN_STATUSES)
    return {
        "unassigned": capped_count(tickets.filter(assignee__isnull=True)),
        "mine": capped_count(tickets.filter(assignee=user)),
        "overdue": capped_count(Ticket.objects.filter(overdue_q(now or timezone.now()))),
        "awaiting_team": capped_count(Ticket.objects.filter(status__in=AWAITING_TEAM_STATUSES)),
    }


NEXT_TICKETS_SHOWN = 5


def next_tickets(user, limit=NEXT_TICKETS_SHOWN, after=None):
    """The open tickets assigned to ``user`` that await the team, first response due soonest first
    (then the longest waiting); without any, the unassigned ones. ``after``: a ticket id to skip."""
    awaiting = Ticket.objects.filter(status__in=AWAITING_TEAM_STATUSES).select_related("customer", "product")
    if after and str(after).isdigit():
        awaiting = awaiting.exclude(pk=int(after))
    order = [F("first_response_due_at").asc(nulls_last=True), "last_activity_at", "pk"]
    mine = list(awaiting.filter(assignee=user).order_by(*order)[:limit])
    return mine or list(awaiting.filter(assignee__isnull=True).order_by(*order)[:limit])


class TicketQueuePanel(Component):
    name = "wagtail_support_tickets"
    template_name = "wagtail_support/admin/dashboard/queue_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        index = reverse(f"{URL_NAMESPACE}:index")
        counts = queue_counts(self.user)
        tickets = next_tickets(self.user)
        now = timezone.now()
        for ticket in tickets:
            ticket.overdue = is_overdue(ticket, now)
        return {
            "next_tickets": tickets,
            "next_url": reverse(f"{URL_NAMESPACE}:next"),
            "outbox_attention": outbox_attention(parent_context.get("request"), self.user),
            "rows": [
                (
                    _("Unassigned"),
                    count_label(counts["unassigned"]),
                    f"{index}?status=open&assignee=unassigned",
                ),
                (_("Assigned to me"), count_label(counts["mine"]), f"{index}?status=open&assignee=mine"),
                (_("Overdue"), count_label(counts["overdue"]), f"{index}?overdue=true"),
                (
                    _("Awaiting the team"),
                    count_label(counts["awaiting_team"]),
                    f"{index}?status=awaiting_staff",
                ),
            ],
        }


def outbox_attention(request, user):
    """(count, link) of the outbox rows that need a person, for users who can see the outbox; else None."""
    if not permissions.outbox.user_has_permission(user, "view"):
        return None
    count = needs_a_person_count(request)
    return (count, reverse("wagtail_support_outbox:index") + "?attention=1") if count else None


def add_queue_panel(request, panels):
    if permissions.tickets.user_has_permission(request.user, "view"):
        panels.append(TicketQueuePanel(request.user))
