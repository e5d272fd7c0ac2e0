"""Canned responses: replies the team writes once and inserts into tickets."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.search import index


class CannedResponseQuerySet(models.QuerySet):
    def for_product(self, product):
        """Active responses for ``product``'s tickets: its own and those for every product."""
        return self.filter(active=True).filter(models.Q(product__isnull=True) | models.Q(product=product))


class CannedResponse(index.Indexed, models.Model):
    """A ready-made reply (Markdown) that agents insert into a ticket and adapt before sending."""

    title = models.CharField(pgettext_lazy("canned response title", "title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown, as in a reply."))
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

    objects = CannedResponseQuerySet.as_manager()

    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.SearchField("body")]

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title
