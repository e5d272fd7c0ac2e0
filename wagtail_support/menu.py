"""The "Support" group in the Wagtail admin menu; each feature adds its screens to ``SUPPORT_VIEWSETS``.

The group is a ``SnippetViewSetGroup`` registered with ``register_snippet`` so that the snippet
viewsets in it (coverage policies, products) get their choosers and snippet registration; plain
``ModelViewSet``s such as the outbox work in it too.
"""

from django.utils.translation import pgettext_lazy
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from wagtail_support.coverage.viewsets import CoveragePolicyViewSet
from wagtail_support.inbound.viewsets import InboundMessageViewSet
from wagtail_support.notifications.menu import OutboxAttentionMenuItemMixin
from wagtail_support.notifications.viewsets import OutboxViewSet
from wagtail_support.purchases.viewsets import PurchaseViewSet, SupportedProductViewSet
from wagtail_support.staff.menu import SavedViewsMenuMixin
from wagtail_support.staff.reports import ReportViewSet
from wagtail_support.staff.viewsets import CannedResponseViewSet, TicketViewSet

SUPPORT_VIEWSETS = [
    TicketViewSet,
    CannedResponseViewSet,
    ReportViewSet,
    CoveragePolicyViewSet,
    SupportedProductViewSet,
    PurchaseViewSet,
    OutboxViewSet,
    InboundMessageViewSet,
]


class SupportSubmenuItem(SavedViewsMenuMixin, OutboxAttentionMenuItemMixin, SubmenuMenuItem):
    """The "Support" group, labelled with the number of outbox rows that need a person, with the
    agent's saved views of the queue."""


class SupportMenuGroup(SnippetViewSetGroup):
    menu_label = pgettext_lazy("support section", "Support")
    menu_icon = "help"
    menu_order = 250
    items = SUPPORT_VIEWSETS

    def get_menu_item(self, order=None):
        # Wagtail builds the submenu (its arguments differ in 7.4 and 8.x); only the item's class changes.
        item = super().get_menu_item(order)
        return SupportSubmenuItem(
            label=item.label, menu=item.menu, name=item.name, icon_name=item.icon_name, order=item.order
        )
