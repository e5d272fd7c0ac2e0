"""Is each part reachable, and is mail flowing? One function per part, each quick and read-only.

A probe answers ``"up"``, ``"down"`` or ``"not used"`` (a broker when Celery runs tasks in-process) and
never raises: the health endpoint must answer while the very thing it checks is down.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from wagtail_support.conf import support_settings

logger = logging.getLogger("wagtail_support.health")

UP, DOWN, NOT_USED = "up", "down", "not used"


def _probe(name, check):
    try:
        check()
    except Exception:  # whatever the client raises for "unreachable"; logged, answered as down
        logger.warning("Health check: %s is down", name, exc_info=True)
        return DOWN
    return UP


def database():
    def round_trip():  # a kept connection (CONN_MAX_AGE) proves nothing until the server answers
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    return _probe("the database", round_trip)


def cache_server():
    # A read is enough: Redis that answers a GET is reachable. Nothing is written on a GET request.
    return _probe("the cache", lambda: cache.get("wagtail_support:health"))


def broker():
    from celery import current_app

    conf = current_app.conf
    if conf.task_always_eager or str(conf.broker_url or "").startswith("memory://"):
        return NOT_USED
    timeout = float(support_settings.HEALTH_BROKER_TIMEOUT)

    def connect():
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)

    return _probe("the broker", connect)


def outbox(now=None):
    """Mail waiting and mail stuck: counts, and how long the oldest unsent row has waited (seconds)."""
    from django.db.models import Count, Min, Q

    from wagtail_support.notifications.models import Notification, NotificationStatus
    from wagtail_support.notifications.outbox import needs_a_person

    now = now or timezone.now()
    unsent = (NotificationStatus.PENDING, NotificationStatus.SENDING)
    row = Notification.objects.filter(status__in=unsent).aggregate(
        pending=Count("pk", filter=Q(status=NotificationStatus.PENDING)),
        sending=Count("pk", filter=Q(status=NotificationStatus.SENDING)),
        oldest=Min("created_at"),
    )
    oldest = row.pop("oldest")
    return {
        **row,
        "needs_a_person": needs_a_person(now).count(),
        "oldest_unsent_seconds": round((now - oldest).total_seconds()) if oldest else 0,
    }


def inbound(now=None):
    """Inbound e-mail not yet handled: counts, the oldest one's age (seconds), and those held or failed."""
    from django.db.models import Min

    from wagtail_support.inbound.models import RETRYABLE_STATUSES, UNFINISHED_STATUSES, InboundMessage

    now = now or timezone.now()
    unfinished = InboundMessage.objects.filter(status__in=UNFINISHED_STATUSES)
    oldest = unfinished.aggregate(oldest=Min("received_at"))["oldest"]
    return {
        "unfinished": unfinished.count(),
        "needs_a_person": InboundMessage.objects.filter(status__in=RETRYABLE_STATUSES).count(),
        "oldest_unfinished_seconds": round((now - oldest).total_seconds()) if oldest else 0,
    }


def report():
    """Everything the health endpoint tells staff. ``status`` is "down" only when the database is:
    without the cache or the broker the site still serves customers (the outbox keeps the mail)."""
    parts = {"database": database(), "cache": cache_server(), "broker": broker()}
    details = {"status": UP if parts["database"] == UP else DOWN, "checks": parts}
    if parts["database"] == UP:
        try:
            details["outbox"], details["inbound"] = outbox(), inbound()
        except Exception:
            logger.warning("Health check: the outbox could not be read", exc_info=True)
            details["status"] = DOWN
    return details
