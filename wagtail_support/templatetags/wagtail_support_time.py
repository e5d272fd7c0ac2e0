"""One date-and-time format on every customer page and e-mail, in the active time zone, zone named.

{% load wagtail_support_time %}
{{ ticket.created_at|support_datetime }}   → "3 Dec 2026, 14:05 PST"
{% support_time ticket.created_at %}       → the same in a <time> element titled with the IANA zone
{{ entitlement.support_until|support_date }} → "3 Dec 2026"

The zone is the customer's on their pages (``SupportPageMixin.serve``) and in their e-mails
(``notifications.render``); the server's ``TIME_ZONE`` elsewhere.
"""

from django import template

from wagtail_support.dates import support_date, support_datetime, support_time

register = template.Library()
register.filter("support_datetime", support_datetime)
register.filter("support_date", support_date)
register.simple_tag(support_time, name="support_time")
