"""Tickets, their messages and attachments."""

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager

from wagtail_support.conf import support_settings
from wagtail_support.tickets.storage import attachment_storage, attachment_upload_to

# Wagtail 8 can swap the base page model (WAGTAIL_PAGE_MODEL); Wagtail 7.4 has no such setting.
PAGE_MODEL = getattr(settings, "WAGTAIL_PAGE_MODEL", "wagtailcore.Page")


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    AWAITING_STAFF = "awaiting_staff", pgettext_lazy("ticket status", "Awaiting the team")
    AWAITING_CUSTOMER = "awaiting_customer", pgettext_lazy("ticket status", "Awaiting the customer")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.AWAITING_STAFF, TicketStatus.AWAITING_CUSTOMER)
#: Open tickets whose next move is the team's.
AWAITING_TEAM_STATUSES = (TicketStatus.NEW, TicketStatus.AWAITING_STAFF)


class TicketPriority(models.IntegerChoices):
    LOW = 10, pgettext_lazy("ticket priority", "Low")
    NORMAL = 20, pgettext_lazy("ticket priority", "Normal")
    HIGH = 30, pgettext_lazy("ticket priority", "High")
    URGENT = 40, pgettext_lazy("ticket priority", "Urgent")


class Ticket(models.Model):
    """A customer's question about one entitled product, and the conversation that answers it."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="support_tickets",
    )
    entitlement = models.ForeignKey(
        "wagtail_support.Entitlement",
        verbose_name=_("purchase"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    product = models.ForeignKey(
        "wagtail_support.SupportedProduct",
        verbose_name=pgettext_lazy("supported product", "product"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    installation = models.ForeignKey(
        "wagtail_support.Installation",
        verbose_name=pgettext_lazy("customer website", "site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("Wagtail site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The site whose support settings and links apply; empty means the default site."),
    )
    support_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("support page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The support section the ticket was opened from; e-mails link to it."),
    )
    title = models.CharField(pgettext_lazy("ticket title", "title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=TicketPriority.choices, default=TicketPriority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_tickets",
    )
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(_("last customer message"), null=True, blank=True)
    last_staff_message_at = models.DateTimeField(_("last team message"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    unread_by_customer = models.BooleanField(_("unread by the customer"), default=False)
    unread_by_staff = models.BooleanField(_("unread by the team"), default=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = TaggableManager(verbose_name=_("tags"), through="wagtail_support.TaggedTicket", blank=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            models.Index(fields=["-last_activity_at", "-id"], name="wsupport_ticket_activity"),
            models.Index(fields=["status", "-last_activity_at"], name="wsupport_ticket_queue"),
            models.Index(fields=["customer", "-last_activity_at"], name="wsupport_ticket_customer"),
            # "Mine" and "unassigned", with any status and priority, counted from the index alone.
            models.Index(fields=["assignee", "status", "priority"], name="wsupport_ticket_assignee"),
            # Overdue and nearly overdue tickets: the open ones still waiting for a first response.
            models.Index(
                fields=["first_response_due_at"],
                name="wsupport_ticket_unanswered",
                condition=models.Q(first_response_at__isnull=True, status__in=OPEN_STATUSES),
            ),
            # An agent's next tickets (dashboard, "next ticket"): theirs awaiting the team, due soonest first.
            # (PostgreSQL sorts NULLs last in an ascending index, as the query asks.)
            models.Index(
                fields=["assignee", "first_response_due_at", "last_activity_at", "id"],
                name="wsupport_ticket_next",
                condition=models.Q(status__in=AWAITING_TEAM_STATUSES),
            ),
            # The metrics' first-response histogram of the last 7 days, from the index alone.
            models.Index(
                fields=["first_response_at"], include=["created_at"], name="wsupport_ticket_answered"
            ),
        ]
        permissions = [
            ("reply_ticket", _("Can reply to tickets and write internal notes")),
            ("assign_ticket", _("Can assign tickets")),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self):
        return reference_for(self.pk)

    @property
    def is_closed(self):
        return self.status == TicketStatus.CLOSED


def reference_for(pk):
    return f"{support_settings.TICKET_REFERENCE_PREFIX}-{pk + support_settings.TICKET_NUMBER_OFFSET}"


def pk_from_reference(reference):
    """The database id of a reference like "SUP-1042", or None when it is not one of ours."""
    prefix, _, number = (reference or "").upper().rpartition("-")
    if prefix != support_settings.TICKET_REFERENCE_PREFIX.upper() or not number.isdigit():
        return None
    pk = int(number) - support_settings.TICKET_NUMBER_OFFSET
    return pk if pk > 0 else None


class Message(models.Model):
    """One message of a ticket: a customer's or an agent's public reply, or an internal staff note."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="support_messages",
    )
    body = models.TextField(_("message"), help_text=_("Markdown."))
    body_html = models.TextField(_("message as HTML"), editable=False)
    from_staff = models.BooleanField(_("from the team"), default=False)
    is_internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="wsupport_message_ticket")]

    def __str__(self):
        return f"{self.ticket.reference} #{self.pk}"


class TicketSearchDocument(models.Model):
    """A ticket's search document on PostgreSQL: the words of its title and messages (``tsvector``).

    Kept in its own narrow table, one row per ticket, so the ticket table stays narrow for the queue and
    the dashboard (about 1.1 KB a ticket inline was most of its size). PostgreSQL keeps the rows current
    with triggers on the ticket and message tables (migrations 0010 and 0020, fenced in
    docs/architecture.md); ``staff/search.py`` reads them. Other databases leave this table empty and
    search titles and messages directly.
    """

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    document = SearchVectorField(_("words"), default="")

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("ticket search document")
        verbose_name_plural = _("ticket search documents")

    def __str__(self):
        return str(self.ticket_id)


def thumbnail_upload_to(instance, filename):
    return f"support/thumbnails/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.png"


class Attachment(models.Model):
    """A file sent with a message: kept in private storage, served only to the ticket's participants."""

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(
        _("file"), storage=attachment_storage, upload_to=attachment_upload_to, max_length=255
    )
    thumbnail = models.FileField(
        _("thumbnail"),
        storage=attachment_storage,
        upload_to=thumbnail_upload_to,
        max_length=255,
        blank=True,
        help_text=_("A small PNG drawn from a verified image's pixels; empty for other files."),
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    # Operational records, not editorial content: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name


def pending_upload_to(instance, filename):
    return f"support/pending/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class PendingUpload(models.Model):
    """A checked file held for a form that failed validation, so the customer need not choose it again.

    Keyed to the user *and* their session; used by the next submission of that session, deleted once
    the message is saved, and swept after ``tickets.pending.MAX_AGE``.
    """

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(_("session"), max_length=64)
    file = models.FileField(
        _("file"), storage=attachment_storage, upload_to=pending_upload_to, max_length=255
    )
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    thumbnail = models.BinaryField(_("thumbnail"), blank=True, null=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class TicketColleague(models.Model):
    """Someone the customer added to a ticket: they get its e-mails and may read and reply to it."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="colleagues"
    )
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="support_colleague_of",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("colleague on a ticket")
        verbose_name_plural = _("colleagues on tickets")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="wsupport_colleague_unique"),
        ]

    def __str__(self):
        return self.email
