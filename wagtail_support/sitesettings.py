"""Support settings that site owners change in the admin (Settings → Support), one set per site."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from wagtail_support.degrade import from_cache


def split_addresses(value):
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def validate_email_lines(value):
    """Every non-empty line must be one e-mail address."""
    invalid = []
    for address in split_addresses(value):
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(address)
    if invalid:
        raise ValidationError(
            _("Not a valid e-mail address: %(addresses)s"),
            params={"addresses": ", ".join(invalid)},
            code="invalid_email",
        )


KIND_HELP = _("Leave empty to use the general target.")


@register_setting(icon="help")
class SupportSettings(BaseSiteSetting):
    default_coverage_policy = models.ForeignKey(
        "wagtail_support.CoveragePolicy",
        verbose_name=_("default coverage policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Applies to every product that does not name its own policy."),
    )
    team_emails = models.TextField(
        _("team e-mail addresses"),
        blank=True,
        validators=[validate_email_lines],
        help_text=_("One address per line; these are told about new tickets."),
    )
    first_response_hours = models.PositiveIntegerField(
        _("first response target (hours)"), default=24, help_text=_("0 means no target.")
    )
    first_response_hours_theme = models.PositiveIntegerField(
        _("first response target for themes (hours)"), null=True, blank=True, help_text=KIND_HELP
    )
    first_response_hours_plugin = models.PositiveIntegerField(
        _("first response target for plugins (hours)"), null=True, blank=True, help_text=KIND_HELP
    )
    first_response_hours_hosting = models.PositiveIntegerField(
        _("first response target for hosting plans (hours)"), null=True, blank=True, help_text=KIND_HELP
    )
    first_response_hours_service = models.PositiveIntegerField(
        _("first response target for services (hours)"), null=True, blank=True, help_text=KIND_HELP
    )
    breach_warning_hours = models.PositiveIntegerField(
        _("warn before a target is missed (hours)"),
        default=2,
        help_text=_("Unanswered tickets this close to their due time are sent to the team; 0 is off."),
    )
    auto_close_days = models.PositiveIntegerField(
        _("close tickets awaiting the customer after (days)"),
        default=7,
        help_text=_("The customer is told when it happens; 0 never closes tickets automatically."),
    )

    panels = [
        FieldPanel("default_coverage_policy"),
        FieldPanel("team_emails"),
        MultiFieldPanel(
            [
                FieldPanel("first_response_hours"),
                FieldRowPanel(
                    [FieldPanel("first_response_hours_theme"), FieldPanel("first_response_hours_plugin")]
                ),
                FieldRowPanel(
                    [FieldPanel("first_response_hours_hosting"), FieldPanel("first_response_hours_service")]
                ),
                FieldPanel("breach_warning_hours"),
            ],
            heading=_("First-response targets"),
        ),
        FieldPanel("auto_close_days"),
    ]

    class Meta:
        verbose_name = _("support settings")
        verbose_name_plural = _("support settings")

    @property
    def team_email_list(self):
        return split_addresses(self.team_emails)

    def first_response_hours_for(self, kind):
        """The target in hours for a product of ``kind``: its own when set, else the general one."""
        own = getattr(self, f"first_response_hours_{kind}", None)
        return self.first_response_hours if own is None else own


def default_site_settings():
    """The support settings of the default Wagtail site, or unsaved defaults while there is no site."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    return SupportSettings.for_site(site) if site else SupportSettings()


def settings_for_site(site_id):
    """The support settings of the site with id ``site_id`` (None: the default site), read without
    writing: a site whose settings were never saved gets the defaults."""
    from wagtail.models import Site

    if site_id is None:
        site_id = Site.objects.filter(is_default_site=True).values_list("pk", flat=True).first()
        if site_id is None:
            return SupportSettings()
    key = _cache_key(site_id)
    cached = from_cache(
        lambda: cache.get_or_set(key, lambda: _read_settings(site_id), SETTINGS_CACHE_SECONDS),
        what="support settings",
    )
    return cached or _read_settings(site_id)


#: How long a site's support settings are kept in Django's cache; saving or deleting them drops the copy
#: at once (``forget_settings``), so this only bounds a copy left by a change that bypassed ``save()``.
SETTINGS_CACHE_SECONDS = 300


def _cache_key(site_id):
    return f"wagtail_support:support-settings:{site_id}"


def _read_settings(site_id):
    return SupportSettings.objects.filter(site_id=site_id).first() or SupportSettings(site_id=site_id)


@receiver(post_save, sender=SupportSettings, dispatch_uid="wagtail_support.forget_settings_saved")
@receiver(post_delete, sender=SupportSettings, dispatch_uid="wagtail_support.forget_settings_deleted")
def forget_settings(sender, instance, **kwargs):
    """A saved or deleted row is read afresh by the next ``settings_for_site``, in every process."""
    from_cache(lambda: cache.delete(_cache_key(instance.site_id)), what="support settings")


def settings_of_every_site():
    """``(settings, Q)`` for each Wagtail site: its support settings (saved or defaults) and the ticket
    filter of its tickets; tickets without a site go with the default site's. Two queries in all, so
    that periodic jobs apply each site's own settings without a query per ticket."""
    from django.db.models import Q
    from wagtail.models import Site

    sites = list(Site.objects.order_by("pk"))
    saved = {row.site_id: row for row in SupportSettings.objects.filter(site__in=sites)}
    groups = []
    for site in sites:
        in_site = Q(site=site) | Q(site__isnull=True) if site.is_default_site else Q(site=site)
        groups.append((saved.get(site.pk) or SupportSettings(site=site), in_site))
    if not any(site.is_default_site for site in sites):
        groups.append((SupportSettings(), Q(site__isnull=True)))
    return groups
