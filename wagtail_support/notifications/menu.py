"""The count in the admin menu's "Support" group and its "Outbox" item: how many e-mails need a person."""

from django.utils.translation import ngettext

from wagtail_support import permissions
from wagtail_support.notifications.outbox import needs_a_person_count_for_menu


def outbox_attention_label(request, label):
    """``label`` with the number of outbox rows that need a person, for users who can see the outbox."""
    if not permissions.outbox.user_has_permission(request.user, "view"):
        return label
    count = needs_a_person_count_for_menu(request)
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
