"""Products that come with professional support, as the shop knows them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable
from wagtail.search import index


class ProductKind(models.TextChoices):
    THEME = "theme", _("Theme")
    PLUGIN = "plugin", _("Plugin")
    HOSTING = "hosting", _("Hosting plan")
    SERVICE = "service", _("Service")


class SupportedProduct(index.Indexed, ClusterableModel):
    """A product whose purchase grants support: how long, on how many sites, under which policy."""

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices, default=ProductKind.THEME)
    support_period_days = models.PositiveIntegerField(
        _("support period (days)"), default=365, help_text=_("0 means the product comes without support.")
    )
    installations_per_unit = models.PositiveIntegerField(
        _("installations per unit"),
        default=1,
        help_text=_("Sites covered per unit bought; 0 means unlimited."),
    )
    bundled_theme_claims = models.PositiveSmallIntegerField(
        _("bundled theme claims"),
        default=0,
        help_text=_("Premium themes the customer may claim for free with this product, e.g. 1 with hosting."),
    )
    active = models.BooleanField(_("active"), default=True)
    coverage_policy = models.ForeignKey(
        "wagtail_support.CoveragePolicy",
        verbose_name=_("coverage policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        help_text=_("Leave empty to use the site's default policy (Settings → Support)."),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("active")]

    class Meta:
        verbose_name = _("supported product")
        verbose_name_plural = _("supported products")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def has_support(self):
        return self.support_period_days > 0

    @property
    def support_period_text(self):
        """How long support lasts, in words: "Support lasts 1 year from the purchase date"."""
        days = self.support_period_days
        if not days:
            return _("This product does not include support.")
        if days % 365 == 0:
            period = ngettext("%(count)d year", "%(count)d years", days // 365) % {"count": days // 365}
        elif days % 30 == 0:
            period = ngettext("%(count)d month", "%(count)d months", days // 30) % {"count": days // 30}
        else:
            period = ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
        return _("Support lasts %(period)s from the purchase date.") % {"period": period}

    @property
    def installations_text(self):
        """How many sites support covers: "Support covers 1 installation per theme purchase"."""
        kind = self.get_kind_display().lower()
        count = self.installations_per_unit
        if not count:
            return _("Support covers any number of installations of this %(kind)s.") % {"kind": kind}
        return ngettext(
            "Support covers %(count)d installation per %(kind)s purchase.",
            "Support covers %(count)d installations per %(kind)s purchase.",
            count,
        ) % {"count": count, "kind": kind}

    @property
    def bundled_claims_text(self):
        count = self.bundled_theme_claims
        if not count:
            return ""
        return ngettext(
            "Includes %(count)d premium theme of your choice, with its own support.",
            "Includes %(count)d premium themes of your choice, each with its own support.",
            count,
        ) % {"count": count}

    @property
    def coverage_rules(self):
        """The policy lines that come from this product's data, so nobody types them twice."""
        if not self.has_support:
            return [self.support_period_text]
        return [
            text
            for text in (self.support_period_text, self.installations_text, self.bundled_claims_text)
            if text
        ]


class ProductReference(Orderable):
    """A SKU or product id under which the shop sells the product; one product may have several."""

    product = ParentalKey(SupportedProduct, on_delete=models.CASCADE, related_name="references")
    reference = models.CharField(
        _("shop reference"),
        max_length=100,
        unique=True,
        help_text=_("The SKU or product id the shop reports."),
    )

    panels = [FieldPanel("reference")]

    class Meta(Orderable.Meta):
        verbose_name = _("shop reference")
        verbose_name_plural = _("shop references")

    def __str__(self):
        return self.reference
