"""The notification outbox: the one way the app sends e-mail.

``notify()`` (and ``notify_many()`` for imports) is the only writer of outbox rows: it writes a
row in the caller's transaction and hands it to Celery once that transaction commits
(``dispatcher.hand_over_on_commit``). ``deliver()`` claims a row before sending, so a task, a retry and the
sweep racing each other send it once. A row whose sender died mid-send is never re-sent
automatically: it is marked failed with a note, for a person to retry from the admin.
"""

import logging
import random
import smtplib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import get_template
from django.utils import timezone, translation

from wagtail_support.conf import support_settings
from wagtail_support.degrade import from_cache
from wagtail_support.notifications import delivery
from wagtail_support.notifications.dispatcher import BATCH_SIZE, hand_over_on_commit, publish
from wagtail_support.notifications.models import Notification, NotificationStatus
from wagtail_support.notifications.render import render_email, template_names

logger = logging.getLogger(__name__)

INTERRUPTED_ERROR = (
    "The worker stopped while sending this message, so it may or may not have been "
    "delivered. It was not re-sent automatically; retry it if the recipient did not get it."
)


@dataclass(frozen=True)
class DeliveryResult:
    """What one attempt did: ``sent``, ``retry`` (after ``retry_in`` s), ``failed`` or ``skipped``."""

    outcome: str
    retry_in: float | None = None


def notify(kind, recipient, context=None, dedupe_key=None, language=None):
    """Queue the e-mail ``kind`` for ``recipient`` and return its outbox row.

    The row is written in the caller's transaction and handed to Celery after that transaction
    commits, so a rolled-back request sends nothing. A second call with the same ``dedupe_key``
    returns the existing row and queues nothing. ``context`` must be JSON-serialisable: it is
    rendered later, in the worker, with the templates of ``kind``.
    """
    notification = _row(kind, recipient, context, dedupe_key, language)
    try:
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:  # already queued under this dedupe key
        return Notification.objects.get(dedupe_key=notification.dedupe_key)
    hand_over_on_commit([notification.pk])
    return notification


def notify_many(emails):
    """``notify`` for many e-mails at once (the CSV import): ``emails`` holds ``notify``'s keyword
    arguments, one dict per e-mail. Rows written in one statement; those whose dedupe key is taken are
    skipped. Returns the new rows.
    """
    rows = {}
    for arguments in emails:
        row = _row(**arguments)
        rows.setdefault(row.dedupe_key, row)
    taken = set(Notification.objects.filter(dedupe_key__in=list(rows)).values_list("dedupe_key", flat=True))
    new = Notification.objects.bulk_create([row for key, row in rows.items() if key not in taken])
    hand_over_on_commit([row.pk for row in new])
    return new


def _row(kind, recipient, context=None, dedupe_key=None, language=None):
    get_template(template_names(kind)["subject"])  # fail in the caller, not in the worker
    return Notification(
        kind=kind,
        recipient=recipient,
        context=context or {},
        language=language or translation.get_language() or "",
        dedupe_key=dedupe_key or f"{kind}:{uuid.uuid4()}",
        next_attempt_at=timezone.now(),
    )


_sending_callbacks = []


def on_sending(callback):
    """Register ``callback(notification, message_id)``, called with each e-mail's Message-ID right before
    it is handed to the mail server (so a reply can never arrive before its Message-ID is known)."""
    if callback not in _sending_callbacks:
        _sending_callbacks.append(callback)
    return callback


def deliver(notification_id):
    """Send one pending row now, at most once. Safe to call from any number of workers."""
    notification = _claim(notification_id)
    if notification is None:
        return DeliveryResult("skipped")
    try:
        email = render_email(notification)
        for callback in _sending_callbacks:
            callback(notification, email.extra_headers["Message-ID"])
        email.send()
    except Exception as error:
        return _record_failure(notification, error)
    delivery.record_sent(notification.pk, timezone.now())
    return DeliveryResult("sent")


def _claim(notification_id):
    # One conditional UPDATE is atomic on every database: only one caller wins the row.
    claimed = Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    return Notification.objects.get(pk=notification_id) if claimed else None


def describe_error(error):
    """The error in the words a person reading the outbox needs: the mail server's own answer."""
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        if isinstance(answer, bytes):
            answer = answer.decode(errors="replace")
        return f"{type(error).__name__}: {error.smtp_code} {answer}"
    return f"{type(error).__name__}: {error}"


def _record_failure(notification, error):
    message = describe_error(error)
    if notification.attempts >= support_settings.NOTIFICATION_MAX_ATTEMPTS:
        logger.error("Notification %s failed for good: %s", notification.pk, message)
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.FAILED, last_error=message, next_attempt_at=None
        )
        return DeliveryResult("failed")
    delay = retry_delay(notification.attempts)
    logger.warning("Notification %s failed, retry in %.0f s: %s", notification.pk, delay, message)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING,
        last_error=message,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    return DeliveryResult("retry", retry_in=delay)


