from celery import shared_task

from wagtail_support.health import alerts


@shared_task(name="wagtail_support.check_outbox_health", ignore_result=True)
def check_outbox_health():
    """E-mail the admins when the outbox needs attention (rate limited); run by Celery beat."""
    return alerts.mail_admins_if_needed()
