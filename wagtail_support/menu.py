"""The "Support" group in the Wagtail admin menu; each feature adds its screens to ``SUPPORT_VIEWSETS``."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from wagtail_support.notifications.viewsets import OutboxViewSet

SUPPORT_VIEWSETS = [OutboxViewSet]


class SupportMenuGroup(ViewSetGroup):
    menu_label = _("Support")
    menu_icon = "help"
    menu_order = 250
    items = SUPPORT_VIEWSETS
