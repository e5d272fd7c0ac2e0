from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail_support.notifications.kinds import kind_label


class NotificationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("outbox status", "Pending")
    SENDING = "sending", pgettext_lazy("outbox status", "Sending")
    SENT = "sent", pgettext_lazy("outbox status", "Sent")
    FAILED = "failed", pgettext_lazy("outbox status", "Failed")


class Notification(models.Model):
    """One e-mail in the outbox. Written in the caller's transaction, sent by a Celery task."""

    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    recipient = models.EmailField(_("recipient"))
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=255, unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    # When the row was last published to Celery: the sweep leaves it to the broker for a while.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Threading and bounces (inbound e-mail): the Message-ID the e-mail went out with, recorded when it
    # is sent (``inbound.threading.record_sent``), the ticket it belongs to, and a bounce reported for it.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    ticket = models.ForeignKey(
        "wagtail_support.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    bounce_reason = models.TextField(_("bounce"), blank=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        default_permissions = ("view",)
        permissions = [("retry_notification", _("Can retry a failed notification"))]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="wsupport_outbox_due"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"

    def kind_label(self):
        """The kind in words (``kinds.KIND_LABELS``), else its name."""
        return kind_label(self.kind)

    @property
    def bounced(self):
        return self.bounced_at is not None

    @property
    def can_retry(self):
        return self.status == NotificationStatus.FAILED
