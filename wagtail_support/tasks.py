"""Task registry for Celery's ``autodiscover_tasks()``: each concept keeps its tasks in its sub-package."""

from wagtail_support.health.tasks import check_outbox_health
from wagtail_support.inbound.tasks import poll_imap_mailbox, process_inbound_message, sweep_inbound
from wagtail_support.notifications.tasks import send_notification, send_notifications, sweep_outbox
from wagtail_support.staff.tasks import close_stale_tickets, remind_breaching_tickets

__all__ = [
    "check_outbox_health",
    "close_stale_tickets",
    "poll_imap_mailbox",
    "process_inbound_message",
    "remind_breaching_tickets",
    "send_notification",
    "send_notifications",
    "sweep_inbound",
    "sweep_outbox",
]
