"""The customer's own preferences: the language and the time zone of their pages and e-mails."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerProfile(models.Model):
    """Written when a customer first signs in (their language) or chooses on the Preferences page.

    Blank fields mean "not chosen yet": the site's default language, the server's time zone.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_profile"
    )
    language = models.CharField(_("language"), max_length=20, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Replies from the team are always e-mailed; these two kinds may be turned off.
    email_confirmations = models.BooleanField(
        _("confirmations"), default=True, help_text=_("An e-mail when you open a ticket.")
    )
    email_status_changes = models.BooleanField(
        _("status changes"),
        default=True,
        help_text=_("An e-mail when the team closes, reopens or merges a ticket."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("customer profile")
        verbose_name_plural = _("customer profiles")

    def __str__(self):
        return str(self.user)
