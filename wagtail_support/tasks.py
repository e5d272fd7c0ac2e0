"""Task registry for Celery's ``autodiscover_tasks()``: each concept keeps its tasks in its sub-package."""

from wagtail_support.notifications.tasks import send_notification, sweep_outbox

__all__ = ["send_notification", "sweep_outbox"]
