"""Counts in the admin menu: the "Tickets" item shows how many tickets await the team (counted once a
minute at most); the "Support" group and its "Outbox" item how many e-mails need a person."""

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail_support import permissions
from wagtail_support.degrade import from_cache
from wagtail_support.tickets.models import AWAITING_TEAM_STATUSES, Ticket

COUNT_CACHE_KEY = "wagtail_support:tickets-awaiting-team"
COUNT_CACHE_SECONDS = 60


def awaiting_team_count():
    """Open tickets whose next move is the team's (new or awaiting the team); cached for a minute."""
    count = from_cache(lambda: cache.get(COUNT_CACHE_KEY), what="tickets awaiting the team")
    if count is None:
        count = Ticket.objects.filter(status__in=AWAITING_TEAM_STATUSES).count()
        from_cache(
            lambda: cache.set(COUNT_CACHE_KEY, count, COUNT_CACHE_SECONDS), what="tickets awaiting the team"
        )
    return count


class TicketMenuItemMixin:
    def render_component(self, request):
        component = super().render_component(request)
        count = awaiting_team_count()
        if count:
            component.label = _("%(label)s (%(count)d)") % {"label": self.label, "count": count}
        return component


def outbox_attention_label(request, label):
    """``label`` with the number of outbox rows that need a person, for users who can see the outbox."""
    from wagtail_support.notifications.outbox import needs_a_person_count

    if not permissions.outbox.user_has_permission(request.user, "view"):
        return label
    count = needs_a_person_count(request)
    if not count:
        return label
    return ngettext("%(label)s (%(count)d to check)", "%(label)s (%(count)d to check)", count) % {
        "label": label,
        "count": count,
    }


class OutboxAttentionMenuItemMixin:
    """The menu item's label says how many outbox rows need a person."""

    def render_component(self, request):
        component = super().render_component(request)
        component.label = outbox_attention_label(request, self.label)
        return component
