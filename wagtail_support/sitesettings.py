"""Support settings that site owners change in the admin (Settings → Support), one set per site."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


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
    first_response_hours = models.PositiveIntegerField(_("first response target (hours)"), default=24)

    panels = [
        FieldPanel("default_coverage_policy"),
        FieldPanel("team_emails"),
        FieldPanel("first_response_hours"),
    ]

    class Meta:
        verbose_name = _("support settings")
        verbose_name_plural = _("support settings")

    @property
    def team_email_list(self):
        return split_addresses(self.team_emails)
