"""The coverage policy snippet, its ordered items, and the page type that shows it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)
from wagtail.search import index

from wagtail_support.layout import layout_context

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class CoveragePolicy(
    PreviewableMixin,
    LockableMixin,
    DraftStateMixin,
    RevisionMixin,
    TranslatableMixin,
    index.Indexed,
    ClusterableModel,
):
    """What support covers and what it does not, in the editors' words.

    Only the published version is ever shown to customers: for a live policy the database row
    holds the published content and drafts wait in revisions. Translatable with Wagtail's i18n
    (and wagtail-localize): products and settings point at the default locale's policy, and the
    translation in the visitor's locale is picked when it is shown (``coverage.services``).
    """

    title = models.CharField(pgettext_lazy("coverage policy title", "title"), max_length=255)
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    notes = RichTextField(_("notes"), blank=True, features=RICH_TEXT_FEATURES)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("coverage policy")
        verbose_name_plural = _("coverage policies")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_preview_template(self, request, mode_name):
        return "wagtail_support/coverage/policy_preview.html"

    def get_preview_context(self, request, mode_name):
        from wagtail_support.coverage.services import products_covered_by

        context = super().get_preview_context(request, mode_name)
        context["products"] = products_covered_by(self) if self.pk else []
        context.update(layout_context())
        return context

    def get_search_text(self):
        """The policy's words as plain text, for the search index of the pages that show it."""
        parts = [self.title, self.intro, self.notes]
        for item in [*self.covered_items.all(), *self.excluded_items.all()]:
            parts += [item.text, item.explanation]
        return "\n".join(part for part in parts if part)


class CoverageItem(Orderable):
    """One line of a policy, with an optional explanation; the editor sets the order."""

    text = models.CharField(_("text"), max_length=255)
    explanation = models.TextField(_("explanation"), blank=True)

    panels = [FieldPanel("text"), FieldPanel("explanation")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.text


class CoveredItem(CoverageItem):
    policy = ParentalKey(CoveragePolicy, on_delete=models.CASCADE, related_name="covered_items")

    class Meta(CoverageItem.Meta):
        verbose_name = _("covered item")
        verbose_name_plural = _("covered items")


class ExcludedItem(CoverageItem):
    policy = ParentalKey(CoveragePolicy, on_delete=models.CASCADE, related_name="excluded_items")

    class Meta(CoverageItem.Meta):
        verbose_name = _("not covered item")
        verbose_name_plural = _("not covered items")
