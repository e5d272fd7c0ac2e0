"""Canned responses (macros) and agents' saved views of the queue."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.search import index

from wagtail_support.tickets.models import TicketPriority, TicketStatus

PLACEHOLDERS = {
    "first_name": _("the customer's first name"),
    "product": _("the ticket's product"),
    "support_until": _("the date support ends"),
    "agent_name": _("your name"),
    "reference": _("the ticket's reference"),
}


class CannedResponseQuerySet(models.QuerySet):
    def for_product(self, product):
        """Active responses for ``product``'s tickets: its own and those for every product."""
        return self.filter(active=True).filter(models.Q(product__isnull=True) | models.Q(product=product))


class CannedResponse(index.Indexed, models.Model):
    """A ready-made reply (Markdown) that agents insert into a ticket and adapt before sending: a macro
    when it also sets the status, priority, assignee or tags on send."""

    title = models.CharField(pgettext_lazy("canned response title", "title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Markdown, as in a reply. Placeholders filled when inserted: {first_name}, {product}, "
            "{support_until}, {agent_name}, {reference}."
        ),
    )
    product = models.ForeignKey(
        "wagtail_support.SupportedProduct",
        verbose_name=pgettext_lazy("supported product", "product"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
        help_text=_("Leave empty to offer it on every ticket."),
    )
    active = models.BooleanField(_("active"), default=True)
    set_status = models.CharField(
        _("set the status to"), max_length=20, choices=TicketStatus.choices, blank=True
    )
    set_priority = models.PositiveSmallIntegerField(
        _("set the priority to"), choices=TicketPriority.choices, null=True, blank=True
    )
    assign_to_sender = models.BooleanField(_("assign to the agent who sends it"), default=False)
    add_tags = models.CharField(
        _("add the tags"), max_length=255, blank=True, help_text=_("Comma-separated, e.g. refund, billing.")
    )

    objects = CannedResponseQuerySet.as_manager()

    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.SearchField("body")]

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_macro(self):
        return bool(self.set_status or self.set_priority or self.assign_to_sender or self.add_tags)


class SavedView(models.Model):
    """An agent's named set of queue filters and search, listed in the Support menu with its count."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="support_saved_views",
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="wsupport_savedview_unique_name")
        ]

    def __str__(self):
        return self.name
