"""A StreamField block that shows the published coverage policy inside any page."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.models import Site
from wagtail.snippets.blocks import SnippetChooserBlock

from wagtail_support.coverage.services import policy_for, products_covered_by


class CoveragePolicyBlock(blocks.StructBlock):
    """The chosen policy, or the site's default when none is chosen; only ever its published version."""

    policy = SnippetChooserBlock(
        "wagtail_support.CoveragePolicy",
        required=False,
        label=_("Coverage policy"),
        help_text=_("Leave empty to show the site's default policy."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Coverage policy")
        template = "wagtail_support/coverage/blocks/coverage_policy.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        site = Site.find_for_request(request) if request is not None else None
        policy = policy_for(policy=value.get("policy"), site=site)
        context["policy"] = policy
        context["products"] = products_covered_by(policy, site) if policy else []
        return context
