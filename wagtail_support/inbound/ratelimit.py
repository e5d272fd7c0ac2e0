"""Per-sender rate limit of inbound e-mail, counted in the cache through django-ratelimit.

When the cache cannot be reached, nothing is limited (``degrade.from_cache``): mail is still processed.
"""

from django.http import HttpRequest
from django_ratelimit.core import get_usage

from wagtail_support.conf import support_settings
from wagtail_support.degrade import from_cache


def sender_over_rate(sender):
    """Count one e-mail from ``sender``; True once they have passed ``INBOUND_SENDER_RATE``."""
    usage = from_cache(
        lambda: get_usage(
            HttpRequest(),  # django-ratelimit wants a request; the key is the sender alone
            group="wagtail_support.inbound.sender",
            key=lambda group, request: sender.lower(),
            rate=support_settings.INBOUND_SENDER_RATE,
            increment=True,
        ),
        what="inbound sender rate limit",
    )
    return bool(usage and usage.get("should_limit") and usage.get("time_left", 0) >= 0)
