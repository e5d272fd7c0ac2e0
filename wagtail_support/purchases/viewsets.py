"""The supported products screens in the Wagtail admin (Support → Products)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_support.purchases.models import SupportedProduct


class SupportedProductViewSet(SnippetViewSet):
    model = SupportedProduct
    icon = "tag"
    menu_label = _("Products")
    list_display = ["name", "kind", "support_period_days", "installations_per_unit", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        InlinePanel("references", heading=_("Shop references"), label=_("Shop reference"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("support_period_days"), FieldPanel("installations_per_unit")]),
                FieldPanel("bundled_theme_claims"),
                FieldPanel("coverage_policy"),
            ],
            heading=_("Support"),
        ),
        FieldPanel("active"),
    ]