def retry_delay(attempts):
    """Seconds to wait after ``attempts`` failed tries: exponential backoff with jitter."""
    ceiling = min(
        support_settings.NOTIFICATION_RETRY_BACKOFF_MAX,
        support_settings.NOTIFICATION_RETRY_BACKOFF * 2 ** (attempts - 1),
    )
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


class AlreadyAccepted(Exception):
    """The mail server accepted this failed row's message (its status write failed): a retry duplicates it."""

    def __init__(self, accepted_at):
        super().__init__(accepted_at)
        self.accepted_at = accepted_at


def retry(notification, confirmed=False):
    """Put a failed row back in the queue (the admin's retry action). Returns whether it was queued.

    Raises ``AlreadyAccepted`` for a row the mail server is known to have accepted, unless ``confirmed``.
    """
    if not confirmed and (accepted := delivery.accepted_at(notification.pk)):
        raise AlreadyAccepted(accepted)
    updated = Notification.objects.filter(pk=notification.pk, status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_at=None,
        queued_at=None,
    )
    if updated:
        hand_over_on_commit([notification.pk])
    return bool(updated)


def due_notifications():
    """Pending rows whose time has come, that their own on-commit task has had time to send, and that
    are not waiting in the broker's queue: never published, or published longer ago than the broker
    takes to redeliver a lost task (``OUTBOX_REQUEUE_AFTER``). Rows only waiting behind a backlog stay.
    """
    now = timezone.now()
    return Notification.objects.filter(
        Q(queued_at__isnull=True)
        | Q(queued_at__lt=now - timedelta(seconds=support_settings.OUTBOX_REQUEUE_AFTER)),
        status=NotificationStatus.PENDING,
        next_attempt_at__lte=now,
        created_at__lte=now - timedelta(seconds=support_settings.OUTBOX_SWEEP_GRACE),
    ).order_by("next_attempt_at", "pk")


def mark_interrupted():
    """Settle rows stuck in "sending" past the timeout; returns how many were marked failed.

    A row whose acceptance by the mail server was recorded apart (its status write failed, see
    ``delivery``) is marked sent; the others failed, with a note. Never re-sends them.
    """
    cutoff = timezone.now() - timedelta(seconds=support_settings.NOTIFICATION_SENDING_TIMEOUT)
    stuck = Notification.objects.filter(status=NotificationStatus.SENDING, claimed_at__lt=cutoff)
    delivery.settle_accepted(stuck)
    return stuck.update(status=NotificationStatus.FAILED, last_error=INTERRUPTED_ERROR, next_attempt_at=None)


def needs_a_person(now=None):
    """Rows only a person can settle: failed (after the last attempt, or interrupted mid-send: "may or
    may not have been delivered") and rows stuck in "sending" past the timeout that the sweep has not
    settled yet. Both conditions lead with ``status``, so the outbox's status index answers a count.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=support_settings.NOTIFICATION_SENDING_TIMEOUT)
    return Notification.objects.filter(
        Q(status=NotificationStatus.FAILED) | Q(status=NotificationStatus.SENDING, claimed_at__lt=cutoff)
    )


ATTENTION_CACHE_KEY = "wagtail_support:outbox-needs-a-person"
ATTENTION_CACHE_SECONDS = 30


def needs_a_person_count(request=None):
    """How many rows need a person, counted now (the outbox screen and the dashboard's alert); once per
    request, and noted in the cache for the menu (``needs_a_person_count_for_menu``)."""
    if request is not None and hasattr(request, "wagtail_support_outbox_attention"):
        return request.wagtail_support_outbox_attention
    count = needs_a_person().count()
    if request is not None:
        request.wagtail_support_outbox_attention = count
    from_cache(
        lambda: cache.set(ATTENTION_CACHE_KEY, count, ATTENTION_CACHE_SECONDS), what="the outbox count"
    )
    return count


def needs_a_person_count_for_menu(request):
    """The count for the admin menu on every page: this request's, else the cache's (at most
    ``ATTENTION_CACHE_SECONDS`` old; the outbox screen and the dashboard count afresh), else counted."""
    if hasattr(request, "wagtail_support_outbox_attention"):
        return request.wagtail_support_outbox_attention
    count = from_cache(lambda: cache.get(ATTENTION_CACHE_KEY), what="the outbox count")
    if count is None:
        return needs_a_person_count(request)
    request.wagtail_support_outbox_attention = count
    return count


def sweep(send=None, limit=1000):
    """Find rows that were never sent (broker down, worker lost) and send them with ``send(id)``, or
    publish them to Celery in batches.

    Returns ``(handed, interrupted)``: how many rows were handed to ``send`` and how many
    stuck rows were marked failed. Run by Celery beat and by ``manage.py support_send_notifications``.
    """
    interrupted = mark_interrupted()
    ids = list(due_notifications().values_list("pk", flat=True)[:limit])
    if send is None:
        for start in range(0, len(ids), BATCH_SIZE):
            publish(ids[start : start + BATCH_SIZE], support_settings.CELERY_QUEUE)
    else:
        for notification_id in ids:
            send(notification_id)
    return len(ids), interrupted
