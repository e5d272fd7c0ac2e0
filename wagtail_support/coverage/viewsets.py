"""The coverage policy screens in the Wagtail admin (Support → Coverage policies)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel, PublishingPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_support.coverage.models import CoveragePolicy


class CoveragePolicyViewSet(SnippetViewSet):
    model = CoveragePolicy
    icon = "doc-full"
    menu_label = _("Coverage policies")
    list_display = ["title", "live", "last_published_at"]
    search_fields = ["title"]
    panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        InlinePanel("covered_items", heading=_("What support covers"), label=_("Covered item")),
        InlinePanel("excluded_items", heading=_("What support does not cover"), label=_("Not covered item")),
        FieldPanel("notes"),
        PublishingPanel(),
    ]
