"""Inbound e-mail: every message received, stored raw before anything else happens to it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail_support.inbound.storage import inbound_storage, inbound_upload_to


class InboundStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    ATTACHED = "attached", _("Added to a ticket")
    OPENED_TICKET = "opened_ticket", _("Opened a ticket")
    IGNORED_AUTO_REPLY = "ignored_auto_reply", _("Ignored: automatic reply")
    BOUNCE = "bounce", _("Bounce")
    HELD_FOR_STAFF = "held_for_staff", _("Held for the team")
    FAILED = "failed", _("Failed")


#: Statuses a person may retry from the admin.
RETRYABLE_STATUSES = (InboundStatus.FAILED, InboundStatus.HELD_FOR_STAFF)
#: Statuses the sweep picks up: never queued (broker down) or left mid-way (worker killed).
UNFINISHED_STATUSES = (InboundStatus.RECEIVED, InboundStatus.PROCESSING)


class InboundMessage(models.Model):
    """One e-mail that reached the app (webhook, IMAP or pipe), and what became of it."""

    message_id = models.CharField(
        _("Message-ID"),
        max_length=255,
        unique=True,
        help_text=_("The e-mail's Message-ID, or a digest of the raw message when it has none."),
    )
    via = models.CharField(
        _("received through"), max_length=50, help_text=_('"webhook:<esp>", "imap", "pipe"')
    )
    raw = models.FileField(
        _("raw message"), storage=inbound_storage, upload_to=inbound_upload_to, max_length=255
    )
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sender = models.EmailField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("What happened, in words for the team."))
    ticket = models.ForeignKey(
        "wagtail_support.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    # Not "message": its column would be "message_id", the header's name above.
    ticket_message = models.OneToOneField(
        "wagtail_support.Message",
        verbose_name=_("message on the ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-pk"]
        default_permissions = ("view",)
        permissions = [
            ("retry_inboundmessage", _("Can retry an inbound e-mail")),
            ("download_inboundmessage", _("Can download the raw inbound e-mail")),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="wsupport_inbound_status")]

    def __str__(self):
        return f"{self.sender or '?'}: {self.subject}"

    @property
    def can_retry(self):
        return self.status in RETRYABLE_STATUSES
