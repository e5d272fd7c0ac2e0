"""One date-and-time format on every customer page and e-mail, in the active time zone, zone named.

The template filters of ``wagtail_support_time`` and the forms that print dates both use these.
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html

DATETIME_FORMAT = "j M Y, H:i T"
DATE_FORMAT = "j M Y"


def _as_datetime(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if isinstance(value, datetime) else None


def support_datetime(value):
    """``value`` (an aware datetime or an ISO string) in the active zone, with the zone's name."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, DATETIME_FORMAT)


def support_date(value):
    """A date (or the date of a datetime, in the active zone) in the customer pages' format."""
    if isinstance(value, str):
        value = _as_datetime(value) or value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, DATE_FORMAT) if isinstance(value, date) else ""


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
