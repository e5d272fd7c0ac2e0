"""Celery tasks of the notification pipeline. Thin: they call the outbox service."""

from celery import shared_task

from wagtail_support.conf import support_settings
from wagtail_support.notifications import outbox
from wagtail_support.notifications.dispatcher import publish


@shared_task(
    bind=True,
    name="wagtail_support.send_notification",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_notification(self, notification_id):
    """Send one outbox row; on an SMTP error, try again later with backoff."""
    return _send(notification_id)


@shared_task(
    name="wagtail_support.send_notifications",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_notifications(notification_ids):
    """Send outbox rows committed together (a burst handed over by one process), one after the other."""
    return [_send(notification_id) for notification_id in notification_ids]


def _send(notification_id):
    result = outbox.deliver(notification_id)
    if result.outcome == "retry":
        publish([notification_id], support_settings.CELERY_QUEUE, countdown=result.retry_in)
    return result.outcome


@shared_task(name="wagtail_support.sweep_outbox", ignore_result=True)
def sweep_outbox():
    """Queue every row that was never sent (broker down, worker lost). Run by Celery beat."""
    handed, interrupted = outbox.sweep()
    return {"queued": handed, "interrupted": interrupted}
