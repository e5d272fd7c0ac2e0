"""Free tags on tickets (django-taggit, which Wagtail already uses), with the app's own through model."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import TaggedItemBase


class TaggedTicket(TaggedItemBase):
    content_object = models.ForeignKey(
        "wagtail_support.Ticket", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("ticket tag")
        verbose_name_plural = _("ticket tags")


def parse_tags(text):
    """Tags from a comma-separated text, in order, each once, without blanks."""
    from taggit.utils import parse_tags as taggit_parse

    return list(dict.fromkeys(t.strip() for t in taggit_parse(text or "") if t.strip()))
