"""Receiving and processing inbound e-mail: store the raw message first, then process it in Celery.

``receive()`` is the one way in (ESP webhooks, the IMAP poll, the MTA pipe all call it): it writes the
raw message to private storage and a row, and queues ``process()`` once that commits. A redelivery of
the same message (same Message-ID, or the same bytes when it has none) is a no-op. A broker that is down
loses nothing: ``sweep()`` queues every row left "received", and takes up rows left "processing" by a
worker that died. ``process()`` claims its row with one conditional UPDATE and writes the message and
the row's outcome in one transaction, so running it twice, or again after a crash, adds one message.
"""

import logging
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from wagtail_support.conf import support_settings
from wagtail_support.inbound import handling, parsing
from wagtail_support.inbound.models import InboundMessage, InboundStatus
from wagtail_support.notifications.dispatcher import publish_task

logger = logging.getLogger(__name__)


class MessageTooLarge(ValueError):
    """A raw message over ``INBOUND_MAX_BYTES``."""


def receive(raw: bytes, via: str) -> tuple[InboundMessage, bool]:
    """Store the raw message ``raw`` received through ``via`` and queue its processing.

    Returns ``(row, created)``; ``created`` is False for a redelivery, which changes nothing.
    ``via``: ``"webhook:<esp>"``, ``"imap"``, ``"pipe"`` or ``"test"``.
    """
    if len(raw) > support_settings.INBOUND_MAX_BYTES:
        raise MessageTooLarge(f"{len(raw)} bytes; the limit is {support_settings.INBOUND_MAX_BYTES}")
    envelope = _envelope(raw)
    existing = InboundMessage.objects.filter(message_id=envelope.message_id).first()
    if existing is not None:
        return existing, False
    row = InboundMessage(
        message_id=envelope.message_id,
        via=via[:50],
        size=len(raw),
        sender=envelope.sender[:254],
        subject=envelope.subject,
    )
    row.raw.save("message.eml", ContentFile(raw), save=False)  # the file first: a row always has its bytes
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:  # the same message, received at the same moment through another way
        row.raw.delete(save=False)
        return InboundMessage.objects.get(message_id=envelope.message_id), False
    transaction.on_commit(partial(queue_processing, row.pk), robust=True)
    return row, True


def _envelope(raw):
    """The headers routing needs; for a message too broken to read, only its identity (kept for staff)."""
    try:
        return parsing.read(raw)[1]
    except Exception:
        logger.warning("Inbound e-mail unreadable; stored as received for the team.", exc_info=True)
        return parsing.Envelope(message_id=parsing.digest_identity(raw), sender="", subject="")


def queue_processing(inbound_id, countdown=None):
    """Hand one row to Celery. A broker that is down is logged, not raised: the sweep queues it later."""
    from wagtail_support.inbound.tasks import process_inbound_message

    return publish_task(
        process_inbound_message,
        inbound_id,
        support_settings.CELERY_QUEUE,
        countdown,
        fallback="the inbound sweep will process it",
    )


def _stale_claim():
    return timezone.now() - timedelta(seconds=support_settings.INBOUND_PROCESSING_TIMEOUT)


def _claim(inbound_id):
    """Take the row for processing: one conditional UPDATE, so only one worker wins it.

    A row left "processing" past ``INBOUND_PROCESSING_TIMEOUT`` (its worker died) may be taken again.
    """
    claimable = Q(status=InboundStatus.RECEIVED) | Q(
        status=InboundStatus.PROCESSING, claimed_at__lt=_stale_claim()
    )
    claimed = InboundMessage.objects.filter(claimable, pk=inbound_id).update(
        status=InboundStatus.PROCESSING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    return InboundMessage.objects.get(pk=inbound_id) if claimed else None


def process(inbound_id):
    """Process one stored message: match it to a ticket, add it, answer, or hold it for the team.

    Returns the row's new status, or None when another worker has it or it was processed already.
    Safe to run any number of times, and after a worker died half-way.
    """
    row = _claim(inbound_id)
    if row is None:
        return None
    try:
        with row.raw.open("rb") as file:
            raw = file.read()
        outcome = handling.handle(row, raw)
    except ValidationError as error:  # the ticket rules refuse it (e.g. support has ended): no retry helps
        reason = "Refused by the ticket rules: " + " ".join(error.messages)
        return handling.finish(row, InboundStatus.HELD_FOR_STAFF, reason)
    except Exception as error:  # kept for a person, never dropped
        logger.exception("Processing inbound e-mail %s failed", inbound_id)
        return _record_failure(row, error)
    return outcome


def _record_failure(row, error):
    reason = f"{type(error).__name__}: {error}"
    if row.attempts >= support_settings.INBOUND_MAX_ATTEMPTS:
        status = InboundStatus.FAILED
    else:
        status = InboundStatus.RECEIVED  # the sweep tries again
        reason = f"Attempt {row.attempts} failed, will be tried again: {reason}"
    InboundMessage.objects.filter(pk=row.pk, status=InboundStatus.PROCESSING).update(
        status=status, reason=reason[:2000], claimed_at=None
    )
    return status


def unfinished(now=None):
    """Rows the sweep queues: "received" past the grace period, "processing" past the timeout."""
    now = now or timezone.now()
    grace = now - timedelta(seconds=support_settings.OUTBOX_SWEEP_GRACE)
    return InboundMessage.objects.filter(
        Q(status=InboundStatus.RECEIVED, received_at__lte=grace)
        | Q(status=InboundStatus.PROCESSING, claimed_at__lt=_stale_claim())
    ).order_by("received_at", "pk")


def sweep(send=queue_processing, limit=500):
    """Queue rows never processed (broker down) or left half-way (worker killed); returns how many."""
    ids = list(unfinished().values_list("pk", flat=True)[:limit])
    for inbound_id in ids:
        send(inbound_id)
    return len(ids)


def retry(row):
    """Process a failed or held row again (the admin's Retry). Returns whether it was queued."""
    updated = InboundMessage.objects.filter(
        pk=row.pk, status__in=[InboundStatus.FAILED, InboundStatus.HELD_FOR_STAFF]
    ).update(status=InboundStatus.RECEIVED, attempts=0, claimed_at=None)
    if updated:
        transaction.on_commit(partial(queue_processing, row.pk), robust=True)
    return bool(updated)
