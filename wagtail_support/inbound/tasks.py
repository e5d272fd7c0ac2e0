"""Celery tasks of inbound e-mail. Thin: they call the inbound services."""

from celery import shared_task

from wagtail_support.inbound import services


@shared_task(
    name="wagtail_support.process_inbound_message",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def process_inbound_message(inbound_id):
    """Process one stored inbound e-mail (idempotent)."""
    return services.process(inbound_id)


@shared_task(name="wagtail_support.sweep_inbound", ignore_result=True)
def sweep_inbound():
    """Queue inbound e-mails never processed or left half-way. Run by Celery beat."""
    return {"queued": services.sweep()}


@shared_task(name="wagtail_support.poll_imap_mailbox", ignore_result=True)
def poll_imap_mailbox():
    """Store the IMAP mailbox's new messages and move them to the processed folder. Run by Celery beat."""
    from wagtail_support.inbound import imap

    result = imap.poll()
    return {"stored": result.stored, "duplicates": result.duplicates, "failed": result.failed}
