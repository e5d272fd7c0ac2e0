"""``{% customer_timeline ticket conversation as timeline %}``: the customer's messages and the events
of their ticket meant for them, oldest first, each event with its sentence (``text``)."""

from django import template
from django.utils.translation import gettext as _

from wagtail_support.templatetags.wagtail_support_tickets import customer_status
from wagtail_support.tickets.events import timeline
from wagtail_support.tickets.people import display_name, public_names

register = template.Library()


@register.simple_tag
def customer_timeline(ticket, messages):
    """Public messages and public events of ``ticket``, for its customer."""
    items = timeline(ticket, list(messages), for_customer=True)
    chosen = public_names(i.author_id for i in items if not getattr(i, "is_event", False) and i.from_staff)
    for item in items:
        if not getattr(item, "is_event", False):
            if item.from_staff and item.author_id:
                item.author_public_name = chosen.get(item.author_id) or item.author.first_name
            continue
        if getattr(item, "is_event", False):
            if item.actor_id == ticket.customer_id:
                who = _("You")
            else:
                who = display_name(item.actor, for_customer=True) if item.actor_id else _("Support team")
            item.text = item.describe(who, status_label=customer_status)
    return items
