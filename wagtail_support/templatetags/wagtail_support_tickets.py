"""Template filters of the customer's support pages.

{% load wagtail_support_tickets %}
{{ ticket.status|customer_status }}
"""

from django import template
from django.utils.translation import pgettext_lazy

from wagtail_support.tickets.models import TicketStatus

register = template.Library()

CUSTOMER_STATUS = {
    TicketStatus.NEW: pgettext_lazy("ticket status", "New"),
    TicketStatus.AWAITING_STAFF: pgettext_lazy("ticket status", "Awaiting the team"),
    TicketStatus.AWAITING_CUSTOMER: pgettext_lazy("ticket status", "Awaiting you"),
    TicketStatus.CLOSED: pgettext_lazy("ticket status", "Closed"),
}
STATUS_BADGE = {
    TicketStatus.NEW: "info",
    TicketStatus.AWAITING_STAFF: "secondary",
    TicketStatus.AWAITING_CUSTOMER: "warning",
    TicketStatus.CLOSED: "light",
}


@register.filter
def customer_status(status):
    """A ticket status as the customer reads it: "Awaiting you" rather than "Awaiting the customer"."""
    return CUSTOMER_STATUS.get(status, status)


@register.filter
def status_badge(status):
    """A CSS modifier for the status badge (Bootstrap's ``text-bg-*`` in the default templates)."""
    return STATUS_BADGE.get(status, "secondary")
