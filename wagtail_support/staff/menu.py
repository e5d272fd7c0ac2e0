"""The count in the admin menu's "Tickets" item: how many tickets await the team (counted once a minute
at most). The outbox's count is ``notifications.menu``'s."""

from django.core.cache import cache
from django.utils.translation import gettext as _

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
