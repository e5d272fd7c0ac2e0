"""The count in the admin menu's "Tickets" item: how many tickets await the team (counted once a minute
at most). The outbox's count is ``notifications.menu``'s."""

from django.core.cache import cache
from django.utils.translation import gettext as _

from wagtail_support import permissions
from wagtail_support.degrade import from_cache
from wagtail_support.staff.paginator import capped_count, count_label
from wagtail_support.tickets.models import AWAITING_TEAM_STATUSES, Ticket

COUNT_CACHE_KEY = "wagtail_support:tickets-awaiting-team"
COUNT_CACHE_SECONDS = 60


def awaiting_team_count():
    """Open tickets whose next move is the team's (new or awaiting the team), at most ``COUNT_CAP + 1``
    (more than the cap shows as "1,000+"); cached for a minute."""
    count = from_cache(lambda: cache.get(COUNT_CACHE_KEY), what="tickets awaiting the team")
    if count is None:
        count = capped_count(Ticket.objects.filter(status__in=AWAITING_TEAM_STATUSES))
        from_cache(
            lambda: cache.set(COUNT_CACHE_KEY, count, COUNT_CACHE_SECONDS), what="tickets awaiting the team"
        )
    return count


class TicketMenuItemMixin:
    def render_component(self, request):
        component = super().render_component(request)
        count = awaiting_team_count()
        if count:
            component.label = _("%(label)s (%(count)s)") % {"label": self.label, "count": count_label(count)}
        return component


class SavedViewsMenuMixin:
    """The "Support" group lists the agent's saved views of the queue, with their counts, after
    "Tickets"."""

    def render_component(self, request):
        from wagtail.admin.ui.sidebar import LinkMenuItem

        from wagtail_support.staff.saved_views import menu_entries

        component = super().render_component(request)
        if not permissions.tickets.user_has_permission(request.user, "view"):
            return component
        links = [
            LinkMenuItem(
                f"support-view-{n}",
                _("%(label)s (%(count)s)") % {"label": name, "count": count_label(count)},
                url,
                icon_name="list-ul",
            )
            for n, (name, url, count) in enumerate(menu_entries(request.user))
        ]
        items = list(component.menu_items)
        after = next((i + 1 for i, item in enumerate(items) if "ticket" in item.name), len(items))
        component.menu_items = items[:after] + links + items[after:]
        return component
