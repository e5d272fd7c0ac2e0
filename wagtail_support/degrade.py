"""The one seam where an unreachable cache degrades instead of failing a request.

Django's cache is a help, never the record: rate limits, the outbox's note of a delivery and the
URLs built after a commit must still answer when Redis is down. Each such call goes through
``from_cache``, which logs the error and returns the fallback.
"""

import logging

logger = logging.getLogger("wagtail_support.cache")


def from_cache(call, default=None, what="a cache call"):
    """``call()``, or ``default`` (logged) when the cache cannot be reached."""
    try:
        return call()
    except Exception:
        logger.warning("The cache cannot be reached (%s); carrying on without it.", what, exc_info=True)
        return default
