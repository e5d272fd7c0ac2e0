"""What is known of a message the mail server accepted when its "sent" status could not be written.

After ``send()`` succeeds, ``record_sent`` writes the row's status. A dropped database connection or a
statement timeout there is retried on a fresh connection a few times, with backoff. If the write still
fails, the acceptance is kept in Django's cache under the row's id (a store apart from the database):
the outbox sweep then marks the row sent, noting what happened, instead of "may or may not have been
delivered", and a retry from the admin asks before sending a duplicate.
"""

import logging
import time
from datetime import datetime

from django.core.cache import cache
from django.db import DatabaseError, connections, router

from wagtail_support.degrade import from_cache
from wagtail_support.notifications.models import Notification, NotificationStatus

logger = logging.getLogger("wagtail_support.notifications.outbox")

ACCEPTED_KEY = "wagtail_support:outbox-accepted:{}"
#: Kept far longer than any sending timeout, so that the sweep and the admin still find it.
ACCEPTED_KEEP_SECONDS = 30 * 24 * 3600
STATUS_WRITE_RETRIES = 4
STATUS_WRITE_BACKOFF = 0.2  # seconds, doubled after each failed try: 0.2 + 0.4 + 0.8 + 1.6
ACCEPTED_NOTE = (
    "Accepted by the mail server at {at}. The worker could not write this status then (database "
    "error), so the outbox sweep recorded it as sent. Do not retry: the recipient has it."
)


def record_sent(notification_id, accepted_at):
    """Mark the row sent, retrying on a fresh connection; else keep the acceptance in the cache.

    Returns whether the status was written.
    """
    delay = STATUS_WRITE_BACKOFF
    for attempt in range(STATUS_WRITE_RETRIES + 1):
        try:
            Notification.objects.filter(pk=notification_id).update(
                status=NotificationStatus.SENT, sent_at=accepted_at, last_error=""
            )
            return True
        except DatabaseError:
            logger.warning(
                "Notification %s was accepted by the mail server; writing its status failed (try %d).",
                notification_id,
                attempt + 1,
                exc_info=True,
            )
        if attempt < STATUS_WRITE_RETRIES:
            _fresh_connection()
            time.sleep(delay)
            delay *= 2
    remember_acceptance(notification_id, accepted_at)
    return False


def _fresh_connection():
    """Drop the connection so that the next query opens a new one (not inside a transaction)."""
    connection = connections[router.db_for_write(Notification)]
    if connection.in_atomic_block:
        return
    try:
        connection.close()
    except DatabaseError:
        pass  # already gone; Django opens a new one on the next query


def remember_acceptance(notification_id, accepted_at):
    key = ACCEPTED_KEY.format(notification_id)
    stored = from_cache(
        lambda: cache.set(key, accepted_at.isoformat(), ACCEPTED_KEEP_SECONDS) or True,
        default=False,
        what="recording an accepted e-mail",
    )
    logger.error(
        "Notification %s was accepted by the mail server at %s but its status could not be written; %s",
        notification_id,
        accepted_at.isoformat(),
        "the outbox sweep will mark it sent."
        if stored
        else "the cache cannot be reached either, so it will show as 'may or may not have been delivered'.",
    )


def accepted_at(notification_id):
    """When the mail server accepted this row's message, if a failed status write kept it; else None."""
    return _parse(from_cache(lambda: cache.get(ACCEPTED_KEY.format(notification_id)), what="outbox note"))


def settle_accepted(stuck):
    """Mark sent the rows of ``stuck`` whose acceptance was kept; returns how many."""
    ids = list(stuck.values_list("pk", flat=True))
    if not ids:
        return 0
    keys = {ACCEPTED_KEY.format(pk): pk for pk in ids}
    found = from_cache(lambda: cache.get_many(list(keys)), default={}, what="outbox notes")
    settled = 0
    for key, value in found.items():
        if (at := _parse(value)) is not None:
            settled += Notification.objects.filter(pk=keys[key], status=NotificationStatus.SENDING).update(
                status=NotificationStatus.SENT,
                sent_at=at,
                next_attempt_at=None,
                last_error=ACCEPTED_NOTE.format(at=at.isoformat(timespec="seconds")),
            )
    return settled


def _parse(value):
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
