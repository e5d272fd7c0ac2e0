"""One date-and-time format on every customer page and e-mail, in the active time zone, zone named.

{% load wagtail_support_time %}
{{ ticket.created_at|support_datetime }}   → "3 Dec 2026, 14:05 PST"
{% support_time ticket.created_at %}       → the same in a <time> element titled with the IANA zone
{{ entitlement.support_until|support_date }} → "3 Dec 2026"

The zone is the customer's on their pages (``SupportPageMixin.serve``) and in their e-mails
(``notifications.render``); the server's ``TIME_ZONE`` elsewhere.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html

register = template.Library()

DATETIME_FORMAT = "j M Y, H:i T"
DATE_FORMAT = "j M Y"


def _as_datetime(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if isinstance(value, datetime) else None


@register.filter
def support_datetime(value):
    """``value`` (an aware datetime or an ISO string) in the active zone, with the zone's name."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, DATETIME_FORMAT)


@register.filter
def support_date(value):
    """A date (or the date of a datetime, in the active zone) in the customer pages' format."""
    if isinstance(value, str):
        value = _as_datetime(value) or value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, DATE_FORMAT) if isinstance(value, date) else ""


@register.simple_tag
def support_time(value):
    """A ``<time>`` element: machine-readable instant, the zone's IANA name as its title."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        timezone.get_current_timezone_name(),
        support_datetime(moment),
    )
