"""The "Tickets" menu item shows how many tickets await the team, counted once a minute at most."""

from django.core.cache import cache
from django.utils.translation import gettext as _

from wagtail_support.tickets.models import Ticket, TicketStatus

COUNT_CACHE_KEY = "wagtail_support:tickets-awaiting-team"
COUNT_CACHE_SECONDS = 60
AWAITING_TEAM = (TicketStatus.NEW, TicketStatus.AWAITING_STAFF)


def awaiting_team_count():
    """Open tickets whose next move is the team's (new or awaiting the team); cached for a minute."""
    count = cache.get(COUNT_CACHE_KEY)
    if count is None:
        count = Ticket.objects.filter(status__in=AWAITING_TEAM).count()
        cache.set(COUNT_CACHE_KEY, count, COUNT_CACHE_SECONDS)
    return count


class TicketMenuItemMixin:
    def render_component(self, request):
        component = super().render_component(request)
        count = awaiting_team_count()
        if count:
            component.label = _("%(label)s (%(count)d)") % {"label": self.label, "count": count}
        return component
