"""Throttling of log-in and password-reset attempts, per account and per client address.

Counts live in the site's cache through django-ratelimit (``RATELIMIT_USE_CACHE``). When the cache
cannot be reached, nothing is limited: customers can still log in, and the failure is logged.
"""

import logging
import math

from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from wagtail_support.conf import support_settings

logger = logging.getLogger(__name__)


def _limits(account, rate=None):
    account_key = (account or "").strip().lower()
    return [
        ("account", lambda group, request: account_key, rate or support_settings.LOGIN_RATE_PER_ACCOUNT),
        ("ip", "ip", rate or support_settings.LOGIN_RATE_PER_ADDRESS),
    ]


def _usage(request, action, name, key, rate, increment):
    try:
        usage = get_usage(
            request, group=f"wagtail_support.{action}.{name}", key=key, rate=rate, increment=increment
        )
    except Exception:  # the cache backend's own errors (e.g. Redis down): degrade, never a 500
        logger.warning("Rate-limit cache unreachable; %s is not throttled", action, exc_info=True)
        return None
    # django-ratelimit answers time_left=-1 when the cache refused to count: treat as unknown.
    if usage is None or usage["time_left"] < 0:
        return None
    return usage


def minutes_blocked(request, action, account):
    """Minutes to wait when ``account`` or the client's address has used up its attempts, else None."""
    waits = [
        usage["time_left"]
        for name, key, rate in _limits(account)
        if (usage := _usage(request, action, name, key, rate, increment=False))
        and usage["count"] >= usage["limit"]
    ]
    return max(1, math.ceil(max(waits) / 60)) if waits else None


def count_attempt(request, action, account):
    """Count one attempt (a failed log-in, a reset request) against the account and the address."""
    for name, key, rate in _limits(account):
        _usage(request, action, name, key, rate, increment=True)


def over_rate(request, action, account, rate):
    """Count this request against the account and the address; True once either has passed ``rate``."""
    used = [
        _usage(request, action, name, key, rate, increment=True) for name, key, rate in _limits(account, rate)
    ]
    return any(usage and usage["should_limit"] for usage in used)


def too_many_message(minutes):
    return ngettext(
        "Too many attempts. Please try again in %(minutes)d minute.",
        "Too many attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
