"""The page type that shows a coverage policy.

``CoveragePolicyMixin`` holds the fields and logic; ``CoveragePolicyPage`` adds Wagtail's ``Page``.
A project that swaps Wagtail's base page model builds its own page from the mixin:
``class PolicyPage(CoveragePolicyMixin, MyBasePage)``.
"""

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, Site, get_page_models
from wagtail.search import index
from wagtail.signals import published, unpublished

from wagtail_support.coverage.models import RICH_TEXT_FEATURES, CoveragePolicy
from wagtail_support.layout import layout_context


class CoveragePolicyMixin(models.Model):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    policy = models.ForeignKey(
        "wagtail_support.CoveragePolicy",
        verbose_name=_("coverage policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to show the site's default policy (Settings → Support)."),
    )

    content_panels = [FieldPanel("intro"), FieldPanel("policy")]
    search_fields = [index.SearchField("intro"), index.SearchField("coverage_search_text")]
    subpage_types = []

    class Meta:
        abstract = True

    def get_coverage_policy(self, site=None):
        """The published policy this page shows: its own choice, or the site's default."""
        from wagtail_support.coverage.services import policy_for

        return policy_for(policy=self.policy, site=site or self.get_site())

    def coverage_search_text(self):
        policy = self.get_coverage_policy()
        return policy.get_search_text() if policy else ""

    def get_context(self, request, *args, **kwargs):
        from wagtail_support.coverage.services import products_covered_by

        context = super().get_context(request, *args, **kwargs)
        site = Site.find_for_request(request) or self.get_site()
        policy = self.get_coverage_policy(site)
        context["policy"] = policy
        context.update(layout_context())
        context["products"] = products_covered_by(policy, site) if policy else []
        return context


class CoveragePolicyPage(CoveragePolicyMixin, Page):  # noqa: DJ008 - Page.__str__ is the title
    """A public page with an introduction and the coverage policy that applies."""

    content_panels = Page.content_panels + CoveragePolicyMixin.content_panels
    search_fields = Page.search_fields + CoveragePolicyMixin.search_fields
    template = "wagtail_support/coverage/coverage_policy_page.html"

    class Meta:
        verbose_name = _("coverage policy page")
        verbose_name_plural = _("coverage policy pages")


@receiver(published, sender=CoveragePolicy)
@receiver(unpublished, sender=CoveragePolicy)
def reindex_policy_pages(sender, instance, **kwargs):
    """Policy pages index the policy's words: refresh them when a policy goes live or is withdrawn."""
    for model in get_page_models():
        if issubclass(model, CoveragePolicyMixin) and not model._meta.abstract:
            for page in model.objects.live():
                index.insert_or_update_object(page)
