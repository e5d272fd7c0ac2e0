"""The "Support" group in the Wagtail admin menu; each feature adds its screens to ``SUPPORT_VIEWSETS``.

The group is a ``SnippetViewSetGroup`` registered with ``register_snippet`` so that the snippet
viewsets in it (coverage policies, products) get their choosers and snippet registration; plain
``ModelViewSet``s such as the outbox work in it too.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from wagtail_support.coverage.viewsets import CoveragePolicyViewSet
from wagtail_support.notifications.viewsets import OutboxViewSet
from wagtail_support.purchases.viewsets import PurchaseViewSet, SupportedProductViewSet
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
]


class SupportMenuGroup(SnippetViewSetGroup):
    menu_label = _("Support")
    menu_icon = "help"
    menu_order = 250
    items = SUPPORT_VIEWSETS
