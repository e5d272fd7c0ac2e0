"""Products that come with support, the purchases that grant it, and where customers install them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
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


class PurchaseStatus(models.TextChoices):
    PAID = "paid", pgettext_lazy("purchase status", "Paid")
    REFUNDED = "refunded", pgettext_lazy("purchase status", "Refunded")
    CANCELLED = "cancelled", pgettext_lazy("purchase status", "Cancelled")
    # Paid, but no line names a product the site knows: kept for staff to map, no account, no e-mail.
    UNMAPPED = "unmapped", pgettext_lazy("purchase status", "Needs mapping")


class Purchase(models.Model):
    """One order as a shop reported it. ``source`` + ``external_id`` make every delivery idempotent."""

    source = models.CharField(_("source"), max_length=50)
    external_id = models.CharField(_("order id"), max_length=255)
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("customer name"), max_length=255, blank=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_purchases",
    )
    purchased_at = models.DateTimeField(_("purchased at"))
    status = models.CharField(
        _("status"), max_length=10, choices=PurchaseStatus.choices, default=PurchaseStatus.PAID
    )
    unknown_references = models.JSONField(
        _("unknown product references"),
        default=list,
        blank=True,
        help_text=_("Lines whose product the site does not know; kept for staff to sort out."),
    )
    raw_payload = models.JSONField(_("payload as received"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-purchased_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="wsupport_purchase_unique_order"),
        ]
        permissions = [("revoke_purchase", _("Can revoke a purchase"))]

    def __str__(self):
        return f"{self.source} #{self.external_id}"

    @property
    def is_paid(self):
        return self.status == PurchaseStatus.PAID

    @property
    def is_unmapped(self):
        return self.status == PurchaseStatus.UNMAPPED

    @property
    def can_be_revoked(self):
        """Paid orders, and paid orders waiting for their products to be mapped."""
        return self.status in (PurchaseStatus.PAID, PurchaseStatus.UNMAPPED)


class Entitlement(models.Model):
    """Support one purchase line grants: a product, until a date, on a number of installations."""

    purchase = models.ForeignKey(
        Purchase, verbose_name=_("purchase"), on_delete=models.CASCADE, related_name="entitlements"
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_entitlements",
    )
    product = models.ForeignKey(
        SupportedProduct,
        verbose_name=pgettext_lazy("supported product", "product"),
        on_delete=models.PROTECT,
        related_name="entitlements",
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    support_until = models.DateField(_("support until"), null=True, blank=True)
    installations_allowed = models.PositiveIntegerField(
        _("installations allowed"), default=1, help_text=_("0 means unlimited.")
    )
    bundled_claims_allowed = models.PositiveSmallIntegerField(_("free themes to claim"), default=0)
    granted_by = models.ForeignKey(
        "self",
        verbose_name=_("claimed with"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bundled_claims",
    )
    active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["-support_until", "pk"]
        indexes = [models.Index(fields=["customer", "active"], name="wsupport_entitlement_customer")]

    def __str__(self):
        return f"{self.product} ({self.purchase})"

    def has_support(self, today=None):
        """True while this entitlement is active and its support period has not ended."""
        today = today or timezone.localdate()
        return self.active and self.support_until is not None and self.support_until >= today

    @property
    def is_unlimited(self):
        return self.installations_allowed == 0


class Installation(models.Model):
    """A site (its registrable domain) on which a customer runs an entitled product."""

    entitlement = models.ForeignKey(
        Entitlement, verbose_name=_("entitlement"), on_delete=models.CASCADE, related_name="installations"
    )
    domain = models.CharField(pgettext_lazy("customer website", "site"), max_length=253)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["entitlement", "domain"],
                condition=models.Q(released_at__isnull=True),
                name="wsupport_installation_unique_active",
            ),
        ]

    def __str__(self):
        return self.domain


class CustomerAccount(models.Model):
    """The support side of a user: whether the account a purchase created is fully set up."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_account"
    )
    setup_pending = models.BooleanField(_("set-up pending"), default=False)
    setup_completed_at = models.DateTimeField(_("set up at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("customer account")
        verbose_name_plural = _("customer accounts")

    def __str__(self):
        return str(self.user)


class WebhookDelivery(models.Model):
    """A signed webhook request already accepted; a second one with the same signature is a replay."""

    source = models.CharField(_("source"), max_length=50)
    fingerprint = models.CharField(_("signature fingerprint"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.source} {self.received_at:%Y-%m-%d %H:%M:%S}"
